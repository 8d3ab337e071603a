"""recalc / check / batch end to end: real workbooks, really recalculated, really read back."""
from __future__ import annotations

import hashlib
import re
import shutil
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from jidi_xl.cli import main
from jidi_xl.fields import find
from jidi_xl.rules import RULES
from workbooks import SAMPLES_DIR, TEMPLATE_PATH
from workbooks.layout import LAYOUT, NO_EVALUATION, NO_RECOGNITION, NOT_EVALUATED

SAMPLES = sorted(SAMPLES_DIR.glob("*.xlsx"))
AREA_NAME = find(RULES["art6_4"].reads[0]).name   # the cell of the field 第六条第（四）项 reads first
EXCEL_ERRORS = ("#NAME?", "#VALUE!", "#REF!", "#DIV/0!", "#N/A", "#NUM!", "#NULL!")


def sha(p: Path) -> str:
    return hashlib.sha256(p.read_bytes()).hexdigest()


def cli(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def set_cell(src: Path, dst: Path, name: str, value) -> None:
    """A copy of ``src`` with the cell of defined name ``name`` set (openpyxl; cached values are not needed)."""
    wb = openpyxl.load_workbook(src)
    n = LAYOUT[name]
    wb[n.sheet][n.ref] = value
    wb.save(dst)


def test_check_passes_on_the_template_and_every_sample():
    res = cli("check", TEMPLATE_PATH, *SAMPLES)
    assert res.exit_code == 0, res.output
    assert res.output.count("✔") == len(SAMPLES) + 1
    assert "空白模板" in res.output


def test_recalc_writes_a_copy_with_formulas_and_values_and_leaves_the_input(tmp_path):
    src = tmp_path / "in.xlsx"
    shutil.copy(SAMPLES[0], src)
    before = sha(src)
    out = tmp_path / "out.xlsx"
    res = cli("recalc", src, "-o", out)
    assert res.exit_code == 0, res.output
    assert sha(src) == before
    f = openpyxl.load_workbook(out)
    v = openpyxl.load_workbook(out, data_only=True)
    n = LAYOUT["out_recognition_verdict"]
    assert "JIDI_RECOGNITION(" in str(f[n.sheet][n.ref].value)
    assert v[n.sheet][n.ref].value == "符合认定条件（建议认定）"
    for ws in v.worksheets:
        for row in ws.iter_rows():
            for c in row:
                assert c.value not in EXCEL_ERRORS, (ws.title, c.coordinate, c.value)


def test_recalc_refuses_to_overwrite_its_input(tmp_path):
    src = tmp_path / "in.xlsx"
    shutil.copy(SAMPLES[0], src)
    assert cli("recalc", src, "-o", src).exit_code == 2


def test_recalc_default_output_is_beside_the_input(tmp_path):
    src = tmp_path / "book.xlsx"
    shutil.copy(SAMPLES[0], src)
    assert cli("recalc", src).exit_code == 0
    assert (tmp_path / "book.recalc.xlsx").exists()


def test_an_added_formula_is_refused_with_sheet_and_cell(tmp_path):
    """A formula the template does not have (here one giving #DIV/0!) is not the standard workbook: refused,
    named, never evaluated (error values themselves are reported by the generic engine, tests/engine)."""
    bad = tmp_path / "err.xlsx"
    wb = openpyxl.load_workbook(SAMPLES[0])
    wb["参数"]["E4"] = "=1/0"
    wb.save(bad)
    res = cli("recalc", bad, "-o", tmp_path / "out.xlsx")
    assert res.exit_code != 0 and not (tmp_path / "out.xlsx").exists()
    assert "参数!E4" in res.output and "不是标准评价工作簿" in res.output, res.output


def test_text_in_a_number_cell_is_named_never_a_pass(tmp_path):
    bad = tmp_path / "bad.xlsx"
    set_cell(SAMPLES[0], bad, AREA_NAME, "五千平方米")
    where = LAYOUT[AREA_NAME].where
    res = cli("recalc", bad, "-o", tmp_path / "out.xlsx")
    assert "输入错误" in res.output and "建筑总面积" in res.output
    v = openpyxl.load_workbook(tmp_path / "out.xlsx", data_only=True)
    n = LAYOUT["out_art6_4"]
    assert v[n.sheet][n.ref].value == "待核实"
    chk = cli("check", bad)
    assert chk.exit_code == 2 and where in chk.output, chk.output


def test_check_finds_a_miswired_result_cell(tmp_path):
    """A result formula wired to the wrong input gives a difference, with the cell and both values."""
    bad = tmp_path / "miswired.xlsx"
    n = LAYOUT["out_art6_4_computed"]
    wb = openpyxl.load_workbook(SAMPLES[2])            # 03_fail_area: the building is too small
    ws = wb[n.sheet]
    assert AREA_NAME in ws[n.ref].value
    ws[n.ref] = ws[n.ref].value.replace(f"JIDI_ART6_4({AREA_NAME}", "JIDI_ART6_4(99999")
    wb.save(bad)
    res = cli("check", bad)
    assert res.exit_code != 0, res.output
    # an edited result formula is not the standard workbook: refused, named, never a verdict
    assert n.where in res.output and "公式被修改" in res.output and "不是标准评价工作簿" in res.output, res.output


def test_batch_consolidates_samples_and_explains_a_broken_file(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    for p in SAMPLES[:4]:
        shutil.copy(p, src / p.name)
    (src / "zz_broken.xlsx").write_bytes(b"this is not a workbook")
    (src / "notes.txt").write_text("not a workbook", encoding="utf-8")
    bad = src / "05_bad_input.xlsx"
    set_cell(SAMPLES[0], bad, AREA_NAME, "五千")
    before = {p.name: sha(p) for p in src.iterdir()}
    summary = tmp_path / "out" / "summary.xlsx"
    res = cli("batch", src, "-o", summary, "-j", "2")
    assert res.exit_code == 2, res.output          # three files could not be evaluated (README, exit codes)
    assert {p.name: sha(p) for p in src.iterdir()} == before          # no input modified
    wb = openpyxl.load_workbook(summary)
    rows = [r for r in wb["汇总"].iter_rows(min_row=2, values_only=True) if r[0]]
    failed = [r for r in wb["无法评价的文件"].iter_rows(min_row=2, values_only=True) if r[0]]
    assert sorted(r[0] for r in rows) == [p.name for p in SAMPLES[:4]]
    assert sorted(r[0] for r in failed) == ["05_bad_input.xlsx", "notes.txt", "zz_broken.xlsx"]
    assert all(str(r[13]).startswith("一致") for r in rows)
    bad_reason = next(r[1] for r in failed if r[0] == "05_bad_input.xlsx")
    assert LAYOUT[AREA_NAME].where in bad_reason
    recalculated = tmp_path / "out" / "summary_recalculated"
    assert sorted(p.name for p in recalculated.glob("*.xlsx")) == sorted([p.name for p in SAMPLES[:4]] + ["05_bad_input.xlsx"])
    assert wb["统计"]["A2"].value is not None and wb["汇总"].auto_filter.ref


def test_batch_refuses_to_write_into_its_input_folder(tmp_path):
    shutil.copy(SAMPLES[0], tmp_path / SAMPLES[0].name)
    res = cli("batch", tmp_path, "-o", tmp_path / "summary.xlsx")
    assert res.exit_code == 2 and "不能在输入文件夹" in res.output


# -- cached values are never trusted; an edited result formula is caught ------------------------------

REC_ONLY, EVAL_ONLY = SAMPLES_DIR / "03_fail_area.xlsx", SAMPLES_DIR / "08_evaluation_fail.xlsx"


def forge_cached(src: Path, dst: Path, texts: dict[str, str]) -> None:
    """A byte copy of ``src`` whose cached ``<v>`` of each named (string) formula cell reads the given text;
    formulas, inputs and everything else untouched — what a hand-edited file claims, not what it computes."""
    from jidi_xl.engine import _ooxml as ox

    with zipfile.ZipFile(src) as zin:
        part_of = {s.name: s.part for s in ox.read_workbook(zin).sheets}
        members = [(i, zin.read(i.filename)) for i in zin.infolist()]
    by_part: dict[str, dict[str, str]] = {}
    for name, text in texts.items():
        n = LAYOUT[name]
        by_part.setdefault(part_of[n.sheet], {})[n.ref] = text
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info, data in members:
            for ref, text in by_part.get(info.filename, {}).items():
                xml, k = re.subn(rf'(<c r="{ref}"[^>]*t="str"[^>]*><f>[^<]*</f><v>)[^<]*(</v>)',
                                 lambda m: m.group(1) + text + m.group(2), data.decode("utf-8"))
                assert k == 1, ref
                data = xml.encode("utf-8")
            zout.writestr(info, data)


def cached(path: Path, name: str):
    n = LAYOUT[name]
    return openpyxl.load_workbook(path, data_only=True)[n.sheet][n.ref].value


FORGED = [
    (REC_ONLY, {"out_grade": "不合格", "out_consequence": "撤销示范基地称号（第十四条）"},
     {"out_grade": NOT_EVALUATED, "out_consequence": NO_EVALUATION}),
    (EVAL_ONLY, {"out_recognition_verdict": "符合认定条件（建议认定）", "out_art6_3": "符合"},
     {"out_recognition_verdict": NO_RECOGNITION, "out_art6_3": None}),
]


@pytest.mark.parametrize("src,forged,truth", FORGED, ids=["recognition_only", "evaluation_only"])
def test_a_forged_cached_result_is_recomputed_not_believed(src, forged, truth, tmp_path):
    bad = tmp_path / "forged.xlsx"
    forge_cached(src, bad, forged)
    assert all(cached(bad, n) == v for n, v in forged.items())          # the file does claim it
    before = sha(bad)
    res = cli("recalc", bad, "-o", tmp_path / "out.xlsx")
    assert res.exit_code == 0, res.output
    assert {n: cached(tmp_path / "out.xlsx", n) for n in truth} == truth
    chk = cli("check", bad)
    assert chk.exit_code == 0 and "与规则引擎一致" in chk.output, chk.output
    assert sha(bad) == before


EDITED = [
    (REC_ONLY, "out_grade", '="不合格"'),
    (REC_ONLY, "out_consequence", '="撤销示范基地称号（第十四条）"'),
    (REC_ONLY, "out_stars", "=3"),
    (EVAL_ONLY, "out_recognition_verdict", '="符合认定条件（建议认定）"'),
    (EVAL_ONLY, "out_art6_1", '="符合"'),
    (TEMPLATE_PATH, "out_consequence", '="撤销示范基地称号（第十四条）"'),    # the blank template's branch
    (TEMPLATE_PATH, "out_art6_4_computed", '="符合"'),
]


@pytest.mark.parametrize("src,name,formula", EDITED, ids=[f"{s.stem}-{n}" for s, n, _ in EDITED])
def test_a_hand_edited_result_formula_is_flagged(src, name, formula, tmp_path):
    bad = tmp_path / "edited.xlsx"
    set_cell(src, bad, name, formula)
    res = cli("check", bad)
    assert res.exit_code != 0 and LAYOUT[name].where in res.output, res.output
    assert "与规则引擎一致" not in res.output
