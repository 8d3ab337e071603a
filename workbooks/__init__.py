"""The standard evaluation workbook (标准评价工作簿) of jidi-xl.

* :mod:`workbooks.layout` — where everything is: sheets, every input and output cell with its
  workbook-scope defined name, Chinese label, type and validation (the single source of truth);
* :mod:`workbooks.generate` — writes ``jidi_evaluation.xlsx`` (blank template) and
  ``samples/<case_id>.xlsx`` (one per example case), deterministically, with cached results;
* :mod:`workbooks.reader` — reads a filled workbook back into a case dict (``read_case``) and its
  cached results (``read_results``).

Layout reference: docs/workbook.md (generated from :mod:`workbooks.layout`).
"""
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
TEMPLATE_PATH = PACKAGE_DIR / "jidi_evaluation.xlsx"
SAMPLES_DIR = PACKAGE_DIR / "samples"
MEASURES_PATH = PACKAGE_DIR / "measures-2022.txt"
