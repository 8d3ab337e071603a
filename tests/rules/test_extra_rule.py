"""A new rule is one declaration: declared and registered in a test registry, it appears in RULES, RULE_IDS,
the recognition conditions and verdict, the JSON report, case validation (overrides) and the UDF catalogue
(issue 10 item 2), and the generated workbook's 评价结果 and 复核改判 rows. Registered for one test only
(``RULES.extended``).
"""
from __future__ import annotations

import pytest

from jidi_xl import rules as rules_pkg
from jidi_xl.case import parse_case
from jidi_xl.evaluate import evaluate_case, reads_case
from jidi_xl.report import to_dict
from jidi_xl.results import Outcome
from jidi_xl.rules import RULE_IDS, RULES
from jidi_xl.rules.declare import CONDITION, Rule
from udfs import gen_docs
from jidi_xl.ruleset import load_ruleset
from udfs.adapters import boolean
from udfs.registry import PART_ARG, REGISTRY, Arg, formulas_functions, pick, udf
from jidi_xl import fields as F
from workbooks import layout

EXTRA = "art_extra"


@pytest.fixture
def extra_rule():
    """第九条 as a (fictitious) extra condition: 示范基地的申报认定遵循公开征集、自愿申报原则 — 自愿申报 is a yes/no."""
    rule = Rule(EXTRA, "第九条", "自愿申报", role=CONDITION, overridable=True)

    @rule
    def art9_voluntary(rs, voluntary: bool | None):
        """示范基地的申报认定遵循公开征集、自愿申报原则。"""
        outcome = {True: Outcome.PASS, False: Outcome.FAIL, None: Outcome.REVIEW}[voluntary]
        return rule.result(outcome, f"自愿申报：{ {True: '是', False: '否', None: '未填'}[voluntary] }", "试行条件")

    reads_case(rule)(lambda case, ref: art9_voluntary(case.ruleset, case.get("extra.voluntary")))

    with RULES.extended(rule, before="art15"):
        @udf("JIDI_TEST_EXTRA", "（测试）第九条：自愿申报", EXTRA, "结果/数据/理由/依据", Arg("voluntary", "是否自愿申报"),
             PART_ARG)
        def extra_udf(voluntary, part=None):
            return pick(art9_voluntary(load_ruleset(), boolean(voluntary, "自愿申报")), part)

        try:
            yield rule
        finally:
            REGISTRY.pop("JIDI_TEST_EXTRA", None)


def test_the_extra_rule_is_in_the_registry_and_the_derived_ids(extra_rule):
    assert RULES[EXTRA] is extra_rule
    assert [r.id for r in RULES.conditions][-2:] == [EXTRA, "art15"]      # where it was registered: before 第十五条
    assert EXTRA in RULE_IDS and RULE_IDS is rules_pkg.RULE_IDS           # the same list object every importer holds
    assert RULE_IDS.index(EXTRA) == RULE_IDS.index("art15") - 1
    assert extra_rule.clause == "示范基地的申报认定遵循公开征集、自愿申报原则。"


def test_the_registry_is_restored_after_the_test():
    assert EXTRA not in RULES and EXTRA not in RULE_IDS
    assert "JIDI_TEST_EXTRA" not in REGISTRY


def test_the_extra_rule_is_a_recognition_condition_of_every_case(extra_rule, kit):
    base = kit.make()
    rep = evaluate_case(parse_case(base))
    got = rep.recognition.condition(EXTRA)
    assert got.outcome is Outcome.REVIEW and got.article == "第九条" and got.title == "自愿申报"
    assert rep.recognition.verdict.outcome is Outcome.REVIEW
    assert rep.recognition.failing_articles == ["第九条"]
    out = to_dict(rep)
    assert [c["rule"] for c in out["recognition"]["conditions"]][-2:] == [EXTRA, "art15"]


def test_an_override_of_the_extra_rule_is_accepted(extra_rule, kit):
    case = kit.make({"overrides": [{"rule": EXTRA, "outcome": "PASS", "justification": "已核实自愿申报材料", "reviewer": "张三"}]})
    rep = evaluate_case(parse_case(case))
    assert rep.recognition.condition(EXTRA).overridden
    assert rep.recognition.verdict.outcome is Outcome.PASS
    # the verdict's reason lists the new condition by its declaration
    assert "第九条自愿申报" in rep.recognition.verdict.reason


def test_the_extra_rule_is_in_the_udf_catalogue_with_its_article(extra_rule):
    u = REGISTRY["JIDI_TEST_EXTRA"]
    assert u.rule == EXTRA and u.article == extra_rule.article == "第九条"
    assert "JIDI_TEST_EXTRA" in formulas_functions()
    assert u.func(True) == "符合" and u.func("否") == "不符合" and u.func(True, "依据") == "第九条"
    page = gen_docs.render()
    assert "### JIDI_TEST_EXTRA\n" in page and "第九条" in page


def _row_texts(L, sheet):
    """{row: {col: text}} of a sheet's static cells."""
    rows: dict = {}
    for t in L.statics:
        if t.sheet == sheet:
            rows.setdefault(t.row, {})[t.col] = t.value
    return rows


def test_the_extra_rule_is_a_row_of_the_generated_workbook(extra_rule, monkeypatch):
    """layout.build derives its conditions from RULES when it builds: the extra rule has its row on 评价结果 (一、认定条件)
    and on 复核改判, with its id, article and title, its UDF's formula and its override cells. Its UDF's argument is
    an existing catalogue field here (the yes/no 经营良好): declaring an extra field is tests/workbook/test_catalogue.py."""
    monkeypatch.setitem(F.CONDITION_ARGS, EXTRA, ("conduct.good_operation",))
    L = layout.build(load_ruleset())
    assert [c.rule for c in L.conditions.all][-2:] == [EXTRA, "art15"]
    triple = (EXTRA, extra_rule.title, extra_rule.article)
    results = [r for r in _row_texts(L, layout.S_RESULT).values() if (r.get(0), r.get(1), r.get(2)) == triple]
    assert len(results) == 1                         # 一 only: it is not a 第六条 basic condition
    ovr = [r for r in _row_texts(L, layout.S_OVR).values() if (r.get(1), r.get(2), r.get(3)) == (EXTRA, extra_rule.article, extra_rule.title)]
    assert len(ovr) == 1
    computed = L[f"out_{EXTRA}_computed"]
    formula = next(f.formula for f in L.formulas if (f.sheet, f.row, f.col) == (computed.sheet, computed.row, computed.col))
    assert "JIDI_TEST_EXTRA(in_good_operation" in formula
    assert f"in_ovr_{EXTRA}" in L.names and f"in_ovr_reason_{EXTRA}" in L.names
    assert L["out_final_outcomes"].nrows == len(RULES.conditions)
    # the default layout (built from the registry as declared) is untouched
    assert EXTRA not in {c.rule for c in layout.CONDITIONS}


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
