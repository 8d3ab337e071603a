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


@pytest.mark.parametrize("changed, deadline", [
    ("2025-09-19", "2025-11-06"),   # spans 国庆/中秋 2025 with make-up days 09-28 and 10-11 (plain count: 10-31)
    ("2024-01-15", "2024-02-29"),   # spans 春节 2024 with make-up days 02-04 and 02-18
    ("2026-01-30", "2026-03-19"),   # spans 春节 2026
], ids=["2025-09-19", "2024-01-15", "2026-01-30"])
def test_the_spec_examples(rs, changed, deadline):
    assert filing_deadline(rs, D(changed)) == D(deadline)


@pytest.mark.parametrize("changed, filed, expected, used", [
    ("2025-09-19", "2025-09-19", Outcome.PASS, 0),   # same day
    ("2025-09-19", "2025-10-31", Outcome.PASS, 26),  # 30 − 6 weekdays off + 2 make-up days; the plain Monday–Friday deadline is not the deadline
    ("2025-09-19", "2025-11-05", Outcome.PASS, 29),
    ("2025-09-19", "2025-11-06", Outcome.PASS, 30),  # on the deadline: on time
    ("2025-09-19", "2025-11-07", Outcome.FAIL, 31),  # the day after: late
    ("2024-01-15", "2024-02-29", Outcome.PASS, 30),
    ("2024-01-15", "2024-03-01", Outcome.FAIL, 31),
    ("2026-01-30", "2026-03-19", Outcome.PASS, 30),
    ("2026-01-30", "2026-03-20", Outcome.FAIL, 31),
], ids=["same-day", "plain-count-day", "deadline-1", "deadline", "deadline+1", "2024-deadline", "2024-deadline+1",
        "2026-deadline", "2026-deadline+1"])
def test_filing_on_time(rs, changed, filed, expected, used):
    r = art17_filing(rs, "name", D(changed), D(filed))
    assert r.outcome is expected
    assert f"用时 {used} 个工作日" in r.figures
    assert r.value == filing_deadline(rs, D(changed))


def test_not_yet_filed_is_review_with_the_deadline(rs):
    r = art17_filing(rs, "address", D("2025-09-19"), None)
    assert r.outcome is Outcome.REVIEW and r.value == D("2025-11-06") and "2025-11-06" in r.reason


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


@pytest.mark.parametrize("filed, expected", [("2025-11-06", "PASS"), ("2025-11-07", "FAIL"), (None, "REVIEW")])
def test_through_a_case(run, filed, expected):
    rep = run({"changes": [{"kind": "name", "changed_on": "2025-09-19", "filed_on": filed}]})
    assert rep.filings[0].outcome.value == expected


@pytest.mark.parametrize("changed, filed, expected, year", [
    ("2026-11-19", None, Outcome.REVIEW, None),            # deadline 2026-12-31: the last one 2026's data gives
    ("2026-11-19", "2026-12-31", Outcome.PASS, None),
    ("2026-11-20", None, Outcome.REVIEW, 2027),            # deadline reaches into 2027: no data
    ("2026-11-20", "2026-11-25", Outcome.REVIEW, 2027),    # filed early, but the deadline is still unknown
    ("2027-02-01", "2027-02-02", Outcome.REVIEW, 2027),    # change in 2027
    ("2003-12-01", "2003-12-02", Outcome.REVIEW, 2003),    # before chinesecalendar's first year
    ("2026-10-15", "2027-01-04", Outcome.FAIL, None),      # deadline 2026-11-26 known: late whatever 2027 holds
], ids=["last-2026-deadline-open", "last-2026-deadline-filed", "spills-open", "spills-filed", "in-2027", "2003",
        "late-into-2027"])
def test_a_year_without_calendar_data_makes_that_filing_review(rs, changed, filed, expected, year):
    r = art17_filing(rs, "name", D(changed), D(filed) if filed else None)
    assert r.outcome is expected
    if year:
        assert f"{year} 年" in r.reason and "calendar_years" in r.reason and r.value is None
    if expected is Outcome.FAIL:
        assert "2027 年缺少节假日数据" in r.figures and "2026-11-26" in r.figures


def test_one_filing_without_calendar_data_hides_nothing_else(run):
    """A 2027 filing is 待核实 on its own; the verdict and the other filings are still computed."""
    rep = run({"changes": [{"kind": "name", "changed_on": "2027-02-01"},
                           {"kind": "address", "changed_on": "2025-09-19", "filed_on": "2025-11-07"},
                           {"kind": "main_business", "changed_on": "2026-11-20", "filed_on": "2026-11-25"}]})
    assert [f.outcome for f in rep.filings] == [Outcome.REVIEW, Outcome.FAIL, Outcome.REVIEW]
    assert "2027" in rep.filings[0].reason and "2027" in rep.filings[2].reason
    assert rep.recognition.verdict.outcome is Outcome.PASS
