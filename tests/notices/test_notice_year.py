"""An evaluation year its notice does not evaluate is refused on every face, by the one check
``jidi_xl.checks.notice_year`` (issue 10): the JSON reader names ``evaluation.year``, the workbook reader its
``基本信息!cell``, the ``JIDI_ART15`` function shows ``输入错误：评价年度：…``; each says which year the notice
evaluates and how to get the right notice's workbook. Cases at, below and above the notice's year; the rule-set
without a notice takes any year of its period (the decision written in ``checks.notice_year``)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from jidi_xl import fields as F
from jidi_xl.case import parse_case
from jidi_xl.cli import main
from jidi_xl.errors import InputError
from jidi_xl.ruleset import DEFAULT_RULESET, known_notices, load_ruleset
from udfs import context
from udfs.registry import INPUT_ERROR, REGISTRY
from workbooks.generate import case_cells, notice_cells, write_book
from workbooks.layout import layout_for

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = known_notices()
FIRST = SHIPPED[0]
YEAR = load_ruleset(DEFAULT_RULESET, notice=FIRST).notice_info.evaluation_year   # the year the first notice evaluates

# (rule-set key, evaluation year, refused?)
CASES = [(f"{DEFAULT_RULESET}@{n}", load_ruleset(DEFAULT_RULESET, notice=n).notice_info.evaluation_year + d, d != 0)
         for n in SHIPPED for d in (0, -1, +1)]
CASES += [(DEFAULT_RULESET, YEAR + d, False) for d in (-1, 0, +1)]          # no notice: no year is refused
IDS = [f"{k}-{y}-{'refused' if bad else 'ok'}" for k, y, bad in CASES]


def _case(key: str, year: int) -> dict:
    return {"format": "jidi-xl/case@1", "ruleset": key, "base": {"name": "示范基地"},
            "evaluation": {"year": year, "participated": True, "false_materials": False, "score": 85}}


def _says_what_to_do(message: str, key: str) -> None:
    rs = load_ruleset(key)
    want = rs.notice_info.evaluation_year
    assert f"该通知评价的是 {want} 年度" in message and f"改为 {want}" in message
    assert "jidi-xl workbook" in message           # --notice YEAR when the package knows it, else --list-notices


@pytest.mark.parametrize("key, year, refused", CASES, ids=IDS)
def test_json_case(key, year, refused):
    if not refused:
        assert parse_case(_case(key, year)).evaluation_year == year
        return
    with pytest.raises(InputError) as err:
        parse_case(_case(key, year))
    (p,) = [p for p in err.value.problems if p.field == "evaluation.year"]
    _says_what_to_do(p.message, key)


@pytest.mark.parametrize("key, year, refused", CASES, ids=IDS)
def test_udf(key, year, refused):
    with context.using(key):
        got = REGISTRY["JIDI_ART15"].func(year, False, [[None] * 4], True, False)
    if refused:
        assert got.startswith(f"{INPUT_ERROR}评价年度：")
        _says_what_to_do(got, key)
    else:
        assert got == "符合"


def test_a_known_notice_is_named_in_the_fix():
    # 2025's notice given the year the 2026 notice evaluates: regenerate with --notice 2026 (a shipped year)
    if len(SHIPPED) < 2:
        pytest.skip("needs two shipped notices")
    later = load_ruleset(DEFAULT_RULESET, notice=SHIPPED[1]).notice_info.evaluation_year
    with pytest.raises(InputError) as err:
        parse_case(_case(f"{DEFAULT_RULESET}@{FIRST}", later))
    msg = err.value.problems[0].message
    assert f"--notice {SHIPPED[1]}" in msg and f'"{DEFAULT_RULESET}@{SHIPPED[1]}"' in msg


@pytest.mark.parametrize("delta, refused", [(0, False), (-1, True), (+1, True)], ids=["at", "below", "above"])
def test_workbook(tmp_path, delta, refused):
    rs = load_ruleset(DEFAULT_RULESET, notice=FIRST)
    raw = json.loads((ROOT / "examples" / "09_evaluation_fair.json").read_text(encoding="utf-8"))
    raw["evaluation"]["year"] = YEAR + delta
    raw["ruleset"] = rs.key
    L = layout_for(rs)
    book = tmp_path / "book.xlsx"
    book.write_bytes(write_book({**notice_cells(rs, L), **case_cells(raw, L)}, None, rs=rs))
    before = book.read_bytes()
    res = CliRunner().invoke(main, ["check", str(book)])
    assert "Traceback" not in res.output
    if refused:
        assert res.exit_code == 2, res.output
        assert L["in_eval_year"].where in res.output            # 基本信息!C…: the cell to correct
        _says_what_to_do(res.output, rs.key)
    else:
        assert res.exit_code == 0, res.output                   # evaluated, and agrees with the rules engine
        assert "通知不符" not in res.output
    assert book.read_bytes() == before


@pytest.mark.parametrize("key", [DEFAULT_RULESET, *(f"{DEFAULT_RULESET}@{n}" for n in SHIPPED)])
def test_the_year_cell_of_a_notice_book_takes_only_its_year(tmp_path, key):
    # the workbook's own guard at typing time (Excel's input validation), the same rule as checks.notice_year
    import openpyxl

    rs = load_ruleset(key)
    L = layout_for(rs)
    book = tmp_path / "b.xlsx"
    book.write_bytes(write_book({**notice_cells(rs, L)}, None, rs=rs))
    cell = L["in_eval_year"]
    ws = openpyxl.load_workbook(book)[cell.sheet]
    (dv,) = [d for d in ws.data_validations.dataValidation if cell.ref in str(d.sqref)]
    if rs.notice_info is None:
        year = F.find("evaluation.year")                       # the catalogue's range, unchanged
        assert (dv.formula1, dv.formula2) == (f"{year.minimum:g}", f"{year.maximum:g}")
    else:
        want = str(rs.notice_info.evaluation_year)
        assert (dv.type, dv.formula1, dv.formula2) == ("whole", want, want)
        assert f"评价 {want} 年度" in dv.error and "--notice" in dv.error and len(dv.error) <= 255
