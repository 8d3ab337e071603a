"""The parsed parameter files kept in the user's cache folder (``jidi_xl.ruleset._load_yaml``): a cold process reads
the package's own files without PyYAML, with exactly PyYAML's values; anything unusable there is parsed again.

Real files throughout: the package's parameter files, a cache folder under ``tmp_path`` (``XDG_CACHE_HOME``), its
entries really truncated, replaced, made unwritable; real fresh processes for what a cold start imports.
"""
from __future__ import annotations

import os
import pickle
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from jidi_xl import ruleset as R

ROOT = Path(__file__).resolve().parents[2]
OWN = sorted(p for p in R._OWN_PARAMS.rglob("*.yaml"))


@pytest.fixture
def cache(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    return tmp_path / "xdg" / "jidi-xl" / R._PARSED_DIR


def _truth(path: Path):
    """What the module gave before it kept parsed files: PyYAML's (libyaml's) parse of the open file."""
    with open(path, encoding="utf-8") as fh:
        return yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506 — a safe loader


@pytest.mark.parametrize("path", OWN, ids=lambda p: p.relative_to(R._OWN_PARAMS).as_posix())
def test_a_kept_file_gives_pyyamls_values(cache, path):
    first = R._load_yaml(path)                       # parsed, and kept
    kept = list(cache.iterdir())
    assert len(kept) == 1 and kept[0].name.startswith("_".join(path.relative_to(R._OWN_PARAMS).parts) + "-")
    again = R._load_yaml(path)                       # read from the cache
    assert first == again == _truth(path)
    assert again is not first                        # each caller gets its own values (rule-sets overlay them)


SPOILED = [
    # (case, what is written over the kept entry)
    ("truncated", lambda good: good[: len(good) // 2]),
    ("not a pickle", lambda good: b"garbage"),
    ("another key", lambda good: pickle.dumps(("another key", {"chapter4": "forged"}))),
    ("not a pair", lambda good: pickle.dumps({"chapter4": "forged"})),
]


@pytest.mark.parametrize("case, spoil", SPOILED, ids=[s[0] for s in SPOILED])
def test_an_unusable_entry_is_parsed_again_and_rewritten(cache, case, spoil):
    path = R._OWN_PARAMS / "bj-2022.yaml"
    R._load_yaml(path)
    (entry,) = cache.iterdir()
    entry.write_bytes(spoil(entry.read_bytes()))
    assert R._load_yaml(path) == _truth(path)
    (again,) = cache.iterdir()
    assert pickle.loads(again.read_bytes())[1] == _truth(path)


def test_a_file_outside_the_package_is_parsed_each_time_and_not_kept(cache, tmp_path):
    other = tmp_path / "bj-2022.yaml"
    other.write_text("a: 1\nb: 2026-01-31\n", encoding="utf-8")
    assert R._load_yaml(other) == _truth(other)
    assert not cache.exists()


def test_an_unwritable_cache_folder_costs_only_the_parse(tmp_path, monkeypatch):
    (tmp_path / "a file").write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "a file"))
    path = R._OWN_PARAMS / "codes.yaml"
    assert R._load_yaml(path) == _truth(path)


def test_bad_yaml_is_a_yaml_error_saying_what_pyyaml_says(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("a: [1, 2\n", encoding="utf-8")
    with pytest.raises(R.YamlError) as caught:
        R._load_yaml(bad)
    with pytest.raises(yaml.YAMLError) as truth:
        _truth(bad)
    assert str(caught.value) == str(truth.value)


COLD = "import sys; import jidi_xl.ruleset as R; rs = R.load_ruleset('bj-2022@2025'); print(rs.key, 'yaml' in sys.modules)"


def test_a_cold_process_reads_the_kept_files_without_pyyaml(tmp_path):
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "xdg"),
           "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)}
    runs = [subprocess.run([sys.executable, "-c", COLD], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
            for _ in range(2)]
    assert [r.stdout.split() for r in runs] == [["bj-2022@2025", "True"], ["bj-2022@2025", "False"]], \
        [r.stdout + r.stderr for r in runs]
