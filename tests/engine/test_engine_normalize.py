"""normalize: Excel-saved add-in calls ([1]!NAME / 'path.xlam'!NAME) are made loadable."""

import zipfile

import pytest

from jidi_xl.engine._ooxml import read_workbook, scan_sheet, read_text
from jidi_xl.engine.normalize import normalize_workbook, normalized_copy
from jidi_xl.engine.recalc import Recalculator

XLAM = "file:///C:\\Users\\me\\AppData\\Roaming\\Microsoft\\AddIns\\jidi.xlam"


def _formulas(path):
    with zipfile.ZipFile(path) as z:
        info = read_workbook(z)
        out = {}
        for s in info.sheets:
            for c in scan_sheet(read_text(z, s.part)).cells():
                if c.formula is not None:
                    out[(s.name, c.ref)] = c.formula
        return out, info


@pytest.fixture
def excel_saved(xlsx, cell, rows):
    """What Excel writes for a workbook calling add-in UDFs."""
    return xlsx("excel_saved.xlsx", [
        ("数据", rows(
            cell("A1", 21),
            cell("B1", 42, f="[1]!JIDI_TEST_DOUBLE(A1)"),
            cell("B2", 42, f="'C:\\Users\\me\\jidi.xlam'!JIDI_TEST_DOUBLE(A1)"),
            cell("B3", 42, f="'[1]'!JIDI_TEST_DOUBLE(A1)"),
            cell("B4", 42, f="jidi.xlam!JIDI_TEST_DOUBLE(A1)"),
            cell("B5", 43, f='[1]!JIDI_TEST_DOUBLE(A1)+LEN("[1]!JIDI_TEST_DOUBLE(")*0+1'),
            cell("B6", 84, f="[1]!JIDI_TEST_DOUBLE([1]!JIDI_TEST_DOUBLE(A1))"),
            cell("B7", 1, f="MyDouble/42"),
        ))],
        defined_names=[("MyDouble", "[1]!JIDI_TEST_DOUBLE(数据!$A$1)", None)],
        external_links=[{"target": XLAM, "names": ["JIDI_TEST_DOUBLE"]}],
    )


def test_qualifiers_stripped_and_link_removed(excel_saved, tmp_path, sha256):
    before = sha256(excel_saved)
    out = tmp_path / "norm.xlsx"
    rep = normalize_workbook(excel_saved, out, ["JIDI_TEST_DOUBLE"])
    assert sha256(excel_saved) == before
    f, info = _formulas(out)
    assert f[("数据", "B1")] == "JIDI_TEST_DOUBLE(A1)"
    assert f[("数据", "B2")] == "JIDI_TEST_DOUBLE(A1)"
    assert f[("数据", "B3")] == "JIDI_TEST_DOUBLE(A1)"
    assert f[("数据", "B4")] == "JIDI_TEST_DOUBLE(A1)"
    # text inside a string literal is left alone
    assert f[("数据", "B5")] == 'JIDI_TEST_DOUBLE(A1)+LEN("[1]!JIDI_TEST_DOUBLE(")*0+1'
    assert f[("数据", "B6")] == "JIDI_TEST_DOUBLE(JIDI_TEST_DOUBLE(A1))"
    assert info.defined_names[0].value == "JIDI_TEST_DOUBLE(数据!$A$1)"
    assert ("数据", "B1") in rep.cells and (None, "MyDouble") in rep.cells
    assert rep.stripped == 8
    # external link parts are gone
    assert rep.removed_links == ["xl/externalLinks/externalLink1.xml"]
    with zipfile.ZipFile(out) as z:
        names = set(z.namelist())
        assert not any(n.startswith("xl/externalLinks/") for n in names)
        assert b"externalLink" not in z.read("[Content_Types].xml")
        assert b"externalLink" not in z.read("xl/_rels/workbook.xml.rels")
        assert b"externalReference" not in z.read("xl/workbook.xml")
    assert info.external_link_parts == []


def test_normalized_copy_loads_and_recalculates(excel_saved, udfs, sha256):
    before = sha256(excel_saved)
    res = Recalculator(udfs).recalc(excel_saved)
    assert sha256(excel_saved) == before
    assert res.ok, res.summary()
    v = res.values
    assert v[("数据", "B1")] == 42 and v[("数据", "B2")] == 42
    assert v[("数据", "B3")] == 42 and v[("数据", "B4")] == 42
    assert v[("数据", "B5")] == 43 and v[("数据", "B6")] == 84
    assert v[("数据", "B7")] == 1
    assert res.normalize.stripped == 8


def test_other_functions_not_stripped(xlsx, cell, rows, tmp_path):
    p = xlsx("other.xlsx", [("S", rows(cell("A1", f="[1]!OTHER_ADDIN(1)+[1]!jidi_any(2)")))],
             external_links=[{"target": "file:///C:/x/other.xlam", "names": ["OTHER_ADDIN"]}])
    rep = normalize_workbook(p, tmp_path / "n.xlsx", [])
    f, info = _formulas(tmp_path / "n.xlsx")
    # JIDI_* are always stripped, unknown add-ins keep their link
    assert f[("S", "A1")] == "[1]!OTHER_ADDIN(1)+jidi_any(2)"
    assert rep.removed_links == [] and len(info.external_link_parts) == 1


def test_used_workbook_link_kept_unused_trailing_removed(xlsx, cell, rows, tmp_path):
    p = xlsx("two_links.xlsx", [("S", rows(
        cell("A1", 5, f="[1]Sheet1!A1*2"),
        cell("A2", 4, f="[2]!JIDI_TEST_DOUBLE(2)")))],
        external_links=[{"target": "other.xlsx", "sheet": "Sheet1"},
                        {"target": XLAM, "names": ["JIDI_TEST_DOUBLE"]}])
    rep = normalize_workbook(p, tmp_path / "n.xlsx", ["JIDI_TEST_DOUBLE"])
    f, info = _formulas(tmp_path / "n.xlsx")
    assert f[("S", "A1")] == "[1]Sheet1!A1*2"
    assert f[("S", "A2")] == "JIDI_TEST_DOUBLE(2)"
    assert rep.removed_links == ["xl/externalLinks/externalLink2.xml"]
    assert info.external_link_parts == ["xl/externalLinks/externalLink1.xml"]


def test_unused_link_before_used_one_is_kept(xlsx, cell, rows, tmp_path):
    # removing [1] would renumber [2] everywhere: keep it (formulas ignores .xlam links)
    p = xlsx("two_links.xlsx", [("S", rows(
        cell("A1", 4, f="[1]!JIDI_TEST_DOUBLE(2)"),
        cell("A2", 5, f="[2]Sheet1!A1*2")))],
        external_links=[{"target": XLAM, "names": ["JIDI_TEST_DOUBLE"]},
                        {"target": "other.xlsx", "sheet": "Sheet1"}])
    rep = normalize_workbook(p, tmp_path / "n.xlsx", ["JIDI_TEST_DOUBLE"])
    f, info = _formulas(tmp_path / "n.xlsx")
    assert f[("S", "A1")] == "JIDI_TEST_DOUBLE(2)"
    assert rep.removed_links == [] and len(info.external_link_parts) == 2


def test_no_change_is_plain_copy_and_refuses_same_path(xlsx, cell, rows, tmp_path, sha256):
    p = xlsx("plain.xlsx", [("S", rows(cell("A1", 1), cell("A2", f="A1+1")))])
    rep = normalize_workbook(p, tmp_path / "copy.xlsx")
    assert not rep.changed and sha256(p) == sha256(tmp_path / "copy.xlsx")
    with pytest.raises(ValueError):
        normalize_workbook(p, p)
    with normalized_copy(p) as r:
        path = r.path
        assert zipfile.is_zipfile(path)
    import os
    assert not os.path.exists(path)
