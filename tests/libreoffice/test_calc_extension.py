"""The LibreOffice Calc extension in a real LibreOffice: built once, installed into a private profile, one
soffice for the module (UNO scripts run by LibreOffice's Python, udfs/libreoffice/office.py)."""
from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import udfs.functions  # noqa: F401 — populates the registry
from jidi_xl import fields
from jidi_xl.cli import main
from jidi_xl.pipeline.standard import StandardEngine
from jidi_xl.rules import RULES
from jidi_xl.ruleset import load_ruleset
from udfs.host import wizard_description
from udfs.libreoffice import BUTTON_URL, build_extension, libreoffice_copy, programmatic_name
from udfs.registry import INPUT_ERROR, REGISTRY
from workbooks import SAMPLES_DIR, TEMPLATE_PATH

from .available import HAVE_LO, pytestmark  # noqa: F401 — skipped where LibreOffice is not installed

SAMPLE = SAMPLES_DIR / "01_general_track_pass.xlsx"
SAMPLES = [TEMPLATE_PATH, *sorted(SAMPLES_DIR.glob("*.xlsx"))]
AREA_NAME = fields.find(RULES["art6_4"].reads[0]).name   # the cell of the field 第六条第（四）项 reads first
ERROR_TEXTS = ("#NAME?", "#VALUE!", "#REF!", "#DIV/0!", "#N/A", "#NUM!", "Err:")


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    from udfs.libreoffice.office import Office
    d = tmp_path_factory.mktemp("lo")
    oxt = build_extension(d / "jidi.oxt")
    # installed the way a reviewer (and CI, as root) does: `jidi-xl addin install --libreoffice --profile DIR`
    r = CliRunner().invoke(main, ["addin", "install", "--libreoffice", "--profile", str(d / "profile"),
                                  "--oxt", str(oxt)])
    assert r.exit_code == 0 and "已安装" in r.output, r.output
    o = Office(d / "profile")
    yield o
    o.close()


@pytest.fixture(scope="module")
def engine():
    return StandardEngine()


@pytest.fixture
def copy(tmp_path):
    """A copy of a sample in a private folder: LibreOffice's lock file never lands in workbooks/."""
    def make(src: Path) -> Path:
        dst = tmp_path / src.name
        shutil.copyfile(src, dst)
        return dst
    return make


def _headless(engine, path):
    result, _ = engine.recalc(path)
    return result.values


def _close(a, b) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return float(a) == float(b)
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)
    return (a if a not in (None, "") else "") == (b if b not in (None, "") else "")


def test_function_wizard_lists_every_registry_function(office):
    funcs = office.run([{"op": "functions"}])[0]
    assert set(funcs) == set(REGISTRY)
    for name, u in REGISTRY.items():
        f = funcs[name]
        # LibreOffice 7.4 has fixed categories: the add-in's category name (udfs.registry.CATEGORY) lands in
        # com.sun.star.sheet.FunctionCategory.ADDIN (11), shown as 加载宏 / Add-In — one category for all
        assert f["category"] == 11
        assert f["description"] == wizard_description(u)
        assert [a[0] for a in f["args"]] == [a.name for a in u.args]
        assert all(a[1].startswith(x.doc) for a, x in zip(f["args"], u.args))
        assert [a[2] for a in f["args"]] == [x.optional for x in u.args]


@pytest.mark.parametrize("sample", SAMPLES, ids=lambda p: p.stem)
def test_sample_computes_as_the_headless_engine(office, engine, sample, copy):
    """Opened as a reviewer opens it (the load job binds the JIDI_ formulas), recalculated: every JIDI_ cell
    computed (no error value) and equal to the headless engine."""
    got = office.run([{"op": "load", "path": str(copy(sample))}, {"op": "recalc"}, {"op": "formulas"},
                      {"op": "close"}])[2]
    jidi = {ref: v for ref, (f, v) in got.items() if "JIDI_" in f.upper()}
    assert len(jidi) > 100
    assert len(got) > len(jidi)            # native formula cells are there too (compared by the crosscheck)
    errors = {ref: v for ref, v in jidi.items() if isinstance(v, str) and v.startswith(ERROR_TEXTS)}
    assert errors == {}
    want = _headless(engine, sample)
    diff = {ref: (v, want.get(tuple(ref.split("!")))) for ref, v in jidi.items()
            if not _close(v, want.get(tuple(ref.split("!"))))}
    assert diff == {}


def test_libreoffice_copy_binds_without_the_load_job(office, tmp_path):
    """The rewritten copy spells the programmatic names; its formulas are bound as loaded."""
    copy = libreoffice_copy(SAMPLE, tmp_path / "copy.xlsx")
    got = office.run([{"op": "load", "path": str(copy)}, {"op": "recalc"}, {"op": "formulas"}, {"op": "close"}])[2]
    jidi = [v for f, v in got.values() if programmatic_name("JIDI_ART6_4").split(".")[0] in f.upper()]
    assert len(jidi) > 100 and not [v for v in jidi if isinstance(v, str) and v.startswith(ERROR_TEXTS)]


def test_building_area_just_under_the_threshold(office, engine, tmp_path, copy):
    """The area set to just under the rule-set's minimum: 第六条第（四）项 and the verdict change as the
    rules engine says (the headless engine on the workbook LibreOffice saved: also the round trip)."""
    threshold = load_ruleset().param("art6_4.min_building_area_m2").value
    saved = tmp_path / "under.xlsx"
    names = ["out_art6_4", "out_recognition_verdict"]
    res = office.run([{"op": "load", "path": str(copy(SAMPLE))}, {"op": "read_named", "names": names},
                      {"op": "set_named", "name": AREA_NAME, "value": threshold - 1},
                      {"op": "recalc"}, {"op": "read_named", "names": names},
                      {"op": "store", "path": str(saved)}, {"op": "close"}])
    before, after = res[1], res[4]
    assert before["out_art6_4"] == "符合" and after["out_art6_4"] == "不符合"
    assert after["out_recognition_verdict"] != before["out_recognition_verdict"]
    headless = _headless(engine, saved)
    from workbooks.layout import LAYOUT
    for n in names:
        nm = LAYOUT.name(n) if hasattr(LAYOUT, "name") else None
        if nm is not None:
            assert headless[(nm.sheet, nm.ref.replace("$", ""))] == after[n]


def test_round_trip_saved_by_libreoffice_checks_in_the_engine(office, engine, tmp_path, copy):
    """LibreOffice writes ORG.JIDIXL.FUNCTIONS.JIDI_… into the xlsx; the headless engine reads it back with
    the same results as the original."""
    saved = tmp_path / "saved.xlsx"
    office.run([{"op": "load", "path": str(copy(SAMPLE))}, {"op": "store", "path": str(saved)}, {"op": "close"}])
    import zipfile
    with zipfile.ZipFile(saved) as z:
        xml = "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.startswith("xl/worksheets/"))
    assert programmatic_name("JIDI_ART6_4") in xml
    original, back = _headless(engine, SAMPLE), _headless(engine, saved)
    jidi_cells = [k for k in original if k in back]
    assert len(jidi_cells) > 100
    assert {k: (original[k], back[k]) for k in jidi_cells if not _close(original[k], back[k])} == {}
    # for Excel: the copy spells JIDI_… as the standard workbook does, and still computes the same
    excel = tmp_path / "for-excel.xlsx"
    r = CliRunner().invoke(main, ["addin", "excel-copy", str(saved), str(excel)])
    assert r.exit_code == 0
    with zipfile.ZipFile(excel) as z:
        xml2 = "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist() if n.startswith("xl/worksheets/"))
    assert "ORG.JIDIXL" not in xml2 and xml2.count("JIDI_ART6_4(") == xml.count(programmatic_name("JIDI_ART6_4") + "(")
    again = _headless(engine, excel)
    assert {k: (original[k], again[k]) for k in jidi_cells if not _close(original[k], again[k])} == {}


def test_button_through_dispatch_reports_the_verdict(office, copy):
    res = office.run([{"op": "load", "path": str(copy(SAMPLE))}, {"op": "dispatch", "url": BUTTON_URL},
                      {"op": "read_named", "names": ["out_recognition_verdict"]}, {"op": "close"}])
    record = json.loads((office.profile_dir / "user" / "jidi-xl" / "last-evaluation.json").read_text("utf-8"))
    assert record["document"].endswith(SAMPLE.name)
    assert f"认定结论：{res[2]['out_recognition_verdict']}" in record["text"]
    assert record["problem"] is False and "已重新计算" in record["text"]


# -- bad input: the third runtime ---------------------------------------------------------------------

@pytest.mark.parametrize("formula, expected", [
    # text where a number belongs: the documented input error, naming the field
    ('=JIDI_ART6_4(A1;A2)', INPUT_ERROR + "建筑总面积"),
    # an empty cell is blank (not 0): 待核实, as in Excel and formulas
    ('=JIDI_ART6_4(A3;A2)', "待核实"),
    # an error value in a single-value argument reaches the function (XCellRange): the documented text
    ('=JIDI_ART6_4(A4;A2)', INPUT_ERROR + "建筑总面积"),
    # an empty range: not entered
    ('=JIDI_SMALL_MICRO_COUNT(D1:L3)', ""),
    # an error value inside a range reaches the function (XCellRange): the documented text
    ('=JIDI_ART6_3(A4:A7)', INPUT_ERROR),
    # a range of the wrong shape for a flag list: the documented count message
    ('=JIDI_ART6_3(A5:A6)', INPUT_ERROR),
])
def test_bad_input_in_libreoffice(office, formula, expected):
    res = office.run([{"op": "new"}, {"op": "set", "cell": "A1", "string": "五千"},
                      {"op": "set", "cell": "A2", "value": 600}, {"op": "set", "cell": "A4", "formula": "=1/0"},
                      {"op": "set", "cell": "B1", "formula": formula}, {"op": "close"}])
    got = res[4]
    assert (got or "").startswith(expected) if expected else got in (None, "", 0.0)


@pytest.mark.parametrize("formula, shown", [
    ('=JIDI_ART6_4(6000;500)', "Err:504"),               # a literal for a required argument (XCellRange)
    ('=JIDI_ART6_4(A1;A2;1/0)', "#DIV/0!"),              # an error value for an optional argument (any)
])
def test_where_libreoffice_decides_for_itself(office, formula, shown):
    """LibreOffice does not call the function: a literal where a cell reference is required, an error value
    in an optional argument (measured, 7.4.7; docs/udfs.md, docs/libreoffice-setup.md)."""
    res = office.run([{"op": "new"}, {"op": "set", "cell": "A1", "value": 6000}, {"op": "set", "cell": "A2", "value": 600},
                      {"op": "set", "cell": "B1", "formula": formula}, {"op": "close"}])
    assert res[3] == shown


def test_cli_builds_the_extension(tmp_path):
    import zipfile
    out = tmp_path / "jidi.oxt"
    r = CliRunner().invoke(main, ["addin", "build", "--libreoffice", "-o", str(out)])
    assert r.exit_code == 0 and "已构建" in r.output
    with zipfile.ZipFile(out) as z:
        names = set(z.namelist())
        idl = z.read("jidi.idl").decode()
    assert {"META-INF/manifest.xml", "description.xml", "jidi_addin.py", "jidi.rdb", "Addons.xcu", "Jobs.xcu"} <= names
    assert all(f" {n}(" in idl for n in REGISTRY)


def test_button_names_a_bad_input_cell(office, copy):
    """Text in the building area: the button's report names the cell (sheet!cell) and says what to do, and the
    verdict is not 符合."""
    office.run([{"op": "load", "path": str(copy(SAMPLE))},
                {"op": "set_named", "name": AREA_NAME, "string": "五千平方米"},
                {"op": "dispatch", "url": BUTTON_URL}, {"op": "close"}])
    record = json.loads((office.profile_dir / "user" / "jidi-xl" / "last-evaluation.json").read_text("utf-8"))
    assert record["problem"] is True
    assert "输入检查发现以下问题" in record["text"] and "基本信息!" in record["text"]
    assert "认定结论：符合" not in record["text"]

