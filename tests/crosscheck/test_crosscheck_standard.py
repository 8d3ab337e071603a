"""LibreOffice with the jidi-xl extension as a second full engine, on the standard workbook (one soffice for the
module): the blank template, every sample and Excel-saved forms of a sample agree with the headless engine
in EVERY formula cell, without an error value, the canary proving the recalculation; a wrong engine value is
reported with sheet!cell and both values; an input changed through UNO (the building area just under the
rule-set's threshold) changes the 第六条第（四）项 result and the verdict as the rules engine says.

Run with ``-s`` to see the figures (cells compared, LibreOffice's time per workbook).
"""
from __future__ import annotations

import importlib.util
import shutil
import time
from pathlib import Path

import pytest

from jidi_xl import fields
from jidi_xl.engine import _ooxml as ox
from jidi_xl.engine.crosscheck import CANARY_EXPECTED
from jidi_xl.pipeline.crosscheck import standard_checker
from jidi_xl.pipeline.standard import StandardEngine
from jidi_xl.rules import RULES
from jidi_xl.ruleset import load_ruleset
from workbooks import SAMPLES_DIR, TEMPLATE_PATH
from workbooks.reader import defined_names, read_case

pytestmark = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")

WORKBOOKS = {"template": TEMPLATE_PATH, **{p.stem: p for p in sorted(SAMPLES_DIR.glob("*.xlsx"))}}
EXCEL_FORMS = ("index", "path")          # [1]!JIDI_X( and 'C:\...\jidi_xl_addin.xlam'!JIDI_X(
TEMPLATE_FORMULA_CELLS = len(ox.workbook_formula_cells(str(TEMPLATE_PATH))[1])


def _excel_saved_variant():
    """tests/engine/test_engine_excel_saved.py's writer of what Excel saves (imported by path: tests are no
    package)."""
    path = Path(__file__).resolve().parents[1] / "engine" / "test_engine_excel_saved.py"
    spec = importlib.util.spec_from_file_location("_excel_saved", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod.excel_saved_variant


@pytest.fixture(scope="module")
def engine():
    return StandardEngine(fast=True)


@pytest.fixture(scope="module")
def checker():
    t = time.perf_counter()
    with standard_checker() as x:
        print(f"\n[crosscheck] extension built + installed + soffice started: {time.perf_counter() - t:.1f} s "
              f"(start-up to a UNO connection {x.session.startup_seconds:.2f} s)")
        yield x


@pytest.fixture(scope="module")
def reports(checker, engine, tmp_path_factory):
    """Every workbook checked once (the template, the samples, Excel-saved forms of one sample)."""
    d = tmp_path_factory.mktemp("xcheck")
    books = dict(WORKBOOKS)
    variant = _excel_saved_variant()
    for form in EXCEL_FORMS:
        dst = d / f"excel_{form}.xlsx"
        variant(SAMPLES_DIR / "01_general_track_pass.xlsx", dst, form)
        books[f"excel_{form}"] = dst
    out = {}
    for key, path in books.items():
        before = path.read_bytes()
        res, _ = engine.recalc(path)
        out[key] = checker.check(path, res.values)
        assert path.read_bytes() == before                 # the input is never modified
    lo = [r.timings["libreoffice"] for r in out.values()]
    print(f"[crosscheck] {len(out)} workbooks, {sum(len(r.compared) for r in out.values())} formula cells compared; "
          f"LibreOffice per workbook {min(lo):.2f}-{max(lo):.2f} s (median {sorted(lo)[len(lo) // 2]:.2f} s)")
    return out


@pytest.mark.parametrize("key", list(WORKBOOKS) + [f"excel_{f}" for f in EXCEL_FORMS])
def test_every_formula_cell_agrees(reports, key):
    rep = reports[key]
    assert rep.canary == CANARY_EXPECTED                   # this very copy was recalculated
    assert not rep.error_values, [str(d) for d in rep.error_values]
    assert not rep.differences, [str(d) for d in rep.differences]
    assert len(rep.compared) == TEMPLATE_FORMULA_CELLS     # every formula cell of the template


def _cell(book: Path, name: str) -> tuple[str, str]:
    sheet, r, c, *_ = defined_names(book)[name]          # 0-based
    return sheet, ox.a1(r + 1, c + 1)


# (what is perturbed, the engine's value replaced by)
AREA = RULES["art6_4"].reads[0]          # the building area: the field 第六条第（四）项 reads first
AREA_NAME = fields.find(AREA).name
PERTURB = [("out_art6_4", "不符合？"), ("out_roster_filled", 12345)]


@pytest.mark.parametrize("name, wrong", PERTURB)
def test_a_wrong_engine_value_is_reported(checker, engine, name, wrong):
    book = SAMPLES_DIR / "01_general_track_pass.xlsx"
    res, _ = engine.recalc(book)
    key = _cell(book, name) if name in defined_names(book) else None
    if key is None:
        pytest.skip(f"{name} not in the layout")
    rep = checker.check(book, {**res.values, key: wrong})
    assert [(d.sheet, d.cell) for d in rep.differences] == [key]
    text = str(rep.differences[0])
    assert text.startswith(f"{key[0]}!{key[1]}：无头引擎 {wrong!r}" if isinstance(wrong, str)
                           else f"{key[0]}!{key[1]}：无头引擎 {wrong}")
    assert f"LibreOffice {res.values[key]!r}" in text or f"LibreOffice {res.values[key]}" in text


def test_changed_building_area_changes_art6_4_and_verdict(checker, tmp_path):
    """Through the UNO session: 建筑总面积 set to just under 第六条第（四）项's threshold (from the rule-set),
    recalculated; the 第六条第（四）项 result and the verdict are what the rules engine says for that input."""
    from udfs import libreoffice as ulo
    from workbooks.expected import expected_outputs

    book = SAMPLES_DIR / "01_general_track_pass.xlsx"
    threshold = load_ruleset().p("art6_4.min_building_area_m2")
    under = threshold - 1
    case = read_case(book)
    section, key = AREA.split(".")
    assert case[section][key] >= threshold        # the sample passes 第六条第（四）项 …
    before = expected_outputs(case)
    case[section][key] = under
    after = expected_outputs(case)
    assert after["out_art6_4"] != before["out_art6_4"]       # … and the rules engine says it changes
    assert after["out_recognition_verdict"] != before["out_recognition_verdict"]

    copy = ulo.libreoffice_copy(book, tmp_path / book.name)
    doc = checker.session.open(copy)
    try:
        doc.calculate_all()
        cells = {n: _cell(book, n) for n in (AREA_NAME, "out_art6_4", "out_recognition_verdict")}
        assert doc.cell(*cells["out_art6_4"]).value == before["out_art6_4"]
        assert doc.cell(*cells["out_recognition_verdict"]).value == before["out_recognition_verdict"]
        doc.set_value(*cells[AREA_NAME], float(under))
        doc.calculate_all()
        assert doc.cell(*cells["out_art6_4"]).value == after["out_art6_4"]
        assert doc.cell(*cells["out_recognition_verdict"]).value == after["out_recognition_verdict"]
        assert not [c for c in doc.formula_cells() if c.is_error]
    finally:
        doc.close()
