"""crosscheck (generic part): the LibreOffice copy (stale caches, canary, no calcChain), the comparison of every
formula cell through one LibreOffice, the canary refusing a run that did not recalculate, ``values_agree``.

The standard workbook with the ``JIDI_`` extension is cross-checked in ``tests/crosscheck/``. Here a hand-built
workbook of native formulas, with engine values from our own headless engine (no UDFs needed).
"""
from __future__ import annotations

import datetime as dt
import shutil
import zipfile

import pytest

from jidi_xl.engine import _ooxml as ox
from jidi_xl.engine.crosscheck import (CANARY_SHEET, STALE, CrossChecker, CrossCheckFailed, prepare_copy,
                                       values_agree)
from jidi_xl.engine.recalc import Recalculator
from jidi_xl.engine.uno_session import Document

needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")

# native formula -> what both engines give
NATIVE = {
    "B1": ("A1*2", 42), "B2": ('A3&"!"', "abc!"), "B3": ('IF(A1>100,"x","")', ""),
    "B4": ("SUM(A1:A2)", 26), "B5": ("DATE(2025,6,30)", 45838), "B6": ('COUNTIF(A1:A3,">5")', 1),
    "B7": ("0.1+0.2", 0.3), "B8": ("ROUND(A1/7,3)", 3), "B9": ('TEXT(A2,"0.0")&"元"', "5.0元"),
}


@pytest.fixture
def toy(xlsx, cell, rows, tmp_path):
    cells = [cell("A1", 21), cell("A2", 5), cell("A3", "abc", t="inlineStr")]
    cells += [cell(ref, 0, f=f) for ref, (f, _) in NATIVE.items()]
    cells.append(cell("C1", 0, f="B1+B4"))
    p = xlsx("toy.xlsx", [("数据", rows(*cells)), ("汇总", rows(cell("A1", 0, f="数据!C1*10")))])
    # a calcChain, as Excel writes one
    out = tmp_path / "toy_chain.xlsx"
    with zipfile.ZipFile(p) as zi, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zo:
        for item in zi.infolist():
            data = zi.read(item.filename)
            if item.filename == "[Content_Types].xml":
                data = data.replace(b"</Types>", b'<Override PartName="/xl/calcChain.xml" ContentType="application/'
                                    b'vnd.openxmlformats-officedocument.spreadsheetml.calcChain+xml"/></Types>')
            elif item.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(b"</Relationships>", b'<Relationship Id="rId99" Type="http://schemas.'
                                    b'openxmlformats.org/officeDocument/2006/relationships/calcChain" '
                                    b'Target="calcChain.xml"/></Relationships>')
            zo.writestr(item, data)
        zo.writestr("xl/calcChain.xml", '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                    '<calcChain xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                    '<c r="B1" i="1"/></calcChain>')
    res = Recalculator({}).recalc(out)
    assert res.ok, res.summary()
    return out, res.values


def test_engine_values_are_the_table(toy):
    _, values = toy
    for ref, (_, v) in NATIVE.items():
        assert values_agree(values[("数据", ref)], v), ref


def test_prepare_copy(toy, tmp_path, sha256):
    src, _ = toy
    before = sha256(src)
    dst = tmp_path / "copy.xlsx"
    canary = prepare_copy(src, dst)
    assert sha256(src) == before and canary == CANARY_SHEET
    with zipfile.ZipFile(dst) as z:
        info = ox.read_workbook(z)
        assert "xl/calcChain.xml" not in z.namelist()
        assert b"calcChain" not in z.read("[Content_Types].xml") + z.read("xl/_rels/workbook.xml.rels")
    assert [s.name for s in info.sheets] == ["数据", "汇总", CANARY_SHEET] and info.sheets[2].state == "hidden"
    cached = {}
    with zipfile.ZipFile(dst) as z:
        for sh in info.sheets:
            for row in ox.scan_sheet(ox.read_text(z, sh.part)).rows:
                cached.update({(sh.name, c.ref): c.value for c in row.cells if c.formula is not None})
    assert cached.pop((CANARY_SHEET, "A1")) == "999"
    assert set(cached.values()) == {STALE} and len(cached) == len(NATIVE) + 2
    with pytest.raises(ValueError):
        prepare_copy(src, src)


@pytest.fixture(scope="module")
def checker():
    if shutil.which("soffice") is None:
        pytest.skip("LibreOffice (soffice) not installed")
    with CrossChecker() as x:
        yield x


@needs_soffice
def test_every_formula_cell_agrees(checker, toy, sha256):
    src, values = toy
    before = sha256(src)
    rep = checker.check(src, values)
    assert sha256(src) == before
    assert rep.canary == 2 and rep.ok, [str(d) for d in rep.differences]
    assert len(rep.compared) == len(values) == len(NATIVE) + 2


# (cell, wrong engine value, LibreOffice's value as shown, why)
WRONG = [
    (("数据", "B1"), 41, "42", "值不同"),
    (("数据", "B2"), "abc?", "'abc!'", "值不同"),
    (("数据", "B7"), 0.3000001, "0.30000000000000004", "值不同"),
    (("数据", "B3"), None, None, None),                       # None agrees with "" (an empty result)
    (("汇总", "A1"), "#VALUE!", "680", "无头引擎结果为错误值"),
    (("数据", "B5"), True, "45838", "值不同"),                  # booleans only with booleans
]


@needs_soffice
@pytest.mark.parametrize("key, wrong, shown, why", WRONG)
def test_a_wrong_engine_value_is_reported(checker, toy, key, wrong, shown, why):
    src, values = toy
    rep = checker.check(src, {**values, key: wrong})
    if why is None:
        assert rep.ok and not rep.differences
        return
    assert [(d.sheet, d.cell, d.why) for d in rep.differences] == [(*key, why)]
    text = str(rep.differences[0])
    assert text.startswith(f"{key[0]}!{key[1]}：无头引擎 ") and f"LibreOffice {shown}" in text


@needs_soffice
def test_a_cell_the_engine_lacks_is_reported(checker, toy):
    src, values = toy
    partial = {k: v for k, v in values.items() if k != ("汇总", "A1")}
    rep = checker.check(src, partial)
    assert [(d.sheet, d.cell, d.why) for d in rep.differences] == [("汇总", "A1", "无头引擎没有计算此单元格")]


@needs_soffice
def test_a_run_that_did_not_recalculate_is_refused(toy, monkeypatch):
    """Negative control of the canary: a profile that keeps cached values and no calculateAll (fault
    injected) leave the canary at its stale 999 — the file is refused, nothing compared."""
    src, values = toy
    monkeypatch.setattr(Document, "calculate_all", lambda self: 0.0)
    with CrossChecker(force_recalc=False) as x:
        with pytest.raises(CrossCheckFailed, match="金丝雀.*999"):
            x.check(src, values)


def test_values_agree():
    assert values_agree(1, 1.0) and values_agree(0.3, 0.1 + 0.2)
    assert values_agree(1e6, 1e6 * (1 + 5e-10)) and not values_agree(1e6, 1e6 * (1 + 5e-9))
    assert values_agree(0, 1e-15) and not values_agree(0, 1e-9)
    assert values_agree(None, "") and values_agree("", None) and not values_agree("", 0)
    assert values_agree(True, True) and not values_agree(True, 1) and not values_agree(0, False)
    assert values_agree("abc", "abc") and not values_agree("abc", "abc ") and not values_agree("1", 1)
    assert values_agree(45838, dt.datetime(2025, 6, 30)) and values_agree(45838, dt.date(2025, 6, 30))
    assert values_agree("#N/A", "#N/A") and not values_agree("#N/A", "#VALUE!")
    assert not values_agree(float("nan"), float("nan"))
