"""What each result cell of the standard workbook must show for a case: the rules engine's answer,
keyed by the workbook-scope ``out_`` names of :mod:`workbooks.layout`.

Used by ``jidi-xl check`` (and the batch's 核对 column) to compare a recalculated workbook with
``evaluate_case`` on the inputs read back from it. Dates are Excel serial numbers, blanks ``None``.
"""
from __future__ import annotations

from datetime import date
from fractions import Fraction
from typing import Any

from jidi_xl.case import Case, parse_case
from jidi_xl.evaluate import Report, evaluate_case
from jidi_xl.results import Outcome
from jidi_xl.rules.chapter4 import GRADES, PLACEHOLDER_NOTE

from .layout import CONDITIONS, NO_RECOGNITION

TRACK = {"general": "一般基地", "hpp": "高精尖制造业基地"}
EXCEL_EPOCH = date(1899, 12, 30)


def _serial(d: date | None) -> int | None:
    return None if d is None else (d - EXCEL_EPOCH).days


def _num(x) -> float | None:
    return None if x is None else float(x) if isinstance(x, Fraction) else x


def expected_outputs(raw: dict, report: Report | None = None, case: Case | None = None) -> dict[str, Any]:
    """{out_ name: the value the engine gives}; only names that have an engine counterpart.
    Pass the parsed ``case`` and its ``report`` when you have them (they are not recomputed)."""
    case = case or parse_case(raw)
    rep = report or evaluate_case(case)
    rs = case.ruleset
    out: dict[str, Any] = {}
    if rep.recognition:
        rec = rep.recognition
        out["out_recognition_verdict"] = rec.verdict.value
        out["out_failing_articles"] = "、".join(rec.failing_articles) or "无"
        for c, r in zip(CONDITIONS, rec.conditions, strict=True):
            out[f"out_{c.rule}"] = r.outcome.zh
            out[f"out_{c.rule}_computed"] = (r.computed or r.outcome).zh
            out[f"out_{c.rule}_figures"] = r.figures
            if not r.overridden:    # the workbook states the justification beside, not inside, the reason
                out[f"out_{c.rule}_reason"] = r.reason
        a65 = rec.conditions[4].value
        if a65 is not None:
            out["out_n"] = a65["n"]
            out["out_concentration"] = _num(a65["ratio"])
            out["out_concentration_all"] = _num(a65["ratio_all"])
            out["out_track"] = TRACK.get(a65["track"], "未达标")
            names = "、".join(rs.label("industries", c) for c in a65["leading"])
            out["out_leading"] = (f"{names}（推定）" if a65["leading_derived"] and names else names or None)
    else:
        out["out_recognition_verdict"] = NO_RECOGNITION
        out["out_failing_articles"] = None
    if rep.evaluation:
        ev = rep.evaluation
        out["out_eval_snapshot"] = _serial(ev.snapshot)
        for c, r in zip(CONDITIONS, ev.basic):
            out[f"out_eval_{c.rule}"] = r.outcome.zh
        out["out_basic_outcome"] = ev.basic_outcome.zh
        out["out_eval_art15"] = ev.art15.outcome.zh
        out["out_eval_art15_figures"] = ev.art15.figures
        out["out_score"] = _num(ev.score.value)
        out["out_grade"] = GRADES.get(ev.grade.value) if ev.grade.outcome is not Outcome.REVIEW else "待核实"
        out["out_stars"] = ev.stars
        out["out_funding_tier"] = ev.funding_tier
        # the workbook states the placeholder note once, below the block, not inside each text
        out["out_consequence"] = ev.consequence.removesuffix(PLACEHOLDER_NOTE)
        out["out_ban_until"] = _serial(ev.ban_until)
    for i, f in enumerate(rep.filings, start=1):
        out[f"out_art17_deadline_{i}"] = _serial(f.value)
        out[f"out_art17_result_{i}"] = f.outcome.zh
        out[f"out_art17_figures_{i}"] = f.figures
    return out


def same(expected: Any, actual: Any) -> bool:
    """Equal as cell values: blank ≡ None ≡ "", numbers to 1e-9 relative, dates as serials."""
    if hasattr(actual, "isoformat") and not isinstance(actual, str):
        actual = _serial(actual if isinstance(actual, date) else actual.date())
    blank = (None, "")
    if expected in blank or actual in blank:
        return expected in blank and actual in blank
    if isinstance(expected, (int, float)) and isinstance(actual, (int, float)) and not isinstance(actual, bool):
        return abs(expected - actual) <= 1e-9 * max(1.0, abs(expected))
    return expected == actual
