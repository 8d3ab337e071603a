"""Defined names and formulas of the standard workbook.

* every name documented in docs/workbook.md exists in the file, workbook-scoped, where the layout says;
* every function a formula calls is a built-in that ``formulas`` supports or a registered ``JIDI_`` UDF,
  and no formula uses what ``formulas`` 1.3.4 evaluates wrongly (field notes);
* recalculating the template and every sample gives no Excel error value, no internal UDF error and no
  formula cell missing from the solution.
"""
from __future__ import annotations

import re

import pytest
from openpyxl import load_workbook
from openpyxl.formula import Tokenizer

from udfs.registry import formulas_functions
from workbooks import TEMPLATE_PATH
from workbooks.docs import DOC_PATH, render
from workbooks.generate import example_cases
from workbooks.layout import LAYOUT, RIBBON_NAMES

KEYS = ["template"] + [sid for _, sid in example_cases()]
ERRORS = {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A", "#CALC!", "#SPILL!"}
FORBIDDEN = ("OFFSET", "INDIRECT", "SEQUENCE", "SUBTOTAL", "AGGREGATE", "FILTER", "LET", "LAMBDA", "XLOOKUP")


@pytest.fixture(scope="module")
def template():
    return load_workbook(TEMPLATE_PATH)


def _documented_names() -> list[str]:
    return re.findall(r"^\| `((?:in|out|lst|info)_[A-Za-z0-9_]+)` \|", DOC_PATH.read_text(encoding="utf-8"), re.M)


def test_docs_page_is_up_to_date():
    assert DOC_PATH.read_text(encoding="utf-8") == render(), "run: python -m workbooks.docs"


def test_every_documented_name_exists_workbook_scoped(template):
    documented = _documented_names()
    assert set(documented) == set(LAYOUT.names), "docs/workbook.md and the layout disagree"
    book_names = template.defined_names            # workbook scope only (openpyxl 3.1)
    for ws in template.worksheets:
        assert not ws.defined_names, f"sheet-scoped names on {ws.title}: {list(ws.defined_names)}"
    for name in documented:
        assert name in book_names, name
        dests = list(book_names[name].destinations)
        assert len(dests) == 1, name
        sheet, ref = dests[0]
        n = LAYOUT[name]
        assert (sheet, ref.replace("$", "")) == (n.sheet, n.ref), name


def test_the_ribbon_names_exist(template):
    for name in RIBBON_NAMES:
        assert name in template.defined_names


def _formula_cells(wb):
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if c.data_type == "f":
                    yield ws.title, c.coordinate, str(c.value)


def test_formulas_in_the_file_are_the_layout(template):
    cells = {(s, a): f for s, a, f in _formula_cells(template)}
    assert len(cells) == len(LAYOUT.formulas)
    from xlsxwriter.utility import xl_rowcol_to_cell
    for f in LAYOUT.formulas:
        assert cells[(f.sheet, xl_rowcol_to_cell(f.row, f.col))] == f.formula


def test_every_called_function_is_supported(template):
    import formulas

    builtins = set(formulas.get_functions())
    udfs = set(formulas_functions())
    called = set()
    for sheet, cell, formula in _formula_cells(template):
        for tok in Tokenizer(formula).items:
            if tok.type == "FUNC" and tok.subtype == "OPEN":
                name = tok.value[:-1].upper()
                called.add(name)
                assert name in udfs or (name in builtins and not name.startswith("JIDI_")), f"{sheet}!{cell}: {name}"
                assert name not in FORBIDDEN, f"{sheet}!{cell}: {name}"
            if tok.type == "OPERAND" and tok.subtype == "RANGE":
                assert "[" not in tok.value, f"{sheet}!{cell}: structured reference {tok.value}"
        assert "--(" not in formula and "_xludf." not in formula.lower(), f"{sheet}!{cell}"
        assert not re.search(r"INDEX\([^,]+,\s*0\s*,", formula), f"{sheet}!{cell}: INDEX(rng,0,k)"
    assert {"JIDI_RECOGNITION", "JIDI_OVERRIDE", "JIDI_SCORE", "JIDI_ART17", "COUNTIF", "DATE"} <= called


def test_the_engine_lint_is_clean():
    from jidi_xl.engine import format_issues, lint_workbook

    issues = lint_workbook(TEMPLATE_PATH, formulas_functions())
    assert not issues, format_issues(issues)


@pytest.mark.parametrize("key", KEYS)
def test_recalculation_gives_no_error_and_misses_no_cell(key, built):
    b = built(key)
    missing, errors = [], []
    for f in LAYOUT.formulas:
        k = (f.sheet, f.row, f.col)
        if k not in b.values:
            missing.append(k)
            continue
        v = b.values[k]
        if isinstance(v, str) and (v in ERRORS or v.startswith("内部错误")):
            errors.append((k, f.formula, v))
    assert not missing, missing
    assert not errors, errors


def test_the_engine_recalculates_the_workbook_with_the_registry_as_is(built, book_dir):
    """The engine with the registry's own formulas mapping (compile-pass guard included) gives the built values."""
    from jidi_xl.engine import Recalculator

    key = [k for k in KEYS if k != "template"][0]
    b = built(key)
    res = Recalculator(formulas_functions()).recalc(b.write(book_dir))
    assert res.ok, res.summary()
    internal = {k: v for k, v in res.values.items() if isinstance(v, str) and v.startswith("内部错误")}
    assert not internal, list(internal.items())[:3]
    from xlsxwriter.utility import xl_cell_to_rowcol
    for (sheet, ref), v in res.values.items():
        r, c = xl_cell_to_rowcol(ref)
        want = b.values[(sheet, r, c)]
        assert (v if v is not None else "") == want or v == pytest.approx(want), (sheet, ref, v, want)
