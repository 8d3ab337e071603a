"""第六条第（一）项 — independent legal person, registered in Beijing, established ≥ 2 years, rolling incubation.

"成立时间两年以上": 以上 includes the number, so the second anniversary itself passes (spec §2).
"""
from datetime import date

import pytest

from jidi_xl.results import Outcome
from jidi_xl.rules import art6_1_operator

D = date.fromisoformat
OK = dict(independent_legal_person=True, registered_in_beijing=True, rolling_incubation=True)


def test_parameter_is_the_legal_two_years(rs):
    assert rs.p("art6_1.min_years_established") == 2


@pytest.mark.parametrize("established, ref, expected", [
    ("2023-06-30", "2025-06-30", Outcome.PASS),    # exactly the 2nd anniversary: 以上 includes it
    ("2023-07-01", "2025-06-30", Outcome.FAIL),    # one day short
    ("2023-06-29", "2025-06-30", Outcome.PASS),    # one day over
    ("2024-06-30", "2025-06-30", Outcome.FAIL),    # one year only
    ("2010-01-01", "2025-06-30", Outcome.PASS),
    # 02-29 + 2 years = 02-28 of the common year
    ("2024-02-29", "2026-02-27", Outcome.FAIL),
    ("2024-02-29", "2026-02-28", Outcome.PASS),
    ("2024-02-29", "2026-03-01", Outcome.PASS),
    # established on 02-28, reference 02-29 in a leap year is a day after the anniversary
    ("2022-02-28", "2024-02-28", Outcome.PASS),
    ("2022-03-01", "2024-02-29", Outcome.FAIL),
    # the anniversary counts calendar years, not 730 days: 2022-07-01 + 730 days = 2024-06-30 (leap year between)
    ("2022-07-01", "2024-06-30", Outcome.FAIL),
], ids=["at-anniversary", "anniversary-minus-1", "anniversary-plus-1", "one-year", "long-ago",
        "0229-day-before-0228", "0229-on-0228", "0229-on-0301", "0228-on-0228-leap", "0301-on-0229-leap",
        "730-days-is-not-2-years"])
def test_years_established(rs, established, ref, expected):
    r = art6_1_operator(rs, D(ref), established_on=D(established), **OK)
    assert r.outcome is expected
    assert r.article == "第六条第（一）项"
    assert established in r.figures and ref in r.figures


def test_0229_anniversary_value_is_0228(rs):
    r = art6_1_operator(rs, D("2026-06-30"), established_on=D("2024-02-29"), **OK)
    assert r.parts[1].value == D("2026-02-28")


def test_missing_established_date_is_review_not_fail(rs):
    r = art6_1_operator(rs, D("2025-06-30"), established_on=None, **OK)
    assert r.outcome is Outcome.REVIEW
    assert "成立日期" in r.reason


@pytest.mark.parametrize("flag", ["independent_legal_person", "registered_in_beijing", "rolling_incubation"])
@pytest.mark.parametrize("value, expected", [(True, Outcome.PASS), (False, Outcome.FAIL), (None, Outcome.REVIEW)],
                         ids=["true", "false", "none"])
def test_each_boolean(rs, flag, value, expected):
    r = art6_1_operator(rs, D("2025-06-30"), established_on=D("2020-01-01"), **{**OK, flag: value})
    assert r.outcome is expected


@pytest.mark.parametrize("flags, established, expected", [
    (dict(OK, rolling_incubation=False), None, Outcome.FAIL),          # a FAIL beats a missing date
    (dict(OK, registered_in_beijing=None), "2024-01-01", Outcome.FAIL),  # too young beats an open flag
    (dict(OK, independent_legal_person=None), None, Outcome.REVIEW),
], ids=["false-and-missing-date", "none-and-too-young", "none-and-missing-date"])
def test_combined(rs, flags, established, expected):
    r = art6_1_operator(rs, D("2025-06-30"), established_on=D(established) if established else None, **flags)
    assert r.outcome is expected


@pytest.mark.parametrize("established, expected", [("2023-06-30", "PASS"), ("2023-07-01", "FAIL")])
def test_through_a_case(run, kit, established, expected):
    rep = run({"operator": {"established_on": established}})
    assert kit.condition(rep, "art6_1").outcome.value == expected
    assert rep.recognition.verdict.outcome.value == expected
