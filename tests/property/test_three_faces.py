"""Property: for generated cases (:func:`jidi_xl.synth.synth_case`) the JSON engine, the UDF layer and the
headless workbook agree on every result, and every verdict is consistent with its parts (spec §0: FAIL if any
part fails, else REVIEW if any part is open, else PASS; an override counts as the reviewer's result).

1,000 cases through all three faces in memory (``test_three_faces_agree``); 20 of them also as real .xlsx files
through ``StandardEngine.recalc`` (``test_real_files_agree``). The faces are in ``faces.py``.
"""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, Phase, currently_in_test_context, event, given, settings
from hypothesis import strategies as st

from jidi_xl.results import Outcome, combine, outcome_of
from jidi_xl.rules.chapter4 import GRADES
from jidi_xl.synth import KINDS, TRACKS, Knobs, synth_case
from workbooks.expected import same
from workbooks.layout import BASIC, CONDITIONS, LAYOUT, NO_RECOGNITION

from .faces import json_face, udf_face, workbook_face, workbook_file_face

CASES = 1000          # generated cases through the three faces (the figure)
FILE_CASES = 20       # of which also written as real .xlsx files

# Knobs drawn per case. Roster sizes: none entered, empty, far below, around the 高精尖 bound, around and above
# the general bound, a large roster; the roster's own bounds are aimed at through near_boundary.
knobs = st.builds(
    Knobs,
    kind=st.sampled_from(KINDS),
    firms=st.sampled_from([None, 0, 12, 45, 65, 90, 150]),
    track=st.sampled_from(TRACKS),
    near_boundary=st.sampled_from([0.0, 0.1, 0.25, 0.5, 1.0]),
    missing=st.sampled_from([0.0, 0.0, 0.02, 0.1]),
    overrides=st.sampled_from([0.0, 0.0, 0.05, 0.2]),
    changes=st.integers(0, 3),
    false_flags=st.sampled_from([0.0, 0.0, 0.005, 0.02]),
)
all_cases = st.builds(synth_case, st.integers(0, 2**32 - 1), knobs)


def entered_empty_roster(raw: dict) -> bool:
    """``firms.roster: []`` — a roster entered with no firm."""
    return raw.get("firms", {}).get("roster") == []


def as_workbook_holds(raw: dict) -> dict:
    """The case as the standard workbook can hold it. Reading (layout: a blank roster block is "not entered"):
    the workbook cannot tell a roster entered with no firm (JSON ``[]``: 0 家 → 第六条第（五）项 不符合) from a
    roster not entered (→ 待核实), so a ``[]`` roster written into a workbook is read back as not entered — the
    cautious side; never a PASS. The UDF and workbook faces are compared with the JSON engine on that case."""
    if not entered_empty_roster(raw):
        return raw
    firms = {k: v for k, v in raw["firms"].items() if k != "roster"}
    return {**raw, "firms": firms}


cases = all_cases
# No shrinking: one case costs ~0.3 s through three faces and shrinking a failure took over five minutes; the
# falsifying example is printed as synth_case(seed, Knobs(...)), which reproduces it exactly.
PHASES = [Phase.explicit, Phase.generate]

VERDICT_TEXT = {"符合认定条件（建议认定）": Outcome.PASS, "不符合认定条件": Outcome.FAIL, "待核实": Outcome.REVIEW}


def _differences(expected: dict, got: dict, face: str) -> list[str]:
    return [f"{face} {name} ({LAYOUT[name].where}): {got.get(name)!r} ≠ JSON engine {want!r}"
            for name, want in expected.items() if not same(want, got.get(name))]


def _check_report(report) -> None:
    """Every verdict of the JSON engine is consistent with its parts (final outcomes, overrides applied)."""
    rec = report.recognition
    if rec is not None:
        parts = [c.outcome for c in rec.conditions]
        v = rec.verdict.outcome
        assert v is combine(parts), (v, parts)
        assert v is not Outcome.PASS or all(p is Outcome.PASS for p in parts)
        assert v is not Outcome.FAIL or Outcome.FAIL in parts
        assert v is not Outcome.REVIEW or (Outcome.REVIEW in parts and Outcome.FAIL not in parts)
        assert rec.failing_articles == [c.article for c in rec.conditions if c.outcome is v and v is not Outcome.PASS]
    ev = report.evaluation
    if ev is not None:
        basic = [c.outcome for c in ev.basic]
        assert ev.basic_outcome is combine(basic)
        took_part, score = ev.participated.outcome, ev.score.value
        from jidi_xl.ruleset import load_ruleset
        pass_score = load_ruleset().p("chapter4.pass_score")
        failing = took_part is Outcome.FAIL or ev.basic_outcome is Outcome.FAIL or (score is not None and score < pass_score)
        open_ = took_part is Outcome.REVIEW or ev.basic_outcome is Outcome.REVIEW or score is None
        g = ev.grade.outcome
        assert (g is Outcome.FAIL) == failing, (g, took_part, ev.basic_outcome, score)
        assert g is not Outcome.REVIEW or open_
        assert g is not Outcome.PASS or (not open_ and ev.grade.value in ("fair", "good"))
        if ev.art15.outcome is Outcome.FAIL or ev.grade.value != "good":
            assert ev.funding_tier is None
        if g is not Outcome.PASS:
            assert ev.stars is None
    for f in report.filings:
        assert f.outcome in Outcome


def _check_workbook(values: dict, has_recognition: bool) -> None:
    """The workbook's verdict cells are consistent with the cells they combine."""
    finals = [outcome_of(values[f"out_{c.rule}"]) for c in CONDITIONS]
    verdict = values["out_recognition_verdict"]
    if not has_recognition:
        assert verdict == NO_RECOGNITION
    else:
        assert VERDICT_TEXT[verdict] is combine(finals), (verdict, finals)
    if values.get("out_eval_snapshot") not in (None, ""):
        basic = [outcome_of(values[f"out_eval_{c.rule}"]) for c in BASIC]
        assert outcome_of(values["out_basic_outcome"]) is combine(basic)
        if values["out_grade"] in (GRADES["fair"], GRADES["good"]):
            assert all(b is Outcome.PASS for b in basic)


def _engine_clean(result) -> None:
    assert not result.errors, [str(e) for e in result.errors]
    assert not result.missing, result.missing
    assert not result.udf_failures, [str(f) for f in result.udf_failures]


def _three_faces(engine, raw: dict) -> None:
    _check_report(json_face(raw)[1])
    raw = as_workbook_holds(raw)
    expected, report = json_face(raw)
    _check_report(report)
    book, result = workbook_face(engine, raw)
    _engine_clean(result)
    udf = udf_face(raw, expected)
    problems = _differences(expected, udf, "UDF") + _differences(expected, book, "workbook")
    assert not problems, f"{raw['case_id']}（{raw['description']}）:\n" + "\n".join(problems)
    _check_workbook(book, report.recognition is not None)
    _check_workbook({**book, **udf}, report.recognition is not None)
    if not currently_in_test_context():
        return
    # the spread of what was tested (pytest --hypothesis-show-statistics)
    event(f"recognition {report.recognition.verdict.outcome.value if report.recognition else '—'}")
    event(f"evaluation {report.evaluation.grade.value or 'REVIEW' if report.evaluation else '—'}")


@settings(max_examples=CASES, deadline=None, derandomize=True, database=None, phases=PHASES,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much])
@given(raw=cases)
def test_three_faces_agree(engine, raw):
    _three_faces(engine, raw)


@settings(max_examples=FILE_CASES, deadline=None, derandomize=True, database=None, phases=PHASES,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(raw=cases)
def test_real_files_agree(engine, raw, tmp_path_factory):
    """The same, through a real .xlsx file: written by the generator, recalculated by ``StandardEngine.recalc``
    (which must take its template fast path: the file is an unmodified template copy)."""
    raw = as_workbook_holds(raw)
    expected, _ = json_face(raw)
    values, result, how = workbook_file_face(engine, raw, tmp_path_factory.mktemp("props"))
    assert how == "template"
    _engine_clean(result)
    problems = _differences(expected, values, "workbook file")
    assert not problems, f"{raw['case_id']}:\n" + "\n".join(problems)


def test_synthesiser_is_deterministic_and_valid():
    """The same seed and knobs give the same case; every knob setting gives a case the engine accepts."""
    from jidi_xl.case import parse_case

    for kind in KINDS:
        for track in TRACKS:
            k = Knobs(kind=kind, track=track, near_boundary=1.0, missing=0.1, overrides=0.2, changes=3)
            a, b = synth_case(7, k), synth_case(7, k)
            assert a == b
            parse_case(a)
            assert synth_case(8, k) != a


# The one difference the properties found, pinned as a reading (see as_workbook_holds): an entered empty roster
# is 不符合 in JSON and 待核实 in the workbook. The first example is the case hypothesis found.
@pytest.mark.parametrize("raw", [
    synth_case(1, Knobs(kind="recognition", firms=0, track="general", near_boundary=0.0, missing=0.0,
                        overrides=0.0, changes=0, false_flags=0.0)),
    synth_case(6, Knobs(kind="both", firms=0, near_boundary=0.0)),
])
def test_entered_empty_roster(engine, raw):
    assert entered_empty_roster(raw)
    art6_5 = {c.rule: c.computed or c.outcome for c in json_face(raw)[1].recognition.conditions}["art6_5"]
    assert art6_5 is Outcome.FAIL
    book, result = workbook_face(engine, raw)
    _engine_clean(result)
    assert outcome_of(book["out_art6_5_computed"]) is Outcome.REVIEW
    _three_faces(engine, raw)
