"""The batch's compiled template runs its pipe flat (``jidi_xl.engine.compiled._run_steps``): every sample and
the blank template give, cell for cell, what schedula's own run of the same pipe gives — values, error values,
cells without a value and UDF failures — and the flat run is the one taken."""
from __future__ import annotations

import pytest

from jidi_xl.engine import compiled
from jidi_xl.pipeline.standard import StandardEngine
from udfs.context import using
from workbooks import SAMPLES_DIR, TEMPLATE_PATH

BOOKS = [TEMPLATE_PATH, *sorted(SAMPLES_DIR.glob("*.xlsx"))]


@pytest.fixture(scope="module")
def engine():
    e = StandardEngine()
    e._compiled_template()
    return e


def _run(engine, path, flat: bool):
    book = engine.open(path)
    values = [book.block(r) for r in engine._input_rects]
    old = compiled._FLAT
    compiled._FLAT = flat
    try:
        with using(engine.ruleset):
            return engine._compiled_template()(values)
    finally:
        compiled._FLAT = old


def _shown(result) -> tuple:
    return ({k: repr(v) for k, v in result.values.items()}, sorted(result.missing),
            sorted(str(e) for e in result.errors), sorted(str(f) for f in result.udf_failures))


@pytest.mark.parametrize("path", BOOKS, ids=[p.name for p in BOOKS])
def test_flat_run_gives_schedulas_cells(engine, path):
    flat, ref = _run(engine, path, True), _run(engine, path, False)
    assert compiled._PLANS.get(engine._compiled_template()._fn) is not None, "the template's pipe was not run flat"
    assert len(flat.values) == len(ref.values) > 100
    assert _shown(flat) == _shown(ref)
