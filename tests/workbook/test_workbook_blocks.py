"""The two blocks of 评价结果 — 一、认定 and 三、绩效评价 — in every kind of book, after a real headless
recalculation (``StandardEngine``), against ``workbooks.expected``:

* a recognition-only book's evaluation block says 未评价 / 未作绩效评价 and is otherwise blank (never
  不合格, 撤销, a star or a funding tier); an evaluation-only book's recognition block says 未作认定评价 and
  gives no outcome (only the date-free conditions' computed facts, which 三 refers to);
* the expectations cover every single-cell result of the layout, so a new output cannot go unchecked;
* 重大变更 rows with a blank row between them are compared row by row.
"""
from __future__ import annotations

import copy
import json

import pytest

from jidi_xl.pipeline.standard import StandardEngine
from jidi_xl.report.check import process_workbook
from workbooks import SAMPLES_DIR, TEMPLATE_PATH
from workbooks.expected import SINGLE_OUTPUTS, blank_outputs, expected_outputs, same
from workbooks.generate import EXAMPLES_DIR, case_cells, example_cases, write_book
from workbooks.layout import (BASIC, CONDITIONS, DATE_FREE, LAYOUT, NO_EVALUATION, NO_RECOGNITION, NOT_EVALUATED, S_CHANGES,
                              S_RESULT)
from workbooks.reader import read_parsed_case

REC_ONLY = SAMPLES_DIR / "03_fail_area.xlsx"           # fails 第六条第（四）项: once showed 不合格 / 撤销 in 三
EVAL_ONLY = SAMPLES_DIR / "08_evaluation_fail.xlsx"

_first, _last = LAYOUT["out_eval_snapshot"].row, LAYOUT["out_ban_until"].row
#: 三、绩效评价 (and the experts' score on 绩效评价): blank without an evaluation year, but for two texts.
EVAL_BLOCK = [n.name for n in LAYOUT.outputs() if n.single and n.sheet == S_RESULT and _first <= n.row <= _last] + \
    ["out_trimmed_mean"]
#: 一、认定: without a reference date only the verdict speaks, and the date-free conditions' computed facts show.
REC_BLOCK = ["out_ref_date", "out_recognition_verdict", "out_failing_articles", "out_art8"] + \
    [f"out_{c.rule}{x}" for c in CONDITIONS for x in ("_computed", "_override", "", "_figures", "_reason")]
EVAL_TEXTS = {"out_grade": NOT_EVALUATED, "out_consequence": NO_EVALUATION}


@pytest.fixture(scope="module")
def engine():
    return StandardEngine()


def _values(engine, path) -> dict:
    result, _ = engine.recalc(path)
    assert result.ok, result.summary()
    return {n.name: result.values.get((n.sheet, n.ref)) for n in LAYOUT.outputs() if n.single}


def _blank(v) -> bool:
    return v in (None, "")


def test_the_blocks_are_what_the_layout_says():
    assert "out_grade" in EVAL_BLOCK and "out_eval_art15_override" in EVAL_BLOCK and "out_n" not in EVAL_BLOCK
    assert set(REC_BLOCK) <= set(SINGLE_OUTPUTS) and set(EVAL_BLOCK) <= set(SINGLE_OUTPUTS)
    assert DATE_FREE == {"art6_3", "art6_4", "art6_5", "art6_6", "art6_7", "art6_8", "art6_9", "art6_10", "art7"}


@pytest.mark.parametrize("path", [TEMPLATE_PATH] + sorted(SAMPLES_DIR.glob("*.xlsx")), ids=lambda p: p.stem)
def test_expectations_cover_every_single_cell_result(path):
    if path == TEMPLATE_PATH:
        want = blank_outputs()
    else:
        raw, case = read_parsed_case(path)
        want = expected_outputs(raw, case=case)
    assert set(want) == {n.name for n in LAYOUT.outputs() if n.single}


def test_check_compares_every_single_cell_result():
    for path in (TEMPLATE_PATH, REC_ONLY, EVAL_ONLY):
        res = process_workbook(path, None)
        assert (res.compared, res.differences, res.problems) == (len(SINGLE_OUTPUTS), [], []), path


def test_recognition_only_book_says_not_evaluated(engine):
    got = _values(engine, REC_ONLY)
    assert got["out_recognition_verdict"] == "不符合认定条件" and got["out_art6_4"] == "不符合"
    for name in EVAL_BLOCK:
        if name in EVAL_TEXTS:
            assert got[name] == EVAL_TEXTS[name], name
        else:
            assert _blank(got[name]), (name, got[name])
    shown = "".join(str(got[n]) for n in EVAL_BLOCK)
    assert "不合格" not in shown and "撤销" not in shown and "★" not in shown


def test_evaluation_only_book_says_not_a_recognition(engine):
    got = _values(engine, EVAL_ONLY)
    assert got["out_recognition_verdict"] == NO_RECOGNITION
    assert got["out_grade"] == "不合格" and got["out_eval_art6_4"] == "符合"
    for name in REC_BLOCK:
        rule = name.removeprefix("out_").removesuffix("_computed").removesuffix("_figures").removesuffix("_reason")
        fact = rule in DATE_FREE and name != f"out_{rule}" and not name.endswith("_override")
        if name == "out_recognition_verdict":
            continue
        assert _blank(got[name]) != fact, (name, got[name])
    # 三 takes a date-free condition's result from 一's computed cell
    for c in BASIC:
        if c.rule in DATE_FREE:
            assert got[f"out_eval_{c.rule}"] == got[f"out_{c.rule}_computed"], c.rule


# -- every kind of book, built from one case, really recalculated ---------------------------------------

def _example(stem: str) -> dict:
    return json.loads((EXAMPLES_DIR / f"{stem}.json").read_text(encoding="utf-8"))


def _kinds():
    rec = _example("01_general_track_pass")
    ev = _example("10_evaluation_good")
    both = copy.deepcopy(rec) | {"case_id": "both", "evaluation": ev["evaluation"]}
    yield "recognition", rec
    yield "evaluation", ev
    yield "both", both
    ovr = copy.deepcopy(ev) | {"case_id": "eval_override", "overrides": [
        {"rule": "art6_4", "outcome": "FAIL", "justification": "现场核查面积不足"},
        {"rule": "art6_1", "outcome": "REVIEW", "justification": "营业执照待补充"}]}
    yield "evaluation_with_overrides", ovr
    rev = copy.deepcopy(rec) | {"case_id": "rec_override", "overrides": [
        {"rule": "art6_9", "outcome": "PASS", "justification": "补充问卷已核实"}]}
    yield "recognition_with_override", rev


KINDS = list(_kinds())


@pytest.mark.parametrize("kind,raw", KINDS, ids=[k for k, _ in KINDS])
def test_every_result_cell_of_every_kind_of_book(kind, raw, engine, tmp_path):
    p = tmp_path / f"{kind}.xlsx"
    p.write_bytes(write_book(case_cells(raw), None))
    got = _values(engine, p)
    want = expected_outputs(raw)
    wrong = {n: (want[n], got[n]) for n in SINGLE_OUTPUTS if not same(want[n], got[n])}
    assert not wrong, wrong
    if "evaluation" not in raw:
        assert (got["out_grade"], got["out_consequence"]) == (NOT_EVALUATED, NO_EVALUATION)
    if "recognition" not in raw:
        assert got["out_recognition_verdict"] == NO_RECOGNITION and _blank(got["out_art6_4"])
    if kind == "evaluation_with_overrides":      # 一 shows the computed fact, 三 the overridden outcome
        assert (got["out_art6_4_computed"], got["out_eval_art6_4"], got["out_eval_art6_1"]) == ("符合", "不符合", "待核实")
        assert got["out_eval_art6_1_override"] == "待核实" and _blank(got["out_art6_4_override"])


def test_the_blank_template_after_recalculation(engine):
    got = _values(engine, TEMPLATE_PATH)
    want = blank_outputs()
    assert {n: got[n] for n in SINGLE_OUTPUTS if not same(want[n], got[n])} == {}
    assert "符合" not in {got[n] for n in SINGLE_OUTPUTS}


def test_changes_with_a_blank_row_between_them_are_compared_row_by_row(tmp_path):
    raw = _example("12_art17_late_filing")
    assert len(raw["changes"]) >= 2
    block = LAYOUT["in_changes"]
    inputs = {}
    for (sheet, r, c), v in case_cells(raw).items():
        moved = sheet == S_CHANGES and block.row < r < block.row + block.nrows - 1
        inputs[(sheet, r + 1 if moved else r, c)] = v          # every change but the first one row lower
    p = tmp_path / "gap.xlsx"
    p.write_bytes(write_book(inputs, None))
    res = process_workbook(p, None)
    assert (res.problems, res.differences, res.compared) == ([], [], len(SINGLE_OUTPUTS))
    assert _blank(res.values["out_art17_result_2"]) and not _blank(res.values["out_art17_result_3"])


def test_samples_cover_both_kinds():
    kinds = set()
    for path, _ in example_cases():
        raw = json.loads(path.read_text(encoding="utf-8"))
        kinds.add(("recognition" in raw, "evaluation" in raw))
    assert {(True, False), (False, True)} <= kinds
