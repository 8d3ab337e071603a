"""The layout of the standard workbook: the single source of truth.

Every input cell or range and every output cell has a **workbook-scope** defined name (sheet-scoped
names give ``#REF!`` in the headless engine), a Chinese label, a type and — for inputs — the
case-format path it fills (docs/case-format.md). The generator (``generate.py``) renders this
layout, the reader (``reader.py``) reads it back, docs/workbook.md is generated from it.

Naming: ``in_…`` inputs (yellow, unlocked), ``out_…`` formula results (locked), ``lst_…`` drop-down
sources on the hidden ``_lists`` sheet, ``info_…`` fixed information cells.

The input cells — which fields, their names, labels, kinds, help texts, table columns and flag groups —
come from the field catalogue :mod:`jidi_xl.fields`; this module places them (rows, columns, widths) and
adds the outputs. A layout is built for a rule-set (:func:`build`, cached by :func:`layout_for`): its code
lists give the 第七条/第八条 cells and the drop-downs. ``LAYOUT`` is the default rule-set's layout, made on
first use (nothing here loads a rule-set at import time).
All rows/columns here are 0-based (XlsxWriter's convention); ``Name.ref`` gives Excel's A1 text.
"""
from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass, field
from typing import Any

from xlsxwriter.utility import xl_col_to_name, xl_rowcol_to_cell

from jidi_xl import fields as F
from jidi_xl import readings, texts
from jidi_xl.fields import CODE_KINDS
from jidi_xl.rules import RULES, Rule
from jidi_xl.rules.chapter5 import EVAL_RULE
from jidi_xl.ruleset import RuleSet, load_ruleset
from udfs import functions as _functions  # noqa: F401 — fills udfs.registry.REGISTRY, which the conditions read
from udfs.registry import REGISTRY

# -- sheets ------------------------------------------------------------------------------------------

S_GUIDE, S_BASIC, S_ROSTER, S_STAFF = "填表说明", F.S_BASIC, F.S_ROSTER, F.S_STAFF
S_CONDUCT, S_CHANGES, S_EVAL, S_OVR = F.S_CONDUCT, F.S_CHANGES, F.S_EVAL, F.S_OVR
S_RESULT, S_CHART, S_PARAMS, S_TEXT, S_LISTS = "评价结果", "产业分布", "参数", "依据", "_lists"

SHEETS: list[tuple[str, str]] = [
    (S_GUIDE, "填表说明：在哪里填写、颜色含义、下拉列表、如何重新计算"),
    (S_BASIC, "基地基本信息、参照日期、评价年度，第六条各项、第七条服务功能、第八条鼓励特征"),
    (S_ROSTER, "入驻企业名册（第六条第（五）项），至多 1000 家"),
    (S_STAFF, "服务人员名单（第六条第（八）项），至多 200 人"),
    (S_CONDUCT, "处罚记录（第六条第（二）项、第十五条）与撤销记录（第十五条再次申请限制）"),
    (S_CHANGES, "重大变更及备案（第十七条），含备案期限和结果"),
    (S_EVAL, "绩效评价（第四章）：参加情况、虚假材料、评分表（指标 × 专家）"),
    (S_OVR, "复核改判：复核人对各条件的改判结果和书面理由"),
    (S_RESULT, "评价结果：各条件的计算结果、改判、最终结果、数据、理由；认定结论；绩效评价与星级"),
    (S_CHART, "入驻企业产业分布图（主导产业标色）"),
    (S_PARAMS, "规则集参数（只读，来自规则集文件）"),
    (S_TEXT, "《北京市小型微型企业创业创新示范基地管理办法》原文"),
    (S_LISTS, "（隐藏）下拉列表的取值"),
]

# Capacities of the repeating blocks.
ROSTER_ROWS, STAFF_ROWS, PENALTY_ROWS = F.ROSTER.rows, F.STAFF.rows, F.PENALTIES.rows
REVOCATION_ROWS, CHANGE_ROWS = F.REVOCATIONS.rows, F.CHANGES.rows
INDICATOR_ROWS, EXPERT_COLS = F.INDICATORS.rows, F.EXPERTS.rows

# -- types --------------------------------------------------------------------------------------------

#: Value types, with the Chinese description used in docs/workbook.md and the input messages.
KINDS: dict[str, str] = {
    "text": "文本",
    "credit_code": "文本（18 位统一社会信用代码）",
    "date": "日期（yyyy-mm-dd）",
    "year": "整数（年份 2000–2100）",
    "bool": "下拉：是/否",
    "number": "数字 ≥ 0",
    "int": "整数 ≥ 0",
    "percent": "百分比 0–100%",
    "points": "分数 ≥ 0",
    "sector": "下拉：划型行业（《中小企业划型标准规定》）",
    "outcome": "下拉：符合/不符合/待核实",
    "reason": "文本（至少 4 个字）",
    "group": "区域（以上各格的组合）",
    "table": "表格区域",
    # outputs
    "result": "结果：符合/不符合/待核实（或“输入错误：…”）",
    "verdict": "认定结论文本",
    "grade": "评价结果：不合格/一般/较好/待核实（未填评价年度时为“未评价”）",
    "out_text": "文本",
    "out_date": "日期（Excel 日期序号，已设日期格式）",
    "out_int": "整数（或空）",
    "out_number": "数字（或空）",
    "out_percent": "比率 0–1（百分比格式，或空）",
    "list": "下拉列表取值",
    "info": "固定信息",
}
for _k, _zh in CODE_KINDS.items():
    KINDS[f"code:{_k}"] = f"下拉：{_zh}（中文标签；代码表 codes.yaml 的 {_k}）"

OUTCOMES = ["符合", "不符合", "待核实"]
YES, NO = "是", "否"


@dataclass(frozen=True)
class Name:
    """One workbook-scope defined name."""

    name: str
    sheet: str
    row: int
    col: int
    nrows: int = 1
    ncols: int = 1
    label: str = ""
    kind: str = "text"
    role: str = "input"          # input | output | list | info
    json: str = ""               # case-format path filled by an input ("firms.roster[].industry")
    help: str = ""               # the input message / the meaning

    @property
    def ref(self) -> str:
        a = xl_rowcol_to_cell(self.row, self.col)
        if self.nrows == 1 and self.ncols == 1:
            return a
        return f"{a}:{xl_rowcol_to_cell(self.row + self.nrows - 1, self.col + self.ncols - 1)}"

    @property
    def where(self) -> str:
        return f"{self.sheet}!{self.ref}"

    @property
    def abs_ref(self) -> str:
        a = xl_rowcol_to_cell(self.row, self.col, True, True)
        if self.nrows > 1 or self.ncols > 1:
            a += ":" + xl_rowcol_to_cell(self.row + self.nrows - 1, self.col + self.ncols - 1, True, True)
        return f"'{self.sheet}'!{a}"

    def cells(self):
        """(row, col) of every cell, row by row."""
        for r in range(self.row, self.row + self.nrows):
            for c in range(self.col, self.col + self.ncols):
                yield r, c

    @property
    def single(self) -> bool:
        return self.nrows == 1 and self.ncols == 1


@dataclass(frozen=True)
class FormulaCell:
    sheet: str
    row: int
    col: int
    formula: str
    kind: str                   # an output kind (KINDS), for the number format and conditional format


@dataclass(frozen=True)
class Static:
    sheet: str
    row: int
    col: int
    value: object
    style: str = "static"       # title | note | header | section | label | article | static | help | num
    last_col: int | None = None  # merge to this column (same row)
    last_row: int | None = None  # merge to this row (same columns)


@dataclass
class Layout:
    names: dict[str, Name] = field(default_factory=dict)
    formulas: list[FormulaCell] = field(default_factory=list)
    statics: list[Static] = field(default_factory=list)
    widths: dict[str, list[tuple[int, int, float]]] = field(default_factory=dict)
    freeze: dict[str, tuple[int, int]] = field(default_factory=dict)
    heights: dict[str, dict[int, float]] = field(default_factory=dict)
    cond: list[tuple[str, int, int, int, int, str]] = field(default_factory=list)  # sheet, r1, c1, r2, c2, style
    anchors: dict[str, tuple[str, int, int]] = field(default_factory=dict)        # where the generator puts things
    spans: dict[tuple[str, int, int], int] = field(default_factory=dict)            # an input cell merged to a column
    lists: list[tuple[str, str, list[str]]] = field(default_factory=list)           # (name, title, values) of _lists
    ruleset: Any = None                                                              # the RuleSet it was built for
    conditions: Any = None                                                           # its Conditions (derive_conditions)

    # -- building --------------------------------------------------------------------------------
    def add(self, **kw) -> Name:
        n = Name(**kw)
        if n.name in self.names:
            raise ValueError(f"duplicate defined name {n.name}")
        self.names[n.name] = n
        return n

    def text(self, sheet, row, col, value, style="static", last_col=None, last_row=None) -> None:
        self.statics.append(Static(sheet, row, col, value, style, last_col, last_row))

    def out(self, name, sheet, row, col, label, kind, formula, help="") -> Name:
        self.formulas.append(FormulaCell(sheet, row, col, formula, kind))
        return self.add(name=name, sheet=sheet, row=row, col=col, label=label, kind=kind, role="output", help=help)

    def formula(self, sheet, row, col, formula, kind) -> None:
        self.formulas.append(FormulaCell(sheet, row, col, formula, kind))

    def height(self, sheet, row, h) -> None:
        self.heights.setdefault(sheet, {})[row] = h

    def widths_of(self, sheet: str, c1: int, c2: int) -> list[float]:
        """The widths of columns ``c1``..``c2`` of a sheet (Excel units; 8.43 where none is set)."""
        set_ = {c: w for a, b, w in self.widths.get(sheet, []) for c in range(a, b + 1)}
        return [set_.get(c, 8.43) for c in range(c1, c2 + 1)]

    # -- queries ---------------------------------------------------------------------------------
    def inputs(self) -> list[Name]:
        return [n for n in self.names.values() if n.role == "input"]

    def outputs(self) -> list[Name]:
        return [n for n in self.names.values() if n.role == "output"]

    def __getitem__(self, name: str) -> Name:
        return self.names[name]


# -- the conditions of the recognition verdict (spec §6), in article order ---------------------------

@dataclass(frozen=True)
class Condition:
    rule: str
    article: str
    title: str
    call: str        # the UDF call without the closing part argument: "JIDI_ART6_3(in_art6_3_flags"


def _condition(rule: Rule) -> Condition:
    """A condition's row, derived: id, article and title from its declaration (jidi_xl.rules.RULES); the function
    is the registry's UDF that computes the rule's 结果 (udfs.registry); its argument cells from the field
    catalogue (jidi_xl.fields.CONDITION_ARGS)."""
    fns = [u.name for u in REGISTRY.values() if u.rule == rule.id and u.returns.startswith("结果")]
    if len(fns) != 1:
        raise ValueError(f"condition {rule.id}: expected one UDF computing its 结果 in udfs.registry, found {fns}")
    call = f"{fns[0]}(" + ",".join(F.argument_name(a) for a in F.CONDITION_ARGS[rule.id])
    return Condition(rule.id, rule.article, rule.title, call)


@dataclass(frozen=True)
class Conditions:
    """The condition rows of one layout, derived from the rule registry when the layout is built."""
    all: list[Condition]                       # the recognition's conditions, in article order (RULES.conditions)
    basic: list[Condition]                     # the 第六条 basic conditions, re-checked at the evaluation's 12-31
    eval_art15: Condition                      # the evaluation's 第十五条 check (its own rule id, overridden apart)
    overridable: list[tuple[Condition, str]]   # every condition a reviewer may override, with its computed cell
    date_free: frozenset[str]                  # conditions that do not depend on a date


def derive_conditions() -> Conditions:
    """The conditions as :data:`jidi_xl.rules.RULES` declares them *now*: :func:`build` calls this, so a rule
    registered later (``RULES.extended`` in a test rule-set) gets its rows in the workbook it builds."""
    conds = [_condition(r) for r in RULES.conditions]
    basic_ids = {r.id for r in RULES.basic}
    eval_art15 = _condition(RULES.find(EVAL_RULE))
    return Conditions(conds, [c for c in conds if c.rule in basic_ids], eval_art15,
                      [(c, f"out_{c.rule}_computed") for c in conds] + [(eval_art15, "out_eval_art15_computed")],
                      frozenset(c.rule for c in conds if "{ref}" not in c.call))


# The default registry's conditions, for callers that read them by name (docs, reader, expected outputs).
_DEFAULT = derive_conditions()
#: The conditions of the recognition verdict, in article order (RULES.conditions).
CONDITIONS: list[Condition] = _DEFAULT.all
#: The 第六条 basic conditions, re-checked at the evaluation's 12-31 (RULES.basic).
BASIC: list[Condition] = _DEFAULT.basic
# The evaluation's 第十五条 check has its own rule id (jidi_xl.rules.chapter5.EVAL_RULE): overridden separately.
EVAL_ART15 = _DEFAULT.eval_art15
#: Every condition a reviewer may override (jidi_xl.rules.RULE_IDS), in that order, with its computed cell.
OVERRIDABLE: list[tuple[Condition, str]] = _DEFAULT.overridable
#: Conditions that do not depend on a date (the reference date or the evaluation's 12-31).
DATE_FREE = _DEFAULT.date_free

#: The evaluation's snapshot day (readings.EVAL_SNAPSHOT: 12-31 of the evaluation year), as the texts name it.
_SNAP = readings.evaluation_snapshot(2000)
SNAP_ZH = f"{_SNAP.month} 月 {_SNAP.day} 日"

# A workbook asks for a recognition (申请受理截止日期 filled), an annual evaluation (评价年度 filled), or both.
# A block that was not asked for says so in its headline cell and stays blank everywhere else: never a
# 待核实, 不合格, 撤销, star or funding tier for a question nobody asked (the JSON report simply has no
# ``recognition`` / ``evaluation`` key then; workbooks/expected.py compares these texts).
#: The verdict of a workbook without a reference date (an evaluation-only case): no recognition was asked for.
NO_RECOGNITION = "未作认定评价（未填申请受理截止日期）"
#: 评价结果 and 处理 of a workbook without an evaluation year (a recognition-only case).
NOT_EVALUATED = "未评价"
NO_EVALUATION = "未作绩效评价（未填绩效评价年度）"
#: 重大变更备案情况 (评价结果 四): no filing at all, or the counts on time / late / open (待核实 or 输入错误).
NO_CHANGES = "无重大变更记录"
ART17_SUMMARY = "按期 {} 项；逾期 {} 项；待核实 {} 项"
#: The cell whose blank means "this block was not asked for", per block.
REC_GUARD, EVAL_GUARD = "in_ref_date", "in_eval_year"


def guarded(formula: str, guard: str, blank: str = "") -> str:
    """``=IF(guard="","<blank>",formula)``: the formula (given with its leading ``=``) only when its block was asked for."""
    return f'=IF({guard}="","{blank}",{formula.removeprefix("=")})'


def condition_formula(c: Condition, part: str = "", ref: str = "in_ref_date", guard: str | None = REC_GUARD) -> str:
    """The formula of a condition's cell in the block whose date is ``ref`` (the reference date, or the
    evaluation's 12-31). It stays blank while the block's ``guard`` cell (if any) is empty — that block was not
    asked for — rather than showing 输入错误 or 待核实; a date that is entered but wrong (before
    2022-05-19…) still shows the error. (A blank roster is "not entered" → 待核实 inside JIDI_ART6_5
    itself, as in the engine.)"""
    f = "=" + c.call.format(ref=ref) + (f',"{part}")' if part else ")")
    return guarded(f, guard) if guard else f


# -- fields of the form sheets -----------------------------------------------------------------------

def _cell(f: F.Field) -> tuple:
    """(name, label, kind, case path, help) of one input cell of the 基本信息 or 绩效评价 sheet."""
    return (f.name, f.label, f.cell_kind, f.path, f.help)


def basic_groups(rs: RuleSet) -> list[tuple[str, str, str, str | None, list[tuple]]]:
    """The blocks of the 基本信息 sheet from the field catalogue: (article, group title, group note, group name
    over the first k fields as "name:k", fields as (name, label, kind, case path, help))."""
    out = []
    for g in F.GROUPS:
        if g.sheet != S_BASIC:
            continue
        cells: list[tuple] = []
        span = None
        if g.codeflags:
            cells = [_cell(f) for f in F.code_flags(g.codeflags, rs)]
            span = f"{F.find(g.codeflags).name}:{len(cells)}"
        for f in F.group_fields(g):
            if f.cells:            # an array of codes typed into single cells (主导产业一、二)
                cells += [(name, label, f.cell_kind, f"{f.path}[{i}]", help) for i, (name, label, help) in enumerate(f.cells)]
                span = span or f"{f.name}:{len(f.cells)}"
            else:
                cells.append(_cell(f))
        if g.flags:
            span = f"{g.flags}:{len(F.flag_fields(g))}"
        out.append((g.article, g.title, g.note, span, cells))
    return out


def _table_spec(t: F.Table) -> tuple[list[str], list[str], list[str], list[str]]:
    """(headers, kinds, case keys, defined names) of a table's input columns, from the catalogue."""
    cols = t.input_columns
    return ([c.label for c in cols], [c.cell_kind for c in cols], [c.key for c in cols],
            [c.name or f"{t.name}_{c.key}" for c in cols])


ROSTER_COLUMNS, ROSTER_KINDS, ROSTER_FIELDS, ROSTER_NAMES = _table_spec(F.ROSTER)
STAFF_COLUMNS, STAFF_KINDS, STAFF_FIELDS, _ = _table_spec(F.STAFF)
PENALTY_COLUMNS, PENALTY_KINDS, PENALTY_FIELDS, _ = _table_spec(F.PENALTIES)
REVOCATION_COLUMNS, REVOCATION_KINDS, REVOCATION_FIELDS, _ = _table_spec(F.REVOCATIONS)
CHANGE_COLUMNS, CHANGE_KINDS, CHANGE_FIELDS, _ = _table_spec(F.CHANGES)
#: The reviewer's 是/否 "the penalty record was checked" (jidi_xl.fields.PENALTIES_CHECKED): read and
#: written by name in reader.py/generate.py, as udfs.tables.penalty_record reads it.
PENALTIES_CHECKED = F.PENALTIES_CHECKED.name
PENALTIES_CHECKED_LABEL = F.PENALTIES_CHECKED.label
PENALTIES_CHECKED_HELP = F.PENALTIES_CHECKED.help



def _lists(rs: RuleSet) -> list[tuple[str, str, list[str]]]:
    out = [("lst_yesno", "是/否", [YES, NO]), ("lst_outcomes", "改判结果", list(OUTCOMES))]
    for kind in ("industries", "size_classes", "degrees", "titles", "penalty_kinds", "penalty_subjects",
                 "revocation_grounds", "change_kinds"):
        out.append((f"lst_{kind}", kind, list(rs.codes[kind].values())))
    out.append(("lst_sectors", "划型行业", [s["label"] for s in rs.size_standards["sectors"].values()]))
    return out


def list_for(kind: str) -> str | None:
    """The ``lst_`` name of the drop-down of a kind (None: no drop-down)."""
    if kind == "bool":
        return "lst_yesno"
    if kind == "outcome":
        return "lst_outcomes"
    if kind == "sector":
        return "lst_sectors"
    if kind.startswith("code:"):
        return f"lst_{kind[5:]}"
    return None


# -- building the layout ------------------------------------------------------------------------------

def _table(L: Layout, sheet: str, row: int, col: int, t: F.Table, numbered: bool = True) -> None:
    """A header row at ``row`` and an input block below it, with a 序号 column before ``col``.

    The big tables are not ``numbered``: a number in every row would make each of their 1,000 rows a
    cell the headless engine must load (it walks a sheet to its last used row); their header gives
    the offset between 序号 and Excel's row number instead.
    """
    headers, kinds, keys, names = _table_spec(t)
    nrows, block, json, label = t.rows, t.name, t.path, t.label
    L.text(sheet, row, col - 1, "序号" if numbered else f"序号=行号−{row + 1}", "header")
    for j, h in enumerate(headers):
        L.text(sheet, row, col + j, h, "header")
    for i in range(nrows if numbered else 0):
        L.text(sheet, row + 1 + i, col - 1, i + 1, "num")
    for j, (h, k, f, c) in enumerate(zip(headers, kinds, keys, t.input_columns)):
        L.add(name=names[j], sheet=sheet, row=row + 1, col=col + j, nrows=nrows, label=f"{label}·{h}", kind=k,
              json=f"{json}[].{f}", help=c.help)
    L.add(name=block, sheet=sheet, row=row + 1, col=col, nrows=nrows, ncols=len(headers), label=label, kind="table",
          json=json, help=f"{len(headers)} 列：{'、'.join(headers)}；空行跳过")


#: Text inputs of the 基本信息 sheet that run long (案例说明 is a paragraph): the cell spans the 填写 and 说明
#: columns, merged, wrapped and top-aligned, and its row is :data:`LONG_TEXT_LINES` lines high (a sample's row
#: grows with its text: workbooks.generate). Decision: without this the text overflowed past column D and the
#: printout, fitted one page wide, shrank to fit the overflow (issue 10); a merged cell keeps it inside A–D.
LONG_TEXT = (F.find("description").path,)
LONG_TEXT_LINES = 3
LINE_HEIGHT = 16          # points per wrapped line of 11-point text (Excel's default row is 13.5–15)


def _basic(L: Layout, rs: RuleSet) -> None:
    s = S_BASIC
    L.widths[s] = [(0, 0, 18), (1, 1, 50), (2, 2, 22), (3, 3, 70)]
    L.text(s, 0, 0, "基本信息：基地、参照日期，第六条基本条件、第七条服务功能、第八条鼓励特征", "title", 3)
    L.text(s, 1, 0, "黄色单元格为填写区（下拉选择或输入），其余单元格受保护。是/否 项留空表示“未填”，结果为“待核实”，不会被当作“符合”。", "note", 3)
    for j, h in enumerate(["条款", "项目", "填写", "说明"]):
        L.text(s, 2, j, h, "header")
    L.freeze[s] = (3, 0)
    r = 3
    for article, title, note, group, fields in basic_groups(rs):
        L.text(s, r, 1, title + (f"（{note}）" if note else ""), "section", 3)
        first = r + 1
        for name, label, kind, json, help in fields:
            r += 1
            L.text(s, r, 1, label, "label")
            if json in LONG_TEXT:
                L.spans[(s, r, 2)] = 3
                L.height(s, r, LONG_TEXT_LINES * LINE_HEIGHT)
            else:
                L.text(s, r, 3, help, "help")
            L.add(name=name, sheet=s, row=r, col=2, label=label, kind=kind, json=json, help=help)
        L.text(s, first - 1, 0, article or "—", "article", None, r)
        if group:
            gname, k = group.split(":")
            L.add(name=gname, sheet=s, row=first, col=2, nrows=int(k), label=f"{title}（{k} 格）", kind="group",
                  json=fields[0][3].split("[")[0] if "[" in fields[0][3] else "", help=f"{article} {title}：{k} 个单元格，依次为 " +
                  "、".join(f[1] for f in fields[:int(k)]))
        r += 1


#: The trimmed mean of the experts' totals (readings.TRIMMED_MEAN), as the workbook states it.
TRIM = "专家 {chapter4.trim_min_experts} 位及以上时去掉{chapter4.trim_each_side:zh}个最高分和{chapter4.trim_each_side:zh}个最低分"
#: Who counts under 第六条第（八）项, by the rule-set's switch (readings.STAFF_RULE, art6_8.staff_rule).
STAFF_RULE_TEXTS = {"any": "本科及以上学历或中级及以上技术职称者计入（具备其一即可）",
                    "both": "同时具有本科及以上学历和中级及以上技术职称者计入"}


def staff_rule_text(rs: RuleSet) -> str:
    rule = readings.STAFF_RULE.value(rs)
    if rule not in STAFF_RULE_TEXTS:
        raise ValueError(f"rule-set {rs.id}: art6_8.staff_rule must be one of {', '.join(STAFF_RULE_TEXTS)}, not {rule!r}")
    return STAFF_RULE_TEXTS[rule]


def _roster(L: Layout) -> None:
    s = S_ROSTER
    L.widths[s] = [(0, 0, 6), (1, 1, 34), (2, 2, 22), (3, 3, 16), (4, 4, 22), (5, 7, 14), (8, 8, 16), (9, 9, 13)]
    L.text(s, 0, 0, "入驻企业名册（第六条第（五）项）：截至参照日的入驻企业，每行一家", "title", 9)
    L.text(s, 1, 0, "企业规模已申报的直接采用；未申报的按划型行业、从业人员、营业收入、资产总额依《中小企业划型标准规定》"
           "（工信部联企业〔2011〕300号）判定。缺少判定所需数据的企业暂不计入，结果为“待核实”。空行跳过；统一社会信用代码不得重复。",
           "note", 9)
    L.height(s, 1, 33)
    _table(L, s, 2, 1, F.ROSTER, numbered=False)
    L.freeze[s] = (3, 2)


def _staff(L: Layout) -> None:
    s = S_STAFF
    L.widths[s] = [(0, 0, 6), (1, 1, 18), (2, 3, 16)]
    L.text(s, 0, 0, "服务人员名单（第六条第（八）项）", "title", 3)
    L.text(s, 1, 0, "为小微企业服务的人员。" + staff_rule_text(L.ruleset) + "，不少于 {art6_8.min_qualified_staff} 人。"
           "填写名单时以名单为准；不填名单时按“基本信息”中的申报人数判断。", "note", 3)
    L.height(s, 1, 48)
    _table(L, s, 2, 1, F.STAFF, numbered=False)
    L.freeze[s] = (3, 0)


def _conduct(L: Layout) -> None:
    s = S_CONDUCT
    L.widths[s] = [(0, 0, 6), (1, 1, 14), (2, 2, 40), (3, 3, 14), (4, 4, 50)]
    L.text(s, 0, 0, "处罚记录（第六条第（二）项、第十五条第（二）项）", "title", 4)
    L.text(s, 1, 0, "单位或法定代表人受到的刑事处罚、严重行政处罚等。申请受理截止日期前{art6_2.penalty_window_years:zh}年内（含两端）的刑事及严重行政处罚使第六条第（二）项不符合；"
           "评价年度内的同类处罚属第十五条撤销情形。核查后在“处罚记录已核查”选“是”：表格为空即无处罚；"
           "未选或选“否”且表格为空时，处罚记录视为未填，第六条第（二）项和第十五条为“待核实”。", "note", 4)
    L.height(s, 1, 48)
    # spec §0: a blank table alone never reads as "checked, none" — the reviewer says so here
    L.text(s, 2, 1, PENALTIES_CHECKED_LABEL, "label", 2)
    pc = F.PENALTIES_CHECKED
    L.add(name=pc.name, sheet=s, row=2, col=3, label=pc.label, kind=pc.cell_kind, json=pc.path, help=pc.help)
    L.text(s, 2, 4, "选“是”时表格中的记录（可为空）即处罚记录；留空或“否”且表格为空 → 待核实", "help")
    _table(L, s, 3, 1, F.PENALTIES)
    r = 4 + PENALTY_ROWS + 1
    L.text(s, r, 0, "撤销记录（第十五条：因第十五条情形被撤销称号的，{art15.ban_years:zh}年内不得再次申请；因绩效评价不合格（第十四条）被撤销的不受此限）",
           "section", 4)
    _table(L, s, r + 1, 1, F.REVOCATIONS)
    L.freeze[s] = (4, 0)


def _changes(L: Layout) -> None:
    s = S_CHANGES
    L.widths[s] = [(0, 0, 6), (1, 1, 16), (2, 3, 13), (4, 4, 18), (5, 5, 10), (6, 6, 80)]
    L.text(s, 0, 0, "重大变更备案（第十七条：名称、地址、主营业务变更后 {art17.filing_working_days} 个工作日内备案）", "title", 6)
    L.text(s, 1, 0, "备案期限为变更日后第 {art17.filing_working_days} 个工作日（变更当日不计入；按国务院节假日安排，调休上班日计入）；当日备案为按期。", "note", 6)
    _table(L, s, 2, 1, F.CHANGES)
    for j, h in enumerate(["备案期限（第{art17.filing_working_days}个工作日）", "结果", "数据"]):
        L.text(s, 2, 4 + j, h, "header")
    for i in range(CHANGE_ROWS):
        r, x = 3 + i, 4 + i    # 0-based row; Excel row number
        blank = f'AND(B{x}="",C{x}="",D{x}="")'
        L.out(f"out_art17_deadline_{i + 1}", s, r, 4, f"第{i + 1}项变更的备案期限", "out_date",
              f'=IF(C{x}="","",JIDI_FILING_DEADLINE(C{x}))', "变更日后第 {art17.filing_working_days} 个工作日")
        L.out(f"out_art17_result_{i + 1}", s, r, 5, f"第{i + 1}项变更的备案结果", "result",
              f'=IF({blank},"",JIDI_ART17(B{x},C{x},D{x}))', "按期备案为符合；逾期为不符合；未填备案日期为待核实")
        L.out(f"out_art17_figures_{i + 1}", s, r, 6, f"第{i + 1}项变更的数据", "out_text",
              f'=IF({blank},"",JIDI_ART17(B{x},C{x},D{x},"数据"))')
    L.add(name="out_art17_results", sheet=s, row=3, col=5, nrows=CHANGE_ROWS, label="备案结果（全部）", kind="result",
          role="output", help="各项变更的备案结果")
    L.cond.append((s, 3, 5, 2 + CHANGE_ROWS, 6, "result"))
    L.freeze[s] = (3, 0)


def _eval(L: Layout) -> None:
    s = S_EVAL
    last = 5 + EXPERT_COLS - 1
    L.widths[s] = [(0, 0, 18), (1, 1, 12), (2, 2, 40), (3, 3, 10), (4, 4, 14), (5, last, 10)]
    L.text(s, 0, 0, "绩效评价（第四章第十三条、第十四条）", "title", last)
    L.text(s, 1, 0, "评价上一自然年的情况（评价年度填在“基本信息”）。评分：按年度通知的指标体系录入各指标满分、权重（空则等于满分）和各位专家的评分；"
           + TRIM + "后平均。也可只填写评价总分。", "note", last)
    L.height(s, 1, 33)
    for j, h in ((0, "条款"), (1, "项目"), (3, "填写"), (4, "说明")):
        L.text(s, 2, j, h, "header", {1: 2, 4: last}.get(j))
    g = F.GROUP["evaluation"]
    fields = [(art, *_cell(f)) for art, f in zip(g.articles, F.group_fields(g), strict=True)]
    for i, (art, name, label, kind, json, help) in enumerate(fields):
        r = 3 + i
        L.text(s, r, 0, art, "article")
        L.text(s, r, 1, label, "label", 2)
        L.text(s, r, 4, help, "help", last)
        L.add(name=name, sheet=s, row=r, col=3, label=label, kind=kind, json=json, help=help)
    r0 = 8
    L.text(s, r0, 0, "评分表（指标 × 专家；按年度通知填写）", "section", last)
    head = ["序号", "指标代码", "指标名称", "满分", "权重（空=满分）"] + [f"专家{j + 1}" for j in range(EXPERT_COLS)]
    for j, h in enumerate(head):
        L.text(s, r0 + 1, j, h, "header")
    L.text(s, r0 + 2, 2, "专家姓名", "label")
    ex_name, ex_scores = F.EXPERTS.column("name"), F.EXPERTS.column("scores")
    L.add(name=ex_name.name, sheet=s, row=r0 + 2, col=5, ncols=EXPERT_COLS, label=ex_name.label, kind=ex_name.cell_kind,
          json=ex_name.path)
    top = r0 + 3
    for i in range(INDICATOR_ROWS):
        L.text(s, top + i, 0, i + 1, "num")
    for col, c in enumerate(F.INDICATORS.columns, start=1):
        L.add(name=c.name, sheet=s, row=top, col=col, nrows=INDICATOR_ROWS, label=c.label, kind=c.cell_kind, json=c.path)
    L.add(name=ex_scores.name, sheet=s, row=top, col=5, nrows=INDICATOR_ROWS, ncols=EXPERT_COLS,
          label=ex_scores.label, kind=ex_scores.cell_kind, json=ex_scores.path + "[]")
    tot = top + INDICATOR_ROWS
    L.text(s, tot, 2, "专家总分（按权重折算）", "label")
    for j in range(EXPERT_COLS):
        col = xl_col_to_name(5 + j)
        L.formula(s, tot, 5 + j, f"=JIDI_EXPERT_TOTAL(in_max_points,in_weights,{col}{top + 1}:{col}{top + INDICATOR_ROWS})",
                  "out_number")
    L.add(name="out_expert_totals", sheet=s, row=tot, col=5, ncols=EXPERT_COLS, label="各专家总分", kind="out_number",
          role="output", help="每位专家各指标得分按权重折算后相加；评分不全时为空")
    L.text(s, tot + 1, 2, "去极值平均分（" + TRIM + "）", "label")
    # JIDI_SCORE with the entered total left out: the engine's rubric score — blank while any expert's scores are
    # incomplete (the score is 待核实 then), never a mean of the complete columns only
    L.out("out_trimmed_mean", s, tot + 1, 5, "专家去极值平均分", "out_number", '=JIDI_SCORE(in_max_points,in_weights,in_scores,"")',
          "按专家评分计算的得分；未填专家评分或评分不全时为空")
    L.text(s, tot + 2, 2, "评价得分、评价结果、星级见“评价结果”工作表。", "help")
    L.freeze[s] = (3, 0)


def _overrides(L: Layout) -> None:
    s = S_OVR
    K = L.conditions
    BASIC, EVAL_ART15, OVERRIDABLE, DATE_FREE = K.basic, K.eval_art15, K.overridable, K.date_free
    L.widths[s] = [(0, 0, 6), (1, 1, 10), (2, 2, 18), (3, 3, 22), (4, 5, 13), (6, 6, 70), (7, 7, 18)]
    L.text(s, 0, 0, "复核改判（办法“原则上”“一般应”等条款留有裁量）", "title", 7)
    L.text(s, 1, 0, "复核人可改判任一条件：选择改判结果并填写不少于 4 个字的书面理由（没有理由的改判不生效，显示“输入错误”）。"
           "改判不抹去计算结果，“评价结果”工作表同时显示两者（本表的计算结果为认定的结果；只作绩效评价时，与日期有关的条件为 " + SNAP_ZH + " 复核的结果）。第十五条在认定中是再次申请限制（art15），在绩效评价中是撤销情形（art15_triggers），分别改判。",
           "note", 7)
    L.height(s, 1, 33)
    for j, h in enumerate(["序号", "条件编号", "依据", "条件", "计算结果", "改判结果", "改判理由（至少4个字）", "复核人"]):
        L.text(s, 2, j, h, "header")
    for i, (c, computed) in enumerate(OVERRIDABLE):
        r = 3 + i
        L.text(s, r, 0, i + 1, "num")
        L.text(s, r, 1, c.rule, "static")
        L.text(s, r, 2, c.article, "static")
        L.text(s, r, 3, c.title + ("（绩效评价）" if c is EVAL_ART15 else "（认定）" if c.rule == "art15" else ""), "static")
        # the recognition's computed result; for a dated condition of an evaluation-only book, the 12-31 one
        dated = c in BASIC and c.rule not in DATE_FREE
        shown = f'=IF({REC_GUARD}="",out_eval_{c.rule}_computed,{computed})' if dated else f"={computed}"
        L.formula(s, r, 4, shown, "result")
        for col, f in enumerate(F.OVERRIDES.input_columns, start=5):
            L.add(name=f"{f.name}_{c.rule}", sheet=s, row=r, col=col, label=f"{c.article}{f.label}", kind=f.cell_kind,
                  json=f"{F.OVERRIDES.path}[{c.rule}].{f.key}", help=f.help)
    t = F.OVERRIDES
    L.add(name=t.name, sheet=s, row=3, col=5, nrows=len(OVERRIDABLE), ncols=len(t.input_columns), label=t.label,
          kind="table", json=t.path, help=f"每个条件一行：{'、'.join(t.headers)}")
    L.cond.append((s, 3, 4, 2 + len(OVERRIDABLE), 4, "result"))
    L.freeze[s] = (3, 0)


def _condition_row(L: Layout, s: str, r: int, c: Condition, prefix: str, label: str, ref: str, guard: str,
                   final_help: str = "") -> None:
    """One condition's five result cells — 计算结果, 复核改判, 最终结果, 数据, 理由 — named ``{prefix}_computed``,
    ``{prefix}_override``, ``{prefix}``, ``{prefix}_figures``, ``{prefix}_reason``, blank while the block's
    ``guard`` cell is (the block was not asked for) — except the 计算结果, 数据 and 理由 of a condition that
    does not depend on a date (DATE_FREE): those are facts of the inputs, computed once, in 一, and shown
    there in every book; 三 takes them from there. (Decision: ``formulas`` evaluates both branches of an
    IF, so giving 三 its own cells would call each JIDI_ function twice — measured +59 formula cells and
    about +60 ms CPU per recalculation, against the cold-recalc target of 2 s.)"""
    free = c.rule in L.conditions.date_free
    part = {p: condition_formula(c, p, ref, None if free else guard) for p in ("", "数据", "理由")}
    L.out(f"{prefix}_computed", s, r, 3, f"{label}计算结果", "result", part[""])
    L.out(f"{prefix}_override", s, r, 4, f"{label}复核改判", "out_text",
          guarded(f'=IF(in_ovr_{c.rule}="","",in_ovr_{c.rule})', guard))
    L.out(f"{prefix}", s, r, 5, f"{label}最终结果", "result",
          guarded(f"=JIDI_OVERRIDE({prefix}_computed,in_ovr_{c.rule},in_ovr_reason_{c.rule})", guard),
          final_help or "计算结果，或有书面理由的复核改判结果")
    L.out(f"{prefix}_figures", s, r, 6, f"{label}数据", "out_text", part["数据"])
    L.out(f"{prefix}_reason", s, r, 7, f"{label}理由", "out_text", part["理由"])


def _results(L: Layout, rs: RuleSet) -> None:
    s = S_RESULT
    K = L.conditions
    CONDITIONS, BASIC, EVAL_ART15, DATE_FREE = K.all, K.basic, K.eval_art15, K.date_free
    L.widths[s] = [(0, 0, 9), (1, 1, 24), (2, 2, 18), (3, 3, 15), (4, 4, 10), (5, 5, 12), (6, 6, 70), (7, 7, 46)]
    L.text(s, 0, 0, "评价结果（全部由公式计算；请在黄色填写区修改数据后重新计算）", "title", 7)
    L.text(s, 1, 0, "示范基地", "label")
    L.out("out_base_name", s, 1, 1, "示范基地名称", "out_text", '=IF(in_base_name="","",in_base_name)')
    L.text(s, 1, 2, "申请受理截止日期", "label")
    L.out("out_ref_date", s, 1, 3, "申请受理截止日期", "out_date", guarded("=in_ref_date", REC_GUARD))
    L.text(s, 1, 5, "规则集", "label")
    L.text(s, 1, 6, f"{rs.key}：{rs.title}（{rs.document}）", "static")
    head = ["编号", "条件", "依据", "计算结果", "复核改判", "最终结果", "数据", "理由"]

    # 一、认定条件
    L.text(s, 3, 0, f"一、认定条件（第六条{texts.zh_count(len(BASIC))}项基本条件、第七条服务功能、第十五条再次申请限制；参照日：申请受理截止日期）", "section", 7)
    for j, h in enumerate(head):
        L.text(s, 4, j, h, "header")
    top = 5
    for i, c in enumerate(CONDITIONS):
        r = top + i
        L.height(s, r, 45)
        L.text(s, r, 0, c.rule, "static")
        L.text(s, r, 1, c.title, "static")
        L.text(s, r, 2, c.article, "static")
        _condition_row(L, s, r, c, f"out_{c.rule}", c.article, REC_GUARD, REC_GUARD)
    n = len(CONDITIONS)
    L.add(name="info_articles", sheet=s, row=top, col=2, nrows=n, label="各条件的依据（条款）", kind="info", role="info")
    L.add(name="out_final_outcomes", sheet=s, row=top, col=5, nrows=n, label="各条件的最终结果", kind="result", role="output")
    L.cond.append((s, top, 3, top + n - 1, 5, "result"))
    L.cond.append((s, top, 6, top + n - 1, 7, "error_text"))
    r = top + n
    L.text(s, r, 0, "认定结论", "section", 2)
    L.out("out_recognition_verdict", s, r, 3, "认定结论", "verdict",
          guarded("=JIDI_RECOGNITION(out_final_outcomes)", REC_GUARD, NO_RECOGNITION),
          f"符合认定条件（建议认定）/不符合认定条件/待核实；未填申请受理截止日期时为“{NO_RECOGNITION}”")
    L.text(s, r + 1, 0, "不符合（或待核实）条款", "label", 2)
    L.out("out_failing_articles", s, r + 1, 3, "不符合（或待核实）的条款", "out_text",
          guarded("=JIDI_FAILING_ARTICLES(out_final_outcomes,info_articles)", REC_GUARD),
          "按条款顺序，以“、”分隔；全部符合时为“无”")
    L.text(s, r + 2, 0, "第八条 鼓励发展特征（不作为认定条件）", "label", 2)
    L.out("out_art8", s, r + 2, 3, "第八条鼓励发展特征", "out_text", guarded("=JIDI_ART8(in_encouraged)", REC_GUARD))
    L.cond.append((s, r, 3, r, 3, "verdict"))

    # 二、第六条第（五）项明细
    r += 4
    L.text(s, r, 0, "二、第六条第（五）项明细（入驻本市小型、微型企业与主导产业集聚度）", "section", 7)
    rows = [
        ("out_roster_filled", "入驻企业名单已填写的单元格数", "out_int", "=COUNTA(in_roster)", "为 0 表示未填名单：第六条第（五）项待核实"),
        ("out_n", "入驻本市小型、微型企业数 n", "out_int", "=JIDI_SMALL_MICRO_COUNT(in_roster)", "规模或注册地待核实的企业不计入"),
        ("out_leading", "主导产业", "out_text", "=JIDI_LEADING_INDUSTRIES(in_roster,in_leading)", "未申报时按名册推定（标注“推定”）"),
        ("out_concentration", "主导产业集聚度（本市小微企业中）", "out_percent", "=JIDI_CONCENTRATION(in_roster,in_leading)",
         "主导产业的本市小微企业数 ÷ n（spec §3 决定）"),
        ("out_concentration_all", "按全部入驻企业计集聚度（参考）", "out_percent",
         '=JIDI_CONCENTRATION(in_roster,in_leading,"all")', "参考值"),
        ("out_track", "满足的通道", "out_text", "=JIDI_TRACK(in_roster,in_leading,in_hpp)", "一般基地（{art6_5.general.min_firms} 家、{art6_5.general.min_concentration}）/ "
         "高精尖制造业基地（{art6_5.hpp.min_firms} 家、{art6_5.hpp.min_concentration}）/ 未达标"),
        ("out_art7_count", "第七条具备的服务功能项数", "out_int", "=JIDI_ART7_COUNT(in_service_functions)", "至少{art7.min_functions:zh}项"),
    ]
    for i, (name, label, kind, f, help) in enumerate(rows):
        L.text(s, r + 1 + i, 0, label, "label", 2)
        L.out(name, s, r + 1 + i, 3, label, kind, f, help)
        L.text(s, r + 1 + i, 6, help, "help")
    r += len(rows) + 2

    # 三、绩效评价
    L.text(s, r, 0, f"三、绩效评价与星级评定（第四章；基础门槛条件按评价年度 {SNAP_ZH} 复核第六条）", "section", 7)
    L.text(s, r + 1, 0, "基础条件复核日", "label", 2)
    L.out("out_eval_snapshot", s, r + 1, 3, f"基础条件复核日（评价年度 {SNAP_ZH}）", "out_date",
          guarded(f"=DATE(in_eval_year,{_SNAP.month},{_SNAP.day})", EVAL_GUARD))
    for j, h in enumerate(head):
        L.text(s, r + 2, j, h, "header")
    etop = r + 3
    for i, c in enumerate(BASIC):
        rr = etop + i
        L.height(s, rr, 45)
        L.text(s, rr, 0, c.rule, "static")
        L.text(s, rr, 1, c.title, "static")
        L.text(s, rr, 2, c.article, "static")
        if c.rule not in DATE_FREE:
            _condition_row(L, s, rr, c, f"out_eval_{c.rule}", f"{c.article}（{SNAP_ZH}）", "out_eval_snapshot", EVAL_GUARD)
            continue
        L.text(s, rr, 3, "—", "static")
        L.out(f"out_eval_{c.rule}", s, rr, 5, f"{c.article}最终结果（{SNAP_ZH}）", "result",
              guarded(f"=JIDI_OVERRIDE(out_{c.rule}_computed,in_ovr_{c.rule},in_ovr_reason_{c.rule})", EVAL_GUARD),
              "与参照日期无关：一、认定条件的计算结果，或有书面理由的复核改判结果")
        L.text(s, rr, 6, "与参照日期无关：计算结果、数据和理由见“一、认定条件”", "help")
    nb = len(BASIC)
    L.add(name="out_eval_basic_outcomes", sheet=s, row=etop, col=5, nrows=nb, label=f"第六条{texts.zh_count(nb)}项（{SNAP_ZH}）最终结果",
          kind="result", role="output")
    L.cond.append((s, etop, 3, etop + nb - 1, 5, "result"))
    L.cond.append((s, etop, 6, etop + nb - 1, 7, "error_text"))
    r = etop + nb
    L.text(s, r, 0, f"基础门槛条件（第六条{texts.zh_count(nb)}项合并）", "section", 2)
    L.out("out_basic_outcome", s, r, 3, "基础门槛条件", "result", guarded("=JIDI_COMBINE(out_eval_basic_outcomes)", EVAL_GUARD),
          "任一不符合则不符合，否则任一待核实则待核实")
    r += 1
    c = EVAL_ART15
    L.height(s, r, 45)
    L.text(s, r, 0, c.rule, "static")
    L.text(s, r, 1, c.title, "static")
    L.text(s, r, 2, c.article, "static")
    _condition_row(L, s, r, c, "out_eval_art15", "第十五条撤销情形", "out_eval_snapshot", EVAL_GUARD,
                   "评价年度内有第十五条情形为不符合（撤销称号，{art15.ban_years:zh}年内不得再次申请）")
    L.cond.append((s, r - 1, 3, r, 5, "result"))
    L.cond.append((s, r, 6, r, 7, "error_text"))
    # Without an evaluation year 评价结果 says NOT_EVALUATED and 处理 NO_EVALUATION; every other cell is blank.
    g = EVAL_GUARD
    eval_rows: list[tuple[str, str, str, str, tuple[str, str] | None]] = [
        ("out_score", "评价得分", "out_number", guarded("=JIDI_SCORE(in_max_points,in_weights,in_scores,in_entered_score)", g),
         ("out_score_figures", guarded('=JIDI_SCORE(in_max_points,in_weights,in_scores,in_entered_score,"数据")', g))),
        ("out_grade", "评价结果（不合格/一般/较好）", "grade",
         guarded("=JIDI_GRADE(in_participated,out_basic_outcome,out_score)", g, NOT_EVALUATED),
         ("out_grade_reason", guarded('=JIDI_GRADE(in_participated,out_basic_outcome,out_score,"理由")', g))),
        ("out_stars", "星级（★ 数，暂定分档）", "out_int", guarded("=JIDI_STARS(out_score,out_grade)", g),
         # out_stars is blank without an evaluation year: the guard sits in the else branch
         ("out_stars_text", f'=IF(ISNUMBER(out_stars),REPT("★",out_stars),IF({g}="","","无"))')),
        # decision (jidi_xl.rules.chapter4.funding_tier): a title revoked under 第十五条 receives no funding
        ("out_funding_tier", "资金档次（暂定；第十五条撤销时无）", "out_int",
         guarded("=JIDI_FUNDING_TIER(out_stars,out_grade,out_eval_art15)", g), None),
        ("out_consequence", "处理（第十四条、第十五条）", "out_text",
         guarded("=JIDI_CONSEQUENCE(out_grade,out_stars,out_funding_tier,out_eval_art15)", g, NO_EVALUATION), None),
        # out_eval_art15 is blank without an evaluation year, so this one needs no guard of its own
        ("out_ban_until", "再次申请限制至（不含当日）", "out_date",
         '=IF(out_eval_art15="不符合",JIDI_BAN_END(in_decision_date),"")', None),
    ]
    for i, (name, label, kind, f, extra) in enumerate(eval_rows):
        rr = r + 1 + i
        L.text(s, rr, 0, label, "label", 2)
        L.out(name, s, rr, 3, label, kind, f)
        if extra:
            L.out(extra[0], s, rr, 6, label + "（说明）", "out_text", extra[1])
    L.cond.append((s, r + 2, 3, r + 2, 3, "grade"))
    L.cond.append((s, r + 1, 6, r + 3, 6, "error_text"))
    r += len(eval_rows) + 1
    L.text(s, r, 0, "注：合格线、较好线、星级分档和资金档次为暂定参数（见“参数”工作表中标注“暂定”的行），待年度通知确认。", "help", 7)

    # 四、第十七条
    r += 2
    L.text(s, r, 0, "四、重大变更备案（第十七条，详见“重大变更”工作表）", "section", 7)
    L.text(s, r + 1, 0, "备案情况", "label", 2)
    res = "out_art17_results"
    counts = (f'COUNTIF({res},"符合")', f'COUNTIF({res},"不符合")', f'(COUNTIF({res},"待核实")+COUNTIF({res},"输入错误*"))')
    pieces = ART17_SUMMARY.split("{}")          # the text around the three counts
    text = f'"{pieces[0]}"' + "".join(f'&{n}&"{t}"' for n, t in zip(counts, pieces[1:], strict=True))
    L.out("out_art17_summary", s, r + 1, 3, "重大变更备案情况", "out_text", f'=IF(COUNTA(in_changes)=0,"{NO_CHANGES}",{text})')
    L.freeze[s] = (5, 0)


def _chart(L: Layout, rs: RuleSet) -> None:
    s = S_CHART
    L.widths[s] = [(0, 0, 18), (1, 2, 14)]
    L.text(s, 0, 0, "入驻企业产业分布（名册全部企业；橙色为主导产业）", "title", 2)
    for j, h in enumerate(["所属产业", "入驻企业数", "其中主导产业"]):
        L.text(s, 2, j, h, "header")
    labels = list(rs.codes["industries"].values())
    for i, lbl in enumerate(labels):
        r, x = 3 + i, 4 + i
        L.text(s, r, 0, lbl, "label")
        L.formula(s, r, 1, f"=COUNTIF(in_roster_industry,A{x})", "out_int")
        L.formula(s, r, 2, f'=IF(ISNUMBER(SEARCH("、"&A{x}&"、","、"&out_leading_labels&"、")),B{x},0)', "out_int")
    n = len(labels)
    L.add(name="info_industry_labels", sheet=s, row=3, col=0, nrows=n, label="产业（图表分类）", kind="info", role="info")
    L.add(name="out_industry_counts", sheet=s, row=3, col=1, nrows=n, label="各产业入驻企业数", kind="out_int", role="output")
    L.add(name="out_industry_leading_counts", sheet=s, row=3, col=2, nrows=n, label="主导产业的入驻企业数（其余为 0）",
          kind="out_int", role="output")
    r = 3 + n + 1
    L.text(s, r, 0, "主导产业", "label")
    L.out("out_leading_labels", s, r, 1, "主导产业（标色用）", "out_text", '=JIDI_ART6_5(in_roster,in_leading,in_hpp,"leading")')
    L.anchors["chart"] = (s, 2, 4)
    L.freeze[s] = (3, 0)


def _params(L: Layout) -> None:
    s = S_PARAMS
    L.widths[s] = [(0, 0, 40), (1, 1, 44), (2, 2, 12), (3, 3, 90), (4, 4, 8)]
    L.text(s, 0, 0, "规则集参数（只读）", "title", 4)
    L.text(s, 1, 0, "计算使用规则集文件 jidi_xl/params/<规则集>.yaml 中的数值；本表由生成器从规则集读取，仅供查阅，修改本表不影响计算。"
           "标注“暂定”的参数待年度通知确认。", "note", 4)
    L.add(name="info_ruleset", sheet=s, row=3, col=1, label="规则集编号", kind="info", role="info",
          help="工作簿按此规则集计算；读取工作簿时写入案例的 ruleset")
    L.anchors["params"] = (s, 3, 0)


def _lists_sheet(L: Layout, rs: RuleSet) -> None:
    s = S_LISTS
    L.lists = _lists(rs)
    for j, (name, title, values) in enumerate(L.lists):
        L.text(s, 0, j, title, "header")
        for i, v in enumerate(values):
            L.text(s, 1 + i, j, v, "static")
        L.add(name=name, sheet=s, row=1, col=j, nrows=len(values), label=f"下拉列表：{title}", kind="list", role="list")
    L.widths[s] = [(0, len(L.lists) - 1, 24)]


def build(rs: RuleSet | None = None) -> Layout:
    """The layout of the standard workbook for rule-set ``rs`` (the default rule-set when None)."""
    rs = rs if rs is not None else load_ruleset()
    L = Layout(ruleset=rs, conditions=derive_conditions())
    _basic(L, rs)
    _roster(L)
    _staff(L)
    _conduct(L)
    _changes(L)
    _eval(L)
    _overrides(L)
    _results(L, rs)
    _chart(L, rs)
    _params(L)
    _lists_sheet(L, rs)
    _fill_texts(L, rs)
    return L


def _fill_texts(L: Layout, rs: RuleSet) -> None:
    """Format every text of the layout — statics, labels and help texts, also those from the field catalogue —
    from the rule-set: a number of law is written ``{param.path}`` and filled here (jidi_xl.texts)."""
    L.statics = [dataclasses.replace(t, value=texts.fill(rs, t.value)) if isinstance(t.value, str) else t
                 for t in L.statics]
    L.names = {k: dataclasses.replace(n, label=texts.fill(rs, n.label), help=texts.fill(rs, n.help))
               for k, n in L.names.items()}


@functools.lru_cache(maxsize=8)
def layout_for(rs: RuleSet) -> Layout:
    """:func:`build` once per rule-set (a layout is not modified after it is built)."""
    return build(rs)


def default_layout() -> Layout:
    return layout_for(load_ruleset())


def __getattr__(name: str) -> Any:
    # LAYOUT, BASIC_GROUPS, LISTS: the default rule-set's, made on first use rather than at import time
    if name == "LAYOUT":
        return default_layout()
    if name == "BASIC_GROUPS":
        return basic_groups(load_ruleset())
    if name == "LISTS":
        return default_layout().lists
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

#: The names the xlwings ribbon (helper 4) reads: they must exist.
RIBBON_NAMES = ("out_recognition_verdict", "out_failing_articles", "out_grade", "out_stars")
