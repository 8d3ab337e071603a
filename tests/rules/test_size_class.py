"""《中小企业划型标准规定》(工信部联企业〔2011〕300号) — the whole table, every sector, every class bound.

Reading (spec §3): 大/中/小 need ALL the sector's indicators at or above the class's lower bound (checked from 大
down); 微型 when any indicator is below the 小型 bound. Missing indicator → REVIEW. A declared size wins.
The plain case tables are data (``tests/cases/size_class.yaml``); the bounds table below is the regulation's own numbers, typed in independently of the data file, so a wrong value in
``size_standards.yaml`` fails here.
"""
import pytest

from jidi_xl.results import Outcome
from jidi_xl.rules import size_class

E, Rv, A = "employees", "revenue", "assets"   # 从业人员 人, 营业收入 万元, 资产总额 万元

# 第四条（一）至（十六）: lower bounds of 大型, 中型, 小型
LAW = {
    "agriculture":      {"large": {Rv: 20000}, "medium": {Rv: 500}, "small": {Rv: 50}},
    "industry":         {"large": {E: 1000, Rv: 40000}, "medium": {E: 300, Rv: 2000}, "small": {E: 20, Rv: 300}},
    "construction":     {"large": {Rv: 80000, A: 80000}, "medium": {Rv: 6000, A: 5000}, "small": {Rv: 300, A: 300}},
    "wholesale":        {"large": {E: 200, Rv: 40000}, "medium": {E: 20, Rv: 5000}, "small": {E: 5, Rv: 1000}},
    "retail":           {"large": {E: 300, Rv: 20000}, "medium": {E: 50, Rv: 500}, "small": {E: 10, Rv: 100}},
    "transport":        {"large": {E: 1000, Rv: 30000}, "medium": {E: 300, Rv: 3000}, "small": {E: 20, Rv: 200}},
    "warehousing":      {"large": {E: 200, Rv: 30000}, "medium": {E: 100, Rv: 1000}, "small": {E: 20, Rv: 100}},
    "postal":           {"large": {E: 1000, Rv: 30000}, "medium": {E: 300, Rv: 2000}, "small": {E: 20, Rv: 100}},
    "accommodation":    {"large": {E: 300, Rv: 10000}, "medium": {E: 100, Rv: 2000}, "small": {E: 10, Rv: 100}},
    "catering":         {"large": {E: 300, Rv: 10000}, "medium": {E: 100, Rv: 2000}, "small": {E: 10, Rv: 100}},
    "telecom":          {"large": {E: 2000, Rv: 100000}, "medium": {E: 100, Rv: 1000}, "small": {E: 10, Rv: 100}},
    "software_it":      {"large": {E: 300, Rv: 10000}, "medium": {E: 100, Rv: 1000}, "small": {E: 10, Rv: 50}},
    "real_estate_dev":  {"large": {Rv: 200000, A: 10000}, "medium": {Rv: 1000, A: 5000}, "small": {Rv: 100, A: 2000}},
    "property_mgmt":    {"large": {E: 1000, Rv: 5000}, "medium": {E: 300, Rv: 1000}, "small": {E: 100, Rv: 500}},
    "leasing_business": {"large": {E: 300, A: 120000}, "medium": {E: 100, A: 8000}, "small": {E: 10, A: 100}},
    "other":            {"large": {E: 300}, "medium": {E: 100}, "small": {E: 10}},
}
LOWER = {"large": "medium", "medium": "small", "small": "micro"}
ARG = {E: "employees", Rv: "revenue_10k", A: "assets_10k"}


def call(rs, sector, values, declared=None):
    return size_class(rs, sector, **{ARG[k]: v for k, v in values.items()}, declared=declared)


def test_data_table_is_the_regulation(rs):
    sectors = rs.size_standards["sectors"]
    assert set(sectors) == set(LAW)
    for code, law in LAW.items():
        assert sectors[code]["bounds"] == law, code


def test_every_sector_has_a_source_and_label(rs):
    for code, s in rs.size_standards["sectors"].items():
        assert s["label"] and s["source"].startswith("第四条"), code


CASES = []
for sector, bounds in LAW.items():
    for cls, b in bounds.items():
        # at the bound (all indicators) → this class
        CASES.append(pytest.param(sector, dict(b), cls, id=f"{sector}-{cls}-at"))
        # each indicator one below the bound (the others at it) → one class down
        for k in b:
            below = dict(b)
            below[k] = b[k] - 1
            CASES.append(pytest.param(sector, below, LOWER[cls], id=f"{sector}-{cls}-{k}-below"))
            if k != E:
                below = dict(b)
                below[k] = b[k] - 0.01
                CASES.append(pytest.param(sector, below, LOWER[cls], id=f"{sector}-{cls}-{k}-just-below"))
        # one above → this class
        CASES.append(pytest.param(sector, {k: v + 1 for k, v in b.items()}, cls, id=f"{sector}-{cls}-above"))
    # zero everywhere → micro
    CASES.append(pytest.param(sector, {k: 0 for k in bounds["small"]}, "micro", id=f"{sector}-zero"))


@pytest.mark.parametrize("sector, values, expected", CASES)
def test_class_bounds(rs, sector, values, expected):
    r = call(rs, sector, values)
    assert r.outcome is Outcome.PASS
    assert r.value == expected
    assert r.article == "工信部联企业〔2011〕300号"


def test_indicators_the_sector_does_not_use_are_not_needed(rs):
    assert call(rs, "agriculture", {Rv: 60}).value == "small"          # no employees, no assets needed
    assert call(rs, "other", {E: 10}).value == "small"


def test_no_sector_and_no_declared_size_is_review(rs):
    r = size_class(rs, None, 50, 500, 500)
    assert r.outcome is Outcome.REVIEW and r.value is None


def test_figures_name_the_bound(rs):
    r = call(rs, "industry", {E: 19, Rv: 300})
    assert "工业" in r.figures and "从业人员20人" in r.figures and "营业收入300万元" in r.figures
