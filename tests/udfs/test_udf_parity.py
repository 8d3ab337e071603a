"""Each JIDI_ function equals its rule, identically in both runtimes (spec §0, §10; docs/udfs.md).

Every case is written the way a worksheet holds it and evaluated twice:

* **Excel** — the ``udfs.excel`` twin called with what xlwings hands a UDF: floats for numbers, ``datetime``
  for date cells, ``None`` for blanks, lists of lists for range arguments (``ndim=2``) and error values
  as text (``err_to_str=True``);
* **headless** — a real workbook (openpyxl) with one sheet per case calling the function on cell
  references, recalculated once for the whole module by ``formulas`` after registering
  ``udfs.registry.formulas_functions()`` (as ``NAME`` and ``_XLUDF.NAME``, before loading).

Both must equal the value obtained by calling the ``jidi_xl`` rule directly; input errors must be the
same ``输入错误：<字段>：…`` text in both; no cell may end in an Excel error value.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from fractions import Fraction
from typing import Any

import pytest

from jidi_xl import rules
from jidi_xl.case import Firm, Penalty
from jidi_xl.results import Outcome
from jidi_xl.ruleset import load_ruleset
from jidi_xl.rules.chapter4 import GRADES
from udfs import excel
from jidi_xl.values import credit_code_check_character
from udfs.adapters import EXCEL_EPOCH
from udfs.registry import INPUT_ERROR, INTERNAL_ERROR, REGISTRY, formulas_functions

RS = load_ruleset()


# -- how a case is written -----------------------------------------------------------------------

@dataclass(frozen=True)
class XlErr:
    """An Excel error value in an input cell (written as a formula producing it)."""
    code: str
    formula: str


NA = XlErr("#N/A", "NA()")
DIV0 = XlErr("#DIV/0!", "1/0")


@dataclass(frozen=True)
class Lit:
    """A literal written inside the formula instead of a cell reference."""
    value: Any


@dataclass(frozen=True)
class InputErr:
    """Expected: an input error naming ``field``."""
    field: str


@dataclass(frozen=True)
class Case:
    id: str
    udf: str
    args: tuple
    expected: Any


def serial(d: date) -> int:
    return (d - EXCEL_EPOCH).days


def blank(x):
    return "" if x is None else x


# -- cases ---------------------------------------------------------------------------------------

def _code(i: int) -> str:
    """A valid 统一社会信用代码 (GB 32100-2015 check character) for row i."""
    return f"91110000MA{i:07d}" + credit_code_check_character(f"91110000MA{i:07d}")


def _roster_rows(counts: dict[str, int], start: int = 0, size: str = "小型") -> list[list]:
    rows, i = [], start
    for industry, k in counts.items():
        for _ in range(k):
            rows.append([f"企业{i:03d}", _code(i), industry, None, None, None, None, size, "是"])
            i += 1
    return rows


def _firms(rows) -> list[Firm]:
    return [Firm(name=r[0], credit_code=r[1], industry=RS.code_for("industries", r[2]),
                 size_class=RS.code_for("size_classes", r[7]), beijing_registered=True) for r in rows]


ROSTER_60 = _roster_rows({"新一代信息技术": 20, "集成电路": 16, "文化创意": 14, "商务服务": 10})   # 36/60 = 60%
ROSTER_59 = ROSTER_60[:59]                                                                         # n = 59 < 60
LEAD = [["新一代信息技术"], ["集成电路"]]


def _art6_5(rows, lead, hpp=False):
    return rules.art6_5_firms(RS, _firms(rows), [RS.code_for("industries", c[0]) for c in lead] or None, hpp)


def area_cases():
    for b, p in ((4999, 500), (5000, 500), (5001, 500), (5000, 499), (5001, 501)):
        yield Case(f"art6_4_{b}_{p}", "JIDI_ART6_4", (b, p), rules.art6_4_area(RS, b, p).outcome.zh)
    yield Case("art6_4_figures", "JIDI_ART6_4", (5000, 500, "数据"), rules.art6_4_area(RS, 5000, 500).figures)
    yield Case("art6_4_literals", "JIDI_ART6_4", (Lit(4999), Lit(500), Lit("依据")), rules.art6_4_area(RS, 4999, 500).article)
    yield Case("art6_4_blank", "JIDI_ART6_4", (None, 500), rules.art6_4_area(RS, None, 500).outcome.zh)
    yield Case("art6_4_text", "JIDI_ART6_4", ("5000平方米", 500), InputErr("建筑总面积"))
    yield Case("art6_4_na", "JIDI_ART6_4", (5000, NA), InputErr("公共服务空间"))
    yield Case("art6_4_div0", "JIDI_ART6_4", (DIV0, 500), InputErr("建筑总面积"))
    yield Case("art6_4_public_gt_building", "JIDI_ART6_4", (5000, 5001), InputErr("公共服务空间"))
    yield Case("art6_4_negative", "JIDI_ART6_4", (-1, 0), InputErr("建筑总面积"))
    yield Case("art6_4_unknown_part", "JIDI_ART6_4", (5000, 500, "结论"), InputErr("part"))


def size_cases():
    table = [  # (sector label, employees, revenue, assets, declared)
        ("工业", 20, 300, None, None), ("工业", 19, 300, None, None), ("工业", 300, 2000, None, None),
        ("工业", 1000, 40000, None, None), ("零售业", 10, 100, None, None), ("零售业", 50, 499, None, None),
        ("农、林、牧、渔业", None, 50, None, None), ("农、林、牧、渔业", None, 49.5, None, None),
        ("软件和信息技术服务业", 100, 1000, None, None), ("建筑业", None, 300, 299, None),
        ("批发业", 5, 1000, None, "微型"), ("industry", 20, None, None, None),
    ]
    for i, (sector, e, r, a, d) in enumerate(table):
        code = next(c for c, s in RS.size_standards["sectors"].items() if sector in (c, s["label"]))
        res = rules.size_class(RS, code, e, r, a, RS.code_for("size_classes", d) if d else None)
        expected = RS.label("size_classes", res.value) if res.value else res.outcome.zh
        yield Case(f"size_{i}_{code}", "JIDI_SIZE_CLASS", (sector, e, r, a, d), expected)
    res = rules.size_class(RS, "industry", 19, 300, None)
    yield Case("size_reason", "JIDI_SIZE_CLASS", ("工业", 19, 300, None, None, "理由"), res.reason)
    yield Case("size_unknown_sector", "JIDI_SIZE_CLASS", ("制造业", 20, 300, None), InputErr("划型行业"))
    yield Case("size_unknown_declared", "JIDI_SIZE_CLASS", ("工业", 20, 300, None, "小微"), InputErr("已申报规模"))


def firm_cases():
    r60, r59 = _art6_5(ROSTER_60, LEAD), _art6_5(ROSTER_59, LEAD)
    yield Case("concentration_60pct", "JIDI_CONCENTRATION", (ROSTER_60, LEAD), float(r60.value["ratio"]))
    assert r60.value["ratio"] == Fraction(3, 5)
    yield Case("concentration_59", "JIDI_CONCENTRATION", (ROSTER_59, LEAD), float(r59.value["ratio"]))
    yield Case("art6_5_60", "JIDI_ART6_5", (ROSTER_60, LEAD, "否"), r60.outcome.zh)
    yield Case("art6_5_59", "JIDI_ART6_5", (ROSTER_59, LEAD, "否"), r59.outcome.zh)
    yield Case("art6_5_n", "JIDI_ART6_5", (ROSTER_60, LEAD, "否", "n"), r60.value["n"])
    yield Case("count_60", "JIDI_SMALL_MICRO_COUNT", (ROSTER_60,), 60)
    yield Case("track_60", "JIDI_TRACK", (ROSTER_60, LEAD, "否"), "一般基地" if r60.value["track"] == "general" else "?")
    derived = _art6_5(ROSTER_60, [])
    names = "、".join(RS.label("industries", c) for c in derived.value["leading"])
    yield Case("leading_derived", "JIDI_LEADING_INDUSTRIES", (ROSTER_60, [[None], [None]]), f"{names}（推定）")
    dup = [row[:] for row in ROSTER_60[:3]]
    dup[2][1] = dup[0][1]
    yield Case("roster_duplicate", "JIDI_SMALL_MICRO_COUNT", (dup,), InputErr("入驻企业名册第3行·统一社会信用代码"))
    bad = [row[:] for row in ROSTER_60[:3]]
    bad[1][2] = "互联网"
    yield Case("roster_unknown_industry", "JIDI_CONCENTRATION", (bad, LEAD), InputErr("入驻企业名册第2行·所属产业"))
    na = [row[:] for row in ROSTER_60[:3]]
    na[0][4] = NA
    yield Case("roster_na", "JIDI_ART6_5", (na, LEAD, "否"), InputErr("入驻企业名册第1行·从业人员"))


def date_cases():
    for changed, due in ((date(2025, 9, 19), date(2025, 11, 6)), (date(2024, 1, 15), date(2024, 2, 29)),
                         (date(2026, 1, 30), date(2026, 3, 19))):
        assert rules.filing_deadline(RS, changed) == due          # the spec's checked examples (§9)
        yield Case(f"deadline_{changed}", "JIDI_FILING_DEADLINE", (changed,), serial(due))
    yield Case("deadline_serial_in", "JIDI_FILING_DEADLINE", (serial(date(2025, 9, 19)),), serial(date(2025, 11, 6)))
    yield Case("deadline_text_in", "JIDI_FILING_DEADLINE", ("2025-09-19",), serial(date(2025, 11, 6)))
    yield Case("deadline_na", "JIDI_FILING_DEADLINE", (NA,), InputErr("变更日期"))
    yield Case("deadline_bad_text", "JIDI_FILING_DEADLINE", ("9月19日",), InputErr("变更日期"))
    c = date(2025, 9, 19)
    yield Case("workdays", "JIDI_WORKDAYS", (c, date(2025, 11, 6)), RS.calendar.working_days_between(c, date(2025, 11, 6)))
    for filed in (date(2025, 11, 6), date(2025, 11, 7), None):
        r = rules.art17_filing(RS, "name", c, filed)
        yield Case(f"art17_{filed}", "JIDI_ART17", ("名称变更", c, filed), r.outcome.zh)
    yield Case("art17_due", "JIDI_ART17", ("地址变更", c, None, "值"), serial(rules.art17_filing(RS, "address", c, None).value))
    yield Case("art17_unknown_kind", "JIDI_ART17", ("法人变更", c, None), InputErr("变更事项"))
    yield Case("art17_filed_before", "JIDI_ART17", ("名称变更", c, date(2025, 9, 18)), InputErr("备案日期"))
    revoked = date(2023, 7, 1)
    ground = RS.label("revocation_grounds", "false_materials")
    for ref in (date(2025, 6, 30), date(2025, 7, 1)):
        r = rules.reapplication_ban(RS, ref, [(revoked, "false_materials")])
        yield Case(f"ban_{ref}", "JIDI_BAN", (ref, [[revoked, ground]]), r.outcome.zh)
    r = rules.reapplication_ban(RS, date(2024, 6, 30), [(revoked, "evaluation_failed")])
    yield Case("ban_art14_no_ban", "JIDI_BAN", (date(2024, 6, 30), [[revoked, RS.label("revocation_grounds", "evaluation_failed")]]),
               r.outcome.zh)
    yield Case("ban_end", "JIDI_BAN_END", (revoked,), serial(rules.ban_end(RS, revoked)))
    yield Case("ban_before_in_force", "JIDI_BAN", (date(2022, 5, 18), [[None, None]]), InputErr("参照日期"))
    yield Case("ban_unknown_ground", "JIDI_BAN", (date(2025, 6, 30), [[revoked, "违规"]]), InputErr("撤销记录第1行·撤销原因"))


def chapter4_cases():
    for i, totals in enumerate(([90, 85, 80, 95], [90, 85, 80, 95, 70], [88.5, 91, 79, 93.25, 86, 90])):
        yield Case(f"trimmed_{i}", "JIDI_TRIMMED_MEAN", ([[t] for t in totals],), float(rules.trimmed_mean(RS, totals)))
    yield Case("trimmed_text", "JIDI_TRIMMED_MEAN", ([[90], ["八十五"]],), InputErr("专家总分第2项"))
    pass_score, good_score = RS.p("chapter4.pass_score"), RS.p("chapter4.good_score")
    edges = sorted({pass_score, good_score, *(lo for lo, _ in RS.p("chapter4.star_bands"))})
    scores = sorted({s for e in edges for s in (Fraction(e) - Fraction(1, 100), Fraction(e))} | {Fraction(100)})
    for s in scores:
        g = rules.grade(RS, True, Outcome.PASS, s)
        yield Case(f"grade_{float(s)}", "JIDI_GRADE", ("是", "符合", float(s)), GRADES[g.value])
        yield Case(f"stars_{float(s)}", "JIDI_STARS", (float(s), GRADES[g.value]), blank(rules.stars(RS, s, g.value)))
    yield Case("grade_not_participated", "JIDI_GRADE", ("否", "符合", 95), "不合格")
    yield Case("grade_basic_fail", "JIDI_GRADE", ("是", "不符合", 95), "不合格")
    yield Case("grade_basic_review", "JIDI_GRADE", ("是", "待核实", 95), "待核实")
    for n in range(1, 6):
        for grade in ("较好", "一般"):
            code = next(c for c, zh in GRADES.items() if zh == grade)
            yield Case(f"tier_{n}_{code}", "JIDI_FUNDING_TIER", (n, grade), blank(rules.funding_tier(RS, n, code)))
    yield Case("tier_fraction", "JIDI_FUNDING_TIER", (3.5, "较好"), InputErr("星级"))


def override_cases():
    yield Case("override_none", "JIDI_OVERRIDE", ("不符合", None, None), "不符合")
    yield Case("override_justified", "JIDI_OVERRIDE", ("不符合", "符合", "原则上条款：企业数差一家，经复核同意"), "符合")
    yield Case("override_unjustified", "JIDI_OVERRIDE", ("不符合", "符合", None), InputErr("改判理由"))
    yield Case("override_short", "JIDI_OVERRIDE", ("不符合", "符合", "同意"), InputErr("改判理由"))
    yield Case("combine", "JIDI_COMBINE", ([["符合"], [None], ["待核实"], ["符合"]],), "待核实")
    yield Case("combine_input_error_counts_review", "JIDI_COMBINE", ([["符合"], [f"{INPUT_ERROR}建筑总面积：…"]],), "待核实")
    yield Case("combine_error_value", "JIDI_COMBINE", ([["符合"], [NA]],), "待核实")
    yield Case("combine_fail", "JIDI_COMBINE", ([["符合"], ["不符合"], ["待核实"]],), "不符合")


def misc_cases():
    for rate in (0.9, 0.89):
        yield Case(f"art6_9_{rate}", "JIDI_ART6_9", (rate, None, None, "是"),
                   rules.art6_9_satisfaction(RS, rate, None, None, True).outcome.zh)
    yield Case("art6_9_27_of_30", "JIDI_ART6_9", (None, 27, 30, "是"), rules.art6_9_satisfaction(RS, None, 27, 30, True).outcome.zh)
    yield Case("art6_9_over_100pct", "JIDI_ART6_9", (90, None, None, "是"), InputErr("满意度"))
    yield Case("art6_9_bad_yes_no", "JIDI_ART6_9", (0.95, None, None, "可能"), InputErr("公益性免费服务"))
    ref = date(2025, 6, 30)
    for established in (date(2023, 6, 30), date(2023, 7, 1)):
        r = rules.art6_1_operator(RS, ref, True, True, established, True)
        yield Case(f"art6_1_{established}", "JIDI_ART6_1", (ref, [["是"], ["是"], [True]], established), r.outcome.zh)
    pen = [[date(2023, 6, 30), "严重行政处罚", "单位", "x"]]
    r = rules.art6_2_conduct(RS, ref, True, [Penalty(date(2023, 6, 30), "serious_administrative", "unit", "x")], False)
    yield Case("art6_2_window_edge", "JIDI_ART6_2", (ref, "是", pen, "是", "否"), r.outcome.zh)
    yield Case("art6_2_unknown_kind", "JIDI_ART6_2", (ref, "是", [[ref, "警告", "单位", None]], "是", "否"),
               InputErr("处罚记录第1行·处罚类型"))
    flags = [["是"], ["否"], ["是"], ["否"], ["否"], ["否"], ["否"], ["是"]]
    chosen = [c for c, f in zip(RS.code_list("service_functions"), flags) if f[0] == "是"]
    yield Case("art7", "JIDI_ART7", (flags,), rules.art7_services(RS, chosen).outcome.zh)
    yield Case("art7_count", "JIDI_ART7_COUNT", (flags,), len(chosen))
    yield Case("art7_too_few_cells", "JIDI_ART7", ([["是"]] * 7,), InputErr("服务功能"))


def penalty_record_cases():
    """处罚记录已核查 (spec §0): only 是 makes a blank penalty table "checked, none"; entered rows always count."""
    ref, year = date(2025, 6, 30), 2024
    none_rows = [[None] * 4, [None] * 4]
    crim = [[date(2024, 3, 1), "刑事处罚", "法定代表人", None]]
    crim_p = [Penalty(date(2024, 3, 1), "criminal", "legal_representative")]
    admin = [[date(2024, 3, 1), "一般行政处罚", "单位", None]]
    admin_p = [Penalty(date(2024, 3, 1), "administrative", "unit")]

    def a62(pens, part=None):
        r = rules.art6_2_conduct(RS, ref, True, pens, False)
        return {None: r.outcome.zh, "数据": r.figures, "理由": r.reason}[part]

    def a15(pens, part=None):
        r = rules.art15_triggers(RS, date(year, 1, 1), date(year, 12, 31), False, pens, False)
        return {None: r.outcome.zh, "数据": r.figures}[part]

    assert (a62([]), a62(None), a62(crim_p)) == ("符合", "待核实", "不符合")
    assert (a15([]), a15(None), a15(crim_p)) == ("符合", "待核实", "不符合")
    for flag, tag in (("是", "yes"), (True, "true"), (None, "blank"), ("否", "no")):
        checked = flag in ("是", True)
        yield Case(f"art6_2_{tag}_no_rows", "JIDI_ART6_2", (ref, "是", none_rows, flag, "否"), a62([] if checked else None))
        yield Case(f"art6_2_{tag}_criminal", "JIDI_ART6_2", (ref, "是", crim, flag, "否"), a62(crim_p))
        yield Case(f"art15_{tag}_no_rows", "JIDI_ART15", (year, "否", none_rows, flag, "否"), a15([] if checked else None))
        yield Case(f"art15_{tag}_criminal", "JIDI_ART15", (year, "否", crim, flag, "否"), a15(crim_p))
    yield Case("art6_2_blank_no_rows_figures", "JIDI_ART6_2", (ref, "是", none_rows, None, "否", "数据"), a62(None, "数据"))
    yield Case("art6_2_blank_no_rows_reason", "JIDI_ART6_2", (ref, "是", none_rows, None, "否", "理由"), a62(None, "理由"))
    yield Case("art6_2_blank_admin_row", "JIDI_ART6_2", (ref, "是", admin, None, "否"), a62(admin_p))
    yield Case("art15_blank_no_rows_figures", "JIDI_ART15", (year, "否", none_rows, None, "否", "数据"), a15(None, "数据"))
    yield Case("art6_2_checked_bad_text", "JIDI_ART6_2", (ref, "是", none_rows, "已查", "否"), InputErr("处罚记录已核查"))
    yield Case("art15_checked_na", "JIDI_ART15", (year, "否", none_rows, NA, "否"), InputErr("处罚记录已核查"))


def bad_value_cases():
    """Issue 7: absurd numbers, a decimal comma, a year in a date cell, a bad check character, a revocation after
    the reference date — an input error naming the cell's field, never a PASS; at, below and above each bound."""
    area = lambda b: rules.art6_4_area(RS, b, 500).outcome.zh   # noqa: E731
    for tag, text, expected in [("grouped", "49,999", area(49999)), ("grouped_decimal", "1,234,567.5", area(1234567.5)),
                                ("decimal_comma", "4999,9", InputErr("建筑总面积")), ("short_group", "1,23", InputErr("建筑总面积")),
                                ("long_group", "1,2345", InputErr("建筑总面积")), ("fullwidth_comma", "4999，9", InputErr("建筑总面积")),
                                ("inf_text", "inf", InputErr("建筑总面积")), ("overflow_text", "1e999", InputErr("建筑总面积")),
                                ("nan_text", "NaN", InputErr("建筑总面积")), ("at_max", 1e12, area(10 ** 12)),
                                ("above_max", 1.000001e12, InputErr("建筑总面积"))]:
        yield Case(f"bad_area_{tag}", "JIDI_ART6_4", (text, 500), expected)
    ref = date(2025, 6, 30)
    a61 = lambda d: rules.art6_1_operator(RS, ref, True, True, d, True).outcome.zh   # noqa: E731
    for tag, cell, expected in [("year", 2024, InputErr("成立日期")), ("year_text", "2024", InputErr("成立日期")),
                                ("year_in_date_cell", date(1905, 7, 16), InputErr("成立日期")),
                                ("yyyymmdd", 20200301, InputErr("成立日期")), ("serial_floor", 18172, a61(date(1949, 10, 1))),
                                ("serial_below_floor", 18171, InputErr("成立日期")),
                                ("text_below_floor", "1949-09-30", InputErr("成立日期")),
                                ("text_above_ceiling", "2101-01-01", InputErr("成立日期"))]:
        yield Case(f"bad_date_{tag}", "JIDI_ART6_1", (ref, [["是"], ["是"], ["是"]], cell), expected)
    penalty = RS.label("revocation_grounds", "penalty")
    for tag, revoked, expected in [("on_ref", ref, rules.reapplication_ban(RS, ref, [(ref, "penalty")]).outcome.zh),
                                   ("after_ref", date(2025, 7, 1), InputErr("撤销记录第1行·撤销日期"))]:
        yield Case(f"ban_revoked_{tag}", "JIDI_BAN", (ref, [[revoked, penalty]]), expected)
    bad = [row[:] for row in ROSTER_60[:3]]
    bad[1][1] = bad[1][1][:-1] + ("0" if bad[1][1][-1] != "0" else "1")
    yield Case("roster_bad_check_character", "JIDI_SMALL_MICRO_COUNT", (bad,), InputErr("入驻企业名册第2行·统一社会信用代码"))
    short = [row[:] for row in ROSTER_60[:3]]
    short[0][1] = short[0][1][:17]
    yield Case("roster_17_characters", "JIDI_SMALL_MICRO_COUNT", (short,), InputErr("入驻企业名册第1行·统一社会信用代码"))
    lower = [row[:] for row in ROSTER_60[:3]]
    lower[2][1] = f" {lower[2][1].lower()} "
    yield Case("roster_lower_case_code", "JIDI_SMALL_MICRO_COUNT", (lower,), 3)
    # 第十七条 with no holiday data for 2027: that filing is 待核实, its deadline blank, as the rules engine says
    for changed in (date(2026, 11, 19), date(2026, 11, 20), date(2027, 2, 1)):
        r = rules.art17_filing(RS, "name", changed, None)
        yield Case(f"art17_calendar_{changed}", "JIDI_ART17", ("名称变更", changed, None), r.outcome.zh)
        yield Case(f"art17_calendar_{changed}_figures", "JIDI_ART17", ("名称变更", changed, None, "数据"), r.figures)
        yield Case(f"deadline_calendar_{changed}", "JIDI_FILING_DEADLINE", (changed,), serial(r.value) if r.value else "")


def registry_bug_cases():
    """What the registry should answer; it does not yet (see KNOWN_BUGS)."""
    yield Case("bug_value_part_dict", "JIDI_ART6_3", ([["是"]] * 3, "值"), InputErr("part"))
    yield Case("bug_override_unknown_label", "JIDI_OVERRIDE", ("不符合", "通过", "经复核，差额在原则上条款内"), InputErr("改判结果"))
    yield Case("bug_override_numeric_reason", "JIDI_OVERRIDE", ("不符合", "符合", 12345), "符合")
    yield Case("bug_failing_blank_article", "JIDI_FAILING_ARTICLES", ([["不符合"], ["符合"]], [[None], ["第七条"]]),
               InputErr("对应条款第1项"))


CASES = [*area_cases(), *size_cases(), *firm_cases(), *date_cases(), *chapter4_cases(), *override_cases(), *misc_cases(),
         *penalty_record_cases(), *bad_value_cases(), *registry_bug_cases()]

# Registry bugs, reported to the owner of udfs/functions.py and udfs/registry.py; strict, so that the fix
# turns these into failures that ask for the marker to go.
KNOWN_BUGS: dict[str, str] = {}   # registry bugs found by these cases, all fixed; a new one goes here, strict


def _params(cases):
    return [pytest.param(c, id=c.id, marks=[pytest.mark.xfail(strict=True, reason=KNOWN_BUGS[c.id])]
                         if c.id in KNOWN_BUGS else []) for c in cases]


# -- the two runtimes ------------------------------------------------------------------------------

def _xlwings_value(v):
    """One cell as xlwings passes it to a UDF."""
    if isinstance(v, Lit):
        return _xlwings_value(v.value)
    if isinstance(v, XlErr):
        return v.code
    if isinstance(v, bool) or v is None or isinstance(v, (str, datetime)):
        return v
    if isinstance(v, date):
        return datetime(v.year, v.month, v.day)
    return float(v)


def _xlwings_args(case: Case) -> list:
    out = []
    for v, a in zip(case.args, REGISTRY[case.udf].args):
        if a.range:
            out.append([[_xlwings_value(c) for c in row] for row in v])
        else:
            out.append(_xlwings_value(v))
    return out


def _literal(v) -> str:
    if isinstance(v, str):
        return '"' + v.replace('"', '""') + '"'
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    return repr(v)


def _write_cell(ws, row: int, col: int, v) -> None:
    if v is None:
        return
    cell = ws.cell(row, col)
    if isinstance(v, XlErr):
        cell.value = f"={v.formula}"
    elif isinstance(v, date):
        cell.value = datetime(v.year, v.month, v.day)
        cell.number_format = "yyyy-mm-dd"
    else:
        cell.value = v


@pytest.fixture(scope="module")
def cases_book(tmp_path_factory):
    """One workbook holding every case (sheet per case, the call in A1): (path, {case id: sheet})."""
    import openpyxl
    from openpyxl.utils import get_column_letter

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    sheets = {}
    for i, case in enumerate([*CASES, *UNIFORM]):
        ws = wb.create_sheet(f"C{i:03d}")
        refs, col = [], 1
        for v, a in zip(case.args, REGISTRY[case.udf].args):
            if isinstance(v, Lit):
                refs.append(_literal(v.value))
                continue
            rows = v if a.range else [[v]]
            width = max(len(r) for r in rows)
            for r, row in enumerate(rows):
                for c, x in enumerate(row):
                    _write_cell(ws, 3 + r, col + c, x)
            top, bottom = f"{get_column_letter(col)}3", f"{get_column_letter(col + width - 1)}{2 + len(rows)}"
            refs.append(top if top == bottom else f"{top}:{bottom}")
            col += width + 1
        ws["A1"] = f"={case.udf}({','.join(refs)})"
        sheets[case.id] = ws.title
    path = tmp_path_factory.mktemp("udfs") / "cases.xlsx"
    wb.save(path)
    return path, sheets


@pytest.fixture(scope="module")
def headless(cases_book):
    """``{case id: value}`` from the cases workbook, recalculated once by formulas."""
    import formulas

    registry = formulas.get_functions()
    for name, fn in formulas_functions().items():          # before loads(): unknown names stay #NAME?
        registry[name] = registry[f"_XLUDF.{name}"] = fn
    path, sheets = cases_book
    solution = formulas.ExcelModel().loads(str(path)).finish().calculate()
    values = {}
    for case_id, sheet in sheets.items():
        key = f"'[cases.xlsx]{sheet.upper()}'!A1"
        assert key in solution, f"{case_id}: the formula cell vanished from the solution (a UDF raised?)"
        values[case_id] = solution[key].value[0, 0]
    return values


def _check(case: Case, value: Any, runtime: str) -> None:
    assert type(value).__name__ != "XlError", f"{runtime}: Excel error value {value}"
    assert isinstance(value, (str, int, float, bool)), f"{runtime}: not a cell value: {value!r}"
    assert not (isinstance(value, str) and value.startswith(("#", INTERNAL_ERROR))), f"{runtime}: {value}"
    if isinstance(case.expected, InputErr):
        assert isinstance(value, str) and value.startswith(f"{INPUT_ERROR}{case.expected.field}"), f"{runtime}: {value}"
    else:
        assert value == case.expected, f"{runtime}: {value!r} != rule {case.expected!r}"


def test_ids_unique():
    assert len({c.id for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", _params(CASES))
def test_udf_equals_rule_in_both_runtimes(case, headless):
    in_excel = getattr(excel, case.udf)(*_xlwings_args(case))
    in_formulas = headless[case.id]
    _check(case, in_excel, "xlwings")
    _check(case, in_formulas, "formulas")
    assert in_excel == in_formulas and type(in_excel) is type(in_formulas)


# -- every function, with blank and with error-valued inputs ------------------------------------------

def _uniform_cases(fill, suffix):
    for name, u in REGISTRY.items():
        args = tuple([[fill]] if a.range else fill for a in u.args if not a.optional)
        yield Case(f"{name}_{suffix}", name, args, None)


UNIFORM = [*_uniform_cases(None, "blank"), *_uniform_cases(NA, "na")]


@pytest.mark.parametrize("case", _params(UNIFORM))
def test_every_function_blank_or_error_inputs(case, headless):
    """All-blank or all-#N/A inputs: the same value in both runtimes, never an Excel error value, never an
    internal error."""
    in_excel = getattr(excel, case.udf)(*_xlwings_args(case))
    in_formulas = headless[case.id]
    for value in (in_excel, in_formulas):
        assert type(value).__name__ != "XlError" and isinstance(value, (str, int, float, bool)), repr(value)
        assert not (isinstance(value, str) and value.startswith(("#", INTERNAL_ERROR))), value
    assert in_excel == in_formulas


# -- the third runtime: LibreOffice Calc with the extension (udfs/libreoffice) --------------------------

def _lo_decides(case: Case) -> bool:
    """Where LibreOffice decides for itself and never calls the function (measured, docs/udfs.md): a literal
    or an expression for a required argument (typed XCellRange), an error value in an optional one (``any``)."""
    for v, a in zip(case.args, REGISTRY[case.udf].args):
        if isinstance(v, Lit) and not a.optional:
            return True
        cells = v if a.range and isinstance(v, list) else [[v]]
        if a.optional and any(isinstance(x, XlErr) for row in cells for x in row):
            return True
    return False


def _as_cell(v):
    """A value as LibreOffice shows it: numbers and booleans as float, blank as ''."""
    if isinstance(v, bool) or isinstance(v, int):
        return float(v)
    return "" if v is None else v


@pytest.fixture(scope="module")
def libreoffice(cases_book, tmp_path_factory):
    """``{case id: value}`` from the same cases workbook, opened and recalculated in LibreOffice (one
    soffice for the module; the extension built and installed into a private profile)."""
    from udfs.libreoffice import build_extension, install_extension
    from udfs.libreoffice.build import LibreOfficeMissing
    try:
        d = tmp_path_factory.mktemp("lo")
        install_extension(build_extension(d / "jidi.oxt"), d / "profile")
    except LibreOfficeMissing as exc:
        pytest.skip(str(exc))
    from udfs.libreoffice.office import Office
    path, sheets = cases_book
    with Office(d / "profile") as office:
        got = office.run([{"op": "load", "path": str(path)}, {"op": "recalc"},
                          {"op": "read", "cells": [f"{sheet}!A1" for sheet in sheets.values()]}, {"op": "close"}])[2]
    return {case_id: got[f"{sheet}!A1"] for case_id, sheet in sheets.items()}


@pytest.mark.parametrize("case", _params([*CASES, *UNIFORM]))
def test_libreoffice_is_the_third_runtime(case, headless, libreoffice):
    """The same value as formulas wherever LibreOffice lets the function decide; Err:504 where it does not."""
    got = libreoffice[case.id]
    if _lo_decides(case):
        assert isinstance(got, str) and got.startswith(("#", "Err:")), got      # an error value, shown by Calc
        return
    assert got == _as_cell(headless[case.id]), f"LibreOffice {got!r} != formulas {headless[case.id]!r}"
