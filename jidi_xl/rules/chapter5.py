"""第五章 第十五条 — revocation with a two-year ban on re-application (spec §8).

Decision (spec §8): the ban attaches to 第十五条 only; a title revoked for failing the evaluation
(第十四条) carries no ban.
"""
from __future__ import annotations

from datetime import date
from typing import Sequence

from ..case import Penalty
from ..results import Outcome, Result
from ..ruleset import RuleSet
from .art06 import disqualifying
from .common import add_years

BAN_GROUNDS = ("false_materials", "penalty", "dishonesty")
EVAL_RULE = "art15_triggers"   # the evaluation's check; "art15" is the recognition's re-application ban


def ban_end(rs: RuleSet, revoked_on: date) -> date:
    """The first day a new application may be made: revocation date + N years (anniversary)."""
    return add_years(revoked_on, rs.p("art15.ban_years"))


def revocation_after_reference(revoked_on: date, ref: date) -> str | None:
    """Spec §8/§10: a revocation dated after the application's reference date cannot be on its record —
    impossible input, whatever the ground (第十四条 or 第十五条). The Chinese message, or None when possible.

    The input layers (``case.parse_case``, the UDFs' revocation table) refuse such a row naming its field."""
    if revoked_on <= ref:
        return None
    return (f"撤销日期 {revoked_on} 晚于参照日期（申请受理截止日期）{ref}：申请时不可能已有该撤销记录；"
            "请核对撤销日期或参照日期")


def reapplication_ban(rs: RuleSet, ref: date, revocations: Sequence[tuple[date, str]]) -> Result:
    """第十五条：……撤销已授予的示范基地称号，两年内不得再次申请。

    An application whose reference date is before revocation date + 2 years is barred. A revocation after
    the reference date is refused by the input layers; called with one anyway, the result is 待核实, never 符合.
    """
    years = rs.p("art15.ban_years")
    future = [d for d, _ in revocations if revocation_after_reference(d, ref)]
    if future:
        return Result("art15", "第十五条", "再次申请限制", Outcome.REVIEW, f"撤销日期 {max(future)} 晚于参照日 {ref}",
                      revocation_after_reference(max(future), ref))
    banned = [(d, g) for d, g in revocations if g in BAN_GROUNDS and d <= ref < ban_end(rs, d)]
    other = [(d, g) for d, g in revocations if g not in BAN_GROUNDS]
    if banned:
        d, g = max(banned)
        return Result("art15", "第十五条", "再次申请限制", Outcome.FAIL,
                      f"{d} 因{rs.label('revocation_grounds', g)}被撤销称号，{years}年限制至 {ban_end(rs, d)}（不含）；参照日 {ref}",
                      f"被撤销称号未满{years}年，不得再次申请", value=ban_end(rs, d))
    fig = "无第十五条撤销记录" if not revocations or not [r for r in revocations if r[1] in BAN_GROUNDS] else \
        "第十五条撤销均已满" + str(years) + "年"
    if other:
        fig += f"；另有 {len(other)} 次因绩效评价不合格被撤销（第十四条，不受{years}年限制）"
    return Result("art15", "第十五条", "再次申请限制", Outcome.PASS, fig, f"不在{years}年再次申请限制期内")


def art15_triggers(rs: RuleSet, start: date, end: date, false_materials: bool | None,
                   penalties: Sequence[Penalty] | None, serious_dishonesty: bool | None) -> Result:
    """第十五条（一）至（三）项, during an evaluation period [start, end]: any one revokes the title with a ban.

    The period starts no earlier than the rule-set's effective date (evaluation year 2022 covers 2022-05-19 on).
    """
    start = max(start, rs.effective_from)
    unchecked = penalties is None
    penalties = penalties or ()
    found = []
    if false_materials:
        found.append("（一）提供虚假材料和数据")
    hits = [p for p in penalties if disqualifying(rs, p) and start <= p.date <= end]
    if hits:
        found.append(f"（二）{hits[0].date} 受到{rs.label('penalty_kinds', hits[0].kind)}")
    if serious_dishonesty:
        found.append("（三）存在严重失信行为")
    if found:
        return Result(EVAL_RULE, "第十五条", "撤销情形", Outcome.FAIL, "；".join(found),
                      f"撤销称号，{rs.p('art15.ban_years')}年内不得再次申请", value=found)
    if false_materials is None or serious_dishonesty is None or unchecked:
        return Result(EVAL_RULE, "第十五条", "撤销情形", Outcome.REVIEW, "虚假材料/严重失信/处罚记录未填", "第十五条情形待核实")
    return Result(EVAL_RULE, "第十五条", "撤销情形", Outcome.PASS, f"{start} 至 {end} 无第十五条情形", "无撤销情形")
