"""recalc: real recalculation with formulas + toy UDFs (no mocks)."""

import datetime
import math
import random
import time

import numpy as np
import openpyxl
import pytest
from openpyxl.worksheet.formula import ArrayFormula

from jidi_xl.engine.recalc import RecalcError, Recalculator


@pytest.fixture
def basic_book(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "输入 Sheet"
    ws["A1"], ws["A2"], ws["A3"] = 3, 4, "x"
    ws["B1"] = "=JIDI_TEST_DOUBLE(A1)"
    ws["B2"] = "=JIDI_TEST_RAISE(A1)"
    ws["B3"] = "=B2+1"
    ws["B4"] = "=1/0"
    ws["B5"] = '="a"&"b"'
    ws["B6"] = "=A1>2"
    ws["B7"] = "=A9"
    ws["B8"] = "=DATE(2024,1,31)"
    ws["B9"] = "=IFERROR(B2,-1)"
    ws["C1"] = ArrayFormula("C1:C2", "=A1:A2*2")
    ws["D1"] = ArrayFormula("D1:D2", "=JIDI_TEST_DOUBLE(A1:A2)")
    ws["E1"] = '=NOSUCHFN(1)'
    low = wb.create_sheet("lower")
    low["A1"] = "='输入 Sheet'!B1*10"
    ss = wb.create_sheet("straße")
    ss["A1"] = "=lower!A1+1"
    p = tmp_path / "basic.xlsx"
    wb.save(p)
    return p


def test_values_errors_and_udf_failures(basic_book, udfs, sha256):
    before = sha256(basic_book)
    res = Recalculator(udfs, lint=False).recalc(basic_book)
    assert sha256(basic_book) == before
    v = res.values
    s = "输入 Sheet"
    assert v[(s, "B1")] == 6
    assert v[(s, "B2")] == "#VALUE!" and v[(s, "B3")] == "#VALUE!"
    assert v[(s, "B4")] == "#DIV/0!"
    assert v[(s, "B5")] == "ab" and v[(s, "B6")] is True
    assert v[(s, "B7")] == 0
    assert v[(s, "B8")] == 45322
    assert v[(s, "B9")] == -1
    assert (v[(s, "C1")], v[(s, "C2")]) == (6, 8)
    assert (v[(s, "D1")], v[(s, "D2")]) == (6, 8)
    assert v[("lower", "A1")] == 60          # real sheet names, not upper-cased
    assert v[("straße", "A1")] == 61         # 'ß'.upper() == 'SS' is mapped back
    assert v[(s, "E1")] == "#NAME?"
    # python types, no numpy leftovers
    assert all(not isinstance(x, np.generic) for x in v.values())
    errors = {(e.sheet, e.cell): e for e in res.errors}
    assert set(errors) == {(s, "B2"), (s, "B3"), (s, "B4"), (s, "E1")}
    assert errors[(s, "B4")].value == "#DIV/0!" and errors[(s, "B4")].formula == "1/0"
    # the raising UDF is reported with its sheet and cell
    assert [(f.sheet, f.cell, f.function) for f in res.udf_failures] == [(s, "B2", "JIDI_TEST_RAISE")]
    assert "故意失败" in res.udf_failures[0].message
    assert res.missing == []
    assert not res.ok
    with pytest.raises(RecalcError) as ei:
        res.raise_for_problems()
    assert "输入 Sheet!B2" in str(ei.value)
    assert set(res.timings) >= {"load", "calculate", "total"}


def test_shared_formulas(xlsx, cell, rows, udfs):
    p = xlsx("shared.xlsx", [("S", rows(
        cell("A1", 1), cell("A2", 2), cell("A3", 0), cell("A4", 4),
        cell("B1", 99, f="10/A1", fattrs=' t="shared" ref="B1:B4" si="0"'),
        cell("B2", 99, f="", fattrs=' t="shared" si="0"'),
        cell("B3", 99, f="", fattrs=' t="shared" si="0"'),
        cell("B4", 99, f="", fattrs=' t="shared" si="0"'),
        cell("C1", 0, f="JIDI_TEST_DOUBLE(A1)", fattrs=' t="shared" ref="C1:C2" si="1"'),
        cell("C2", 0, f="", fattrs=' t="shared" si="1"'),
    ))])
    res = Recalculator(udfs).recalc(p)
    v = res.values
    assert [v[("S", f"B{i}")] for i in range(1, 5)] == [10, 5, "#DIV/0!", 2.5]
    assert (v[("S", "C1")], v[("S", "C2")]) == (2, 4)
    [err] = res.errors
    assert (err.sheet, err.cell, err.value, err.formula) == ("S", "B3", "#DIV/0!", "10/A3")


def test_missing_cells_are_reported(tmp_path, udfs):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Circ"
    ws["A1"] = "=B1+1"
    ws["B1"] = "=A1+1"
    ws["C1"] = "=5"
    p = tmp_path / "circ.xlsx"
    wb.save(p)
    res = Recalculator(udfs).recalc(p)
    assert sorted(res.missing) == [("Circ", "A1"), ("Circ", "B1")]
    assert res.values == {("Circ", "C1"): 5}
    assert not res.ok and "Circ!A1" in res.summary()


def test_udf_result_coercion(tmp_path):
    funcs = {
        "JIDI_NONE": lambda: None,
        "JIDI_NAN": lambda: float("nan"),
        "JIDI_DATE": lambda: datetime.date(2024, 1, 31),
        "JIDI_LIST": lambda: [[1, 2], [3, 4]],
        "JIDI_ROW": lambda: [7, 8],
        "JIDI_NP": lambda: np.float64(1.5),
        "JIDI_ERR": lambda: "#N/A",
    }
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "U"
    for i, name in enumerate(funcs, 1):
        ws[f"A{i}"] = f"={name}()"
    ws["B1"] = ArrayFormula("B1:C2", "=JIDI_LIST()")
    ws["B3"] = ArrayFormula("B3:C4", "=JIDI_ROW()")     # one row broadcast down
    ws["B5"] = ArrayFormula("B5:D5", "=JIDI_ROW()")     # padded with #N/A
    p = tmp_path / "coerce.xlsx"
    wb.save(p)
    res = Recalculator(funcs).recalc(p)
    v = res.values
    assert v[("U", "A1")] == 0                   # Excel shows an empty UDF result as 0
    assert v[("U", "A2")] == "#NUM!"
    assert v[("U", "A3")] == 45322
    assert v[("U", "A4")] == 1                   # top-left of the array
    assert v[("U", "A5")] == 7
    assert v[("U", "A6")] == 1.5 and type(v[("U", "A6")]) is float
    assert [v[("U", c)] for c in ("B1", "C1", "B2", "C2")] == [1, 2, 3, 4]
    assert [v[("U", c)] for c in ("B3", "C3", "B4", "C4")] == [7, 8, 7, 8]
    assert [v[("U", c)] for c in ("B5", "C5", "D5")] == [7, 8, "#N/A"]
    assert v[("U", "A7")] == "#N/A"              # text, not an error value
    assert ("U", "A7") not in {(e.sheet, e.cell) for e in res.errors}
    assert {(e.sheet, e.cell) for e in res.errors} == {("U", "A2"), ("U", "D5")}
    assert res.udf_failures == []


def test_xludf_prefix_and_case_insensitive_names(tmp_path):
    from jidi_xl.engine.recalc import Recalculator as R
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "=_xludf.jidi_triple(2)"
    ws["A2"] = "=Jidi_Triple(3)"
    p = tmp_path / "x.xlsx"
    wb.save(p)
    res = R({"jidi_triple": lambda x: x * 3}).recalc(p)
    assert res.values == {("Sheet", "A1"): 6, ("Sheet", "A2"): 9}


# --------------------------------------------------------------------------- #
# template fast path
# --------------------------------------------------------------------------- #
def _template(path, rows_data=None):
    """150-row input range Data!A2:C151 + 60 formula cells on Out."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data"
    ws.append(["id", "cat", "amt"])
    for r in rows_data or []:
        ws.append(r)
    out = wb.create_sheet("Out")
    for j, c in enumerate("ABCD"):
        out[f"A{j + 1}"] = c
        out[f"B{j + 1}"] = f"=SUMIF(Data!$B$2:$B$151,A{j + 1},Data!$C$2:$C$151)"
        out[f"C{j + 1}"] = f"=COUNTIF(Data!$B$2:$B$151,A{j + 1})"
        out[f"D{j + 1}"] = f"=IF(C{j + 1}>0,B{j + 1}/C{j + 1},0)"
        out[f"E{j + 1}"] = f"=JIDI_TEST_DOUBLE(B{j + 1})"
    for k in range(40):
        out[f"F{k + 1}"] = (f"=INDEX(Data!$C$2:$C$151,MATCH({k * 3 + 1},Data!$A$2:$A$151,0))*2"
                            f"+ROUND(Data!C{k + 2},1)")
    out["G1"] = "=SUM(Data!C2:C151)"
    out["G2"] = "=MAX(Data!C2:C151)"
    out["G3"] = "=AVERAGE(Data!C2:C151)"
    out["G4"] = '=SUMPRODUCT((Data!B2:B151="A")*(Data!C2:C151))'
    wb.save(path)
    return path


def _rows(seed):
    rnd = random.Random(seed)
    return [[i + 1, rnd.choice("ABCD"), round(rnd.random() * 100, 2)] for i in range(150)]


def _close(a, b):
    if isinstance(a, float) or isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)
    return a == b


@pytest.mark.parametrize("method", ["compile", "calculate"])
def test_compile_template_matches_full_recalc(tmp_path, udfs, method, sha256):
    tpl_path = _template(tmp_path / "tpl.xlsx")   # empty input range (the trap case)
    before = sha256(tpl_path)
    rc = Recalculator(udfs)
    tpl = rc.compile_template(tpl_path, ["Data!A2:C151"], ["Out!A1:G40"], method=method)
    assert sha256(tpl_path) == before
    for seed in (1, 2):
        data = _rows(seed)
        fast = tpl([data])
        full = rc.recalc(_template(tmp_path / f"filled{seed}.xlsx", data))
        assert fast.ok and full.ok
        assert set(fast.values) == {k for k in full.values if k[0] == "Out"}
        bad = {k: (fast.values[k], full.values[k]) for k in fast.values
               if not _close(fast.values[k], full.values[k])}
        assert not bad
    # mapping form and shorter input (padded with empty cells)
    res = tpl({"Data!A2:C151": _rows(3)[:10]})
    assert res.values[("Out", "C1")] + res.values[("Out", "C2")] + res.values[("Out", "C3")] \
        + res.values[("Out", "C4")] == 10


def test_compile_template_reports_udf_failures(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "T"
    ws["B1"] = "=JIDI_MAYBE(A1)"
    ws["B2"] = "=B1*2"
    p = tmp_path / "t.xlsx"
    wb.save(p)

    def maybe(x):
        v = x.value[0, 0] if hasattr(x, "value") else x
        if v == 13:
            raise ValueError("不吉利 unlucky")
        return v

    tpl = Recalculator({"JIDI_MAYBE": maybe}).compile_template(p, ["T!A1"], ["T!B1:B2"])
    ok = tpl([5])
    assert ok.ok and ok.values == {("T", "B1"): 5, ("T", "B2"): 10}
    bad = tpl([13])
    assert [(f.sheet, f.cell, f.function) for f in bad.udf_failures] == [("T", "B1", "JIDI_MAYBE")]
    assert {(e.sheet, e.cell) for e in bad.errors} == {("T", "B1"), ("T", "B2")}
    assert tpl([6]).ok   # failures do not leak into later calls


def test_compile_template_timing(tmp_path, udfs, capsys):
    """Re-measures the numbers quoted in recalc.py's docstring."""
    tpl_path = _template(tmp_path / "tpl.xlsx")
    rc = Recalculator(udfs)
    data = _rows(7)
    filled = _template(tmp_path / "filled.xlsx", data)
    t = time.perf_counter()
    full = rc.recalc(filled)
    t_file = time.perf_counter() - t
    timings = {}
    for method in ("compile", "calculate"):
        tpl = rc.compile_template(tpl_path, ["Data!A2:C151"], ["Out!A1:G40"], method=method)
        best = min(_timed(tpl, [data]) for _ in range(3))
        timings[method] = best
    with capsys.disabled():
        print(f"\n[engine timing] per file: {t_file:.3f}s (load {full.timings['load']:.3f}s, "
              f"calculate {full.timings['calculate']:.3f}s); template compile call "
              f"{timings['compile']:.3f}s, calculate(inputs) call {timings['calculate']:.3f}s")
    assert timings["compile"] < t_file


def _timed(fn, arg):
    t = time.perf_counter()
    fn(arg)
    return time.perf_counter() - t
