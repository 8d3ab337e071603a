"""第六条第（二）项 — good operation; no criminal or serious administrative penalty of the unit or its legal
representative "在申请受理截止日期前两年内"; no serious dishonesty.

Window (spec §2): [reference − 2 years, reference], both ends inclusive. Penalties after the reference date
are reported, not counted (they matter for 第十五条).
"""
from datetime import date

import pytest

from jidi_xl.case import Penalty
from jidi_xl.results import Outcome
from jidi_xl.rules import art6_2_conduct

D = date.fromisoformat
REF = D("2025-06-30")


def test_parameters_are_the_legal_ones(rs):
    assert rs.p("art6_2.penalty_window_years") == 2
    assert set(rs.p("art6_2.disqualifying_penalty_kinds")) == {"criminal", "serious_administrative"}
    assert set(rs.p("art6_2.disqualifying_subjects")) == {"unit", "legal_representative"}


def conduct(rs, penalties=(), good=True, dishonest=False, ref=REF):
    return art6_2_conduct(rs, ref, good, list(penalties), dishonest)


@pytest.mark.parametrize("day, expected, in_window, after", [
    ("2023-06-28", Outcome.PASS, 0, 0),   # ref − 2y − 2 days
    ("2023-06-29", Outcome.PASS, 0, 0),   # ref − 2y − 1 day: outside
    ("2023-06-30", Outcome.FAIL, 1, 0),   # exactly ref − 2y: inside (inclusive)
    ("2023-07-01", Outcome.FAIL, 1, 0),   # ref − 2y + 1 day
    ("2024-12-31", Outcome.FAIL, 1, 0),
    ("2025-06-29", Outcome.FAIL, 1, 0),
    ("2025-06-30", Outcome.FAIL, 1, 0),   # on the reference date: inside (inclusive)
    ("2025-07-01", Outcome.PASS, 0, 1),   # after the reference date: reported, not counted
    ("2026-01-01", Outcome.PASS, 0, 1),
], ids=["ref-2y-2d", "ref-2y-1d", "ref-2y", "ref-2y+1d", "middle", "ref-1d", "ref", "ref+1d", "later"])
def test_penalty_window_edges(rs, day, expected, in_window, after):
    r = conduct(rs, [Penalty(D(day), "criminal", "unit")])
    assert r.outcome is expected
    assert r.value == {"penalties_in_window": in_window, "penalties_after_reference": after}
    assert "2023-06-30 至 2025-06-30" in r.figures
    if after:
        assert "参照日后另有 1 项" in r.figures
    if expected is Outcome.FAIL:
        assert day in r.reason


@pytest.mark.parametrize("ref, start", [
    ("2024-02-29", "2022-02-28"),   # window start of a 02-29 reference: anniversary arithmetic
    ("2026-02-28", "2024-02-28"),
    ("2026-03-01", "2024-03-01"),
], ids=["ref-0229", "ref-0228", "ref-0301"])
def test_window_start_anniversary(rs, ref, start):
    inside = conduct(rs, [Penalty(D(start), "serious_administrative", "legal_representative")], ref=D(ref))
    assert inside.outcome is Outcome.FAIL
    before = D(start).toordinal() - 1
    outside = conduct(rs, [Penalty(date.fromordinal(before), "serious_administrative", "legal_representative")], ref=D(ref))
    assert outside.outcome is Outcome.PASS


@pytest.mark.parametrize("kind, subject, expected", [
    ("criminal", "unit", Outcome.FAIL),
    ("criminal", "legal_representative", Outcome.FAIL),
    ("serious_administrative", "unit", Outcome.FAIL),
    ("serious_administrative", "legal_representative", Outcome.FAIL),
    ("administrative", "unit", Outcome.PASS),          # an ordinary administrative penalty does not disqualify
    ("administrative", "legal_representative", Outcome.PASS),
    ("other", "unit", Outcome.PASS),
    ("criminal", "other", Outcome.PASS),               # a staff member's penalty is not the unit's
    ("serious_administrative", "other", Outcome.PASS),
], ids=lambda v: getattr(v, "value", v))
def test_kinds_and_subjects(rs, kind, subject, expected):
    assert conduct(rs, [Penalty(D("2024-06-30"), kind, subject)]).outcome is expected


@pytest.mark.parametrize("good, dishonest, penalties, expected", [
    (True, False, [], Outcome.PASS),
    (False, False, [], Outcome.FAIL),
    (None, False, [], Outcome.REVIEW),
    (True, True, [], Outcome.FAIL),           # serious dishonesty disqualifies
    (True, None, [], Outcome.REVIEW),
    (None, None, [Penalty(D("2024-06-30"), "criminal", "unit")], Outcome.FAIL),   # a penalty beats open flags
    (True, False, [Penalty(D("2022-01-01"), "criminal", "unit"), Penalty(D("2025-07-01"), "criminal", "unit")],
     Outcome.PASS),                           # one before the window, one after
], ids=["clean", "bad-operation", "operation-unknown", "dishonest", "dishonesty-unknown", "penalty-beats-unknown",
        "outside-both-sides"])
def test_flags(rs, good, dishonest, penalties, expected):
    assert conduct(rs, penalties, good, dishonest).outcome is expected


@pytest.mark.parametrize("day, expected", [("2023-06-29", "PASS"), ("2023-06-30", "FAIL"), ("2025-07-01", "PASS")])
def test_through_a_case(run, kit, day, expected):
    rep = run({"conduct": {"penalties": [{"date": day, "kind": "criminal", "subject": "unit"}]}})
    assert kit.condition(rep, "art6_2").outcome.value == expected


def test_an_unentered_penalty_record_is_review_not_pass(run, kit):
    """spec §0: conduct.penalties absent means not checked yet (REVIEW); [] means checked, none."""
    r = run({"conduct": {"penalties": kit.DROP}}).recognition.conditions[1]
    assert r.rule == "art6_2" and r.outcome is Outcome.REVIEW and "处罚记录未填" in r.figures
