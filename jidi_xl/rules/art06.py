"""第六条 — the basic conditions every base must meet at once (同时具备).

Items (一)…(十) except (五), which has its own module (``firms.py``). Each function takes plain
values, reads its thresholds from the rule-set, and returns a :class:`Result` that cites its item.
"""
from __future__ import annotations

from datetime import date
from fractions import Fraction
from typing import Sequence

from .. import readings
from ..case import Penalty, StaffMember
from ..results import Outcome, Result, combine, pct
from ..ruleset import RuleSet
from .common import flags, num
from .declare import CONDITION, Rule, wire

ART6_1 = Rule("art6_1", "第六条第（一）项", "运营主体资格与成立时间", role=CONDITION, overridable=True, basic=True)
ART6_1_FLAGS = ART6_1.part("法人资格与孵化功能")
ART6_1_AGE = ART6_1.part("成立时间")
ART6_2 = Rule("art6_2", "第六条第（二）项", "诚信守法", role=CONDITION, overridable=True, basic=True)
ART6_3 = Rule("art6_3", "第六条第（三）项", "立项与产业定位", role=CONDITION, overridable=True, basic=True)
ART6_4 = Rule("art6_4", "第六条第（四）项", "场地面积", role=CONDITION, overridable=True, basic=True)
ART6_6 = Rule("art6_6", "第六条第（六）项", "治理与规划", role=CONDITION, overridable=True, basic=True)
ART6_7 = Rule("art6_7", "第六条第（七）项", "管理制度与服务台账", role=CONDITION, overridable=True, basic=True)
ART6_8 = Rule("art6_8", "第六条第（八）项", "服务人员", role=CONDITION, overridable=True, basic=True)
ART6_9 = Rule("art6_9", "第六条第（九）项", "满意度与公益服务", role=CONDITION, overridable=True, basic=True)
ART6_10 = Rule("art6_10", "第六条第（十）项", "企业服务站", role=CONDITION, overridable=True, basic=True)


@ART6_1
def art6_1_operator(rs: RuleSet, ref: date, independent_legal_person: bool | None,
                    registered_in_beijing: bool | None, established_on: date | None,
                    rolling_incubation: bool | None) -> Result:
    """一般应具有独立法人资格，且注册地在本市，成立时间两年以上，具有滚动孵化小型、微型企业成长的功能。

    Established ≥ N years (parameter) by anniversary (readings.ANNIVERSARY, readings.INCLUSIVE):
    established_on + N years ≤ reference date.
    """
    years = rs.p("art6_1.min_years_established")
    parts = [flags(ART6_1_FLAGS, {
        "独立法人资格": independent_legal_person, "注册地在本市": registered_in_beijing,
        "滚动孵化功能": rolling_incubation})]
    if established_on is None:
        parts.append(ART6_1_AGE.result(Outcome.REVIEW, "成立日期未填", "缺少成立日期，无法判断成立年限"))
    else:
        due = readings.add_years(established_on, years)
        ok = readings.at_least(ref, due)
        parts.append(ART6_1_AGE.result(Outcome.PASS if ok else Outcome.FAIL,
                            f"成立 {established_on}，满{years}年之日 {due} {'≤' if ok else '>'} 参照日 {ref}",
                            f"成立时间{'已' if ok else '未'}满{years}年", value=due))
    outcome = combine(p.outcome for p in parts)
    return ART6_1.result(outcome,
                  "；".join(p.figures for p in parts),
                  "；".join(p.reason for p in parts if p.outcome is outcome) if outcome is not Outcome.PASS else f"独立法人、注册在京、成立满{years}年且具备滚动孵化功能",
                  parts=tuple(parts))


def penalty_window(rs: RuleSet, ref: date) -> tuple[date, date]:
    """[reference − N years, reference], both ends inclusive (readings.PENALTY_WINDOW)."""
    return readings.penalty_window(ref, readings.PENALTY_WINDOW.value(rs))


def disqualifying(rs: RuleSet, p: Penalty) -> bool:
    return p.kind in rs.p("art6_2.disqualifying_penalty_kinds") and p.subject in rs.p("art6_2.disqualifying_subjects")


@ART6_2
def art6_2_conduct(rs: RuleSet, ref: date, good_operation: bool | None, penalties: Sequence[Penalty] | None,
                   serious_dishonesty: bool | None) -> Result:
    """经营状况良好，管理规范。单位或法定代表人诚信守法，在申请受理截止日期前两年内，
    未受到刑事及严重行政处罚，无司法、行政机关认定的严重失信行为。

    Window: readings.PENALTY_WINDOW. Penalties after the reference date are reported, not counted here (they matter for 第十五条).
    ``penalties`` None means the record was not entered (REVIEW); an empty list means checked, none.
    """
    years = rs.p("art6_2.penalty_window_years")
    unchecked = penalties is None
    penalties = penalties or ()
    start, end = penalty_window(rs, ref)
    hits = [p for p in penalties if disqualifying(rs, p) and start <= p.date <= end]
    later = [p for p in penalties if disqualifying(rs, p) and p.date > end]
    dishonest = None if serious_dishonesty is None else not serious_dishonesty
    base = flags(ART6_2, {"经营良好、管理规范": good_operation, "无严重失信行为": dishonest})
    pen_outcome = Outcome.FAIL if hits else Outcome.REVIEW if unchecked else Outcome.PASS
    outcome = combine([base.outcome, pen_outcome])
    fig = (f"处罚认定期间 {start} 至 {end}（含两端）：" +
           ("处罚记录未填" if unchecked else f"{len(hits)} 项刑事/严重行政处罚"))
    if hits:
        fig += "（" + "、".join(f"{p.date} {rs.label('penalty_kinds', p.kind)}·{rs.label('penalty_subjects', p.subject)}" for p in hits) + "）"
    if later:
        fig += f"；参照日后另有 {len(later)} 项（不在本项计入，涉及第十五条）"
    fig += "；" + base.figures
    if hits:
        reason = f"{hits[0].date} 受到{rs.label('penalty_kinds', hits[0].kind)}，在申请受理截止日期前{years}年内"
    elif outcome is Outcome.PASS:
        reason = f"{years}年内无刑事及严重行政处罚，无严重失信行为，经营管理规范"
    elif unchecked and base.outcome is Outcome.PASS:
        reason = "处罚记录未填（如经核查无处罚，请填写空记录）"
    else:
        reason = base.reason
    return ART6_2.result(outcome, fig, reason,
                  value={"penalties_in_window": len(hits), "penalties_after_reference": len(later)})


@ART6_3
def art6_3_planning(rs: RuleSet, project_approval_complete: bool | None, fits_policy: bool | None,
                    clear_positioning: bool | None) -> Result:
    """基地建设立项手续完备，符合本市产业政策和发展规划，具有明确的发展方向、产业定位和完善的管理制度。"""
    return flags(ART6_3, {
        "立项手续完备": project_approval_complete, "符合产业政策和发展规划": fits_policy,
        "发展方向、产业定位和管理制度明确": clear_positioning})


@ART6_4
def art6_4_area(rs: RuleSet, building_m2: float | None, public_service_m2: float | None) -> Result:
    """基地建筑总面积不少于5000平方米……公共服务空间不少于500平方米。

    不少于 includes the number (readings.INCLUSIVE); contradictory areas are bad input (readings.AREA_CONSISTENT).
    """
    min_b, min_p = rs.p("art6_4.min_building_area_m2"), rs.p("art6_4.min_public_service_area_m2")
    if building_m2 is None or public_service_m2 is None:
        return ART6_4.result(Outcome.REVIEW,
                      f"建筑总面积 {'未填' if building_m2 is None else num(building_m2)}；公共服务空间 {'未填' if public_service_m2 is None else num(public_service_m2)}",
                      "缺少面积数据")
    if building_m2 < 0 or public_service_m2 < 0 or public_service_m2 > building_m2:
        # spec §2/§10: public space larger than the building (or a negative area) is bad input, never a pass
        return ART6_4.result(Outcome.REVIEW,
                      f"建筑总面积 {num(building_m2)} m²；公共服务空间 {num(public_service_m2)} m²",
                      "面积数据有误（负数，或公共服务空间大于建筑总面积），请核对")
    ok_b, ok_p = readings.at_least(building_m2, min_b), readings.at_least(public_service_m2, min_p)
    fig = (f"建筑总面积 {num(building_m2)} {'≥' if ok_b else '<'} {num(min_b)} m²；"
           f"公共服务空间 {num(public_service_m2)} {'≥' if ok_p else '<'} {num(min_p)} m²")
    if ok_b and ok_p:
        return ART6_4.result(Outcome.PASS, fig, "建筑总面积和公共服务空间均达标")
    short = [s for s, ok in (("建筑总面积", ok_b), ("公共服务空间", ok_p)) if not ok]
    return ART6_4.result(Outcome.FAIL, fig, f"{'、'.join(short)}不足")


@ART6_6
def art6_6_governance(rs: RuleSet, governance_structure, strategic_plan, development_goals, implementation_plan) -> Result:
    """运营主体治理结构完善、运营管理规范，有明确的战略规划、发展目标和实施方案。"""
    return flags(ART6_6, {
        "治理结构完善、运营管理规范": governance_structure, "战略规划": strategic_plan,
        "发展目标": development_goals, "实施方案": implementation_plan})


@ART6_7
def art6_7_management(rs: RuleSet, management_rules, service_process, service_ledger, fee_standards, quality_supervision) -> Result:
    """具有健全的管理制度、完备的服务流程、明晰的服务台账以及明确的收费标准和服务质量监督保证措施。"""
    return flags(ART6_7, {
        "管理制度": management_rules, "服务流程": service_process, "服务台账": service_ledger,
        "收费标准": fee_standards, "服务质量监督保证措施": quality_supervision})


def qualified(rs: RuleSet, m: StaffMember, rule: str | None = None) -> bool | None:
    """A staff member counts under 第六条第（八）项; None when degree or title is not given and matters."""
    rule = rule or readings.STAFF_RULE.value(rs)
    deg = None if m.degree is None else m.degree in rs.p("art6_8.qualifying_degrees")
    tit = None if m.title is None else m.title in rs.p("art6_8.qualifying_titles")
    if rule == "both":
        if deg is False or tit is False:
            return False
        return None if (deg is None or tit is None) else True
    if deg or tit:
        return True
    return None if (deg is None or tit is None) else False


@ART6_8
def art6_8_staff(rs: RuleSet, members: Sequence[StaffMember] | None, declared: int | None, rule: str | None = None) -> Result:
    """为小微企业服务的人员中，本科及以上学历和中级及以上技术职称人员不少于8人。

    Decision (readings.STAFF_RULE, spec §2): a person counts if they hold either qualification (``staff_rule`` any/both).
    A staff list wins over a declared count; a difference between the two is reported.
    """
    need = rs.p("art6_8.min_qualified_staff")
    rule = rule or readings.STAFF_RULE.value(rs)
    basis = "学历或职称具备其一" if rule == "any" else "学历和职称均具备"
    if members is None:
        if declared is None:
            return ART6_8.result(Outcome.REVIEW, "未填服务人员名单或人数", "缺少服务人员数据")
        ok = readings.at_least(declared, need)
        return ART6_8.result(Outcome.PASS if ok else Outcome.FAIL,
                      f"申报符合条件人数 {declared} {'≥' if ok else '<'} {need}（{basis}）",
                      f"符合条件的服务人员{'达到' if ok else '不足'}{need}人（按申报人数）", value=declared)
    marks = [qualified(rs, m, rule) for m in members]
    yes, unknown = sum(1 for x in marks if x), sum(1 for x in marks if x is None)
    fig = f"名单中符合条件 {yes} 人"
    if unknown:
        fig += f"，另有 {unknown} 人学历/职称未填"
    fig += f"；要求 ≥ {need} 人（{basis}）"
    if declared is not None and declared != yes:
        fig += f"；申报人数 {declared} 与名单 {yes} 不一致，以名单为准"
    if readings.at_least(yes, need):
        return ART6_8.result(Outcome.PASS, fig, f"符合条件的服务人员达到{need}人", value=yes)
    if readings.at_least(yes + unknown, need):
        return ART6_8.result(Outcome.REVIEW, fig, "部分人员学历/职称未填，需核实", value=yes)
    return ART6_8.result(Outcome.FAIL, fig, f"符合条件的服务人员不足{need}人", value=yes)


def satisfaction_rate(rate: float | None, satisfied: int | None, responses: int | None) -> Fraction | None:
    """Exact satisfaction (readings.EXACT_RATIOS): satisfied/responses when counted, else the entered rate."""
    if satisfied is not None and responses:
        return Fraction(satisfied, responses)
    if rate is not None:
        return Fraction(str(rate))
    return None


@ART6_9
def art6_9_satisfaction(rs: RuleSet, rate: float | None, satisfied: int | None, responses: int | None,
                        free_public_service: bool | None) -> Result:
    """入驻小微企业用户满意度不低于90%，且为入驻企业提供一定的公益性免费服务。

    不低于 includes the number, compared as exact fractions (readings.INCLUSIVE, readings.EXACT_RATIOS).
    """
    need = rs.p("art6_9.min_satisfaction")
    r = satisfaction_rate(rate, satisfied, responses)
    parts = []
    if r is None:
        parts.append((Outcome.REVIEW, "满意度未填", "缺少满意度数据"))
    elif not 0 <= r <= 1:
        # spec §10: a rate above 100% (or more satisfied answers than answers) is bad input, never a pass
        parts.append((Outcome.REVIEW, f"满意度 {pct(r)} 不在 0–100% 之间", "满意度数据有误，请核对"))
    else:
        ok = readings.at_least(r, need)
        shown = f"{satisfied}/{responses} = {pct(r)}" if satisfied is not None and responses else pct(r)
        parts.append((Outcome.PASS if ok else Outcome.FAIL, f"满意度 {shown} {'≥' if ok else '<'} {pct(need)}",
                      f"满意度{'达到' if ok else '低于'}{pct(need)}"))
    free = {True: (Outcome.PASS, "提供公益性免费服务：是", "提供公益性免费服务"),
            False: (Outcome.FAIL, "提供公益性免费服务：否", "未提供公益性免费服务"),
            None: (Outcome.REVIEW, "公益性免费服务：未填", "未确认是否提供公益性免费服务")}[free_public_service]
    parts.append(free)
    outcome = combine(p[0] for p in parts)
    reason = "；".join(p[2] for p in parts if outcome is Outcome.PASS or p[0] is outcome)
    return ART6_9.result(outcome, "；".join(p[1] for p in parts), reason, value=r)


@ART6_10
def art6_10_station(rs: RuleSet, office_and_equipment, staff_with_posts, work_guides, brokering_services) -> Result:
    """建有企业服务站，配有固定的办公场所和服务设备、明确岗位设置的服务工作人员、完备的工作指南和制度流程，
    统筹调配服务资源，为入驻企业提供各类对接服务。"""
    return flags(ART6_10, {
        "固定办公场所和服务设备": office_and_equipment, "明确岗位的服务人员": staff_with_posts,
        "工作指南和制度流程": work_guides, "统筹资源提供对接服务": brokering_services})


# -- where each rule reads a case (jidi_xl.evaluate computes the declared rules through these) -------------
# Each wiring declares the catalogued case paths the rule reads (Rule.reads), in its function's argument order.

#: 严重失信行为: one input read by two rules — 第六条第（二）项 here, and 第十五条第（三）项 (``chapter5``) through
#: this declaration — so its path is written once among the rules.
DISHONESTY = "conduct.serious_dishonesty"

wire(ART6_1, "operator.independent_legal_person", "operator.registered_in_beijing", "operator.established_on",
     "operator.rolling_incubation", ref=True)
wire(ART6_2, "conduct.good_operation", "conduct.penalties", DISHONESTY, ref=True)
wire(ART6_3, "planning.project_approval_complete", "planning.fits_policy", "planning.clear_positioning")
wire(ART6_4, "area.building_m2", "area.public_service_m2")
wire(ART6_6, "governance.governance_structure", "governance.strategic_plan", "governance.development_goals",
     "governance.implementation_plan")
wire(ART6_7, "management.management_rules", "management.service_process", "management.service_ledger",
     "management.fee_standards", "management.quality_supervision")
wire(ART6_8, "staff.members", "staff.declared_qualified")
wire(ART6_9, "satisfaction.rate", "satisfaction.satisfied", "satisfaction.responses", "satisfaction.free_public_service")
wire(ART6_10, "service_station.office_and_equipment", "service_station.staff_with_posts", "service_station.work_guides",
     "service_station.brokering_services")
