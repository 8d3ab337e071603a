"""第十七条 — 名称、地址、主营业务等重大变更 filed within 30 working days (spec §9).

Deadline = the 30th working day after the change date (the change day itself not counted, 民法典第二百零一条);
working days follow the State Council's holiday notice (days off and 调休 make-up days). Filing on the deadline
is on time. A year with no calendar data is an error naming the year — never a silent Monday–Friday guess.
"""
from datetime import date

import pytest

from jidi_xl.calendar import WorkCalendar
from jidi_xl.errors import RuleSetError
from jidi_xl.results import Outcome
from jidi_xl.rules import art17_filing, filing_deadline

D = date.fromisoformat


def test_parameter(rs):
    assert rs.p("art17.filing_working_days") == 30


@pytest.mark.parametrize("day, workday", [
    ("2025-09-28", True),    # Sunday, 调休上班
    ("2025-10-11", True),    # Saturday, 调休上班
    ("2025-10-01", False),   # 国庆
    ("2025-10-08", False),   # Wednesday off
    ("2025-10-09", True),
    ("2025-10-12", False),   # ordinary Sunday
    ("2024-02-04", True),    # Sunday, 调休上班
    ("2024-02-12", False),   # Monday, 春节
], ids=lambda v: str(v))
def test_workday_calendar(rs, day, workday):
    assert rs.calendar.is_workday(D(day)) is workday


@pytest.mark.parametrize("changed, year", [("2027-03-01", "2027"), ("2026-12-01", "2027"), ("2030-01-01", "2030")],
                         ids=["in-2027", "deadline-spills-into-2027", "2030"])
def test_year_without_calendar_data_is_an_error_naming_it(rs, changed, year):
    with pytest.raises(RuleSetError) as exc:
        filing_deadline(rs, D(changed))
    assert year in str(exc.value) and "calendar_years" in str(exc.value)
    assert not rs.calendar.covers(int(year))


def test_december_change_within_a_covered_year_still_works(rs):
    # deadline still in 2026: no 2027 data needed
    assert filing_deadline(rs, D("2026-10-15")).year == 2026


@pytest.mark.parametrize("spec, deadline", [
    ({}, "2027-04-12"),                                                    # a year with no days off
    ({"holidays": ["2027-04-05"]}, "2027-04-13"),                           # one weekday off
    ({"holidays": ["2027-04-05"], "workdays": ["2027-04-10"]}, "2027-04-12"),  # … and a Saturday make-up day
    ({"holidays": ["2027-03-15", "2027-03-16"]}, "2027-04-14"),
], ids=["empty", "holiday", "holiday-and-makeup", "two-holidays"])
def test_calendar_years_entry_adds_a_year(kit, spec, deadline):
    rs2 = kit.ruleset_with({"calendar_years": {2027: spec}})
    assert rs2.calendar.covers(2027)
    assert filing_deadline(rs2, D("2027-03-01")) == D(deadline)
    assert art17_filing(rs2, "main_business", D("2027-03-01"), D(deadline)).outcome is Outcome.PASS


def test_calendar_years_entry_corrects_a_covered_year():
    cal = WorkCalendar({2025: {}})      # overriding 2025 with no days off gives the plain count
    assert cal.add_working_days(D("2025-09-19"), 30) == D("2025-10-31")
    assert WorkCalendar().add_working_days(D("2025-09-19"), 30) == D("2025-11-06")


def test_calendar_entry_with_string_years_and_dates():
    cal = WorkCalendar({"2027": {"holidays": ["2027-01-01"], "workdays": [D("2027-01-09")]}})
    assert cal.is_workday(D("2027-01-01")) is False and cal.is_workday(D("2027-01-09")) is True


def test_one_filing_without_calendar_data_hides_nothing_else(run):
    """A 2027 filing is 待核实 on its own; the verdict and the other filings are still computed."""
    rep = run({"changes": [{"kind": "name", "changed_on": "2027-02-01"},
                           {"kind": "address", "changed_on": "2025-09-19", "filed_on": "2025-11-07"},
                           {"kind": "main_business", "changed_on": "2026-11-20", "filed_on": "2026-11-25"}]})
    assert [f.outcome for f in rep.filings] == [Outcome.REVIEW, Outcome.FAIL, Outcome.REVIEW]
    assert "2027" in rep.filings[0].reason and "2027" in rep.filings[2].reason
    assert rep.recognition.verdict.outcome is Outcome.PASS
