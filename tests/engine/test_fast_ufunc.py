"""The flat run's single-cell path for formulas' element-wise functions (:func:`jidi_xl.engine.compiled._fast_ufunc`)
gives what formulas' own function gives, value for value and type for type, on a table of cell values — and
hands anything that is not a single cell back to formulas."""
from __future__ import annotations

import itertools

import numpy as np
import pytest

formulas = pytest.importorskip("formulas")

from formulas.functions import Array, get_functions  # noqa: E402
from formulas.functions.operators import OPERATORS  # noqa: E402
from formulas.ranges import Ranges  # noqa: E402
from formulas.tokens.operand import Error  # noqa: E402
from schedula import EMPTY  # noqa: E402

from jidi_xl.engine.compiled import _fast_ufunc  # noqa: E402


def _function(name):
    f = OPERATORS[name] if name in OPERATORS else get_functions()[name]
    return f["function"] if isinstance(f, dict) else f


# the cell values of the standard template's formulas, and the awkward ones
VALUES = [EMPTY, "", "a", "A", "、工业、", 0, 1, 2.5, -3, True, False, 45000, Error.errors["#N/A"],
          Error.errors["#DIV/0!"], "1", "是"]

BINARY = ["=", "<>", "<", ">=", "&", "+", "-", "*", "/", "^"]


def _cell(v):
    a = np.empty((1, 1), dtype=object)
    a[0, 0] = v
    return a.view(Array)


def _ranges(v, ref="A1"):
    return Ranges().push(f"'[book.xlsx]SHEET'!{ref}", _cell(v))


def _same(a, b) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, np.ndarray):
        return (a.shape == b.shape and a.dtype == b.dtype
                and all(_same(x, y) for x, y in zip(a.ravel().tolist(), b.ravel().tolist())))
    if isinstance(a, float) and np.isnan(a):
        return np.isnan(b)
    return a == b


def _calls(name, args):
    fn = _function(name)
    fast = _fast_ufunc(fn)
    assert fast is not fn, f"{name}: not recognised as formulas' element-wise function"
    return fn(*args), fast(*args)


@pytest.mark.parametrize("op", BINARY)
@pytest.mark.parametrize("form", ["cell,cell", "ranges,literal", "literal,ranges", "cell,literal"])
def test_binary_operators(op, form):
    differ = []
    for x, y in itertools.product(VALUES, VALUES):
        make = {"cell": _cell, "ranges": _ranges, "literal": lambda v: v}
        fx, fy = form.split(",")
        if (fx == "literal" and not isinstance(x, (str, int, float))) or (
                fy == "literal" and not isinstance(y, (str, int, float))):
            continue               # a formula's literal is a plain value
        args = (make[fx](x), make[fy](y))
        want, got = _calls(op, args)
        if not _same(want, got):
            differ.append((x, y, want, got))
    assert not differ, differ[:5]


@pytest.mark.parametrize("name,arity", [("IF", 3), ("IF", 2), ("SEARCH", 2), ("REPT", 2), ("DATE", 3)])
def test_functions(name, arity):
    differ = []
    for combo in itertools.product(VALUES, repeat=arity):
        args = tuple(_ranges(v, f"A{i + 1}") if i == 0 else _cell(v) for i, v in enumerate(combo))
        want, got = _calls(name, args)
        if not _same(want, got):
            differ.append((combo, want, got))
    assert not differ, differ[:5]


@pytest.mark.parametrize("args", [
    (np.array([[1, 2]], dtype=object).view(Array), 1),          # a row: formulas' own broadcast
    (np.array([[1], [2]], dtype=object).view(Array), _cell(2)),
    ("a", "b"),                                                   # no cell at all
    (np.float64(1.5), _cell(1)),                                  # a numpy scalar
])
def test_not_single_cells_are_formulas_own(args):
    want, got = _calls("=", args)
    assert _same(want, got)


# -- COUNTIF over one range: counted on the range's distinct values (_fast_countif) ------------------------

COLUMN = [EMPTY, "科技服务", "科技服务", "科技 服务", "软件和信息技术服务", "", "a", "A", "a*", 1, 1.0, True, False, 0,
          "1", 2.5, Error.errors["#N/A"], EMPTY, "软件和信息技术服务", "是"]
CONDITIONS = ["科技服务", "软件和信息技术服务", "", "a", "A", "a*", "*服务", "?", "~*", ">1", "<=1", "<>a", "=", "1",
              "TRUE", "#N/A", 1, 0, 2.5, True, False, "无此行业"]


def _column(values, ref="B1"):
    n = len(values)
    a = np.empty((n, 1), dtype=object)
    a[:, 0] = values
    return Ranges().push(f"'[book.xlsx]SHEET'!{ref}:B{n}", a.view(Array))


@pytest.mark.parametrize("condition", CONDITIONS)
@pytest.mark.parametrize("form", ["ranges", "cell"])
def test_countif(condition, form):
    from jidi_xl.engine.compiled import _CALL_MEMO, _fast_countif

    fn = _function("COUNTIF")
    fast = _fast_countif(fn)
    assert fast is not fn, "COUNTIF not recognised"
    rng = _column(COLUMN)
    cond = _ranges(condition, "C1") if form == "ranges" else _cell(condition)
    want = fn(rng, cond)
    token = _CALL_MEMO.set({})
    try:
        got = [fast(_column(COLUMN), cond), fast(rng, cond)]      # a fresh range and the memo's
    finally:
        _CALL_MEMO.reset(token)
    got.append(fast(rng, cond))                                   # outside a call: no memo
    assert all(_same(want, g) for g in got), (want, got)


# -- the data nodes' filters on single cells (_fast_filter) ---------------------------------------------------

def _ranges_same(a, b) -> bool:
    return (type(a) is type(b) and a.ranges == b.ranges and list(a.values) == list(b.values)
            and all(ra == rb and _same(va, vb) for (ra, va), (rb, vb) in zip(a.values.values(), b.values.values())))


@pytest.mark.parametrize("ref", ["C5", "A1", "B2:C3", "D:D"])
def test_format_output_filter(ref):
    import functools

    from formulas.cell import format_output

    from jidi_xl.engine.compiled import _fast_filter

    rng = Ranges().push(f"'[book.xlsx]SHEET'!{ref}").ranges[0]
    f = functools.partial(format_output, rng)
    fast = _fast_filter(f)
    assert (fast is f) == (":" in ref), "a single cell's filter is replaced, a range's kept"
    for v in VALUES + [_cell("x"), _cell(EMPTY), np.array([[1, 2]], dtype=object).view(Array), _ranges(3)]:
        want, got = f(v), fast(v)
        assert _ranges_same(want, got), (v, want, got)


def test_replace_empty_filter():
    from formulas.functions import replace_empty

    from jidi_xl.engine.compiled import _fast_filter

    fast = _fast_filter(replace_empty)
    assert fast is not replace_empty
    for v in VALUES + [np.array([[1, EMPTY]], dtype=object).view(Array), np.array([[EMPTY]], dtype=object)]:
        for x in (v, _cell(v)) if not isinstance(v, np.ndarray) else (v,):
            want, got = replace_empty(x), fast(x)
            assert _same(want, got), (x, want, got)
