"""The standard workbook's headless engine: the generic :class:`Recalculator` with the ``JIDI_`` registry
plugged in, and a fast path for filled copies of the standard template.

Before anything is computed, every file is (1) checked as a safe, bounded package by :mod:`jidi_xl.engine.package`, with
the template's used ranges as per-sheet maxima (:func:`workbooks.limits.standard_limits`), and (2) compared
with the template's structure by :mod:`jidi_xl.engine.structure` — sheets, defined names, formulas, fixed content, no formula in
an input cell. A file that differs is refused as "不是标准评价工作簿", never evaluated: what ``recalc``
and the batch report is computed from the input cells by the template's own formulas.

Fast path (measure: ``benchmarks/``): the template is loaded and compiled once; a file whose formulas
and every non-input cell are those of the template (its *fingerprint*) is evaluated by feeding only
its input ranges — the workbook-scope ``in_…`` names of :mod:`workbooks.layout` — read with
python-calamine. Anything else (an edited formula, an Excel-saved ``[1]!JIDI_…`` file, another
workbook) takes the full path: lint, normalise, load, calculate. Both paths give the same values
(``tests/engine/test_compiled_cache.py``).

The compiled template is kept on disk (:mod:`jidi_xl.engine.store`): in the user's cache folder
(``$XDG_CACHE_HOME/jidi-xl/compiled/``, ``%LOCALAPPDATA%\\jidi-xl\\Cache\\compiled\\`` on Windows), one file per
template, named by the rule-set key and a digest of its key: the template's bytes (its fingerprint), the rule-set
key and the data files it was read from, the program (every source file and parameter file of ``jidi_xl``, ``udfs`` and ``workbooks``, hashed: an
edited checkout is a new program even when the version number is not) and, added by the store, the Python and
library versions. A file whose header differs, that is truncated or corrupt, or that does not load, is rebuilt
and rewritten (atomically); a cache folder that cannot be written costs only the rebuild in the next process. So
a single ``recalc``/``check``/``report`` takes the fast path too: a cold process reads the compiled template
(≈0.2 s) instead of loading and compiling it (≈3 s) or loading the workbook whole (≈1.2 s).

Part of the pipeline layer (:mod:`jidi_xl.pipeline`): it joins the generic engine to the UDF registry and
the workbook layout, which the engine itself never imports.

Rule-set and notice: a workbook records the rule-set key it was made for (``info_ruleset``, 参数!B4, e.g.
``bj-2022@2025``). :class:`StandardEngine` reads it first and evaluates the book under exactly that: against the
template of that key (the committed ``jidi_evaluation.xlsx`` for the default rule-set, the generated template
of the notice otherwise — :func:`template_for`) and with the UDFs' rule-set set to it (:mod:`udfs.context`). A
book recording a rule-set or notice this package does not know is refused, naming the cell (:class:`UnknownRuleSet`).
"""
from __future__ import annotations

import functools
import hashlib
import os
import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any, Iterable

import python_calamine

from udfs.registry import formulas_functions
from workbooks import TEMPLATE_PATH
from workbooks.layout import Layout, default_layout, layout_for
from workbooks.limits import ADVICE, WHAT, UnknownRuleSet, book_limits, standard_limits, template_for

from ..engine import _ooxml as ox
from ..engine import store
from ..engine.package import (GENERIC_LIMITS, CheckedPackage, PackageError, PackageLimits, check_package,
                              file_identity, read_package)
from ..errors import InputProblem, RuleSetError
from ..ruleset import RuleSet, load_ruleset
from ..engine.recalc import CompiledTemplate, RecalcResult, Recalculator
from ..engine.structure import BookStructure, NotStandardWorkbook, compare, formula_entries
from ..engine.xlsxwrite import WriteReport, write_cached_values

__all__ = ["ADVICE", "WHAT", "PackageLimits", "StandardEngine", "UnknownRuleSet", "book_limits", "standard_limits",
           "template_for"]

EXCEL_EPOCH = date(1899, 12, 30)


def _cell_value(v: Any) -> Any:
    """A calamine value as formulas would load it: dates as serial numbers, "" as empty, 5.0 as 5."""
    if v == "" or v is None:
        return None
    if isinstance(v, datetime):
        v = v.date() if (v.hour, v.minute, v.second) == (0, 0, 0) else v
        if isinstance(v, datetime):
            return (v - datetime(1899, 12, 30)).total_seconds() / 86400
    if isinstance(v, date):
        return (v - EXCEL_EPOCH).days
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


@dataclass(frozen=True)
class _Rect:
    sheet: str
    r1: int
    c1: int
    r2: int
    c2: int

    @classmethod
    def of(cls, sheet: str, ref: str) -> "_Rect":
        return cls(sheet, *ox.range_bounds(ref))

    def contains(self, sheet: str, r: int, c: int) -> bool:
        return sheet == self.sheet and self.r1 <= r <= self.r2 and self.c1 <= c <= self.c2


_RE_NAME = re.compile(r"<definedName\b[^>]*>[^<]*</definedName>")


# The cells a formula sits in, as Excel, WPS and XlsxWriter write them: <c r="A1" …> whose first child is its <f>
# (no '<' can occur in an attribute value or a formula's text of XML the package guard passed as well-formed).
_RE_PLAIN_F = re.compile(r'<c r="([A-Z]{1,3}[0-9]{1,7})"[^>]*(?<!/)>(<f(?:\s[^>]*)?(?:/>|>[^<]*</f>))')
# every start of an <f> element, prefixed or not (a commented or CDATA "<f>" counts too: it can only send a sheet
# to the full scan)
_RE_F_START = re.compile(r"<(?:[A-Za-z_][\w.-]*:)?f(?=[\s/>])")
_split_a1 = functools.lru_cache(maxsize=2**16)(ox.split_a1)      # the same ~1,500 cells in every template copy


def _plain_formulas(text: str) -> list[tuple[str, str]] | None:
    """(cell, raw <f> element) of every formula cell of a sheet's XML, found by one regular expression — or None
    when the sheet is not written that way, and the full scan (:func:`_ooxml.scan_formulas`) must find them.
    Sure to find all: each match holds exactly one <f> start, matches do not overlap, and the number of matches
    must equal the number of <f> starts in the whole text."""
    found = _RE_PLAIN_F.findall(text)
    return found if len(found) == len(_RE_F_START.findall(text)) else None


class _Book:
    """One workbook read once, after the package guard: its sheet XML scanned for formulas (attributes in any
    order), its defined names, its values with calamine.

    ``checked``: what :func:`~jidi_xl.engine.package.read_package` inflated and checked — the workbook part as
    read and the bytes of every worksheet — so that the zip is not inflated a second time; without it (a verdict
    the guard had memoised), the parts are read from the zip, as the guard has passed this very file."""

    def __init__(self, path: str | os.PathLike, checked: CheckedPackage | None = None):
        self.path = str(path)
        self.formula_xml: dict[tuple[str, str], str] = {}
        self._formula_rc: dict[str, set[tuple[int, int]]] = {}       # sheet -> (row, col) of its formula cells
        parts = checked.parts if checked is not None else {}
        info = checked.workbook if checked is not None else None
        texts: dict[str, str] = {}
        if info is not None and all(p in parts for p in [info.workbook_part, *(sh.part for sh in info.sheets)]):
            texts = {p: ox.decode_text(parts[p]) for p in [info.workbook_part, *(sh.part for sh in info.sheets)]}
        else:                            # the guard's verdict was memoised: read the parts it passed
            with zipfile.ZipFile(self.path) as zf:
                info = info or ox.read_workbook(zf, parts)
                texts = {p: ox.read_text(zf, p, parts) for p in [info.workbook_part, *(sh.part for sh in info.sheets)]}
        self.names_xml = _RE_NAME.findall(texts[info.workbook_part])
        self._texts = [(sh.name, texts[sh.part]) for sh in info.sheets]
        for name, text in self._texts:
            at = self._formula_rc.setdefault(name, set())
            found = _plain_formulas(text)
            if found is None:              # not written the plain way: the full scan (attributes in any order)
                scan = ox.scan_formulas(text)
                P = ox.patterns(scan.prefix)
                found = []
                for c in scan.cells():
                    if c.formula is not None:
                        f = P.f.search(c.body or "")      # (a formula cell's body holds its <f>)
                        if f is not None:
                            found.append((c.ref, f.group(0)))
            for ref, f_xml in found:
                # (sheet, "A1") -> the raw <f> element: enough to tell a template copy
                self.formula_xml[(name, ref)] = f_xml
                at.add(_split_a1(ref))
        self.info = info
        self._cells: list[ox.FormulaCell] | None = None      # made from the scans when the structure is compared
        wb = python_calamine.CalamineWorkbook.from_path(self.path)
        self.grids: dict[str, tuple[int, int, list[list[Any]]]] = {}
        for name in wb.sheet_names:
            cs = wb.get_sheet_by_name(name)
            r0, c0 = cs.start or (0, 0)
            self.grids[name] = (r0 + 1, c0 + 1, cs.to_python(skip_empty_area=True))
        self._loaded: dict[str, tuple[int, int, list[list[Any]]]] = {}
        # the sheets the fingerprint covers: those holding a formula or named by one or by a defined name (one
        # text searched: the joiner, NUL, is in no XML text and so in no sheet name)
        named = "\0".join([*self.formula_xml.values(), *self.names_xml])
        self.read_sheets = {s for s, _ in self.formula_xml} | {s for s in self.grids if s in named}

    def values_book(self):
        """The values read, as the reader's :class:`workbooks.reader.Book` (no second read of the file): the
        book a case is read from (``jidi_xl.report.check.process_workbook``)."""
        from workbooks.reader import Book

        return Book.of_grids(self.path, {name: (r0 - 1, c0 - 1, grid) for name, (r0, c0, grid) in self.grids.items()},
                             self.info.defined_names)

    @property
    def formula_cells(self) -> list[ox.FormulaCell]:
        """Every formula cell (for the full structure check: a book that is not a clean template copy)."""
        if self._cells is None:
            self._cells = [fc for name, text in self._texts for fc in ox.formula_cells(ox.scan_formulas(text), name)]
        return self._cells

    def structure(self, sheets: Iterable[str] | None = None) -> BookStructure:
        """For :func:`.structure.compare`: everything, or (``sheets`` given) the sheet list and those
        sheets' values only."""
        keep = set(self.grids) if sheets is None else set(sheets)
        values = {name: {(r0 + i, c0 + j): v for i, row in enumerate(grid) for j, v in enumerate(row)
                         if v != "" and v is not None}
                  for name, (r0, c0, grid) in self.grids.items() if name in keep}
        if sheets is not None:
            return BookStructure([s.name for s in self.info.sheets], [], {}, values)
        return BookStructure([s.name for s in self.info.sheets], self.info.defined_names,
                             formula_entries(self.formula_cells), values)

    def _loaded_grid(self, sheet: str) -> tuple[int, int, list[list[Any]]]:
        """The sheet's calamine grid with every cell as formulas would load it (:func:`_cell_value`), made once
        per sheet: the input blocks are row slices of it (the roster's 1,000-row block and its 9 one-column
        blocks read the same cells; rows beyond the grid are blank)."""
        got = self._loaded.get(sheet)
        if got is None:
            r0, c0, grid = self.grids.get(sheet, (1, 1, []))
            rows: list[list[Any]] = []
            for row in grid:
                if row.count("") == len(row):
                    rows.append([None] * len(row))
                    continue
                rows.append([None if v == "" else v if type(v) is str or type(v) is int else _cell_value(v)
                             for v in row])
            got = self._loaded[sheet] = (r0, c0, rows)
        return got

    def block(self, rect: _Rect) -> list[list[Any]]:
        """The values of a rectangle, as formulas would load them (row slices of the calamine grid): one list
        per row, ``rect``'s width each, blank cells None.

        Decision: the rows beyond the sheet's used area (850 of the roster's 1,000 in a 150-firm book, in ten
        blocks) are one list of None per block, the same object ``rect``-height times over — a block is read,
        never written, by its one consumer (:class:`~jidi_xl.engine.compiled.CompiledTemplate`, which copies it
        into its own arrays); making them one by one was two thirds of this function's time in a batch worker."""
        r0, c0, grid = self._loaded_grid(rect.sheet)
        width = rect.c2 - rect.c1 + 1
        lo, hi = rect.r1 - r0, rect.r2 - r0 + 1                 # the rectangle's rows, as grid indices
        above = min(max(-lo, 0), hi - lo)                       # rows before the grid's first (blank)
        a, b = max(rect.c1 - c0, 0), max(rect.c2 - c0 + 1, 0)
        lead = min(max(c0 - rect.c1, 0), width)                 # columns before the grid's first (blank)
        rows = grid[max(lo, 0):max(hi, 0)]
        if lead == 0 and all(len(r) >= b for r in rows):
            got = [r[a:b] for r in rows]
        else:
            got = [row + [None] * (width - len(row)) for row in ([None] * lead + r[a:b] for r in rows)]
        blank = [None] * width
        return [blank] * above + got + [blank] * (hi - lo - above - len(rows))

    def fingerprint(self, input_cells: dict[str, set[tuple[int, int]]]) -> str:
        """Formulas, defined names and every non-input constant cell of the sheets formulas can read:
        equal for unmodified template copies (a sheet no formula or name mentions, like the guide, is left out).

        One digest of the ``repr`` of one list of tuples (sheet, cell, raw ``<f>`` element; each defined name's
        XML; sheet, row, column, value of each constant cell): ``repr`` tells 1 from 1.0, True and "1", and a
        tuple's fields from each other, so equal digests mean equal contents."""
        key = id(input_cells)
        memo: tuple[int, str] | None = getattr(self, "_fp", None)
        if memo is not None and memo[0] == key:
            return memo[1]
        parts: list[Any] = [sorted(self.formula_xml.items()), sorted(self.names_xml)]
        for sheet in sorted(self.read_sheets):
            r0, c0, grid = self.grids[sheet]
            skip = input_cells.get(sheet, set()) | self._formula_rc.get(sheet, set())
            cells = []
            for i, row in enumerate(grid):
                if row.count("") == len(row):
                    continue
                r = r0 + i
                cells += [(r, c0 + j, v) for j, v in enumerate(row)
                          if v != "" and v is not None and (r, c0 + j) not in skip]
            parts.append((sheet, cells))
        self._fp = (key, hashlib.sha256(repr(parts).encode("utf-8", "surrogatepass")).hexdigest())
        return self._fp[1]


_CACHE_PREFIX = "standard-"
_CACHE_KEEP = 3             # compiled templates kept per rule-set key (other program versions, other checkouts)
_PROGRAM_DIGEST: str | None = None


def program_digest() -> str:
    """A digest of the program: every ``.py`` of ``jidi_xl``, ``udfs`` and ``workbooks`` and every parameter file
    (``.yaml``), by path and content — what the values frozen into a compiled template can depend on (the UDFs'
    code, the rules, the parameters). Computed once per process (≈10 ms)."""
    global _PROGRAM_DIGEST
    if _PROGRAM_DIGEST is None:
        import udfs
        import workbooks

        _PROGRAM_DIGEST = store.tree_digest(Path(__file__).resolve().parent.parent, Path(udfs.__file__).parent,
                                            Path(workbooks.__file__).parent)
    return _PROGRAM_DIGEST


def _ruleset_digest(rs: RuleSet) -> str:
    """A digest of the data files the rule-set was read from (``jidi_xl.ruleset.PARAMS_DIR`` as it is now: a
    folder given for a test or a deployment counts, not only the package's own): the values frozen into a
    compiled template are computed from them."""
    from .. import ruleset as R

    h = hashlib.sha256()
    files = [R.PARAMS_DIR / f"{rs.id}.yaml", R.PARAMS_DIR / "size_standards.yaml", R.PARAMS_DIR / "codes.yaml"]
    files += [rs.notice_info.file] if rs.notice_info is not None else []
    for f in files:
        h.update(Path(f).read_bytes() + b"\0")
    return h.hexdigest()


def _safe_name(key: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", key) or "default"


def _prune(path: Path) -> None:
    """Keep the newest :data:`_CACHE_KEEP` compiled templates of the same rule-set key (a program upgrade leaves
    the old one behind). Best effort: a file another process is reading stays readable (POSIX), or is rebuilt."""
    stem = path.name.rsplit("-", 1)[0] + "-"
    try:
        others = sorted((p for p in path.parent.glob(f"{stem}*.pickle") if p != path),
                        key=lambda p: p.stat().st_mtime, reverse=True)
        for p in others[_CACHE_KEEP - 1:]:
            p.unlink()
    except OSError:
        pass


class StandardEngine:
    """Recalculate standard evaluation workbooks headlessly, with the ``JIDI_`` UDFs plugged in.

    :meth:`recalc` raises :class:`~jidi_xl.engine.package.PackageError` (not a safe, bounded workbook) or
    :class:`~jidi_xl.engine.structure.NotStandardWorkbook` (not the standard workbook) — both
    :class:`~jidi_xl.errors.InputError` naming the part, the sheet!cell or the defined name."""

    def __init__(self, template: str | os.PathLike | None = None, fast: bool = True,
                 cache: bool | str | os.PathLike = True):
        self.template = str(template or TEMPLATE_PATH)
        # where the compiled template is kept (module docstring): True the user's cache folder, a folder, or
        # False (in memory only, for this engine's life)
        self.cache = cache
        self.cache_dir: Path | None = (store.user_cache_dir() / "compiled" if cache is True else
                                       Path(cache) if cache is not False else None)
        # how the compiled template was had: "" (not yet), "cache" (read from disk) or "built" (with cache_note
        # saying why the file could not be used, and whether the new one could be written)
        self.compiled_from = ""
        self.cache_note = ""
        # Where a book records its rule-set key: the one cell whose place is the same in every rule-set's layout
        # (it says which layout the rest of the book has), so the default layout, at call time, can locate it.
        # Every other cell is located in the layout of the template's own rule-set (_layout), once that is read.
        n = default_layout()["info_ruleset"]
        self._key_rect = _Rect.of(n.sheet, n.ref)
        self._key_where = n.where
        self._others: dict[str, StandardEngine] = {}      # engines of the other rule-set keys met, by key
        self._rs: RuleSet | None = None
        self.limits = standard_limits(self.template)
        # the full path checks each file with the same limits: one check per file (memoised), not two
        self.recalculator = Recalculator(formulas_functions(), limits=self.limits)
        self.fast = fast
        self._inputs: tuple[list[str], list[_Rect], dict[str, set[tuple[int, int]]]] | None = None
        self._compiled: CompiledTemplate | None = None
        self._template_book: _Book | None = None
        self._template_fp: str | None = None
        self._cache_key: dict[str, str] | None = None
        self._last: tuple[tuple, _Book] | None = None     # the book the last recalc read, by file identity

    # -- the rule-set a book records ------------------------------------------------------------------------
    def _recorded(self, book: _Book) -> str | None:
        v = book.block(self._key_rect)[0][0]
        return None if v is None else str(v).strip()

    @property
    def key(self) -> str:
        """The rule-set key this engine's template records (what its books are evaluated under)."""
        return self._recorded(self._reference()) or ""

    @property
    def ruleset(self) -> RuleSet:
        if self._rs is None:
            self._rs = load_ruleset(self.key)
        return self._rs

    @property
    def layout(self) -> Layout:
        """The layout of the rule-set the template records."""
        return layout_for(self.ruleset)

    def _input_layout(self) -> tuple[list[str], list[_Rect], dict[str, set[tuple[int, int]]]]:
        """The input cells of :attr:`layout`: their sheet!ranges, rectangles, and cells by sheet (made once)."""
        if self._inputs is None:
            inputs = self.layout.inputs()
            rects = [_Rect.of(n.sheet, n.ref) for n in inputs]
            cells: dict[str, set[tuple[int, int]]] = {}
            for x in rects:
                cells.setdefault(x.sheet, set()).update((r, c) for r in range(x.r1, x.r2 + 1) for c in range(x.c1, x.c2 + 1))
            self._inputs = ([n.where for n in inputs], rects, cells)
        return self._inputs

    @property
    def _input_specs(self) -> list[str]:
        return self._input_layout()[0]

    @property
    def _input_rects(self) -> list[_Rect]:
        return self._input_layout()[1]

    @property
    def _input_cells(self) -> dict[str, set[tuple[int, int]]]:
        return self._input_layout()[2]

    @property
    def advice(self) -> str:
        """What to do with a book that is not this template's copy: the default template, or the notice's workbook."""
        rs = self.ruleset
        if rs.notice is None:
            return ADVICE
        return (f"请使用 jidi-xl workbook --notice {rs.notice} 生成的标准评价工作簿（规则集 {rs.key}；程序升级后请重新生成），"
                "只在黄色输入单元格中填写后重新提交")

    def _engine_for(self, key: str, path) -> "StandardEngine":
        if key not in self._others:
            from ..ruleset import load_ruleset

            try:
                rs = load_ruleset(key)
            except RuleSetError as exc:
                raise UnknownRuleSet([InputProblem(self._key_where, f"工作簿记录的规则集 {key!r} 无法使用：{exc}")],
                                     str(path)) from None
            if rs.key == self.key:
                return self
            self._others[key] = StandardEngine(template_for(rs.key), fast=self.fast, cache=self.cache)
        return self._others[key]

    def _route(self, path) -> tuple["StandardEngine", _Book | None]:
        """The engine of the rule-set ``path`` records, and the book when it is this engine's (read once).
        Decision: a blank or missing key is this engine's — the structure check then names the cell that differs."""
        try:
            checked = read_package(path, self.limits)
        except PackageError:
            # beyond this template's ranges: a book of another notice (a longer 参数 sheet)? read its key safely
            try:
                check_package(path, GENERIC_LIMITS)
                key = self._recorded(_Book(path))
            except Exception:  # noqa: BLE001 — not even a generic workbook: this engine's error says why
                key = None
            if not key or key == self.key:
                raise
            return self._engine_for(key, path), None
        book = _Book(path, checked)
        key = self._recorded(book)
        if not key or key == self.key:
            return self, book
        return self._engine_for(key, path), None

    def _reference(self) -> _Book:
        if self._template_book is None:
            book = _Book(self.template)
            # the template's recorded key chooses the layout of the input cells its fingerprint covers
            self._rs = self._rs or load_ruleset(self._recorded(book) or "")
            self._template_fp = book.fingerprint(self._input_cells)
            self._template_structure = book.structure()
            # sheets the fingerprint does not cover (the guide, the text of the Measures…)
            self._unread = [s for s in self._template_structure.sheets if s not in book.read_sheets]
            self._template_book = book
        return self._template_book

    def _compiled_template(self) -> CompiledTemplate:
        if self._compiled is None:
            tpl = self._cached_template() if self.cache_dir is not None else None
            if tpl is None:
                tpl = self._build_template()
                if self.cache_dir is not None:
                    try:
                        store.save(self.cache_path, tpl, self.recalculator, self.cache_key)
                        _prune(self.cache_path)
                    except OSError as exc:    # a read-only home…: the next process rebuilds; nothing else changes
                        self.cache_note += f"; not written: {exc}"
            self._compiled = tpl
        return self._compiled

    def _build_template(self) -> CompiledTemplate:
        book = self._reference()
        outputs = [f"'{sheet}'!{cell}" for sheet, cell in book.formula_xml]
        from udfs.context import using

        with using(self.ruleset):       # compiling may evaluate formulas: under the template's own rule-set
            tpl = self.recalculator.compile_template(self.template, self._input_specs, outputs)
        self.compiled_from = "built"
        return tpl

    def _cached_template(self) -> CompiledTemplate | None:
        try:
            tpl = store.load(self.cache_path, self.recalculator, self.cache_key)
        except store.CacheMiss as miss:
            self.cache_note = str(miss)
            return None
        self.compiled_from = "cache"
        return tpl

    @property
    def cache_key(self) -> dict[str, str]:
        """What the compiled template on disk is keyed by (the store adds the Python and library versions)."""
        if self._cache_key is None:
            self._cache_key = {"template_sha256": hashlib.sha256(Path(self.template).read_bytes()).hexdigest(),
                               "ruleset": self.key, "ruleset_data": _ruleset_digest(self.ruleset),
                               "program": program_digest()}
        return self._cache_key

    @property
    def cache_path(self) -> Path:
        """The compiled template's file in :attr:`cache_dir`: named by the rule-set key and a digest of
        :attr:`cache_key` (so that two program versions, or two checkouts, keep a file each)."""
        if self.cache_dir is None:
            raise ValueError("this engine keeps its compiled template in memory only (cache=False)")
        digest = hashlib.sha256(repr(sorted(self.cache_key.items())).encode()).hexdigest()[:16]
        return self.cache_dir / f"{_CACHE_PREFIX}{_safe_name(self.key)}-{digest}.pickle"

    def open(self, path: str | os.PathLike) -> _Book:
        """The package guard, then the structure check against the template of the rule-set the book records;
        the book, read once."""
        eng, book = self._route(path)
        if eng is not self:
            return eng.open(path)
        return self._open(path, book)

    def _open(self, path, book: _Book | None) -> _Book:
        if book is None:                 # (routing gives this engine's books read already; this is for safety)
            check_package(path, self.limits)
            book = _Book(path)
        self._reference()
        if book.fingerprint(self._input_cells) == self._template_fp:
            # formulas (raw), names and the fixed cells of every sheet formulas read are the template's
            # already: what remains is the sheet list and the other sheets' fixed content
            problems = compare(self._template_structure, book.structure(self._unread), self._input_cells, WHAT,
                               self.advice, values_only=self._unread)
        else:
            problems = compare(self._template_structure, book.structure(), self._input_cells, WHAT, self.advice)
        if problems:
            raise NotStandardWorkbook(problems, str(path))
        return book

    def is_template_copy(self, path: str | os.PathLike) -> bool:
        if not self.fast:
            return False
        eng, book = self._route(path)
        if eng is not self:
            return eng.is_template_copy(path)
        self._reference()
        return self._open(path, book).fingerprint(self._input_cells) == self._template_fp

    def recalc(self, path: str | os.PathLike) -> tuple[RecalcResult, str]:
        """Recalculate ``path`` under the rule-set it records; returns the result and the path taken
        ("template" or "full")."""
        from udfs.context import using

        eng, book = self._route(path)
        if eng is not self:
            return eng.recalc(path)
        book = self._open(path, book)
        self._last = (file_identity(path), book)
        with using(self.ruleset):
            if self.fast and book.fingerprint(self._input_cells) == self._template_fp:
                tpl = self._compiled_template()
                return tpl([book.block(r) for r in self._input_rects]), "template"
            return self.recalculator.recalc(path), "full"

    def book_of(self, path: str | os.PathLike) -> _Book | None:
        """The book the last :meth:`recalc` of ``path`` read — by this engine or the engine of the rule-set the
        book records —, if the file is unchanged since (the package guard's file identity); else None. So that a
        caller reading the inputs back reads the very values that were recalculated, without opening the file
        again. Only the last book is kept (bounded memory)."""
        try:
            ident = file_identity(path)
        except OSError:
            return None
        for eng in (self, *self._others.values()):
            if eng._last is not None and eng._last[0] == ident:
                return eng._last[1]
        return None

    def recalc_to(self, src: str | os.PathLike, dst: str | os.PathLike) -> tuple[RecalcResult, str, WriteReport | None]:
        """Recalculate ``src`` and write a copy at ``dst`` whose formula cells carry the new values."""
        if Path(src).resolve() == Path(dst).resolve():
            raise ValueError("输出文件不能覆盖输入文件 (the output must not overwrite the input)")
        result, how = self.recalc(src)
        written = write_cached_values(src, dst, result.values) if result.values else None
        return result, how, written
