"""Generate docs/udfs.md — the catalogue of the ``JIDI_`` functions — from the registry.

    python -m udfs.gen_docs            # rewrite docs/udfs.md
    python -m udfs.gen_docs --check    # exit 1 if docs/udfs.md is not what this generates

Everything in the page comes from code or rule-set data: the functions, their arguments and articles
(``udfs.registry.REGISTRY``), the names Excel shows (``udfs.excel``), the ``part`` values
(``udfs.registry.PARTS``), the yes/no texts (``udfs.adapters``), the table layouts (``udfs.tables``) and
the drop-down lists (``jidi_xl/params/codes.yaml``, ``size_standards.yaml``).
"""
from __future__ import annotations

import argparse
import sys
from fractions import Fraction
from pathlib import Path

from jidi_xl import texts
from jidi_xl.ruleset import load_ruleset

from . import adapters, tables
from .excel import excel_arg_name
from .registry import CATEGORY, INPUT_ERROR, INTERNAL_ERROR, PARTS, REGISTRY, formulas_functions

DOC = Path(__file__).resolve().parent.parent / "docs" / "udfs.md"

# The table columns whose cells take a drop-down value, and the list they take it from.
COLUMN_VALUES = {
    "所属产业": "industries", "划型行业": "sectors", "企业规模（已申报）": "size_classes", "注册地在本市": "yes_no",
    "处罚类型": "penalty_kinds", "处罚对象": "penalty_subjects", "处罚日期": "date",
    "学历": "degrees", "职称": "titles",
    "撤销日期": "date", "撤销原因": "revocation_grounds",
    "从业人员（人）": "number", "营业收入（万元）": "number", "资产总额（万元）": "number",
}
TABLES = (
    ("入驻企业名册", "ROSTER_COLUMNS", "JIDI_ART6_5、JIDI_SMALL_MICRO_COUNT、JIDI_LEADING_INDUSTRIES、JIDI_CONCENTRATION、JIDI_TRACK"),
    ("处罚记录", "PENALTY_COLUMNS", "JIDI_ART6_2、JIDI_ART15"),
    ("服务人员名单", "STAFF_COLUMNS", "JIDI_ART6_8"),
    ("撤销记录", "REVOCATION_COLUMNS", "JIDI_BAN"),
)
# What a table's blankness means, where it is not simply "no records".
TABLE_NOTES = {
    "处罚记录": "空表的含义由参数 `checked`（处罚记录已核查）决定（`tables.penalty_record`，spec §0）："
            "“是”→ 已核查、无处罚；空或“否”→ 处罚记录未填，第六条第（二）项、第十五条为待核实。"
            "表中有记录时无论 `checked` 如何都计入（不符合仍为不符合）。",
}
LISTS = (
    ("industries", "所属产业、主导产业"), ("sectors", "划型行业"), ("size_classes", "企业规模"),
    ("degrees", "学历"), ("titles", "职称"), ("penalty_kinds", "处罚类型"), ("penalty_subjects", "处罚对象"),
    ("revocation_grounds", "撤销原因"), ("change_kinds", "变更事项（JIDI_ART17）"),
)
FLAG_LISTS = (("JIDI_ART7、JIDI_ART7_COUNT", "service_functions"), ("JIDI_ART8", "encouraged_features"))
PART_MEANING = {
    "outcome": "结果：符合 / 不符合 / 待核实（省略 part 时的默认值）",
    "figures": "数据：比较所用的数字，如 `6,200 ≥ {art6_4.min_building_area_m2} m²`",
    "reason": "理由：一句中文说明",
    "article": "依据：所适用的条款，如 `第六条第（四）项`",
    "title": "条件：条件的简称",
    "value": "值：计算出的量（人数、比率、日期…）；值含多项时改用其键名",
}


def _md(text: str) -> str:
    return str(text).replace("|", "\\|")


def _code(values) -> str:
    return "、".join(f"`{v}`" for v in values)


def _header() -> list[str]:
    return [
        "# JIDI_ 工作表函数目录（UDF catalogue）",
        "",
        "<!-- 本页由 `python -m udfs.gen_docs` 从 udfs/registry.py 生成，请勿手工修改；"
        "tests/udfs/test_docs.py 检查它与生成结果一致。 -->",
        "",
        f"jidi-xl 把《北京市小型微型企业创业创新示范基地管理办法》（京经信发〔2022〕38号）的规则做成 {len(REGISTRY)} 个 "
        f"Excel 工作表函数。它们只有一个登记处 `udfs/registry.py`，同时供两个运行环境使用，结果逐值相同：",
        "",
        "- **Excel**（Windows）：加载项 `udfs/addin/jidi_xl_addin.xlam`（xlwings），函数由 `udfs/excel.py` 提供，"
        f"在“插入函数”对话框的类别 **{CATEGORY}** 中，每个参数都有中文说明。安装见 `udfs/addin/README.md`。",
        "- **无 Excel 的重算引擎**（formulas）：`udfs.registry.formulas_functions()` 返回同一批函数。",
        "",
        "每个函数只做类型转换并调用 `jidi_xl/rules/` 中对应的规则，本身不含任何规则逻辑；阈值都在规则集数据中。",
        "",
    ]


def _conventions(rs) -> list[str]:
    parts: dict[str, list[str]] = {}
    for word, key in PARTS.items():
        parts.setdefault(key, []).append(word)
    lines = [
        "## 约定（conventions）",
        "",
        "### 错误约定（error contract）",
        "",
        "函数从不抛出异常，也从不返回 Excel 错误值（`#VALUE!`、`#N/A`…），而是返回文字：",
        "",
        f"- `{INPUT_ERROR}<字段>：<如何修正>` —— 输入有误：数字单元格里填了文字、引用的单元格本身是错误值"
        "（如 `#N/A`）、下拉列表以外的取值、负数面积、超过 100% 的满意度、重复的统一社会信用代码、"
        f"早于规则集 {rs.id} 施行日期（{rs.effective_from.isoformat()}）的参照日期等。"
        "字段名指明要改哪一格（表格中还指明第几行、哪一列）。",
        f"- `{INTERNAL_ERROR}<异常>` —— 程序缺陷，请报告给维护者。",
        "",
        "两种文字在 `JIDI_COMBINE`、`JIDI_RECOGNITION` 等汇总函数中都计为 **待核实**，绝不会计为符合。"
        "空单元格表示“未填”，相应条件为待核实，而不是不符合。",
        "",
        "**LibreOffice Calc 自行决定的情形**（实测 7.4.7，`tests/udfs/test_udf_parity.py`、`tests/libreoffice` 固定）："
        "必填参数须为单元格引用、区域或名称，写常量或表达式时 LibreOffice 不调用函数、显示 `Err:504`；"
        "可选参数（如 part）含错误值时 LibreOffice 不调用函数、显示该错误值。"
        "必填参数引用的单元格含错误值时，函数照常返回上面的输入错误文字。其余差别见 docs/libreoffice-setup.md。",
        "",
        "### 返回内容参数 part",
        "",
        "带 `part` 参数的函数返回规则结果的一个方面；`part` 接受中文或英文写法：",
        "",
        "| part | 返回 |",
        "|---|---|",
    ]
    for key, meaning in ((k, texts.fill(rs, m)) for k, m in PART_MEANING.items()):
        lines.append(f"| {_code(parts[key])} | {meaning} |")
    lines += [
        "",
        "其他取值按“值”的键名查找（如 `JIDI_ART6_5` 的 `n`、`ratio`、`ratio_all`、`track`、`leading`）；"
        f"未知的取值返回 `{INPUT_ERROR}part：…`。",
        "",
        "### 输入与输出的值",
        "",
        "- **日期**：输入可为日期格式的单元格、Excel 日期序列号或文字 `YYYY-MM-DD`（也可用 `/` 分隔）。"
        "返回的日期是 Excel 日期序列号（1900 日期系统，序列号 1 = 1900-01-01）；工作表函数不能设置单元格格式，"
        "所以结果单元格须设为日期格式（标准评价工作簿已设置）。",
        f"- **是/否**：逻辑值 TRUE/FALSE、数字 1/0，或文字——“是”：{_code(sorted(adapters.TRUE_TEXT))}；"
        f"“否”：{_code(sorted(adapters.FALSE_TEXT))}。",
        "- **数字**：只填数字（可带千位分隔符）；带单位或文字的返回输入错误；面积、人数、金额不能为负。",
        f"- **比率**（集聚度、满意度）：0–1 之间的小数，单元格设为百分比格式即可显示为 %；满意度也接受 {texts.figure(rs.p('art6_9.min_satisfaction'))} 这样的百分比格式输入。",
        "- **下拉列表**：代码或中文名称均可（见下文“下拉列表取值”）。",
        "",
    ]
    return lines


def _tables(rs) -> list[str]:
    lines = [
        "## 表格布局（table layouts）",
        "",
        "表格参数引用一个区域，每行一条记录，列的顺序固定如下（`udfs/tables.py`）。全空的行跳过；"
        "多出的列忽略，缺少的列视为空白。出错时字段名写明“第几行·哪一列”（行号从区域第一行起算）。",
        "",
    ]
    for title, attr, used_by in TABLES:
        cols = getattr(tables, attr)
        lines += [f"### {title}（{len(cols)} 列）", "", f"用于：{used_by}", "", "| 列 | 名称 | 取值 |", "|---|---|---|"]
        for i, col in enumerate(cols, start=1):
            kind = COLUMN_VALUES.get(col)
            if kind in ("yes_no",):
                values = "是/否"
            elif kind == "date":
                values = "日期"
            elif kind == "number":
                values = "数字"
            elif kind is not None:
                values = f"下拉列表：{dict(LISTS)[kind]}"
            else:
                values = "文字"
            lines.append(f"| {i} | {col} | {values} |")
        lines.append("")
        if title in TABLE_NOTES:
            lines += [TABLE_NOTES[title], ""]
    lines += ["### 是/否项目区域", "", "以下函数引用一列（或一行）是/否单元格，顺序固定：", ""]
    for used_by, kind in FLAG_LISTS:
        lines.append(f"- {used_by}（{len(rs.code_list(kind))} 格）："
                     + "；".join(f"{i}. {rs.label(kind, c)}" for i, c in enumerate(rs.code_list(kind), start=1)))
    lines.append("")
    return lines


def _lists(rs) -> list[str]:
    lines = ["## 下拉列表取值（drop-down values）", "", "规则集 `bj-2022` 的代码表；单元格中填中文名称或代码均可。", "",
             "| 列表 | 中文名称（代码） |", "|---|---|"]
    for kind, caption in LISTS:
        if kind == "sectors":
            items = [(c, s["label"]) for c, s in rs.size_standards["sectors"].items()]
        else:
            items = list(rs.codes[kind].items())
        lines.append(f"| {caption} | " + "、".join(f"{_md(label)}（`{c}`）" for c, label in items) + " |")
    lines.append("")
    return lines


def _thresholds(rs) -> list[str]:
    """The rule-set's numbers of law, which the functions' descriptions do not state (jidi_xl.texts: they are
    declared before a rule-set is chosen and serve every rule-set)."""
    lines = ["## 规则集门槛（thresholds）", "",
             f"函数说明不写具体数值；计算使用规则集 `{rs.id}`（{_md(rs.document)}）的参数，"
             "标准评价工作簿的“参数”工作表列出全部参数。本页生成时的门槛：", "",
             "| 参数 | 数值 | 依据 |", "|---|---|---|"]
    for p in rs.parameters():
        if isinstance(p.value, (int, Fraction)) and not isinstance(p.value, bool) and not p.placeholder:
            unit = "" if isinstance(p.value, Fraction) else UNIT_ZH.get(p.unit, p.unit)
            lines.append(f"| `{p.path}` | {texts.figure(p.value)}{' ' + unit if unit else ''} | {_md(p.source)} |")
    lines.append("")
    return lines


#: the units of the rule-set's parameters, as the thresholds table writes them
UNIT_ZH = {"year": "年", "m2": "平方米", "firm": "家", "person": "人", "working_day": "个工作日", "expert": "位专家",
           "point": "分", "": ""}


def _signature(u) -> str:
    args = [f"[{excel_arg_name(a.name)}]" if a.optional else excel_arg_name(a.name) for a in u.args]
    return f"={u.name}({', '.join(args)})"


def _catalogue() -> list[str]:
    lines = ["## 函数一览", "", "| 函数 | 说明 | 依据 |", "|---|---|---|"]
    for u in REGISTRY.values():
        anchor = u.name.lower()
        lines.append(f"| [`{u.name}`](#{anchor}) | {_md(u.description)} | {_md(u.article)} |")
    lines += ["", "## 函数说明", ""]
    for u in REGISTRY.values():
        lines += [f"### {u.name}", "", _md(u.description), "", f"- 语法：`{_signature(u)}`",
                  f"- 依据：{_md(u.article)}", f"- 返回：{_md(u.returns)}", "",
                  "| 参数 | 说明 | 形式 |", "|---|---|---|"]
        for a in u.args:
            form = "区域" if a.range else "单个值"
            if a.optional:
                form += "，可选"
            name = excel_arg_name(a.name)
            note = "" if name == a.name else f"（Python 中为 `{a.name}`；`{a.name}` 是 VBA 保留字）"
            lines.append(f"| `{name}` | {_md(a.doc)}{note} | {form} |")
        lines.append("")
    return lines


def render() -> str:
    formulas_functions()       # imports udfs.functions: the registry is complete
    rs = load_ruleset()
    return "\n".join(_header() + _conventions(rs) + _thresholds(rs) + _tables(rs) + _lists(rs) + _catalogue()).rstrip() + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="fail if docs/udfs.md differs from the generated page")
    args = ap.parse_args(argv)
    text = render()
    if args.check:
        same = DOC.exists() and DOC.read_text(encoding="utf-8") == text
        print(f"{DOC}: {'up to date' if same else 'out of date — run python -m udfs.gen_docs'}")
        return 0 if same else 1
    DOC.parent.mkdir(parents=True, exist_ok=True)
    DOC.write_text(text, encoding="utf-8")
    print(f"wrote {DOC}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
