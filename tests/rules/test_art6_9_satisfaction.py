"""第六条第（九）项 — 用户满意度不低于90%，且为入驻企业提供一定的公益性免费服务 (both parts required).

不低于 includes the number; the comparison is exact (27/30 = 90% passes).
"""
from fractions import Fraction

import pytest

from jidi_xl.results import Outcome
from jidi_xl.rules import art6_9_satisfaction

P, F, R = Outcome.PASS, Outcome.FAIL, Outcome.REVIEW


def test_parameter_is_90_percent_exactly(rs):
    assert rs.p("art6_9.min_satisfaction") == Fraction(90, 100)


@pytest.mark.parametrize("satisfied, responses, expected", [
    (26, 30, F), (27, 30, P), (28, 30, P),
    (89, 100, F), (90, 100, P), (91, 100, P),
    (8999, 10000, F), (9000, 10000, P),
    (9, 10, P), (8, 9, F),              # 8/9 = 88.9%
    (0, 1, F), (30, 30, P),
], ids=["26/30", "27/30", "28/30", "89/100", "90/100", "91/100", "8999/10000", "9000/10000", "9/10", "8/9",
        "0/1", "30/30"])
def test_counts(rs, satisfied, responses, expected):
    r = art6_9_satisfaction(rs, None, satisfied, responses, True)
    assert r.outcome is expected
    assert r.value == Fraction(satisfied, responses)
    assert f"{satisfied}/{responses}" in r.figures


@pytest.mark.parametrize("rate, expected", [
    (0.8999, F), (0.89999999, F), (0.9, P), (0.90, P), (0.9001, P), (1, P), (1.0, P), (0, F),
], ids=["0.8999", "0.89999999", "0.9", "0.90", "0.9001", "1", "1.0", "0"])
def test_rate(rs, rate, expected):
    assert art6_9_satisfaction(rs, rate, None, None, True).outcome is expected


def test_counts_win_over_rate(rs):
    assert art6_9_satisfaction(rs, 0.95, 26, 30, True).outcome is F


@pytest.mark.parametrize("free, expected", [(True, P), (False, F), (None, R)], ids=["free", "no-free", "free-unknown"])
def test_free_service_is_required_too(rs, free, expected):
    assert art6_9_satisfaction(rs, None, 27, 30, free).outcome is expected


@pytest.mark.parametrize("rate, satisfied, responses, free, expected", [
    (None, None, None, True, R),          # no satisfaction data
    (None, 27, None, True, R),            # satisfied without responses
    (None, None, None, False, F),         # the free-service FAIL decides
    (None, 26, 30, None, F),              # the rate FAIL decides
    (None, 27, 30, None, R),
], ids=["no-data", "no-responses", "no-data-no-free", "low-rate-free-unknown", "ok-rate-free-unknown"])
def test_missing_parts(rs, rate, satisfied, responses, free, expected):
    assert art6_9_satisfaction(rs, rate, satisfied, responses, free).outcome is expected


@pytest.mark.parametrize("rate, satisfied, responses", [(1.01, None, None), (None, 31, 30), (-0.1, None, None)],
                         ids=["rate-over-1", "more-satisfied-than-responses", "negative"])
def test_impossible_rate_is_never_a_pass(rs, rate, satisfied, responses):
    """Spec §10: a rate above 100% is bad input, never a pass (the UDFs call the rule directly)."""
    assert art6_9_satisfaction(rs, rate, satisfied, responses, True).outcome is R


@pytest.mark.parametrize("sat, expected", [
    ({"satisfied": 27, "responses": 30}, "PASS"),
    ({"satisfied": 26, "responses": 30}, "FAIL"),
    ({"satisfied": None, "responses": None, "rate": 0.9}, "PASS"),
    ({"satisfied": None, "responses": None, "rate": 0.8999}, "FAIL"),
    ({"satisfied": 27, "responses": 30, "rate": 0.9}, "PASS"),
    ({"free_public_service": False}, "FAIL"),
    ({"free_public_service": None}, "REVIEW"),
], ids=["27/30", "26/30", "rate-0.9", "rate-0.8999", "both-consistent", "no-free", "free-unknown"])
def test_through_a_case(run, kit, sat, expected):
    assert kit.condition(run({"satisfaction": sat}), "art6_9").outcome.value == expected
