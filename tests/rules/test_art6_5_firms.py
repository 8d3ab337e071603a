"""第六条第（五）项 and footnote 1 — resident Beijing small/micro firms (n) and leading-industry concentration.

General track: n ≥ 60 and ratio ≥ 60%. 高精尖 manufacturing track (declared, and every leading industry in the
list): n ≥ 40 and ratio ≥ 80%. Ratio = leading-industry firms among the n ÷ n (spec §3 decision, "其中"),
exact fractions. Either track carries; both are always reported. The boundary tables (n and the ratio on each track,
derived leading industries, which track applies) are data: ``tests/cases/art6_5_firms.yaml``.
"""
from fractions import Fraction

import pytest

from jidi_xl.case import Firm
from jidi_xl.results import Outcome
from jidi_xl.rules import art6_5_firms

P, F, R = Outcome.PASS, Outcome.FAIL, Outcome.REVIEW


def fs(counts, **kw):
    """Firms by industry: fs({"ngit": 36, "culture": 24}); keyword args set every firm's other fields."""
    out = []
    for ind, k in counts.items():
        for i in range(k):
            row = {"name": f"{ind}-{i}", "industry": ind, "size_class": "small", "beijing_registered": True}
            row.update(kw)
            out.append(Firm(**row))
    return out


def pending(counts):
    """Firms whose Beijing registration is not yet known (they may or may not count)."""
    return fs(counts, beijing_registered=None)


def test_parameters_are_the_legal_numbers(rs):
    assert rs.p("art6_5.general.min_firms") == 60
    assert rs.p("art6_5.general.min_concentration") == Fraction(60, 100)
    assert rs.p("art6_5.hpp.min_firms") == 40
    assert rs.p("art6_5.hpp.min_concentration") == Fraction(80, 100)
    assert rs.p("art6_5.max_leading_industries") == 2
    assert set(rs.p("art6_5.hpp.industries")) == {"ngit", "health", "ic", "icv", "smart_mfg"}
    assert set(rs.p("art6_5.small_micro_classes")) == {"small", "micro"}


# ------------------------------------------------------------------ firm counts (n) on each track


# ------------------------------------------------------------------ concentration, exact fractions


def test_two_leading_industries_are_summed(rs):
    r = art6_5_firms(rs, fs({"ngit": 20, "ic": 16, "culture": 24}), ["ngit", "ic"], False)
    assert r.outcome is P and r.value["leading_count"] == 36 and r.value["ratio"] == Fraction(3, 5)


def test_ratio_is_exact_not_float(rs):
    r = art6_5_firms(rs, fs({"ngit": 36, "culture": 24}), ["ngit"], False)
    assert isinstance(r.value["ratio"], Fraction)
    assert "36/60 = 60.0%" in r.figures


# ------------------------------------------------------------------ the population: n, not all residents
def test_ratio_is_over_the_n_small_micro_beijing_firms_not_all_residents(rs):
    firms = fs({"ngit": 36, "culture": 24}) + fs({"culture": 30}, size_class="medium")
    r = art6_5_firms(rs, firms, ["ngit"], False)
    assert r.outcome is P
    assert r.value["n"] == 60 and r.value["ratio"] == Fraction(36, 60)
    assert r.value["resident_total"] == 90 and r.value["ratio_all"] == Fraction(36, 90)   # secondary figure
    assert "40.0%" in r.figures and "参考" in r.figures


def test_leading_firms_outside_n_do_not_lift_the_ratio(rs):
    firms = fs({"ngit": 35, "culture": 25}) + fs({"ngit": 20}, size_class="medium") + fs({"ngit": 5}, size_class="large")
    r = art6_5_firms(rs, firms, ["ngit"], False)
    assert r.value["ratio"] == Fraction(35, 60) and r.value["ratio_all"] == Fraction(60, 85)
    assert r.outcome is F


@pytest.mark.parametrize("extra, n, expected", [
    ({"size_class": "micro"}, 60, P),            # micro counts
    ({"size_class": "medium"}, 59, F),            # medium does not
    ({"size_class": "large"}, 59, F),
    ({"beijing_registered": False}, 59, F),       # registered outside Beijing does not
], ids=["micro", "medium", "large", "not-beijing"])
def test_who_counts(rs, extra, n, expected):
    r = art6_5_firms(rs, fs({"ngit": 59}) + fs({"ngit": 1}, **extra), ["ngit"], False)
    assert r.value["n"] == n and r.outcome is expected


@pytest.mark.parametrize("employees, revenue, n, expected", [
    (20, 300, 60, P),       # 工业 at the 小型 bound → small: counts
    (19, 300, 60, P),       # 微型: counts
    (300, 2000, 59, F),     # 中型: does not
    (1000, 40000, 59, F),   # 大型: does not
    (None, 300, 60, P),     # employees missing, revenue < the 中型 bound: surely small/micro → counts
    (None, 2000, 59, R),    # employees missing, revenue at the 中型 bound: could be 中型 → pending, outcome open
], ids=["small", "micro", "medium", "large", "missing-decided", "missing-open"])
def test_size_class_derived_from_the_300_table_feeds_n(rs, employees, revenue, n, expected):
    derived = fs({"ngit": 1}, size_class=None, sector="industry", employees=employees, revenue_10k=revenue)
    r = art6_5_firms(rs, fs({"ngit": 59}) + derived, ["ngit"], False)
    assert r.value["n"] == n and r.outcome is expected


def test_declared_size_wins_over_indicators(rs):
    declared = fs({"ngit": 1}, size_class="small", sector="industry", employees=5000, revenue_10k=900000)
    assert art6_5_firms(rs, fs({"ngit": 59}) + declared, ["ngit"], False).value["n"] == 60


# ------------------------------------------------------------------ leading industries derived from the roster


def test_tie_break_follows_the_code_list_order(rs):
    order = rs.code_list("industries")
    assert order.index("ngit") < order.index("ic") < order.index("health") < order.index("culture")


def test_derived_leading_counts_only_the_n_firms(rs):
    # medium firms are the most frequent industry but are not among the n
    firms = fs({"health": 30, "ic": 30}) + fs({"culture": 100}, size_class="medium")
    assert art6_5_firms(rs, firms, None, False).value["leading"] == ["ic", "health"]


def test_declared_leading_is_not_derived(rs):
    r = art6_5_firms(rs, fs({"health": 40, "ngit": 20}), ["ngit"], False)
    assert r.value["leading"] == ["ngit"] and r.value["leading_derived"] is False
    assert "推定" not in r.figures
    assert r.outcome is F      # 20/60


def test_empty_declared_list_is_derived(rs):
    assert art6_5_firms(rs, fs({"health": 60}), [], False).value["leading_derived"] is True


# ------------------------------------------------------------------ which track applies


def test_hpp_inapplicable_reason_names_the_list_when_declared(rs):
    r = art6_5_firms(rs, fs({"ngit": 45}), ["ngit", "culture"], True)
    assert "不全在高精尖领域清单内" in r.part("art6_5_hpp").reason


def test_hpp_list_is_data(rs, kit):
    """The list ends in 等: adding an industry to the rule-set opens the track for it."""
    rs2 = kit.ruleset_with({"art6_5": {"hpp": {"industries": {"value": ["ngit", "health", "ic", "icv", "smart_mfg",
                                                                       "new_materials"]}}}})
    assert art6_5_firms(rs, fs({"new_materials": 45}), ["new_materials"], True).outcome is F
    assert art6_5_firms(rs2, fs({"new_materials": 45}), ["new_materials"], True).outcome is P


@pytest.mark.parametrize("counts, declared, track", [
    ({"ngit": 60}, True, "general"),        # both pass: the general track is reported as carrying
    ({"ngit": 45}, True, "hpp"),
    ({"ngit": 48, "culture": 12}, True, "general"),
    ({"ngit": 37, "culture": 23}, True, "general"),     # 61.7%: general passes, hpp fails
], ids=["both", "hpp-only", "both-at-80", "general-only"])
def test_both_tracks_reported_and_which_carried(rs, counts, declared, track):
    r = art6_5_firms(rs, fs(counts), ["ngit"], declared)
    assert r.outcome is P and r.value["track"] == track
    assert [p.rule for p in r.parts] == ["art6_5_general", "art6_5_hpp"]
    assert "一般基地" in r.figures and "高精尖制造业基地" in r.figures
    assert ("一般" if track == "general" else "高精尖") in r.reason


# ------------------------------------------------------------------ n = 0
@pytest.mark.parametrize("firms", [[], fs({"ngit": 10}, size_class="medium"), fs({"ngit": 10}, beijing_registered=False)],
                         ids=["empty", "all-medium", "none-in-beijing"])
def test_no_small_micro_firms_is_fail_not_zero_division(rs, firms):
    for declared in (True, False, None):
        r = art6_5_firms(rs, firms, ["ngit"], declared)
        assert r.outcome is F
        assert r.value["n"] == 0 and r.value["ratio"] is None
        assert "无入驻本市小型、微型企业" in r.reason


def test_n0_with_derived_leading(rs):
    r = art6_5_firms(rs, [], None, True)
    assert r.outcome is F and r.value["leading"] == []


# ------------------------------------------------------------------ pending firms (size / registration unknown)
@pytest.mark.parametrize("sure, pend, leading, declared, expected", [
    ({"ngit": 60}, {"culture": 5}, ["ngit"], False, P),                   # 60/65 still ≥ 60%: cannot change
    ({"ngit": 59}, {"ngit": 1}, ["ngit"], False, R),                      # reaching 60 depends on it
    ({"ngit": 59}, {"culture": 1}, ["ngit"], False, R),                   # 59/60 would pass
    ({"ngit": 50}, {"ngit": 5}, ["ngit"], False, F),                      # 55 at most < 60
    ({"ngit": 33, "culture": 22}, {"culture": 5}, ["ngit"], False, F),    # 60 firms only at 33/60 = 55%: cannot pass
    ({"ngit": 33, "culture": 22}, {"ngit": 5}, ["ngit"], False, R),       # 38/60 if they count
    ({"ngit": 36, "culture": 24}, {"culture": 1}, ["ngit"], False, R),    # 36/61 < 60% if it counts
    ({"ngit": 36, "culture": 24}, {"ngit": 1}, ["ngit"], False, P),       # 37/61 ≥ 60% either way
    ({"ngit": 36, "culture": 24}, {"culture": 1}, ["ngit"], True, R),
    ({"ngit": 40}, {"culture": 1}, ["ngit"], True, P),                    # 高精尖: 40/41 ≥ 80% either way
    ({"ngit": 39}, {"ngit": 1}, ["ngit"], True, R),
    ({"ngit": 32, "culture": 8}, {"culture": 1}, ["ngit"], True, R),      # 32/41 < 80% if it counts
    ({"ngit": 20, "culture": 19}, {"ngit": 1}, ["ngit"], True, F),        # 高精尖 21/40 at best
], ids=["cannot-change", "count-depends", "count-depends-other", "too-few-anyway", "ratio-too-low-anyway",
        "ratio-depends", "ratio-could-drop", "ratio-holds", "ratio-could-drop-hpp", "hpp-holds", "hpp-count-depends",
        "hpp-ratio-could-drop", "hpp-too-low-anyway"])
def test_pending_firms_review_only_when_they_could_change_the_outcome(rs, sure, pend, leading, declared, expected):
    r = art6_5_firms(rs, fs(sure) + pending(pend), leading, declared)
    assert r.outcome is expected
    assert r.value["n"] == sum(sure.values())             # pending firms count toward neither total
    assert r.value["pending"] == sum(pend.values())
    assert "待核实" in r.figures


@pytest.mark.parametrize("sure, unknown_industry, expected", [
    ({"ngit": 35, "culture": 24}, 1, R),      # 35/60 or 36/60
    ({"ngit": 36, "culture": 23}, 1, P),      # 36/60 even if it is not leading
    ({"ngit": 34, "culture": 25}, 1, F),      # 35/60 at best
], ids=["could-be-leading", "holds", "too-low-anyway"])
def test_unknown_industry_among_the_n(rs, sure, unknown_industry, expected):
    r = art6_5_firms(rs, fs(sure) + fs({"x": unknown_industry}, industry=None), ["ngit"], False)
    assert r.outcome is expected and r.value["n"] == 60


@pytest.mark.parametrize("sure, pend_unknown, expected", [
    ({"ngit": 33, "culture": 22}, 5, R),      # pending, industry unknown: could be 38/60
    ({"ngit": 60}, 5, P),
], ids=["pending-unknown-industry-open", "pending-unknown-industry-holds"])
def test_pending_with_unknown_industry(rs, sure, pend_unknown, expected):
    firms = fs(sure) + fs({"x": pend_unknown}, industry=None, size_class=None, sector="industry", employees=None,
                          revenue_10k=100)
    assert art6_5_firms(rs, firms, ["ngit"], False).outcome is expected


# ------------------------------------------------------------------ through a case
def test_empty_roster_is_n0_fail(run, kit):
    rep = run({"firms": {"roster": [], "leading_industries": ["ngit"]}})
    assert kit.condition(rep, "art6_5").outcome is F


def test_missing_roster_is_review_not_fail(run, kit):
    """A missing input never silently becomes FAIL (spec §0): no roster ≠ an empty roster."""
    rep = run({"firms": {"roster": kit.DROP}})
    assert kit.condition(rep, "art6_5").outcome is R


def test_missing_firms_section_is_review(run, kit):
    rep = run({"firms": kit.DROP})
    assert kit.condition(rep, "art6_5").outcome is R
    assert rep.recognition.verdict.outcome is R


@pytest.mark.parametrize("lead, expected", [(35, "FAIL"), (36, "PASS")])
def test_ratio_through_a_case(run, kit, lead, expected):
    rep = run({"firms": {"leading_industries": ["ngit"], "roster": kit.roster({"ngit": lead, "culture": 60 - lead})}})
    assert kit.condition(rep, "art6_5").outcome.value == expected
