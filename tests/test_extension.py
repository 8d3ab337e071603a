"""A new field and a new rule are one declaration each (issue 10, "Done when").

One test rule-set declares an extra input field — 自愿申报 (``recognition.voluntary``, a 是/否 cell on 基本信息) — and
an extra recognition condition that reads it — 第九条 “自愿申报原则” as a (fictitious) condition with its ``JIDI_``
function — and nothing else: no other file is edited, no list is extended by hand. Both are then found in every
face: the JSON Schema and the case validation, the evaluation (the verdict and the overrides), the generated
workbook (the input's defined name and validation, the condition's rows on 评价结果 and 复核改判, its formula over
the field's cell), the workbook reader, the UDF catalogue and the docs (case format, workbook, UDF and rules pages).

The declarations are made for one test only (``monkeypatch`` on the catalogue, ``RULES.extended`` for the rule) and
``test_the_declarations_are_gone_afterwards`` checks that nothing stays behind.
"""
from __future__ import annotations

import copy
import dataclasses
import json
import zipfile
from pathlib import Path

import pytest

from jidi_xl import case as case_mod
from jidi_xl import fields as F
from jidi_xl.case import parse_case
from jidi_xl.errors import InputError
from jidi_xl.evaluate import evaluate_case
from jidi_xl.report import to_dict
from jidi_xl.results import Outcome
from jidi_xl.rules import RULE_IDS, RULES
from jidi_xl.rules import docs as rules_docs
from jidi_xl.rules.declare import CONDITION, Rule, reads_case
from jidi_xl.ruleset import load_ruleset
from jidi_xl.synth import fragment
from udfs import gen_docs
from udfs.adapters import boolean
from udfs.registry import PART_ARG, REGISTRY, Arg, formulas_functions, pick, udf
from workbooks import docs as workbook_docs
from workbooks import layout
from workbooks import reader as reader_mod
from workbooks.codec import case_cells
from workbooks.generate import write_book
from workbooks.limits import standard_limits
from workbooks.reader import defined_names, read_case

RS = load_ruleset()
EXAMPLE = Path(__file__).resolve().parent.parent / "examples" / "01_general_track_pass.json"   # meets every condition

# -- the test rule-set's two declarations -------------------------------------------------------------------
EXTRA = "art_extra"
UDF_NAME = "JIDI_TEST_EXTRA"
FIELD = F.Field("voluntary", "boolean", "自愿申报", "遵循公开征集、自愿申报原则提出申请的选“是”", "in_voluntary")
# its block on 基本信息, placed before 第七条 (the catalogue's groups are the sheet's blocks, in order)
BLOCK = F.Group("art9", F.S_BASIC, "第九条", "自愿申报（测试）", "", ("recognition.voluntary",))


def _declare_field(monkeypatch) -> str:
    """The field in the catalogue's ``recognition`` section and its block on 基本信息: its case path."""
    rec = F.find("recognition")
    root = dataclasses.replace(F.CASE, items=tuple(
        dataclasses.replace(rec, items=rec.items + (FIELD,)) if x is rec else x for x in F.CASE.items))
    monkeypatch.setattr(F, "CASE", F._set_paths(dataclasses.replace(root, path=""), ""))
    at = next(i for i, g in enumerate(F.GROUPS) if g.key == "art7")
    monkeypatch.setattr(F, "GROUPS", F.GROUPS[:at] + (BLOCK,) + F.GROUPS[at:])
    monkeypatch.setitem(F.GROUP, BLOCK.key, BLOCK)
    monkeypatch.setattr(case_mod, "_VALIDATORS", {})      # validators are built from the catalogue, once per rule-set
    return F.find("recognition.voluntary").path


@pytest.fixture
def extension(monkeypatch):
    """The test rule-set: the extra field, then the extra rule that reads it (its wiring names the field's path,
    which the catalogue must know), its UDF and its argument contract; yields (rule, field path, layout)."""
    path = _declare_field(monkeypatch)
    rule = Rule(EXTRA, "第九条", "自愿申报", role=CONDITION, overridable=True)

    @rule
    def art9_voluntary(rs, voluntary: bool | None):
        """示范基地的申报认定遵循公开征集、自愿申报原则。"""
        outcome = {True: Outcome.PASS, False: Outcome.FAIL, None: Outcome.REVIEW}[voluntary]
        return rule.result(outcome, f"自愿申报：{ {True: '是', False: '否', None: '未填'}[voluntary] }", "试行条件")

    reads_case(rule, path)(lambda case, ref, voluntary: art9_voluntary(case.ruleset, voluntary))
    monkeypatch.setitem(F.CONDITION_ARGS, EXTRA, rule.reads)          # the UDF's argument on the workbook

    with RULES.extended(rule, before="art15"):
        @udf(UDF_NAME, "（测试）第九条：自愿申报", EXTRA, "结果/数据/理由/依据", Arg("voluntary", "是否自愿申报"), PART_ARG)
        def extra_udf(voluntary, part=None):
            return pick(art9_voluntary(load_ruleset(), boolean(voluntary, FIELD.label)), part)

        try:
            yield rule, path, layout.build(RS)
        finally:
            REGISTRY.pop(UDF_NAME, None)


def _case(path: str, value) -> dict:
    base = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    return _merged(base, fragment({path: value}))


def _merged(base: dict, over: dict) -> dict:
    out = copy.deepcopy(base)
    for k, v in over.items():
        out[k] = _merged(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def _static_rows(L, sheet) -> list[dict]:
    rows: dict = {}
    for t in L.statics:
        if t.sheet == sheet:
            rows.setdefault(t.row, {})[t.col] = t.value
    return list(rows.values())


def test_an_extra_field_and_an_extra_rule_are_found_in_every_face(extension, tmp_path, monkeypatch):
    rule, path, L = extension
    assert rule.reads == (path,) and path == "recognition.voluntary"

    # the JSON Schema and the validation
    assert F.case_schema(RS)["properties"]["recognition"]["properties"]["voluntary"] == {"type": ["boolean", "null"]}
    with pytest.raises(InputError) as exc:
        parse_case(_case(path, "是"))
    assert [p.field for p in exc.value.problems] == [path]

    # the registry, the ids, the evaluation: a recognition condition of every case, read from the field
    assert RULES[EXTRA] is rule and [r.id for r in RULES.conditions][-2:] == [EXTRA, "art15"] and EXTRA in RULE_IDS
    assert rule.clause == "示范基地的申报认定遵循公开征集、自愿申报原则。"
    for value, outcome in ((True, Outcome.PASS), (False, Outcome.FAIL), (None, Outcome.REVIEW)):
        rep = evaluate_case(parse_case(_case(path, value)))
        got = rep.recognition.condition(EXTRA)
        assert (got.outcome, got.article, got.title) == (outcome, "第九条", "自愿申报")
        assert rep.recognition.verdict.outcome is outcome
        assert rep.recognition.failing_articles == ([] if outcome is Outcome.PASS else ["第九条"])
    assert [c["rule"] for c in to_dict(rep)["recognition"]["conditions"]][-2:] == [EXTRA, "art15"]
    over = {"overrides": [{"rule": EXTRA, "outcome": "PASS", "justification": "已核实自愿申报材料", "reviewer": "张三"}]}
    rep = evaluate_case(parse_case(_merged(_case(path, False), over)))
    assert rep.recognition.condition(EXTRA).overridden and rep.recognition.verdict.outcome is Outcome.PASS
    assert "第九条自愿申报" in rep.recognition.verdict.reason

    # the generated workbook: the field's named cell with its validation, the rule's rows and formula
    n = L[FIELD.name]
    assert (n.sheet, n.json, n.kind, n.label) == (F.S_BASIC, path, "bool", FIELD.label)
    triple = (EXTRA, rule.title, rule.article)
    assert len([r for r in _static_rows(L, layout.S_RESULT) if (r.get(0), r.get(1), r.get(2)) == triple]) == 1
    assert len([r for r in _static_rows(L, layout.S_OVR) if (r.get(1), r.get(2), r.get(3)) == (EXTRA, rule.article, rule.title)]) == 1
    computed = L[f"out_{EXTRA}_computed"]
    formula = next(f.formula for f in L.formulas if (f.sheet, f.row, f.col) == (computed.sheet, computed.row, computed.col))
    assert f"{UDF_NAME}({FIELD.name}" in formula
    assert f"in_ovr_{EXTRA}" in L.names and L["out_final_outcomes"].nrows == len(RULES.conditions)
    # the test rule-set's standard template is the extended layout's (one block and two rows longer than the
    # shipped one): the reader checks a book against it, as it checks a notice's book against that notice's
    template = tmp_path / "template.xlsx"
    template.write_bytes(write_book({}, None, L=L))
    monkeypatch.setattr(reader_mod, "book_limits", lambda _path: standard_limits(str(template)))
    raw = _case(path, True)
    book = tmp_path / "extended.xlsx"
    book.write_bytes(write_book(case_cells(raw, L), None, L=L))
    assert defined_names(book)[FIELD.name][:3] == (n.sheet, n.row, n.col)
    with zipfile.ZipFile(book) as z:          # the cell's input message
        assert FIELD.help in "".join(z.read(i).decode() for i in z.namelist() if i.startswith("xl/worksheets/sheet"))

    # the reader: the field read back from the workbook, and the case it reads evaluates the extra rule
    back = read_case(book, layout=L)
    assert back["recognition"]["voluntary"] is True
    assert evaluate_case(parse_case(back)).recognition.condition(EXTRA).outcome is Outcome.PASS

    # the UDF catalogue: the function, its rule and article (read from the declaration)
    u = REGISTRY[UDF_NAME]
    assert u.rule == EXTRA and u.article == rule.article and UDF_NAME in formulas_functions()
    assert u.func(True) == "符合" and u.func("否") == "不符合" and u.func(True, "依据") == "第九条"

    # the docs: the case format's field table, the workbook page, the UDF page, the rules page
    assert f"| `{path}` | boolean |" in F.markdown_table(RS)
    assert f"| `{FIELD.name}` |" in workbook_docs.render(L)
    page = gen_docs.render()
    assert f"### {UDF_NAME}\n" in page and "第九条" in page
    assert EXTRA in rules_docs.render() and rule.clause in rules_docs.render()


def test_the_declarations_are_gone_afterwards():
    assert EXTRA not in RULES and EXTRA not in RULE_IDS and UDF_NAME not in REGISTRY
    assert EXTRA not in F.CONDITION_ARGS and BLOCK.key not in F.GROUP
    with pytest.raises(KeyError):
        F.find("recognition.voluntary")
    assert FIELD.name not in layout.build(RS).names
