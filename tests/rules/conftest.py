"""Shared helpers for the rules-engine tests: a full passing case, and overrides by dict merge.

Helpers are exposed as fixtures (``make_case``, ``roster``, ``parse``, ``run``, ``rs``) so that test
modules never import this file by name.

``make_case({...})`` deep-merges the given dict into :func:`base_case`: dicts merge key by key, any
other value (lists included) replaces, and :data:`DROP` removes the key.
"""
from __future__ import annotations

import copy
import json
import pytest

from jidi_xl.case import Firm, parse_case
from jidi_xl.evaluate import evaluate_case
from jidi_xl.rules import RULES
from jidi_xl.ruleset import RuleSet, load_ruleset
from jidi_xl.synth import fragment
from jidi_xl.values import credit_code_check_character

REF = "2025-06-30"
DROP = object()
# the fields these tests set by name are reached through the rules that read them (never by their keys)
AREA, PUBLIC = RULES["art6_4"].reads
GOOD_OPERATION, _, DISHONESTY = RULES["art6_2"].reads


def credit_code(i: int) -> str:
    """The i-th test 统一社会信用代码: ``91110000MA`` + 7 digits + its GB 32100-2015 check character."""
    first17 = f"91110000MA{i:07d}"
    return first17 + credit_code_check_character(first17)


def roster(counts: dict[str, int] | None = None, *, size: str | None = "small", beijing: bool | None = True,
           start: int = 0, **extra) -> list[dict]:
    """Roster rows: ``{"ngit": 40, "ic": 20}`` → 60 firms with unique 统一社会信用代码."""
    rows, i = [], start
    for industry, k in (counts or {}).items():
        for _ in range(k):
            rows.append({"name": f"企业{i:03d}", "credit_code": credit_code(i), "industry": industry,
                         "size_class": size, "beijing_registered": beijing, **extra})
            i += 1
    return rows


def firms(counts: dict[str, int] | None = None, **kw) -> list[Firm]:
    """The same rows as typed :class:`Firm` objects, for calling the rule functions directly."""
    return [Firm(**r) for r in roster(counts, **kw)]


def base_case() -> dict:
    """A base that meets every condition of 第六条 and 第七条 on 2025-06-30 (and scores 较好 in 2024)."""
    return merge({
        "format": "jidi-xl/case@1",
        "ruleset": "bj-2022",
        "case_id": "base",
        "base": {"name": "测试示范基地", "operator_name": "测试运营公司"},
        "recognition": {"reference_date": REF},
        "operator": {"independent_legal_person": True, "registered_in_beijing": True,
                     "established_on": "2020-03-01", "rolling_incubation": True},
        "conduct": {"penalties": []},
        "planning": {"project_approval_complete": True, "fits_policy": True, "clear_positioning": True},
        "firms": {"leading_industries": ["ngit", "ic"], "hpp_manufacturing": False,
                  "roster": roster({"ngit": 40, "ic": 10, "culture": 10})},
        "governance": {"governance_structure": True, "strategic_plan": True, "development_goals": True,
                       "implementation_plan": True},
        "management": {"management_rules": True, "service_process": True, "service_ledger": True,
                       "fee_standards": True, "quality_supervision": True},
        "staff": {"declared_qualified": 10},
        "satisfaction": {"satisfied": 28, "responses": 30, "free_public_service": True},
        "service_station": {"office_and_equipment": True, "staff_with_posts": True, "work_guides": True,
                            "brokering_services": True},
        "service_functions": ["startup_coaching", "innovation_support", "information", "financing"],
        "encouraged": ["high_growth"],
    }, fragment({GOOD_OPERATION: True, DISHONESTY: False, AREA: 8000, PUBLIC: 800}))


def _copy(x):
    return copy.deepcopy(x, {id(DROP): DROP})   # DROP survives copying, so merges can be nested


def merge(base: dict, over: dict) -> dict:
    out = _copy(base)
    for k, v in over.items():
        if v is DROP:
            out.pop(k, None)
        elif isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = merge(out[k], v)
        else:
            out[k] = _copy(v)
    return out


def make_case(over: dict | None = None) -> dict:
    return merge(base_case(), over or {})


def ruleset_with(changes: dict | None = None) -> RuleSet:
    """A fresh RuleSet: bj-2022 with ``changes`` deep-merged into its data (the cached one is untouched)."""
    rs = load_ruleset()
    return RuleSet(merge(rs.data, changes or {}), copy.deepcopy(rs.size_standards), copy.deepcopy(rs.codes))


def condition(report, rule: str):
    """One recognition condition of a report by rule id."""
    return next(r for r in report.recognition.conditions if r.rule == rule)


@pytest.fixture(scope="session")
def rs() -> RuleSet:
    return load_ruleset()


@pytest.fixture
def make():
    """``make({...})`` → a case dict (the passing base case with the overrides merged in)."""
    return make_case


@pytest.fixture
def parse():
    return lambda over=None: parse_case(make_case(over))


@pytest.fixture
def run():
    """``run({...})`` → the evaluated :class:`Report` of the merged case."""
    return lambda over=None: evaluate_case(parse_case(make_case(over)))


@pytest.fixture
def kit():
    """The plain helpers, for tests that need more than one of them."""
    class Kit:
        DROP = DROP
        REF = REF
        roster = staticmethod(roster)
        credit_code = staticmethod(credit_code)
        firms = staticmethod(firms)
        make = staticmethod(make_case)
        merge = staticmethod(merge)
        ruleset_with = staticmethod(ruleset_with)
        condition = staticmethod(condition)
        base = staticmethod(base_case)
        at = staticmethod(fragment)        # kit.at({AREA: 4999}) → {"area": {…: 4999}}
        AREA, PUBLIC, DISHONESTY = AREA, PUBLIC, DISHONESTY

        @staticmethod
        def write(path, over=None) -> str:
            path.write_text(json.dumps(make_case(over), ensure_ascii=False), encoding="utf-8")
            return str(path)

    return Kit

