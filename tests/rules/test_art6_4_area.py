"""第六条第（四）项 — 建筑总面积不少于5000平方米；公共服务空间不少于500平方米.

The boundary table (at, below and above each bound, missing and contradictory areas, whole cases) is data:
``tests/cases/art6_4_area.yaml``. Here: the parameters are the legal numbers.
"""


def test_parameters_are_the_legal_numbers(rs):
    assert rs.p("art6_4.min_building_area_m2") == 5000
    assert rs.p("art6_4.min_public_service_area_m2") == 500
    assert rs.param("art6_4.min_building_area_m2").unit == "m2"
