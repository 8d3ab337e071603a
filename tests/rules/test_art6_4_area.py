"""第六条第（四）项 — 建筑总面积不少于5000平方米；公共服务空间不少于500平方米 (不少于: the number itself passes)."""
import pytest

from jidi_xl.results import Outcome
from jidi_xl.rules import art6_4_area


def test_parameters_are_the_legal_numbers(rs):
    assert rs.p("art6_4.min_building_area_m2") == 5000
    assert rs.p("art6_4.min_public_service_area_m2") == 500
    assert rs.param("art6_4.min_building_area_m2").unit == "m2"


@pytest.mark.parametrize("building, public, expected", [
    (4999, 800, Outcome.FAIL),
    (4999.99, 800, Outcome.FAIL),
    (5000, 800, Outcome.PASS),
    (5000.0, 800, Outcome.PASS),
    (5001, 800, Outcome.PASS),
    (8000, 499, Outcome.FAIL),
    (8000, 499.99, Outcome.FAIL),
    (8000, 500, Outcome.PASS),
    (8000, 501, Outcome.PASS),
    (5000, 500, Outcome.PASS),      # both exactly at the bound
    (4999, 499, Outcome.FAIL),      # both short
    (0, 0, Outcome.FAIL),
], ids=["b4999", "b4999.99", "b5000", "b5000.0", "b5001", "p499", "p499.99", "p500", "p501", "both-at", "both-short", "zero"])
def test_area_boundaries(rs, building, public, expected):
    r = art6_4_area(rs, building, public)
    assert r.outcome is expected
    assert r.article == "第六条第（四）项"
    assert "5,000" in r.figures and "500" in r.figures


@pytest.mark.parametrize("building, public, short", [
    (4999, 800, "建筑总面积"), (8000, 499, "公共服务空间"), (4999, 499, "建筑总面积、公共服务空间")])
def test_fail_reason_names_what_is_short(rs, building, public, short):
    assert art6_4_area(rs, building, public).reason == f"{short}不足"


@pytest.mark.parametrize("building, public", [(None, 800), (8000, None), (None, None)],
                         ids=["no-building", "no-public", "neither"])
def test_missing_area_is_review(rs, building, public):
    r = art6_4_area(rs, building, public)
    assert r.outcome is Outcome.REVIEW
    assert "未填" in r.figures


@pytest.mark.parametrize("building, public", [(5000, 5001), (6000, 7000), (-1, 0), (8000, -1)],
                         ids=["public-just-over-building", "public-over-building", "negative-building", "negative-public"])
def test_contradictory_area_is_never_a_pass(rs, building, public):
    """Spec §2: public space larger than the building area is bad input, not a pass (the UDFs call this directly)."""
    assert art6_4_area(rs, building, public).outcome is Outcome.REVIEW


def test_public_equal_to_building_is_allowed(rs):
    assert art6_4_area(rs, 5000, 5000).outcome is Outcome.PASS


@pytest.mark.parametrize("building, public, expected", [(4999, 500, "FAIL"), (5000, 500, "PASS"), (5001, 501, "PASS")])
def test_through_a_case(run, kit, building, public, expected):
    rep = run({"area": {"building_m2": building, "public_service_m2": public}})
    assert kit.condition(rep, "art6_4").outcome.value == expected
