"""第七条 (at least three of eight service functions) and 第八条 (encouraged features)."""
from __future__ import annotations

from typing import Sequence

from .. import readings
from ..results import Outcome, Result
from ..ruleset import RuleSet
from .common import zh_count
from .declare import CONDITION, INFO, Rule, wire

ART7 = Rule("art7", "第七条", "服务功能", role=CONDITION, overridable=True)
ART8 = Rule("art8", "第八条", "鼓励发展特征（优先支持参考）", role=INFO)


@ART7
def art7_services(rs: RuleSet, functions: Sequence[str] | None) -> Result:
    """示范基地至少应具备以下服务功能中的三项……以上服务能力要求包括基地引入的第三方专业机构的服务。"""
    need = rs.p("art7.min_functions")
    if functions is None:
        return ART7.result(Outcome.REVIEW, "服务功能未填", "缺少服务功能数据")
    order = rs.code_list("service_functions")
    have = [c for c in order if c in set(functions)]
    names = "、".join(rs.label("service_functions", c) for c in have) or "无"
    ok = readings.at_least(len(have), need)
    return ART7.result(Outcome.PASS if ok else Outcome.FAIL,
                       f"具备 {len(have)} 项 {'≥' if ok else '<'} {need} 项（{names}）",
                       f"服务功能{'达到' if ok else '不足'}{need}项（含引入第三方机构的服务）", value=have)


@ART8
def art8_encouraged(rs: RuleSet, features: Sequence[str] | None) -> Result:
    """鼓励具备下列特征的基地发展

    Not a condition (spec §5): a count and list, as a priority signal.
    """
    order = rs.code_list("encouraged_features")
    have = [c for c in order if c in set(features or ())]
    names = "、".join(f"（{zh_count(order.index(c) + 1)}）{rs.label('encouraged_features', c)}" for c in have) or "无"
    return ART8.result(Outcome.PASS,
                       f"具备 {len(have)}/{len(order)} 项：{names}", "第八条为鼓励性条款，不作为认定条件，仅供优先支持参考",
                       value=have)


# -- where each rule reads a case (jidi_xl.evaluate computes the declared rules through these) -------------

wire(ART7, "service_functions")
wire(ART8, "encouraged")
