"""Read a filled standard workbook back: its inputs as a case (format ``jidi-xl/case@1``), its results.

* :func:`read_case` — the case dict, read through the workbook-scope defined names (positions from the
  file, the layout as fallback). Cell values are converted exactly as the ``JIDI_`` UDFs convert them
  (``udfs.adapters``), so the case evaluates as the workbook computes. Every problem is reported at
  once as ``工作表!单元格：message`` in an :class:`~jidi_xl.errors.InputError` — including the
  case-format checks of :func:`jidi_xl.case.parse_case`, mapped back to cells. Bad cells never crash.
* :func:`read_results` — the cached values of every ``out_`` name (what Excel or the engine computed
  last), without recalculating.

Values come from python-calamine (cached values only; about 10 ms for a full roster).
"""
from __future__ import annotations

import functools
import zipfile
from datetime import datetime
from pathlib import Path
from typing import Any

from xlsxwriter.utility import xl_cell_to_rowcol, xl_rowcol_to_cell

from jidi_xl import checks
from jidi_xl import fields as F
from jidi_xl.case import FORMAT, parse_case
from jidi_xl.errors import InputError, InputProblem
from jidi_xl.ruleset import DEFAULT_RULESET, load_ruleset
from udfs.adapters import is_empty

from .codec import BadCell, decode_value
from .layout import OVERRIDABLE, S_BASIC, Layout, Name, default_layout
from .limits import book_limits

_NEITHER = checks.NO_BLOCK   # as jidi_xl.case says it


# -- the file -------------------------------------------------------------------------------------

def defined_names(path: str | Path) -> dict[str, tuple[str, int, int, int, int, bool]]:
    """{name: (sheet, r1, c1, r2, c2, workbook_scope)} from the workbook part (0-based, inclusive).

    Parsed by the engine's one XML parser (no entities, no DTD, no network); call it on a file the
    package guard has passed (:class:`Book` does)."""
    from jidi_xl.engine import _ooxml as ox

    with zipfile.ZipFile(path) as z:
        info = ox.read_workbook(z)
    return names_of(info.defined_names)


def names_of(names) -> dict[str, tuple[str, int, int, int, int, bool]]:
    """:func:`defined_names` of a workbook part already read (``jidi_xl.engine._ooxml.DefinedName`` list)."""
    return dict(_names_of(tuple(names)))


@functools.lru_cache(maxsize=8)
def _names_of(names: tuple) -> dict[str, tuple[str, int, int, int, int, bool]]:
    # (memoised: every copy of one template has the same names; the caller gets a copy of the dict)
    out = {}
    for dn in names:
        text = (dn.value or "").strip().lstrip("=")
        if "!" not in text:
            continue
        sheet, ref = text.rsplit("!", 1)
        if sheet.startswith("'") and sheet.endswith("'"):
            sheet = sheet[1:-1].replace("''", "'")
        try:
            a, _, b = ref.replace("$", "").partition(":")
            r1, c1 = xl_cell_to_rowcol(a)
            r2, c2 = xl_cell_to_rowcol(b) if b else (r1, c1)
        except Exception:    # noqa: BLE001 — a name that is not a plain reference
            continue
        out[dn.name] = (sheet, r1, c1, r2, c2, dn.local_sheet_id is None)
    return out


class Book:
    """Cached cell values of a workbook (python-calamine), addressed by sheet and 0-based row/column.

    ``Book(path)`` checks the package and reads the file; :meth:`of_grids` wraps values already read (the
    standard engine's book: the same calamine values, read once per file)."""

    def __init__(self, path: str | Path):
        from python_calamine import CalamineWorkbook

        from jidi_xl.engine.package import check_package

        self.path = Path(path)
        # a safe, bounded standard-sized package before anything reads it (PackageError is an InputError;
        # memoised per file, so after the engine's check this costs nothing)
        check_package(self.path, book_limits(self.path))       # the template of the rule-set the book records
        try:
            self._wb: Any = CalamineWorkbook.from_path(str(self.path))
            self.names = defined_names(self.path)
        except Exception as exc:     # noqa: BLE001 — not an xlsx, unreadable…
            raise InputError([InputProblem(str(path), f"无法打开工作簿：{exc}；请确认是 .xlsx 文件 (cannot open workbook)")],
                             str(path)) from None
        self._sheets = set(self._wb.sheet_names)
        self._grids: dict[str, tuple[int, int, list[list[Any]]]] = {}

    @classmethod
    def of_grids(cls, path: str | Path, grids: dict[str, tuple[int, int, list[list[Any]]]], names) -> "Book":
        """A book over values already read: ``grids`` {sheet: (first row, first column, calamine rows)} (0-based
        origin of each sheet's used area, as calamine's ``to_python(skip_empty_area=True)`` and ``start`` give
        them), ``names`` the workbook part's defined names (``_ooxml.DefinedName``). The caller vouches that the
        package guard has passed ``path`` (:class:`jidi_xl.pipeline.standard.StandardEngine` reads a book only
        after it) and that ``grids`` hold every sheet of the file."""
        self = cls.__new__(cls)
        self.path = Path(path)
        self._wb = None
        self.names = names_of(names)
        self._sheets = set(grids)
        self._grids = dict(grids)
        return self

    def _grid(self, sheet: str) -> tuple[int, int, list[list[Any]]]:
        got = self._grids.get(sheet)
        if got is None:
            try:
                got = (0, 0, self._wb.get_sheet_by_name(sheet).to_python(skip_empty_area=False))
            except Exception:     # noqa: BLE001 — a missing sheet reads as empty (reported by the caller)
                got = (0, 0, [])
            self._grids[sheet] = got
        return got

    def grid(self, sheet: str) -> list[list[Any]]:
        """The sheet's values from A1 (rows of equal length; "" blank)."""
        r0, c0, g = self._grid(sheet)
        if r0 == c0 == 0:
            return g
        width = c0 + max((len(row) for row in g), default=0)
        return [[""] * width for _ in range(r0)] + [[""] * c0 + list(row) for row in g]

    def has_sheet(self, sheet: str) -> bool:
        return sheet in self._sheets

    def value(self, sheet: str, r: int, c: int) -> Any:
        r0, c0, g = self._grid(sheet)
        r, c = r - r0, c - c0
        if 0 <= r < len(g) and 0 <= c < len(g[r]):
            v = g[r][c]
            return None if isinstance(v, str) and v == "" else v
        return None

    def row(self, sheet: str, r: int, c: int, n: int) -> list[Any]:
        """The ``n`` values of row ``r`` from column ``c`` on, as :meth:`value` gives each."""
        r0, c0, g = self._grid(sheet)
        r -= r0
        if not 0 <= r < len(g):
            return [None] * n
        a = c - c0
        if a >= 0:
            vals = g[r][a:a + n]
        else:
            vals = [""] * min(-a, n) + g[r][:max(a + n, 0)]
        vals = [None if type(v) is str and v == "" else v for v in vals]
        return vals + [None] * (n - len(vals)) if len(vals) < n else vals

    def place(self, n: Name) -> tuple[Name, str | None]:
        """The name as placed in this file (its own defined name wins), and a problem if it is missing."""
        got = self.names.get(n.name)
        if got is None:
            return n, f"工作簿缺少定义名称 {n.name}（不是标准工作簿，或名称已被删除）；按标准位置 {n.where} 读取"
        sheet, r1, c1, r2, c2, scope = got
        moved = Name(**{**n.__dict__, "sheet": sheet, "row": r1, "col": c1, "nrows": r2 - r1 + 1, "ncols": c2 - c1 + 1})
        if (moved.nrows, moved.ncols) != (n.nrows, n.ncols):
            return n, f"定义名称 {n.name} 的区域 {moved.where} 与标准布局 {n.where} 大小不同；按标准位置读取"
        return moved, None if scope else f"定义名称 {n.name} 是工作表级名称，应为工作簿级"


# -- cell conversion (the UDFs' own adapters) -------------------------------------------------------

_Bad = BadCell


def convert(kind: str, v: Any, field: str = "", rs=None) -> Any:
    """A cell value as a case value, converted as the UDFs convert it (:func:`workbooks.codec.decode_value`);
    raises :class:`BadCell` with a message."""
    return decode_value(kind, v, field, rs if rs is not None else load_ruleset())


# -- read_case --------------------------------------------------------------------------------------

def _place(at: str | tuple) -> str:
    """A place kept by the reader as the message shows it: 工作表!单元格, or 工作表!A4:I4 for a table row. Kept as
    (sheet, row, col) or (sheet, row, first col, last col) while reading — a case path per cell read, of which only
    the few a problem names are ever shown — and formatted here, when one is."""
    if isinstance(at, str):
        return at
    if len(at) == 3:
        return f"{at[0]}!{xl_rowcol_to_cell(at[1], at[2])}"
    return f"{at[0]}!{xl_rowcol_to_cell(at[1], at[2])}:{xl_rowcol_to_cell(at[1], at[3])}"


_BAD = object()
_UNREAD = object()


class _Reader:
    def __init__(self, path: str | Path, L: Layout, book: Book | None = None):
        self.book = book if book is not None else Book(path)
        self.L = L
        self.rs = L.ruleset if L.ruleset is not None else load_ruleset()     # as convert() reads it
        self.problems: list[InputProblem] = []
        # case path → 工作表!单元格 (for parse_case's problems), or its tuple until shown (:func:`_place`)
        self.where: dict[str, str | tuple] = {}
        self._placed: dict[str, Name] = {}
        self.bad: set[str] = set()            # case paths whose cell could not be read

    def problem(self, where: str, message: str, english: str = "") -> None:
        p = InputProblem(where, message, english)
        if p not in self.problems:
            self.problems.append(p)

    def name(self, key: str) -> Name:
        if key not in self._placed:
            n, msg = self.book.place(self.L[key])
            if msg:
                self.problem(n.where, msg)
            self._placed[key] = n
        return self._placed[key]

    def cell(self, n: Name, r: int, c: int, kind: str | None = None, label: str | None = None, path: str = "",
             raw: Any = _UNREAD) -> Any:
        """The cell's value converted as the UDFs convert it (``raw``: the value when the caller has read it)."""
        if path:
            self.where[path] = (n.sheet, r, c)
        if raw is _UNREAD:
            raw = self.book.value(n.sheet, r, c)
        if raw is None:          # blank: None whatever the kind (as decode_value gives it), nothing to convert
            return None
        try:
            return decode_value(kind or n.kind, raw, label or n.label, self.rs)
        except _Bad as exc:
            self.problem(f"{n.sheet}!{xl_rowcol_to_cell(r, c)}", f"{label or n.label}：{exc}")
            self.bad.add(path.split(".")[0])
            return _BAD

    def one(self, key: str, path: str = "") -> Any:
        n = self.name(key)
        return self.cell(n, n.row, n.col, path=path or self.L[key].json)

    def rows(self, block: str, fields: list[str], path: str) -> list[tuple[int, dict, bool]]:
        """Non-blank rows of a table: (row index in the block, {field: value}, ok)."""
        n = self.name(block)
        out: list[tuple[int, dict, bool]] = []
        col_names = [k for k in self.L.names.values() if k.role == "input" and k.json.startswith(path + "[].")]
        kinds = {k.json.split("[].")[1]: (k.kind, k.label) for k in col_names}
        for i in range(n.nrows):
            r = n.row + i
            raws = self.book.row(n.sheet, r, n.col, len(fields))
            if raws.count(None) == len(raws) or all(is_empty(x) for x in raws):
                continue
            k = len(out)
            self.where[f"{path}[{k}]"] = (n.sheet, r, n.col, n.col + len(fields) - 1)
            item, ok = {}, True
            for j, f in enumerate(fields):
                kind, label = kinds[f]
                v = self.cell(n, r, n.col + j, kind, f"{label}（第{i + 1}行）", f"{path}[{k}].{f}", raws[j])
                if v is _BAD:
                    ok = False
                elif v is not None:
                    item[f] = v
            out.append((i, item, ok))
        return out


def _set(d: dict, dotted: str, v: Any) -> None:
    if v is None or v is _BAD:
        return
    keys = dotted.split(".")
    for k in keys[:-1]:
        d = d.setdefault(k, {})
    d[keys[-1]] = v


def _flags(R: _Reader, group: str, json_key: str, case: dict) -> None:
    """8 (or 4) 是/否 cells → the list of codes marked 是; all blank → absent; partly blank → a problem."""
    g = R.name(group)
    members = [n for n in R.L.inputs() if n.json.startswith(f"{json_key}[") and n.kind == "bool"]
    marks = [(n, R.one(n.name, path=f"{json_key}[{n.json[len(json_key) + 1:-1]}]")) for n in members]
    R.where[json_key] = g.where
    if any(v is _BAD for _, v in marks) or all(v is None for _, v in marks):
        return
    bad = checks.partly_blank([n.label for n, v in marks if v is None])
    if bad:
        R.problem(g.where, f"{g.label.split('（')[0]}：{bad}")
        return
    case[json_key] = [n.json[len(json_key) + 1:-1] for n, v in marks if v]


def _case(R: _Reader) -> dict:
    L = R.L
    info = R.name("info_ruleset")
    ruleset = R.book.value(info.sheet, info.row, info.col) or DEFAULT_RULESET
    case: dict = {"format": FORMAT, "ruleset": str(ruleset)}       # rs.key: "bj-2022" or "bj-2022@2025"
    R.where["ruleset"] = info.where

    evaluation = F.find("evaluation")
    simple = [n for n in L.inputs() if n.json and "[" not in n.json and n.kind not in ("group", "table")
              and not n.json.startswith(evaluation.path + ".") and n.name != F.PENALTIES_CHECKED.name]
    for n in simple:
        _set(case, n.json, R.one(n.name))
    base = F.find("base")
    case.setdefault(base.key, {})
    R.where[base.path] = R.name(base.items[0].name).where

    # arrays of codes typed into single cells (主导产业一、二)
    for f in F.fields():
        if f.cells:
            got = [R.one(name, path=f"{f.path}[{i}]") for i, (name, _, _) in enumerate(f.cells)]
            R.where[f.path] = R.name(f.name).where
            got = [x for x in got if x is not None and x is not _BAD]
            if got:
                _set(case, f.path, got)

    # tables; the penalty record needs the reviewer's 处罚记录已核查 (udfs.tables.penalty_record reads it alike)
    checked = R.one(F.PENALTIES_CHECKED.name, path=f"{F.PENALTIES.path}_checked")
    for t in (F.ROSTER, F.PENALTIES, F.STAFF, F.REVOCATIONS, F.CHANGES):
        block, fields, path, what = t.name, t.keys, t.path, t.incomplete
        need = [c.key for c in t.input_columns if c.required]
        rows = R.rows(block, fields, path)
        n = R.name(block)
        R.where[path] = n.where
        good, kept = [], []
        for k, (i, item, ok) in enumerate(rows):
            if ok and any(f not in item for f in need):
                R.problem(f"{n.sheet}!{xl_rowcol_to_cell(n.row + i, n.col)}:{xl_rowcol_to_cell(n.row + i, n.col + len(fields) - 1)}",
                          f"第{i + 1}行：{what}；请补全或清空该行")
                ok = False
            if ok:
                good.append(item)
                kept.append(k)
        if good or (t is F.PENALTIES and checked is True):
            # 是 → the rows, possibly none; blank/否 with no rows → absent: not checked (待核实), never "none"
            _set(case, path, good)
        _remap(R, path, len(rows), kept)

    for cf in F.walk():
        if isinstance(cf, F.CodeFlags):
            _flags(R, cf.name, cf.path, case)

    # 第四章: the evaluation's own cells, kept only with an evaluation year
    year_f, ref_f = F.find("evaluation.year"), F.find("recognition.reference_date")
    ev = {}
    for f in evaluation.items:
        if isinstance(f, F.Field) and f.name and f is not year_f:
            v = R.one(f.name)
            if v is not None and v is not _BAD:
                ev[f.key] = v
    rubric = _rubric(R)
    if rubric:
        ev[F.INDICATORS.path.split(".")[-2]] = rubric
    year = R.one(year_f.name)
    year_at, ref_at = R.name(year_f.name).where, R.name(ref_f.name).where
    R.where[evaluation.path] = R.where[year_f.path] = year_at
    if year is not None and year is not _BAD:
        case[evaluation.key] = {year_f.key: year, **ev}
    elif ev and year is None:
        R.problem(year_at, "填写了绩效评价数据（“绩效评价”工作表）但未填写绩效评价年度；请填写评价年度")

    _overrides(R, case)
    R.where["recognition"] = R.where["recognition / evaluation"] = ref_at
    if "recognition" not in case and "evaluation" not in case and year is not _BAD and "recognition" not in R.bad:
        R.problem(ref_at, _NEITHER, "recognition / evaluation")
    return case


def _remap(R: _Reader, path: str, n_rows: int, kept: list[int]) -> None:
    """Rows left out for problems shift the case indices: point each kept row's new index at its own cells."""
    if n_rows == len(kept):
        return
    old = {k: v for k, v in R.where.items() if k.startswith(path + "[")}
    for k in old:
        del R.where[k]
    for new, i in enumerate(kept):
        prefix = f"{path}[{i}]"
        for key, v in old.items():
            if key == prefix or key.startswith(prefix + "."):
                R.where[f"{path}[{new}]" + key[len(prefix):]] = v


def _rubric(R: _Reader) -> dict | None:
    """The indicator rows and the expert columns holding any score (as the JIDI_SCORE UDF reads them)."""
    code_f, name_f, max_f, weight_f = F.INDICATORS.columns       # the catalogue's indicator columns, in order
    codes, names, maxp, weights = (R.name(c.name) for c in F.INDICATORS.columns)
    ex_name, ex_scores = F.EXPERTS.columns
    scores, experts = R.name(ex_scores.name), R.name(ex_name.name)
    R.where["evaluation.rubric"] = scores.where
    R.where["evaluation.rubric.indicators"] = f"{maxp.sheet}!{maxp.ref}"
    R.where["evaluation.rubric.experts"] = scores.where
    inds: list[tuple[int, dict]] = []
    for i in range(maxp.nrows):
        cells = [(codes, code_f), (names, name_f), (maxp, max_f), (weights, weight_f)]
        raw = [R.book.value(n.sheet, n.row + i, n.col) for n, _ in cells]
        raw_scores = [R.book.value(scores.sheet, scores.row + i, scores.col + j) for j in range(scores.ncols)]
        if all(is_empty(x) for x in raw + raw_scores):
            continue
        k = len(inds)
        vals = {f: R.cell(n, n.row + i, n.col, path=f"evaluation.rubric.indicators[{k}].{f}")
                for n, f in ((n, c.key) for n, c in cells)}
        R.where[f"evaluation.rubric.indicators[{k}]"] = f"{maxp.sheet}!{xl_rowcol_to_cell(maxp.row + i, maxp.col)}"
        if vals[max_f.key] is None:
            R.problem(f"{maxp.sheet}!{xl_rowcol_to_cell(maxp.row + i, maxp.col)}",
                      f"评分表第{i + 1}行：有数据但缺少指标满分；请填写满分或清空该行")
        ind = {code_f.key: vals[code_f.key] if vals[code_f.key] not in (None, _BAD) else str(i + 1)}
        for f in (name_f.key, max_f.key, weight_f.key):
            if vals[f] not in (None, _BAD):
                ind[f] = vals[f]
        inds.append((i, ind))
    out_experts: list[dict] = []
    for j in range(scores.ncols):
        col = [R.book.value(scores.sheet, scores.row + i, scores.col + j) for i, _ in inds]
        if all(is_empty(x) for x in col):
            continue
        k = len(out_experts)
        R.where[f"evaluation.rubric.experts[{k}]"] = f"{scores.sheet}!{xl_rowcol_to_cell(scores.row, scores.col + j)}"
        R.where[f"evaluation.rubric.experts[{k}].scores"] = R.where[f"evaluation.rubric.experts[{k}]"]
        ex: dict = {}
        nm = R.cell(experts, experts.row, experts.col + j, path=f"evaluation.rubric.experts[{k}].name")
        if nm not in (None, _BAD):
            ex["name"] = nm
        ex["scores"] = [R.cell(scores, scores.row + i, scores.col + j, label=f"专家{j + 1}·指标{i + 1}",
                               path=f"evaluation.rubric.experts[{k}].scores[{m}]") for m, (i, _) in enumerate(inds)]
        ex["scores"] = [None if s is _BAD else s for s in ex["scores"]]
        out_experts.append(ex)
    if not out_experts:
        return None
    return {"indicators": [ind for _, ind in inds], "experts": out_experts}


def _overrides(R: _Reader, case: dict) -> None:
    out: list[dict] = []
    for c, _ in OVERRIDABLE:
        n_out, n_why, n_who = (R.name(f"{f.name}_{c.rule}") for f in F.OVERRIDES.input_columns)
        k = len(out)
        outcome = R.cell(n_out, n_out.row, n_out.col, path=f"overrides[{k}].outcome")
        why = R.cell(n_why, n_why.row, n_why.col, path=f"overrides[{k}].justification")
        who = R.cell(n_who, n_who.row, n_who.col, path=f"overrides[{k}].reviewer")
        R.where[f"overrides[{k}]"] = R.where[f"overrides[{k}].rule"] = n_out.where
        if outcome is None:
            if why not in (None, _BAD):
                R.problem(n_out.where, f"{c.article}：填写了改判理由但未选择改判结果；请选择改判结果或删除理由")
            continue
        if outcome is _BAD or why is _BAD:
            continue
        bad = checks.justification(why)
        if bad:
            R.problem(n_why.where, f"{c.article}：{bad}，或清空改判结果", "an override needs a written justification")
            continue
        ov = {"rule": c.rule, "outcome": outcome, "justification": why}
        if who not in (None, _BAD):
            ov["reviewer"] = who
        out.append(ov)
    if out:
        case["overrides"] = out


def _cell_of(R: _Reader, path: str) -> str:
    """The cell of a case path (longest known prefix), for problems found by parse_case."""
    p = path
    while p:
        if p in R.where:
            return _place(R.where[p])
        cut = max(p.rfind("."), p.rfind("["))
        p = p[:cut] if cut > 0 else ""
    return S_BASIC


def read_case(xlsx_path: str | Path, layout: Layout | None = None) -> dict:
    """The case of a filled workbook (format jidi-xl/case@1), or :class:`InputError` naming every bad cell."""
    return read_parsed_case(xlsx_path, layout)[0]


def read_parsed_case(xlsx_path: str | Path, layout: Layout | None = None, book: Book | None = None):
    """(case dict, parsed :class:`jidi_xl.case.Case`): :func:`read_case` without parsing the case twice.

    ``layout``: the layout to read by (default: the default rule-set's). ``book``: the file's values already read
    (:meth:`Book.of_grids`; default: read ``xlsx_path``, package guard first)."""
    R = _Reader(xlsx_path, layout if layout is not None else default_layout(), book)
    try:
        case = _case(R)
    except InputError:
        raise
    except Exception as exc:       # noqa: BLE001 — never crash on a strange file; say what happened
        R.problem(str(xlsx_path), f"读取工作簿时出错：{type(exc).__name__}: {exc}；请确认是标准评价工作簿")
        raise InputError(R.problems, str(xlsx_path)) from None
    parsed = None
    try:
        parsed = parse_case(case, source=str(xlsx_path))
    except InputError as exc:
        for p in exc.problems:
            R.problem(_cell_of(R, p.field), p.message, p.english or p.field)
    if R.problems:
        raise InputError(R.problems, str(xlsx_path))
    return case, parsed


# -- read_results -----------------------------------------------------------------------------------

def _result_value(kind: str, v: Any) -> Any:
    if isinstance(v, datetime):
        return v.date()
    if kind == "out_int" and isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def read_results(xlsx_path: str | Path, layout: Layout | None = None) -> dict[str, Any]:
    """{out_ name: cached value} — a single cell's value, or a list of rows for a range. Empty is None.

    Dates are returned as ``datetime.date`` where the cell has a date format (calamine decides)."""
    layout = layout if layout is not None else default_layout()
    book = Book(xlsx_path)
    out: dict[str, Any] = {}
    for n in layout.outputs():
        placed, _ = book.place(n)
        vals = [[book.value(placed.sheet, r, c) for c in range(placed.col, placed.col + placed.ncols)]
                for r in range(placed.row, placed.row + placed.nrows)]
        vals = [[_result_value(n.kind, v) for v in row] for row in vals]
        out[n.name] = vals[0][0] if placed.single else vals
    return out


__all__ = ["read_case", "read_parsed_case", "read_results", "defined_names", "convert", "Book"]
