"""A workbook of each shipped notice year: generated, really recalculated, checked clean; evaluated under the
notice it records (not the default), and refused when it records a notice this package does not know."""
from __future__ import annotations

import io
import shutil
import json
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from python_calamine import CalamineWorkbook

from jidi_xl.cli import main
from jidi_xl.pipeline.standard import StandardEngine
from jidi_xl.report.check import process_workbook
from jidi_xl.ruleset import DEFAULT_RULESET, known_notices, load_ruleset
from udfs import context
from udfs.functions import rs as udf_rs
from workbooks.generate import case_cells, notice_cells, write_book
from workbooks.layout import LAYOUT, layout_for

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = known_notices()


def cli(*args):
    res = CliRunner().invoke(main, [str(a) for a in args])
    assert "Traceback" not in res.output
    return res


@pytest.fixture(scope="module")
def books(tmp_path_factory) -> dict[int, Path]:
    """``jidi-xl workbook --notice YEAR -o BOOK.xlsx`` for every shipped year."""
    d = tmp_path_factory.mktemp("notices")
    out = {}
    for y in SHIPPED:
        out[y] = d / f"{y}.xlsx"
        res = cli("workbook", "--notice", y, "-o", out[y])
        assert res.exit_code == 0, res.output
        assert f"{DEFAULT_RULESET}@{y}" in res.output
    return out


def _sheet(path: Path, name: str) -> list[list]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(name).to_python()


def test_list_notices_lists_every_shipped_year():
    res = cli("workbook", "--list-notices")
    assert res.exit_code == 0
    for y in SHIPPED:
        assert f"{DEFAULT_RULESET}@{y}" in res.output and f"评价 {y - 1} 年度" in res.output


@pytest.mark.parametrize("args, words", [(["--notice", "2031"], ["2031", "已知", *map(str, SHIPPED)]),
                                         (["--notice", "20x1"], ["四位年份"]),
                                         (["--notice", "2025", "--ruleset", "bj-2099"], ["未知规则集"])],
                         ids=["unknown-year", "not-a-year", "unknown-ruleset"])
def test_workbook_for_an_unknown_notice_is_refused(tmp_path, args, words):
    res = cli("workbook", *args, "-o", tmp_path / "x.xlsx")
    assert res.exit_code == 2
    for w in words:
        assert w in res.output
    assert not (tmp_path / "x.xlsx").exists()


@pytest.mark.parametrize("year", SHIPPED)
def test_each_notice_workbook_records_its_notice_and_checks_clean(books, year):
    book = books[year]
    params = _sheet(book, "参数")
    n = LAYOUT["info_ruleset"]
    assert params[n.row][n.col] == f"{DEFAULT_RULESET}@{year}"
    rows = {r[0]: r for r in params if r and r[0]}
    # a notice value marked placeholder shows as 暂定 on the 参数 sheet, as the rule-set's placeholders do today
    for path in load_ruleset().data["notice_fixes"]:
        assert rows[path][4] == "暂定", path
    assert rows["art6_4.min_building_area_m2"][4] == ""            # the Measures' own figure: not a placeholder
    assert str(year) in rows["年度通知"][1] and f"评价 {year - 1} 年度" in rows["年度通知"][1]
    # the notice's rubric fills the 评分表
    codes = LAYOUT["in_rubric_codes"]
    sheet = _sheet(book, codes.sheet)
    rubric = load_ruleset(DEFAULT_RULESET, notice=year).p("chapter4.rubric")
    assert [sheet[codes.row + i][codes.col] for i in range(len(rubric))] == [i["code"] for i in rubric]
    res = cli("check", book)
    assert res.exit_code == 0, res.output
    assert "空白模板" in res.output


def test_the_two_years_workbooks_differ_where_their_notices_differ(books):
    a, b = SHIPPED[:2]
    assert books[a].read_bytes() != books[b].read_bytes()
    assert load_ruleset(DEFAULT_RULESET, notice=a).p("chapter4.rubric") != load_ruleset(DEFAULT_RULESET, notice=b).p("chapter4.rubric")


# the same experts' points on each indicator (E1..E5), in both years' workbooks: 2025 weighs E1 25 and E5 10
# (25+25+20+20+0 = 90 → 较好); 2026 weighs E1 20 and E5 15 (20+25+20+20+0 = 85 → 一般)
SCORES = [25, 25, 20, 20, 0]


def _filled(rs, tmp: Path) -> Path:
    raw = json.loads((ROOT / "examples" / "09_evaluation_fair.json").read_text(encoding="utf-8"))
    raw["evaluation"] = {"year": rs.notice_info.evaluation_year, "participated": True, "false_materials": False}
    raw["ruleset"] = rs.key
    L = layout_for(rs)
    cells = {**notice_cells(rs, L), **case_cells(raw, L)}
    sc = L["in_scores"]
    for j in range(5):                                          # five experts, each giving SCORES
        for i, v in enumerate(SCORES):
            cells[(sc.sheet, sc.row + i, sc.col + j)] = v
    path = tmp / f"{rs.key.replace('@', '_')}.xlsx"
    path.write_bytes(write_book(cells, None, rs=rs))            # no cached values: the engine computes them all
    return path


def test_same_scores_different_rubric_give_different_grades(tmp_path):
    engine = StandardEngine(fast=True)
    got = {}
    for y, want in zip(SHIPPED[:2], [("较好", 90), ("一般", 85)]):
        rs = load_ruleset(DEFAULT_RULESET, notice=y)
        res = process_workbook(_filled(rs, tmp_path), None, engine)
        assert res.evaluated and not res.differences, (res.problems, res.differences)
        assert res.compared > 100
        got[y] = (res.values["out_grade"], res.values["out_score"])
        assert got[y][0] == want[0] and got[y][1] == pytest.approx(want[1])


def retag(src: Path, dst: Path, old: str, new: str) -> None:
    """A copy whose recorded rule-set key reads ``new`` (same length: the shared string rewritten in place)."""
    zin = zipfile.ZipFile(src)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            body = zin.read(info)
            if info.filename == "xl/sharedStrings.xml":
                assert old.encode() in body
                body = body.replace(f">{old}<".encode(), f">{new}<".encode())
            zout.writestr(info, body)
    dst.write_bytes(buf.getvalue())


@pytest.mark.parametrize("tag", [f"{DEFAULT_RULESET}@2031", "bj-2099@2025"], ids=["unknown-notice", "unknown-ruleset"])
def test_a_workbook_of_an_unknown_notice_is_refused_naming_the_cell(books, tmp_path, tag):
    src = books[SHIPPED[0]]
    bad = tmp_path / "bad.xlsx"
    retag(src, bad, f"{DEFAULT_RULESET}@{SHIPPED[0]}", tag)
    before = bad.read_bytes()
    for cmd in (["check", bad], ["recalc", bad, "-o", tmp_path / "out.xlsx"]):
        res = cli(*cmd)
        assert res.exit_code == 2, res.output
        assert LAYOUT["info_ruleset"].where in res.output and tag in res.output
        assert "已知" in res.output or "未知规则集" in res.output
    assert bad.read_bytes() == before and not (tmp_path / "out.xlsx").exists()


def test_udfs_read_the_rule_set_the_host_set():
    assert not context.is_set() and udf_rs() is load_ruleset()     # no host: the default rule-set (documented)
    rs = load_ruleset(DEFAULT_RULESET, notice=SHIPPED[-1])
    with context.using(rs):
        assert udf_rs() is rs
        with context.using(f"{DEFAULT_RULESET}@{SHIPPED[0]}"):
            assert udf_rs().notice == SHIPPED[0]
        assert udf_rs() is rs
    assert not context.is_set()


class _Book:                       # what xlwings' caller range gives: .sheet.book.names[...].refers_to_range.value
    def __init__(self, key):
        self.fullname = f"C:\\\\books\\\\{key}.xlsx"
        cell = type("R", (), {"value": key})()
        self.names = {"info_ruleset": type("N", (), {"refers_to_range": cell})()}


@pytest.mark.parametrize("key, unknown", [(f"{DEFAULT_RULESET}@{SHIPPED[0]}", False), (f"{DEFAULT_RULESET}@2031", True)])
def test_excel_udfs_use_the_calling_books_rule_set(key, unknown):
    from udfs import excel

    caller = type("Caller", (), {"sheet": type("S", (), {"book": _Book(key)})()})()
    got = excel.JIDI_ART6_4(5000.0, 500.0, "结果", caller=caller)
    if unknown:
        assert got.startswith("输入错误") and "2031" in got and "已知" in got
    else:
        assert got == "符合" and excel.book_ruleset(caller) == key
    assert not context.is_set()


def test_batch_evaluates_each_workbook_under_its_own_notice(books, tmp_path):
    """A folder mixing the default rule-set's sample, a blank notice workbook and a filled one of the other year:
    every book recalculated under what it records, each agreeing with the rules engine (exit 0)."""
    src = tmp_path / "in"
    src.mkdir()
    shutil.copyfile(ROOT / "workbooks" / "samples" / "09_evaluation_fair.xlsx", src / "default.xlsx")
    shutil.copyfile(books[SHIPPED[0]], src / "blank.xlsx")
    rs = load_ruleset(DEFAULT_RULESET, notice=SHIPPED[1])
    shutil.copyfile(_filled(rs, tmp_path), src / "filled.xlsx")
    res = cli("batch", src, "-o", tmp_path / "out" / "summary.xlsx", "-j", "1")
    assert res.exit_code == 0, res.output
    rows = CalamineWorkbook.from_path(str(tmp_path / "out" / "summary.xlsx")).get_sheet_by_name("汇总").to_python()
    text = "\n".join("|".join(str(x) for x in r) for r in rows)
    assert "filled.xlsx" in text and "一般" in text and "default.xlsx" in text
