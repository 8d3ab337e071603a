"""No number of law is typed into a text a user reads (issue 10 item 4): the workbook's texts are formatted from
the rule-set's parameters, and the ``JIDI_`` catalogue's descriptions state none.

The workbook is built under a *perturbed* rule-set — every numeric parameter moved to another value — and its
texts (static cells, labels, input messages) are scanned for the figures of the real rule-set: a text that still
says "5000 平方米" or "两年" when the rule-set says otherwise was typed, not formatted. The UDF descriptions,
declared before any rule-set is chosen, are scanned for the real figures directly.
(B's scan of jidi_xl/rules is tests/rules/test_ruleset.py; this extends it to the workbook and the UDFs.)
"""
from __future__ import annotations

import copy
import re
from fractions import Fraction

import pytest

from jidi_xl import texts
from jidi_xl.ruleset import RuleSet, load_ruleset
from udfs.registry import REGISTRY
from workbooks import layout

ZH_DIGITS = "零一二三四五六七八九十"
#: the words that follow a figure of each unit in Chinese text (a ratio's figure is its percentage)
UNIT_WORDS = {
    "year": r"(?:周?年)", "m2": r"(?:平方米|㎡|m²)", "firm": r"(?:家)", "person": r"(?:人|名)",
    "working_day": r"(?:个?工作日)", "expert": r"(?:位|名)", "point": r"(?:分)",
    # a count without a unit: "三项" (not "第3项", an ordinal)
    "": r"(?:项)",
    "万元": r"(?:万元)",
}
#: parameters whose figure is followed by words of their own
PATH_WORDS = {"chapter4.trim_each_side": r"(?:个最高分|个最低分)", "art6_5.max_leading_industries": r"(?:个(?:主导)?产业)"}


def _numeric(rs: RuleSet):
    return [p for p in rs.parameters()
            if isinstance(p.value, (int, float, Fraction)) and not isinstance(p.value, bool)]


def _patterns(rs: RuleSet) -> dict[str, re.Pattern]:
    """For every numeric parameter, the ways a text could state its figure: digits (5000, 5,000) with the
    unit's word, a percentage for a ratio, a Chinese numeral (两年, 三项) for a small whole number."""
    out = {}
    for p in _numeric(rs):
        if isinstance(p.value, Fraction):
            pct = p.value * 100
            forms = [re.escape(texts.figure(p.value))]
            if pct.denominator == 1 and pct <= 100:
                n = int(pct)
                forms.append(f"百分之{ZH_DIGITS[n // 10]}十" if n % 10 == 0 and n >= 20 else f"百分之{n}")
            body = "|".join(forms)
            out[p.path] = re.compile(rf"(?<![\d.,])(?:{body})")
            continue
        v = int(p.value)
        words = PATH_WORDS.get(p.path) or UNIT_WORDS.get(p.unit, UNIT_WORDS[""])
        ordinal = "" if p.unit else "第"       # "第3项" is an ordinal, not a count of three
        digits = {str(v), f"{v:,}"}
        forms = [rf"(?<![\d.,{ordinal}]){re.escape(d)}(?![\d.,])\s*{words}" for d in sorted(digits)]
        if 0 < v <= 10:
            zh = ZH_DIGITS[v] + ("|两" if v == 2 else "")
            forms.append(rf"(?<![一二三四五六七八九十零两{ordinal}])(?:{zh})\s*{words}")
        out[p.path] = re.compile("|".join(forms))
    return out


def _perturbed(rs: RuleSet) -> RuleSet:
    """The rule-set with every numeric parameter moved (whole numbers +17, ratios to k/97): no figure of the real
    rule-set is left in its data."""
    data = copy.deepcopy(rs.data)
    for i, p in enumerate(_numeric(rs)):
        node = data
        for k in p.path.split("."):
            node = node[k]
        node["value"] = f"{11 + i}/97" if isinstance(p.value, Fraction) else int(p.value) + 17
    return RuleSet(data, copy.deepcopy(rs.size_standards), copy.deepcopy(rs.codes))


def _layout_texts(L: layout.Layout) -> list[tuple[str, str]]:
    """(where, text) of every text of a layout: static cells, and the labels and input messages of its names."""
    out = [(f"{t.sheet}!{layout.xl_rowcol_to_cell(t.row, t.col)}", t.value) for t in L.statics if isinstance(t.value, str)]
    for n in L.names.values():
        out += [(f"{n.name}.label", n.label), (f"{n.name}.help", n.help)]
    return out


def _hits(items, patterns):
    return [(where, path, m.group(0), text[:80]) for where, text in items for path, pat in patterns.items()
            for m in [pat.search(text)] if m]


@pytest.fixture(scope="module")
def real():
    return load_ruleset()


def test_the_workbook_texts_state_no_typed_number_of_law(real):
    moved = _perturbed(real)
    hits = _hits(_layout_texts(layout.build(moved)), _patterns(real))
    assert not hits, "texts that state a number of law instead of formatting it from the rule-set " \
                     "(write it as {param.path}, jidi_xl.texts): " + "; ".join(map(str, hits))


@pytest.mark.parametrize("path, expect", [
    ("art6_4.min_building_area_m2", "不少于 {} 平方米"),
    ("art17.filing_working_days", "第 {} 个工作日"),
    ("art6_8.min_qualified_staff", "不少于 {} 人"),
    ("art6_5.hpp.min_firms", "{} 家"),
    ("art15.ban_years", "{:zh}年内不得再次申请"),
    ("chapter4.trim_min_experts", "专家 {} 位及以上"),
])
def test_the_workbook_texts_follow_the_rule_set(real, path, expect):
    """The scan above would pass on a workbook that dropped its figures: these texts name the moved values."""
    moved = _perturbed(real)
    value = moved.p(path)
    text = expect.replace("{:zh}", texts.figure(value, zh=True)).format(texts.figure(value))
    assert any(text in t for _, t in _layout_texts(layout.build(moved))), text


def test_the_default_workbook_states_the_measures_figures(real):
    all_text = "\n".join(t for _, t in _layout_texts(layout.default_layout()))
    for text in ("不少于 5,000 平方米", "第 30 个工作日", "不少于 8 人", "（40 家、80%）", "不低于 90%", "两年内不得再次申请",
                 "成立两年以上", "第六条十项基本条件"):
        assert text in all_text


def test_the_udf_descriptions_state_no_number_of_law(real):
    pats = _patterns(real)
    items = []
    for u in REGISTRY.values():
        items.append((u.name, u.description))
        items += [(f"{u.name}({a.name})", a.doc) for a in u.args] + [(f"{u.name} returns", u.returns)]
    hits = _hits(items, pats)
    assert not hits, "UDF descriptions that state a number of law (phrase them without it; docs/udfs.md " \
                     "and the workbook give the rule-set's figure): " + "; ".join(map(str, hits))


@pytest.mark.parametrize("text, path", [
    ("成立满两年", "art6_1.min_years_established"),
    ("不少于5000平方米", "art6_4.min_building_area_m2"),
    ("不少于 5,000 ㎡", "art6_4.min_building_area_m2"),
    ("不低于90%", "art6_9.min_satisfaction"),
    ("至少具备三项", "art7.min_functions"),
    ("第30个工作日", "art17.filing_working_days"),
    ("5位及以上", "chapter4.trim_min_experts"),
])
def test_the_scan_would_catch_a_typed_figure(real, text, path):
    assert _hits([("x", text)], {path: _patterns(real)[path]})


def test_an_unknown_parameter_in_a_template_is_an_error(real):
    with pytest.raises(KeyError, match="art6_4.no_such"):
        texts.fill(real, "不少于 {art6_4.no_such} 平方米")
    assert texts.fill(real, "{not a path} {x}") == "{not a path} {x}"
    assert texts.fill(real, "{art15.ban_years:zh}年、{art15.ban_years} 年") == "两年、2 年"
