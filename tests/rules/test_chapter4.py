"""第四章 第十三条、第十四条 — annual evaluation: participation, basic threshold (第六条 re-checked at 12-31),
score (entered, or trimmed mean of experts), grade 不合格/一般/较好, stars and funding tier (placeholder parameters).
The boundary tables (trimmed mean, grade ladder, band edges, consequences) are data: ``tests/cases/chapter4_evaluation.yaml``.
"""
from fractions import Fraction

import pytest

from jidi_xl.report import to_dict
from jidi_xl.results import Outcome
from jidi_xl.rules import RULES, evaluation_score, trimmed_mean
from jidi_xl.synth import fragment as at

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


# ------------------------------------------------------------------ whole evaluations


def test_not_participated_is_fail(evaluate):
    ev = evaluate({"participated": False, "score": 99})
    assert ev.grade.value == "fail" and ev.stars is None and ev.funding_tier is None
    assert ev.participated.outcome is F
    assert "撤销" in ev.consequence


def test_basic_fail_is_fail_as_of_12_31(evaluate):
    ev = evaluate({"score": 99}, **at({RULES["art6_4"].reads[0]: 4999}))     # building area one below
    assert ev.basic_outcome is F and ev.grade.value == "fail" and ev.stars is None
    assert str(ev.snapshot) == "2024-12-31"


def test_basic_recheck_uses_12_31_of_the_year(evaluate):
    # established 2022-12-31: two years on 2024-12-31 exactly; 2023-01-01 would be one day short
    assert evaluate(operator={"established_on": "2022-12-31"}).basic_outcome is P
    assert evaluate(operator={"established_on": "2023-01-01"}).basic_outcome is F


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
