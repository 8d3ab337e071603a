"""第四章 第十三条、第十四条 — annual performance evaluation and star rating (spec §7).

The Measures fix the ladder (not taking part → 不合格; 不合格 → revoked; 一般 → kept, no funding;
较好 → graded funding). The rubric, bands and tiers come from each year's notice: parameters, and
while they are placeholders every result says so.
"""
from __future__ import annotations

from fractions import Fraction
from typing import Sequence

from ..results import Outcome, Result
from ..ruleset import RuleSet

GRADES = {"fail": "不合格", "fair": "一般", "good": "较好"}
PLACEHOLDER_NOTE = "（星级分档、资金档次为暂定参数，待年度通知确认）"


def _f(x) -> Fraction:
    return x if isinstance(x, Fraction) else Fraction(str(x))


def expert_total(indicators: Sequence[dict], scores: Sequence[float | None]) -> Fraction | None:
    """One expert's total: each indicator's points scaled to its weight (weight defaults to max points)."""
    if any(s is None for s in scores):
        return None
    return sum((_f(s) / _f(i["max_points"]) * _f(i.get("weight", i["max_points"])) for i, s in zip(indicators, scores)),
               Fraction(0))


def trimmed_mean(rs: RuleSet, totals: Sequence[Fraction | float]) -> Fraction:
    """Drop one highest and one lowest when there are at least 5 experts (parameters), then average (spec §7)."""
    vals = sorted(_f(t) for t in totals)
    if not vals:
        raise ValueError("no expert totals")
    k = rs.p("chapter4.trim_each_side")
    if len(vals) >= rs.p("chapter4.trim_min_experts"):
        vals = vals[k: len(vals) - k]
    return sum(vals, Fraction(0)) / len(vals)


def evaluation_score(rs: RuleSet, score: float | None, rubric: dict | None) -> Result:
    """The year's score: entered as a total, or the trimmed mean of the experts' rubric totals."""
    if rubric:
        inds, experts = rubric["indicators"], rubric["experts"]
        totals = [expert_total(inds, e["scores"]) for e in experts]
        if any(t is None for t in totals):
            return Result("score", "第十三条", "评价得分", Outcome.REVIEW, "部分专家评分未填", "专家评分不完整")
        mean = trimmed_mean(rs, totals)
        trimmed = len(totals) >= rs.p("chapter4.trim_min_experts")
        fig = (f"{len(totals)} 位专家总分 " + "、".join(f"{float(t):.2f}" for t in totals) +
               (f"；去掉一个最高分、一个最低分后平均 = {float(mean):.2f}" if trimmed else f"；平均 = {float(mean):.2f}"))
        if score is not None and abs(_f(score) - mean) >= Fraction(1, 100):
            fig += f"；另填总分 {score} 与专家均分不一致，以专家均分为准"
        return Result("score", "第十三条", "评价得分", Outcome.PASS, fig, "按指标体系和专家评分计算", value=mean)
    if score is None:
        return Result("score", "第十三条", "评价得分", Outcome.REVIEW, "得分未填", "缺少评价得分")
    return Result("score", "第十三条", "评价得分", Outcome.PASS, f"录入总分 {score:g}", "采用录入的评价总分", value=_f(score))


def grade(rs: RuleSet, participated: bool | None, basic: Outcome | None, score: Fraction | None) -> Result:
    """第十三条、第十四条 and spec §7 steps 1–4: the grade 不合格 / 一般 / 较好."""
    pass_score, good_score = rs.p("chapter4.pass_score"), rs.p("chapter4.good_score")
    art = "第十三条、第十四条"
    if participated is False:
        return Result("grade", "第十三条", "评价结果", Outcome.FAIL, "未按要求参加绩效评价", "未按要求参加的，视同为绩效评价结果不合格", value="fail")
    if basic is Outcome.FAIL:
        # 不合格 whether or not participation is confirmed (spec §0: any FAIL part makes the whole FAIL)
        return Result("grade", art, "评价结果", Outcome.FAIL, "基础门槛条件（第六条）复核不符合", "基础门槛条件不满足，评价结果不合格", value="fail")
    if score is not None and score < pass_score:
        return Result("grade", art, "评价结果", Outcome.FAIL, f"得分 {float(score):.2f} < 合格线 {pass_score}",
                      "得分低于合格线，评价结果不合格", value="fail", placeholder=True)
    if participated is None:
        return Result("grade", "第十三条", "评价结果", Outcome.REVIEW, "是否参加评价未填", "缺少是否参加评价的信息")
    if score is None:
        return Result("grade", art, "评价结果", Outcome.REVIEW, "得分未定", "缺少评价得分")
    s = float(score)
    if score < good_score:
        res = Result("grade", art, "评价结果", Outcome.PASS, f"{pass_score} ≤ 得分 {s:.2f} < {good_score}", "评价结果一般", value="fair", placeholder=True)
    else:
        res = Result("grade", art, "评价结果", Outcome.PASS, f"得分 {s:.2f} ≥ {good_score}", "评价结果较好", value="good", placeholder=True)
    if basic is Outcome.REVIEW:
        return Result("grade", art, "评价结果", Outcome.REVIEW, res.figures + "；基础门槛条件待核实",
                      f"基础门槛条件待核实；如核实通过则为{GRADES[res.value]}", value=None, placeholder=True)
    return res


def stars(rs: RuleSet, score: Fraction | None, grade_code: str | None) -> int | None:
    """Stars by score band (spec §7, placeholder bands); 不合格 has no star."""
    if score is None or grade_code in (None, "fail"):
        return None
    got = None
    for lower, n in rs.p("chapter4.star_bands"):
        if score >= lower:
            got = n
    return got


def funding_tier(rs: RuleSet, star_count: int | None, grade_code: str | None, revoked_art15: bool = False) -> int | None:
    """分级分档: a funding tier for 较好 bases by star count (spec §7, placeholder table).

    Decision: a title revoked under 第十五条 (found in the same evaluation) receives no funding, whatever the score.
    """
    if revoked_art15 or grade_code != "good" or star_count is None:
        return None
    return rs.p("chapter4.funding_tiers").get(star_count)


def consequence(rs: RuleSet, grade_code: str | None, star_count: int | None, tier: int | None) -> str:
    """第十四条: what the grade means for the title and funding."""
    if grade_code == "fail":
        return "撤销示范基地称号（第十四条）"
    if grade_code == "fair":
        return "保留示范基地称号，不予资金支持（第十四条）"
    if grade_code == "good":
        t = f"第{tier}档" if tier else "不在资金档次内"
        return f"保留称号，分级分档给予资金奖励：{t}，建设项目优先支持（第十四条）"
    return "待核实"
