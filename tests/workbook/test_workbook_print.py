"""The printed 基本信息 sheet: the long 案例说明 stays inside columns A–D (merged over 填写 and 说明, wrapped, its
row as high as its text), so fitting the sheet one page wide does not shrink the page to an overflowing text.

The first tests read the generated files; the last one prints a sample with LibreOffice (PDF) and measures the page:
the 说明 header sits where columns A–D fill the printable width, and the whole description is printed."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from jidi_xl import fields as F
from workbooks import SAMPLES_DIR, TEMPLATE_PATH
from workbooks.generate import text_width
from workbooks.layout import LINE_HEIGHT, LONG_TEXT_LINES, S_BASIC, default_layout

ROOT = Path(__file__).resolve().parents[2]
DESCRIPTION = F.find("description")
NAME = default_layout()[DESCRIPTION.name]


def _longest_sample() -> Path:
    cases = {p.stem: json.loads(p.read_text(encoding="utf-8")).get("description") or "" for p in (ROOT / "examples").glob("*.json")}
    stem = max(cases, key=lambda s: text_width(cases[s]))
    return SAMPLES_DIR / f"{stem}.xlsx"


BOOKS = {"template": TEMPLATE_PATH, "longest-sample": _longest_sample()}


@pytest.mark.parametrize("which", BOOKS)
def test_description_is_merged_wrapped_and_tall_enough(which):
    ws = openpyxl.load_workbook(BOOKS[which])[S_BASIC]
    r, c = NAME.row + 1, NAME.col + 1
    cell = ws.cell(r, c)
    merged = [m for m in ws.merged_cells.ranges if m.min_row == r and m.min_col == c]
    assert [str(m) for m in merged] == [f"{cell.coordinate}:{ws.cell(r, 4).coordinate}"]      # C:D — 填写 and 说明
    assert cell.alignment.wrap_text and cell.alignment.vertical == "top"
    width = sum(ws.column_dimensions[x].width for x in "CD") - 2
    lines = max(LONG_TEXT_LINES, -(-text_width(cell.value or "") // int(width)))
    assert ws.row_dimensions[r].height >= lines * LINE_HEIGHT


@pytest.mark.parametrize("which", BOOKS)
def test_nothing_of_the_sheet_lies_beyond_column_d(which):
    ws = openpyxl.load_workbook(BOOKS[which])[S_BASIC]
    assert ws.max_column == 4
    assert all(m.max_col <= 4 for m in ws.merged_cells.ranges)


@pytest.mark.libreoffice
@pytest.mark.skipif(not (shutil.which("soffice") and shutil.which("pdftotext")),
                    reason="needs LibreOffice and poppler-utils (.ci/run installs them)")
def test_printed_page_is_not_shrunk_by_the_description(tmp_path):
    book = BOOKS["longest-sample"]
    profile = tmp_path / "profile"
    subprocess.run(["soffice", "--headless", "--norestore", f"-env:UserInstallation=file://{profile}",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(book)],
                   check=True, timeout=180, capture_output=True)
    pdf = tmp_path / f"{book.stem}.pdf"
    pages = int(re.search(r"Pages:\s+(\d+)", subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout)[1])
    texts = [subprocess.run(["pdftotext", "-f", str(p), "-l", str(p), str(pdf), "-"], capture_output=True, text=True).stdout
             for p in range(1, pages + 1)]
    (page,) = [i + 1 for i, t in enumerate(texts) if S_BASIC + "：" in t]           # the sheet prints on one page
    description = openpyxl.load_workbook(book)[S_BASIC].cell(NAME.row + 1, NAME.col + 1).value
    # printed whole (pdftotext reads the row's label between the wrapped lines: it is taken out)
    assert re.sub(r"\s", "", description) in re.sub(r"\s", "", texts[page - 1]).replace(DESCRIPTION.label, "")
    bbox = subprocess.run(["pdftotext", "-f", str(page), "-l", str(page), "-bbox", str(pdf), "-"],
                          capture_output=True, text=True).stdout
    width = float(re.search(r'<page width="([\d.]+)"', bbox)[1])
    x0, x1 = (float(v) for v in re.search(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)"[^>]*>说明</word>', bbox).groups())
    # columns A–D (18+50+22+70) fill the printable width: 说明, centred in D, sits at ≈ 0.73 of the page; an
    # overflowing description shrank the page so far that it sat at 0.47 (measured before the fix)
    assert (x0 + x1) / 2 / width > 0.65
