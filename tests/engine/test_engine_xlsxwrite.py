"""xlsxwrite: cached values spliced into formula cells, everything else untouched."""

import re
import zipfile

import openpyxl
import pytest
from openpyxl.formatting.rule import CellIsRule
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.formula import ArrayFormula

from jidi_xl.engine.recalc import Recalculator
from jidi_xl.engine.xlsxwrite import write_cached_values


def _sheet_xml(path, n=1):
    with zipfile.ZipFile(path) as z:
        return z.read(f"xl/worksheets/sheet{n}.xml").decode()


@pytest.fixture
def styled_book(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "计算"
    ws["A1"], ws["A2"] = 3, 4
    ws["B1"] = "=A1*2"
    ws["B1"].number_format = "0.00"
    ws["B2"] = "=A1/0"
    ws["B3"] = '="x"&A1'
    ws["B4"] = "=A1>1"
    ws["B5"] = "=A9"
    ws["B6"] = "=JIDI_TEST_DOUBLE(A2)"
    ws["C1"] = ArrayFormula("C1:C3", "=A1:A3*2")   # C2, C3 are not in the XML
    dv = DataValidation(type="list", formula1='"a,b"')
    ws.add_data_validation(dv)
    dv.add("D1")
    ws.conditional_formatting.add("B1:B5", CellIsRule(operator="greaterThan", formula=["1"]))
    wb.defined_names["Base"] = DefinedName("Base", attr_text="'计算'!$A$1")
    p = tmp_path / "styled.xlsx"
    wb.save(p)
    return p


def test_values_written_formulas_and_rest_kept(styled_book, tmp_path, sha256, zip_members, udfs):
    before = sha256(styled_book)
    res = Recalculator(udfs).recalc(styled_book)
    out = tmp_path / "out.xlsx"
    rep = write_cached_values(styled_book, out, res.values)
    assert sha256(styled_book) == before
    assert rep.written == len(res.values) == 9 and rep.inserted == 2
    # every other member byte-identical
    a, b = zip_members(styled_book), zip_members(out)
    assert a.keys() == b.keys()
    assert all(a[k] == b[k] for k in a if k != "xl/worksheets/sheet1.xml")
    # outside <sheetData> the sheet part is byte-identical
    old, new = a["xl/worksheets/sheet1.xml"].decode(), b["xl/worksheets/sheet1.xml"].decode()
    cut = lambda s: re.sub(r"<sheetData>.*</sheetData>", "", s, flags=re.S)
    assert cut(old) == cut(new)
    # cached values as Excel would store them
    x = new
    assert '<c r="B1" s="1"><f>A1*2</f><v>6</v></c>' in x
    assert '<c r="B2" t="e"><f>A1/0</f><v>#DIV/0!</v></c>' in x
    assert '<c r="B3" t="str"><f>"x"&amp;A1</f><v>x3</v></c>' in x
    assert '<c r="B4" t="b"><f>A1&gt;1</f><v>1</v></c>' in x
    assert '<c r="B6"><f>JIDI_TEST_DOUBLE(A2)</f><v>8</v></c>' in x
    assert '<c r="C2"><v>8</v></c>' in x and '<c r="C3"><v>0</v></c>' in x
    # readers see formulas and values
    wbv = openpyxl.load_workbook(out, data_only=True)["计算"]
    assert [wbv[c].value for c in ("B1", "B2", "B3", "B4", "B5", "B6", "C1", "C2", "C3")] == \
        [6, "#DIV/0!", "x3", True, 0, 8, 6, 8, 0]
    wbf = openpyxl.load_workbook(out)
    ws = wbf["计算"]
    assert ws["B1"].value == "=A1*2" and ws["B1"].number_format == "0.00"
    assert ws.data_validations.dataValidation[0].formula1 == '"a,b"'
    assert len(ws.conditional_formatting) == 1
    assert "Base" in wbf.defined_names


def test_value_types_none_and_overwrite(xlsx, cell, rows, tmp_path):
    p = xlsx("t.xlsx", [("S", rows(
        cell("A1", 999, f="1+1", t="str"),
        cell("A2", 5, f="X()"),
        cell("A3", 7, f="Y()", s=1),
        cell("A4", f="Z()"),
        cell("A5", 1, f="W()", cattrs=' cm="1"'),
        cell("B1", "keep", t="inlineStr"),
    ))])
    out = tmp_path / "o.xlsx"
    import datetime
    write_cached_values(p, out, {
        ("S", "A1"): 2, ("S", "A2"): None, ("S", "A3"): 'a<b & "c"\x01', ("S", "A4"): 0.1 + 0.2,
        ("S", "A5"): datetime.date(2024, 1, 31),
    })
    x = _sheet_xml(out)
    assert '<c r="A1"><f>1+1</f><v>2</v></c>' in x
    assert '<c r="A2"><f>X()</f></c>' in x
    assert '<c r="A3" s="1" t="str"><f>Y()</f><v>a&lt;b &amp; "c"_x0001_</v></c>' in x
    assert '<c r="A4"><f>Z()</f><v>0.30000000000000004</v></c>' in x
    assert '<c r="A5" cm="1"><f>W()</f><v>45322</v></c>' in x
    assert '<c r="B1" t="inlineStr"><is><t>keep</t></is></c>' in x


def test_shared_formulas_and_missing_rows(xlsx, cell, rows, tmp_path):
    p = xlsx("s.xlsx", [("S", rows(
        cell("A1", 1),
        cell("B1", 0, f="A1*2", fattrs=' t="shared" ref="B1:B3" si="0"'),
        cell("B2", 0, f="", fattrs=' t="shared" si="0"'),
        cell("B3", 0, f="", fattrs=' t="shared" si="0"'),
        cell("D5", f="A1:A2", fattrs=' t="array" ref="D5:E7"'),
    ))])
    out = tmp_path / "o.xlsx"
    vals = {("S", "B1"): 2, ("S", "B2"): 4, ("S", "B3"): 6}
    vals.update({("S", f"{c}{r}"): r * 10 for c in "DE" for r in (5, 6, 7)})
    rep = write_cached_values(p, out, vals)
    assert rep.inserted == 5
    x = _sheet_xml(out)
    assert '<c r="B2"><f t="shared" si="0"/><v>4</v></c>' in x
    assert '<row r="6"><c r="D6"><v>60</v></c><c r="E6"><v>60</v></c></row>' in x
    ws = openpyxl.load_workbook(out, data_only=True)["S"]
    assert [[ws.cell(r, c).value for c in (4, 5)] for r in (5, 6, 7)] == [[50, 50], [60, 60], [70, 70]]


def test_refusals(xlsx, cell, rows, tmp_path, sha256):
    p = xlsx("r.xlsx", [("S", rows(cell("A1", 1), cell("B1", 2, f="A1*2")))])
    before = sha256(p)
    with pytest.raises(ValueError):
        write_cached_values(p, p, {("S", "B1"): 3})
    with pytest.raises(ValueError, match="A1"):
        write_cached_values(p, tmp_path / "o.xlsx", {("S", "A1"): 3})
    with pytest.raises(ValueError):
        write_cached_values(p, tmp_path / "o.xlsx", {("Nope", "B1"): 3})
    rep = write_cached_values(p, tmp_path / "o.xlsx", {("S", "A1"): 3, ("S", "B1"): 4}, strict=False)
    assert rep.skipped == [("S", "A1")] and rep.written == 1
    assert sha256(p) == before


def test_10k_cells_all_written(xlsx, cell, rows, tmp_path):
    """10,000 formula cells of one sheet each get their value, and only formula cells change. (How fast: the
    benchmark ``benchmarks/bench_xlsxwrite.py`` prints it; a timing is not asserted in a test.)"""
    cells, vals = [], {}
    for r in range(1, 2001):
        cells.append(cell(f"A{r}", r))
        for col in "BCDEF":
            cells.append(cell(f"{col}{r}", 0, f=f"A{r}*2"))
            vals[("S", f"{col}{r}")] = r * 2.5
    p = xlsx("big.xlsx", [("S", rows(*cells))])
    rep = write_cached_values(p, tmp_path / "o.xlsx", vals)
    assert rep.written == 10000 and rep.inserted == 0 and rep.skipped == []
    x = _sheet_xml(tmp_path / "o.xlsx")
    assert '<c r="A1"><v>1</v></c>' in x and '<c r="F2000"><f>A2000*2</f><v>5000</v></c>' in x
    ws = openpyxl.load_workbook(tmp_path / "o.xlsx", data_only=True)["S"]
    assert [ws[f"{c}{r}"].value for r in (1, 777, 2000) for c in "ABF"] == \
        [1, 2.5, 2.5, 777, 1942.5, 1942.5, 2000, 5000, 5000]
