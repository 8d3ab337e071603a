"""crosscheck: the headless engine's native-formula results agree with LibreOffice.

For the template and every sample workbook: recalculated headlessly with ``StandardEngine(fast=False)``
(full path), UDF cells frozen to the engine's values, native formulas recalculated by LibreOffice
(ONE soffice run for all workbooks), every native formula cell compared. Negative controls in the same
run prove the comparison can fail (a perturbed engine value, a frozen value driving a native formula,
an error value). Run with ``-s`` to see the counts and timings.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import time
import zipfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest

from jidi_xl.engine import _ooxml as ox
from jidi_xl.engine.crosscheck import (CANARY_SHEET, STALE, crosscheck_libreoffice,
                                       crosscheck_libreoffice_many, freeze_udf_cells, values_agree)
from workbooks import SAMPLES_DIR, TEMPLATE_PATH

HAVE_SOFFICE = shutil.which("soffice") is not None or shutil.which("libreoffice") is not None
needs_soffice = pytest.mark.skipif(not HAVE_SOFFICE, reason="LibreOffice (soffice) not installed: "
                                   "the cross-check needs a LibreOffice to compare with")

WORKBOOKS = {"template": TEMPLATE_PATH, **{p.stem: p for p in sorted(SAMPLES_DIR.glob("*.xlsx"))}}
NEGATIVE = "negative_control"
XLAM = "file:///C:\\Users\\reviewer\\AppData\\Roaming\\Microsoft\\AddIns\\jidi_xl_addin.xlam"


# --------------------------------------------------------------------------- #
# headless side
# --------------------------------------------------------------------------- #
_ENGINE = None


def _engine_values(path: str) -> tuple[dict, str, float]:
    """Full-path headless recalculation (runs in a worker process)."""
    global _ENGINE
    from jidi_xl.engine.standard import StandardEngine
    if _ENGINE is None:
        _ENGINE = StandardEngine(fast=False)
    t = time.perf_counter()
    res, how = _ENGINE.recalc(path)
    assert res.ok, res.summary()
    return res.values, how, time.perf_counter() - t


def _snapshot(src: Path, dst: Path) -> Path:
    shutil.copyfile(src, dst)
    return dst


def _name_cell(path: Path, name: str) -> tuple[str, str]:
    with zipfile.ZipFile(path) as z:
        info = ox.read_workbook(z)
    d = next(d for d in info.defined_names if d.name == name and d.local_sheet_id is None)
    sheet, _, ref = d.value.rpartition("!")
    return sheet.strip("'").replace("''", "'"), ref.replace("$", "")


def _negative_control(path: Path, values: dict) -> tuple[dict, dict]:
    """Perturbed engine values and the mismatches / errors they must produce."""
    _, cells = ox.workbook_formula_cells(str(path))
    by_formula = {fc.text(): (fc.sheet, fc.cell) for fc in cells}
    v = dict(values)
    counta = by_formula["COUNTA(in_roster)"]            # native: engine says one more than LibreOffice
    v[counta] = values[counta] + 1
    stars = _name_cell(path, "out_stars")               # UDF cell frozen to 3 -> REPT("★",3) natively
    v[stars] = 2 if values[stars] == 3 else 3
    rept = next(k for f, k in by_formula.items() if f.startswith("IF(ISNUMBER(out_stars),REPT("))
    art = _name_cell(path, "out_art7_computed")         # UDF cell frozen to #N/A -> '=out_art7_computed' (复核改判) is #N/A
    v[art] = "#N/A"
    ref_art = by_formula["out_art7_computed"]
    expect = {"mismatches": {counta: values[counta], rept: "★" * v[stars], ref_art: "#N/A"},
              "errors": {ref_art}}
    return v, expect


@pytest.fixture(scope="module")
def checked(tmp_path_factory):
    if not HAVE_SOFFICE:
        pytest.skip("LibreOffice (soffice) not installed")
    d = tmp_path_factory.mktemp("crosscheck")
    paths = {k: _snapshot(p, d / f"{k}.xlsx") for k, p in WORKBOOKS.items()}
    t0 = time.perf_counter()
    keys = list(paths)
    try:
        ctx = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(min(2, os.cpu_count() or 1), mp_context=ctx) as pool:
            done = dict(zip(keys, pool.map(_engine_values, [str(paths[k]) for k in keys])))
    except (OSError, ValueError, RuntimeError):     # no fork here: one by one
        done = {k: _engine_values(str(paths[k])) for k in keys}
    t_engine = time.perf_counter() - t0
    assert all(how == "full" for _, how, _ in done.values())

    neg_src = "10_evaluation_good" if "10_evaluation_good" in paths else keys[-1]
    neg_values, neg_expect = _negative_control(paths[neg_src], done[neg_src][0])
    jobs = [(paths[k], done[k][0]) for k in keys] + [(paths[neg_src], neg_values)]
    t1 = time.perf_counter()
    reports = crosscheck_libreoffice_many(jobs)
    t_lo = time.perf_counter() - t1
    out = dict(zip(keys + [NEGATIVE], reports))
    print(f"\n[crosscheck] headless full recalc of {len(keys)} workbooks: {t_engine:.1f} s "
          f"(per workbook {min(x[2] for x in done.values()):.2f}-{max(x[2] for x in done.values()):.2f} s, 2 workers); "
          f"LibreOffice cross-check ({len(jobs)} files, one soffice run): {t_lo:.1f} s "
          f"= {t_lo / len(jobs):.2f} s per workbook")
    return out, neg_expect


@needs_soffice
@pytest.mark.parametrize("key", list(WORKBOOKS))
def test_native_formulas_agree_with_libreoffice(checked, key):
    reports, _ = checked
    rep = reports[key]
    print(f"\n[crosscheck] {key}: {len(rep.compared)} native formula cells compared, "
          f"{len(rep.frozen)} UDF cells frozen, prepare {rep.timings['prepare'] * 1000:.0f} ms")
    assert rep.canary == 2                       # this very copy was recalculated
    assert rep.ok, rep.summary()
    assert not rep.mismatches and not rep.errors
    assert len(rep.compared) > 0 and len(rep.frozen) > 0
    assert not rep.not_in_engine and not rep.unfrozen and not rep.udf_defined_names


@needs_soffice
def test_negative_control_is_caught(checked):
    reports, expect = checked
    rep = reports[NEGATIVE]
    assert not rep.ok and rep.canary == 2
    got = {(m.sheet, m.cell): m.libreoffice for m in rep.mismatches}
    assert got == expect["mismatches"], rep.summary()
    assert {(m.sheet, m.cell) for m in rep.errors} == expect["errors"]
    assert all(m.formula for m in rep.mismatches)


# --------------------------------------------------------------------------- #
# the frozen copy, on a hand-built Excel-shaped workbook
# --------------------------------------------------------------------------- #
_TOY_UDF = {  # UDF cell -> engine value
    "B1": 42, "B2": "abc", "B3": "", "B4": True, "B5": "#N/A",
    "C1": 42, "C2": 10, "C3": 12, "D1": 1, "D2": 2, "D3": 3,
}
_TOY_NATIVE = {  # native formula -> engine value (what Excel gives)
    "E1": ("B1+1", 43),
    "E2": ('B2&"!"', "abc!"),
    "E3": ("ISBLANK(B3)", False),              # a formula's "" is not blank
    "E4": ("COUNTA(B1:B5)", 5),
    "E5": ("LEN(B3)", 0),
    "E6": ('IF(B4,"yes","no")', "yes"),
    "E7": ("ISNA(B5)", True),
    "E8": ("SUM(C1:C3)", 64),
    "E9": ("SUM(D1:D3)", 6),
    "E10": ("DATE(2025,6,30)", 45838),
    "E11": ('COUNTIF(B1:B5,"")', 1),
    "E12": ("0.1+0.2", 0.3),                   # 0.30000000000000004: within the tolerance
    "E13": ('IF(B3="","empty",B3)', "empty"),
    "F1": ("A1*2", 42),                        # native shared formula
    "F2": ("", 10),
}


@pytest.fixture
def toy(xlsx, cell, rows, tmp_path):
    cells = [cell("A1", 21), cell("A2", 5), cell("A3", 6),
             cell("B1", 0, f="[1]!JIDI_TEST_DOUBLE(A1)"),
             cell("B2", "old", f="'C:\\Users\\reviewer\\jidi_xl_addin.xlam'!JIDI_TEST_TEXT(A1)", t="str"),
             cell("B3", 1, f='IF(A1>0,JIDI_TEST_TEXT(""),"")'),
             cell("B4", 0, f="_xludf.JIDI_TEST_FLAG(A1)", t="b"),
             cell("B5", 7, f="jidi_test_err()", cattrs=' cm="1"'),
             cell("C1", 0, f="JIDI_TEST_DOUBLE(A1)", fattrs=' t="shared" ref="C1:C3" si="0"'),
             cell("C2", 0, f="", fattrs=' t="shared" si="0"'),
             cell("C3", 0, f="", fattrs=' t="shared" si="0"'),
             cell("D1", 9, f="JIDI_TEST_SPLIT(A1)", fattrs=' t="array" ref="D1:D3"', s=1),
             cell("D2", 9, s=1)]                 # D3 absent, as Excel may leave it
    for ref, (f, _) in _TOY_NATIVE.items():
        if ref == "F1":
            cells.append(cell(ref, 0, f=f, fattrs=' t="shared" ref="F1:F2" si="1"'))
        elif ref == "F2":
            cells.append(cell(ref, 0, f="", fattrs=' t="shared" si="1"'))
        else:
            cells.append(cell(ref, 999, f=f, s=1 if ref == "E10" else None))
    p = xlsx("toy.xlsx", [("数据", rows(*cells))],
             defined_names=[("Dbl", "[1]!JIDI_TEST_DOUBLE(数据!$A$1)", None)],
             external_links=[{"target": XLAM, "names": ["JIDI_TEST_DOUBLE"]}])
    # add a calcChain, as Excel writes one (it lists the UDF cells)
    withchain = tmp_path / "toy_chain.xlsx"
    with zipfile.ZipFile(p) as zi, zipfile.ZipFile(withchain, "w", zipfile.ZIP_DEFLATED) as zo:
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
                    '<c r="B1" i="1"/><c r="E1"/></calcChain>')
    values = {("数据", k): v for k, v in _TOY_UDF.items()}
    values.update({("数据", k): v for k, (_, v) in _TOY_NATIVE.items()})
    return withchain, values


def test_freeze_udf_cells(toy, tmp_path, sha256):
    src, values = toy
    before = sha256(src)
    out = tmp_path / "frozen.xlsx"
    rep = freeze_udf_cells(src, out, values)
    assert sha256(src) == before
    assert sorted(c for _, c in rep.frozen) == sorted(_TOY_UDF)
    assert sorted(fc.cell for fc in rep.native) == sorted(_TOY_NATIVE)
    assert rep.udf_defined_names == ["Dbl"] and rep.unfrozen == []
    with zipfile.ZipFile(out) as z:
        info = ox.read_workbook(z)
        names = z.namelist()
        sheet = {c.ref: c for c in ox.scan_sheet(ox.read_text(z, info.sheets[0].part)).cells()}
        canary = ox.scan_sheet(ox.read_text(z, info.sheets[1].part)).rows[0].cells[0]
        assert b"calcChain" not in z.read("[Content_Types].xml") + z.read("xl/_rels/workbook.xml.rels")
    assert "xl/calcChain.xml" not in names
    assert [s.name for s in info.sheets] == ["数据", CANARY_SHEET] and info.sheets[1].state == "hidden"
    assert (canary.formula, canary.value) == ("1+1", "999")
    assert info.external_link_parts == ["xl/externalLinks/externalLink1.xml"]   # left alone
    # UDF cells: constants, styles kept
    for ref in ("B1", "B2", "B4", "B5", "C1", "C2", "C3", "D1", "D2", "D3"):
        assert sheet[ref].formula is None, ref
    assert sheet["B1"].value == "42" and "t=" not in sheet["B1"].attrs_text
    assert sheet["B2"].attrs["t"] == "inlineStr" and ">abc</t></is>" in sheet["B2"].body
    assert sheet["B3"].formula == '""' and sheet["B3"].attrs["t"] == "str"   # "" is not blank
    assert sheet["B4"].attrs["t"] == "b" and sheet["B4"].value == "1"
    assert sheet["B5"].attrs["t"] == "e" and sheet["B5"].value == "#N/A" and "cm" not in sheet["B5"].attrs
    assert [sheet[r].value for r in ("D1", "D2", "D3")] == ["1", "2", "3"]
    assert sheet["D3"].attrs.get("s") == "1"
    # native cells: formulas kept, cached values stale
    for ref, (f, _) in _TOY_NATIVE.items():
        assert sheet[ref].formula == f and sheet[ref].value == STALE, ref
    # a UDF cell without an engine value is left as a formula and reported
    partial = dict(values)
    del partial[("数据", "B1")]
    assert freeze_udf_cells(src, tmp_path / "p.xlsx", partial).unfrozen == [("数据", "B1")]


@needs_soffice
def test_crosscheck_toy_single(toy, tmp_path, sha256):
    src, values = toy
    before = sha256(src)
    rep = crosscheck_libreoffice(src, values, out_dir=tmp_path / "keep")
    assert sha256(src) == before
    assert rep.ok, rep.summary()
    assert rep.canary == 2 and len(rep.compared) == len(_TOY_NATIVE)
    assert os.path.exists(rep.prepared_path) and os.path.exists(rep.libreoffice_path)
    # wrong engine values are reported with both values and the formula
    bad = dict(values)
    bad[("数据", "E2")] = "abc?"
    bad[("数据", "E12")] = 0.3000001
    bad[("数据", "E3")] = True
    rep = crosscheck_libreoffice(src, bad)
    got = {m.cell: (m.formula, m.engine, m.libreoffice) for m in rep.mismatches}
    assert got.keys() == {"E2", "E12", "E3"}
    assert got["E2"] == ('B2&"!"', "abc?", "abc!") and got["E3"] == ("ISBLANK(B3)", True, False)
    assert got["E12"][:2] == ("0.1+0.2", 0.3000001) and got["E12"][2] == pytest.approx(0.3, rel=1e-15)
    assert rep.prepared_path is None and not rep.ok


@needs_soffice
def test_stale_run_is_refused(toy, tmp_path, monkeypatch):
    """Negative control of the per-copy canary: a profile that does NOT force recalculation."""
    from jidi_xl.engine import libreoffice as lo

    def bare_profile(directory):
        Path(directory).mkdir(parents=True, exist_ok=True)
        return Path(directory).resolve().as_uri()

    monkeypatch.setattr(lo, "make_profile", bare_profile)
    src, values = toy
    with pytest.raises(lo.LibreOfficeError, match="canary 999"):
        crosscheck_libreoffice(src, values)


def test_values_agree():
    import datetime as dt
    assert values_agree(1, 1.0) and values_agree(0.3, 0.1 + 0.2)
    assert values_agree(1e6, 1e6 * (1 + 5e-10)) and not values_agree(1e6, 1e6 * (1 + 5e-9))
    assert values_agree(0, 1e-15) and not values_agree(0, 1e-9)
    assert values_agree(None, "") and values_agree("", None) and not values_agree("", 0)
    assert values_agree(True, True) and not values_agree(True, 1) and not values_agree(0, False)
    assert values_agree("abc", "abc") and not values_agree("abc", "abc ") and not values_agree("1", 1)
    assert values_agree(45838, dt.datetime(2025, 6, 30)) and values_agree(45838, dt.date(2025, 6, 30))
    assert values_agree("#N/A", "#N/A") and not values_agree("#N/A", "#VALUE!")
    assert not values_agree(float("nan"), float("nan"))
