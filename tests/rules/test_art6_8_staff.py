"""第六条第（八）项 — 本科及以上学历和中级及以上技术职称人员不少于8人.

Decision (spec §2): a person counts if they hold either qualification (``staff_rule`` any, default) or both
(``both``). A staff list wins over a declared count; a difference is reported. Unknown qualifications → REVIEW
when they could change the outcome. The boundary tables are data: ``tests/cases/art6_8_staff.yaml``.
"""


def test_parameters(rs):
    assert rs.p("art6_8.min_qualified_staff") == 8
    assert rs.p("art6_8.staff_rule") == "any"
    assert set(rs.p("art6_8.qualifying_degrees")) == {"bachelor", "master", "doctor"}
    assert set(rs.p("art6_8.qualifying_titles")) == {"intermediate", "associate_senior", "senior"}
