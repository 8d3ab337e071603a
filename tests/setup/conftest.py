"""Fixtures of the setup tests: one project wheel and one bundle per platform for the whole session.

The bundles come from the wheel cache (``JIDI_XL_WHEEL_CACHE``, default ``~/.cache/jidi-xl/wheels``): the first
run on a machine downloads into it (Linux ≈ 70 MB, Windows ≈ 80 MB, ≈ 15 s each here), every later run is
offline (≈ 7 s a bundle). Nothing is mocked: pip really downloads, resolves and installs."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from udfs.addin import bundle


@pytest.fixture(scope="session")
def project_wheel(tmp_path_factory) -> Path:
    return bundle.build_project_wheel(tmp_path_factory.mktemp("dist"))


@pytest.fixture(scope="session")
def bundle_of(tmp_path_factory, project_wheel) -> dict[str, Path]:
    made: dict[str, Path] = {}

    def get(key: str) -> Path:
        if key not in made:
            out = tmp_path_factory.mktemp(f"bundle-{key}") / "jidi-xl"
            bundle.make_bundle(key, out, project_wheel=project_wheel)
            made[key] = out
        return made[key]

    return get


@pytest.fixture
def clean_env() -> dict[str, str]:
    """The environment a user's shell would have: no PYTHONPATH into this worktree, no pip configuration."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "PYTHON"))}
    env.pop("JIDI_XL_TRACEBACK", None)
    return env
