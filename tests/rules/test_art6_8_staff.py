"""第六条第（八）项 — 本科及以上学历和中级及以上技术职称人员不少于8人.

Decision (spec §2): a person counts if they hold either qualification (``staff_rule`` any, default) or both
(``both``). A staff list wins over a declared count; a difference is reported. Unknown qualifications → REVIEW
when they could change the outcome.
"""
import pytest

from jidi_xl.case import StaffMember
from jidi_xl.results import Outcome
from jidi_xl.rules import art6_8_staff

P, F, R = Outcome.PASS, Outcome.FAIL, Outcome.REVIEW


def people(k, degree="bachelor", title="none"):
    return [StaffMember(f"员工{i}", degree, title) for i in range(k)]


def test_parameters(rs):
    assert rs.p("art6_8.min_qualified_staff") == 8
    assert rs.p("art6_8.staff_rule") == "any"
    assert set(rs.p("art6_8.qualifying_degrees")) == {"bachelor", "master", "doctor"}
    assert set(rs.p("art6_8.qualifying_titles")) == {"intermediate", "associate_senior", "senior"}


@pytest.mark.parametrize("k, expected", [(7, F), (8, P), (9, P)], ids=["7", "8", "9"])
def test_list_count(rs, k, expected):
    r = art6_8_staff(rs, people(k) + people(3, "none", "junior"), None)
    assert r.outcome is expected and r.value == k


@pytest.mark.parametrize("k, expected", [(0, F), (7, F), (8, P), (9, P)], ids=["0", "7", "8", "9"])
def test_declared_count(rs, k, expected):
    r = art6_8_staff(rs, None, k)
    assert r.outcome is expected and "申报" in r.figures


@pytest.mark.parametrize("degree, title, any_counts, both_counts", [
    ("bachelor", "none", True, False),
    ("master", "junior", True, False),
    ("doctor", "senior", True, True),
    ("none", "intermediate", True, False),
    ("none", "associate_senior", True, False),
    ("bachelor", "intermediate", True, True),
    ("none", "junior", False, False),
    ("none", "none", False, False),
], ids=lambda v: str(v))
def test_any_vs_both(rs, degree, title, any_counts, both_counts):
    staff = [StaffMember(f"x{i}", degree, title) for i in range(8)]
    assert art6_8_staff(rs, staff, None, rule="any").outcome is (P if any_counts else F)
    assert art6_8_staff(rs, staff, None, rule="both").outcome is (P if both_counts else F)


def test_switch_is_read_from_the_ruleset(rs, kit):
    staff = people(8, "bachelor", "none")
    both = kit.ruleset_with({"art6_8": {"staff_rule": {"value": "both"}}})
    assert art6_8_staff(rs, staff, None).outcome is P
    assert art6_8_staff(both, staff, None).outcome is F
    assert "学历和职称均具备" in art6_8_staff(both, staff, None).figures


@pytest.mark.parametrize("listed, declared, expected, note", [
    (7, 8, F, True),       # the list wins over a higher declared count
    (8, 5, P, True),       # and over a lower one
    (8, 8, P, False),      # agreement: nothing to report
    (8, None, P, False),
], ids=["list7-declared8", "list8-declared5", "agree", "no-declared"])
def test_list_wins_over_declared_and_difference_reported(rs, listed, declared, expected, note):
    r = art6_8_staff(rs, people(listed), declared)
    assert r.outcome is expected and r.value == listed
    assert ("不一致，以名单为准" in r.figures) is note


@pytest.mark.parametrize("staff, rule, expected", [
    (people(7) + [StaffMember("未知", None, None)], "any", R),            # 7 + 1 unknown could reach 8
    (people(7) + [StaffMember("未知", "none", None)], "any", R),          # degree no, title unknown
    (people(7) + [StaffMember("未知", None, "junior")], "any", R),        # title no, degree unknown
    (people(7) + [StaffMember("本科", "bachelor", None)], "any", P),      # a degree is enough under any
    (people(6) + [StaffMember("未知", None, None)], "any", F),            # 7 at most
    (people(8) + [StaffMember("未知", None, None)] * 3, "any", P),        # already 8
    (people(7, "bachelor", "intermediate") + [StaffMember("b", "bachelor", None)], "both", R),
    (people(7, "bachelor", "intermediate") + [StaffMember("b", "none", None)], "both", F),
], ids=["both-unknown", "title-unknown", "degree-unknown", "degree-enough", "too-few-anyway", "already-enough",
        "both-title-unknown", "both-degree-none"])
def test_unknown_qualifications(rs, staff, rule, expected):
    r = art6_8_staff(rs, staff, None, rule=rule)
    assert r.outcome is expected
    if expected is R:
        assert "未填" in r.figures


def test_nothing_given_is_review(rs):
    assert art6_8_staff(rs, None, None).outcome is R


def test_empty_list_is_zero_not_missing(rs):
    assert art6_8_staff(rs, [], 10).outcome is F


@pytest.mark.parametrize("k, expected", [(7, "FAIL"), (8, "PASS")])
def test_through_a_case(run, kit, k, expected):
    members = [{"name": f"p{i}", "degree": "master"} for i in range(k)]
    rep = run({"staff": {"members": members, "declared_qualified": 10}})
    r = kit.condition(rep, "art6_8")
    assert r.outcome.value == expected and "以名单为准" in r.figures
