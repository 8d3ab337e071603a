"""Evaluate one case: recognition (第二章、第三章), annual evaluation (第四章), revocation (第五章), filing (第十七条)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from .case import Case
from .results import Outcome, Result, combine
from .rules import (art6_1_operator, art6_2_conduct, art6_3_planning, art6_4_area, art6_5_firms, art6_6_governance,
                    art6_7_management, art6_8_staff, art6_9_satisfaction, art6_10_station, art7_services,
                    art8_encouraged, art15_triggers, art17_filing, evaluation_score, funding_tier, grade,
                    reapplication_ban, stars)
from .rules.chapter4 import PLACEHOLDER_NOTE, consequence
from .rules.chapter5 import ban_end

VERDICT_ZH = {Outcome.PASS: "符合认定条件（建议认定）", Outcome.FAIL: "不符合认定条件", Outcome.REVIEW: "待核实"}


@dataclass
class Recognition:
    reference_date: date
    conditions: list[Result]          # 第六条 (一)…(十), 第七条, 第十五条 ban — the verdict's parts
    encouraged: Result                # 第八条 (not a condition)
    verdict: Result

    @property
    def failing_articles(self) -> list[str]:
        return failing_articles(self.conditions, self.verdict.outcome)


@dataclass
class Evaluation:
    year: int
    snapshot: date
    participated: Result
    basic: list[Result]
    basic_outcome: Outcome
    art15: Result
    score: Result
    grade: Result
    stars: int | None
    funding_tier: int | None
    consequence: str
    placeholder: bool
    ban_until: date | None = None


@dataclass
class Report:
    case_id: str
    base_name: str
    ruleset: str
    recognition: Recognition | None
    evaluation: Evaluation | None
    filings: list[Result] = field(default_factory=list)


def failing_articles(results: list[Result], outcome: Outcome) -> list[str]:
    """Articles of the parts that make the verdict what it is, in article order (FAIL ones, or REVIEW ones)."""
    if outcome is Outcome.PASS:
        return []
    return [r.article for r in results if r.outcome is outcome]


def _apply(case: Case, r: Result) -> Result:
    ov = case.overrides.get(r.rule)
    return r.with_override(ov) if ov else r


def art6_items(case: Case, ref: date) -> list[Result]:
    """The ten basic conditions of 第六条 as of ``ref``, overrides applied."""
    rs, g = case.ruleset, case.get
    items = [
        art6_1_operator(rs, ref, g("operator.independent_legal_person"), g("operator.registered_in_beijing"),
                        case.date("operator.established_on"), g("operator.rolling_incubation")),
        art6_2_conduct(rs, ref, g("conduct.good_operation"), case.penalties, g("conduct.serious_dishonesty")),
        art6_3_planning(rs, g("planning.project_approval_complete"), g("planning.fits_policy"), g("planning.clear_positioning")),
        art6_4_area(rs, g("area.building_m2"), g("area.public_service_m2")),
        art6_5_firms(rs, case.firms if g("firms.roster") is not None else None, g("firms.leading_industries"), g("firms.hpp_manufacturing")),
        art6_6_governance(rs, g("governance.governance_structure"), g("governance.strategic_plan"),
                          g("governance.development_goals"), g("governance.implementation_plan")),
        art6_7_management(rs, g("management.management_rules"), g("management.service_process"), g("management.service_ledger"),
                          g("management.fee_standards"), g("management.quality_supervision")),
        art6_8_staff(rs, case.staff, g("staff.declared_qualified")),
        art6_9_satisfaction(rs, g("satisfaction.rate"), g("satisfaction.satisfied"), g("satisfaction.responses"),
                            g("satisfaction.free_public_service")),
        art6_10_station(rs, g("service_station.office_and_equipment"), g("service_station.staff_with_posts"),
                        g("service_station.work_guides"), g("service_station.brokering_services")),
    ]
    return [_apply(case, r) for r in items]


def _revocations(case: Case) -> list[tuple[date, str]]:
    return [(date.fromisoformat(r["date"]), r["ground"]) for r in case.get("revocations", [])]


def recognise(case: Case) -> Recognition:
    """第六章 conditions + 第七条 + 第十五条 ban → the recognition verdict (spec §6)."""
    rs, ref = case.ruleset, case.recognition_date
    rs.check_in_force(ref, "申请受理截止日期")
    conditions = art6_items(case, ref)
    conditions.append(_apply(case, art7_services(rs, case.get("service_functions"))))
    conditions.append(_apply(case, reapplication_ban(rs, ref, _revocations(case))))
    outcome = combine(r.outcome for r in conditions)
    arts = failing_articles(conditions, outcome)
    if outcome is Outcome.PASS:
        reason = "第六条十项基本条件、第七条服务功能均符合，且不在再次申请限制期内"
    else:
        reason = f"{'不符合' if outcome is Outcome.FAIL else '待核实'}：{'、'.join(arts)}"
    verdict = Result("recognition", "第六条、第七条、第十五条", "认定结论", outcome,
                     f"{sum(r.outcome is Outcome.PASS for r in conditions)}/{len(conditions)} 项符合", reason,
                     value=VERDICT_ZH[outcome])
    return Recognition(ref, conditions, art8_encouraged(rs, case.get("encouraged")), verdict)


def evaluate_year(case: Case) -> Evaluation:
    """第四章: participation, basic-threshold re-check at 12-31, score, grade, stars, tier; 第十五条 triggers."""
    rs, year = case.ruleset, case.evaluation_year
    snap = date(year, 12, 31)
    rs.check_in_force(snap, "评价年度截止日（12月31日）")
    took_part = case.get("evaluation.participated")
    part = Result("art13", "第十三条", "参加绩效评价",
                  {True: Outcome.PASS, False: Outcome.FAIL, None: Outcome.REVIEW}[took_part],
                  {True: "已参加", False: "未参加", None: "未填"}[took_part],
                  {True: "按要求参加绩效评价", False: "未按要求参加，视同不合格", None: "是否参加待核实"}[took_part])
    basic = art6_items(case, snap)
    basic_outcome = combine(r.outcome for r in basic)
    t15 = _apply(case, art15_triggers(rs, date(year, 1, 1), snap, case.get("evaluation.false_materials"),
                                      case.penalties, case.get("conduct.serious_dishonesty")))
    sc = evaluation_score(rs, case.get("evaluation.score"), case.get("evaluation.rubric"))
    gr = (grade(rs, took_part, basic_outcome, sc.value))
    code = gr.value if gr.outcome is not Outcome.REVIEW else None
    st = stars(rs, sc.value, code)
    tier = funding_tier(rs, st, code, revoked_art15=t15.outcome is Outcome.FAIL)
    cons = consequence(rs, code, st, tier)
    ban_until = None
    if t15.outcome is Outcome.FAIL:
        cons = f"撤销示范基地称号，{rs.p('art15.ban_years')}年内不得再次申请（第十五条）"
        decided = case.date("evaluation.decision_date")
        ban_until = ban_end(rs, decided) if decided else None
    placeholder = gr.placeholder or st is not None
    if placeholder:
        cons += PLACEHOLDER_NOTE
    return Evaluation(year, snap, part, basic, basic_outcome, t15, sc, gr, st, tier, cons, placeholder, ban_until)


def evaluate_case(case: Case) -> Report:
    rs = case.ruleset
    filings = []
    for ch in case.get("changes", []):
        filed = ch.get("filed_on")
        filings.append(art17_filing(rs, ch["kind"], date.fromisoformat(ch["changed_on"]),
                                    date.fromisoformat(filed) if filed else None))
    return Report(
        case_id=case.case_id, base_name=case.base_name, ruleset=rs.key,     # "bj-2022", or "bj-2022@2025" with a notice
        recognition=recognise(case) if case.recognition_date else None,
        evaluation=evaluate_year(case) if case.evaluation_year else None,
        filings=filings,
    )
