"""Generate docs/workbook.md from :mod:`workbooks.layout` (every defined name, where it is, what it means);
its input rows come from the field catalogue :mod:`jidi_xl.fields` through the layout.

    python -m workbooks.docs            # rewrite docs/workbook.md
    python -m workbooks.docs --check    # exit 1 if the committed page is stale
"""
from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from xlsxwriter.utility import xl_rowcol_to_cell

from .layout import CONDITIONS, KINDS, OVERRIDABLE, RIBBON_NAMES, SHEETS, Layout, default_layout

DOC_PATH = Path(__file__).resolve().parent.parent / "docs" / "workbook.md"

ROLE_TITLES = [
    ("input", "填写区（in_…）", "黄色、未锁定；读取工作簿时写入案例的字段见“案例字段”列。"),
    ("output", "结果（out_…）", "公式计算，受保护；文件中保存了计算结果（缓存值）。"),
    ("info", "固定信息（info_…）", "生成器写入的固定内容。"),
    ("list", "下拉列表（lst_…）", "隐藏工作表 `_lists` 上的下拉列表取值（中文标签）。"),
]


def _md(s: str) -> str:
    return str(s).replace("|", "\\|").replace("\n", " ")


def render(L: Layout | None = None) -> str:
    L = L if L is not None else default_layout()
    names = list(L.names.values())
    by_role = Counter(n.role for n in names)
    funcs = sorted({tok for f in L.formulas for tok in _functions(f.formula)})
    out = [
        "# 标准评价工作簿（workbooks/jidi_evaluation.xlsx）",
        "",
        "<!-- 本页由 `python -m workbooks.docs` 根据 workbooks/layout.py 生成，请勿手工修改；填写区（名称、含义、类型、案例字段）"
        "来自字段目录 jidi_xl/fields.py。 -->",
        "",
        "The standard workbook of jidi-xl: where to type, what each result cell means, and the **workbook-scope**",
        "defined name of every input and output (sheet-scoped names are not used: the headless engine gives",
        "`#REF!` for them). Generated from `workbooks/layout.py` — the single source of truth — by",
        "`python -m workbooks.docs`; a test fails when this page is stale.",
        "",
        "- 生成：`python -m workbooks.generate`（模板和 `workbooks/samples/` 中每个示例案例的工作簿；相同输入得到相同字节）。",
        "- 读取：`workbooks.reader.read_case(path)` → 案例（格式 `jidi-xl/case@1`，见 docs/case-format.md）；"
        "`read_results(path)` → 各 `out_` 名称的缓存值。",
        f"- 公式单元格 {len(L.formulas)} 个；定义名称 {len(names)} 个（填写区 {by_role['input']}、结果 {by_role['output']}、"
        f"固定信息 {by_role['info']}、下拉列表 {by_role['list']}）。",
        f"- 调用的函数：{', '.join(f'`{f}`' for f in funcs)}。",
        f"- xlwings 功能区读取的名称：{', '.join(f'`{n}`' for n in RIBBON_NAMES)}。",
        "",
        "## 工作表",
        "",
        "| 工作表 | 内容 |",
        "|---|---|",
    ]
    out += [f"| {_md(s)} | {_md(p)} |" for s, p in SHEETS]
    out += [
        "",
        "## 约定",
        "",
        "- 是/否 用下拉列表的“是”“否”；留空表示未填，相关条件为“待核实”，绝不当作“符合”。",
        "- 枚举值（产业、划型行业、企业规模、学历、职称、处罚类型与对象、撤销原因、变更事项）填写中文标签"
        "（jidi_xl/params/codes.yaml、size_standards.yaml）；读取时转换为案例格式的代码。",
        "- 日期为真正的 Excel 日期（格式 yyyy-mm-dd）；`JIDI_` 函数返回的日期是 Excel 日期序号，所在单元格已设日期格式。",
        "- 表格（入驻企业、服务人员、处罚、撤销、重大变更）的空行跳过；列顺序与 `udfs/tables.py` 一致。",
        "- 入驻企业名册整表为空表示未填（第六条第（五）项待核实）。",
        "- 处罚记录：“处罚记录已核查”（`in_penalties_checked`）选“是”时，处罚表中的记录（可为空，即已核查、无处罚）"
        "就是案例的 `conduct.penalties`；留空或选“否”且处罚表为空时处罚记录视为未填，案例中不写 `conduct.penalties`，"
        "第六条第（二）项和绩效评价的第十五条为待核实；处罚表有记录时照常计入（不符合仍为不符合）。"
        "与 `JIDI_ART6_2`/`JIDI_ART15` 的读法一致（`udfs.tables.penalty_record`）。生成示例工作簿时，"
        "案例含 `conduct.penalties`（即使为 `[]`）则填“是”，否则留空。",
        "- 结果单元格的颜色：符合 绿、不符合 红、待核实 黄；“输入错误：…”为红色文字，按待核实计。",
        "",
        "## 认定条件与复核改判",
        "",
        "| 条件编号 | 依据 | 条件 | 计算结果 | 改判结果 | 改判理由 | 最终结果 |",
        "|---|---|---|---|---|---|---|",
    ]
    finals = {c.rule: f"out_{c.rule}" for c in CONDITIONS}
    finals["art15_triggers"] = "out_eval_art15"
    for c, computed in OVERRIDABLE:
        out.append(f"| `{c.rule}` | {c.article} | {c.title} | `{computed}` | `in_ovr_{c.rule}` | `in_ovr_reason_{c.rule}` "
                   f"| `{finals[c.rule]}` |")
    for role, title, note in ROLE_TITLES:
        out += ["", f"## {title}", "", note, "", "| 名称 | 位置 | 含义 | 类型 | 案例字段 |", "|---|---|---|---|---|"]
        for n in names:
            if n.role != role:
                continue
            meaning = n.label + (f"：{n.help}" if n.help and n.help not in n.label else "")
            kind = KINDS.get(n.kind, n.kind)
            out.append(f"| `{n.name}` | {_md(n.where)} | {_md(meaning)} | {_md(kind)} | "
                       f"{'`' + n.json + '`' if n.json else ''} |")
    out += ["", "## 公式", "", "| 单元格 | 公式 |", "|---|---|"]
    for f in L.formulas:
        out.append(f"| {_md(f.sheet)}!{xl_rowcol_to_cell(f.row, f.col)} | `{_md(f.formula)}` |")
    return "\n".join(out) + "\n"


def _functions(formula: str) -> list[str]:
    from openpyxl.formula import Tokenizer

    return [t.value.rstrip("(").upper() for t in Tokenizer(formula).items
            if t.type == "FUNC" and t.subtype == "OPEN"]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="生成 docs/workbook.md (generate the workbook layout page)")
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args(argv)
    text = render()
    if args.check:
        if not DOC_PATH.exists() or DOC_PATH.read_text(encoding="utf-8") != text:
            print("docs/workbook.md 不是最新，请运行 python -m workbooks.docs (stale)", file=sys.stderr)
            return 1
        return 0
    DOC_PATH.parent.mkdir(parents=True, exist_ok=True)
    if not DOC_PATH.exists() or DOC_PATH.read_text(encoding="utf-8") != text:
        DOC_PATH.write_text(text, encoding="utf-8")
        print(f"写入 {DOC_PATH}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
