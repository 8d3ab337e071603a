"""UDF wrapping: a Python function registered into formulas so that an exception becomes an Excel error value
AND a :class:`~.result.UdfFailure` naming the cell being computed (without it formulas silently drops the cell
and its dependants), and its result is coerced (:func:`.convert._coerce_result`). Part of the generic engine:
the functions come in as a plain mapping, this module knows none of them."""
from __future__ import annotations

import contextlib
import contextvars
import functools
import logging
import types
from typing import Callable

import numpy as np

from .convert import _coerce_result, _f
from .result import UdfFailure

__all__ = ["wrap_udf"]

log = logging.getLogger("jidi_xl.engine.recalc")     # (the logger's name of before the split, kept)

# (sheet, cell) being computed; sheet None for defined names
_CURRENT_CELL: contextvars.ContextVar[tuple[str | None, str] | None] = contextvars.ContextVar(
    "jidi_current_cell", default=None)
# collector of UdfFailure for the run in progress
_RUN: contextvars.ContextVar[list | None] = contextvars.ContextVar("jidi_udf_run", default=None)


def _record_failure(name: str, exc: BaseException) -> None:
    loc = _CURRENT_CELL.get()
    sheet, cell = loc if loc else (None, None)
    failure = UdfFailure(sheet, cell, name, f"{type(exc).__name__}: {exc}")
    run = _RUN.get()
    if run is not None:
        run.append(failure)
    else:
        log.warning("UDF failure outside a recalculation: %s", failure)


def wrap_udf(name: str, fn: Callable, error: str = "#VALUE!") -> Callable:
    """Wrap a UDF for registration into formulas (exception -> error value +
    :class:`UdfFailure` record, result coercion)."""
    name = name.upper()

    def udf(*args, **kwargs):
        F = _f()
        try:
            res = fn(*args, **kwargs)
        except F.FoundError as ex:     # formulas' own "this is an Excel error" signal
            return np.asarray([[ex.err]], dtype=object).view(F.Array)
        except F.RangeValueError:
            # formulas' control flow: a reference without value yet (defined
            # names are pre-evaluated with empty inputs at load time)
            raise
        except Exception as exc:       # noqa: BLE001 - reported, never swallowed silently
            _record_failure(name, exc)
            return F.Error.errors[error]
        try:
            return _coerce_result(res)
        except Exception as exc:       # noqa: BLE001
            _record_failure(name, exc)
            return F.Error.errors[error]

    udf.__name__ = udf.__qualname__ = name
    udf.__doc__ = getattr(fn, "__doc__", None)
    udf.__wrapped__ = fn         # type: ignore[attr-defined]
    udf.__jidi_udf__ = True      # type: ignore[attr-defined]
    return udf


class _CellTracker:
    """Wraps a cell's compiled formula so UDF failures know their cell."""

    def __init__(self, inner: Callable, loc: tuple[str | None, str]):
        self.inner = inner
        self.loc = loc

    def __call__(self, *args, **kwargs):
        token = _CURRENT_CELL.set(self.loc)
        try:
            return self.inner(*args, **kwargs)
        finally:
            _CURRENT_CELL.reset(token)

    def __getattr__(self, name):
        if name in ("inner", "loc") or name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.inner, name)


@contextlib.contextmanager
def _quiet_progress():
    """formulas' ExcelModel.complete() draws a tqdm bar on stderr; silence it."""
    import formulas.excel as fe
    import tqdm as _tqdm
    orig = fe.tqdm
    fe.tqdm = types.SimpleNamespace(tqdm=functools.partial(_tqdm.tqdm, disable=True))
    try:
        yield
    finally:
        fe.tqdm = orig


def _dedupe(failures: list[UdfFailure]) -> list[UdfFailure]:
    return list(dict.fromkeys(failures))
