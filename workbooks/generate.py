"""Write the standard workbook (``workbooks/jidi_evaluation.xlsx``) and one sample per example case
(``workbooks/samples/<case_id>.xlsx``), with XlsxWriter, from :mod:`workbooks.layout`.

    python -m workbooks.generate             # template + a sample for every valid examples/*.json
    python -m workbooks.generate --check     # exit 1 if a committed file differs from what would be written

Deterministic: the same inputs give the same bytes (fixed ``created`` date; XlsxWriter's in-memory
mode stamps every zip member 1980-01-01). Every formula cell carries its computed value: the book is
written once, recalculated headlessly with ``formulas`` and the registered ``JIDI_`` UDFs, and
written again with each formula's value (XlsxWriter's ``value=``), so a file opened without
recalculation — or read by pandas/calamine — shows real results.
"""
from __future__ import annotations

import argparse
import io
import json
import re
import sys
import tempfile
import unicodedata
import zipfile
from datetime import date, datetime
from fractions import Fraction
from pathlib import Path
from typing import Any

import xlsxwriter

from jidi_xl import checks
from jidi_xl import fields as FC
from jidi_xl import values as V
from jidi_xl.case import parse_case
from jidi_xl.errors import InputError, InputProblem
from jidi_xl.ruleset import RuleSet, load_ruleset

from . import MEASURES_PATH, PACKAGE_DIR, SAMPLES_DIR, TEMPLATE_PATH
from ._recalc import recalculate
from .codec import _get as codec_get, case_cells
from .layout import (KINDS, OUTCOMES, S_CHANGES, S_CONDUCT, S_EVAL, S_OVR, S_CHART, S_GUIDE, S_LISTS, S_PARAMS, S_RESULT, S_ROSTER, S_STAFF, S_TEXT, SHEETS,
                     LINE_HEIGHT, Layout, Name, default_layout, layout_for, list_for)

CREATED = datetime(2022, 5, 19)          # the Measures' date of issue: a fixed, meaningful timestamp
ROOT = PACKAGE_DIR.parent
EXAMPLES_DIR = ROOT / "examples"
OUTCOME_ZH = {"PASS": "符合", "FAIL": "不符合", "REVIEW": "待核实"}

Cells = dict[tuple[str, int, int], Any]

# -- colours ---------------------------------------------------------------------------------------
INPUT_FILL = "#FFF2CC"      # light yellow: type here
HEADER_FILL = "#DDEBF7"
SECTION_FILL = "#E2EFDA"
OUTPUT_FILL = "#F7F7F7"
GREEN = {"bg_color": "#C6EFCE", "font_color": "#006100"}
RED = {"bg_color": "#FFC7CE", "font_color": "#9C0006"}
AMBER = {"bg_color": "#FFEB9C", "font_color": "#9C5700"}
RED_TEXT = {"font_color": "#C00000", "bold": True}

NUM_FORMATS = {"date": "yyyy-mm-dd", "out_date": "yyyy-mm-dd", "percent": "0.0%", "out_percent": "0.0%",
               "int": "0", "year": "0", "out_int": "0", "out_number": "0.00", "text": "@", "credit_code": "@",
               "reason": "@"}


class _Formats:
    def __init__(self, wb: xlsxwriter.Workbook):
        self.wb = wb
        self.cache: dict[tuple, Any] = {}

    def get(self, **props) -> Any:
        key = tuple(sorted(props.items()))
        if key not in self.cache:
            self.cache[key] = self.wb.add_format({"font_name": "等线", "font_size": 11, "valign": "vcenter", **props})
        return self.cache[key]

    def cf(self, key: str, props: dict) -> Any:
        """A conditional-format (dxf) format, created once per workbook."""
        if ("cf", key) not in self.cache:
            self.cache[("cf", key)] = self.wb.add_format(props)
        return self.cache[("cf", key)]

    def style(self, name: str) -> Any:
        border = {"border": 1, "border_color": "#BFBFBF"}
        return {
            "title": lambda: self.get(bold=True, font_size=14),
            "note": lambda: self.get(text_wrap=True, font_color="#595959", valign="top"),
            "header": lambda: self.get(bold=True, bg_color=HEADER_FILL, text_wrap=True, align="center", **border),
            "section": lambda: self.get(bold=True, bg_color=SECTION_FILL, text_wrap=True, **border),
            "label": lambda: self.get(text_wrap=True, **border),
            "article": lambda: self.get(text_wrap=True, bold=True, font_color="#1F4E79", align="center", **border),
            "static": lambda: self.get(text_wrap=True, **border),
            "help": lambda: self.get(text_wrap=True, font_color="#7F7F7F", **border),
            "num": lambda: self.get(align="center", font_color="#7F7F7F", **border),
            "plain": lambda: self.get(),
            "wrap": lambda: self.get(text_wrap=True, valign="top"),
            "bold": lambda: self.get(bold=True),
        }[name]()

    def input(self, kind: str, wrap: bool = False) -> Any:
        nf = NUM_FORMATS.get(kind)
        return self.get(bg_color=INPUT_FILL, locked=False, border=1, border_color="#BF9000",
                        **({"num_format": nf} if nf else {}), **({"text_wrap": True, "valign": "top"} if wrap else {}))

    def output(self, kind: str) -> Any:
        nf = NUM_FORMATS.get(kind)
        wrap = kind in ("out_text", "result", "verdict", "grade")
        return self.get(bg_color=OUTPUT_FILL, border=1, border_color="#BFBFBF", text_wrap=wrap,
                        **({"num_format": nf} if nf else {}))


# -- writing ----------------------------------------------------------------------------------------

def text_width(text: str) -> int:
    """A text's width in Excel's column units (one unit: the digit 0): a CJK or full-width character takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _validation(n: Name, rs: RuleSet | None = None) -> dict | None:
    """The data validation of an input, with Chinese input and error messages (``rs``: the book's rule-set; a
    notice's book takes only the year its notice evaluates, as jidi_xl.checks.notice_year reads it)."""
    kind = n.kind
    title = n.label.split("·")[-1][:32]
    hint = (n.help + "。" if n.help else "") + KINDS.get(kind, "")
    base = {"input_title": title, "input_message": hint[:255], "error_title": "输入有误"}
    lst = list_for(kind)
    if lst:
        return {**base, "validate": "list", "source": f"={lst}",
                "error_message": "请从下拉列表中选择（中文标签）。留空表示未填。"}
    if kind == "date":
        return {**base, "validate": "date", "criteria": "between", "minimum": V.EARLIEST_DATE,
                "maximum": V.LATEST_DATE, "error_message": "请填写日期，格式 yyyy-mm-dd（如 2025-06-30）。"}
    if kind == "year":
        y = FC.find("evaluation.year")
        only = checks.notice_evaluates(rs) if rs is not None else None
        if rs is not None and only is not None:
            return {**base, "validate": "integer", "criteria": "between", "minimum": only, "maximum": only,
                    "error_message": (checks.notice_year_hint(rs) or "")[:255]}
        return {**base, "validate": "integer", "criteria": "between", "minimum": y.minimum, "maximum": y.maximum,
                "error_message": f"请填写四位年份（{y.minimum}–{y.maximum}），如 2024。"}
    if kind == "int":
        return {**base, "validate": "integer", "criteria": ">=", "value": 0,
                "error_message": "请填写不小于 0 的整数，不带单位。"}
    if kind in ("number", "points"):
        return {**base, "validate": "decimal", "criteria": ">=", "value": 0,
                "error_message": "请填写不小于 0 的数字，不带单位和文字。"}
    if kind == "percent":
        return {**base, "validate": "decimal", "criteria": "between", "minimum": 0, "maximum": 1,
                "error_message": "请按百分比填写 0%–100%（如 92%）。"}
    if kind == "credit_code":
        return {**base, "validate": "length", "criteria": "==", "value": 18, "error_type": "warning",
                "error_message": "统一社会信用代码应为 18 位；请核对（可选择“是”继续保存）。"}
    if kind == "reason":
        need = FC.OVERRIDES.column("justification").min_length
        return {**base, "validate": "length", "criteria": ">=", "value": need,
                "error_message": f"改判理由至少 {need} 个字；没有书面理由的改判不生效。"}
    return None


def _conditional(ws, F: _Formats, r1, c1, r2, c2, style: str) -> None:
    red_text = F.cf("red_text", RED_TEXT)
    cf = {k: F.cf(k, v) for k, v in (("g", GREEN), ("r", RED), ("a", AMBER))}
    rules: list[dict] = [{"type": "text", "criteria": "containing", "value": "输入错误", "format": red_text},
                         {"type": "text", "criteria": "containing", "value": "内部错误", "format": red_text}]
    if style == "result":
        rules += [{"type": "cell", "criteria": "==", "value": f'"{o}"', "format": cf[k]}
                  for o, k in zip(OUTCOMES, "gra")]
    elif style == "verdict":
        rules += [{"type": "text", "criteria": "begins with", "value": o, "format": cf[k]} for o, k in zip(OUTCOMES, "gra")]
    elif style == "grade":
        rules += [{"type": "cell", "criteria": "==", "value": f'"{o}"', "format": cf[k]}
                  for o, k in (("较好", "g"), ("一般", "g"), ("不合格", "r"), ("待核实", "a"))]
    for rule in rules:
        ws.conditional_format(r1, c1, r2, c2, rule)


def _guide(ws, F: _Formats, rs) -> None:
    ws.set_column(0, 0, 4)
    ws.set_column(1, 1, 22)
    ws.set_column(2, 2, 100)
    lines: list[tuple[str, str, str]] = [
        ("title", "北京市小型微型企业创业创新示范基地 认定与绩效评价工作簿", ""),
        ("note", f"依据《{rs.title.split('（')[0]}》（{rs.document}），规则集 {rs.key}，施行日期 {rs.effective_from}。"
                 + "只填写黄色单元格；其余内容（公式、说明、参数）请勿改动，改动过的工作簿将被退回。", ""),
        ("section", "一、在哪里填写", ""),
        ("row", "黄色单元格", "填写区（未锁定）。其余单元格受工作表保护（无密码），防止误改公式；需要时可在“审阅 → 撤销工作表保护”。"),
        ("row", "下拉列表", "是/否、产业、划型行业、企业规模、学历、职称、处罚类型与对象、撤销原因、变更事项、改判结果均从下拉列表选择中文标签。"),
        ("row", "留空", "是/否 项留空表示“未填”：相关条件显示“待核实”，绝不会被当作“符合”。"),
        ("row", "处罚记录", "核查信用中国、裁判文书等记录后，在“处罚与撤销”工作表的“处罚记录已核查”选“是”（无处罚也须选“是”）；"
                          "未选且处罚表为空时，第六条第（二）项和第十五条为“待核实”。"),
        ("row", "日期", "按 yyyy-mm-dd 填写真实日期（如 2025-06-30）；数字项只填数字，不带单位。"),
        ("section", "二、各工作表", ""),
    ]
    lines += [("row", name, purpose) for name, purpose in SHEETS if not name.startswith("_")]
    lines += [
        ("section", "三、结果颜色", ""),
        ("row", "符合", "绿色：数据满足该条件。"),
        ("row", "不符合", "红色：数据表明不满足该条件。"),
        ("row", "待核实", "黄色：缺少所需数据，或复核判断尚未作出（结论同样为待核实）。"),
        ("row", "输入错误：…", "红色文字：某个单元格的内容有误，文字说明是哪一项、如何修改；该条件按“待核实”计。"),
        ("section", "四、如何重新计算", ""),
        ("row", "Excel", "加载 jidi-xl 加载项后，修改数据即自动重算相关结果；全部重算按 Ctrl+Alt+F9（或 公式 → 立即计算 / F9），"
                         "也可点击加载项选项卡中的按钮。打开文件时不会自动全部重算，显示的是保存时的结果。"),
        ("row", "没有 Excel 时", "可交评价工作人员用 jidi-xl 程序重算并核对（jidi-xl check 文件.xlsx）；"
                              "jidi-xl report 文件.xlsx -o 报告.pdf 生成可打印、签字的评价报告。"),
        ("row", "未重新计算时", "文件中保存了生成时计算的结果，直接打开或用其他软件读取即可看到；修改数据后须重新计算。"),
        ("section", "五、其他", ""),
        ("row", "复核改判", "复核人在“复核改判”工作表选择改判结果并填写不少于 4 个字的理由；计算结果保留显示。"),
        ("row", "暂定参数", "合格线、较好线、星级分档、资金档次为暂定参数，待年度通知确认（“参数”工作表标注“暂定”）。"),
        ("row", "打印", "各工作表均按 A4 纸、一页宽打印，页眉为文件名和工作表名，页脚为页码；产业分布图单独成页。"
                      "签字归档请打印 jidi-xl report 生成的评价报告（含评审人、复核人签字栏）。"),
        ("row", "单元格名称", "每个填写区和结果单元格都有名称（in_… / out_…），可在名称框中选择以快速定位。"),
    ]
    r = 0
    for kind, a, b in lines:
        if kind == "title":
            ws.merge_range(r, 0, r, 2, a, F.style("title"))
        elif kind == "note":
            ws.merge_range(r, 0, r, 2, a, F.style("note"))
            ws.set_row(r, 33)
        elif kind == "section":
            r += 1
            ws.merge_range(r, 0, r, 2, a, F.style("section"))
        else:
            ws.write_string(r, 1, a, F.style("label"))
            ws.write_string(r, 2, b, F.style("static"))
        r += 1


def _params(ws, F: _Formats, L: Layout, rs: RuleSet) -> None:
    sheet, r0, _ = L.anchors["params"]
    # info_ruleset (the first value cell) records rs.key — "bj-2022", or "bj-2022@2025" with the 2025 notice: every
    # engine evaluates the book under exactly that (udfs.context); the reader copies it into the case's ruleset
    meta = [("规则集编号", rs.key), ("名称", rs.title), ("文号", rs.document), ("施行日期", rs.effective_from.isoformat()),
            ("数值最后确认日期", str(rs.data.get("last_value_still_valid_on", ""))), ("替代", str(rs.data.get("replaces", "")))]
    own = len(meta)                              # the rule-set's rows; a notice's follow (and may wrap)
    if rs.notice_info is not None:
        n = rs.notice_info
        meta += [("年度通知", f"{n.year} 年通知：申报 {n.year} 年，评价 {n.evaluation_year} 年度"), ("通知名称", n.title),
                 ("通知文号", n.document), ("通知数据文件", f"jidi_xl/params/{rs.id}/notices/{n.year}.yaml"),
                 ("通知数据来源", n.source)]
    for i, (k, v) in enumerate(meta):
        ws.write_string(r0 + i, 0, k, F.style("label"))
        ws.write_string(r0 + i, 1, v, F.style("static"))
        if i >= own and len(v) > 26:             # a notice's long texts wrap in the 44-wide column: room for two lines
            ws.set_row(r0 + i, 30)
    r = r0 + len(meta) + 1
    for j, h in enumerate(["参数", "取值", "单位", "来源", "暂定"]):
        ws.write_string(r, j, h, F.style("header"))
    kinds_for_lists = [k for k in rs.codes]

    def show(v: Any) -> Any:
        if isinstance(v, Fraction):
            return f"{v.numerator}/{v.denominator}（{float(v) * 100:g}%）"
        if isinstance(v, list) and v and all(isinstance(x, str) for x in v):
            for k in kinds_for_lists:
                if all(x in rs.codes[k] for x in v):
                    return "、".join(f"{x}（{rs.codes[k][x]}）" for x in v)
            return "、".join(v)
        if isinstance(v, list) and v and all(isinstance(x, dict) and {"code", "name", "max_points"} <= set(x) for x in v):
            # a notice's rubric: one indicator a line, "E1 名称：满分 25，权重 20"
            return "\n".join(f"{x['code']} {x['name']}：满分 {x['max_points']:g}" +
                             (f"，权重 {x['weight']:g}" if x.get("weight") is not None else "") for x in v)
        if isinstance(v, (list, dict)):
            return json.dumps(v, ensure_ascii=False)
        return v

    for p in rs.parameters():
        r += 1
        v = show(p.value)
        ws.write_string(r, 0, p.path, F.style("label"))
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            ws.write_number(r, 1, v, F.style("static"))
        else:
            ws.write_string(r, 1, str(v), F.style("static"))
        ws.write_string(r, 2, p.unit, F.style("static"))
        ws.write_string(r, 3, p.source, F.style("static"))
        ws.write_string(r, 4, "暂定" if p.placeholder else "", F.style("static"))
        if isinstance(v, str) and "\n" in v:
            ws.set_row(r, 16 * (v.count("\n") + 2))      # a line each, and one for the longest that wraps
    r += 2
    ss = rs.size_standards
    ws.merge_range(r, 0, r, 4, f"划型标准：{ss['document']}（下限含本数；缺指标时规模待核实）", F.style("section"))
    r += 1
    for j, h in enumerate(["划型行业", "大型（全部指标不低于）", "中型（全部指标不低于）", "小型（全部指标不低于；否则为微型）", "来源"]):
        ws.write_string(r, j, h, F.style("header"))
    zh = {"employees": "从业人员", "revenue": "营业收入", "assets": "资产总额"}
    for code, sec in ss["sectors"].items():
        r += 1
        ws.write_string(r, 0, f"{sec['label']}（{code}）", F.style("label"))
        for j, cls in enumerate(("large", "medium", "small")):
            b = sec["bounds"][cls]
            ws.write_string(r, 1 + j, "、".join(f"{zh[k]} {v:g}{ss['units'][k]}" for k, v in b.items()), F.style("static"))
        ws.write_string(r, 4, str(sec.get("source", "")), F.style("static"))


def _measures(ws, F: _Formats) -> None:
    ws.set_column(0, 0, 120)
    ws.write_string(0, 0, "《北京市小型微型企业创业创新示范基地管理办法》（京经信发〔2022〕38号）原文", F.style("title"))
    r = 1
    for line in MEASURES_PATH.read_text(encoding="utf-8").splitlines():
        text = line.strip().replace("\u3000", "")
        if not text:
            continue
        r += 1
        heading = text.startswith("第") and ("章" in text[:5] and "条" not in text[:5])
        ws.write_string(r, 0, text, F.style("bold") if heading else F.style("wrap"))


def _chart(wb, ws, L: Layout) -> None:
    sheet, row, col = L.anchors["chart"]
    cats, counts, lead = L["info_industry_labels"], L["out_industry_counts"], L["out_industry_leading_counts"]
    chart = wb.add_chart({"type": "column"})
    chart.add_series({"name": "入驻企业数", "categories": "=" + cats.abs_ref, "values": "=" + counts.abs_ref,
                      "fill": {"color": "#9DC3E6"}, "border": {"none": True}, "overlap": 100, "gap": 60,
                      "data_labels": {"value": False}})
    chart.add_series({"name": "其中主导产业", "categories": "=" + cats.abs_ref, "values": "=" + lead.abs_ref,
                      "fill": {"color": "#ED7D31"}, "border": {"none": True}})
    chart.set_title({"name": "入驻企业产业分布（橙色为主导产业）", "name_font": {"size": 12}})
    chart.set_x_axis({"num_font": {"rotation": -45}})
    chart.set_y_axis({"name": "企业数（家）", "major_gridlines": {"visible": True, "line": {"color": "#E0E0E0"}}})
    chart.set_legend({"position": "top"})
    chart.set_size({"width": 780, "height": 440})
    ws.insert_chart(row, col, chart)


COLUMN_FORMATTED = (S_ROSTER, S_STAFF)


def write_book(inputs: Cells, values: Cells | None, sample_of: str | None = None, L: Layout | None = None,
               rs: RuleSet | None = None) -> bytes:
    """Render the layout with the given input cells and cached formula values; return the .xlsx bytes.

    A sample differs from the template only in its input cells, cached values, document comment and
    active sheet: every other cell is the template's (the engine's fast path fingerprints them).
    ``rs``: the rule-set (and notice) the book is made for, recorded in its 参数 sheet; None = the layout's."""
    if L is None:                        # the layout of the rule-set the book is made for (default: the default's)
        L = layout_for(rs) if rs is not None else default_layout()
    rs = rs if rs is not None else L.ruleset
    buf = io.BytesIO()
    wb = xlsxwriter.Workbook(buf, {"in_memory": True, "strings_to_numbers": False, "strings_to_formulas": False,
                                   "strings_to_urls": False})
    wb.set_properties({
        "title": "北京市小型微型企业创业创新示范基地认定与绩效评价工作簿",
        "subject": "《北京市小型微型企业创业创新示范基地管理办法》（京经信发〔2022〕38号）",
        "author": "jidi-xl", "company": "jidi-xl", "keywords": f"jidi-xl, {rs.key}",
        "comments": "由 workbooks/generate.py 生成；布局见 docs/workbook.md" + (f"；示例：{sample_of}" if sample_of else ""),
        "created": CREATED,
    })
    # Open showing the stored results: no full recalculation on load (without the add-in Excel would turn every
    # JIDI_ cell into #NAME?), and a current calcId so that Excel does not force one either. Edits recalculate.
    wb.set_calc_mode("auto", calc_id=191029)
    wb.calc_on_load = False
    F = _Formats(wb)
    ws = {name: wb.add_worksheet(name) for name, _ in SHEETS}

    # The big tables (roster 1000 rows, staff 200 rows) style their empty input cells through the column
    # format instead of ~9,600 blank cells: Excel shows them yellow and unlocked all the same, and the headless
    # engine does not load (and compile) a cell per empty row — measured: it made a cold recalc 2× slower.
    col_fmt = {(n.sheet, n.col): F.input(n.kind) for n in L.inputs()
               if n.sheet in COLUMN_FORMATTED and n.ncols == 1 and n.nrows > 1 and n.kind not in ("group", "table")}
    for sheet, cols in L.widths.items():
        for c1, c2, w in cols:
            for c in range(c1, c2 + 1):
                ws[sheet].set_column(c, c, w, col_fmt.get((sheet, c)))
    heights = {sheet: dict(rows) for sheet, rows in L.heights.items()}
    for (sheet, r, c), last in L.spans.items():        # a long text's row grows with the text it holds
        v = inputs.get((sheet, r, c))
        if isinstance(v, str):
            width = sum(L.widths_of(sheet, c, last)) - 2
            lines = sum(-(-text_width(part) // int(width)) or 1 for part in v.split("\n"))
            heights.setdefault(sheet, {})[r] = max(heights.get(sheet, {}).get(r, 0), lines * LINE_HEIGHT)
    for sheet, rows in heights.items():
        for r, h in rows.items():
            ws[sheet].set_row(r, h)

    # static text, merged where asked
    for st in L.statics:
        fmt = F.style(st.style)
        w = ws[st.sheet]
        value = st.value
        if st.last_col is not None or st.last_row is not None:
            lr, lc = st.last_row if st.last_row is not None else st.row, st.last_col if st.last_col is not None else st.col
            if (lr, lc) != (st.row, st.col):
                w.merge_range(st.row, st.col, lr, lc, "", fmt)
        if isinstance(value, (int, float)):
            w.write_number(st.row, st.col, value, fmt)
        elif value == "":
            w.write_blank(st.row, st.col, None, fmt)
        else:
            w.write_string(st.row, st.col, str(value), fmt)

    # inputs: yellow, unlocked, validated
    for n in L.inputs():
        if n.kind in ("group", "table"):
            continue
        fmt = F.input(n.kind)
        w = ws[n.sheet]
        for r, c in n.cells():
            v = inputs.get((n.sheet, r, c))
            if (n.sheet, r, c) in L.spans:             # a long text: merged over the next columns, wrapped
                fmt = F.input(n.kind, wrap=True)
                w.merge_range(r, c, r, L.spans[(n.sheet, r, c)], "", fmt)
                if v is None:
                    w.write_blank(r, c, None, fmt)
                else:
                    w.write_string(r, c, str(v), fmt)
                continue
            if v is None:
                if (n.sheet, c) not in col_fmt:
                    w.write_blank(r, c, None, fmt)
            elif isinstance(v, bool):
                w.write_boolean(r, c, v, fmt)
            elif isinstance(v, (date, datetime)):
                w.write_datetime(r, c, datetime(v.year, v.month, v.day) if not isinstance(v, datetime) else v, fmt)
            elif isinstance(v, (int, float)):
                w.write_number(r, c, v, fmt)
            else:
                w.write_string(r, c, str(v), fmt)
        dv = _validation(n, rs)
        if dv:
            w.data_validation(n.row, n.col, n.row + n.nrows - 1, n.col + n.ncols - 1, dv)

    # formulas, each with its computed value
    for f in L.formulas:
        v = (values or {}).get((f.sheet, f.row, f.col), 0 if values is None else "")
        if isinstance(v, float) and v.is_integer() and f.kind in ("out_int", "out_date"):
            v = int(v)
        ws[f.sheet].write_formula(f.row, f.col, f.formula, F.output(f.kind), v)

    for sheet, r1, c1, r2, c2, style in L.cond:
        _conditional(ws[sheet], F, r1, c1, r2, c2, style)

    for n in L.names.values():
        wb.define_name(n.name, "=" + n.abs_ref)

    _guide(ws[S_GUIDE], F, rs)
    _params(ws[S_PARAMS], F, L, rs)
    _measures(ws[S_TEXT], F)
    _chart(wb, ws[S_CHART], L)

    for sheet, (r, c) in L.freeze.items():
        ws[sheet].freeze_panes(r, c)
    opts = {"select_locked_cells": True, "select_unlocked_cells": True, "format_columns": True, "format_rows": True}
    for name, _ in SHEETS:
        ws[name].protect("", opts)
        _print_setup(ws[name], name)
    ws[S_LISTS].hide()
    (ws[S_RESULT] if sample_of else ws[S_GUIDE]).activate()
    wb.close()
    return _typed_blank_results(buf.getvalue())


WIDE_SHEETS = (S_RESULT, S_ROSTER, S_EVAL, S_OVR, S_PARAMS, S_CHANGES, S_CONDUCT)


def _print_setup(w, name: str) -> None:
    """A4 (paper 9), one page wide, real margins, the file and sheet name in the header and the page number in the
    footer (&F, &A, &P, &N). The chart sheet prints on exactly one landscape page, so no page break cuts the chart.

    Decision: no repeated header rows (Excel's print titles) here. They are stored as sheet-scoped defined names
    (``_xlnm.Print_Titles``), and the structure check compares every defined name of a submitted workbook with the
    template's — the template would gain names that earlier copies lack. The summary workbook repeats its header
    rows (it is not read back)."""
    w.set_paper(9)
    w.fit_to_pages(1, 1 if name == S_CHART else 0)
    if name in WIDE_SHEETS or name == S_CHART:
        w.set_landscape()
    w.set_margins(left=0.5, right=0.5, top=0.75, bottom=0.75)
    w.set_header("&L&8&F&R&8&A")
    w.set_footer("&C&8第 &P 页，共 &N 页")
_BLANK_RESULT = re.compile(rb'<c r="([A-Z]+[0-9]+)"((?: s="[0-9]+")?)><f>([^<]*)</f><v></v></c>')


def _typed_blank_results(data: bytes) -> bytes:
    """Store a formula's "" result as a cached empty *string* (``t="str"``).

    XlsxWriter writes it untyped on purpose, "to force recalc in some third party apps"; we want the
    opposite — LibreOffice recomputes an untyped empty cache, and without our UDFs shows #NAME? where
    Excel shows a blank. Zip entries keep their order, dates and compression (deterministic bytes)."""
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            body = src.read(info)
            if info.filename.startswith("xl/worksheets/sheet"):
                body = _BLANK_RESULT.sub(rb'<c r="\1"\2 t="str"><f>\3</f><v></v></c>', body)
            dst.writestr(info, body)
    return out.getvalue()


def notice_cells(rs: RuleSet, L: Layout) -> Cells:
    """The input cells a notice's workbook comes filled with: the notice's rubric of indicators (评分表: code,
    name, maximum points, weight — blank weight = its maximum points). Decision: they stay input cells, so the
    reviewer enters the experts' scores beside them (and may correct a row the notice changed); a case's own
    rubric wins over the notice's. No notice, or one without a rubric: nothing."""
    if rs.notice is None:
        return {}
    inds = rs.p("chapter4.rubric") or []
    rows = L["in_rubric_codes"].nrows
    if len(inds) > rows:
        raise InputError([InputProblem("chapter4.rubric", f"年度通知的评分指标有 {len(inds)} 项，工作簿至多容纳 {rows} 项")])
    out: Cells = {}
    for col_name, fld in (("in_rubric_codes", "code"), ("in_rubric_names", "name"), ("in_max_points", "max_points"),
                          ("in_weights", "weight")):
        n = L[col_name]
        for i, ind in enumerate(inds):
            if ind.get(fld) is not None:
                out[(n.sheet, n.row + i, n.col)] = ind[fld]
    return out


def build(raw: dict | None = None, sample_of: str | None = None, rs: RuleSet | None = None) -> tuple[bytes, Cells]:
    """Two passes: write, recalculate headlessly, write again with the computed values.

    ``rs``: the rule-set and notice the book is made for (None: the default rule-set, no notice); the book records
    ``rs.key`` and is recalculated under it."""
    from udfs.context import using

    rs = rs if rs is not None else load_ruleset()
    L = layout_for(rs)
    inputs = case_cells(raw, L) if raw else {}
    if not (raw and codec_get(raw, FC.INDICATORS.path)):      # the case has no rubric of its own
        inputs = {**notice_cells(rs, L), **inputs}
    first = write_book(inputs, None, sample_of, L, rs)
    with tempfile.TemporaryDirectory(prefix="jidi-wb-") as tmp:
        path = Path(tmp) / "book.xlsx"
        path.write_bytes(first)
        with using(rs):
            values = recalculate(path)
    return write_book(inputs, values, sample_of, L, rs), values


def _write_if_changed(path: Path, data: bytes) -> bool:
    path = Path(path)
    if path.exists() and path.read_bytes() == data:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return True


def template_bytes() -> bytes:
    return build(None)[0]


def generate_template(out_path: str | Path = TEMPLATE_PATH) -> Path:
    _write_if_changed(Path(out_path), template_bytes())
    return Path(out_path)


def sample_id(raw: dict, case_json_path: str | Path) -> str:
    cid = str(raw.get("case_id") or Path(case_json_path).stem)
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in cid)


def sample_bytes(case_json_path: str | Path) -> bytes:
    """The sample workbook of a case file; :class:`InputError` when the case is invalid."""
    path = Path(case_json_path)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise InputError([InputProblem(str(path), f"无法读取案例文件：{exc}")], str(path)) from None
    parse_case(raw, source=str(path))
    label = f"{raw.get('case_id') or path.stem}（{raw['base']['name']}）"
    try:
        return build(raw, sample_of=label)[0]
    except InputError as exc:
        raise InputError(exc.problems, str(path)) from None


def generate_sample(case_json_path: str | Path, out_path: str | Path | None = None) -> Path:
    """Write the sample workbook of a valid case JSON (default: ``workbooks/samples/<case_id>.xlsx``)."""
    if out_path is None:
        raw = json.loads(Path(case_json_path).read_text(encoding="utf-8"))
        out_path = SAMPLES_DIR / f"{sample_id(raw, case_json_path)}.xlsx"
    _write_if_changed(Path(out_path), sample_bytes(case_json_path))
    return Path(out_path)


def example_cases(examples_dir: Path = EXAMPLES_DIR) -> list[tuple[Path, str]]:
    """(case file, sample id) of every valid example case, sorted by file name."""
    out = []
    for p in sorted(examples_dir.glob("*.json")):
        try:
            raw = json.loads(p.read_text(encoding="utf-8"))
            if not isinstance(raw, dict) or raw.get("format") != "jidi-xl/case@1":
                continue
            parse_case(raw, source=str(p))
        except (InputError, json.JSONDecodeError, OSError):
            continue
        out.append((p, sample_id(raw, p)))
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="生成标准评价工作簿和示例工作簿 (generate the workbook and samples)")
    ap.add_argument("--check", action="store_true", help="只检查已提交的文件是否最新 (exit 1 if stale)")
    ap.add_argument("--examples", type=Path, default=EXAMPLES_DIR)
    args = ap.parse_args(argv)
    stale: list[str] = []
    jobs: list[tuple[Path, Any]] = [(TEMPLATE_PATH, template_bytes)]
    cases = example_cases(args.examples)
    for p in sorted(args.examples.glob("*.json")):
        if p not in [c for c, _ in cases] and not p.name.startswith("_"):
            print(f"跳过 {p}：不是有效的案例文件 (skipped: not a valid case)", file=sys.stderr)
    for p, sid in cases:
        jobs.append((SAMPLES_DIR / f"{sid}.xlsx", lambda p=p: sample_bytes(p)))
    wanted = {SAMPLES_DIR / f"{sid}.xlsx" for _, sid in cases}
    for out, make in jobs:
        data = make()
        if args.check:
            if not out.exists() or out.read_bytes() != data:
                stale.append(str(out))
        elif _write_if_changed(out, data):
            print(f"写入 {out.relative_to(ROOT)}")
    for extra in sorted(SAMPLES_DIR.glob("*.xlsx")):
        if extra not in wanted:
            if args.check:
                stale.append(f"{extra}（没有对应的案例）")
            else:
                extra.unlink()
                print(f"删除 {extra.relative_to(ROOT)}（没有对应的案例）")
    if stale:
        print("以下文件不是最新，请运行 python -m workbooks.generate：\n  " + "\n  ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
