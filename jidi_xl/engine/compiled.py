"""The compiled template: one workbook loaded and compiled once, then fed only new input values for each copy
(:meth:`.recalc.Recalculator.compile_template`; the measurements and the trap it avoids are in the docstring of
:mod:`jidi_xl.engine.recalc`). Part of the generic engine."""
from __future__ import annotations

import contextvars
import os
import time
import weakref
from typing import TYPE_CHECKING, Any, Mapping

import numpy as np
from schedula import NONE as _NONE

from . import _ooxml as ox
from .convert import _coerce_scalar, _f
from .graph import _RE_NODE, _collect, _Loaded, _node_id, _node_rect, _parse_spec, cell_node_ids
from .result import RecalcResult
from .udf import _CURRENT_CELL, _RUN, _CellTracker, _dedupe

if TYPE_CHECKING:
    from .recalc import Recalculator

__all__ = ["CompiledTemplate"]


# -- the pipe run as a plain loop ------------------------------------------------------------------------
# Measured (benchmarks/README.md, profile of a batch worker): of a compiled template call, ≈40 % was schedula's
# bookkeeping around each node (solution, workflow edges, futures, filters through async_process) — the outer
# pipe of cells and, inside each cell, the pipe of its formula's operators — not the functions themselves.
# _Flat runs the same pipe, in the same order, with the same functions, filters and default values, as a loop
# over a dict. Anything it is not sure to do as schedula does (a sub-dispatcher, a data node with its own
# function or waiting for several inputs, an input domain, a missing argument, an exception in a function) is
# not run flat: construction refuses (the template keeps schedula's run), a call falls back to schedula's
# own run of that pipe, so the values and the failures recorded are schedula's in every case.

class _NotFlat(Exception):
    """This pipe (or this call of it) is left to schedula."""


_FN_KEYS = {"type", "inputs", "outputs", "function", "wait_inputs", "index", "filters", "solve_cycle"}
_DATA_KEYS = {"type", "index", "filters", "wait_inputs", "initial_dist", "default_value", "description", "inv-data"}


def _flat_steps(pipe_fn, wrap=None) -> list[tuple]:
    """(is_function, node id or function, filters, inputs, outputs) for each step of ``pipe_fn.pipe``."""
    steps: list[tuple] = []
    for (_, _, (v, sol)), _nxt, nxt_dsp in pipe_fn.pipe:
        if nxt_dsp:
            raise _NotFlat("sub-dispatcher")
        node = sol.nodes[v]
        kind = node["type"]
        if kind == "data":
            if set(node) - _DATA_KEYS or node.get("wait_inputs"):
                raise _NotFlat(f"data node {v!r}")
            steps.append((False, v, tuple(node.get("filters", ())), (), ()))
        elif kind == "function":
            if set(node) - _FN_KEYS or not node.get("wait_inputs", False):
                raise _NotFlat(f"function node {v!r}")
            fn = node["function"]
            steps.append((True, wrap(fn) if wrap else fn, tuple(node.get("filters", ())), tuple(node["inputs"]),
                          tuple(node["outputs"])))
        else:
            raise _NotFlat(f"{kind} node {v!r}")
    return steps


def _run_steps(steps: list[tuple], values: dict) -> dict:
    """The pipe's steps on ``values`` (inputs and defaults, as schedula's initial values); returns ``values``.
    Raises :class:`_NotFlat` where schedula would have to decide (a missing argument, an exception)."""
    NONE = _NONE
    for is_fn, x, filters, inputs, outputs in steps:
        if not is_fn:
            if x not in values:
                raise _NotFlat(f"no value for {x!r}")
            v = values[x]
            for f in filters:
                v = f(v)
            if v is NONE:
                del values[x]
            else:
                values[x] = v
            continue
        try:
            args = [values[k] for k in inputs]
        except KeyError as exc:
            raise _NotFlat(f"missing argument {exc}") from None
        try:
            res = x(*[a for a in args if a is not NONE])
            for f in filters:
                res = f(res)
        except _NotFlat:
            raise
        except Exception as exc:  # noqa: BLE001 — schedula's own run decides (and logs) what this means
            raise _NotFlat(f"{type(exc).__name__}") from exc
        for k, r in zip(outputs, res if len(outputs) > 1 else [res]):
            if r is not NONE:
                values[k] = r
    return values


# -- formulas' element-wise functions on single cells ---------------------------------------------------
# Measured (benchmarks/bench_compiled_call.py --cells): most formula steps of the standard template are
# formulas' element-wise functions (the operators = & + …, IF, SEARCH: ``wrap_ranges_func(wrap_func(wrap_ufunc(f)))``) on
# single cells, e.g. the ≈40 ``in_ref_date=""`` tests; each call paid ≈50 µs, most of it np.vectorize setting up
# a ufunc for one element. For exactly that case — every argument a 1×1 array or a plain Python scalar, at least
# one array, and an element result of a plain type — :func:`_fast_ufunc` calls the same ``safe_eval`` (the
# function with formulas' own error checks) on the one element and builds the same 1×1 result (np.vectorize
# with ``otypes=[object]`` gives a 1×1 object array of that element, viewed as ``otype``: no attribute of an
# input array is carried over, Array's are class attributes). Anything else, and any exception, is formulas'
# own wrapper's call (the function is pure: calling it again is the same). tests/engine/test_fast_ufunc.py
# compares the two on a table of values; tests/report/test_batch_flat.py compares the flat run with schedula's.

def _closure(fn) -> dict[str, Any]:
    return {n: c.cell_contents for n, c in zip(fn.__code__.co_freevars, fn.__closure__ or ())}


_UFUNC_CODES: tuple | None = None


def _ufunc_codes() -> tuple:
    global _UFUNC_CODES
    if _UFUNC_CODES is None:
        from formulas.functions import wrap_func, wrap_ranges_func, wrap_ufunc
        # wrap_ufunc(f) is wrap_ranges_func(wrap_func(<its wrapper>)), wrap_func(f, ranges=True) wrap_func's wrapper
        import inspect

        from formulas.functions.operators import OPERATORS

        def parser(op):
            return _closure(_closure(_closure(OPERATORS[op])["func"])["func"])["args_parser"].__code__

        defaults = inspect.signature(wrap_ufunc).parameters
        _UFUNC_CODES = (wrap_ranges_func(lambda: 0).__code__,
                        _closure(wrap_ufunc(lambda x: x, ranges=True))["func"].__code__,
                        wrap_func(lambda: 0, ranges=True).__code__,
                        defaults["return_func"].default.__code__,
                        # the argument parsers that treat a cell as its element does (replace_empty: EMPTY → 0, or
                        # '' for &; the comparisons' identity)
                        {defaults["args_parser"].default.__code__, parser("&"), parser("=")})
    return _UFUNC_CODES


_PLAIN = (bool, int, float, str)


def _formulas_types() -> None:
    global _RangesType, _ARRAY_TYPES
    from formulas.functions import Array
    from formulas.ranges import Ranges
    _RangesType, _ARRAY_TYPES = Ranges, (np.ndarray, Array)


_RangesType: Any = None
_ARRAY_TYPES: tuple = ()


def _elements(values) -> list | None:
    """The elements of single-cell arguments: each a plain value, or a 1×1 array's element (at least one of them a
    cell); None otherwise (formulas' own call then)."""
    elems, cell = [], False
    for v in values:
        if type(v) in _PLAIN:
            elems.append(v)
        elif isinstance(v, np.ndarray) and v.shape == (1, 1):
            elems.append(v[0, 0])
            cell = True
        else:
            return None
    return elems if cell else None


def _fast_ufunc(fn):
    """``fn`` itself, or a faster equivalent of it for single cells when it is formulas'
    ``wrap_ranges_func([wrap_func(]wrap_ufunc(…)[)])`` (see above)."""
    ranges_code, ufunc_code, func_code, default_return, cell_parsers = _ufunc_codes()
    # (equal, not identical, code: a compiled template read from the cache holds unpickled copies of formulas'
    # closures)
    if getattr(fn, "__code__", None) != ranges_code:
        return fn
    outer = _closure(fn)
    inner = outer.get("func")
    if getattr(inner, "__code__", None) == func_code:
        # wrap_func's layer (an exception → an error value): a call that raises is formulas' own again
        inner = _closure(inner).get("func")
    if outer.get("n_out") != 1 or getattr(inner, "__code__", None) != ufunc_code:
        return fn
    c = _closure(inner)
    if c.get("kw") != {"otypes": [object]} or not all(k in c for k in ("args_parser", "safe_eval", "otype",
                                                                         "return_func")):
        return fn
    args_parser, safe_eval, otype, return_func = c["args_parser"], c["safe_eval"], c["otype"], c["return_func"]
    from formulas.ranges import Ranges
    from formulas.tokens.operand import XlError
    plain = _PLAIN
    # the parser applied to the elements rather than to the 1×1 arrays when it treats both alike and the result
    # does not look at the parsed arrays (the default return_func): measured, replace_empty on a 1×1 array (an
    # element-wise comparison and np.where) was ≈25 µs, on its element a comparison
    by_element = (getattr(return_func, "__code__", None) == default_return
                  and getattr(args_parser, "__code__", None) in cell_parsers)

    NONE = _NONE

    def elementwise(*args):
        try:
            vals = []
            for a in args:
                if isinstance(a, Ranges):
                    v = a._value
                    if v is NONE:
                        # a cell's own input: one range holding exactly one array of that range, which is its value
                        # (Ranges.value would find the intersection, the whole array, and slice it: ≈12 µs)
                        held = a.values
                        if len(a.ranges) == 1 and len(held) == 1:
                            rng, v = next(iter(held.values()))
                            if rng["name"] != a.ranges[0]["name"]:     # (the name is the sheet and the range)
                                v = a.value
                        else:
                            v = a.value
                else:
                    v = a
                vals.append(v)
            elems = _elements(vals)
            if elems is None or len(elems) >= 32:
                return fn(*args)
            # (no np.errstate: the elements are plain Python values, whose arithmetic numpy's error state does not
            # govern — in formulas' object-array loop either)
            r = safe_eval(*args_parser(*elems))
            if type(r) not in plain and not isinstance(r, XlError):
                return fn(*args)
            res = np.empty((1, 1), dtype=object)
            res[0, 0] = r
            return res.view(otype)
        except Exception:  # noqa: BLE001 — formulas' own wrapper decides what this call gives
            return fn(*args)

    def fast(*args):
        try:
            vals = [a.value if isinstance(a, Ranges) else a for a in args]
            parsed = tuple(args_parser(*vals))
            if len(parsed) >= 32:
                return fn(*args)
            elems = _elements(parsed)
            if elems is None:
                return fn(*args)
            with np.errstate(divide="ignore", invalid="ignore"):
                r = safe_eval(*elems)
            if type(r) not in plain and not isinstance(r, XlError):
                return fn(*args)
            res = np.empty((1, 1), dtype=object)
            res[0, 0] = r
            return return_func(res.view(otype), *parsed)
        except Exception:  # noqa: BLE001 — formulas' own wrapper decides what this call gives
            return fn(*args)

    out = elementwise if by_element else fast
    out.__name__ = getattr(fn, "__name__", "fast")
    out.__wrapped__ = fn            # type: ignore[attr-defined]
    return out


# COUNTIF over one range many times (产业分布!B4:B20 = ``COUNTIF(in_roster_industry, A4)`` …: 17 cells over the
# same 1,000 roster cells): measured ≈0.7 ms a call, formulas testing each of the 1,000 cells one by one. formulas'
# test of a cell (``__xfilter``: the condition parsed as Excel does, then one pure check per cell) depends on the
# cell's value only, so the count is the same over the range's distinct values, each counted as often as it
# occurs: the distinct values (by type and value: 1, 1.0 and TRUE are tested apart) are found once per call of the
# template (:data:`_CALL_MEMO`), and each COUNTIF tests those with formulas' own ``__xfilter``. A condition that is
# not one plain value, a range that is not an array, and any exception: formulas' own COUNTIF.

_CALL_MEMO: "contextvars.ContextVar[dict | None]" = contextvars.ContextVar("jidi_compiled_call_memo", default=None)


def _call_memo() -> dict | None:
    """This call's memo. (The wrappers below are closures, which the compiled template's cache file holds by
    value: they reach the context variable, which cannot be pickled, through this module-level function.)"""
    return _CALL_MEMO.get()


def _fast_countif(fn):
    """``fn`` itself, or a faster equivalent of it when it is formulas' COUNTIF (see above)."""
    import functools

    import formulas.functions as ff
    ranges_code, _, func_code, _, _ = _ufunc_codes()
    if getattr(fn, "__code__", None) != ranges_code:
        return fn
    outer = _closure(fn)
    mid = outer.get("func")
    if outer.get("n_out") != 1 or getattr(mid, "__code__", None) != func_code:
        return fn
    p = _closure(mid).get("func")
    if not (isinstance(p, functools.partial) and getattr(p.func, "__code__", None) == ff.xfilter.__code__
            and p.args == (len,) and p.keywords == {"operating_range": None}):
        return fn
    test_cells = vars(ff)["__xfilter"]          # formulas' test of each cell against a condition
    from formulas.functions import Array
    from formulas.ranges import Ranges
    from schedula import EMPTY
    plain = _PLAIN

    def distinct(test):
        """(distinct values as formulas tests them — EMPTY as '' —, how often each occurs), once per call."""
        memo = _call_memo()
        key = None
        if memo is not None:
            key = ("countif", tuple(r["name"] for r in test.ranges),
                   tuple((r["name"], id(a)) for r, a in test.values.values()))
            hit = memo.get(key)
            if hit is not None:
                return hit[1]
        arr = test.value
        if not isinstance(arr, np.ndarray):
            raise _NotFlat("not an array")
        counts: dict = {}
        for v in arr.ravel().tolist():
            if v is EMPTY:
                v = ""
            k = (type(v), v)
            e = counts.get(k)
            if e is None:
                counts[k] = [v, 1]
            else:
                e[1] += 1
        vals = np.empty(len(counts), dtype=object)
        vals[:] = [v for v, _ in counts.values()] if counts else []
        out = (vals, [n for _, n in counts.values()])
        if memo is not None and key is not None:
            memo[key] = ([a for _, a in test.values.values()], out)     # (the arrays held: their ids are the key)
        return out

    def countif(*args):
        try:
            if len(args) != 2 or not isinstance(args[0], Ranges):
                return fn(*args)
            cond = args[1]
            if isinstance(cond, Ranges):
                cond = cond.value
            if isinstance(cond, np.ndarray):
                if cond.shape != (1, 1):
                    return fn(*args)
                cond = cond[0, 0]
            if type(cond) not in plain:
                return fn(*args)
            vals, weights = distinct(args[0])
            hits = test_cells({"raw": vals}, cond).tolist() if len(vals) else []
            res = np.empty((1, 1), dtype=object)
            res[0, 0] = sum(n for n, hit in zip(weights, hits) if hit)
            return res.view(Array)
        except Exception:  # noqa: BLE001 — formulas' own COUNTIF decides what this call gives
            return fn(*args)

    countif.__name__ = getattr(fn, "__name__", "COUNTIF")
    countif.__wrapped__ = fn          # type: ignore[attr-defined]
    return countif


def _fast(fn):
    """The faster single-cell equivalents of formulas' functions where there is one (above), else ``fn``."""
    out = _fast_ufunc(fn)
    return _fast_countif(fn) if out is fn else out


def _own_value(a) -> None:
    """Give a cell's input range its value when the range holds exactly one array, that of the same range (a cell
    reading another cell or an input range whole): the array itself. formulas' ``Ranges.value`` finds the same by
    intersecting the range with itself and slicing the array whole (a view of the same cells, ≈10 µs; measured
    ≈1,200 of them per call of the standard template); this stores the array it would slice, the same cells in
    the same shape."""
    if a._value is not _NONE or len(a.ranges) != 1 or len(a.values) != 1:
        return
    rng, arr = next(iter(a.values.values()))
    if rng["name"] == a.ranges[0]["name"] and type(arr) in _ARRAY_TYPES:
        a._value = arr


class _FlatCell:
    """A formula cell (formulas' ``CellWrapper`` over ``_CellTracker`` over the formula's pipe) with its formula's
    pipe run flat; anything unusual in a call is handed to the original wrapper."""

    def __init__(self, cw):
        if _RangesType is None:
            _formulas_types()
        tracker = cw.func
        inner = tracker.inner
        self.cw, self.parse_args, self.loc = cw, cw.parse_args, tracker.loc
        self.inputs = tuple(inner.inputs or ())
        self.defaults = {k: d["value"] for k, d in inner.dsp.default_values.items()}
        self.outputs = list(inner.outputs)
        self.steps = _flat_steps(inner, _fast)
        if len(self.outputs) != 1 or inner.output_type not in ("values", "list", "dict") or inner.first_arg_as_kw:
            raise _NotFlat("cell outputs")
        self.output_type = inner.output_type

    def __call__(self, *args):
        token = _CURRENT_CELL.set(self.loc)
        try:
            values = dict(self.defaults)
            parsed = self.parse_args(*args)
            for a in parsed:
                if type(a) is _RangesType:
                    _own_value(a)
            values.update(zip(self.inputs, parsed))
            out = self.outputs[0]
            vals = _run_steps(self.steps, values)
            if out not in vals:
                raise _NotFlat("output not reached")
            v = vals[out]
        except _NotFlat:
            return self.cw(*args)          # schedula's run of this cell: its value, its errors
        finally:
            _CURRENT_CELL.reset(token)
        return v if self.output_type == "values" else [v] if self.output_type == "list" else {out: v}


def _flat_template(fn) -> tuple[list[tuple], dict] | None:
    """The compiled template's outer pipe as flat steps (cells wrapped by :class:`_FlatCell`) and its default
    values; None when any part of it is not for a flat run."""
    from formulas.cell import CellWrapper

    def wrap(f):
        if isinstance(f, CellWrapper) and isinstance(getattr(f, "func", None), _CellTracker):
            return _FlatCell(f)
        return f

    try:
        steps = _flat_steps(fn, wrap)
    except _NotFlat:
        return None
    steps = [(is_fn, x, tuple(_fast_filter(f) for f in filters), inputs, outputs)
             for is_fn, x, filters, inputs, outputs in steps]
    return steps, {k: d["value"] for k, d in fn.dsp.default_values.items()}


def _fast_replace_empty(f):
    """formulas' ``replace_empty`` filter on a cell's result (EMPTY → 0): a 1×1 result holding a plain value is
    returned as it is, as formulas' test finds no EMPTY in it (a plain value never equals schedula's EMPTY, whose
    equality is identity) — without its element-wise comparison (≈10 µs, ≈280 cells a call); anything else is
    formulas' own."""
    from formulas.functions import Array
    types_ = (Array, np.ndarray)
    plain = _PLAIN

    def cell_result(x, *rest):
        if not rest and type(x) in types_ and x.shape == (1, 1) and type(x[0, 0]) in plain:
            return x
        return f(x, *rest)

    cell_result.__wrapped__ = f           # type: ignore[attr-defined]
    return cell_result


def _fast_filter(f):
    """A data node's filter: formulas' ``format_output`` (a cell's value stored as a range of that cell) made for
    a single cell without formulas' general reshaping (measured ≈15 µs a cell, ≈400 cells a call): the same
    ``Ranges`` of that one range, holding the same value reshaped to 1×1 (an Array as itself, a plain value as a
    1×1 object array, as formulas stores them). Anything else: formulas' own filter."""
    import functools

    from formulas.cell import format_output
    from formulas.functions import replace_empty
    if getattr(f, "__code__", None) == replace_empty.__code__ and f.__defaults__ == replace_empty.__defaults__:
        return _fast_replace_empty(f)
    if not (isinstance(f, functools.partial) and getattr(f.func, "__code__", None) == format_output.__code__
            and len(f.args) == 1 and not f.keywords):
        return f
    rng = f.args[0]
    try:
        single = int(rng["r1"]) == int(rng["r2"]) and rng["n1"] == rng["n2"] and int(rng["r1"]) > 0 < rng["n1"]
    except (KeyError, TypeError, ValueError):
        return f
    if not single:
        return f
    from formulas.functions import Array
    from formulas.ranges import Ranges
    from schedula import EMPTY
    name = rng["name"]

    def single_cell(value):
        if value is EMPTY or type(value) is Ranges:
            return f(value)
        if type(value) is Array:
            if value.shape != (1, 1):
                return f(value)
            arr = value
        elif type(value) in _PLAIN:
            arr = np.empty((1, 1), dtype=object)
            arr[0, 0] = value
        else:
            return f(value)
        return Ranges((rng,), {name: (rng, np.reshape(arr, (1, 1)))})

    single_cell.__wrapped__ = f           # type: ignore[attr-defined]
    return single_cell


# flat plans by compiled pipe (weak: a plan goes with its pipe); JIDI_XL_SCHEDULA_PIPE=1 runs schedula's own
# pipe (for comparing the two; tests/report/test_batch_flat.py compares them without it)
_PLANS: "weakref.WeakKeyDictionary[Any, Any]" = weakref.WeakKeyDictionary()
_FLAT = os.environ.get("JIDI_XL_SCHEDULA_PIPE", "") != "1"
# (rows, columns) of each input spec by template (weak, as the plans)
_SIZES: "weakref.WeakKeyDictionary[Any, list[tuple[int, int]]]" = weakref.WeakKeyDictionary()
# the output cells' node ids by template (graph.cell_node_ids), likewise
_IDS: "weakref.WeakKeyDictionary[Any, list[str]]" = weakref.WeakKeyDictionary()


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
        self._rc: Recalculator | None = recalculator
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

    # -- serialisation (jidi_xl.engine.store keeps a compiled template on disk) ------------------------
    def __getstate__(self) -> dict[str, Any]:
        """Everything but the recalculator (the reader binds its own) and the loaded model: a compiled pipe
        needs of the load only the node ids' book name, the sheet names and the workbook's parts list."""
        if self._fn is None:
            raise TypeError("只有 method='compile' 的模板可以保存 (only a compiled pipe can be pickled: "
                            "method='calculate' needs the whole model)")
        state = self.__dict__.copy()
        state.pop("_rc", None)
        L = self._loaded
        state["_loaded"] = _Loaded(None, L.book, L.info, [], L.sheet_real, None, {}, [])  # type: ignore[arg-type]
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._rc = None          # set by the reader (jidi_xl.engine.store.loads)

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
        sizes = _SIZES.get(self)
        if sizes is None:            # (kept beside the template, as the flat plan: not part of its pickled state)
            sizes = _SIZES[self] = [(lambda b: (b[2] - b[0] + 1, b[3] - b[1] + 1))(ox.range_bounds(ref))
                                    for _, ref in self.input_specs]
        empty = F.EMPTY
        plain = (int, str)
        for (sheet, ref), (nr, nc), v in zip(self.input_specs, sizes, seq):
            grid = np.empty((nr, nc), dtype=object)
            if nr == nc == 1 and type(v) is list and len(v) == 1 and type(v[0]) is list and len(v[0]) == 1:
                # one cell as a block [[x]] (most of the standard template's inputs): measured ≈20 µs a cell
                # through the general path below
                x = v[0][0]
                grid[0, 0] = empty if x is None else x if type(x) in plain else _coerce_scalar(x)
                out.append(grid)
                continue
            grid[:, :] = F.EMPTY
            if isinstance(v, (list, tuple, np.ndarray)):
                lens: list[int] | None = None
                if isinstance(v, list) and v and set(map(type, v)) == {list}:   # (map: no Python loop per row)
                    rows = v                        # a block of rows (the standard engine's): no array round trip
                    lens = list(map(len, rows))
                    shape = (len(rows), max(lens))
                else:
                    arr = np.asarray(v, dtype=object)
                    if arr.ndim == 0:
                        arr = arr.reshape(1, 1)
                    elif arr.ndim == 1:
                        arr = arr.reshape(-1, 1) if nc == 1 else arr.reshape(1, -1)
                    shape = arr.shape
                    rows = arr.tolist() if arr.ndim == 2 else []
                if len(shape) != 2 or shape[0] > nr or shape[1] > nc:
                    raise ValueError(f"输入 {sheet}!{ref} 超出区域大小 (value shape {shape} does not fit "
                                     f"range {(nr, nc)})")
                if lens is not None and len(rows) > 1 and lens.count(shape[1]) == len(lens):
                    # a rectangle (every block of the standard engine): its cells in one list, converted in one
                    # comprehension and stored with one assignment (measured: row by row, the ten 1,000-row
                    # blocks of the roster were ≈10 ms; ints and strings need no coercion, None is EMPTY)
                    flat = np.empty(shape[0] * shape[1], dtype=object)
                    flat[:] = [empty if x is None else x if type(x) in plain else _coerce_scalar(x)
                               for r in rows for x in r]
                    grid[:shape[0], :shape[1]] = flat.reshape(shape)
                    out.append(grid)
                    continue
                # row by row; ints and strings need no coercion (measured: ndenumerate was 20 ms a 1000-row roster);
                # a row of None only is left as the grid's EMPTY (most of a 1,000-row roster: measured 9 % of a
                # batch worker's time went to converting those blank rows cell by cell)
                for i, row in enumerate(rows):
                    if row.count(None) == len(row):
                        continue
                    grid[i, :len(row)] = [empty if x is None else x if type(x) in plain else _coerce_scalar(x)
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

    def _run_flat(self, inputs: list) -> dict | None:
        """The compiled pipe run flat (:func:`_run_steps`): {output id: value}, or None to let schedula run it.
        The flat plan is made on the first call and kept beside the pipe it was made from (not in the
        template's own state, whose construction and serialisation are the compile step's)."""
        fn = self._fn
        plan = _PLANS.get(fn, False)
        if plan is False:
            plan = _PLANS[fn] = _flat_template(fn)
        if plan is None or not _FLAT:
            return None
        steps, defaults = plan
        values = dict(defaults)
        values.update(zip(self._in_ids, inputs))
        token = _CALL_MEMO.set({})          # what one call derives once (_fast_countif), never kept across calls
        try:
            vals = _run_steps(steps, values)
        except _NotFlat:
            return None
        finally:
            _CALL_MEMO.reset(token)
        if any(k not in vals for k in self._out_ids_present):
            return None
        return {k: vals[k] for k in self._out_ids_present}

    def __call__(self, values) -> RecalcResult:
        t0 = time.perf_counter()
        inputs = self._node_values(self._input_arrays(values))
        result = RecalcResult()
        run: list = []
        token = _RUN.set(run)
        t1 = time.perf_counter()
        try:
            if self._fn is not None:
                solution = self._run_flat(inputs)
                if solution is None:
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
        ids = _IDS.get(self)
        if ids is None:
            ids = _IDS[self] = cell_node_ids(self._loaded, self.outputs)
        _collect(self._loaded, solution, self.outputs, result, ids)
        result.udf_failures = _dedupe(self.compile_failures + run)
        result.timings["total"] = time.perf_counter() - t0
        return result
