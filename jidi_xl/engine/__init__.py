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
"""

from .libreoffice import (LibreOfficeError, LibreOfficeResult, libreoffice_available,
                          libreoffice_recalc, verify_forced_recalc)
from .crosscheck import CrossChecker, CrossCheckFailed, CrossCheckReport, Difference
from .lint import LintError, LintIssue, format_issues, functions_used, lint_workbook
from .normalize import NormalizeReport, normalize_workbook, normalized_copy
from .package import GENERIC_LIMITS, PackageError, PackageInfo, PackageLimits, SheetBounds, check_package
from .structure import NotStandardWorkbook
from .recalc import (CellError, CompiledTemplate, RecalcError, RecalcLoadError, RecalcResult,
                     Recalculator, UdfFailure)
from .xlsxwrite import WriteReport, write_cached_values

__all__ = [
    # package guard, structure
    "GENERIC_LIMITS", "PackageError", "PackageInfo", "PackageLimits", "SheetBounds", "check_package",
    "NotStandardWorkbook",
    # normalize
    "NormalizeReport", "normalize_workbook", "normalized_copy",
    # lint
    "LintError", "LintIssue", "format_issues", "functions_used", "lint_workbook",
    # recalc
    "CellError", "CompiledTemplate", "RecalcError", "RecalcLoadError", "RecalcResult",
    "Recalculator", "UdfFailure",
    # xlsxwrite
    "WriteReport", "write_cached_values",
    # libreoffice
    "LibreOfficeError", "LibreOfficeResult", "libreoffice_available", "libreoffice_recalc",
    "verify_forced_recalc",
    # crosscheck
    "CrossChecker", "CrossCheckFailed", "CrossCheckReport", "Difference",
]
