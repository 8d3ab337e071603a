"""The committed workbooks are exactly what the generator makes, and carry real computed values.

Regenerate with ``python -m workbooks.generate`` (and ``python -m workbooks.docs``).
"""
from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

from workbooks import SAMPLES_DIR, TEMPLATE_PATH
from workbooks.generate import COLUMN_FORMATTED, example_cases
from workbooks.layout import LAYOUT
from workbooks.reader import read_results

EXAMPLES = example_cases()
SAMPLE_IDS = [sid for _, sid in EXAMPLES]

KEYS = ["template"] + SAMPLE_IDS


def test_there_are_samples_for_the_examples():
    assert len(SAMPLE_IDS) >= 10, "examples/*.json: expected at least 10 valid cases"


def test_every_committed_sample_has_its_case():
    committed = {p.stem for p in SAMPLES_DIR.glob("*.xlsx")}
    assert committed == set(SAMPLE_IDS), "run: python -m workbooks.generate"


@pytest.mark.parametrize("key", KEYS)
def test_regenerating_gives_the_committed_bytes(key, built):
    b = built(key)
    assert b.committed.exists(), f"{b.committed} missing; run: python -m workbooks.generate"
    assert b.committed.read_bytes() == b.data, f"{b.committed} is stale; run: python -m workbooks.generate"


def test_zip_members_carry_fixed_timestamps():
    with zipfile.ZipFile(TEMPLATE_PATH) as z:
        assert {i.date_time for i in z.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        core = z.read("docProps/core.xml").decode()
    assert "2022-05-19T00:00:00Z" in core


def test_formula_cells_are_few():
    assert len(LAYOUT.formulas) <= 200


@pytest.mark.parametrize("key", KEYS)
def test_every_formula_cell_carries_its_computed_value(key, built, book_dir):
    """What a reader without recalculation sees (calamine) is what formulas computes."""
    b = built(key)
    path = b.write(book_dir)
    res = read_results(path)
    cached = {}
    for n in LAYOUT.outputs():
        if n.single:
            cached[(n.sheet, n.row, n.col)] = res[n.name]
    for (sheet, r, c), v in cached.items():
        want = b.values[(sheet, r, c)]
        got = v
        if hasattr(got, "isoformat"):          # a date-formatted cell: the UDF gave its serial number
            from udfs.adapters import EXCEL_EPOCH
            got = (got - EXCEL_EPOCH).days
        if want == "":
            want = None
        assert got == want or (isinstance(want, float) and got == pytest.approx(want)), (sheet, r, c, got, want)


def test_input_cells_are_unlocked_and_the_rest_protected():
    wb = load_workbook(TEMPLATE_PATH)
    for ws in wb.worksheets:
        assert ws.protection.sheet, ws.title
    for n in LAYOUT.inputs():
        if n.kind in ("group", "table"):
            continue
        ws = wb[n.sheet]
        if (n.row + 1, n.col + 1) in ws._cells:
            style = ws.cell(n.row + 1, n.col + 1)
        else:   # the big tables style empty rows through the column format (workbooks/generate.py COLUMN_FORMATTED)
            assert n.sheet in COLUMN_FORMATTED, n.name
            style = next(d for d in ws.column_dimensions.values() if d.min <= n.col + 1 <= d.max)
        assert style.protection.locked is False, n.name
        assert style.fill.fgColor.rgb.upper().endswith("FFF2CC"), n.name
    for f in LAYOUT.formulas:
        assert wb[f.sheet].cell(f.row + 1, f.col + 1).protection.locked is not False


def test_every_enumerated_input_has_a_drop_down_and_numbers_dates_are_validated():
    wb = load_workbook(TEMPLATE_PATH)
    for n in LAYOUT.inputs():
        if n.kind in ("group", "table", "text"):
            continue
        dvs = [dv for dv in wb[n.sheet].data_validations.dataValidation if n.ref.split(":")[0] in dv.sqref]
        assert dvs, f"{n.name} ({n.kind}) has no validation"
        dv = dvs[0]
        assert dv.error and dv.prompt, n.name              # Chinese input and error messages
        if n.kind == "bool" or n.kind.startswith("code:") or n.kind in ("sector", "outcome"):
            assert dv.type == "list" and dv.formula1.startswith("lst_"), n.name


def test_sheets_and_hidden_lists():
    wb = load_workbook(TEMPLATE_PATH)
    from workbooks.layout import SHEETS
    assert wb.sheetnames == [s for s, _ in SHEETS]
    assert wb["_lists"].sheet_state == "hidden"
    assert wb["入驻企业"].freeze_panes == "C4"
    assert wb["产业分布"]._charts, "the industry chart"


def test_parameters_sheet_lists_every_rule_set_parameter():
    from jidi_xl.ruleset import load_ruleset
    wb = load_workbook(TEMPLATE_PATH)
    shown = {c.value for c in wb["参数"]["A"] if c.value}
    for p in load_ruleset().parameters():
        assert p.path in shown, p.path


def test_measures_text_is_a_package_copy():
    from workbooks import MEASURES_PATH
    shared = Path(__file__).resolve().parents[3] / "shared" / "seed" / "measures-2022.txt"
    text = MEASURES_PATH.read_text(encoding="utf-8")
    assert "第十七条" in text and "第六条" in text
    if shared.exists():
        assert shared.read_text(encoding="utf-8") == text


def test_generate_sample_writes_any_valid_case(tmp_path):
    from workbooks.generate import generate_sample
    src = EXAMPLES[0][0]
    out = generate_sample(src, tmp_path / "x.xlsx")
    assert out.read_bytes() == (SAMPLES_DIR / f"{EXAMPLES[0][1]}.xlsx").read_bytes()


@pytest.mark.parametrize("key", SAMPLE_IDS)
def test_a_sample_differs_from_the_template_only_in_inputs_and_results(key, built, book_dir):
    """The engine's fast path (jidi_xl.pipeline.standard) fingerprints every other cell."""
    from python_calamine import CalamineWorkbook

    skip = {(f.sheet, f.row, f.col) for f in LAYOUT.formulas}
    for n in LAYOUT.inputs():
        skip.update((n.sheet, r, c) for r, c in n.cells())
    tpl = CalamineWorkbook.from_path(str(TEMPLATE_PATH))
    smp = CalamineWorkbook.from_path(str(built(key).write(book_dir)))
    assert tpl.sheet_names == smp.sheet_names
    for sheet in tpl.sheet_names:
        a = tpl.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
        b = smp.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
        for r in range(max(len(a), len(b))):
            ra = a[r] if r < len(a) else []
            rb = b[r] if r < len(b) else []
            for c in range(max(len(ra), len(rb))):
                if (sheet, r, c) in skip:
                    continue
                va = ra[c] if c < len(ra) else ""
                vb = rb[c] if c < len(rb) else ""
                assert va == vb, (sheet, r, c, va, vb)
