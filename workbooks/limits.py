"""The package limits of the standard workbook: the generic limits of :mod:`jidi_xl.engine.package` with the
template's used range of each sheet as that sheet's maxima.

Here, in the workbook layer, because it is derived from the template (:data:`workbooks.TEMPLATE_PATH`) and
the layout (the tables' row counts and labels); the generic package guard (``jidi_xl.engine``) knows no
template, and the reader (:mod:`workbooks.reader`) and the pipeline (:mod:`jidi_xl.pipeline.standard`) both
check a file against these limits before anything reads it.
"""
from __future__ import annotations

import functools
import zipfile

from jidi_xl.engine import _ooxml as ox
from jidi_xl.engine.package import GENERIC_LIMITS, PackageLimits, SheetBounds, check_package

from . import TEMPLATE_PATH
from .layout import LAYOUT

__all__ = ["ADVICE", "WHAT", "standard_limits"]

WHAT = "标准评价工作簿"
ADVICE = "请使用标准模板 jidi_evaluation.xlsx，只在黄色输入单元格中填写后重新提交"


@functools.lru_cache(maxsize=4)
def standard_limits(template: str | None = None) -> PackageLimits:
    """The package limits of a standard workbook: the generic ones, with the template's used range of each
    sheet (its cells, merged ranges and defined names, e.g. the roster's 1,000 rows) as the sheet's maxima,
    and a note naming the table that ends there ("标准模板的入驻企业名册最多 1000 行（第 4–1003 行）")."""
    template = str(template or TEMPLATE_PATH)
    extents = dict(check_package(template, GENERIC_LIMITS).extents)
    with zipfile.ZipFile(template) as zf:
        names = ox.read_workbook(zf).defined_names
    for d in names:
        sheet, _, ref = d.value.rpartition("!")
        sheet = sheet[1:-1].replace("''", "'") if sheet.startswith("'") else sheet
        if sheet in extents:
            _r1, _c1, r2, c2 = ox.range_bounds(ref)
            r, c = extents[sheet]
            extents[sheet] = (max(r, r2), max(c, c2))
    bounds = {}
    for sheet, (r, c) in extents.items():
        notes = [f"标准模板的{n.label}最多 {n.nrows} 行（第 {n.row + 1}–{n.row + n.nrows} 行）"
                 for n in LAYOUT.inputs() if n.sheet == sheet and n.kind == "table" and n.row + n.nrows == r]
        bounds[sheet] = SheetBounds(r, c, "；".join(notes) or
                                    f"标准模板的「{sheet}」工作表只用到第 {r} 行、第 {ox.num2col(c)} 列（{ox.a1(r, c)}）")
    return GENERIC_LIMITS.with_sheets(bounds, WHAT)
