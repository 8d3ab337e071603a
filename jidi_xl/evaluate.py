"""Evaluate one case: recognition (第二章、第三章), annual evaluation (第四章), revocation (第五章), filing (第十七条).

Which conditions make the recognition verdict, and in what order, comes from the rule registry
(:data:`jidi_xl.rules.RULES`); each declared condition reads its inputs from a case through its ``from_case``
(wired below for the Measures' rules; a new rule brings its own). Results are matched by rule id.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Callable

from . import readings
from .case import Case
from .results import Outcome, Result, combine
from .rules import (ART6_1, ART6_2, ART6_3, ART6_4, ART6_5, ART6_6, ART6_7, ART6_8, ART6_9, ART6_10, ART7, ART15,
                    RULES, art6_1_operator, art6_2_conduct, art6_3_planning, art6_4_area, art6_5_firms,
                    art6_6_governance, art6_7_management, art6_8_staff, art6_9_satisfaction, art6_10_station,
                    art7_services, art8_encouraged, art15_triggers, art17_filing, evaluation_score, funding_tier, grade,
                    participation, reapplication_ban, recognition_verdict, stars)
from .rules.chapter4 import PLACEHOLDER_NOTE, consequence
from .rules.chapter5 import ban_end
from .rules.declare import Rule
from .rules.recognition import VERDICT_ZH, failing_articles  # noqa: F401 — old public names

__all__ = ["Evaluation", "Recognition", "Report", "VERDICT_ZH", "art6_items", "evaluate_case", "evaluate_year",
           "failing_articles", "recognise"]


@dataclass
class Recognition:
    reference_date: date
    conditions: list[Result]          # RULES.conditions: 第六条 (一)…(十), 第七条, 第十五条 ban — the verdict's parts
    encouraged: Result                # 第八条 (not a condition)
    verdict: Result

    @property
    def failing_articles(self) -> list[str]:
        return failing_articles(self.conditions, self.verdict.outcome)

    def condition(self, rule_id: str) -> Result:
        """One condition by rule id."""
        return next(r for r in self.conditions if r.rule == rule_id)


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

    def basic_condition(self, rule_id: str) -> Result:
        """One re-checked 第六条 item by rule id."""
        return next(r for r in self.basic if r.rule == rule_id)


@dataclass
class Report:
    case_id: str
    base_name: str
    ruleset: str
    recognition: Recognition | None
    evaluation: Evaluation | None
    filings: list[Result] = field(default_factory=list)


# -- each declared condition reads its inputs from a case ---------------------------------------------

def reads_case(rule: Rule) -> Callable[[Callable[[Case, date], Result]], Callable[[Case, date], Result]]:
    """Wire ``rule`` to a case: ``fn(case, reference date) -> Result``."""
    def deco(fn: Callable[[Case, date], Result]) -> Callable[[Case, date], Result]:
        if rule.from_case is not None:
            raise ValueError(f"rule {rule.id} already reads a case")
        rule.from_case = fn
        return fn
    return deco


@reads_case(ART6_1)
def _art6_1(case: Case, ref: date) -> Result:
    g = case.get
    return art6_1_operator(case.ruleset, ref, g("operator.independent_legal_person"), g("operator.registered_in_beijing"),
                           case.date("operator.established_on"), g("operator.rolling_incubation"))


@reads_case(ART6_2)
def _art6_2(case: Case, ref: date) -> Result:
    g = case.get
    return art6_2_conduct(case.ruleset, ref, g("conduct.good_operation"), case.penalties, g("conduct.serious_dishonesty"))


@reads_case(ART6_3)
def _art6_3(case: Case, ref: date) -> Result:
    g = case.get
    return art6_3_planning(case.ruleset, g("planning.project_approval_complete"), g("planning.fits_policy"),
                           g("planning.clear_positioning"))


@reads_case(ART6_4)
def _art6_4(case: Case, ref: date) -> Result:
    return art6_4_area(case.ruleset, case.get("area.building_m2"), case.get("area.public_service_m2"))


@reads_case(ART6_5)
def _art6_5(case: Case, ref: date) -> Result:
    g = case.get
    return art6_5_firms(case.ruleset, case.firms if g("firms.roster") is not None else None, g("firms.leading_industries"),
                        g("firms.hpp_manufacturing"))


@reads_case(ART6_6)
def _art6_6(case: Case, ref: date) -> Result:
    g = case.get
    return art6_6_governance(case.ruleset, g("governance.governance_structure"), g("governance.strategic_plan"),
                             g("governance.development_goals"), g("governance.implementation_plan"))


@reads_case(ART6_7)
def _art6_7(case: Case, ref: date) -> Result:
    g = case.get
    return art6_7_management(case.ruleset, g("management.management_rules"), g("management.service_process"),
                             g("management.service_ledger"), g("management.fee_standards"),
                             g("management.quality_supervision"))


@reads_case(ART6_8)
def _art6_8(case: Case, ref: date) -> Result:
    return art6_8_staff(case.ruleset, case.staff, case.get("staff.declared_qualified"))


@reads_case(ART6_9)
def _art6_9(case: Case, ref: date) -> Result:
    g = case.get
    return art6_9_satisfaction(case.ruleset, g("satisfaction.rate"), g("satisfaction.satisfied"),
                               g("satisfaction.responses"), g("satisfaction.free_public_service"))


@reads_case(ART6_10)
def _art6_10(case: Case, ref: date) -> Result:
    g = case.get
    return art6_10_station(case.ruleset, g("service_station.office_and_equipment"), g("service_station.staff_with_posts"),
                           g("service_station.work_guides"), g("service_station.brokering_services"))


@reads_case(ART7)
def _art7(case: Case, ref: date) -> Result:
    return art7_services(case.ruleset, case.get("service_functions"))


def _revocations(case: Case) -> list[tuple[date, str]]:
    return [(date.fromisoformat(r["date"]), r["ground"]) for r in case.get("revocations", [])]


@reads_case(ART15)
def _art15(case: Case, ref: date) -> Result:
    return reapplication_ban(case.ruleset, ref, _revocations(case))


def _apply(case: Case, r: Result) -> Result:
    ov = case.overrides.get(r.rule)
    return r.with_override(ov) if ov else r


def _from_case(rule: Rule, case: Case, ref: date) -> Result:
    if rule.from_case is None:
        raise LookupError(f"rule {rule.id} is declared as a condition but reads no case (jidi_xl.evaluate.reads_case)")
    r = rule.from_case(case, ref)
    if r.rule != rule.id:
        raise ValueError(f"rule {rule.id} returned a result of {r.rule}")
    return _apply(case, r)


def art6_items(case: Case, ref: date) -> list[Result]:
    """The basic conditions of 第六条 (``RULES.basic``) as of ``ref``, overrides applied."""
    return [_from_case(rule, case, ref) for rule in RULES.basic]


def recognise(case: Case) -> Recognition:
    """The recognition conditions (``RULES.conditions``) → the recognition verdict (spec §6)."""
    rs, ref = case.ruleset, case.recognition_date
    if ref is None:
        raise ValueError(f"case {case.case_id}: no recognition reference date (recognition.reference_date)")
    rs.check_in_force(ref, "申请受理截止日期")
    rules = RULES.conditions
    conditions = [_from_case(rule, case, ref) for rule in rules]
    verdict = recognition_verdict(rs, conditions, rules)
    return Recognition(ref, conditions, art8_encouraged(rs, case.get("encouraged")), verdict)


def evaluate_year(case: Case) -> Evaluation:
    """第四章: participation, basic-threshold re-check at 12-31, score, grade, stars, tier; 第十五条 triggers."""
    rs, year = case.ruleset, case.evaluation_year
    if year is None:
        raise ValueError(f"case {case.case_id}: no evaluation year (evaluation.year)")
    snap = readings.evaluation_snapshot(year)
    rs.check_in_force(snap, f"评价年度截止日（{snap.month}月{snap.day}日）")
    took_part = case.get("evaluation.participated")
    part = participation(rs, took_part)
    basic = art6_items(case, snap)              # readings.BASIC_RECHECK
    basic_outcome = combine(r.outcome for r in basic)
    start, end = readings.evaluation_period(year)
    t15 = _apply(case, art15_triggers(rs, start, end, case.get("evaluation.false_materials"),
                                      case.penalties, case.get("conduct.serious_dishonesty")))
    sc = evaluation_score(rs, case.get("evaluation.score"), case.get("evaluation.rubric"))
    gr = grade(rs, took_part, basic_outcome, sc.value)
    code = gr.value if gr.outcome is not Outcome.REVIEW else None
    st = stars(rs, sc.value, code)
    revoked = t15.outcome is Outcome.FAIL
    tier = funding_tier(rs, st, code, revoked_art15=revoked)
    cons = consequence(rs, code, st, tier, revoked_art15=revoked)
    ban_until = None
    if revoked:
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
