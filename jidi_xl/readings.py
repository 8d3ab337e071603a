"""Readings: what the Measures leave open, decided once, here (issue 10 item 4).

Like Catala's epilogue files, the gap-filling rules are kept apart from the rules that use them. Each
reading has a key, the section of ``spec/rules.md`` that fixes it, and one line of explanation; where the
reading is a computation, the function below is the only place it is computed, and the rules call it.
Where a reading has a switch, the switch is a parameter of the rule-set (``param``), never a constant here.

``READINGS`` lists them all (for the docs, the workbook's 依据 sheet and the tests); ``reading(key)`` finds one.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from typing import Any, Sequence


@dataclass(frozen=True)
class Reading:
    key: str
    section: str            # of spec/rules.md, e.g. "§2"
    text: str               # one line: what the text leaves open and how we read it
    param: str | None = None   # the rule-set parameter holding its switch or number, if any

    @property
    def cite(self) -> str:
        return f"spec {self.section}"

    def value(self, rs: Any) -> Any:
        """The rule-set's value of this reading's parameter (its switch or number)."""
        if self.param is None:
            raise KeyError(f"reading {self.key} has no parameter")
        return rs.p(self.param)


READINGS: dict[str, Reading] = {}


def _r(key: str, section: str, text: str, param: str | None = None) -> Reading:
    if key in READINGS:
        raise ValueError(f"duplicate reading {key!r}")
    READINGS[key] = r = Reading(key, section, text, param)
    return r


def reading(key: str) -> Reading:
    try:
        return READINGS[key]
    except KeyError:
        raise KeyError(f"no reading {key!r}; known: {', '.join(READINGS)}") from None


# -- §0 results --------------------------------------------------------------------------------------
THREE_VALUED = _r("three_valued", "§0",
                  "A missing input is 待核实 (REVIEW), never a silent 符合/不符合; combined: any FAIL → FAIL, else any REVIEW → REVIEW.")
OVERRIDE = _r("override", "§0",
              "原则上 / 一般应: a reviewer may override any single condition with a written justification; the computed value is kept.")

# -- boundary words ------------------------------------------------------------------------------------
INCLUSIVE = _r("inclusive_bounds", "§2",
               "不少于 / 不低于 / 以上 / 以内 include the number itself (the bound passes); 超过 / 不满 exclude it.")


def at_least(value: Any, bound: Any) -> bool:
    """不少于 / 不低于 / 以上: the bound itself meets the condition."""
    return value >= bound


# -- §1 reference dates --------------------------------------------------------------------------------
EVAL_SNAPSHOT = _r("evaluation_snapshot", "§1, §7",
                   "The annual evaluation covers the previous calendar year; its snapshot (basic-threshold re-check) is 12-31.")


def evaluation_snapshot(year: int) -> date:
    return date(year, 12, 31)


def evaluation_period(year: int) -> tuple[date, date]:
    """The evaluation year as [01-01, 12-31], both ends inclusive (第十五条 triggers are looked for in it)."""
    return date(year, 1, 1), date(year, 12, 31)


# -- §2 Article 6 ----------------------------------------------------------------------------------------
ANNIVERSARY = _r("anniversary", "§2",
                 "成立时间N年以上 / 前N年内 / N年内: whole years by anniversary; 02-29 plus whole years lands on 02-28.")


def add_years(d: date, years: int) -> date:
    """Anniversary arithmetic: 02-29 plus whole years lands on 02-28 in a common year."""
    try:
        return d.replace(year=d.year + years)
    except ValueError:
        return d.replace(year=d.year + years, day=28)


PENALTY_WINDOW = _r("penalty_window", "§2",
                    "在申请受理截止日期前N年内: penalties dated in [reference − N years, reference], both ends inclusive; "
                    "later penalties are reported, not counted (they matter for 第十五条).",
                    "art6_2.penalty_window_years")


def penalty_window(ref: date, years: int) -> tuple[date, date]:
    """[reference − N years, reference], both ends inclusive."""
    return add_years(ref, -years), ref


AREA_CONSISTENT = _r("area_consistency", "§2, §10",
                     "Public service space larger than the building area (or a negative area) is bad input, never a pass.")

STAFF_RULE = _r("staff_rule", "§2",
                "本科及以上学历和中级及以上技术职称人员: a person counts holding either (any) — switch any/both; "
                "a staff list wins over a declared count and a difference is reported.",
                "art6_8.staff_rule")
EXACT_RATIOS = _r("exact_ratios", "§2, §3",
                  "Ratios are exact fractions (27/30 meets a bound of 9/10 exactly); percentages are display only.")


def exact(x: Any) -> Fraction:
    return x if isinstance(x, Fraction) else Fraction(str(x))


# -- §3 Article 6(5) -----------------------------------------------------------------------------------
CONCENTRATION = _r("concentration_denominator", "§3",
                   "企业集聚度 (footnote 1) is taken over the n resident Beijing small/micro firms (“其中”); "
                   "the ratio over all resident firms is reported beside it.")

LEADING_DERIVED = _r("leading_derived", "§3",
                     "No declared 主导产业: the two most frequent industries among the n firms, ties broken by the "
                     "order of the industry code list (高精尖 first).", "art6_5.max_leading_industries")
SIZE_KNOWN_DECIDE = _r("size_known_indicators", "§3",
                       "A firm with missing size indicators counts once the known ones decide: one below the 中型 bound "
                       "rules out 大型/中型; one below the 小型 bound makes it 微型.")
TWO_TRACKS = _r("two_tracks", "§3",
                "6(5) passes on the general track, or on the 高精尖 track when the base declares 高精尖 manufacturing "
                "and all its leading industries are in the list (the text's list ends in 等, so it is data).",
                "art6_5.hpp.industries")

# -- §7 chapter 4 ----------------------------------------------------------------------------------------
BASIC_RECHECK = _r("basic_recheck", "§7",
                   "基础门槛条件 of the evaluation: the 第六条 items re-checked as of 12-31 of the evaluation year.")
TRIMMED_MEAN = _r("trimmed_mean", "§7",
                  "Several experts: drop one highest and one lowest when there are at least N (parameter), then average.",
                  "chapter4.trim_min_experts")
RUBRIC_WEIGHT = _r("rubric_weight", "§7",
                   "An expert's total: each indicator's points scaled to its weight (weight defaults to the maximum points).")
SCORE_TOLERANCE = _r("score_tolerance", "§7",
                     "An entered total that differs from the experts' mean by 0.01 or more is reported; the experts' mean wins.")
#: the difference from the experts' mean that is reported (display precision of scores: two decimals)
SCORE_TOLERANCE_POINTS = Fraction(1, 100)


def trimmed_mean(totals: Sequence[Any], min_experts: int, each_side: int) -> Fraction:
    """Drop ``each_side`` highest and lowest totals when there are at least ``min_experts``, then average."""
    vals = sorted(exact(t) for t in totals)
    if not vals:
        raise ValueError("no expert totals")
    if len(vals) >= min_experts:
        vals = vals[each_side: len(vals) - each_side]
    return sum(vals, Fraction(0)) / len(vals)


def trimmed_out(totals: Sequence[Any], min_experts: int, each_side: int) -> set[int]:
    """The positions of the totals :func:`trimmed_mean` leaves out (ties: the earlier expert counts as lower),
    for a report that marks them."""
    if len(totals) < min_experts:
        return set()
    ranked = sorted(range(len(totals)), key=lambda i: (exact(totals[i]), i))
    return set(ranked[:each_side]) | set(ranked[len(ranked) - each_side:])


STAR_BANDS = _r("star_bands", "§7",
                "Stars by score band [lower, next lower); 不合格 has no star; bands and tiers are the year's notice "
                "(placeholders until entered).", "chapter4.star_bands")
NO_FUNDING_ON_ART15 = _r("no_funding_on_art15", "§7, §8",
                         "A title revoked under 第十五条 in the same evaluation receives no funding, whatever the score.")

# -- §8 chapter 5 ----------------------------------------------------------------------------------------
BAN_ART15_ONLY = _r("ban_art15_only", "§8",
                    "N年内不得再次申请 attaches to 第十五条 only; a revocation for failing the evaluation (第十四条) carries no ban.")
BAN_END = _r("ban_end", "§8",
             "An application is barred while its reference date is before revocation date + N years (anniversary); "
             "that day itself is free.", "art15.ban_years")


def ban_end(revoked_on: date, years: int) -> date:
    """The first day a new application may be made: revocation date + N years (anniversary)."""
    return add_years(revoked_on, years)


REVOCATION_AFTER_REFERENCE = _r("revocation_after_reference", "§8, §10",
                                "A revocation dated after the application's reference date is impossible input (an "
                                "error naming the field), never a pass.")
ART15_PERIOD = _r("art15_period", "§8",
                  "第十五条 triggers of an evaluation are looked for in the evaluation year, from the rule-set's "
                  "effective date at the earliest.")

# -- §9 Article 17 -------------------------------------------------------------------------------------
WORKING_DAYS = _r("working_days", "§9",
                  "N个工作日内: the deadline is the N-th working day after the change, the change day not counted "
                  "(民法典第二百零一条); 调休 make-up days count; filing on the deadline day is on time; a year with "
                  "no calendar data is an error, never a Monday–Friday guess.", "art17.filing_working_days")


def filing_deadline(calendar: Any, changed_on: date, working_days: int) -> date:
    """The N-th working day after the change (the change day itself not counted)."""
    return calendar.add_working_days(changed_on, working_days)


def on_time(filed_on: date, deadline: date) -> bool:
    """Filing on the deadline day is on time."""
    return filed_on <= deadline
