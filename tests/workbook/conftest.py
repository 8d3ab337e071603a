"""Fixtures for the workbook tests: every workbook built (and so recalculated) once per session.

``built(key)`` returns a :class:`Built` for ``"template"`` or a sample id: the bytes the generator makes
now, the values ``formulas`` computed for every cell of that workbook (the generator's own
recalculation pass — the formulas and inputs are those of the final file; only the cached values
differ), and the case JSON. Helpers are fixtures, so test modules never import this file by name.
"""
from __future__ import annotations

import json
import multiprocessing
import os
import pickle
import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from workbooks import SAMPLES_DIR, TEMPLATE_PATH
from workbooks.generate import build, example_cases

EXAMPLES = example_cases()
SAMPLE_IDS = [sid for _, sid in EXAMPLES]


@dataclass
class Built:
    key: str
    data: bytes
    values: dict[tuple[str, int, int], Any]
    raw: dict | None
    committed: Path

    def write(self, tmp: Path) -> Path:
        p = tmp / f"{self.key}.xlsx"
        if not p.exists():
            p.write_bytes(self.data)
        return p


_CACHE: dict[str, Built] = {}
_KEYS = ["template"] + SAMPLE_IDS


def _make(key: str) -> tuple[str, bytes, dict, dict | None]:
    if key == "template":
        data, values = build(None)
        return key, data, values, None
    path = dict((sid, p) for p, sid in EXAMPLES)[key]
    raw = json.loads(path.read_text(encoding="utf-8"))
    data, values = build(raw, sample_of=f"{raw.get('case_id') or path.stem}（{raw['base']['name']}）")
    return key, data, values, raw


# The pool pickles ``_make`` by module name, and every test folder has a module called ``conftest``: with
# tests/rules collected after this folder, ``conftest._make`` would be looked up in the wrong one. A
# name of its own (inherited by the forked workers) keeps the lookup right whatever the collection order.
sys.modules.setdefault("_workbook_conftest", sys.modules[__name__])
_make.__module__ = "_workbook_conftest"


def _store(key, data, values, raw) -> None:
    committed = TEMPLATE_PATH if key == "template" else SAMPLES_DIR / f"{key}.xlsx"
    _CACHE[key] = Built(key, data, values, raw, committed)


def _prebuild() -> None:
    """Build every workbook once, on the machine's cores (each build: two writes and one recalculation)."""
    todo = [k for k in _KEYS if k not in _CACHE]
    workers = min(len(todo), os.cpu_count() or 1, 4)
    if workers > 1:
        try:
            ctx = multiprocessing.get_context("fork")
            with ProcessPoolExecutor(workers, mp_context=ctx) as pool:
                for res in pool.map(_make, todo):
                    _store(*res)
            return
        except (OSError, ValueError, RuntimeError, pickle.PicklingError):      # no fork here: build one by one
            pass
    for k in todo:
        _store(*_make(k))


def _build(key: str) -> Built:
    if key not in _CACHE:
        if key in _KEYS:
            _prebuild()
        else:
            _store(*_make(key))
    return _CACHE[key]


@pytest.fixture(scope="session")
def built():
    return _build


@pytest.fixture(scope="session")
def book_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("books")
