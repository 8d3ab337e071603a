"""Cross-check the headless engine's native-formula results with LibreOffice.

LibreOffice cannot run the Python UDFs (a ``JIDI_`` call is ``#NAME?`` there), so the
comparison runs on a prepared COPY of the workbook (the input is never modified):

1. every cell whose formula calls a UDF (``JIDI_*``, also ``[1]!JIDI_X(`` /
   ``'C:\\...\\x.xlam'!JIDI_X(`` / ``_xludf.``) is FROZEN to the engine's value: its
   ``<f>`` is removed and the value stored as a constant (number, ``t="b"``,
   ``t="e"``, strings as ``t="inlineStr"``; style kept; every cell of an array
   range) -- except ``""``, which becomes the native formula ``=""``: LibreOffice
   loads a constant empty string as a BLANK cell (``ISBLANK`` true, ``COUNTA`` 0)
   while a formula's ``""`` is text, as in Excel;
2. every remaining (native) formula cell -- SUM, COUNTIF, IF, REPT, DATE, INDEX,
   references to names ... -- keeps its formula, but its cached ``<v>`` is made
   deliberately stale (:data:`STALE`): a cell LibreOffice did not recompute
   cannot agree with the engine;
3. a hidden sheet with a canary cell ``=1+1`` cached as ``999`` is appended
   (:data:`CANARY_SHEET`) and ``xl/calcChain.xml`` is dropped (it would list
   the frozen cells);
4. the copy is recalculated by LibreOffice (forced recalculation on load, see
   :mod:`.libreoffice`); the canary must come back as 2 in THIS run
   (:class:`LibreOfficeError` otherwise);
5. every native formula cell's LibreOffice value is compared with the engine's:
   numbers with a relative tolerance (default 1e-9), dates as serial numbers,
   strings exactly, ``None`` == ``""`` (empty), booleans only with booleans;
   a native cell ending in an error value in LibreOffice is reported even if
   the engine agrees.

Zip/XML editing reuses :mod:`._ooxml` (cell scanning by offsets) and
:func:`.xlsxwrite.write_cached_values` (value encoding, array-range cells);
only the ``<f>`` removal / inline-string step and the canary sheet are added
here. :func:`crosscheck_libreoffice_many` converts several workbooks in ONE
``soffice`` run (measured: 15 workbooks in ~7 s instead of ~17 s one by one).

Limit: a defined NAME whose formula calls a UDF cannot be frozen (a name has no
cached value); such names are listed in ``udf_defined_names`` and the native
cells using them will show up as mismatches/errors.
"""

from __future__ import annotations

import datetime as _dt
import functools
import math
import os
import posixpath
import re
import shutil
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping

from lxml import etree

from . import _ooxml as ox
from . import libreoffice as lo
from ._formula import bare_function_name, remove_positions, spill_positions
from .xlsxwrite import ERROR_LITERALS, write_cached_values

__all__ = ["CrossCheckReport", "Mismatch", "FreezeReport", "freeze_udf_cells",
           "crosscheck_libreoffice", "crosscheck_libreoffice_many", "values_agree", "calls_udf",
           "STALE", "CANARY_SHEET"]

STALE = "JIDI_STALE_CACHE"          # cached value planted in every native formula cell
CANARY_SHEET = "_jidi_canary"
CANARY_CELL = "A1"
_CANARY_FORMULA, _CANARY_STALE, _CANARY_EXPECTED = "1+1", 999, 2

_REL_CALC_CHAIN = ox.NS_REL + "/calcChain"
_CT_WORKSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
_RE_T_ATTR = re.compile(r"""\s+t\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_RE_CM_ATTR = re.compile(r"""\s+cm\s*=\s*(?:"[^"]*"|'[^']*')""")


# --------------------------------------------------------------------------- #
# Results
# --------------------------------------------------------------------------- #
@dataclass(frozen=True)
class Mismatch:
    sheet: str
    cell: str
    formula: str          # native formula (without '=')
    engine: Any           # headless engine's value
    libreoffice: Any      # LibreOffice's value

    def __str__(self) -> str:
        return (f"{self.sheet}!{self.cell} (={self.formula}): 引擎 engine={self.engine!r} "
                f"LibreOffice={self.libreoffice!r}")


@dataclass
class FreezeReport:
    path: str                                                       # the prepared copy
    frozen: list[tuple[str, str]] = field(default_factory=list)     # UDF cells -> constants
    native: list[ox.FormulaCell] = field(default_factory=list)      # formula cells kept
    unfrozen: list[tuple[str, str]] = field(default_factory=list)   # UDF cells without engine value
    udf_defined_names: list[str] = field(default_factory=list)
    canary: tuple[str, str] = (CANARY_SHEET, CANARY_CELL)


@dataclass
class CrossCheckReport:
    path: str                                    # the workbook checked (never modified)
    frozen: list[tuple[str, str]] = field(default_factory=list)
    compared: list[tuple[str, str]] = field(default_factory=list)   # native cells compared
    mismatches: list[Mismatch] = field(default_factory=list)
    errors: list[Mismatch] = field(default_factory=list)    # native cells with an error in LibreOffice
    not_in_engine: list[tuple[str, str]] = field(default_factory=list)  # native, no engine value
    unfrozen: list[tuple[str, str]] = field(default_factory=list)       # UDF, no engine value
    udf_defined_names: list[str] = field(default_factory=list)
    canary: Any = None                           # LibreOffice's value of the canary (2)
    prepared_path: str | None = None             # kept only with out_dir
    libreoffice_path: str | None = None          # kept only with out_dir
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return (not (self.mismatches or self.errors or self.not_in_engine or self.unfrozen)
                and self.canary == _CANARY_EXPECTED)

    def summary(self, limit: int = 20) -> str:
        lines = [f"{os.path.basename(self.path)}: 比对原生公式 {len(self.compared)} 个 (native cells "
                 f"compared); 冻结 UDF {len(self.frozen)} (frozen); 不一致 {len(self.mismatches)} "
                 f"(mismatches); LibreOffice 错误值 {len(self.errors)} (errors); canary={self.canary!r}"]
        for m in self.mismatches[:limit]:
            lines.append(f"  不一致 mismatch: {m}")
        for m in self.errors[:limit]:
            lines.append(f"  错误 error: {m}")
        for s, c in self.not_in_engine[:limit]:
            lines.append(f"  引擎无值 no engine value: {s}!{c}")
        for s, c in self.unfrozen[:limit]:
            lines.append(f"  未冻结 UDF cell without engine value: {s}!{c}")
        for n in self.udf_defined_names[:limit]:
            lines.append(f"  名称调用 UDF (cannot be frozen) defined name: {n}")
        return "\n".join(lines)


# --------------------------------------------------------------------------- #
# UDF detection
# --------------------------------------------------------------------------- #
def _udf_predicate(udf_names: Iterable[str]) -> Callable[[str], bool]:
    names = {bare_function_name(n) for n in udf_names}
    return lambda bare: bare.startswith("JIDI_") or bare in names


@functools.lru_cache(maxsize=4096)
def _functions(formula: str) -> frozenset[str]:
    """Bare upper-case names of the functions a formula calls (qualifiers removed)."""
    from openpyxl.formula import Tokenizer
    from openpyxl.formula.tokenizer import Token
    try:
        items = Tokenizer("=" + remove_positions(formula, spill_positions(formula))).items
    except Exception:   # unparsable: fall back to a conservative scan
        return frozenset(bare_function_name(m) for m in re.findall(r"[\w.!\]']+(?=\()", formula))
    return frozenset(bare_function_name(t.value[:-1]) for t in items
                     if t.type == Token.FUNC and t.subtype == Token.OPEN)


def calls_udf(formula: str, is_udf: Callable[[str], bool] | None = None) -> bool:
    is_udf = is_udf or _udf_predicate(())
    return any(is_udf(n) for n in _functions(formula))


# --------------------------------------------------------------------------- #
# Preparing the copy
# --------------------------------------------------------------------------- #
def _v_text(P, body: str) -> str:
    vm = P.v.search(body)
    return (vm.group(1) or "") if vm else ""


def _freeze_sheet(text: str, refs: set[str]) -> str:
    """Drop ``<f>`` from the cells *refs* (values already written by
    :func:`write_cached_values`): a ``t="str"`` value becomes an inline string
    (the constant-cell form), ``""`` the formula ``""``; ``cm`` is dropped."""
    scan = ox.scan_sheet(text)
    p = scan.prefix
    P = ox.patterns(p)
    out, pos = [], 0
    for c in scan.cells():
        if c.ref not in refs:
            continue
        attrs = _RE_CM_ATTR.sub("", c.attrs_text)
        tm = _RE_T_ATTR.search(attrs)
        t = (tm.group(1) if tm.group(1) is not None else tm.group(2)) if tm else None
        body = P.f.sub("", c.body or "", count=1)
        if t == "str" and not _v_text(P, body):
            # "" stays a (native) formula: LibreOffice loads a constant "" as a BLANK cell
            # (ISBLANK true, COUNTA 0) where a formula's "" is text, as in Excel
            body = f'<{p}f>""</{p}f>' + body
        elif t == "str":
            vm = P.v.search(body)
            raw = (vm.group(1) or "") if vm else ""
            inline = f'<{p}is><{p}t xml:space="preserve">{raw}</{p}t></{p}is>'
            body = body[:vm.start()] + inline + body[vm.end():] if vm else inline + body
            attrs = _RE_T_ATTR.sub("", attrs).rstrip() + ' t="inlineStr"'
        out.append(text[pos:c.start])
        out.append(f"<{p}c{attrs}>{body}</{p}c>" if body else f"<{p}c{attrs.rstrip()}/>")
        pos = c.end
    out.append(text[pos:])
    return "".join(out)


def _canary_sheet_xml() -> str:
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<worksheet xmlns="{ox.NS_MAIN}"><sheetData><row r="1"><c r="{CANARY_CELL}">'
            f'<f>{_CANARY_FORMULA}</f><v>{_CANARY_STALE}</v></c></row></sheetData></worksheet>')


def _serialize(root) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def freeze_udf_cells(src: str | os.PathLike, dst: str | os.PathLike,
                     engine_values: Mapping[tuple[str, str], Any], *,
                     udf_names: Iterable[str] = ()) -> FreezeReport:
    """Write the LibreOffice-ready copy of *src* to *dst* (steps 1-3 of the module doc).

    *engine_values*: ``{(sheet, "B7"): value}`` for (at least) every formula cell,
    e.g. ``RecalcResult.values``. *udf_names*: extra UDF names (``JIDI_*`` always).
    """
    src, dst = os.fspath(src), os.fspath(dst)
    if os.path.abspath(src) == os.path.abspath(dst):
        raise ValueError("目标文件不能与输入文件相同 (dst must differ from src)")
    is_udf = _udf_predicate(udf_names)
    info, fcells = ox.workbook_formula_cells(src)
    rep = FreezeReport(dst)
    rep.udf_defined_names = [d.name for d in info.defined_names
                             if d.value and calls_udf(d.value, is_udf)]
    values: dict[tuple[str, str], Any] = {}
    freeze: dict[str, set[str]] = {}
    for fc in fcells:
        key = (fc.sheet, fc.cell)
        if calls_udf(fc.text(), is_udf):
            if key in engine_values:
                values[key] = engine_values[key]
                freeze.setdefault(fc.sheet, set()).add(fc.cell)
                rep.frozen.append(key)
            else:
                rep.unfrozen.append(key)
        else:
            values[key] = STALE
            rep.native.append(fc)
    existing = {s.name for s in info.sheets}
    canary_sheet = CANARY_SHEET
    while canary_sheet in existing:
        canary_sheet += "_"
    rep.canary = (canary_sheet, CANARY_CELL)

    tmp = dst + ".values"
    try:
        # values: engine values into UDF cells (array ranges completed), stale caches elsewhere
        write_cached_values(src, tmp, values, strict=True)
        with zipfile.ZipFile(tmp) as zf:
            new_parts: dict[str, bytes] = {}
            for s in info.sheets:
                if s.name in freeze:
                    new_parts[s.part] = _freeze_sheet(ox.read_text(zf, s.part), freeze[s.name]).encode("utf-8")
            # the canary sheet (appended: localSheetId of defined names unchanged)
            wb_part = info.workbook_part
            rels_part = ox.rels_part_of(wb_part)
            members = set(zf.namelist())
            part = "xl/worksheets/jidi_canary.xml"
            while part in members:
                part = part[:-4] + "_.xml"
            wb = etree.fromstring(zf.read(wb_part), ox._XML_PARSER)
            rels = etree.fromstring(zf.read(rels_part), ox._XML_PARSER)
            ct = etree.fromstring(zf.read("[Content_Types].xml"), ox._XML_PARSER)
            rids = {el.get("Id") for el in rels if isinstance(el.tag, str)}
            rid = "rIdJidiCanary"
            while rid in rids:
                rid += "x"
            drop: set[str] = set()
            for el in list(rels):   # calcChain would list the frozen cells
                if isinstance(el.tag, str) and el.get("Type") == _REL_CALC_CHAIN:
                    drop.add(ox.resolve_target(wb_part, el.get("Target", "")))
                    rels.remove(el)
            for el in list(ct):
                if isinstance(el.tag, str) and el.get("PartName", "").lstrip("/") in drop:
                    ct.remove(el)
            etree.SubElement(rels, "{%s}Relationship" % ox.NS_PKG_REL, Id=rid, Type=ox.REL_WORKSHEET,
                             Target=posixpath.relpath(part, posixpath.dirname(wb_part)))
            etree.SubElement(ct, "{%s}Override" % ox.NS_CT, PartName="/" + part, ContentType=_CT_WORKSHEET)
            m = "{%s}" % ox.NS_MAIN
            sheets = wb.find(m + "sheets")
            ids = [int(el.get("sheetId", "0")) for el in sheets if isinstance(el.tag, str)]
            el = etree.SubElement(sheets, m + "sheet")
            el.set("name", canary_sheet)
            el.set("sheetId", str(max(ids, default=0) + 1))
            el.set("state", "hidden")
            el.set("{%s}id" % ox.NS_REL, rid)
            new_parts[wb_part] = _serialize(wb)
            new_parts[rels_part] = _serialize(rels)
            new_parts["[Content_Types].xml"] = _serialize(ct)
            with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zo:
                for zi in zf.infolist():
                    if zi.filename in drop:
                        continue
                    data = new_parts.get(zi.filename)
                    zo.writestr(zi, data if data is not None else zf.read(zi.filename))
                zo.writestr(part, _canary_sheet_xml())
    finally:
        if os.path.exists(tmp):
            os.remove(tmp)
    return rep


# --------------------------------------------------------------------------- #
# Comparing
# --------------------------------------------------------------------------- #
def _plain(v: Any) -> Any:
    if hasattr(v, "item") and not isinstance(v, (str, bytes)):   # numpy scalar
        try:
            v = v.item()
        except (ValueError, TypeError):
            pass
    if isinstance(v, str) and type(v) is not str:               # schedula EMPTY / XlError
        v = None if str(v) == "empty" else str(v)
    if v is None or v == "":
        return None
    if isinstance(v, (_dt.date, _dt.datetime, _dt.time)):
        return lo._serial(v)
    return v


def values_agree(engine: Any, libre: Any, rel_tol: float = 1e-9, abs_tol: float = 1e-12) -> bool:
    """Engine value vs LibreOffice value (see module doc for the rules)."""
    a, b = _plain(engine), _plain(libre)
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        if math.isnan(a) or math.isnan(b):
            return False
        return math.isclose(a, b, rel_tol=rel_tol, abs_tol=abs_tol)
    return type(a) is type(b) and a == b


def _is_error(v: Any) -> bool:
    return isinstance(v, str) and (v in ERROR_LITERALS or v.startswith("Err:"))


def _compare(path: str, freeze: FreezeReport, engine_values: Mapping[tuple[str, str], Any],
             lo_values: Mapping[tuple[str, str], Any], rel_tol: float, abs_tol: float) -> CrossCheckReport:
    rep = CrossCheckReport(os.fspath(path), frozen=list(freeze.frozen), unfrozen=list(freeze.unfrozen),
                           udf_defined_names=list(freeze.udf_defined_names))
    rep.canary = lo_values.get(freeze.canary)
    for fc in freeze.native:
        key = (fc.sheet, fc.cell)
        if key not in engine_values:
            rep.not_in_engine.append(key)
            continue
        ev, lv = engine_values[key], lo_values.get(key)
        rep.compared.append(key)
        if _is_error(lv):
            rep.errors.append(Mismatch(fc.sheet, fc.cell, fc.text(), ev, lv))
        if not values_agree(ev, lv, rel_tol, abs_tol):
            rep.mismatches.append(Mismatch(fc.sheet, fc.cell, fc.text(), ev, lv))
    return rep


def _check_canary(rep: CrossCheckReport) -> None:
    if rep.canary != _CANARY_EXPECTED:
        raise lo.LibreOfficeError(
            f"LibreOffice 没有重新计算 {os.path.basename(rep.path)}（金丝雀单元格为 {rep.canary!r}，应为 2）"
            f"(LibreOffice did not recalculate: canary {rep.canary!r} != 2)")


# --------------------------------------------------------------------------- #
# Entry points
# --------------------------------------------------------------------------- #
def crosscheck_libreoffice(path: str | os.PathLike, engine_values: Mapping[tuple[str, str], Any], *,
                           udf_names: Iterable[str] = (), rel_tol: float = 1e-9, abs_tol: float = 1e-12,
                           out_dir: str | os.PathLike | None = None, timeout: float = 180) -> CrossCheckReport:
    """Cross-check the engine's values of *path* (``{(sheet, cell): value}`` of every
    formula cell) with LibreOffice. The input is never modified; with *out_dir* the
    prepared copy and LibreOffice's result are kept there (else a temp dir is removed).
    Raises :class:`LibreOfficeError` when LibreOffice is missing, fails or did not
    recalculate (per-copy canary)."""
    t0 = time.perf_counter()
    work = tempfile.mkdtemp(prefix="jidi_xcheck_")
    keep = os.fspath(out_dir) if out_dir is not None else None
    try:
        base = keep or work
        os.makedirs(base, exist_ok=True)
        stem = Path(path).stem
        prepared = os.path.join(base, f"{stem}.frozen.xlsx")
        freeze = freeze_udf_cells(path, prepared, engine_values, udf_names=udf_names)
        t1 = time.perf_counter()
        res = lo.libreoffice_recalc(prepared, os.path.join(base, f"{stem}.libreoffice.xlsx"),
                                    timeout=timeout, verify=False)   # canary is in the copy itself
        t2 = time.perf_counter()
        rep = _compare(path, freeze, engine_values, res.values, rel_tol, abs_tol)
        rep.timings = {"prepare": t1 - t0, "libreoffice": t2 - t1,
                       "compare": time.perf_counter() - t2, "total": time.perf_counter() - t0}
        if keep:
            rep.prepared_path, rep.libreoffice_path = prepared, res.path
        _check_canary(rep)
        return rep
    finally:
        shutil.rmtree(work, ignore_errors=True)


def crosscheck_libreoffice_many(jobs: Iterable[tuple[str | os.PathLike, Mapping[tuple[str, str], Any]]], *,
                                udf_names: Iterable[str] = (), rel_tol: float = 1e-9, abs_tol: float = 1e-12,
                                out_dir: str | os.PathLike | None = None,
                                timeout: float | None = None) -> list[CrossCheckReport]:
    """:func:`crosscheck_libreoffice` for several ``(path, engine_values)`` with ONE
    LibreOffice run (each copy carries its own canary). Reports in input order;
    ``timings["libreoffice"]`` is the shared run's time divided by the number of files."""
    jobs = [(os.fspath(p), v) for p, v in jobs]
    if not jobs:
        return []
    udf_names = list(udf_names)
    work = tempfile.mkdtemp(prefix="jidi_xcheck_")
    keep = os.fspath(out_dir) if out_dir is not None else None
    try:
        indir = os.path.join(keep or work, "prepared")
        outdir = os.path.join(keep or work, "libreoffice")
        os.makedirs(indir, exist_ok=True)
        os.makedirs(outdir, exist_ok=True)
        prepared, freezes, prep_t = [], [], []
        for i, (p, values) in enumerate(jobs):
            t = time.perf_counter()
            dst = os.path.join(indir, f"{i:03d}_{Path(p).stem}.xlsx")
            freezes.append(freeze_udf_cells(p, dst, values, udf_names=udf_names))
            prepared.append(dst)
            prep_t.append(time.perf_counter() - t)
        t1 = time.perf_counter()
        lo.convert_many(prepared, outdir, lo.make_profile(os.path.join(work, "profile")),
                      timeout if timeout is not None else 120 + 30 * len(jobs))
        lo_share = (time.perf_counter() - t1) / len(jobs)
        reports = []
        for (p, values), src, freeze, tp in zip(jobs, prepared, freezes, prep_t):
            t = time.perf_counter()
            out = os.path.join(outdir, Path(src).stem + ".xlsx")
            cells = [(fc.sheet, fc.cell) for fc in freeze.native] + [freeze.canary]
            rep = _compare(p, freeze, values, lo.read_cached_values(out, cells), rel_tol, abs_tol)
            rep.timings = {"prepare": tp, "libreoffice": lo_share, "compare": time.perf_counter() - t}
            rep.timings["total"] = sum(rep.timings.values())
            if keep:
                rep.prepared_path, rep.libreoffice_path = src, out
            _check_canary(rep)
            reports.append(rep)
        return reports
    finally:
        shutil.rmtree(work, ignore_errors=True)
