"""libreoffice: forced recalculation proven with a stale canary; cold conversion vs formulas; the UNO session
(one soffice for the module's session tests, plus one deliberately hung and killed)."""

import math
import os
import shutil
import signal
import time

from pathlib import Path

import openpyxl
import pytest

from jidi_xl.engine import libreoffice as lo
from jidi_xl.engine.recalc import Recalculator
from jidi_xl.engine.uno_session import UnoSession, UnoSessionError
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


# --------------------------------------------------------------------------- #
# the UNO session
# --------------------------------------------------------------------------- #
def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    # zombies still count for killpg: look at the states
    for pid in os.listdir("/proc"):
        if pid.isdigit():
            try:
                stat = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(stat[2]) == pgid and stat[0] != "Z":
                return True
    return False


@pytest.fixture(scope="module")
def session():
    s = UnoSession().start()
    print(f"\n[uno] soffice start-up to a UNO connection: {s.startup_seconds:.2f} s")
    yield s
    pgid = s.pid
    s.close()
    assert not _group_alive(pgid)          # no soffice left behind


@pytest.fixture
def book(xlsx, cell, rows):
    cells = [cell("A1", 21), cell("A2", 0), cell("A3", "abc", t="inlineStr"),
             cell("B1", 999, f="A1*2"), cell("B2", 999, f="A1/A2"), cell("B3", 999, f='A3&"!"', t="str"),
             cell("B4", 999, f='IF(A1>100,"x","")', t="str"), cell("B5", 999, f="A1>10"),
             cell("B6", 999, f="DATE(2025,6,30)"), cell("B7", 999, f='VLOOKUP("zz",A1:A3,1,FALSE)')]
    return xlsx("session.xlsx", [("数据", rows(*cells)), ("Other", rows(cell("A1", 999, f="数据!B1+1")))])


# (cell, kind, value) LibreOffice gives after calculateAll: the cached 999s are all gone
EXPECTED = [
    ("B1", "number", 42.0), ("B2", "error", "#DIV/0!"), ("B3", "text", "abc!"), ("B4", "text", ""),
    ("B5", "number", 1.0), ("B6", "number", 45838.0), ("B7", "error", "#N/A"),
]


def test_session_reads_every_formula_cell(session, book, sha256):
    before = sha256(book)
    doc = session.open(book)
    try:
        assert doc.sheet_names == ["数据", "Other"]
        doc.calculate_all()
        got = {(c.sheet, c.address): (c.kind, c.value) for c in doc.formula_cells()}
        assert got == {**{("数据", a): (k, v) for a, k, v in EXPECTED}, ("Other", "A1"): ("number", 43.0)}
        assert doc.display_text("数据", "B5") == "TRUE"          # a logical result: 1 shown as TRUE
        assert doc.cell("数据", "A3").kind == "text" and doc.cell("数据", "A1").value == 21.0
        assert doc.cell("数据", "B1").formula == "=A1*2"
    finally:
        doc.close()
    assert sha256(book) == before


@pytest.mark.parametrize("value, b1, b2, b4", [
    (60, 120.0, ("error", "#DIV/0!"), ("text", "")),
    (200.5, 401.0, ("error", "#DIV/0!"), ("text", "x")),
    (None, 0.0, ("error", "#DIV/0!"), ("text", "")),
])
def test_session_set_value_and_recalc(session, book, value, b1, b2, b4):
    doc = session.open(book)
    try:
        doc.set_value("数据", "A1", value)
        doc.calculate_all()
        assert doc.cell("数据", "B1").value == b1
        assert (doc.cell("数据", "B2").kind, doc.cell("数据", "B2").value) == b2
        assert (doc.cell("数据", "B4").kind, doc.cell("数据", "B4").value) == b4
        assert doc.cell("Other", "A1").value == b1 + 1
    finally:
        doc.close()


def test_session_refuses_what_is_not_a_spreadsheet(session, tmp_path):
    p = tmp_path / "x.xlsx"
    p.write_bytes(b"not a zip")
    with pytest.raises(UnoSessionError):
        session.open(p).close()
    with pytest.raises(UnoSessionError, match="文件不存在"):
        session.open(tmp_path / "missing.xlsx")
    assert session.running                    # a bad file costs that file only


def test_hung_soffice_is_killed(book):
    """A call past its time limit kills the whole process group and says so; nothing is left running."""
    s = UnoSession(call_timeout=0.05).start()
    pgid = s.pid
    try:
        with pytest.raises(UnoSessionError, match="已终止进程"):
            for _ in range(50):               # a load takes far longer than 0.05 s
                s.open(book).close()
        assert not s.running
    finally:
        s.close()
    assert not _group_alive(pgid)


def test_sigterm_leaves_no_soffice(tmp_path):
    """A process killed with SIGTERM while its session runs takes its soffice with it."""
    import subprocess
    import sys
    script = ("import sys, time; from jidi_xl.engine.uno_session import UnoSession; s = UnoSession().start(); "
              "print(s.pid, flush=True); time.sleep(120)")
    p = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True,
                         env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])})
    pgid = int(p.stdout.readline())
    assert _group_alive(pgid)
    p.send_signal(signal.SIGTERM)
    assert p.wait(60) == 128 + signal.SIGTERM
    deadline = time.monotonic() + 15
    while _group_alive(pgid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not _group_alive(pgid)
