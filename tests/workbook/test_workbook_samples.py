"""Each sample workbook shows the verdicts ``jidi-xl evaluate`` gives for its case, and reads back to it.

* the cached value of every single-cell ``out_`` result of the committed sample (what a reviewer sees
  on opening it) is what ``evaluate_case(parse_case(json))`` gives (``workbooks.expected``): both blocks,
  whichever kind of book — a block not asked for says so and is otherwise blank;
* ``read_case(sample)`` evaluates to the same report as the JSON it came from;
* a few edge cases the examples do not cover (blank roster, evaluation only, 第十五条 override, no
  penalty record, penalty rows not marked as checked, a reference date before the Measures) go through the same generate → recalculate → compare path.
"""
from __future__ import annotations

import json

import pytest

from jidi_xl.case import parse_case
from jidi_xl.errors import RuleSetError
from jidi_xl.evaluate import evaluate_case
from jidi_xl.report import to_dict
from jidi_xl.rules import RULES
from udfs.adapters import EXCEL_EPOCH
from workbooks._recalc import recalculate
from workbooks.generate import build, case_cells, example_cases, write_book
from workbooks.expected import SINGLE_OUTPUTS, expected_outputs, same
from workbooks.layout import CONDITIONS, LAYOUT
from workbooks.reader import read_case, read_results

SAMPLES = example_cases()


def _cell(values, name):
    n = LAYOUT[name]
    v = values[(n.sheet, n.row, n.col)]
    return None if v == "" else v


def _serial(d):
    return None if d is None else (d - EXCEL_EPOCH).days


def check_against_engine(raw: dict, get) -> None:
    """``get(name)`` → the workbook's value of an out_ name (dates as serial numbers, blanks as None).
    Every single-cell result of the layout is compared with what the rules engine gives (workbooks.expected)."""
    case = parse_case(raw)
    rep = evaluate_case(case)
    if rep.recognition:
        # matched by rule id, never by position: the same set of conditions, each with its article and title
        assert sorted(c.rule for c in CONDITIONS) == sorted(r.rule for r in rep.recognition.conditions)
        for c in CONDITIONS:
            r = rep.recognition.condition(c.rule)
            assert (c.article, c.title) == (r.article, r.title), c.rule
    want = expected_outputs(raw, rep, case)
    assert set(want) == set(SINGLE_OUTPUTS)
    wrong = {n: (want[n], get(n)) for n in SINGLE_OUTPUTS if not same(want[n], get(n))}
    assert not wrong, wrong


@pytest.mark.parametrize("path,sid", SAMPLES, ids=[s for _, s in SAMPLES])
def test_sample_shows_the_engine_verdicts(path, sid, built, book_dir):
    b = built(sid)
    res = read_results(b.write(book_dir))          # the cached values: what opening the file shows

    def get(name):
        v = res[name]
        if hasattr(v, "isoformat"):
            return _serial(v)
        return None if v == "" else v

    check_against_engine(b.raw, get)


@pytest.mark.parametrize("path,sid", SAMPLES, ids=[s for _, s in SAMPLES])
def test_read_case_evaluates_to_the_same_report(path, sid, built, book_dir):
    b = built(sid)
    case = read_case(b.write(book_dir))
    assert to_dict(evaluate_case(parse_case(case))) == to_dict(evaluate_case(parse_case(b.raw)))


# -- edge cases -------------------------------------------------------------------------------------

def _base(**extra) -> dict:
    case = json.loads(SAMPLES[0][0].read_text(encoding="utf-8"))
    case.update(extra)
    return case


def _edge_cases():
    ev_only = _base(case_id="edge_eval_only")
    ev_only.pop("recognition")
    ev_only["firms"].pop("roster")               # no roster at all: 第六条第（五）项 待核实, not n = 0
    ev_only["evaluation"] = {"year": 2024, "participated": True, "false_materials": True, "score": 91,
                             "decision_date": "2025-03-10"}
    yield "eval_only_blank_roster_art15", ev_only

    ov = _base(case_id="edge_override_art15_triggers")
    ov["evaluation"] = {"year": 2024, "participated": True, "false_materials": True,
                        "rubric": {"indicators": [{"code": "A", "name": "甲", "max_points": 60},
                                                  {"code": "B", "max_points": 100, "weight": 40}],
                                   "experts": [{"name": "甲", "scores": [55, 90]}, {"scores": [50, 80]},
                                               {"scores": [58, 95]}]}}
    ov["overrides"] = [{"rule": "art15_triggers", "outcome": "REVIEW", "justification": "虚假材料认定尚在复议中", "reviewer": "复核组"},
                       {"rule": "art6_1", "outcome": "FAIL", "justification": "营业执照经营范围不含孵化服务"}]
    ov["changes"] = [{"kind": "main_business", "changed_on": "2025-09-19"}]
    yield "override_art15_triggers_rubric_unfiled_change", ov

    no_pen = _base(case_id="edge_no_penalty_key")
    no_pen["conduct"].pop("penalties", None)
    no_pen["service_functions"] = []
    no_pen["staff"] = {"members": [{"name": "甲"}, {"name": "乙", "degree": "bachelor"}]}
    yield "no_penalty_record_no_functions", no_pen

    # a criminal penalty in the window and in the evaluation year (also written with the flag blank, below)
    unchecked = _base(case_id="edge_criminal_penalty")
    unchecked["conduct"]["penalties"] = [{"date": "2024-03-01", "kind": "criminal", "subject": "legal_representative"}]
    unchecked["evaluation"] = {"year": 2024, "participated": True, "false_materials": False, "score": 91}
    yield "penalty_rows_count", unchecked


EDGE = list(_edge_cases())


@pytest.mark.parametrize("name,raw", EDGE, ids=[n for n, _ in EDGE])
def test_edge_case_workbook_matches_the_engine(name, raw, tmp_path):
    data, values = build(raw, sample_of=name)
    check_against_engine(raw, lambda n: _cell(values, n))
    p = tmp_path / "edge.xlsx"
    p.write_bytes(data)
    assert to_dict(evaluate_case(parse_case(read_case(p)))) == to_dict(evaluate_case(parse_case(raw)))


def test_no_penalty_key_is_review_in_the_workbook_not_a_silent_pass():
    """spec §0: without conduct.penalties the flag stays blank and both penalty checks are 待核实."""
    raw = dict(EDGE)["no_penalty_record_no_functions"]
    raw = {**raw, "evaluation": {"year": 2024, "participated": True, "false_materials": False, "score": 91}}
    assert "penalties" not in raw["conduct"]
    good, _, dishonest = (p.split(".")[1] for p in RULES["art6_2"].reads)     # 第六条第（二）项's flags
    assert (raw["conduct"][good], raw["conduct"][dishonest]) == (True, False)
    flag = LAYOUT["in_penalties_checked"]
    assert (flag.sheet, flag.row, flag.col) not in case_cells(raw)
    assert case_cells(_base())[(flag.sheet, flag.row, flag.col)] == "是"      # conduct.penalties: [] → 是
    _, values = build(raw, sample_of="no_pen")
    assert _cell(values, "out_art6_2_computed") == "待核实"
    assert "处罚记录未填" in _cell(values, "out_art6_2_figures")
    assert _cell(values, "out_eval_art15_computed") == "待核实"


def test_penalty_rows_count_with_the_checked_flag_left_blank(tmp_path):
    """An entered penalty is never hidden by a blank 处罚记录已核查: the workbook still shows the FAILs."""
    raw = dict(EDGE)["penalty_rows_count"]
    inputs = case_cells(raw)
    flag = LAYOUT["in_penalties_checked"]
    assert inputs.pop((flag.sheet, flag.row, flag.col)) == "是"
    p = tmp_path / "unflagged.xlsx"
    p.write_bytes(write_book(inputs, None))
    values = recalculate(p)
    check_against_engine(raw, lambda n: _cell(values, n))
    assert (_cell(values, "out_art6_2_computed"), _cell(values, "out_eval_art15_computed")) == ("不符合", "不符合")
    assert read_case(p)["conduct"]["penalties"] == raw["conduct"]["penalties"]


def test_reference_date_before_the_measures_is_an_input_error_not_a_verdict():
    raw = _base(case_id="edge_before_in_force", recognition={"reference_date": "2022-05-18"})
    with pytest.raises(RuleSetError):
        evaluate_case(parse_case(raw))
    _, values = build(raw, sample_of="before")
    assert _cell(values, "out_art6_1_computed").startswith("输入错误")
    assert _cell(values, "out_art6_1") == "待核实"
    assert _cell(values, "out_recognition_verdict") == "待核实"
