"""Headless recalculation of .xlsx workbooks with ``formulas`` + Python UDFs.

Pipeline of :meth:`Recalculator.recalc`::

    lint (optional) -> normalised temp copy (add-in qualifiers stripped)
    -> ExcelModel().loads().finish() -> calculate() -> values of every formula cell

* UDFs are given as a plain mapping ``{"JIDI_X": callable}``.  They are
  registered into ``formulas.get_functions()`` as ``NAME`` and ``_XLUDF.NAME``
  *before* every load (a name unknown at parse time stays ``#NAME?``).
* Each UDF is wrapped: an exception becomes ``#VALUE!`` and is recorded as a
  :class:`UdfFailure` with the sheet/cell being computed (without the wrapper
  ``formulas`` silently drops the cell and every dependant from the solution).
  Return values are coerced: lists/ndarrays -> 2-D object ``Array`` (1-D = one
  row, Excel semantics for truncation/broadcast), None -> empty, NaN/inf ->
  ``#NUM!``, date/datetime -> Excel serial, numpy scalars -> Python.
* Every formula cell read from the sheet XML (shared-formula children and each
  cell of an array-formula range included) must be in the solution; absent ones
  are reported in ``missing`` (circular references and crashes end up there).

Measured on this machine (2 cores, formulas 1.3.4, numpy 2.4.6) with a template
of a 150-row x 3-column input range (Data!A2:C151) and 60 formula cells
(SUMIF, COUNTIF, INDEX/MATCH, SUMPRODUCT, a UDF)::

    per file  lint 3-5 ms, normalise 2-4 ms, loads()+finish() 0.08-0.27 s,
              calculate() 0.03-0.07 s  ->  recalc() total 0.14-0.36 s
    template  compile_template(): load once + baseline calculate + compile
              (ExcelModel.compile itself 0.01-0.02 s)
              compiled call with new inputs        0.046-0.053 s
              calculate(inputs=, outputs=) call    0.048-0.055 s

The gain for many copies of one template is not re-loading (3-7x per copy);
the compiled pipe and ``calculate(inputs=...)`` are within noise of each other
(compile ~3-5 % faster; both dominated by formulas' own function cost, e.g.
INDEX is ~50 % of this template), so ``method="compile"`` is the default.
``tests/engine/test_engine_recalc.py::test_compile_template_timing`` prints
the numbers again.

Global registry: ``formulas.get_functions()`` is process-wide; a model binds
the UDF objects registered at its load time, so several Recalculators with
different function sets can coexist as long as each loads its own models.

Trap (measured): when the template's input cells are *empty*, a formula that
references a single input cell (``Data!C2``) is not linked to the range node
``Data!C2:C151`` -- feeding only the range gives stale results.
:class:`CompiledTemplate` therefore feeds every graph node that intersects an
input range (exact slices, and template values overlaid for partial overlaps).
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime as _dt
import decimal
import functools
import logging
import math
import os
import re
import time
import types
from dataclasses import dataclass, field
from typing import Any, Callable, Iterable, Mapping, Sequence

import numpy as np

from . import _ooxml as ox
from .lint import LintError, lint_workbook
from .normalize import NormalizeReport, normalized_copy
from .package import GENERIC_LIMITS, PackageLimits, check_package

__all__ = ["Recalculator", "RecalcResult", "CellError", "UdfFailure", "CompiledTemplate",
           "RecalcError", "RecalcLoadError", "wrap_udf", "to_python"]

log = logging.getLogger(__name__)

# (sheet, cell) being computed; sheet None for defined names
_CURRENT_CELL: contextvars.ContextVar[tuple[str | None, str] | None] = contextvars.ContextVar(
    "jidi_current_cell", default=None)
# collector of UdfFailure for the run in progress
_RUN: contextvars.ContextVar[list | None] = contextvars.ContextVar("jidi_udf_run", default=None)


# --------------------------------------------------------------------------- #
# Results
# --------------------------------------------------------------------------- #
@dataclass(frozen=True)
class CellError:
    sheet: str
    cell: str
    value: str          # "#DIV/0!", "#NAME?", ...
    formula: str        # as stored, without '='

    def __str__(self) -> str:
        return f"{self.sheet}!{self.cell} = {self.value}  (={self.formula})"


@dataclass(frozen=True)
class UdfFailure:
    sheet: str | None   # None when the UDF ran in a defined name or outside a cell
    cell: str | None
    function: str
    message: str        # "ExceptionType: text"

    def __str__(self) -> str:
        where = f"{self.sheet}!{self.cell}" if self.sheet else (self.cell or "?")
        return f"{where}: {self.function} 出错 (raised) {self.message}"


class RecalcLoadError(RuntimeError):
    """formulas could not load/parse the workbook (after lint + normalise)."""


class RecalcError(Exception):
    """Raised by :meth:`RecalcResult.raise_for_problems`."""

    def __init__(self, result: "RecalcResult"):
        self.result = result
        super().__init__(result.summary())


@dataclass
class RecalcResult:
    values: dict[tuple[str, str], Any] = field(default_factory=dict)
    errors: list[CellError] = field(default_factory=list)
    missing: list[tuple[str, str]] = field(default_factory=list)
    udf_failures: list[UdfFailure] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
    normalize: NormalizeReport | None = None

    @property
    def ok(self) -> bool:
        """No error value, no missing cell, no UDF exception."""
        return not (self.errors or self.missing or self.udf_failures)

    def summary(self, limit: int = 20) -> str:
        lines = [f"公式单元格 {len(self.values)} 个 (formula cells); 错误值 {len(self.errors)} (error values); "
                 f"缺失 {len(self.missing)} (missing); UDF 异常 {len(self.udf_failures)} (UDF exceptions)"]
        for f in self.udf_failures[:limit]:
            lines.append(f"  UDF: {f}")
        for e in self.errors[:limit]:
            lines.append(f"  错误 error: {e}")
        for s, c in self.missing[:limit]:
            lines.append(f"  缺失 missing: {s}!{c} （未被计算，可能是循环引用或计算崩溃 not computed: "
                         f"circular reference or crash）")
        return "\n".join(lines)

    def raise_for_problems(self) -> "RecalcResult":
        if not self.ok:
            raise RecalcError(self)
        return self


# --------------------------------------------------------------------------- #
# Value conversion
# --------------------------------------------------------------------------- #
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


# --------------------------------------------------------------------------- #
# Node ids
# --------------------------------------------------------------------------- #
_RE_NODE = re.compile(r"^'\[(?P<book>[^\]]*)\](?P<sheet>.*)'!(?P<ref>\$?[A-Z]*\$?[0-9]*(?::\$?[A-Z]*\$?[0-9]*)?)$")
_MAX_ROW, _MAX_COL = 1048576, 16384


def _node_rect(ref: str) -> tuple[int, int, int, int] | None:
    """'A1:B2' / 'C:C' / '2:3' / 'B5' -> (r1, c1, r2, c2)."""
    ref = ref.replace("$", "")
    a, _, b = ref.partition(":")
    b = b or a

    def part(p: str, first: bool) -> tuple[int, int] | None:
        m = re.match(r"^([A-Z]*)([0-9]*)$", p)
        if not m or not (m.group(1) or m.group(2)):
            return None
        col = ox.col2num(m.group(1)) if m.group(1) else (1 if first else _MAX_COL)
        row = int(m.group(2)) if m.group(2) else (1 if first else _MAX_ROW)
        return row, col

    p1, p2 = part(a, True), part(b, False)
    if not p1 or not p2:
        return None
    return min(p1[0], p2[0]), min(p1[1], p2[1]), max(p1[0], p2[0]), max(p1[1], p2[1])


def _node_id(book: str, sheet: str, ref: str) -> str:
    return f"'[{book}]{sheet.upper()}'!{ref.replace('$', '').upper()}"


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


# --------------------------------------------------------------------------- #
# Loaded model
# --------------------------------------------------------------------------- #
@dataclass
class _Loaded:
    model: Any
    book: str                                  # file name used in node ids
    info: ox.WorkbookInfo
    cells: list[ox.FormulaCell]
    sheet_real: dict[str, str]                 # UPPER -> real sheet name
    normalize: NormalizeReport
    timings: dict[str, float]
    load_failures: list = field(default_factory=list)

    def cell_node(self, fc: ox.FormulaCell) -> str:
        return _node_id(self.book, fc.sheet, fc.array_ref if fc.array_ref else fc.cell)


def _collect(loaded: _Loaded, solution: Mapping, cells: Iterable[ox.FormulaCell],
             result: RecalcResult) -> None:
    """Fill values / errors / missing of *result* for *cells* from *solution*."""
    XlError = _f().XlError
    arrays: dict[str, tuple[np.ndarray, int, int] | None] = {}
    for fc in cells:
        key = (fc.sheet, fc.cell)
        if fc.array_ref:
            nid = _node_id(loaded.book, fc.sheet, fc.array_ref)
            if nid not in arrays:
                v = solution.get(nid)
                if v is None:
                    arrays[nid] = None
                else:
                    arr = v.value if hasattr(v, "value") else v
                    grid = ox.range_cells(fc.array_ref)
                    r0, c0 = ox.split_a1(grid[0][0])
                    arrays[nid] = (_fit(np.asarray(arr, dtype=object), len(grid), len(grid[0])), r0, c0)
            entry = arrays[nid]
            if entry is None:
                result.missing.append(key)
                continue
            arr, r0, c0 = entry
            r, c = ox.split_a1(fc.cell)
            raw = arr[r - r0, c - c0]
        else:
            raw = solution.get(_node_id(loaded.book, fc.sheet, fc.cell))
            if raw is None:
                result.missing.append(key)
                continue
        val = to_python(raw)
        result.values[key] = val
        if isinstance(_scalar(raw), XlError) and _is_error(val):
            result.errors.append(CellError(fc.sheet, fc.cell, val, fc.text()))


def _scalar(v: Any) -> Any:
    if hasattr(v, "value") and not isinstance(v, str):
        v = v.value
    if isinstance(v, np.ndarray):
        v = v.flat[0] if v.size else None
    return v


# --------------------------------------------------------------------------- #
# Recalculator
# --------------------------------------------------------------------------- #
class Recalculator:
    """Recalculate workbooks headlessly with ``formulas`` and the given UDFs.

    Parameters
    ----------
    functions:
        ``{"JIDI_SIZE_CLASS": callable, ...}`` -- Excel name (any case) ->
        Python callable receiving formulas-native arguments.
    lint:
        run :func:`.lint.lint_workbook` first and raise :class:`.lint.LintError`
        on any finding (default True).
    error_value:
        Excel error returned when a UDF raises (default ``#VALUE!``).
    limits:
        :class:`.package.PackageLimits` every file is checked against before anything reads it
        (:func:`.package.check_package`; raises :class:`.package.PackageError`). Default: the generic
        limits (no per-sheet maxima).
    """

    def __init__(self, functions: Mapping[str, Callable] | None = None, *, lint: bool = True,
                 error_value: str = "#VALUE!", limits: PackageLimits = GENERIC_LIMITS):
        funcs = {}
        for k, fn in (functions or {}).items():
            k = k.upper()
            if k.startswith("_XLUDF."):
                k = k[len("_XLUDF."):]
            funcs[k] = fn
        self.functions: dict[str, Callable] = funcs
        self.lint_enabled = lint
        self.error_value = error_value
        self.limits = limits
        self._wrapped = {k: wrap_udf(k, fn, error_value) for k, fn in funcs.items()}

    # -- registry ----------------------------------------------------------
    def register(self) -> None:
        """Install the wrapped UDFs into formulas' global function registry
        (``NAME`` and ``_XLUDF.NAME``). Called before every load."""
        from .lint import formulas_builtin_functions
        formulas_builtin_functions()  # snapshot built-ins before adding UDFs
        reg = _f().formulas.get_functions()
        for k, w in self._wrapped.items():
            reg[k] = w
            reg["_XLUDF." + k] = w

    # -- lint ----------------------------------------------------------------
    def lint(self, path: str | os.PathLike):
        return lint_workbook(path, self.functions)

    # -- load ----------------------------------------------------------------
    def _load(self, path: str | os.PathLike, report: NormalizeReport, timings: dict) -> _Loaded:
        """Load the normalised copy described by *report* (lint already done)."""
        info, cells = ox.workbook_formula_cells(report.path)
        t = time.perf_counter()
        self.register()
        run: list = []
        token = _RUN.set(run)
        try:
            with _quiet_progress():
                model = _f().formulas.ExcelModel().loads(report.path).finish()
        except Exception as exc:
            raise RecalcLoadError(f"formulas 无法加载工作簿 {os.fspath(path)} (formulas failed to load "
                                  f"the workbook): {exc}") from exc
        finally:
            _RUN.reset(token)
        timings["load"] = time.perf_counter() - t
        loaded = _Loaded(model, os.path.basename(report.path), info, cells, info.sheet_by_upper(),
                         report, timings, _dedupe(run))
        self._install_trackers(loaded)
        return loaded

    @contextlib.contextmanager
    def _loading(self, path: str | os.PathLike):
        timings: dict[str, float] = {}
        t = time.perf_counter()
        check_package(path, self.limits)      # before anything else reads the file (memoised per file)
        timings["package"] = time.perf_counter() - t
        if self.lint_enabled:
            t = time.perf_counter()
            issues = self.lint(path)
            timings["lint"] = time.perf_counter() - t
            if issues:
                raise LintError(issues)
        t = time.perf_counter()
        with normalized_copy(path, self.functions) as report:
            timings["normalize"] = time.perf_counter() - t
            yield self._load(path, report, timings)

    def _install_trackers(self, loaded: _Loaded) -> None:
        from formulas.cell import CellWrapper
        for out, cell in loaded.model.cells.items():
            cw = getattr(cell, "func", None)
            if not isinstance(cw, CellWrapper) or isinstance(cw.func, _CellTracker):
                continue
            m = _RE_NODE.match(out) if isinstance(out, str) else None
            loc: tuple[str | None, str]
            if m:
                sheet = loaded.sheet_real.get(m.group("sheet"), m.group("sheet"))
                ref = m.group("ref")
                loc = (sheet, ref.split(":")[0] if ":" in ref else ref)
            else:
                loc = (None, str(out))
            cw.func = _CellTracker(cw.func, loc)

    # -- recalc ----------------------------------------------------------------
    def recalc(self, path: str | os.PathLike) -> RecalcResult:
        """Recalculate every formula of the workbook at *path* (never modified).

        Raises :class:`.package.PackageError` when the file is not a safe, bounded workbook, and
        :class:`.lint.LintError` when linting is enabled and fails.
        """
        t0 = time.perf_counter()
        with self._loading(path) as loaded:
            result = RecalcResult(normalize=loaded.normalize, timings=dict(loaded.timings))
            run: list = []
            token = _RUN.set(run)
            t1 = time.perf_counter()
            try:
                solution = loaded.model.calculate()
            finally:
                _RUN.reset(token)
            result.timings["calculate"] = time.perf_counter() - t1
            t2 = time.perf_counter()
            _collect(loaded, solution, loaded.cells, result)
            result.udf_failures = _dedupe(loaded.load_failures + run)
            result.timings["collect"] = time.perf_counter() - t2
        result.timings["total"] = time.perf_counter() - t0
        return result

    # -- template fast path --------------------------------------------------
    def compile_template(self, template_path: str | os.PathLike,
                         input_cells: Sequence[str | tuple[str, str]],
                         output_cells: Sequence[str | tuple[str, str]],
                         method: str = "compile") -> "CompiledTemplate":
        """Load *template_path* once and return a callable
        ``(input_values) -> RecalcResult`` (values of the output formula cells).

        *input_cells* / *output_cells*: ``"Sheet!A2:C151"``, ``"'My sheet'!B3"``
        or ``("Sheet", "A2:C151")``. Output ranges select the formula cells
        they contain. *method*: ``"compile"`` (``ExcelModel.compile``, default,
        measured fastest) or ``"calculate"`` (``calculate(inputs, outputs)``).
        """
        with self._loading(template_path) as loaded:
            return CompiledTemplate(self, loaded, input_cells, output_cells, method)


def _dedupe(failures: list[UdfFailure]) -> list[UdfFailure]:
    return list(dict.fromkeys(failures))


def _parse_spec(spec: str | tuple[str, str], sheet_real: dict[str, str]) -> tuple[str, str]:
    if isinstance(spec, tuple):
        sheet, ref = spec
    else:
        s = spec.lstrip("=")
        if "!" not in s:
            raise ValueError(f"需要带工作表名的地址 (sheet-qualified reference required): {spec!r}")
        sheet, _, ref = s.rpartition("!")
        if sheet.startswith("'") and sheet.endswith("'"):
            sheet = sheet[1:-1].replace("''", "'")
    real = sheet_real.get(sheet.upper())
    if real is None:
        raise ValueError(f"工作表不存在 (no such sheet): {sheet!r}")
    ref = ref.replace("$", "").upper()
    ox.range_cells(ref)  # validates
    return real, ref


class CompiledTemplate:
    """Callable fast path for many copies of one template (see
    :meth:`Recalculator.compile_template`).

    ``tpl(values)`` where *values* is a sequence aligned with *input_cells*
    (or a mapping spec -> value): a scalar for a single cell, a 2-D list /
    array (or a 1-D list for a single row/column) for a range -- smaller than
    the range is padded with empty cells.  Returns a :class:`RecalcResult`
    whose ``values`` hold the output formula cells.
    """

    def __init__(self, recalculator: Recalculator, loaded: _Loaded,
                 input_cells, output_cells, method: str = "compile"):
        if method not in ("compile", "calculate"):
            raise ValueError("method must be 'compile' or 'calculate'")
        self.method = method
        self._loaded = loaded
        self._rc = recalculator
        model = loaded.model
        self.input_specs = [_parse_spec(s, loaded.sheet_real) for s in input_cells]
        out_specs = [_parse_spec(s, loaded.sheet_real) for s in output_cells]
        self.timings: dict[str, float] = dict(loaded.timings)

        # --- formula cells selected as outputs
        def rect(ref):
            return ox.range_bounds(ref)

        out_rects = [(s, rect(r)) for s, r in out_specs]
        self.outputs: list[ox.FormulaCell] = []
        for fc in loaded.cells:
            r, c = ox.split_a1(fc.cell)
            if any(s == fc.sheet and a <= r <= b and cc <= c <= d for s, (a, cc, b, d) in out_rects):
                self.outputs.append(fc)
        if not self.outputs:
            raise ValueError("输出区域内没有公式单元格 (no formula cell inside the output ranges)")
        in_rects = [(s, rect(r)) for s, r in self.input_specs]
        for fc in loaded.cells:
            r, c = ox.split_a1(fc.cell)
            for s, (a, cc, b, d) in in_rects:
                if s == fc.sheet and a <= r <= b and cc <= c <= d:
                    raise ValueError(f"输入区域包含公式单元格 (input range contains a formula): "
                                     f"{fc.sheet}!{fc.cell}")
        data_nodes = model.dsp.data_nodes
        self._out_ids = list(dict.fromkeys(loaded.cell_node(fc) for fc in self.outputs))
        self._out_ids_present = [k for k in self._out_ids if k in data_nodes]

        # --- baseline (template values) for nodes partially overlapping inputs
        run: list = []
        token = _RUN.set(run)
        try:
            t = time.perf_counter()
            baseline = model.calculate()
            self.timings["baseline_calculate"] = time.perf_counter() - t
        finally:
            _RUN.reset(token)

        # --- graph nodes fed from the inputs: every data node intersecting an
        # input range and consumed by a formula (nodes consumed only by range
        # assemblers are skipped: the assembled range is fed itself)
        from formulas.cell import InvRangesAssembler, RangesAssembler
        nodes, succ = model.dsp.nodes, model.dsp.dmap.succ
        exact = {_node_id(loaded.book, s, r) for s, r in self.input_specs}
        sheet_upper = {s.upper(): s for s in loaded.sheet_real.values()}
        # feed: (node id, [(spec index, dst slices, src slices)], template value or None, shape)
        self._feeds: list[tuple[str, list, Any, tuple[int, int]]] = []
        for key in data_nodes:
            if not isinstance(key, str):
                continue
            m = _RE_NODE.match(key)
            if not m or m.group("book") != loaded.book:
                continue
            sheet = loaded.sheet_real.get(m.group("sheet")) or sheet_upper.get(m.group("sheet"))
            nrect = _node_rect(m.group("ref"))
            if sheet is None or nrect is None:
                continue
            overlaps = []
            for i, (s, (a, cc, b, d)) in enumerate(in_rects):
                if s != sheet:
                    continue
                r1, c1 = max(a, nrect[0]), max(cc, nrect[1])
                r2, c2 = min(b, nrect[2]), min(d, nrect[3])
                if r1 > r2 or c1 > c2:
                    continue
                overlaps.append((i,
                                 (slice(r1 - nrect[0], r2 - nrect[0] + 1), slice(c1 - nrect[1], c2 - nrect[1] + 1)),
                                 (slice(r1 - a, r2 - a + 1), slice(c1 - cc, c2 - cc + 1))))
            if not overlaps:
                continue
            if key not in exact and all(
                    isinstance(nodes[f].get("function"), (RangesAssembler, InvRangesAssembler))
                    for f in succ.get(key, ())):
                continue
            base = baseline.get(key)
            if base is not None and hasattr(base, "value"):
                base = np.asarray(base.value, dtype=object)
            shape = (nrect[2] - nrect[0] + 1, nrect[3] - nrect[1] + 1)
            if base is not None and base.shape != shape:
                # whole-column refs etc.: formulas trims to the used area
                shape = base.shape
            self._feeds.append((key, overlaps, base, shape))
        if not self._feeds:
            raise ValueError("公式不引用任何输入单元格 (no formula depends on the input cells)")
        self._in_ids = [k for k, _, _, _ in self._feeds]
        self.compile_failures = _dedupe(loaded.load_failures + run)
        self._fn = None
        if method == "compile":
            t = time.perf_counter()
            run2: list = []
            token = _RUN.set(run2)
            try:
                self._fn = model.compile(inputs=self._in_ids, outputs=self._out_ids_present)
            finally:
                _RUN.reset(token)
            self.timings["compile"] = time.perf_counter() - t
            self.compile_failures = _dedupe(self.compile_failures + run2)

    # -- input handling ------------------------------------------------------
    def _input_arrays(self, values) -> list[np.ndarray]:
        """One coerced 2-D object array per input spec (padded with empty)."""
        F = _f()
        if isinstance(values, Mapping):
            lookup = {_parse_spec(k, self._loaded.sheet_real): v for k, v in values.items()}
            missing = [s for s in self.input_specs if s not in lookup]
            if missing:
                raise ValueError(f"缺少输入 (missing inputs): {missing}")
            seq = [lookup[spec] for spec in self.input_specs]
        else:
            seq = list(values)
            if len(seq) != len(self.input_specs):
                raise ValueError(f"需要 {len(self.input_specs)} 个输入值 (expected {len(self.input_specs)} "
                                 f"input values), got {len(seq)}")
        out = []
        for (sheet, ref), v in zip(self.input_specs, seq):
            r1, c1, r2, c2 = ox.range_bounds(ref)
            nr, nc = r2 - r1 + 1, c2 - c1 + 1
            grid = np.empty((nr, nc), dtype=object)
            grid[:, :] = F.EMPTY
            if isinstance(v, (list, tuple, np.ndarray)):
                arr = np.asarray(v, dtype=object)
                if arr.ndim == 0:
                    arr = arr.reshape(1, 1)
                elif arr.ndim == 1:
                    arr = arr.reshape(-1, 1) if nc == 1 else arr.reshape(1, -1)
                if arr.ndim != 2 or arr.shape[0] > nr or arr.shape[1] > nc:
                    raise ValueError(f"输入 {sheet}!{ref} 超出区域大小 (value shape {arr.shape} does not fit "
                                     f"range {(nr, nc)})")
                empty = F.EMPTY
                # row by row; ints and strings need no coercion (measured: ndenumerate was 20 ms a 1000-row roster)
                for i, row in enumerate(arr.tolist()):
                    grid[i, :len(row)] = [empty if x is None else x if type(x) in (int, str) else _coerce_scalar(x)
                                          for x in row]
            else:
                grid[0, 0] = _coerce_scalar(v)
            out.append(grid)
        return out

    def _node_values(self, arrays: list[np.ndarray]) -> list[np.ndarray]:
        F = _f()
        out = []
        for _key, overlaps, base, shape in self._feeds:
            if base is not None:
                arr = np.array(base, dtype=object, copy=True)
            else:
                arr = np.empty(shape, dtype=object)
                arr[:, :] = F.EMPTY  # assignment keeps the token (np.full would not)
            for i, dst, src in overlaps:
                arr[dst] = arrays[i][src]
            out.append(arr)
        return out

    def __call__(self, values) -> RecalcResult:
        t0 = time.perf_counter()
        inputs = self._node_values(self._input_arrays(values))
        result = RecalcResult()
        run: list = []
        token = _RUN.set(run)
        t1 = time.perf_counter()
        try:
            if self._fn is not None:
                res = self._fn(*inputs)
                if len(self._out_ids_present) == 1:
                    res = [res]
                solution = dict(zip(self._out_ids_present, res))
            else:
                solution = self._loaded.model.calculate(
                    inputs=dict(zip(self._in_ids, inputs)), outputs=self._out_ids_present)
        finally:
            _RUN.reset(token)
        result.timings["calculate"] = time.perf_counter() - t1
        _collect(self._loaded, solution, self.outputs, result)
        result.udf_failures = _dedupe(self.compile_failures + run)
        result.timings["total"] = time.perf_counter() - t0
        return result
