"""第五章 第十五条 — revocation for false materials, criminal/serious administrative penalty, or serious dishonesty,
with a two-year ban: an application whose reference date is before revocation + 2 years is barred.
Decision (spec §8): revocation for failing the evaluation (第十四条) carries NO ban.
"""
from datetime import date

import pytest

from jidi_xl.case import Penalty
from jidi_xl.results import Outcome
from jidi_xl.rules import art15_triggers, ban_end, reapplication_ban

D = date.fromisoformat
P, F, R = Outcome.PASS, Outcome.FAIL, Outcome.REVIEW


def test_parameter(rs):
    assert rs.p("art15.ban_years") == 2


@pytest.mark.parametrize("revoked, ground, ref, expected", [
    ("2023-03-10", "penalty", "2023-03-10", F),           # the day of revocation
    ("2023-03-10", "penalty", "2025-03-08", F),
    ("2023-03-10", "penalty", "2025-03-09", F),           # revocation + 2y − 1 day: barred
    ("2023-03-10", "penalty", "2025-03-10", P),           # revocation + 2y: allowed
    ("2023-03-10", "penalty", "2025-03-11", P),
    ("2023-03-10", "false_materials", "2025-03-09", F),
    ("2023-03-10", "false_materials", "2025-03-10", P),
    ("2023-03-10", "dishonesty", "2025-03-09", F),
    ("2023-03-10", "dishonesty", "2025-03-10", P),
    ("2023-03-10", "evaluation_failed", "2023-03-11", P),  # 第十四条: no ban at all
    ("2023-03-10", "evaluation_failed", "2025-03-09", P),
    ("2024-02-29", "penalty", "2026-02-27", F),           # 02-29 + 2y = 02-28
    ("2024-02-29", "penalty", "2026-02-28", P),
    ("2025-07-01", "penalty", "2025-06-30", R),           # revoked after the reference date: impossible (§8, §10)
    ("2025-07-01", "evaluation_failed", "2025-06-30", R),
    ("2025-06-30", "penalty", "2025-06-30", F),           # revoked on the reference date: banned
], ids=lambda v: str(v))
def test_reapplication_ban(rs, revoked, ground, ref, expected):
    r = reapplication_ban(rs, D(ref), [(D(revoked), ground)])
    assert r.outcome is expected
    assert r.article == "第十五条"


def test_ban_end_is_the_first_allowed_day(rs):
    assert ban_end(rs, D("2023-03-10")) == D("2025-03-10")
    assert ban_end(rs, D("2024-02-29")) == D("2026-02-28")


def test_art14_revocation_is_reported_as_not_banning(rs):
    r = reapplication_ban(rs, D("2023-03-11"), [(D("2023-03-10"), "evaluation_failed")])
    assert "第十四条，不受2年限制" in r.figures


def test_latest_banning_revocation_is_cited(rs):
    r = reapplication_ban(rs, D("2025-01-01"), [(D("2023-02-01"), "penalty"), (D("2024-01-01"), "dishonesty"),
                                                (D("2024-06-01"), "evaluation_failed")])
    assert r.outcome is F and r.value == D("2026-01-01")


@pytest.mark.parametrize("revoked, ground, ref, expected", [
    ("2023-06-30", "penalty", "2025-06-29", "FAIL"),
    ("2023-06-30", "penalty", "2025-06-30", "PASS"),
    ("2023-06-30", "evaluation_failed", "2023-07-01", "PASS"),
], ids=["barred", "allowed", "art14-no-ban"])
def test_ban_through_a_case(run, kit, revoked, ground, ref, expected):
    rep = run({"recognition": {"reference_date": ref}, "revocations": [{"date": revoked, "ground": ground}]})
    assert kit.condition(rep, "art15").outcome.value == expected
    assert rep.recognition.verdict.outcome.value == expected
    if expected == "FAIL":
        assert "第十五条" in rep.recognition.failing_articles


# ------------------------------------------------------------------ 第十五条 triggers during an evaluation year
Y0, Y1 = D("2024-01-01"), D("2024-12-31")


@pytest.mark.parametrize("false_materials, penalties, dishonest, expected", [
    (False, [], False, P),
    (True, [], False, F),                                                        # （一）
    (False, [Penalty(D("2024-05-01"), "criminal", "unit")], False, F),           # （二）
    (False, [Penalty(D("2024-05-01"), "serious_administrative", "legal_representative")], False, F),
    (False, [Penalty(D("2024-01-01"), "criminal", "unit")], False, F),           # first day of the year
    (False, [Penalty(D("2024-12-31"), "criminal", "unit")], False, F),           # last day of the year
    (False, [Penalty(D("2023-12-31"), "criminal", "unit")], False, P),           # the year before
    (False, [Penalty(D("2025-01-01"), "criminal", "unit")], False, P),           # the year after
    (False, [Penalty(D("2024-05-01"), "administrative", "unit")], False, P),     # not serious
    (False, [Penalty(D("2024-05-01"), "criminal", "other")], False, P),          # not the unit or its legal rep
    (False, [], True, F),                                                        # （三）
    (None, [], False, R),
    (False, [], None, R),
    (None, [Penalty(D("2024-05-01"), "criminal", "unit")], None, F),             # a trigger beats open flags
], ids=["none", "false-materials", "criminal-unit", "serious-admin-legal-rep", "jan-1", "dec-31", "year-before",
        "year-after", "ordinary-admin", "other-person", "dishonesty", "materials-unknown", "dishonesty-unknown",
        "trigger-beats-unknown"])
def test_art15_triggers(rs, false_materials, penalties, dishonest, expected):
    r = art15_triggers(rs, Y0, Y1, false_materials, penalties, dishonest)
    assert r.outcome is expected
    if expected is F:
        assert "2年内不得再次申请" in r.reason


def test_art15_in_an_evaluation_revokes_with_ban(kit):
    from jidi_xl.case import parse_case
    from jidi_xl.evaluate import evaluate_case
    case = kit.make({"recognition": kit.DROP,
                     "evaluation": {"year": 2024, "participated": True, "false_materials": True, "score": 95,
                                    "decision_date": "2025-04-15"}})
    ev = evaluate_case(parse_case(case)).evaluation
    assert ev.art15.outcome is F
    assert "2年内不得再次申请（第十五条）" in ev.consequence
    assert ev.ban_until == D("2027-04-15")


def test_art14_fail_in_an_evaluation_has_no_ban(kit):
    from jidi_xl.case import parse_case
    from jidi_xl.evaluate import evaluate_case
    case = kit.make({"recognition": kit.DROP,
                     "evaluation": {"year": 2024, "participated": True, "false_materials": False, "score": 60,
                                    "decision_date": "2025-04-15"}})
    ev = evaluate_case(parse_case(case)).evaluation
    assert ev.grade.value == "fail" and ev.ban_until is None
    assert "不得再次申请" not in ev.consequence


def test_a_title_revoked_under_art15_gets_no_funding_tier(kit):
    """Decision: 第十五条 revocation during the evaluation removes any funding tier the score would give."""
    from jidi_xl.case import parse_case
    from jidi_xl.evaluate import evaluate_case
    case = kit.make({"recognition": kit.DROP,
                     "evaluation": {"year": 2024, "participated": True, "false_materials": True, "score": 97}})
    ev = evaluate_case(parse_case(case)).evaluation
    assert ev.art15.outcome is F and ev.funding_tier is None and ev.art15.rule == "art15_triggers"


@pytest.mark.parametrize("penalty_day, expected", [
    ("2022-05-18", P),   # before the Measures were in force: not a 第十五条 trigger of evaluation year 2022
    ("2022-05-19", F),   # the effective date itself
], ids=["day-before-effective", "effective-day"])
def test_art15_window_starts_no_earlier_than_the_ruleset(rs, penalty_day, expected):
    pen = [Penalty(D(penalty_day), "criminal", "unit")]
    assert art15_triggers(rs, D("2022-01-01"), D("2022-12-31"), False, pen, False).outcome is expected


def test_an_unentered_penalty_record_is_review_not_pass(rs):
    assert art15_triggers(rs, Y0, Y1, False, None, False).outcome is R
