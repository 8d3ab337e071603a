"""第十七条 — major changes filed within 30 working days (spec §9)."""
from __future__ import annotations

from datetime import date

from ..results import Outcome, Result
from ..ruleset import RuleSet


def filing_deadline(rs: RuleSet, changed_on: date) -> date:
    """The 30th working day after the change; the change day is not counted; 调休 make-up days count."""
    return rs.calendar.add_working_days(changed_on, rs.p("art17.filing_working_days"))


def art17_filing(rs: RuleSet, kind: str, changed_on: date, filed_on: date | None) -> Result:
    """第十七条：示范基地遇有名称、地址、主营业务等重大变更事项的，应在发生变更后30个工作日内报市经济和信息化局备案。

    Filing on the deadline day is on time.
    """
    n = rs.p("art17.filing_working_days")
    due = filing_deadline(rs, changed_on)
    what = rs.label("change_kinds", kind)
    if filed_on is None:
        return Result("art17", "第十七条", f"{what}备案", Outcome.REVIEW, f"{changed_on} 变更，备案期限 {due}（第{n}个工作日）",
                      f"尚未填写备案日期；须在 {due} 前（含当日）备案", value=due)
    used = rs.calendar.working_days_between(changed_on, filed_on)
    ok = filed_on <= due
    return Result("art17", "第十七条", f"{what}备案", Outcome.PASS if ok else Outcome.FAIL,
                  f"{changed_on} 变更，{filed_on} 备案，用时 {used} 个工作日 {'≤' if ok else '>'} {n}；期限 {due}",
                  "按期备案" if ok else f"逾期备案（期限 {due}）", value=due)
