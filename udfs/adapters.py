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

EXCEL_EPOCH = date(1899, 12, 30)   # serial 1 = 1900-01-01 for every date after 1900-02-28
TRUE_TEXT = {"是", "有", "符合", "TRUE", "true", "True", "Y", "y", "yes", "1"}
FALSE_TEXT = {"否", "无", "不符合", "FALSE", "false", "False", "N", "n", "no", "0"}


class UdfInputError(Exception):
    def __init__(self, field: str, message: str):
        self.field, self.message = field, message
        super().__init__(f"{field}：{message}")


def is_empty(x: Any) -> bool:
    if x is None:
        return True
    if type(x).__name__ == "Token" and str(x) == "empty":   # schedula.EMPTY
        return True
    return isinstance(x, str) and x.strip() == ""


def is_error(x: Any) -> bool:
    return type(x).__name__ == "XlError" or (isinstance(x, str) and x.startswith("#") and x.rstrip("!?/0A") in
                                             ("#NULL", "#DIV", "#VALUE", "#REF", "#NAME", "#NUM", "#N"))


def grid(x: Any) -> list[list[Any]]:
    """Any range argument as a list of rows (a 1-D list is a column; a scalar a 1×1 grid)."""
    v = getattr(x, "value", x)                    # formulas Ranges → ndarray
    if hasattr(v, "tolist") and hasattr(v, "ndim"):
        v = v.tolist() if v.ndim else v.item()
    if isinstance(v, (list, tuple)):
        if v and all(isinstance(r, (list, tuple)) for r in v):
            return [list(r) for r in v]
        return [[c] for c in v]
    return [[v]]


def cells(x: Any) -> list[Any]:
    """A range flattened row by row."""
    return [c for row in grid(x) for c in row]


def scalar(x: Any, field: str) -> Any:
    """One value: the top-left cell of a range; None for empty; an Excel error is bad input."""
    v = grid(x)[0][0] if not isinstance(x, (str, int, float, bool, date, type(None))) else x
    if is_empty(v):
        return None
    if is_error(v):
        raise UdfInputError(field, f"单元格含错误值 {v}，请先修正引用的单元格")
    if hasattr(v, "item"):
        v = v.item()
    return v


def number(x: Any, field: str, minimum: float | None = 0) -> float | None:
    v = scalar(x, field)
    if v is None:
        return None
    if isinstance(v, bool):
        raise UdfInputError(field, "应填写数字，不是是/否")
    if isinstance(v, str):
        try:
            v = float(v.replace(",", "").strip())
        except ValueError:
            raise UdfInputError(field, f"应填写数字，实际为文本 {v!r}；请删除文字和单位，只填数字") from None
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


def to_date(x: Any, field: str) -> date | None:
    v = scalar(x, field)
    if v is None:
        return None
    if isinstance(v, datetime):
        return v.date()
    if isinstance(v, date):
        return v
    if isinstance(v, bool):
        raise UdfInputError(field, "应填写日期")
    if isinstance(v, (int, float)):
        if not 1 <= v < 2958466:
            raise UdfInputError(field, f"{v} 不是有效的 Excel 日期")
        return EXCEL_EPOCH + timedelta(days=int(v))
    try:
        return date.fromisoformat(str(v).strip().replace("/", "-"))
    except ValueError:
        raise UdfInputError(field, f"应填写日期（YYYY-MM-DD），实际为 {v!r}") from None


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
