"""Input errors that name the field and say what to do (spec §10).

Errors are collected, never raised one at a time, so a reviewer sees every problem of a case at once.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class InputProblem:
    field: str        # JSON path ("firms.roster[3].industry") or "工作表!单元格"
    message: str      # Chinese: what is wrong and what to do
    english: str = ""

    def __str__(self) -> str:
        s = f"{self.field}：{self.message}"
        return f"{s} ({self.english})" if self.english else s


class InputError(Exception):
    """Raised when a case cannot be evaluated; carries every problem found."""

    def __init__(self, problems: list[InputProblem], source: str = ""):
        self.problems = list(problems)
        self.source = source
        head = f"{source}：" if source else ""
        super().__init__(head + "输入数据有误，无法评价 (invalid input):\n" + "\n".join(f"  - {p}" for p in self.problems))


class RuleSetError(Exception):
    """The rule-set cannot answer: a date before it is in force, a calendar year with no data…"""


class CalendarYearMissing(RuleSetError):
    """No statutory-holiday data for ``year``: working days cannot be counted there (spec §9).

    A rule that needs the year says 待核实 for its own item only, naming the year (:attr:`how`)."""

    def __init__(self, year: int):
        self.year = year
        self.how = (f"请在规则集的 calendar_years 中按国务院办公厅《关于{year}年部分节假日安排的通知》补充该年的"
                    f"放假日（holidays）和调休上班日（workdays），或升级 chinesecalendar")
        super().__init__(f"缺少 {year} 年的节假日安排数据，无法计算工作日。{self.how}。"
                         f" (no holiday calendar for year {year}; add it to calendar_years)")
