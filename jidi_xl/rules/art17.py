"""第十七条 — major changes filed within N working days (spec §9; readings.WORKING_DAYS)."""
from __future__ import annotations

from datetime import date

from .. import readings
from ..errors import CalendarYearMissing
from ..results import Outcome, Result
from ..ruleset import RuleSet
from .declare import INFO, Rule

ART17 = Rule("art17", "第十七条", "重大变更备案", role=INFO)


def filing_deadline(rs: RuleSet, changed_on: date) -> date:
    """The N-th working day after the change; the change day is not counted; 调休 make-up days count.

    Raises :class:`~jidi_xl.errors.CalendarYearMissing` when the count reaches a year with no holiday data."""
    return readings.filing_deadline(rs.calendar, changed_on, readings.WORKING_DAYS.value(rs))


@ART17
def art17_filing(rs: RuleSet, kind: str, changed_on: date, filed_on: date | None) -> Result:
    """示范基地遇有名称、地址、主营业务等重大变更事项的，应在发生变更后30个工作日内报市经济和信息化局备案

    The title of each result names the change (名称变更备案…). Filing on the deadline day is on time. Each filing
    is judged on its own: when the deadline cannot be computed because a year has no holiday data, this filing
    is 待核实 naming the year (spec §9: never a Monday–Friday guess) and nothing else of the case is held up. A
    filing made after a computable deadline is late whatever the calendar of the filing year; only its count of
    working days is then left out.
    """
    n = readings.WORKING_DAYS.value(rs)
    what = f"{rs.label('change_kinds', kind)}备案"
    try:
        due = filing_deadline(rs, changed_on)
    except CalendarYearMissing as exc:
        filed = f"，{filed_on} 备案" if filed_on else "，尚未填写备案日期"
        return ART17.result(Outcome.REVIEW,
                            f"{changed_on} 变更{filed}；备案期限（第{n}个工作日）落在 {exc.year} 年，缺少该年节假日安排数据",
                            f"缺少 {exc.year} 年节假日安排数据，无法计算备案期限，待核实；{exc.how}", title=what)
    if filed_on is None:
        return ART17.result(Outcome.REVIEW, f"{changed_on} 变更，备案期限 {due}（第{n}个工作日）",
                            f"尚未填写备案日期；须在 {due} 前（含当日）备案", value=due, title=what)
    ok = readings.on_time(filed_on, due)
    try:
        used = f"用时 {rs.calendar.working_days_between(changed_on, filed_on)} 个工作日 {'≤' if ok else '>'} {n}"
    except CalendarYearMissing as exc:       # only a late filing reaches past the deadline's year
        used = f"用时超过 {n} 个工作日（{exc.year} 年缺少节假日数据，未计具体天数）"
    return ART17.result(Outcome.PASS if ok else Outcome.FAIL,
                        f"{changed_on} 变更，{filed_on} 备案，{used}；期限 {due}",
                        "按期备案" if ok else f"逾期备案（期限 {due}）", value=due, title=what)
