"""The host-independent half of the spreadsheet faces (Excel ``udfs/excel.py``, LibreOffice
``udfs/libreoffice``): the Function Wizard description of a function, and the button 评价当前工作簿's
verdict text from the values of the result cells. No xlwings, no UNO: each face reads its cells and
calls :func:`summary`.
"""
from __future__ import annotations

from typing import Any, Callable

from .registry import CATEGORY, INPUT_ERROR, INTERNAL_ERROR, Udf

WIZARD_TEXT_MAX = 255   # Excel's limit for MacroOptions Description / ArgumentDescriptions


def wizard_description(u: Udf) -> str:
    """The function wizard's description: what it does, its article and what it returns.

    Excel keeps 255 characters (WIZARD_TEXT_MAX); tests/udfs check every description fits."""
    return f"{u.description}。依据：{u.article}。返回：{u.returns}。"


TITLE = CATEGORY          # the message box title, as the function wizard's category
# Workbook-scope names of the standard workbook's result cells, with their Chinese captions.
OUTPUTS = (
    ("out_recognition_verdict", "认定结论"),
    ("out_failing_articles", "不符合或待核实的条款"),
    ("out_grade", "年度评价结果"),
    ("out_stars", "星级"),
)
_MISSING, _NOT_A_RANGE = object(), object()


def _shown(key: str, value: Any) -> tuple[str, bool]:
    """One result as text, and whether it is a problem the user must look at."""
    if value is _MISSING:
        return f"（工作簿中没有定义名称 {key}）", True
    if value is _NOT_A_RANGE:
        return f"（定义名称 {key} 未指向单元格）", True
    if value is None or value == "":
        return "（空）", key != "out_stars"       # no star is a valid answer (不合格 or not evaluated)
    if isinstance(value, str) and value.startswith("#NAME?"):
        return (f"{value}（JIDI_ 函数不可用：请确认加载项已打开并已导入函数；若文件由 LibreOffice 保存过"
                "（公式中为 ORG.JIDIXL.FUNCTIONS.JIDI_…），请先运行 jidi-xl addin excel-copy 文件 副本.xlsx，"
                "在 Excel 中打开副本）"), True
    if isinstance(value, str) and value.startswith("#"):
        return f"{value}（公式出错，请检查该单元格引用的输入）", True
    if isinstance(value, str) and value.startswith((INPUT_ERROR, INTERNAL_ERROR)):
        return value, True
    if key == "out_stars" and isinstance(value, (int, float)) and not isinstance(value, bool) \
            and float(value).is_integer() and 1 <= value <= 5:
        return f"{'★' * int(value)}（{int(value)} 星）", False
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value), False


def summary(book_name: str, values: dict[str, Any]) -> tuple[str, bool]:
    """The message shown after the recalculation, and whether it reports a problem."""
    if all(values[key] is _MISSING for key, _ in OUTPUTS):
        names = "、".join(key for key, _ in OUTPUTS)
        return (f"已重新计算“{book_name}”，但没有找到评价结果单元格（定义名称 {names}）。\n"
                "请在 jidi-xl 标准评价工作簿中使用本按钮。"), True
    lines, problem = [f"已重新计算“{book_name}”。", ""], False
    for key, caption in OUTPUTS:
        text, bad = _shown(key, values[key])
        lines.append(f"{caption}：{text}")
        problem |= bad
    if problem:
        lines += ["", "标注的项目需要处理：输入错误请按提示修正对应单元格，内部错误请报告给 jidi-xl 维护者。"]
    return "\n".join(lines), problem




INPUT_PROBLEMS_SHOWN = 20   # a message box stays readable; the rest is counted


def input_problems_of(path) -> list[str]:
    """The input problems of a saved copy of the workbook, each ``工作表!单元格：…`` (the reader's one check
    of every input cell, :func:`workbooks.reader.read_case`); [] when the inputs are fine."""
    from jidi_xl.errors import InputError
    from workbooks.reader import read_case
    try:
        read_case(path)
    except InputError as exc:
        return [str(p) for p in exc.problems]
    return []


def evaluate(book_name: str, recalculate: Callable[[], Any], read_outputs: Callable[[], dict[str, Any]],
             input_problems: Callable[[], list[str]] | None = None) -> tuple[str, bool]:
    """The button 评价当前工作簿, for every host: recalculate fully, summarise the verdict cells, then list
    the input problems by sheet!cell (when the host can give them). Returns (message, is a problem)."""
    recalculate()
    text, problem = summary(book_name, read_outputs())
    problems = input_problems() if input_problems is not None else []
    if problems:
        shown = problems[:INPUT_PROBLEMS_SHOWN]
        more = len(problems) - len(shown)
        text += ("\n\n输入检查发现以下问题（请修正对应单元格后再评价）：\n" + "\n".join(f"· {p}" for p in shown)
                 + (f"\n……另有 {more} 项" if more else ""))
        problem = True
    return text, problem
