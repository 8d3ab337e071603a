"""Each workbook is read once in ``check`` and the batch (``process_workbook``): the package guard hands back the
bytes it checked, the engine's book is made from them, and the reader builds the case from the book's values — and
every one of these gives what reading the file again would give, cell for cell, message for message."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from jidi_xl.engine import package
from jidi_xl.pipeline.standard import StandardEngine, _Book, _cell_value, _Rect
from jidi_xl.report.check import process_workbook
from workbooks import SAMPLES_DIR, TEMPLATE_PATH
from workbooks.reader import Book, read_parsed_case

BOOKS = [TEMPLATE_PATH, *sorted(SAMPLES_DIR.glob("*.xlsx"))]
IDS = [p.name for p in BOOKS]


@pytest.fixture(scope="module")
def engine():
    e = StandardEngine()
    e._compiled_template()
    return e


@pytest.mark.parametrize("path", BOOKS, ids=IDS)
def test_values_book_reads_as_the_file(engine, path):
    """The reader's book over the engine's grids holds, at every cell of every sheet, the value the reader reads
    from the file itself, and the same defined names."""
    mine = engine.open(path).values_book()
    own = Book(path)
    assert mine.names == own.names and mine._sheets == own._sheets
    for sheet in own._sheets:
        g = own.grid(sheet)
        rows, cols = len(g) + 2, max((len(r) for r in g), default=0) + 2
        assert [[mine.value(sheet, r, c) for c in range(cols)] for r in range(rows)] == \
               [[own.value(sheet, r, c) for c in range(cols)] for r in range(rows)], sheet
        assert [mine.row(sheet, r, 0, cols) for r in range(rows)] == \
               [[own.value(sheet, r, c) for c in range(cols)] for r in range(rows)], sheet


@pytest.mark.parametrize("path", BOOKS, ids=IDS)
def test_blocks_are_the_cells(engine, path):
    """Every input block (and rectangles reaching past the used area on every side) holds, cell by cell, the value
    formulas would load: the calamine value of that cell as :func:`_cell_value` converts it."""
    book = engine.open(path)
    own = Book(path)
    rects = [*engine._input_rects, _Rect("入驻企业", 1, 1, 1200, 30), _Rect("参数", 2, 3, 5, 4), _Rect("没有", 1, 1, 3, 2)]
    for x in rects:
        want = [[_cell_value(own.value(x.sheet, r - 1, c - 1)) for c in range(x.c1, x.c2 + 1)] for r in range(x.r1, x.r2 + 1)]
        assert book.block(x) == want, x


def test_the_guard_hands_back_the_bytes_it_checked(tmp_path):
    """read_package keeps the skeleton and every worksheet exactly as zipfile inflates them, and the book made from
    them is the book read from the zip; a memoised verdict hands back nothing (the book then reads the zip)."""
    import zipfile

    p = tmp_path / "s.xlsx"
    shutil.copyfile(SAMPLES_DIR / "01_general_track_pass.xlsx", p)
    limits = StandardEngine().limits
    checked = package.read_package(p, limits)
    with zipfile.ZipFile(p) as zf:
        sheets = {part for _, part in checked.info.sheets}
        assert sheets <= set(checked.parts)
        assert all(checked.parts[n] == zf.read(n) for n in checked.parts)
    assert [s.name for s in checked.workbook.sheets] == [s for s, _ in checked.info.sheets]
    again = package.read_package(p, limits)               # memoised: nothing inflated again
    assert again.info == checked.info and again.parts == {} and again.workbook is None
    a, b = _Book(p, checked), _Book(p, again)
    assert (a.formula_xml, a.names_xml, a.grids, a.read_sheets) == (b.formula_xml, b.names_xml, b.grids, b.read_sheets)
    assert a.formula_cells == b.formula_cells


def test_the_guard_keeps_nothing_past_its_cap(tmp_path, monkeypatch):
    """Past MAX_KEPT_BYTES nothing is handed back (memory stays bounded) and the book reads the zip instead."""
    p = tmp_path / "s.xlsx"
    shutil.copyfile(SAMPLES_DIR / "01_general_track_pass.xlsx", p)
    monkeypatch.setattr(package, "MAX_KEPT_BYTES", 10_000)
    checked = package.read_package(p, StandardEngine().limits)
    assert checked.parts == {}
    assert _Book(p, checked).formula_xml == _Book(p).formula_xml


class _NoMemo:
    """The engine as a caller that cannot hand its book over (no ``book_of``): every reader reads the file."""

    def __init__(self, inner):
        self.inner = inner

    def recalc_to(self, src, dst):
        return self.inner.recalc_to(src, dst)


@pytest.mark.parametrize("path", [*BOOKS, "changed"], ids=[*IDS, "file changed after the recalculation"])
def test_one_read_gives_what_reading_again_gives(engine, path, tmp_path, monkeypatch):
    """process_workbook reading the case from the engine's book gives exactly the outcome of reading the file
    again: values, problems, differences, the copy."""
    if path == "changed":           # the file is rewritten between the recalculation and the read-back
        src = tmp_path / "in.xlsx"
        shutil.copyfile(SAMPLES_DIR / "03_fail_area.xlsx", src)
        real = engine.recalc

        def recalc_then_change(p):
            out = real(p)
            shutil.copyfile(SAMPLES_DIR / "01_general_track_pass.xlsx", src)
            return out
        monkeypatch.setattr(engine, "recalc", recalc_then_change)
        assert engine.book_of(src) is None
        once = process_workbook(src, tmp_path / "a.xlsx", engine)
        monkeypatch.undo()
        assert engine.book_of(src) is None       # a changed file is never taken for the one recalculated
        assert once.evaluated
        return
    once = process_workbook(path, tmp_path / "a.xlsx", engine)
    assert engine.book_of(path) is not None
    twice = process_workbook(path, tmp_path / "b.xlsx", _NoMemo(engine))
    shown = [(o.path_taken, o.problems, o.input_errors, [str(d) for d in o.differences], o.compared, o.blank,
              {k: repr(v) for k, v in o.values.items()}) for o in (once, twice)]
    assert shown[0] == shown[1]
    assert Path(tmp_path / "a.xlsx").read_bytes() == Path(tmp_path / "b.xlsx").read_bytes()
    raw, _ = read_parsed_case(path) if not once.blank else (None, None)
    if raw is not None:
        assert read_parsed_case(path, book=engine.open(path).values_book())[0] == raw
