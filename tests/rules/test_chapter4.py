"""第四章 第十三条、第十四条 — annual evaluation: participation, basic threshold (第六条 re-checked at 12-31),
score (entered, or trimmed mean of experts), grade 不合格/一般/较好, stars and funding tier (placeholder parameters).
"""
from fractions import Fraction

import pytest

from jidi_xl.report import to_dict
from jidi_xl.results import Outcome
from jidi_xl.rules import evaluation_score, funding_tier, grade, stars, trimmed_mean

P, F, R = Outcome.PASS, Outcome.FAIL, Outcome.REVIEW


def ev_case(kit, ev=None, **over):
    return kit.merge({"recognition": kit.DROP,
                      "evaluation": {"year": 2024, "participated": True, "false_materials": False, "score": 92}},
                     {"evaluation": ev or {}, **over})


@pytest.fixture
def evaluate(kit):
    from jidi_xl.case import parse_case
    from jidi_xl.evaluate import evaluate_case
    return lambda ev=None, **over: evaluate_case(parse_case(kit.make(ev_case(kit, ev, **over)))).evaluation


def test_parameters_and_placeholders(rs):
    assert rs.p("chapter4.pass_score") == 80
    assert rs.p("chapter4.good_score") == 90
    assert rs.p("chapter4.max_score") == 100
    assert rs.p("chapter4.trim_min_experts") == 5
    assert rs.p("chapter4.trim_each_side") == 1
    assert rs.p("chapter4.star_bands") == [[80, 1], [85, 2], [90, 3], [93, 4], [96, 5]]
    assert rs.p("chapter4.funding_tiers") == {3: 1, 4: 2, 5: 3}
    for path in ("pass_score", "good_score", "star_bands", "funding_tiers", "funding_amounts_10k_yuan"):
        assert rs.param(f"chapter4.{path}").placeholder, path


# ------------------------------------------------------------------ trimmed mean
@pytest.mark.parametrize("totals, expected", [
    ([80], 80),
    ([70, 90], 80),
    ([60, 80, 100], 80),
    ([70, 80, 90, 100], 85),                     # 4 experts: plain mean, nothing dropped
    ([60, 80, 85, 90, 100], 85),                 # 5 experts: drop 60 and 100 → (80+85+90)/3
    ([0, 84, 85, 86, 100], 85),
    ([50, 80, 80, 80, 80, 100], 80),             # 6 experts: drop one each side
    ([80, 80, 80, 80, 80], 80),                  # equal scores: dropping one of a tie
], ids=["1", "2", "3", "4-no-trim", "5-trim", "5-trim-outliers", "6-trim", "5-equal"])
def test_trimmed_mean(rs, totals, expected):
    assert trimmed_mean(rs, totals) == expected


def test_trimmed_mean_is_exact(rs):
    assert trimmed_mean(rs, [80, 80, 81]) == Fraction(241, 3)


def rubric(*expert_totals, indicators=None):
    inds = indicators or [{"code": "a", "max_points": 60}, {"code": "b", "max_points": 40}]
    if indicators:
        return {"indicators": inds, "experts": [{"scores": list(t)} for t in expert_totals]}
    return {"indicators": inds, "experts": [{"scores": [t * Fraction(60, 100), t * Fraction(40, 100)]}
                                            for t in expert_totals]}


@pytest.mark.parametrize("totals, mean, trimmed", [
    ([70, 80, 90, 100], 85, False),
    ([60, 80, 85, 90, 100], 85, True),
], ids=["4-experts", "5-experts"])
def test_score_from_rubric(rs, totals, mean, trimmed):
    r = evaluation_score(rs, None, rubric(*totals))
    assert r.outcome is P and r.value == mean
    assert ("去掉一个最高分、一个最低分" in r.figures) is trimmed


def test_rubric_weights_scale_points(rs):
    # indicator of 10 points weighted 50, indicator of 50 points weighted 50
    inds = [{"code": "a", "max_points": 10, "weight": 50}, {"code": "b", "max_points": 50, "weight": 50}]
    r = evaluation_score(rs, None, rubric([8, 45], indicators=inds))
    assert r.value == 40 + 45


def test_rubric_with_a_blank_score_is_review(rs):
    inds = [{"code": "a", "max_points": 100}]
    assert evaluation_score(rs, None, rubric([90], [None], indicators=inds)).outcome is R


def test_rubric_wins_over_an_entered_total(rs):
    r = evaluation_score(rs, 70, rubric(90, 90))
    assert r.value == 90 and "不一致" in r.figures


def test_no_score_is_review(rs):
    assert evaluation_score(rs, None, None).outcome is R


# ------------------------------------------------------------------ grade, stars, tiers
@pytest.mark.parametrize("score, grade_code, star, tier", [
    ("0", "fail", None, None),
    ("79.99", "fail", None, None),
    ("80", "fair", 1, None),
    ("80.01", "fair", 1, None),
    ("84.99", "fair", 1, None),
    ("85", "fair", 2, None),
    ("89.99", "fair", 2, None),
    ("90", "good", 3, 1),
    ("90.01", "good", 3, 1),
    ("92.99", "good", 3, 1),
    ("93", "good", 4, 2),
    ("95.99", "good", 4, 2),
    ("96", "good", 5, 3),
    ("99.99", "good", 5, 3),
    ("100", "good", 5, 3),
], ids=lambda v: str(v))
def test_grade_star_band_and_tier_edges(rs, score, grade_code, star, tier):
    s = Fraction(score)
    g = grade(rs, True, P, s)
    assert g.value == grade_code
    assert g.outcome is (F if grade_code == "fail" else P)
    assert g.placeholder is True
    st = stars(rs, s, g.value)
    assert st == star
    assert funding_tier(rs, st, g.value) == tier


@pytest.mark.parametrize("participated, basic, score, expected_outcome, expected_grade", [
    (False, P, Fraction(95), F, "fail"),      # not taking part → 不合格 (第十三条), whatever the score
    (False, None, None, F, "fail"),
    (None, P, Fraction(95), R, None),
    (True, F, Fraction(95), F, "fail"),       # basic threshold not met → 不合格
    (None, F, Fraction(95), F, "fail"),       # 不合格 either way
    (True, R, Fraction(95), R, None),         # basic open: grade open
    (True, R, Fraction(79), F, "fail"),       # below the pass score: 不合格 whatever the basic re-check says
    (None, P, Fraction(79), F, "fail"),       # … or the participation flag
    (True, P, None, R, None),
], ids=["absent-high", "absent-nothing", "participation-unknown", "basic-fail", "basic-fail-participation-unknown",
        "basic-review", "basic-review-low-score", "participation-unknown-low-score", "no-score"])
def test_grade_ladder(rs, participated, basic, score, expected_outcome, expected_grade):
    g = grade(rs, participated, basic, score)
    assert g.outcome is expected_outcome
    assert g.value == expected_grade


def test_fail_has_no_star_even_with_a_high_score(rs):
    assert stars(rs, Fraction(99), "fail") is None
    assert funding_tier(rs, 5, "fair") is None


# ------------------------------------------------------------------ whole evaluations
@pytest.mark.parametrize("score, grade_zh, star, tier", [
    (79.99, "不合格", None, None), (80, "一般", 1, None), (80.01, "一般", 1, None), (89.99, "一般", 2, None),
    (90, "较好", 3, 1), (93, "较好", 4, 2), (96, "较好", 5, 3), (100, "较好", 5, 3),
], ids=lambda v: str(v))
def test_evaluation_edges(evaluate, score, grade_zh, star, tier):
    ev = evaluate({"score": score})
    assert {"fail": "不合格", "fair": "一般", "good": "较好"}[ev.grade.value] == grade_zh
    assert ev.stars == star and ev.funding_tier == tier


@pytest.mark.parametrize("grade_ev, text", [
    ({"score": 79}, "撤销示范基地称号（第十四条）"),
    ({"score": 85}, "保留示范基地称号，不予资金支持"),
    ({"score": 95}, "分级分档给予资金奖励：第2档"),
], ids=["fail", "fair", "good"])
def test_consequences(evaluate, grade_ev, text):
    assert text in evaluate(grade_ev).consequence


def test_not_participated_is_fail(evaluate):
    ev = evaluate({"participated": False, "score": 99})
    assert ev.grade.value == "fail" and ev.stars is None and ev.funding_tier is None
    assert ev.participated.outcome is F
    assert "撤销" in ev.consequence


def test_basic_fail_is_fail_as_of_12_31(evaluate):
    ev = evaluate({"score": 99}, area={"building_m2": 4999})
    assert ev.basic_outcome is F and ev.grade.value == "fail" and ev.stars is None
    assert str(ev.snapshot) == "2024-12-31"


def test_basic_recheck_uses_12_31_of_the_year(evaluate):
    # established 2022-12-31: two years on 2024-12-31 exactly; 2023-01-01 would be one day short
    assert evaluate(operator={"established_on": "2022-12-31"}).basic_outcome is P
    assert evaluate(operator={"established_on": "2023-01-01"}).basic_outcome is F


@pytest.mark.parametrize("ev_in, placeholder", [({"score": 92}, True), ({"score": 85}, True), ({"score": 70}, True),
                                                ({"participated": False}, False)],
                         ids=["good", "fair", "fail-by-score", "absent"])
def test_placeholder_flagged(evaluate, kit, ev_in, placeholder):
    ev = evaluate(ev_in)
    assert ev.placeholder is placeholder
    assert ("暂定" in ev.consequence) is placeholder


def test_placeholder_in_json(kit):
    from jidi_xl.case import parse_case
    from jidi_xl.evaluate import evaluate_case
    d = to_dict(evaluate_case(parse_case(kit.make(ev_case(kit)))))
    assert d["evaluation"]["placeholder_parameters"] is True
    assert d["evaluation"]["grade_result"]["placeholder_parameters"] is True
    assert d["evaluation"]["stars"] == 3 and d["evaluation"]["funding_tier"] == 1


def test_score_from_rubric_in_a_case(evaluate):
    ev = evaluate({"score": None, "rubric": {
        "indicators": [{"code": "all", "max_points": 100}],
        "experts": [{"scores": [s]} for s in (60, 89, 90, 91, 100)]}})
    assert ev.score.value == 90 and ev.grade.value == "good"
    ev4 = evaluate({"score": None, "rubric": {
        "indicators": [{"code": "all", "max_points": 100}],
        "experts": [{"scores": [s]} for s in (60, 90, 90, 100)]}})
    assert ev4.score.value == 85 and ev4.grade.value == "fair"
