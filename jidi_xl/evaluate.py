"""Evaluate one case: recognition (第二章、第三章), annual evaluation (第四章), revocation (第五章), filing (第十七条).

Which conditions make the recognition verdict, and in what order, comes from the rule registry
(:data:`jidi_xl.rules.RULES`); each declared condition reads its inputs from a case through its ``from_case``
(wired beside each rule with the case paths it reads, ``Rule.reads``; a new rule brings its own). Results are matched by rule id.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from . import readings
from .case import Case
from .results import Outcome, Result, combine
from .rules import (ART8, ART13, RULES, SCORE, art17_filing, funding_tier, grade, recognition_verdict,
                    stars)
from .rules.chapter4 import PLACEHOLDER_NOTE, consequence
from .rules.chapter5 import EVAL_RULE, ban_end
from .rules.declare import Rule, reads_case  # noqa: F401 — reads_case: old public name (now beside the rules)
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


def _apply(case: Case, r: Result) -> Result:
    ov = case.overrides.get(r.rule)
    return r.with_override(ov) if ov else r


def _from_case(rule: Rule, case: Case, ref: date, apply: bool = True) -> Result:
    """``rule`` computed from ``case`` as of ``ref`` through the wiring declared beside the rule
    (:func:`jidi_xl.rules.declare.reads_case`), the reviewer's override applied (``apply``)."""
    if rule.from_case is None:
        raise LookupError(f"rule {rule.id} is declared but reads no case (jidi_xl.rules.declare.reads_case)")
    r = rule.from_case(case, ref)
    if r.rule != rule.id:
        raise ValueError(f"rule {rule.id} returned a result of {r.rule}")
    return _apply(case, r) if apply else r


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
    return Recognition(ref, conditions, _from_case(ART8, case, ref, apply=False), verdict)


def evaluate_year(case: Case) -> Evaluation:
    """第四章: participation, basic-threshold re-check at 12-31, score, grade, stars, tier; 第十五条 triggers."""
    rs, year = case.ruleset, case.evaluation_year
    if year is None:
        raise ValueError(f"case {case.case_id}: no evaluation year (evaluation.year)")
    snap = readings.evaluation_snapshot(year)
    rs.check_in_force(snap, f"评价年度截止日（{snap.month}月{snap.day}日）")
    part = _from_case(ART13, case, snap, apply=False)
    took_part = {Outcome.PASS: True, Outcome.FAIL: False}.get(part.outcome)     # None: not entered
    basic = art6_items(case, snap)              # readings.BASIC_RECHECK
    basic_outcome = combine(r.outcome for r in basic)
    t15 = _from_case(RULES.find(EVAL_RULE), case, snap)      # over readings.evaluation_period(year)
    sc = _from_case(SCORE, case, snap, apply=False)
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
