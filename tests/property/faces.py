"""The three faces of one case, each answering ``{out_ name: value}`` for the standard workbook's result cells.

* :func:`json_face` — the rules engine on the JSON case (``parse_case`` → ``evaluate_case``), as
  :func:`workbooks.expected.expected_outputs` states it for every result cell that has an engine counterpart;
* :func:`udf_face` — the ``JIDI_`` functions of the Excel face (``udfs.excel``, the registry's safe functions)
  called the way Excel calls them from the standard workbook: every formula of :mod:`workbooks.layout` is read
  (one declaration of the wiring, not a second copy) and evaluated by the small interpreter below, with cell
  values as xlwings hands them to a UDF — floats for numbers, ``datetime`` for date cells, ``None`` for blanks,
  lists of lists for range arguments (``ndim=2``);
* :func:`workbook_face` — the headless engine (``StandardEngine``'s compiled template, fed the case's input
  blocks in memory as its fast path feeds them from a file) — and :func:`workbook_file_face`, the same through a
  real .xlsx file (written by ``workbooks.generate.write_book``) and ``StandardEngine.recalc``.

Dates are compared as Excel serial numbers, blanks as ``None`` (``workbooks.expected.same``).
"""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Callable

from jidi_xl.case import parse_case
from jidi_xl.evaluate import Report, evaluate_case
from udfs import excel
from udfs.adapters import EXCEL_EPOCH
from udfs.registry import REGISTRY
from workbooks.expected import expected_outputs
from workbooks.generate import case_cells, write_book
from workbooks.layout import LAYOUT

Cells = dict[tuple[str, int, int], Any]


# -- 1. the JSON engine -------------------------------------------------------------------------------

def json_face(raw: dict) -> tuple[dict[str, Any], Report]:
    case = parse_case(raw, source=str(raw.get("case_id")))
    report = evaluate_case(case)
    return expected_outputs(raw, report, case), report


# -- 2. the UDF layer, wired by the layout's formulas ---------------------------------------------------

_TOKEN = re.compile(r'\s*(?:(?P<str>"(?:[^"]|"")*")|(?P<num>\d+(?:\.\d+)?)|(?P<id>[A-Za-z_][A-Za-z0-9_.]*)'
                    r'|(?P<op>[=&+(),:]))')
_A1 = re.compile(r"^([A-Z]{1,3})([0-9]+)$")


def _col(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n - 1


def _tokens(formula: str) -> list[tuple[str, str]]:
    out, pos, text = [], 0, formula.lstrip("=")
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise ValueError(f"cannot read formula {formula!r} at {pos}")
        kind = m.lastgroup
        out.append((kind, m.group(kind)))
        pos = m.end()
    return out


class _Ref:
    """A rectangle of cells on one sheet (0-based, inclusive)."""

    def __init__(self, sheet: str, r1: int, c1: int, r2: int, c2: int):
        self.sheet, self.r1, self.c1, self.r2, self.c2 = sheet, r1, c1, r2, c2

    @property
    def single(self) -> bool:
        return (self.r1, self.c1) == (self.r2, self.c2)


def _blank(v: Any) -> bool:
    return v is None or v == ""


def _xl_eq(a: Any, b: Any) -> bool:
    """Excel's ``=``: a blank equals ""; text compares without case."""
    if _blank(a) or _blank(b):
        return _blank(a) and _blank(b)
    if isinstance(a, str) and isinstance(b, str):
        return a.lower() == b.lower()
    return a == b


def _as_text(v: Any) -> str:
    if _blank(v):
        return ""
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v)


def _countif(values: list[Any], criterion: str) -> int:
    if criterion.endswith("*"):
        return sum(isinstance(v, str) and v.startswith(criterion[:-1]) for v in values)
    return sum(isinstance(v, str) and v == criterion for v in values)


class UdfSheet:
    """The standard workbook evaluated in Python: input and static cells, and every layout formula computed on
    demand by calling the Excel face of each ``JIDI_`` function (built-ins: the few the layout uses)."""

    def __init__(self, inputs: Cells):
        self.values: Cells = {}
        for st in LAYOUT.statics:
            if st.value != "":
                self.values[(st.sheet, st.row, st.col)] = st.value
        for key, v in inputs.items():
            self.values[key] = self._xlwings(v)
        self.formulas = {(f.sheet, f.row, f.col): f for f in LAYOUT.formulas}
        self.done: Cells = {}

    @staticmethod
    def _xlwings(v: Any) -> Any:
        """A cell as xlwings passes it to a UDF: numbers as floats, dates as datetime."""
        if isinstance(v, bool) or v is None or isinstance(v, (str, datetime)):
            return v
        if isinstance(v, date):
            return datetime(v.year, v.month, v.day)
        return float(v)

    def cell(self, sheet: str, r: int, c: int) -> Any:
        key = (sheet, r, c)
        if key in self.formulas:
            if key not in self.done:
                f = self.formulas[key]
                v = self._eval(_Parser(_tokens(f.formula), sheet, self).expr())
                if f.kind == "out_date" and isinstance(v, (int, float)) and not isinstance(v, bool):
                    v = datetime(1899, 12, 30) + timedelta(days=v)       # a date-formatted result cell
                self.done[key] = v
            return self.done[key]
        return self.values.get(key)

    def grid(self, ref: _Ref) -> list[list[Any]]:
        return [[self.cell(ref.sheet, r, c) for c in range(ref.c1, ref.c2 + 1)] for r in range(ref.r1, ref.r2 + 1)]

    def _eval(self, node) -> Any:
        if isinstance(node, _Ref):
            return self.cell(node.sheet, node.r1, node.c1) if node.single else self.grid(node)
        if callable(node):
            return node()
        return node

    def value(self, name: str) -> Any:
        n = LAYOUT[name]
        return self.cell(n.sheet, n.row, n.col)


class _Parser:
    """expr := concat ['=' concat]; concat := sum {'&' sum}; sum := atom {'+' atom};
    atom := number | string | name | A1[:A1] | FUNC '(' args ')' | '(' expr ')'. Nodes are lazy thunks."""

    def __init__(self, tokens: list[tuple[str, str]], sheet: str, book: UdfSheet):
        self.t, self.i, self.sheet, self.book = tokens, 0, sheet, book

    def peek(self) -> tuple[str, str] | None:
        return self.t[self.i] if self.i < len(self.t) else None

    def take(self, want: str | None = None) -> tuple[str, str]:
        tok = self.t[self.i]
        if want is not None and tok[1] != want:
            raise ValueError(f"expected {want!r}, got {tok!r}")
        self.i += 1
        return tok

    def expr(self):
        left = self.concat()
        if self.peek() == ("op", "="):
            self.take()
            right = self.concat()
            ev = self.book._eval
            return lambda: _xl_eq(ev(left), ev(right))
        return left

    def concat(self):
        parts = [self.sum()]
        while self.peek() == ("op", "&"):
            self.take()
            parts.append(self.sum())
        if len(parts) == 1:
            return parts[0]
        ev = self.book._eval
        return lambda: "".join(_as_text(ev(p)) for p in parts)

    def sum(self):
        parts = [self.atom()]
        while self.peek() == ("op", "+"):
            self.take()
            parts.append(self.atom())
        if len(parts) == 1:
            return parts[0]
        ev = self.book._eval
        return lambda: sum(ev(p) for p in parts)

    def atom(self):
        kind, text = self.take()
        if kind == "str":
            return text[1:-1].replace('""', '"')
        if kind == "num":
            return float(text)
        if kind == "op" and text == "(":
            node = self.expr()
            self.take(")")
            return node
        if kind != "id":
            raise ValueError(f"unexpected {text!r}")
        if self.peek() == ("op", "("):
            self.take()
            args = []
            if self.peek() != ("op", ")"):
                args.append(self.expr())
                while self.peek() == ("op", ","):
                    self.take()
                    args.append(self.expr())
            self.take(")")
            return self.call(text, args)
        m = _A1.match(text)
        if m:
            r1, c1 = int(m.group(2)) - 1, _col(m.group(1))
            if self.peek() == ("op", ":"):
                self.take()
                m2 = _A1.match(self.take()[1])
                return _Ref(self.sheet, r1, c1, int(m2.group(2)) - 1, _col(m2.group(1)))
            return _Ref(self.sheet, r1, c1, r1, c1)
        n = LAYOUT.names[text]
        return _Ref(n.sheet, n.row, n.col, n.row + n.nrows - 1, n.col + n.ncols - 1)

    def call(self, name: str, args: list) -> Callable[[], Any]:
        book, ev = self.book, self.book._eval
        if name == "IF":
            return lambda: ev(args[1]) if ev(args[0]) else (ev(args[2]) if len(args) > 2 else False)
        if name == "AND":
            return lambda: all(ev(a) for a in args)
        if name == "DATE":
            return lambda: datetime(int(ev(args[0])), int(ev(args[1])), int(ev(args[2])))
        if name == "ISNUMBER":
            return lambda: isinstance(ev(args[0]), (int, float)) and not isinstance(ev(args[0]), bool)
        if name == "REPT":
            return lambda: _as_text(ev(args[0])) * int(ev(args[1]))
        if name in ("COUNTA", "COUNTIF", "SEARCH"):
            def flat(a):
                v = ev(a)
                return [x for row in v for x in row] if isinstance(v, list) else [v]
            if name == "COUNTA":
                return lambda: sum(not (x is None) for x in flat(args[0]))
            if name == "COUNTIF":
                return lambda: _countif(flat(args[0]), ev(args[1]))
            return lambda: (_as_text(ev(args[1])).lower().find(_as_text(ev(args[0])).lower()) + 1) or "#VALUE!"
        udf = REGISTRY[name]
        fn = getattr(excel, name)

        def run():
            vals = []
            for a, spec in zip(args, udf.args):
                if isinstance(a, _Ref):
                    v = book.grid(a) if spec.range else book.cell(a.sheet, a.r1, a.c1) if a.single else book.grid(a)
                else:
                    v = ev(a)
                    if spec.range and not isinstance(v, list):
                        v = [[v]]
                vals.append(v)
            return fn(*vals)
        return run


def udf_face(raw: dict, names) -> dict[str, Any]:
    """The value of each named result cell, dates as the serial number the cell holds."""
    book = UdfSheet(case_cells(raw))
    out = {name: book.value(name) for name in names}
    return {k: (v - datetime(1899, 12, 30)).days if isinstance(v, datetime) else v for k, v in out.items()}


# -- 3. the headless workbook ---------------------------------------------------------------------------

def _loaded(v: Any) -> Any:
    """An input cell's value as the engine's fast path loads it (what calamine reads, as formulas loads it):
    dates as serial numbers, integral numbers as int."""
    if isinstance(v, datetime):
        v = v.date()
    if isinstance(v, date):
        return (v - EXCEL_EPOCH).days
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def input_blocks(engine, cells: Cells) -> list[list[list[Any]]]:
    """The blocks ``StandardEngine``'s compiled template is fed, one per input range of the layout, in its order
    (``engine._input_rects``: 1-based, inclusive), filled from the case's input cells (0-based)."""
    return [[[_loaded(cells.get((x.sheet, r - 1, c - 1))) for c in range(x.c1, x.c2 + 1)] for r in range(x.r1, x.r2 + 1)]
            for x in engine._input_rects]


def _results(result) -> dict[str, Any]:
    return {n.name: result.values.get((n.sheet, n.ref)) for n in LAYOUT.outputs() if n.single}


def workbook_face(engine, raw: dict):
    """(values by out_ name, the RecalcResult) from the compiled template fed in memory."""
    result = engine._compiled_template()(input_blocks(engine, case_cells(raw)))
    return _results(result), result


def workbook_file_face(engine, raw: dict, folder: Path):
    """(values by out_ name, the RecalcResult, the path taken) through a real .xlsx file and ``engine.recalc``."""
    path = Path(folder) / f"{raw['case_id']}.xlsx"
    path.write_bytes(write_book(case_cells(raw), None, sample_of=str(raw["case_id"])))
    result, how = engine.recalc(path)
    return _results(result), result, how
