"""Cross-check: LibreOffice Calc as a second full engine, every formula cell compared with the headless one.

For each workbook (the input is never modified):

1. a COPY is prepared (:func:`prepare_copy`): *make_copy* turns it into one LibreOffice can compute (for the
   standard workbook ``udfs.libreoffice.libreoffice_copy``, given by :mod:`jidi_xl.pipeline.crosscheck`, which makes LibreOffice 7.4 bind the ``JIDI_``
   calls to the add-in; by default a plain copy), then every formula cell's cached value is made
   deliberately stale (:data:`STALE`), ``xl/calcChain.xml`` is dropped and a hidden sheet with a canary
   ``=1+1`` cached as ``999`` is appended (:data:`CANARY_SHEET`);
2. the copy is opened hidden in ONE LibreOffice instance kept for the whole folder
   (:class:`.uno_session.UnoSession`, a profile forcing recalculation on load, the extension installed in
   it), ``calculateAll()`` recomputes every formula, and the canary must read 2 — otherwise the file is
   not compared at all (:class:`CrossCheckFailed`): LibreOffice's values are proven to come from this
   run, and a cell it did not recompute would still hold :data:`STALE` and differ;
3. **every** formula cell of the original workbook — ``JIDI_`` cells and native cells alike — is compared
   with the headless engine's value (:func:`values_agree`); any cell ending in an error value in EITHER
   engine is a difference, and so is a formula cell one side has and the other has not.

Comparison rules (:func:`values_agree`): numbers with a relative tolerance (1e-9; LibreOffice and formulas
agree to ~1e-15), dates as serial numbers, text exactly, an empty result equal to ``""``, booleans only with
booleans. LibreOffice has no boolean cell type (a logical result is 1 shown as TRUE): where the engine gives
a boolean, LibreOffice's displayed text (TRUE/FALSE) decides — our own choice, written here.

This replaced the earlier cross-check that froze the ``JIDI_`` cells to the engine's own values (it could
compare only native cells); the standard workbook has no ``JIDI_`` defined names or UDF-only cells left
uncompared now.
"""
from __future__ import annotations

import datetime as _dt
import math
import os
import posixpath
import shutil
import tempfile
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping

from lxml import etree

from . import _ooxml as ox
from . import libreoffice as lo
from .uno_session import UnoSession, UnoSessionError
from .xlsxwrite import ERROR_LITERALS, write_cached_values

__all__ = ["CrossCheckReport", "Difference", "CrossChecker", "CrossCheckFailed", "prepare_copy", "values_agree",
           "STALE", "CANARY_SHEET"]

STALE = "JIDI_STALE_CACHE"          # cached value planted in every formula cell of the copy
CANARY_SHEET = "_jidi_canary"
CANARY_CELL = "A1"
_CANARY_FORMULA, _CANARY_STALE, CANARY_EXPECTED = "1+1", 999, 2

_REL_CALC_CHAIN = ox.NS_REL + "/calcChain"
_CT_WORKSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"


class CrossCheckFailed(RuntimeError):
    """The cross-check of one workbook could not be done (LibreOffice failed, or did not recalculate)."""


# --------------------------------------------------------------------------- #
# Results
# --------------------------------------------------------------------------- #
@dataclass(frozen=True)
class Difference:
    sheet: str
    cell: str
    engine: Any            # the headless engine's value (None: it has none)
    libreoffice: Any       # LibreOffice's value (None: not a formula cell there)
    why: str               # Chinese, short

    def __str__(self) -> str:
        return (f"{self.sheet}!{self.cell}：无头引擎 {_show(self.engine)}，LibreOffice {_show(self.libreoffice)}"
                f"（{self.why}）")


def _show(v: Any) -> str:
    v = _plain(v)
    if v is None:
        return "（空）"
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        v = int(v)
    return repr(v) if isinstance(v, str) else str(v)


@dataclass
class CrossCheckReport:
    path: str                                           # the workbook checked (never modified)
    compared: list[tuple[str, str]] = field(default_factory=list)    # formula cells compared
    differences: list[Difference] = field(default_factory=list)
    canary: Any = None                                  # LibreOffice's value of the canary (2)
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.differences and self.canary == CANARY_EXPECTED

    @property
    def error_values(self) -> list[Difference]:
        return [d for d in self.differences if _is_error(d.engine) or _is_error(d.libreoffice)]


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
    v = _plain(v)
    return isinstance(v, str) and (v in ERROR_LITERALS or v.startswith("Err:"))


# --------------------------------------------------------------------------- #
# Preparing the copy
# --------------------------------------------------------------------------- #
def _canary_sheet_xml() -> str:
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<worksheet xmlns="{ox.NS_MAIN}"><sheetData><row r="1"><c r="{CANARY_CELL}">'
            f'<f>{_CANARY_FORMULA}</f><v>{_CANARY_STALE}</v></c></row></sheetData></worksheet>')


def _serialize(root) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _add_canary(src: str, dst: str) -> str:
    """Copy *src* to *dst* with a hidden canary sheet appended (``localSheetId`` of names unchanged) and
    ``calcChain`` dropped; returns the canary sheet's name."""
    with zipfile.ZipFile(src) as zf:
        info = ox.read_workbook(zf)
        existing = {s.name for s in info.sheets}
        canary_sheet = CANARY_SHEET
        while canary_sheet in existing:
            canary_sheet += "_"
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
        for el in list(rels):
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
        new_parts = {wb_part: _serialize(wb), rels_part: _serialize(rels), "[Content_Types].xml": _serialize(ct)}
        with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zo:
            for zi in zf.infolist():
                if zi.filename in drop:
                    continue
                data = new_parts.get(zi.filename)
                zo.writestr(zi, data if data is not None else zf.read(zi.filename))
            zo.writestr(part, _canary_sheet_xml())
    return canary_sheet


def prepare_copy(src: str | os.PathLike, dst: str | os.PathLike,
                 make_copy: Callable[[Path, Path], Any] | None = None) -> str:
    """Write the LibreOffice copy of *src* to *dst* (step 1 of the module doc); returns the canary sheet."""
    src, dst = Path(src), Path(dst)
    if src.resolve() == dst.resolve():
        raise ValueError("目标文件不能与输入文件相同 (dst must differ from src)")
    work = Path(tempfile.mkdtemp(prefix="jidi_xcopy_", dir=dst.parent))
    try:
        first = work / "copy.xlsx"
        if make_copy is None:
            shutil.copyfile(src, first)
        else:
            make_copy(src, first)
        _, fcells = ox.workbook_formula_cells(str(first))
        stale = work / "stale.xlsx"
        write_cached_values(first, stale, {(c.sheet, c.cell): STALE for c in fcells}, strict=True)
        return _add_canary(str(stale), str(dst))
    finally:
        shutil.rmtree(work, ignore_errors=True)


# --------------------------------------------------------------------------- #
# The checker: one LibreOffice for many workbooks
# --------------------------------------------------------------------------- #
class CrossChecker:
    """Cross-check workbooks through ONE LibreOffice instance.

    *make_copy*: ``(src, dst)`` writing the copy LibreOffice computes (default: a plain copy).
    *profile_dir*: the LibreOffice user profile (an extension installed there is used); default a
    temporary one. *install*: called with the profile folder before LibreOffice starts. *force_recalc*
    False only for the canary's negative control (a profile that keeps cached values). A LibreOffice that dies or hangs on one workbook costs that workbook only: the
    session is started again for the next one.
    """

    def __init__(self, *, make_copy: Callable[[Path, Path], Any] | None = None,
                 profile_dir: str | os.PathLike | None = None, rel_tol: float = 1e-9, abs_tol: float = 1e-12,
                 install: Callable[[Path], Any] | None = None, call_timeout: float | None = None,
                 force_recalc: bool = True):
        self.make_copy, self.rel_tol, self.abs_tol = make_copy, rel_tol, abs_tol
        self._work = Path(tempfile.mkdtemp(prefix="jidi_xcheck_"))
        # traversable by others: installing an extension as root runs unopkg as ``nobody`` on the profile
        os.chmod(self._work, 0o755)
        try:
            kw: dict[str, Any] = {"call_timeout": call_timeout} if call_timeout else {}
            self._profile = Path(profile_dir) if profile_dir is not None else self._work / "profile"
            if force_recalc:
                lo.make_profile(self._profile)
            if install is not None:            # e.g. an extension, into the profile before soffice starts
                install(self._profile)
            self.session = UnoSession(self._profile, force_recalc=force_recalc, **kw)
        except BaseException:
            shutil.rmtree(self._work, ignore_errors=True)
            raise
        self._n = 0

    def __enter__(self) -> "CrossChecker":
        self.session.start()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        try:
            self.session.close()
        finally:
            shutil.rmtree(self._work, ignore_errors=True)

    def check(self, path: str | os.PathLike, engine_values: Mapping[tuple[str, str], Any]) -> CrossCheckReport:
        """Cross-check *path* given the engine's ``{(sheet, "B7"): value}`` of its formula cells. Raises
        :class:`CrossCheckFailed` when LibreOffice failed or did not recalculate (nothing compared)."""
        t0 = time.perf_counter()
        path = Path(path)
        self._n += 1
        copy = self._work / f"{self._n:04d}.xlsx"
        rep = CrossCheckReport(str(path))
        try:
            canary_sheet = prepare_copy(path, copy, self.make_copy)
            _, fcells = ox.workbook_formula_cells(str(path))
            t1 = time.perf_counter()
            if not self.session.running:
                self.session.start()
            doc = self.session.open(copy)
            try:
                t2 = time.perf_counter()
                doc.calculate_all()
                t3 = time.perf_counter()
                rep.canary = _plain(doc.cell(canary_sheet, CANARY_CELL).value)
                if rep.canary != CANARY_EXPECTED:
                    raise CrossCheckFailed(
                        f"LibreOffice 没有重新计算（金丝雀单元格 {canary_sheet}!{CANARY_CELL} 为 {rep.canary!r}，"
                        f"应为 {CANARY_EXPECTED}）(LibreOffice did not recalculate: canary {rep.canary!r})")
                cells = {(c.sheet, c.address): c for c in doc.formula_cells(skip_sheets=(canary_sheet,))}
                self._compare(rep, fcells, engine_values, cells, doc)
                t4 = time.perf_counter()
            finally:
                doc.close()
        except UnoSessionError as exc:
            raise CrossCheckFailed(str(exc)) from exc
        finally:
            copy.unlink(missing_ok=True)
        rep.timings = {"prepare": t1 - t0, "load": t2 - t1, "recalc": t3 - t2,
                       "compare": t4 - t3, "libreoffice": t4 - t1, "total": time.perf_counter() - t0}
        return rep

    def _compare(self, rep: CrossCheckReport, fcells, engine_values, cells, doc) -> None:
        mine = [(fc.sheet, fc.cell) for fc in fcells]
        for key in mine:
            sheet, ref = key
            c = cells.pop(key, None)
            ev = engine_values.get(key, None)
            has_ev = key in engine_values
            if c is None:
                rep.differences.append(Difference(sheet, ref, ev, None, "LibreOffice 中不是公式单元格"))
                continue
            if not has_ev:
                rep.differences.append(Difference(sheet, ref, None, c.value, "无头引擎没有计算此单元格"))
                continue
            rep.compared.append(key)
            lv = c.value
            if isinstance(_plain(ev), bool) and c.kind == "number" and lv in (0.0, 1.0):
                text = doc.display_text(sheet, ref).upper()
                lv = {"TRUE": True, "FALSE": False}.get(text, lv)
            if c.kind == "text" and lv == STALE:
                rep.differences.append(Difference(sheet, ref, ev, lv, "LibreOffice 未重新计算此单元格"))
            elif c.is_error:
                rep.differences.append(Difference(sheet, ref, ev, lv, "LibreOffice 结果为错误值"))
            elif _is_error(ev):
                rep.differences.append(Difference(sheet, ref, ev, lv, "无头引擎结果为错误值"))
            elif not values_agree(ev, lv, self.rel_tol, self.abs_tol):
                rep.differences.append(Difference(sheet, ref, ev, lv, "值不同"))
        for (sheet, ref), c in sorted(cells.items()):
            rep.differences.append(Difference(sheet, ref, None, c.value, "仅 LibreOffice 中是公式单元格"))
