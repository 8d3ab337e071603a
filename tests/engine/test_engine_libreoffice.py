"""libreoffice: forced recalculation proven with a stale canary; cross-check vs formulas."""

import math
import os
import shutil

import openpyxl
import pytest

from jidi_xl.engine import libreoffice as lo
from jidi_xl.engine.recalc import Recalculator
from jidi_xl.engine.xlsxwrite import write_cached_values

pytestmark = pytest.mark.skipif(shutil.which("soffice") is None and shutil.which("libreoffice") is None,
                                reason="LibreOffice (soffice) not installed")


def test_available():
    assert lo.libreoffice_available()


def test_canary_proves_forced_recalc(tmp_path):
    assert lo.verify_forced_recalc() is True
    # negative control: a profile without our registry keeps the stale 999
    src = tmp_path / "canary.xlsx"
    lo.write_canary(str(src))
    (tmp_path / "out").mkdir()
    bare = tmp_path / "bare_profile"
    bare.mkdir()
    out = lo._convert(str(src), str(tmp_path / "out"), bare.resolve().as_uri(), 180)
    assert lo.read_cached_values(out, [("Canary", "A1")]) == {("Canary", "A1"): 999}


def test_cross_check_with_formulas(tmp_path, udfs, sha256):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "数据"
    for i, (cat, amt) in enumerate([("A", 1.1), ("B", 2.2), ("A", 3.3), ("C", 0.1)], 1):
        ws[f"A{i}"], ws[f"B{i}"] = cat, amt
    ws["D1"] = '=SUMIF(A1:A4,"A",B1:B4)'
    ws["D2"] = "=VLOOKUP(\"C\",A1:B4,2,FALSE)"
    ws["D3"] = "=ROUND(AVERAGE(B1:B4),3)"
    ws["D4"] = "=DATE(2025,6,30)-DATE(2024,1,1)"
    ws["D5"] = '=TEXT(B2,"0.0")&"元"'
    ws["D6"] = "=B1/0"
    ws["D7"] = "=SUMPRODUCT((A1:A4=\"A\")*B1:B4)"
    ws["D8"] = "=JIDI_TEST_DOUBLE(B1)"
    src = tmp_path / "cross.xlsx"
    wb.save(src)
    res = Recalculator(udfs).recalc(src)
    # make every cached value stale: LibreOffice must recompute them
    stale = tmp_path / "stale.xlsx"
    write_cached_values(src, stale, {k: 999 for k in res.values})
    before = sha256(stale)
    out = tmp_path / "lo_out.xlsx"
    lres = lo.libreoffice_recalc(stale, out)
    assert sha256(stale) == before and os.path.exists(out)
    for key, v in res.values.items():
        got = lres.values[key]
        if key == ("数据", "D8"):
            assert got == "#NAME?"          # LibreOffice cannot run Python UDFs
        elif isinstance(v, float):
            assert math.isclose(got, v, rel_tol=1e-12), key
        else:
            assert got == v, key
    assert ("数据", "D6", "#DIV/0!") in lres.errors


def test_refuses_same_path(tmp_path):
    p = tmp_path / "x.xlsx"
    lo.write_canary(str(p))
    with pytest.raises(ValueError):
        lo.libreoffice_recalc(p, p, verify=False)
