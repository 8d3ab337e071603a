"""第四章 第十三条、第十四条 — annual performance evaluation and star rating (spec §7).

The Measures fix the ladder (not taking part → 不合格; 不合格 → revoked; 一般 → kept, no funding;
较好 → graded funding). The rubric, bands and tiers come from each year's notice: parameters, and
while they are placeholders every result says so.
"""
from __future__ import annotations

from fractions import Fraction
from typing import Sequence

from .. import readings
from ..results import Outcome, Result
from ..ruleset import RuleSet
from .chapter5 import ART15_TRIGGERS
from .common import zh_count
from .declare import EVALUATION, Rule, wire

GRADES = {"fail": "不合格", "fair": "一般", "good": "较好"}
PLACEHOLDER_NOTE = "（星级分档、资金档次为暂定参数，待年度通知确认）"

ART13 = Rule("art13", "第十三条", "参加绩效评价", role=EVALUATION)
SCORE = Rule("score", "第十三条", "评价得分", role=EVALUATION)
GRADE = Rule("grade", "第十三条、第十四条", "评价结果", role=EVALUATION)
#: the grade of a base that did not take part: 第十三条 alone
GRADE_NOT_TAKEN = GRADE.part(GRADE.title, article=ART13.article,
                             quote="未按要求参加的，视同为绩效评价结果不合格。")
STARS = Rule("stars", "第十三条", "星级评定")
FUNDING = Rule("funding_tier", "第十四条、第十五条", "资金支持档次")
CONSEQUENCE = Rule("consequence", "第十四条、第十五条", "评价结果的处理")
#: the consequence of the grade alone: 第十四条
CONSEQUENCE_ART14 = CONSEQUENCE.part(CONSEQUENCE.title, article="第十四条",
                                     quote="绩效评价结果不合格的，撤销已授予的示范基地称号。")

_f = readings.exact   # old name


@ART13
def participation(rs: RuleSet, took_part: bool | None) -> Result:
    """示范基地实行动态管理，经认定的示范基地原则上应每年参加市经济和信息化局组织的绩效评价和星级评定。未按要求参加的，视同为绩效评价结果不合格。"""
    return ART13.result({True: Outcome.PASS, False: Outcome.FAIL, None: Outcome.REVIEW}[took_part],
                        {True: "已参加", False: "未参加", None: "未填"}[took_part],
                        {True: "按要求参加绩效评价", False: "未按要求参加，视同不合格", None: "是否参加待核实"}[took_part])


def expert_total(indicators: Sequence[dict], scores: Sequence[float | None]) -> Fraction | None:
    """One expert's total: each indicator's points scaled to its weight (readings.RUBRIC_WEIGHT)."""
    if any(s is None for s in scores):
        return None
    return sum((_f(s) / _f(i["max_points"]) * _f(i.get("weight", i["max_points"])) for i, s in zip(indicators, scores)),
               Fraction(0))


def trimmed_mean(rs: RuleSet, totals: Sequence[Fraction | float]) -> Fraction:
    """The experts' trimmed mean with the rule-set's numbers (readings.TRIMMED_MEAN)."""
    return readings.trimmed_mean(totals, readings.TRIMMED_MEAN.value(rs), rs.p("chapter4.trim_each_side"))


@SCORE
def evaluation_score(rs: RuleSet, score: float | None, rubric: dict | None) -> Result:
    """经认定的示范基地原则上应每年参加市经济和信息化局组织的绩效评价和星级评定。

    The year's score: entered as a total, or the trimmed mean of the experts' rubric totals (readings.TRIMMED_MEAN,
    readings.SCORE_TOLERANCE).
    """
    if rubric:
        inds, experts = rubric["indicators"], rubric["experts"]
        got = [expert_total(inds, e["scores"]) for e in experts]
        totals = [t for t in got if t is not None]
        if len(totals) < len(got):
            return SCORE.result(Outcome.REVIEW, "部分专家评分未填", "专家评分不完整")
        mean = trimmed_mean(rs, totals)
        trimmed = readings.at_least(len(totals), readings.TRIMMED_MEAN.value(rs))
        k = zh_count(rs.p("chapter4.trim_each_side"))
        fig = (f"{len(totals)} 位专家总分 " + "、".join(f"{float(t):.2f}" for t in totals) +
               (f"；去掉{k}个最高分、{k}个最低分后平均 = {float(mean):.2f}" if trimmed else f"；平均 = {float(mean):.2f}"))
        if score is not None and abs(_f(score) - mean) >= readings.SCORE_TOLERANCE_POINTS:
            fig += f"；另填总分 {score} 与专家均分不一致，以专家均分为准"
        return SCORE.result(Outcome.PASS, fig, "按指标体系和专家评分计算", value=mean)
    if score is None:
        return SCORE.result(Outcome.REVIEW, "得分未填", "缺少评价得分")
    return SCORE.result(Outcome.PASS, f"录入总分 {score:g}", "采用录入的评价总分", value=_f(score))


@GRADE
def grade(rs: RuleSet, participated: bool | None, basic: Outcome | None, score: Fraction | None) -> Result:
    """绩效评价结果不合格的……绩效评价结果一般的……绩效评价结果较好的

    Spec §7 steps 1–4: the grade 不合格 / 一般 / 较好.
    """
    pass_score, good_score = rs.p("chapter4.pass_score"), rs.p("chapter4.good_score")
    if participated is False:
        return GRADE_NOT_TAKEN.result(Outcome.FAIL, "未按要求参加绩效评价", "未按要求参加的，视同为绩效评价结果不合格", value="fail")
    if basic is Outcome.FAIL:
        # 不合格 whether or not participation is confirmed (spec §0: any FAIL part makes the whole FAIL)
        return GRADE.result(Outcome.FAIL, "基础门槛条件（第六条）复核不符合", "基础门槛条件不满足，评价结果不合格", value="fail")
    if score is not None and score < pass_score:
        return GRADE.result(Outcome.FAIL, f"得分 {float(score):.2f} < 合格线 {pass_score}",
                      "得分低于合格线，评价结果不合格", value="fail", placeholder=True)
    if participated is None:
        return GRADE_NOT_TAKEN.result(Outcome.REVIEW, "是否参加评价未填", "缺少是否参加评价的信息")
    if score is None:
        return GRADE.result(Outcome.REVIEW, "得分未定", "缺少评价得分")
    s = float(score)
    if score < good_score:
        res = GRADE.result(Outcome.PASS, f"{pass_score} ≤ 得分 {s:.2f} < {good_score}", "评价结果一般", value="fair", placeholder=True)
    else:
        res = GRADE.result(Outcome.PASS, f"得分 {s:.2f} ≥ {good_score}", "评价结果较好", value="good", placeholder=True)
    if basic is Outcome.REVIEW:
        return GRADE.result(Outcome.REVIEW, res.figures + "；基础门槛条件待核实",
                      f"基础门槛条件待核实；如核实通过则为{GRADES[res.value]}", value=None, placeholder=True)
    return res


@STARS
def stars(rs: RuleSet, score: Fraction | None, grade_code: str | None) -> int | None:
    """绩效评价和星级评定

    Stars by score band (readings.STAR_BANDS, placeholder bands); 不合格 has no star.
    """
    if score is None or grade_code in (None, "fail"):
        return None
    got = None
    for lower, n in readings.STAR_BANDS.value(rs):
        if readings.at_least(score, lower):
            got = n
    return got


@FUNDING
def funding_tier(rs: RuleSet, star_count: int | None, grade_code: str | None, revoked_art15: bool = False) -> int | None:
    """绩效评价结果较好的，分级分档给予资金奖励……撤销已授予的示范基地称号，两年内不得再次申请

    A funding tier for 较好 bases by star count (spec §7, placeholder table). Decision (readings.NO_FUNDING_ON_ART15):
    a title revoked under 第十五条 (found in the same evaluation) receives no funding, whatever the score.
    """
    if revoked_art15 or grade_code != "good" or star_count is None:
        return None
    return rs.p("chapter4.funding_tiers").get(star_count)


@CONSEQUENCE
def consequence(rs: RuleSet, grade_code: str | None, star_count: int | None, tier: int | None,
                revoked_art15: bool = False) -> str:
    """绩效评价结果不合格的，撤销已授予的示范基地称号。绩效评价结果一般的，保留其示范基地称号，不予资金支持。绩效评价结果较好的，分级分档给予资金奖励，对其为提升服务小微企业能力而发生的建设项目予以优先支持。

    What the grade means for the title and funding; a 第十五条 revocation found in the same evaluation comes
    first (``revoked_art15``: title revoked with the re-application ban, whatever the grade).
    """
    art14 = CONSEQUENCE_ART14.article
    if revoked_art15:
        return f"撤销示范基地称号，{readings.BAN_END.value(rs)}年内不得再次申请（{ART15_TRIGGERS.article}）"
    if grade_code == "fail":
        return f"撤销示范基地称号（{art14}）"
    if grade_code == "fair":
        return f"保留示范基地称号，不予资金支持（{art14}）"
    if grade_code == "good":
        t = f"第{tier}档" if tier else "不在资金档次内"
        return f"保留称号，分级分档给予资金奖励：{t}，建设项目优先支持（{art14}）"
    return "待核实"


# -- where each rule reads a case (jidi_xl.evaluate computes the declared rules through these) -------------

wire(ART13, "evaluation.participated")
wire(SCORE, "evaluation.score", "evaluation.rubric")
