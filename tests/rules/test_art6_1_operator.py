"""第六条第（一）项 — independent legal person, registered in Beijing, established ≥ 2 years, rolling incubation.

The boundary table (anniversaries, each flag, combinations, whole cases) is data: ``tests/cases/art6_1_operator.yaml``.
"""
from datetime import date

from jidi_xl.rules import art6_1_operator
from jidi_xl.rules.art06 import ART6_1_AGE

D = date.fromisoformat
OK = dict(independent_legal_person=True, registered_in_beijing=True, rolling_incubation=True)


def test_parameter_is_the_legal_two_years(rs):
    assert rs.p("art6_1.min_years_established") == 2


def test_0229_anniversary_value_is_0228(rs):
    r = art6_1_operator(rs, D("2026-06-30"), established_on=D("2024-02-29"), **OK)
    age = next(p for p in r.parts if p.title == ART6_1_AGE.title)
    assert age.value == D("2026-02-28")
