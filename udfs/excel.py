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
from typing import Any, Callable, cast

import xlwings as xw

from jidi_xl.errors import RuleSetError
from jidi_xl.ruleset import load_ruleset

from . import context
from . import functions as _functions  # noqa: F401 — populates REGISTRY
from .host import _MISSING, _NOT_A_RANGE, OUTPUTS, TITLE, WIZARD_TEXT_MAX, evaluate, summary, wizard_description  # noqa: F401
from .registry import CATEGORY, REGISTRY, Udf

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


INFO_RULESET = "info_ruleset"            # the defined name of the cell that records the book's rule-set key
INFO_RULESET_WHERE = f"规则集（定义名称 {INFO_RULESET}）"
_BOOK_KEYS: dict[str, str | None] = {}


def book_ruleset(caller) -> str | None:
    """The rule-set key the calling book records (its ``info_ruleset`` cell, e.g. ``bj-2022@2025``), read once per
    book; None when there is no caller (a call from Python) or the book has no such name — then the UDFs use the
    default rule-set, as :mod:`udfs.context` says."""
    if caller is None:
        return None
    try:
        book = caller.sheet.book
        ident = book.fullname
    except Exception:  # noqa: BLE001 — not a range of a book
        return None
    if ident not in _BOOK_KEYS:
        try:
            v = book.names[INFO_RULESET].refers_to_range.value
            _BOOK_KEYS[ident] = str(v).strip() if v not in (None, "") else None
        except Exception:  # noqa: BLE001 — a book that is not the standard workbook
            _BOOK_KEYS[ident] = None
    return _BOOK_KEYS[ident]


def excel_arg_name(name: str) -> str:
    """The parameter name Excel shows (the VBA wrapper's): the registry's, unless VBA reserves it."""
    return f"{name}_" if name.lower() in VBA_RESERVED else name


def _excel_function(u: Udf) -> Callable[..., Any]:
    """``u`` as a module-level function named ``u.name`` with a real signature and xlwings metadata."""
    optional = [a.optional for a in u.args]
    if any(o and not later for o, later in zip(optional, optional[1:])):
        raise ValueError(f"{u.name}: optional arguments must come last (VBA Optional parameters)")
    params = [inspect.Parameter(excel_arg_name(a.name), inspect.Parameter.POSITIONAL_OR_KEYWORD,
                                default=None if a.optional else inspect.Parameter.empty) for a in u.args]
    # xlwings' reserved argument: the calling Range (not shown in Excel; the VBA wrapper passes Nothing for it)
    params.append(inspect.Parameter("caller", inspect.Parameter.POSITIONAL_OR_KEYWORD, default=None))
    signature = inspect.Signature(params)

    def excel_function(*args, **kwargs):
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        *values, caller = bound.args
        if caller is not None and not hasattr(caller, "sheet"):
            raise TypeError(f"{u.name}() takes {len(u.args)} arguments (caller is xlwings' calling range)")
        key = book_ruleset(caller)
        if key is None:
            return u.func(*values)
        try:
            rs = load_ruleset(key)
        except RuleSetError as exc:
            return f"输入错误：{INFO_RULESET_WHERE}：工作簿记录的规则集 {key!r} 无法使用：{exc}"
        with context.using(rs):
            return u.func(*values)

    excel_function.__name__ = excel_function.__qualname__ = u.name
    excel_function.__module__ = __name__
    excel_function.__doc__ = wizard_description(u)
    # inspect.signature (and xlwings, which reads it) honours a function's __signature__; typeshed declares no
    # such attribute on functions, hence the cast
    cast(Any, excel_function).__signature__ = signature
    # @xw.func must be applied last: xw.arg re-runs xw.func without arguments, which resets the category.
    for a in u.args:
        options = {"ndim": 2} if a.range else {}
        excel_function = xw.arg(excel_arg_name(a.name), doc=a.doc, err_to_str=True, **options)(excel_function)
    return xw.func(category=CATEGORY)(excel_function)


for _u in REGISTRY.values():
    globals()[_u.name] = _excel_function(_u)
del _u


# -- the ribbon button ------------------------------------------------------------------------------

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


def evaluate_book(book) -> tuple[str, bool]:
    """Recalculate ``book`` fully and summarise its verdict cells."""
    return evaluate(book.name, lambda: _recalculate(book), lambda: read_outputs(book))


def main() -> None:
    """The ribbon button 评价当前工作簿 (``RibbonMyAddin.RunMain`` → ``import jidi_xl_addin; jidi_xl_addin.main()``)."""
    book = xw.Book.caller()
    text, problem = evaluate_book(book)
    book.app.alert(text, title=TITLE, mode="critical" if problem else "info")


# list(REGISTRY) + […], not [*REGISTRY, …]: ruff (PLE0604) cannot tell that unpacking the dict gives its str keys
__all__ = list(REGISTRY) + ["main", "evaluate_book", "summary", "read_outputs", "excel_arg_name", "wizard_description"]
