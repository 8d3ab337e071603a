"""Rule declarations that are wrong are errors where they are made: a UDF naming an undeclared rule, a duplicate
id, an unknown role, a missing article, a part registered alone, a wiring that reads a field the catalogue lacks,
and a registered condition that reads no case.

That a correct new rule (with a new field) is found in every face is ``tests/test_extension.py``.
"""
from __future__ import annotations

import pytest

from jidi_xl.case import parse_case
from jidi_xl.evaluate import evaluate_case
from jidi_xl.rules import RULES
from jidi_xl.rules.declare import CONDITION, Rule, reads_case
from udfs.registry import REGISTRY, udf


def test_a_udf_naming_an_undeclared_rule_is_an_error_at_declaration():
    with pytest.raises(KeyError, match="no rule or part 'art99'"):
        udf("JIDI_TEST_TYPO", "（测试）", "art99", "结果")
    assert "JIDI_TEST_TYPO" not in REGISTRY


@pytest.mark.parametrize("make, message", [
    (lambda: RULES.register(Rule("art6_4", "第六条第（四）项", "重复")), "duplicate rule id"),
    (lambda: Rule("x", "第九条", "试行", role="no-such-role"), "unknown role"),
    (lambda: Rule("x", "", "试行"), "all required"),
    (lambda: RULES.register(RULES["art6_1"].parts[0]), "a part is registered through its parent"),
], ids=["duplicate-id", "unknown-role", "no-article", "part"])
def test_a_bad_declaration_is_an_error(make, message):
    with pytest.raises(ValueError, match=message):
        make()


def test_a_condition_that_reads_no_case_is_an_error_naming_it(kit):
    rule = Rule("art_unwired", "第九条", "未接入", role=CONDITION)
    with RULES.extended(rule):
        with pytest.raises(LookupError, match="art_unwired"):
            evaluate_case(parse_case(kit.make()))


def test_a_wiring_that_reads_an_undeclared_field_is_an_error_naming_it():
    rule = Rule("art_typo", "第九条", "试行", role=CONDITION)
    with pytest.raises(KeyError, match="area.buidling"):
        reads_case(rule, "area.buidling")
    assert rule.from_case is None and rule.reads == ()
