"""第七条 (at least three of eight service functions, third-party services included) and 第八条 (encouraged
features: a priority signal, never a condition). 第七条's boundary table is data: ``tests/cases/art7_services.yaml``."""
import pytest

from jidi_xl.results import Outcome
from jidi_xl.rules import RULE_IDS, art8_encouraged

EIGHT = ["startup_coaching", "innovation_support", "information", "financing", "training", "management_consulting",
         "professional_consulting", "industry_chain"]


def test_parameter_and_the_eight_functions(rs):
    assert rs.p("art7.min_functions") == 3
    assert rs.code_list("service_functions") == EIGHT
    assert [rs.label("service_functions", c) for c in EIGHT] == [
        "创业辅导", "创新支持", "信息服务", "投融资服务", "人员培训", "管理咨询", "专业咨询", "产业链服务"]


@pytest.mark.parametrize("features", [None, [], ["digital"], ["high_growth", "cooperation", "hpp_services", "digital"]],
                         ids=["none", "empty", "one", "all-four"])
def test_art8_is_never_a_condition(rs, run, features, kit):
    r = art8_encouraged(rs, features)
    assert r.outcome is Outcome.PASS
    assert r.value == [c for c in rs.code_list("encouraged_features") if c in (features or [])]
    assert "不作为认定条件" in r.reason
    rep = run({"encouraged": features})
    assert rep.recognition.verdict.outcome is Outcome.PASS
    assert all(c.rule != "art8" for c in rep.recognition.conditions)
    assert rep.recognition.encouraged.value == r.value


def test_art8_cannot_rescue_a_failing_base(run):
    rep = run({"service_functions": EIGHT[:2], "encouraged": ["high_growth", "cooperation", "hpp_services", "digital"]})
    assert rep.recognition.verdict.outcome is Outcome.FAIL


def test_art8_is_not_overridable():
    assert "art8" not in RULE_IDS


def test_art8_count_and_list(rs):
    r = art8_encouraged(rs, ["digital", "high_growth"])
    assert r.value == ["high_growth", "digital"]
    assert "具备 2/4 项" in r.figures
