"""The Excel face of the registry: one xlwings function per ``REGISTRY`` entry, and the ribbon's ``main()``.

Every ``JIDI_…`` name below is a module attribute generated from :data:`udfs.registry.REGISTRY`, decorated
with the real xlwings decorators, so that xlwings' ``ImportPythonUDFs`` (config ``UDF Modules`` =
``udfs.excel``) writes one VBA wrapper per function and registers in Excel's function wizard:

* the category :data:`udfs.registry.CATEGORY`;
* the function's Chinese description (xlwings passes the function's docstring to
  ``Application.MacroOptions(Description=…)``, cut at 255 characters), with its article and result;
* one Chinese description per argument (``@xw.arg(…, doc=…)``); range arguments are read as 2-D lists
  (``ndim=2``) and every argument keeps Excel error values as text (``err_to_str=True`` — without it
  xlwings turns ``#N/A`` into a blank cell and the error contract could not name the field);
* optional arguments as VBA ``Optional`` parameters (default: blank).

The functions hold no rule logic: they call the registry's safe function, which never raises and
answers bad input with ``输入错误：<字段>：…`` (docs/udfs.md). Dates come back as Excel serial numbers —
xlwings cannot format a cell from a UDF, so the standard workbook formats those cells as dates.

On Linux/macOS ``xw.func``/``xw.arg`` are no-ops: the functions are then plain Python callables with the
same results (tests install pywin32 stubs to exercise the real decorators).
"""
from __future__ import annotations

import inspect
from typing import Any, Callable

import xlwings as xw

from . import functions as _functions  # noqa: F401 — populates REGISTRY
from .registry import CATEGORY, INPUT_ERROR, INTERNAL_ERROR, REGISTRY, Udf

WIZARD_TEXT_MAX = 255   # Excel's limit for MacroOptions Description / ArgumentDescriptions

# Words a VBA parameter may not be called (reserved words, and names the generated wrapper's body uses:
# ``Array(…)``, ``XLPy.CallUDF``, ``ActiveWorkbook``, ``Application.Caller``, ``Err.Description``).
VBA_RESERVED = frozenset(w.lower() for w in """
    AddressOf Alias And Any Array As Attribute Boolean ByRef Byte ByVal Call Case CBool CByte CCur CDate CDbl
    CDec CInt CLng CLngLng CLngPtr Close Const CSng CStr Currency CVar CVErr Date Debug Decimal Declare DefBool
    DefByte DefCur DefDate DefDbl DefDec DefInt DefLng DefLngLng DefLngPtr DefObj DefSng DefStr DefVar Dim Do
    DoEvents Double Each Else ElseIf Empty End EndIf Enum Eqv Erase Error Event Exit False Fix For Friend
    Function Get Global GoSub GoTo If Imp Implements In Input InputB Int Integer Is LBound Len LenB Let Lib Like
    Lock Long LongLong LongPtr Loop LSet Me Mod New Next Not Nothing Null Object On Open Option Optional Or
    ParamArray Preserve Print Private PSet PtrSafe Public Put RaiseEvent ReDim Rem Resume Return RSet Scale
    Seek Select Set Sgn Shared Single Spc Static Stop String Sub Tab Then To True Type TypeOf UBound Unlock
    Until Variant Wend While With WithEvents Write Xor
    Application ActiveWorkbook ThisWorkbook XLPy Err Range Caller
""".split())


def excel_arg_name(name: str) -> str:
    """The parameter name Excel shows (the VBA wrapper's): the registry's, unless VBA reserves it."""
    return f"{name}_" if name.lower() in VBA_RESERVED else name


def wizard_description(u: Udf) -> str:
    """The function wizard's description: what it does, its article and what it returns.

    Excel keeps 255 characters (WIZARD_TEXT_MAX); tests/udfs check every description fits."""
    return f"{u.description}。依据：{u.article}。返回：{u.returns}。"


def _excel_function(u: Udf) -> Callable[..., Any]:
    """``u`` as a module-level function named ``u.name`` with a real signature and xlwings metadata."""
    optional = [a.optional for a in u.args]
    if any(o and not later for o, later in zip(optional, optional[1:])):
        raise ValueError(f"{u.name}: optional arguments must come last (VBA Optional parameters)")
    params = [inspect.Parameter(excel_arg_name(a.name), inspect.Parameter.POSITIONAL_OR_KEYWORD,
                                default=None if a.optional else inspect.Parameter.empty) for a in u.args]
    signature = inspect.Signature(params)

    def excel_function(*args, **kwargs):
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        return u.func(*bound.args)

    excel_function.__name__ = excel_function.__qualname__ = u.name
    excel_function.__module__ = __name__
    excel_function.__doc__ = wizard_description(u)
    excel_function.__signature__ = signature
    # @xw.func must be applied last: xw.arg re-runs xw.func without arguments, which resets the category.
    for a in u.args:
        options = {"ndim": 2} if a.range else {}
        excel_function = xw.arg(excel_arg_name(a.name), doc=a.doc, err_to_str=True, **options)(excel_function)
    return xw.func(category=CATEGORY)(excel_function)


for _u in REGISTRY.values():
    globals()[_u.name] = _excel_function(_u)
del _u


# -- the ribbon button ------------------------------------------------------------------------------

TITLE = CATEGORY          # the message box title, as the function wizard's category
# Workbook-scope names of the standard workbook's result cells, with their Chinese captions.
OUTPUTS = (
    ("out_recognition_verdict", "认定结论"),
    ("out_failing_articles", "不符合或待核实的条款"),
    ("out_grade", "年度评价结果"),
    ("out_stars", "星级"),
)
_MISSING, _NOT_A_RANGE = object(), object()


def _recalculate(book) -> None:
    """A full recalculation (``Application.CalculateFull``): Python UDFs are not volatile, so a plain
    ``Calculate`` would keep results computed before the add-in was loaded; xlwings' engine-neutral
    ``app.calculate()`` where the native call is not available (macOS)."""
    full = getattr(getattr(book.app, "api", None), "CalculateFull", None)
    if callable(full):
        full()
    else:
        book.app.calculate()


def read_outputs(book) -> dict[str, Any]:
    """The values of the result cells, by defined name; ``_MISSING``/``_NOT_A_RANGE`` when unusable."""
    names = {}
    for n in book.names:
        if "!" not in n.name:              # workbook scope only: sheet-scoped names read "Sheet!name"
            names[n.name.lower()] = n
    out = {}
    for key, _ in OUTPUTS:
        n = names.get(key.lower())
        if n is None:
            out[key] = _MISSING
            continue
        try:
            value = n.refers_to_range.options(err_to_str=True).value
        except Exception:  # noqa: BLE001 — a name that refers to a constant or to #REF!
            out[key] = _NOT_A_RANGE
            continue
        while isinstance(value, list):     # a multi-cell name: its top-left cell
            value = value[0] if value else None
        out[key] = value
    return out


def _shown(key: str, value: Any) -> tuple[str, bool]:
    """One result as text, and whether it is a problem the user must look at."""
    if value is _MISSING:
        return f"（工作簿中没有定义名称 {key}）", True
    if value is _NOT_A_RANGE:
        return f"（定义名称 {key} 未指向单元格）", True
    if value is None or value == "":
        return "（空）", key != "out_stars"       # no star is a valid answer (不合格 or not evaluated)
    if isinstance(value, str) and value.startswith("#NAME?"):
        return f"{value}（JIDI_ 函数不可用：请确认加载项已打开并已导入函数）", True
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


def evaluate_book(book) -> tuple[str, bool]:
    """Recalculate ``book`` fully and summarise its verdict cells."""
    _recalculate(book)
    return summary(book.name, read_outputs(book))


def main() -> None:
    """The ribbon button 评价当前工作簿 (``RibbonMyAddin.RunMain`` → ``import jidi_xl_addin; jidi_xl_addin.main()``)."""
    book = xw.Book.caller()
    text, problem = evaluate_book(book)
    book.app.alert(text, title=TITLE, mode="critical" if problem else "info")


__all__ = [*REGISTRY, "main", "evaluate_book", "summary", "read_outputs", "excel_arg_name", "wizard_description"]
