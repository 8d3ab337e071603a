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


# ------------------------------------------------------------------ n = 0


# ------------------------------------------------------------------ pending firms (size / registration unknown)


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
