"""第六条第（二）项 — good operation; no criminal or serious administrative penalty of the unit or its legal
representative "在申请受理截止日期前两年内"; no serious dishonesty.

Window (spec §2): [reference − 2 years, reference], both ends inclusive. Penalties after the reference date
are reported, not counted (they matter for 第十五条). The boundary table is data: ``tests/cases/art6_2_conduct.yaml``.
"""


def test_parameters_are_the_legal_ones(rs):
    assert rs.p("art6_2.penalty_window_years") == 2
    assert set(rs.p("art6_2.disqualifying_penalty_kinds")) == {"criminal", "serious_administrative"}
    assert set(rs.p("art6_2.disqualifying_subjects")) == {"unit", "legal_representative"}
