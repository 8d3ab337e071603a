"""What each result cell of the standard workbook must show for a case: the rules engine's answer,
keyed by the workbook-scope ``out_`` names of :mod:`workbooks.layout`.

Used by ``jidi-xl check`` (and the batch's 核对 column) to compare a recalculated workbook with
``evaluate_case`` on the inputs read back from it. Dates are Excel serial numbers, blanks ``None``.

:func:`expected_outputs` gives a value for **every** single-cell ``out_`` name of the layout, whichever
kind of book it is (``tests/workbook/test_workbook_expected.py`` holds it to that), so a result cell
cannot go unchecked. Where the JSON report has no counterpart, the choice is made here, once:

* a block that was not asked for — no recognition (申请受理截止日期 blank) or no evaluation (评价年度
  blank); the report then has no ``recognition`` / ``evaluation`` key — shows its headline text
  (``NO_RECOGNITION``; ``NOT_EVALUATED`` and ``NO_EVALUATION``) and is blank everywhere else, with one
  exception: the 计算结果/数据/理由 of a condition that does not depend on a date (layout.DATE_FREE) are
  facts of the inputs, shown in 一 in every book (三 refers to them) — its 最终结果 stays blank;
* those facts, the details of 第六条第（五）项 (二) and 第七条's count: the recognition's results, else
  the same rules on the case's inputs (evaluate.art6_items, as the evaluation uses them);
* a condition's 理由 cell shows the computed reason; the reviewer's justification stands beside it
  (改判理由), so the engine's reason is compared without the override note it appends;
* 入驻企业名单已填写的单元格数 counts the roster fields the case holds (the reader takes exactly the
  filled cells); 重大变更 rows are matched to the case's filings by their position in the block.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date
from fractions import Fraction
from typing import Any, Sequence

from jidi_xl.case import Case, parse_case
from jidi_xl.evaluate import Report, art6_items, evaluate_case
from jidi_xl.report import stars_text
from jidi_xl.results import Outcome, Result
from jidi_xl.rules import art7_services
from jidi_xl.rules.chapter4 import GRADES, PLACEHOLDER_NOTE
from jidi_xl.ruleset import load_ruleset

from .layout import (ART17_SUMMARY, BASIC, CHANGE_ROWS, CONDITIONS, DATE_FREE, NO_CHANGES, NO_EVALUATION, NO_RECOGNITION,
                     NOT_EVALUATED, ROSTER_FIELDS, default_layout)

TRACK = {"general": "一般基地", "hpp": "高精尖制造业基地"}
EXCEL_EPOCH = date(1899, 12, 30)
#: The names every expectation covers: each single-cell result of the layout.
def single_outputs(L=None) -> tuple[str, ...]:
    return tuple(n.name for n in (L if L is not None else default_layout()).outputs() if n.single)


def __getattr__(name: str):
    # SINGLE_OUTPUTS: of the default rule-set's layout, made on first use (no rule-set is loaded at import time)
    if name == "SINGLE_OUTPUTS":
        return single_outputs()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _serial(d: date | None) -> int | None:
    return None if d is None else (d - EXCEL_EPOCH).days


def _num(x) -> float | None:
    return None if x is None else float(x) if isinstance(x, Fraction) else x


def _computed_reason(r: Result) -> str:
    """The reason as computed: an override appends its note (Result.with_override) — take that note off again."""
    if r.override is None:
        return r.reason
    return r.reason.removesuffix(replace(r, reason="").with_override(r.override).reason)


def _condition(out: dict, prefix: str, r: Result | None, facts: Result | None = None) -> None:
    """The five cells of a condition row (layout._condition_row): all blank when its block was not asked
    for (``r`` None) — but a date-free condition's 计算结果/数据/理由 show its ``facts`` in every book."""
    shown = r or facts
    out[f"{prefix}_computed"] = None if shown is None else (shown.computed or shown.outcome).zh
    out[f"{prefix}_override"] = None if r is None or r.override is None else r.override.outcome.zh
    out[prefix] = None if r is None else r.outcome.zh
    out[f"{prefix}_figures"] = None if shown is None else shown.figures
    out[f"{prefix}_reason"] = None if shown is None else _computed_reason(shown)


def _date_free(case: Case | None, rep: Report | None) -> dict[str, Result]:
    """The date-free conditions (layout.DATE_FREE), as the rules give them: the recognition's results, or —
    without one — the same rules on the case's inputs (on no input at all for the blank template)."""
    if rep and rep.recognition:
        return {r.rule: r for r in rep.recognition.conditions if r.rule in DATE_FREE}
    rs = case.ruleset if case else load_ruleset()
    case = case or Case(raw={}, ruleset=rs, case_id="", base_name="", recognition_date=None, evaluation_year=None)
    # the date argument is ignored by these rules; the rule-set's first day keeps the dated ones quiet
    got = {r.rule: r for r in art6_items(case, rs.effective_from)}
    got["art7"] = art7_services(rs, case.get("service_functions"))
    return {k: v for k, v in got.items() if k in DATE_FREE}


def _recognition(out: dict, rep: Report | None, free: dict[str, Result]) -> None:
    rec = rep.recognition if rep else None
    out["out_ref_date"] = _serial(rec.reference_date) if rec else None
    for c in CONDITIONS:
        _condition(out, f"out_{c.rule}", rec.condition(c.rule) if rec else None, free.get(c.rule))
    out["out_recognition_verdict"] = rec.verdict.value if rec else NO_RECOGNITION
    out["out_failing_articles"] = ("、".join(rec.failing_articles) or "无") if rec else None
    out["out_art8"] = rec.encouraged.figures if rec else None


def _evaluation(out: dict, rep: Report | None, case: Case | None) -> None:
    ev = rep.evaluation if rep else None
    out["out_eval_snapshot"] = _serial(ev.snapshot) if ev else None
    for c in BASIC:
        if c.rule in DATE_FREE:            # only its 最终结果 in 三; the rest is shown in 一
            out[f"out_eval_{c.rule}"] = ev.basic_condition(c.rule).outcome.zh if ev else None
        else:
            _condition(out, f"out_eval_{c.rule}", ev.basic_condition(c.rule) if ev else None)
    _condition(out, "out_eval_art15", ev.art15 if ev else None)
    if ev is None:
        out.update(out_basic_outcome=None, out_score=None, out_score_figures=None, out_grade=NOT_EVALUATED,
                   out_grade_reason=None, out_stars=None, out_stars_text=None, out_funding_tier=None,
                   out_consequence=NO_EVALUATION, out_ban_until=None, out_trimmed_mean=None)
        return
    out["out_basic_outcome"] = ev.basic_outcome.zh
    out["out_score"] = _num(ev.score.value)
    out["out_score_figures"] = ev.score.figures
    out["out_grade"] = GRADES.get(ev.grade.value) if ev.grade.outcome is not Outcome.REVIEW else "待核实"
    out["out_grade_reason"] = ev.grade.reason
    out["out_stars"] = ev.stars
    out["out_stars_text"] = stars_text(ev.stars)
    out["out_funding_tier"] = ev.funding_tier
    # the workbook states the placeholder note once, below the block, not inside each text
    out["out_consequence"] = ev.consequence.removesuffix(PLACEHOLDER_NOTE)
    out["out_ban_until"] = _serial(ev.ban_until)
    # 绩效评价 sheet: the experts' score (a rubric's score wins over an entered total), blank without a rubric
    out["out_trimmed_mean"] = _num(ev.score.value) if case is not None and case.get("evaluation.rubric") else None


def _inputs_detail(out: dict, case: Case | None, free: dict[str, Result]) -> None:
    """二、第六条第（五）项明细, 第七条's count and the chart's leading industries: shown in every kind of book."""
    rs = case.ruleset if case else load_ruleset()
    a65, a7 = free["art6_5"], free["art7"]
    roster = (case.get("firms.roster") if case else None) or []
    out["out_roster_filled"] = sum(1 for firm in roster for f in ROSTER_FIELDS if firm.get(f) is not None)
    out["out_art7_count"] = len(a7.value or [])
    v = a65.value
    names = "、".join(rs.label("industries", c) for c in v["leading"]) if v else ""
    out["out_n"] = v["n"] if v else None
    out["out_concentration"] = _num(v["ratio"]) if v else None
    out["out_concentration_all"] = _num(v["ratio_all"]) if v else None
    out["out_track"] = TRACK.get(v["track"], "未达标") if v else None
    out["out_leading"] = (f"{names}（推定）" if v["leading_derived"] and names else names or None) if v else None
    out["out_leading_labels"] = names or None


def _filings(out: dict, rep: Report | None, change_rows: Sequence[int] | None) -> None:
    filings = rep.filings if rep else []
    rows = list(change_rows) if change_rows is not None else list(range(len(filings)))
    if len(rows) != len(filings):
        raise ValueError(f"{len(filings)} filings but {len(rows)} change rows")
    for i in range(1, CHANGE_ROWS + 1):
        out[f"out_art17_deadline_{i}"] = out[f"out_art17_result_{i}"] = out[f"out_art17_figures_{i}"] = None
    for row, f in zip(rows, filings):
        out[f"out_art17_deadline_{row + 1}"] = _serial(f.value)
        out[f"out_art17_result_{row + 1}"] = f.outcome.zh
        out[f"out_art17_figures_{row + 1}"] = f.figures
    counts = [sum(f.outcome is o for f in filings) for o in (Outcome.PASS, Outcome.FAIL, Outcome.REVIEW)]
    out["out_art17_summary"] = ART17_SUMMARY.format(*counts) if filings else NO_CHANGES


def _outputs(case: Case | None, rep: Report | None, change_rows: Sequence[int] | None) -> dict[str, Any]:
    out: dict[str, Any] = {"out_base_name": case.base_name if case else None}
    free = _date_free(case, rep)
    _recognition(out, rep, free)
    _evaluation(out, rep, case)
    _inputs_detail(out, case, free)
    _filings(out, rep, change_rows)
    return out


def expected_outputs(raw: dict, report: Report | None = None, case: Case | None = None,
                     change_rows: Sequence[int] | None = None) -> dict[str, Any]:
    """{out_ name: the value the workbook must show} for every single-cell result of the layout.

    Pass the parsed ``case`` and its ``report`` when you have them (they are not recomputed), and
    ``change_rows`` — the 0-based row in the 重大变更 block of each filing, in order — when the book
    may have blank rows between its changes (default: the filings fill the first rows)."""
    case = case or parse_case(raw)
    return _outputs(case, report or evaluate_case(case), change_rows)


def blank_outputs() -> dict[str, Any]:
    """What the blank template shows: neither block asked for, no input at all."""
    return _outputs(None, None, None)


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
