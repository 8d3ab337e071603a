"""第五章 第十五条 — revocation with a two-year ban on re-application (spec §8).

Decision (spec §8): the ban attaches to 第十五条 only; a title revoked for failing the evaluation
(第十四条) carries no ban.
"""
from __future__ import annotations

from datetime import date
from typing import Sequence

from .. import readings
from ..case import Case, Penalty
from ..results import Outcome, Result
from ..ruleset import RuleSet
from .art06 import DISHONESTY, disqualifying
from .declare import CONDITION, EVALUATION, Rule, reads_case

# decision (readings.BAN_ART15_ONLY): the grounds of 第十五条 carry the ban; 第十四条's do not
BAN_GROUNDS = ("false_materials", "penalty", "dishonesty")
ART15 = Rule("art15", "第十五条", "再次申请限制", role=CONDITION, overridable=True)
ART15_TRIGGERS = Rule("art15_triggers", "第十五条", "撤销情形", role=EVALUATION, overridable=True)
EVAL_RULE = ART15_TRIGGERS.id   # the evaluation's check; ART15 is the recognition's re-application ban


def ban_end(rs: RuleSet, revoked_on: date) -> date:
    """The first day a new application may be made: revocation date + N years (readings.BAN_END)."""
    return readings.ban_end(revoked_on, readings.BAN_END.value(rs))


def revocation_after_reference(revoked_on: date, ref: date) -> str | None:
    """Spec §8/§10 (readings.REVOCATION_AFTER_REFERENCE): a revocation dated after the application's reference date cannot be on its record —
    impossible input, whatever the ground (第十四条 or 第十五条). The Chinese message, or None when possible.

    The input layers (``case.parse_case``, the UDFs' revocation table) refuse such a row naming its field."""
    if revoked_on <= ref:
        return None
    return (f"撤销日期 {revoked_on} 晚于参照日期（申请受理截止日期）{ref}：申请时不可能已有该撤销记录；"
            "请核对撤销日期或参照日期")


@ART15
def reapplication_ban(rs: RuleSet, ref: date, revocations: Sequence[tuple[date, str]]) -> Result:
    """有下列情况之一的，撤销已授予的示范基地称号，两年内不得再次申请

    An application whose reference date is before revocation date + N years is barred (readings.BAN_END). A revocation after
    the reference date is refused by the input layers; called with one anyway, the result is 待核实, never 符合.
    """
    years = readings.BAN_END.value(rs)
    future = [d for d, _ in revocations if revocation_after_reference(d, ref)]
    impossible = revocation_after_reference(max(future), ref) if future else None
    if future and impossible:
        return ART15.result(Outcome.REVIEW, f"撤销日期 {max(future)} 晚于参照日 {ref}", impossible)
    banned = [(d, g) for d, g in revocations if g in BAN_GROUNDS and d <= ref < ban_end(rs, d)]
    other = [(d, g) for d, g in revocations if g not in BAN_GROUNDS]
    if banned:
        d, g = max(banned)
        return ART15.result(Outcome.FAIL,
                      f"{d} 因{rs.label('revocation_grounds', g)}被撤销称号，{years}年限制至 {ban_end(rs, d)}（不含）；参照日 {ref}",
                      f"被撤销称号未满{years}年，不得再次申请", value=ban_end(rs, d))
    art = ART15.article
    fig = f"无{art}撤销记录" if not revocations or not [r for r in revocations if r[1] in BAN_GROUNDS] else \
        f"{art}撤销均已满{years}年"
    if other:
        fig += f"；另有 {len(other)} 次因绩效评价不合格被撤销（第十四条，不受{years}年限制）"
    return ART15.result(Outcome.PASS, fig, f"不在{years}年再次申请限制期内")


@ART15_TRIGGERS
def art15_triggers(rs: RuleSet, start: date, end: date, false_materials: bool | None,
                   penalties: Sequence[Penalty] | None, dishonest: bool | None) -> Result:
    """在申请认定和绩效评价中提供虚假材料和数据；……受到刑事及严重行政处罚；……存在司法、行政机关认定的严重失信行为。

    第十五条（一）至（三）项, during an evaluation period [start, end]: any one revokes the title with a ban.
    The period (readings.ART15_PERIOD) starts no earlier than the rule-set's effective date (evaluation year 2022 covers 2022-05-19 on).
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
    if dishonest:
        found.append("（三）存在严重失信行为")
    if found:
        return ART15_TRIGGERS.result(Outcome.FAIL, "；".join(found),
                                     f"撤销称号，{readings.BAN_END.value(rs)}年内不得再次申请", value=found)
    if false_materials is None or dishonest is None or unchecked:
        return ART15_TRIGGERS.result(Outcome.REVIEW, "虚假材料/严重失信/处罚记录未填", f"{ART15_TRIGGERS.article}情形待核实")
    return ART15_TRIGGERS.result(Outcome.PASS, f"{start} 至 {end} 无{ART15_TRIGGERS.article}情形", "无撤销情形")


# -- where each rule reads a case (jidi_xl.evaluate computes the declared rules through these) -------------

def _revocations(rows: list[dict] | None) -> list[tuple[date, str]]:
    return [(date.fromisoformat(r["date"]), r["ground"]) for r in rows or ()]


@reads_case(ART15, "revocations")
def _art15(case: Case, ref: date, revocations) -> Result:
    return reapplication_ban(case.ruleset, ref, _revocations(revocations))


# 第十五条第（二）、（三）项 read the inputs of 第六条第（二）项: the penalty record and its 严重失信行为 (DISHONESTY)
@reads_case(ART15_TRIGGERS, "evaluation.false_materials", "conduct.penalties", DISHONESTY)
def _art15_triggers(case: Case, snapshot: date, false_materials, penalties, dishonest) -> Result:
    """The evaluation's 第十五条 check over the evaluated year (readings.evaluation_period)."""
    start, end = readings.evaluation_period(snapshot.year)
    return art15_triggers(case.ruleset, start, end, false_materials, penalties, dishonest)
