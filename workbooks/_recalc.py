"""Headless recalculation of a generated workbook (internal to the generator and its tests).

A thin view over the engine (:class:`jidi_xl.engine.Recalculator` with the one UDF registry), keyed the way
the generator addresses cells: ``{(sheet, row, col) 0-based: value}``, ``""`` for an empty result.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from xlsxwriter.utility import xl_cell_to_rowcol

from jidi_xl.engine import Recalculator
from udfs.registry import formulas_functions

_RECALCULATOR: Recalculator | None = None


def recalculate(path: str | Path) -> dict[tuple[str, int, int], Any]:
    """Every formula cell of the workbook: {(sheet, row, col) (0-based): value}; raises on any problem."""
    global _RECALCULATOR
    if _RECALCULATOR is None:
        _RECALCULATOR = Recalculator(formulas_functions())
    res = _RECALCULATOR.recalc(str(path))
    res.raise_for_problems()
    return {(sheet, *xl_cell_to_rowcol(ref)): ("" if v is None else v) for (sheet, ref), v in res.values.items()}
