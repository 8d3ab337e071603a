"""Chinese working days (spec §9): statutory days off and 调休 make-up working days.

Years covered by the `chinesecalendar` package (State Council notices, 2004–2026 in 1.11) come from
it; the rule-set's ``calendar_years`` adds or corrects years. A year found in neither is an error
naming the year (:class:`~jidi_xl.errors.CalendarYearMissing`) — never a silent Monday–Friday guess.
"""
from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar

from .errors import CalendarYearMissing


class WorkCalendar:
    def __init__(self, extra_years: dict | None = None):
        self._extra: dict[int, tuple[set[date], set[date]]] = {}
        for year, spec in (extra_years or {}).items():
            holidays = {_d(x) for x in spec.get("holidays", [])}
            workdays = {_d(x) for x in spec.get("workdays", [])}
            self._extra[int(year)] = (holidays, workdays)

    def covers(self, year: int) -> bool:
        if year in self._extra:
            return True
        try:
            chinese_calendar.is_workday(date(year, 6, 1))
            return True
        except NotImplementedError:
            return False

    def is_workday(self, d: date) -> bool:
        if d.year in self._extra:
            holidays, workdays = self._extra[d.year]
            if d in workdays:
                return True
            return d.weekday() < 5 and d not in holidays
        try:
            return chinese_calendar.is_workday(d)
        except NotImplementedError:
            raise CalendarYearMissing(d.year) from None

    def add_working_days(self, start: date, n: int) -> date:
        """The n-th working day after ``start``; ``start`` itself is not counted (民法典第二百零一条)."""
        d = start
        counted = 0
        while counted < n:
            d += timedelta(days=1)
            if self.is_workday(d):
                counted += 1
        return d

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]: the count a filing on ``end`` has used after a change on ``start``."""
        if end < start:
            return -self.working_days_between(end, start)
        n = 0
        d = start
        while d < end:
            d += timedelta(days=1)
            if self.is_workday(d):
                n += 1
        return n


def _d(x) -> date:
    return x if isinstance(x, date) else date.fromisoformat(str(x))
