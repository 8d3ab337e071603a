"""The loaded formulas model and its graph: node ids (``'[book]SHEET'!A1:B2``) and their rectangles, the
model of one workbook as loaded (:class:`_Loaded`), the values of its formula cells collected from a solution
into a :class:`~.result.RecalcResult`, and cell specs (``"Sheet!A2:C151"``) resolved. Part of the generic engine."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping

import numpy as np

from . import _ooxml as ox
from .convert import _f, _fit, _is_error, _scalar, to_python
from .normalize import NormalizeReport
from .result import CellError, RecalcResult


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


def cell_node_ids(loaded: _Loaded, cells: Iterable[ox.FormulaCell]) -> list[str]:
    """The node id of each cell's own value (its array formula's for a cell of one), for :func:`_collect`."""
    return [_node_id(loaded.book, fc.sheet, fc.array_ref or fc.cell) for fc in cells]


def _collect(loaded: _Loaded, solution: Mapping, cells: Iterable[ox.FormulaCell],
             result: RecalcResult, ids: list[str] | None = None) -> None:
    """Fill values / errors / missing of *result* for *cells* from *solution*; ``ids``, when given, are
    :func:`cell_node_ids` of *cells* (a caller collecting the same cells many times computes them once)."""
    XlError = _f().XlError
    arrays: dict[str, tuple[np.ndarray, int, int] | None] = {}
    cells = list(cells)
    if ids is None:
        ids = cell_node_ids(loaded, cells)
    for fc, nid in zip(cells, ids):
        key = (fc.sheet, fc.cell)
        if fc.array_ref:
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
            raw = solution.get(nid)
            if raw is None:
                result.missing.append(key)
                continue
        val = to_python(raw)
        result.values[key] = val
        if isinstance(_scalar(raw), XlError) and _is_error(val):
            result.errors.append(CellError(fc.sheet, fc.cell, val, fc.text()))


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
