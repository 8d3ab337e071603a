"""Headless recalculation of .xlsx workbooks with ``formulas`` + Python UDFs: the :class:`Recalculator`.

One job per module (the split of the former 815-line ``recalc.py``): :mod:`.result` (what a recalculation
returns), :mod:`.convert` (values between Python and formulas), :mod:`.udf` (UDF wrapping and failure
records), :mod:`.graph` (the loaded model, node ids, collecting values), :mod:`.compiled` (the compiled
template), and here the Recalculator that runs them. The public names stay importable from here.

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
import os
import time
from typing import Callable, Mapping, Sequence

from . import _ooxml as ox
from .compiled import CompiledTemplate
from .convert import _f, to_python
from .graph import _RE_NODE, _collect, _Loaded
from .lint import LintError, formulas_builtin_functions, lint_workbook
from .normalize import NormalizeReport, normalized_copy
from .package import GENERIC_LIMITS, PackageLimits, check_package
from .result import CellError, RecalcError, RecalcLoadError, RecalcResult, UdfFailure
from .udf import _RUN, _CellTracker, _dedupe, _quiet_progress, wrap_udf

__all__ = ["Recalculator", "RecalcResult", "CellError", "UdfFailure", "CompiledTemplate",
           "RecalcError", "RecalcLoadError", "wrap_udf", "to_python"]


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
