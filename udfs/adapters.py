"""Value conversion shared by both runtimes: xlwings (Excel) and formulas (headless).

xlwings passes scalars, lists of lists (ranges declared ``ndim=2``), ``datetime`` and ``None``;
formulas passes ``Ranges`` (``.value`` a 2-D numpy object array), Excel serial dates, the
``schedula`` EMPTY token and ``XlError`` values (both ``str`` subclasses). Every adapter returns
plain Python values; bad input raises :class:`UdfInputError`, which the registry turns into the
documented text result ``输入错误：…`` — a UDF never raises into a cell.

No rule logic lives here: only types.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from fractions import Fraction
from typing import Any

from jidi_xl.values import (EARLIEST_DATE, LATEST_DATE, NumberTextError, date_problem, parse_number_text,
                            quantity_problem)

EXCEL_EPOCH = date(1899, 12, 30)   # serial 1 = 1900-01-01 for every date after 1900-02-28
EARLIEST_SERIAL = (EARLIEST_DATE - EXCEL_EPOCH).days     # 18172: every smaller serial is before 1949-10-01
LATEST_SERIAL = (LATEST_DATE - EXCEL_EPOCH).days
TRUE_TEXT = {"是", "有", "符合", "TRUE", "true", "True", "Y", "y", "yes", "1"}
FALSE_TEXT = {"否", "无", "不符合", "FALSE", "false", "False", "N", "n", "no", "0"}


class UdfInputError(Exception):
    def __init__(self, field: str, message: str):
        self.field, self.message = field, message
        super().__init__(f"{field}：{message}")


_EMPTY_SEEN: list[Any] = []     # the schedula.EMPTY object once met (this module never imports schedula)


def is_empty(x: Any) -> bool:
    if x is None:
        return True
    if _EMPTY_SEEN and x is _EMPTY_SEEN[0]:
        # (measured: the ~9,000 blank cells of a 1,000-row roster were 4.8 ms through the test below)
        return True
    if type(x).__name__ == "Token" and str(x) == "empty":   # schedula.EMPTY
        _EMPTY_SEEN[:] = [x]
        return True
    return isinstance(x, str) and x.strip() == ""


def blank_row(row: list[Any]) -> bool:
    """Every cell of ``row`` empty (:func:`is_empty`); a row of schedula's EMPTY only is told by identity (C speed:
    ``list.count`` compares by identity first)."""
    if _EMPTY_SEEN and row.count(_EMPTY_SEEN[0]) == len(row):
        return True
    return all(is_empty(c) for c in row)


def is_error(x: Any) -> bool:
    return type(x).__name__ == "XlError" or (isinstance(x, str) and x.startswith("#") and x.rstrip("!?/0A") in
                                             ("#NULL", "#DIV", "#VALUE", "#REF", "#NAME", "#NUM", "#N"))


def grid(x: Any) -> list[list[Any]]:
    """Any range argument as a list of rows (a 1-D list is a column; a scalar a 1×1 grid)."""
    v = getattr(x, "value", x)                    # formulas Ranges → ndarray
    if hasattr(v, "tolist") and hasattr(v, "ndim"):
        if v.ndim == 2:
            return v.tolist()        # its rows are new lists already (measured: copying a 1,000-row roster's, ≈1 ms)
        v = v.tolist() if v.ndim else v.item()
    if isinstance(v, (list, tuple)):
        if v and all(isinstance(r, (list, tuple)) for r in v):
            return [list(r) for r in v]
        return [[c] for c in v]
    return [[v]]


def identity(x: Any) -> tuple | None:
    """A key naming a formulas range argument by the arrays it holds (``Ranges.values``) and the ranges it
    asks for, with those arrays (to keep alive while the key is in use: an id is unique only while its object
    lives); None for anything else (xlwings lists, scalars), which is then converted as usual. formulas hands
    each cell a new ``Ranges`` over the same stored arrays, so equal keys within one evaluation mean the same
    cells; the arrays are never written to during an evaluation."""
    values, ranges = getattr(x, "values", None), getattr(x, "ranges", None)
    if not isinstance(values, dict) or not isinstance(ranges, tuple):
        return None
    try:
        held = tuple(a for _, a in values.values())
        key = (tuple(r["name"] for r in ranges), tuple((r["name"], id(a)) for r, a in values.values()))
    except (TypeError, KeyError, ValueError):
        return None
    return key, held


def cells(x: Any) -> list[Any]:
    """A range flattened row by row."""
    return [c for row in grid(x) for c in row]


def scalar(x: Any, field: str) -> Any:
    """One value: the top-left cell of a range; None for empty; an Excel error is bad input."""
    v: Any = grid(x)[0][0] if not isinstance(x, (str, int, float, bool, date, type(None))) else x
    if is_empty(v):
        return None
    if is_error(v):
        raise UdfInputError(field, f"单元格含错误值 {v}，请先修正引用的单元格")
    if hasattr(v, "item"):
        v = v.item()
    return v


def number(x: Any, field: str, minimum: float | None = 0) -> float | None:
    """A finite number within the believable range (:mod:`jidi_xl.values`), from a number or a text cell.

    Text: ``4999.9`` and thousands groupings (``1,234,567``) are numbers; a decimal comma (``4999,9``),
    ``inf``, ``nan`` and ``1e999`` are refused, never guessed."""
    v = scalar(x, field)
    if v is None:
        return None
    if isinstance(v, bool):
        raise UdfInputError(field, "应填写数字，不是是/否")
    if isinstance(v, str):
        try:
            v = parse_number_text(v)
        except NumberTextError as exc:
            raise UdfInputError(field, str(exc)) from None
    if not isinstance(v, (int, float)):
        raise UdfInputError(field, f"应填写数字，实际为 {v!r}")
    bad = quantity_problem(v)
    if bad:
        raise UdfInputError(field, bad)
    if minimum is not None and v < minimum:
        raise UdfInputError(field, f"数值 {v:g} 不能小于 {minimum:g}")
    return int(v) if float(v).is_integer() else float(v)


def integer(x: Any, field: str) -> int | None:
    v = number(x, field)
    if v is None:
        return None
    if not float(v).is_integer():
        raise UdfInputError(field, f"应填写整数，实际为 {v}")
    return int(v)


def boolean(x: Any, field: str) -> bool | None:
    v = scalar(x, field)
    if v is None:
        return None
    if isinstance(v, bool):
        return v
    if isinstance(v, (int, float)) and v in (0, 1):
        return bool(v)
    t = str(v).strip()
    if t in TRUE_TEXT:
        return True
    if t in FALSE_TEXT:
        return False
    raise UdfInputError(field, f"应选择“是”或“否”，实际为 {v!r}")


def _serial_hint(v: float) -> str:
    """Why a number in a date cell is not a date, and what to type instead."""
    bad = quantity_problem(v)
    if bad:
        return bad
    if float(v).is_integer():
        n = int(v)
        if EARLIEST_DATE.year <= n <= LATEST_DATE.year:
            return f"{n} 看起来是年份，而不是日期；请填写完整日期（如 {n}-01-01），单元格设为日期格式"
        try:
            d = datetime.strptime(str(n), "%Y%m%d").date()
            return f"{n} 看起来是写成数字的日期；请填写为 {d.isoformat()}（单元格设为日期格式）"
        except ValueError:
            pass
    if 1 <= v < EARLIEST_SERIAL:
        return (f"{v:g} 作为 Excel 日期是 {EXCEL_EPOCH + timedelta(days=int(v))}，早于 {EARLIEST_DATE}，不是可信的日期；"
                "请填写完整日期 YYYY-MM-DD")
    return f"{v:g} 不是有效的 Excel 日期；请填写完整日期 YYYY-MM-DD"


def to_date(x: Any, field: str) -> date | None:
    """A date cell: a date, an Excel serial number or ``YYYY-MM-DD`` text, within the believable range
    (:data:`jidi_xl.values.EARLIEST_DATE` … ``LATEST_DATE``). A year typed as a number (2024, serial
    date 1905-07-16) is refused with a hint, never read as 1905."""
    v = scalar(x, field)
    if v is None:
        return None
    if isinstance(v, bool):
        raise UdfInputError(field, "应填写日期")
    if isinstance(v, datetime):
        d = v.date()
    elif isinstance(v, date):
        d = v
    elif isinstance(v, (int, float)):
        if quantity_problem(v) or not EARLIEST_SERIAL <= v < LATEST_SERIAL + 1:
            raise UdfInputError(field, _serial_hint(v))
        d = EXCEL_EPOCH + timedelta(days=int(v))
    else:
        t = str(v).strip().replace("/", "-")
        if t.isdigit() and len(t) == 4:
            raise UdfInputError(field, _serial_hint(int(t)))
        try:
            d = date.fromisoformat(t)
        except ValueError:
            raise UdfInputError(field, f"应填写日期（YYYY-MM-DD），实际为 {v!r}") from None
    bad = date_problem(d)
    if bad:
        serial = (d - EXCEL_EPOCH).days   # a date-formatted cell shows the year 2024 typed into it as 1905-07-16
        raise UdfInputError(field, _serial_hint(serial) if d < EARLIEST_DATE and 1 <= serial < EARLIEST_SERIAL else bad)
    return d


def code(x: Any, field: str, kind: str, rs) -> str | None:
    """An enumerated value from its code or its Chinese label (drop-downs show labels)."""
    v = scalar(x, field)
    if v is None:
        return None
    c = rs.code_for(kind, str(v).strip())
    if c is None:
        labels = "、".join(rs.codes[kind].values()) if kind in rs.codes else ""
        raise UdfInputError(field, f"未知的取值 {v!r}；请从下拉列表选择（{labels}）")
    return c


def to_excel(v: Any) -> Any:
    """A rule value as a cell value, identical in both runtimes: dates as serial numbers, None as ""."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return v
    if isinstance(v, datetime):
        v = v.date()
    if isinstance(v, date):
        return (v - EXCEL_EPOCH).days
    if isinstance(v, Fraction):
        return float(v)
    if isinstance(v, (list, tuple)):
        return "、".join(str(x) for x in v)
    return v


# -- LibreOffice (the Calc add-in, udfs/libreoffice) ------------------------------------------------
# What LibreOffice 7.4.7 hands a Python add-in (measured by benchmarks/libreoffice_values.py; the IDL types
# are chosen in udfs/libreoffice/build.py):
# * a required argument (single value or range) is typed ``XCellRange``: the referenced cells themselves
#   arrive, so an empty cell is exactly empty and an error value in a cell reaches us (and gets the
#   documented ``输入错误``); a literal or an expression there is refused by LibreOffice itself (Err:504);
# * an optional argument is ``any`` (only ``any`` may be omitted): None when omitted, 0.0 for an empty cell
#   (also as the only cell of a range), a tuple of rows for a range (empty cells ''); an error value in
#   it: LibreOffice does not call the function and the cell shows the error (or Err:504);
# * numbers, dates (serials) and booleans (TRUE = 1.0) arrive as float, text as str.
_LO_ERRORS = {532: "#DIV/0!", 519: "#VALUE!", 524: "#REF!", 525: "#NAME?", 503: "#NUM!", 502: "#NUM!",
              504: "#VALUE!", 511: "#VALUE!", 32767: "#N/A"}


def _lo_cells(rng) -> list[list[Any]]:
    """The cells of an ``XCellRange`` (read with ``getDataArray``, which computes a formula cell still
    dirty in the running recalculation; reading cell by cell gave stale blanks): '' → None, an error
    cell (``None`` in the data array) → its Excel error text."""
    rows = []
    for r, row in enumerate(rng.getDataArray()):
        out = []
        for c, v in enumerate(row):
            if v is None:
                err = rng.getCellByPosition(c, r).getError()
                out.append(_LO_ERRORS.get(err, "#VALUE!") if err else None)
            else:
                out.append(None if v == "" else v)
        rows.append(out)
    return rows


def from_libreoffice(x: Any, is_range: bool, optional: bool = False) -> Any:
    """One LibreOffice argument in the shape the adapters take from xlwings: a range as a list of rows
    (empty cells None), a single value as itself (None for empty), an error cell as its error text.

    An optional argument (``any``) that is exactly 0.0 is read as blank: LibreOffice passes an empty cell so,
    and no optional argument of the registry takes a number (``part``, a code, an outcome, ``all``) — a
    typed 0 there is therefore blank in LibreOffice, where Excel names it as an unknown value."""
    if hasattr(x, "getCellByPosition"):                          # XCellRange
        rows = _lo_cells(x)
        return rows if is_range or len(rows) > 1 or len(rows[0]) > 1 else rows[0][0]
    if isinstance(x, tuple):
        rows = [[None if c == "" or (optional and c == 0.0) else c for c in row] for row in x]
        if is_range:
            return rows
        return rows[0][0] if len(rows) == 1 and len(rows[0]) == 1 else rows
    if optional and isinstance(x, float) and x == 0.0:
        return None
    if x == "":
        return None
    return [[x]] if is_range and x is not None else x


def to_libreoffice(v: Any) -> Any:
    """A registry result (already :func:`to_excel`) as a value LibreOffice shows: numbers as float (a UNO
    ``long`` would overflow past 2**31), text as text. Measured: a Python ``bool`` returned to Calc shows 0
    whatever its value, so booleans are returned as 1.0/0.0 (Excel and formulas show TRUE/FALSE)."""
    if isinstance(v, str):
        return v
    if isinstance(v, bool):
        return 1.0 if v else 0.0
    if isinstance(v, (int, float)):
        return float(v)
    return "" if v is None else str(v)
