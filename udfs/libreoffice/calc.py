"""Reading a Calc document over UNO for the button (runs inside LibreOffice's Python, or over a bridge)."""
from __future__ import annotations

import os
import tempfile
from typing import Any

from ..host import _MISSING, _NOT_A_RANGE, OUTPUTS, input_problems_of
from .drive import cell_value   # one reading of a UNO cell, for the button and for the driver scripts



def title(doc) -> str:
    url = doc.getURL()
    return os.path.basename(url.rsplit("/", 1)[-1]) if url else (doc.getTitle() if hasattr(doc, "getTitle") else "未命名")


def read_outputs(doc) -> dict[str, Any]:
    """The result cells by workbook-scope defined name (top-left cell of each), as Excel's read_outputs."""
    names = doc.NamedRanges
    by_lower = {n.lower(): n for n in names.getElementNames()}
    out = {}
    for key, _ in OUTPUTS:
        n = by_lower.get(key.lower())
        if n is None:
            out[key] = _MISSING
            continue
        try:
            cells = names.getByName(n).getReferredCells()
        except Exception:  # noqa: BLE001
            cells = None
        if cells is None:
            out[key] = _NOT_A_RANGE
            continue
        out[key] = cell_value(cells.getCellByPosition(0, 0))
    return out


def input_problems(ctx, doc) -> list[str]:
    """Store a copy of the document as xlsx (the document itself is untouched) and check its inputs."""
    import uno
    fd, path = tempfile.mkstemp(prefix="jidi_check_", suffix=".xlsx")
    os.close(fd)
    try:
        p = uno.createUnoStruct("com.sun.star.beans.PropertyValue")
        p.Name, p.Value = "FilterName", "Calc MS Excel 2007 XML"
        doc.storeToURL(uno.systemPathToFileUrl(path), (p,))
        return input_problems_of(path)
    finally:
        os.unlink(path)
