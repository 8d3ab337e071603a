"""Values between Python and formulas: the lazy import of formulas' internals, Python values from formulas'
(:func:`to_python`), and UDF results and inputs coerced into what formulas computes with (2-D ``Array``,
``EMPTY``, error values, Excel date serials). Part of the generic engine."""
from __future__ import annotations

import datetime as _dt
import decimal
import math
import types
from typing import Any

import numpy as np

__all__ = ["to_python"]


def _fml():
    """Lazy imports of formulas internals (importing formulas costs ~0.3 s)."""
    import formulas  # noqa: F401
    import schedula as sh
    from formulas.errors import FoundError, RangeValueError
    from formulas.functions import Array
    from formulas.ranges import Ranges
    from formulas.tokens.operand import Error, XlError
    return types.SimpleNamespace(sh=sh, EMPTY=sh.EMPTY, Array=Array, Ranges=Ranges, Error=Error,
                                 XlError=XlError, FoundError=FoundError, RangeValueError=RangeValueError,
                                 formulas=formulas)


_F = None


def _f():
    global _F
    if _F is None:
        _F = _fml()
    return _F


_EPOCH = _dt.datetime(1899, 12, 30)


def _excel_serial(v: _dt.date) -> float | int:
    if isinstance(v, _dt.datetime):
        d = v.replace(tzinfo=None) - _EPOCH
        return d.days + d.seconds / 86400 + d.microseconds / 86400e6
    return (v - _EPOCH.date()).days


def to_python(v: Any) -> Any:
    """formulas value -> plain Python: EMPTY -> None, XlError -> '#NAME?',
    numpy scalar -> int/float/bool, 1x1 Ranges/arrays unwrapped."""
    F = _f()
    if isinstance(v, F.Ranges):
        v = v.value
    if isinstance(v, np.ndarray):
        v = v.flat[0] if v.size else None
    if v is None or v is F.EMPTY:
        return None
    if isinstance(v, F.XlError):
        s = str(v)
        return 0 if s == "0" else s   # XlCircular prints as 0
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float) and not math.isfinite(v):
        return "#NUM!"
    if isinstance(v, str):
        return "" if v == "" else str(v)
    return v


def _is_error(v: Any) -> bool:
    return isinstance(v, str) and v in _ERROR_STRINGS


_ERROR_STRINGS = {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#GETTING_DATA",
                  "#CIRC!", "#SPILL!", "#CALC!"}


def _coerce_scalar(v: Any) -> Any:
    F = _f()
    if v is None or v is F.EMPTY:
        return F.EMPTY
    if isinstance(v, F.XlError):
        return v
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, decimal.Decimal):
        v = float(v)
    if isinstance(v, float) and not math.isfinite(v):
        return F.Error.errors["#NUM!"]
    if isinstance(v, (_dt.date, _dt.datetime)):
        return _excel_serial(v)
    return v  # a plain "#N/A" string stays text, as in Excel


def _coerce_result(res: Any) -> Any:
    F = _f()
    if isinstance(res, F.Ranges):
        return res
    if isinstance(res, (list, tuple, np.ndarray)):
        arr = np.asarray(res, dtype=object)
        if arr.ndim == 0:
            res = arr.item()
        else:
            if arr.ndim == 1:
                arr = arr.reshape(1, -1)
            if arr.ndim != 2 or arr.size == 0:
                raise ValueError(f"UDF 返回的数组形状无效 (invalid array shape {arr.shape})")
            out = np.empty(arr.shape, dtype=object)
            for idx, x in np.ndenumerate(arr):
                out[idx] = _coerce_scalar(x)
            return out.view(F.Array)
    v = _coerce_scalar(res)
    if v is F.EMPTY:  # returning the bare EMPTY token crashes the dispatcher
        out = np.empty((1, 1), dtype=object)
        out[0, 0] = F.EMPTY
        return out.view(F.Array)
    return v


def _fit(arr: np.ndarray, rows: int, cols: int) -> np.ndarray:
    """Excel array-formula semantics: broadcast a single row/column, pad #N/A."""
    F = _f()
    if arr.ndim != 2:
        arr = np.asarray(arr, dtype=object).reshape(1, -1) if np.ndim(arr) else np.full((1, 1), arr, object)
    if arr.shape == (rows, cols):
        return arr
    out = np.empty((rows, cols), dtype=object)
    out[:, :] = F.Error.errors["#N/A"]
    r, c = arr.shape
    for i in range(rows):
        si = 0 if r == 1 else i
        if si >= r:
            continue
        for j in range(cols):
            sj = 0 if c == 1 else j
            if sj < c:
                out[i, j] = arr[si, sj]
    return out


def _scalar(v: Any) -> Any:
    if hasattr(v, "value") and not isinstance(v, str):
        v = v.value
    if isinstance(v, np.ndarray):
        v = v.flat[0] if v.size else None
    return v
