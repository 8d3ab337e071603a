"""第六条第（三）（六）（七）（十）项 — conditions that are reviewer-confirmed yes/no items, all required.

True → met; False → not met (FAIL); None → not yet confirmed (REVIEW, never a silent PASS). A FAIL beats a REVIEW.
"""
import pytest

from jidi_xl.results import Outcome
from jidi_xl.rules import RULES, art6_3_planning, art6_6_governance, art6_7_management, art6_10_station

ITEMS = {
    # rule id: (function, case section, keys in argument order)
    "art6_3": (art6_3_planning, "planning", ["project_approval_complete", "fits_policy", "clear_positioning"]),
    "art6_6": (art6_6_governance, "governance", ["governance_structure", "strategic_plan", "development_goals",
                                                 "implementation_plan"]),
    "art6_7": (art6_7_management, "management", ["management_rules", "service_process", "service_ledger",
                                                 "fee_standards", "quality_supervision"]),
    "art6_10": (art6_10_station, "service_station", ["office_and_equipment", "staff_with_posts", "work_guides",
                                                     "brokering_services"]),
}

CASES = []
for rule, (_, _, keys) in ITEMS.items():
    CASES.append(pytest.param(rule, {}, Outcome.PASS, id=f"{rule}-all-true"))
    for k in keys:
        CASES.append(pytest.param(rule, {k: False}, Outcome.FAIL, id=f"{rule}-{k}-false"))
        CASES.append(pytest.param(rule, {k: None}, Outcome.REVIEW, id=f"{rule}-{k}-none"))
    CASES.append(pytest.param(rule, {keys[0]: False, keys[-1]: None}, Outcome.FAIL, id=f"{rule}-false-beats-none"))
    CASES.append(pytest.param(rule, {k: None for k in keys}, Outcome.REVIEW, id=f"{rule}-all-none"))
    CASES.append(pytest.param(rule, {k: False for k in keys}, Outcome.FAIL, id=f"{rule}-all-false"))


@pytest.mark.parametrize("rule, changes, expected", CASES)
def test_flags_direct(rs, rule, changes, expected):
    fn, _, keys = ITEMS[rule]
    values = {k: True for k in keys} | changes
    r = fn(rs, *[values[k] for k in keys])
    assert r.outcome is expected
    assert r.rule == rule and r.article == RULES[rule].article
    if expected is Outcome.FAIL:
        assert r.reason.startswith("不具备")
    if expected is Outcome.REVIEW:
        assert "未填" in r.figures


@pytest.mark.parametrize("rule, changes, expected", CASES)
def test_flags_through_a_case(run, kit, rule, changes, expected):
    _, section, _ = ITEMS[rule]
    rep = run({section: changes})
    assert kit.condition(rep, rule).outcome is expected
    assert rep.recognition.verdict.outcome is expected


@pytest.mark.parametrize("rule", list(ITEMS))
def test_missing_section_is_review(run, kit, rule):
    rep = run({ITEMS[rule][1]: kit.DROP})
    assert kit.condition(rep, rule).outcome is Outcome.REVIEW
