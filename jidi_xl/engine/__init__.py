"""Generic headless-recalculation layer for .xlsx workbooks.

Self-contained: it imports nothing else from ``jidi_xl`` but :mod:`jidi_xl.errors` (its refusals are
``InputError``s) — no rule, no UDF, no workbook layout (``tests/test_layers.py`` checks it); UDFs are
passed in as a plain mapping ``{"JIDI_X": callable}`` (formulas-native arguments). What knows the standard
workbook sits above, in :mod:`jidi_xl.pipeline` (``StandardEngine``, ``standard_checker``).

Modules
-------
package      the package guard: a safe, bounded OOXML workbook, checked before anything reads it
structure    is a workbook structurally its template (sheets, names, formulas, fixed cells)?
normalize    strip Excel add-in qualifiers (``[1]!JIDI_X(``) into a temp copy
lint         reject constructs formulas 1.3.4 evaluates wrongly (sheet + cell)
recalc       ``Recalculator``: formulas + UDFs, errors / UDF failures / missing cells; its parts:
  result     what a recalculation returns (``RecalcResult``, ``CellError``, ``UdfFailure``, errors)
  convert    values between Python and formulas (results coerced, inputs fed)
  udf        UDF wrapping: an exception is an error value and a failure record naming the cell
  graph      the loaded model: node ids, collecting the formula cells' values
  compiled   ``CompiledTemplate``: one template compiled once, fed new inputs per copy
xlsxwrite    write results into the cached ``<v>`` of a copy, formulas kept
libreoffice  LibreOffice headless: the forced-recalculation profile (canary-proven), cold conversion
uno_session  one soffice driven over UNO (open hidden, calculateAll, read/write cells, dispatch)
crosscheck   LibreOffice as a second full engine: every formula cell compared with this one
store        the compiled template kept on disk (cloudpickle; keyed, checked, written atomically)
"""

import importlib
from typing import TYPE_CHECKING, Any

# Every public name and the module that defines it; imported on first use (PEP 562), so that ``import
# jidi_xl.engine.store`` or ``from jidi_xl.engine import package`` does not import openpyxl (the lint), the
# LibreOffice driver or the cross-check: measured ≈0.3 s of a cold ``recalc`` before.
_WHERE = {
    # package guard, structure
    "GENERIC_LIMITS": "package", "PackageError": "package", "PackageInfo": "package", "PackageLimits": "package",
    "SheetBounds": "package", "check_package": "package",
    "NotStandardWorkbook": "structure",
    # normalize
    "NormalizeReport": "normalize", "normalize_workbook": "normalize", "normalized_copy": "normalize",
    # lint
    "LintError": "lint", "LintIssue": "lint", "format_issues": "lint", "functions_used": "lint",
    "lint_workbook": "lint",
    # recalc
    "CellError": "result", "CompiledTemplate": "compiled", "RecalcError": "result", "RecalcLoadError": "result",
    "RecalcResult": "result", "Recalculator": "recalc", "UdfFailure": "result",
    # xlsxwrite
    "WriteReport": "xlsxwrite", "write_cached_values": "xlsxwrite",
    # libreoffice
    "LibreOfficeError": "libreoffice", "LibreOfficeResult": "libreoffice", "libreoffice_available": "libreoffice",
    "libreoffice_recalc": "libreoffice", "verify_forced_recalc": "libreoffice",
    # crosscheck
    "CrossChecker": "crosscheck", "CrossCheckFailed": "crosscheck", "CrossCheckReport": "crosscheck",
    "Difference": "crosscheck",
}

__all__ = list(_WHERE)


def __getattr__(name: str) -> Any:
    where = _WHERE.get(name)
    if where is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{where}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_WHERE))


if TYPE_CHECKING:     # what the names are, for mypy and readers (never executed; __all__ lists them, F401 cannot see it)
    from .crosscheck import CrossChecker, CrossCheckFailed, CrossCheckReport, Difference  # noqa: F401
    from .libreoffice import LibreOfficeError, LibreOfficeResult, libreoffice_available  # noqa: F401
    from .libreoffice import libreoffice_recalc, verify_forced_recalc  # noqa: F401
    from .lint import LintError, LintIssue, format_issues, functions_used, lint_workbook  # noqa: F401
    from .normalize import NormalizeReport, normalize_workbook, normalized_copy  # noqa: F401
    from .package import GENERIC_LIMITS, PackageError, PackageInfo, PackageLimits, SheetBounds, check_package  # noqa: F401
    from .recalc import CellError, CompiledTemplate, RecalcError, RecalcLoadError, RecalcResult  # noqa: F401
    from .recalc import Recalculator, UdfFailure  # noqa: F401
    from .structure import NotStandardWorkbook  # noqa: F401
    from .xlsxwrite import WriteReport, write_cached_values  # noqa: F401
