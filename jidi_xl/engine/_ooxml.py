"""Low-level, dependency-light access to the parts of an .xlsx package.

Shared by :mod:`normalize`, :mod:`lint`, :mod:`recalc` and :mod:`xlsxwrite`.

* The workbook part, its sheets (name -> zip member) and defined names are read
  with lxml (small files).
* Sheet XML is *scanned with regular expressions*, not parsed into a tree:
  every ``<c>`` element of ``<sheetData>`` is located by character offsets so
  that writers can splice new text in while leaving every other byte of the
  part untouched, and so that reading 10k+ cells stays in the millisecond
  range.  The SpreadsheetML cell grammar is small (``<c>`` holds at most
  ``<f>``, ``<v>``, ``<is>``, ``<extLst>``; text is always entity-escaped) which
  makes this safe; a namespace prefix on the main namespace (``<x:c>``) is
  supported.
"""

from __future__ import annotations

import posixpath
import re
import zipfile
from dataclasses import dataclass, field
from typing import Iterator, Mapping

from lxml import etree

NS_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
NS_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
NS_CT = "http://schemas.openxmlformats.org/package/2006/content-types"
REL_OFFICE_DOCUMENT = NS_REL + "/officeDocument"
REL_WORKSHEET = NS_REL + "/worksheet"
REL_EXTERNAL_LINK = NS_REL + "/externalLink"

# Every lxml parse of a package part goes through this parser: no entity expansion, no DTD loading, no
# network, libxml2's size/depth safety limits kept (huge_tree off). :mod:`.package` refuses any DTD or
# entity declaration before a parser sees the bytes; this is the second line.
_XML_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                              huge_tree=False, remove_blank_text=False)


# --------------------------------------------------------------------------- #
# A1 helpers
# --------------------------------------------------------------------------- #
_RE_A1 = re.compile(r"^\$?([A-Za-z]{1,3})\$?([0-9]+)$")


def col2num(col: str) -> int:
    """'A' -> 1, 'AA' -> 27."""
    n = 0
    for ch in col.upper():
        n = n * 26 + (ord(ch) - 64)
    return n


def num2col(n: int) -> str:
    """1 -> 'A', 27 -> 'AA'."""
    s = ""
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def split_a1(ref: str) -> tuple[int, int]:
    """'B3' -> (row 3, col 2)."""
    m = _RE_A1.match(ref)
    if not m:
        raise ValueError(f"不是单元格地址 (not an A1 cell reference): {ref!r}")
    return int(m.group(2)), col2num(m.group(1))


def a1(row: int, col: int) -> str:
    return f"{num2col(col)}{row}"


def range_bounds(ref: str) -> tuple[int, int, int, int]:
    """'A1:B2' -> (r1, c1, r2, c2), 1-based and ordered."""
    ref = ref.replace("$", "")
    if ":" in ref:
        first, last = ref.split(":", 1)
    else:
        first = last = ref
    r1, c1 = split_a1(first)
    r2, c2 = split_a1(last)
    return min(r1, r2), min(c1, c2), max(r1, r2), max(c1, c2)


def range_cells(ref: str) -> list[list[str]]:
    """'A1:B2' -> [['A1', 'B1'], ['A2', 'B2']] (rows of cell refs)."""
    r1, c1, r2, c2 = range_bounds(ref)
    return [[a1(r, c) for c in range(c1, c2 + 1)] for r in range(r1, r2 + 1)]


# --------------------------------------------------------------------------- #
# XML text helpers
# --------------------------------------------------------------------------- #
_RE_ENTITY = re.compile(r"&(#x[0-9A-Fa-f]+|#[0-9]+|amp|lt|gt|quot|apos);")
_ENTITIES = {"amp": "&", "lt": "<", "gt": ">", "quot": '"', "apos": "'"}


def _entity(m: re.Match) -> str:
    e = m.group(1)
    if e[0] == "#":
        return chr(int(e[2:], 16) if e[1] in "xX" else int(e[1:]))
    return _ENTITIES[e]


def xml_unescape(text: str) -> str:
    return _RE_ENTITY.sub(_entity, text) if "&" in text else text


def xml_escape_text(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_RE_ATTR = re.compile(r"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")


def parse_attrs(text: str) -> dict[str, str]:
    """Attributes of a start tag's inner text (namespace prefixes kept)."""
    return {m.group(1): xml_unescape(m.group(2) if m.group(2) is not None else m.group(3))
            for m in _RE_ATTR.finditer(text)}


# --------------------------------------------------------------------------- #
# Package / workbook structure
# --------------------------------------------------------------------------- #
def resolve_target(source_part: str, target: str) -> str:
    """Resolve a relationship target relative to the part that owns the rels."""
    if target.startswith("/"):
        return target.lstrip("/")
    base = posixpath.dirname(source_part)
    return posixpath.normpath(posixpath.join(base, target))


def rels_part_of(part: str) -> str:
    d, f = posixpath.split(part)
    return posixpath.join(d, "_rels", f + ".rels")


def _member(zf: zipfile.ZipFile, name: str, parts: Mapping[str, bytes] | None) -> bytes:
    """The inflated bytes of ``name``: from ``parts`` (what the package guard inflated and checked) when it holds
    them, else from the zip (KeyError when the zip has no such member)."""
    data = parts.get(name) if parts else None
    return data if data is not None else zf.read(name)


def read_rels(zf: zipfile.ZipFile, part: str, parts: Mapping[str, bytes] | None = None) -> list[dict[str, str]]:
    """Relationships of *part* as dicts with Id, Type, Target, TargetMode."""
    name = rels_part_of(part)
    try:
        data = _member(zf, name, parts)
    except KeyError:
        return []
    root = etree.fromstring(data, _XML_PARSER)
    return [dict(el.attrib) for el in root if isinstance(el.tag, str)
            and etree.QName(el).localname == "Relationship"]


def workbook_part(zf: zipfile.ZipFile, parts: Mapping[str, bytes] | None = None) -> str:
    for rel in read_rels(zf, "", parts):
        if rel.get("Type") == REL_OFFICE_DOCUMENT:
            return resolve_target("", rel["Target"])
    return "xl/workbook.xml"


@dataclass(frozen=True)
class SheetInfo:
    name: str
    part: str          # zip member, e.g. "xl/worksheets/sheet1.xml"
    index: int         # 0-based position in <sheets> (localSheetId refers to it)
    state: str = "visible"


@dataclass(frozen=True)
class DefinedName:
    name: str
    value: str                 # formula text without leading '='
    local_sheet_id: int | None
    hidden: bool


@dataclass
class WorkbookInfo:
    workbook_part: str
    sheets: list[SheetInfo]
    defined_names: list[DefinedName]
    external_link_parts: list[str | None]   # by position: [1] -> index 0
    other_sheet_parts: list[str] = field(default_factory=list)  # chartsheets etc.

    def sheet_by_upper(self) -> dict[str, str]:
        return {s.name.upper(): s.name for s in self.sheets}


def read_workbook(zf: zipfile.ZipFile, parts: Mapping[str, bytes] | None = None) -> WorkbookInfo:
    """The workbook part: sheets, defined names, external links. ``parts``: inflated members to read from
    before the zip (:func:`jidi_xl.engine.package.read_package`'s)."""
    wb_part = workbook_part(zf, parts)
    root = etree.fromstring(_member(zf, wb_part, parts), _XML_PARSER)
    rels = {r["Id"]: r for r in read_rels(zf, wb_part, parts)}
    sheets: list[SheetInfo] = []
    others: list[str] = []
    rid_attr = "{%s}id" % NS_REL
    m = "{%s}" % NS_MAIN
    sheets_el = root.find(m + "sheets")
    for i, el in enumerate(sheets_el if sheets_el is not None else []):
        if el.tag != m + "sheet":
            continue
        rel = rels.get(el.get(rid_attr, ""))
        if rel is None:
            continue
        part = resolve_target(wb_part, rel["Target"])
        if rel.get("Type") == REL_WORKSHEET:
            sheets.append(SheetInfo(el.get("name"), part, i, el.get("state", "visible")))
        else:  # chartsheet / dialogsheet: no cells
            others.append(part)
    names: list[DefinedName] = []
    dn = root.find(m + "definedNames")
    for el in dn if dn is not None else []:
        if el.tag != m + "definedName":
            continue
        lsid = el.get("localSheetId")
        names.append(DefinedName(
            el.get("name", ""), el.text or "",
            int(lsid) if lsid is not None else None,
            el.get("hidden") in ("1", "true"),
        ))
    links: list[str | None] = []
    er = root.find(m + "externalReferences")
    for el in er if er is not None else []:
        rel = rels.get(el.get(rid_attr, ""))
        links.append(resolve_target(wb_part, rel["Target"]) if rel else None)
    return WorkbookInfo(wb_part, sheets, names, links, others)


# --------------------------------------------------------------------------- #
# Sheet XML scanning
# --------------------------------------------------------------------------- #
@dataclass
class XmlCell:
    """One ``<c>`` element located in a sheet part's text."""
    ref: str
    row: int
    col: int
    start: int                 # offsets of the whole element in the text
    end: int
    attrs_text: str            # raw text between '<c' and '>' / '/>'
    body: str | None           # raw inner text (None for '<c .../>')
    formula: str | None        # unescaped <f> text ('' for shared children)
    f_attrs: dict[str, str]    # attributes of <f> ({} when no <f>)
    value: str | None          # unescaped <v> text, None when absent

    @property
    def attrs(self) -> dict[str, str]:
        return parse_attrs(self.attrs_text)

    @property
    def has_formula(self) -> bool:
        return self.formula is not None


@dataclass
class XmlRow:
    row: int
    start: int                 # offsets of the whole <row> element
    end: int
    open_end: int              # offset just after the start tag ('>' or '/>')
    self_closing: bool
    cells: list[XmlCell]


@dataclass
class SheetScan:
    text: str
    prefix: str                # '' or 'x:' (prefix of the main namespace)
    sheet_data: tuple[int, int] | None   # (start, end) of the <sheetData ...> element
    rows: list[XmlRow]

    def cells(self) -> Iterator[XmlCell]:
        for r in self.rows:
            yield from r.cells


class _Patterns:
    cache: dict[str, "_Patterns"] = {}

    def __init__(self, p: str):
        q = re.escape(p)
        self.sheet_data = re.compile(rf"<{q}sheetData(?=[\s/>])[^>]*?(/?)>", re.S)
        self.sheet_data_end = re.compile(rf"</{q}sheetData\s*>")
        self.row = re.compile(rf"<{q}row(?=[\s/>])([^>]*?)(/?)>", re.S)
        self.row_end = re.compile(rf"</{q}row\s*>")
        self.cell = re.compile(rf"<{q}c(?=[\s/>])([^>]*?)(?:/>|>(.*?)</{q}c\s*>)", re.S)
        self.f = re.compile(rf"<{q}f(?=[\s/>])([^>]*?)(?:/>|>(.*?)</{q}f\s*>)", re.S)
        self.v = re.compile(rf"<{q}v(?=[\s/>])[^>]*?(?:/>|>(.*?)</{q}v\s*>)", re.S)

    @classmethod
    def get(cls, prefix: str) -> "_Patterns":
        p = cls.cache.get(prefix)
        if p is None:
            p = cls.cache[prefix] = cls(prefix)
        return p


_RE_ROOT = re.compile(r"<([A-Za-z_][\w.-]*:)?worksheet[\s>]")
_RE_R = re.compile(r"""\br\s*=\s*["']([^"']*)["']""")


def patterns(prefix: str) -> _Patterns:
    return _Patterns.get(prefix)


def scan_sheet(text: str) -> SheetScan:
    """Locate every row and cell of ``<sheetData>`` in a sheet part's text."""
    m = _RE_ROOT.search(text)
    prefix = (m.group(1) or "") if m else ""
    P = patterns(prefix)
    sd = P.sheet_data.search(text)
    if not sd:
        return SheetScan(text, prefix, None, [])
    if sd.group(1) == "/":  # <sheetData/>
        return SheetScan(text, prefix, (sd.start(), sd.end()), [])
    end_m = P.sheet_data_end.search(text, sd.end())
    sd_end = end_m.end() if end_m else len(text)
    limit = end_m.start() if end_m else len(text)
    rows: list[XmlRow] = []
    pos = sd.end()
    row_no = 0
    while True:
        rm = P.row.search(text, pos, limit)
        if not rm:
            break
        attrs = parse_attrs(rm.group(1))
        row_no = int(attrs["r"]) if "r" in attrs else row_no + 1
        if rm.group(2) == "/":
            rows.append(XmlRow(row_no, rm.start(), rm.end(), rm.end(), True, []))
            pos = rm.end()
            continue
        re_m = P.row_end.search(text, rm.end(), limit)
        row_end = re_m.start() if re_m else limit
        cells: list[XmlCell] = []
        col_no = 0
        for cm in P.cell.finditer(text, rm.end(), row_end):
            attrs_text, body = cm.group(1), cm.group(2)
            rr = _RE_R.search(attrs_text)
            if rr:
                ref = rr.group(1).replace("$", "")
                r, col_no = split_a1(ref)
            else:
                col_no += 1
                r, ref = row_no, a1(row_no, col_no)
            formula, f_attrs, value = None, {}, None
            if body:
                fm = P.f.search(body)
                if fm:
                    f_attrs = parse_attrs(fm.group(1))
                    formula = xml_unescape(fm.group(2) or "")
                vm = P.v.search(body)
                if vm:
                    value = xml_unescape(vm.group(1) or "")
            cells.append(XmlCell(ref, r, col_no, cm.start(), cm.end(), attrs_text, body,
                                 formula, f_attrs, value))
        end = re_m.end() if re_m else limit
        rows.append(XmlRow(row_no, rm.start(), end, rm.end(), False, cells))
        pos = end
    return SheetScan(text, prefix, (sd.start(), sd_end), rows)


def scan_formulas(text: str) -> SheetScan:
    """Like :func:`scan_sheet`, but only the cells holding an ``<f>`` (one row of them): found from the
    ``<f>`` elements back to their ``<c>``, attributes in any order — ~10x cheaper on a filled sheet
    whose cells are mostly values. Falls back to :func:`scan_sheet` when a formula cell has no ``r``."""
    m = _RE_ROOT.search(text)
    prefix = (m.group(1) or "") if m else ""
    P = patterns(prefix)
    sd = P.sheet_data.search(text)
    if not sd or sd.group(1) == "/":
        return SheetScan(text, prefix, (sd.start(), sd.end()) if sd else None, [])
    end_m = P.sheet_data_end.search(text, sd.end())
    limit = end_m.start() if end_m else len(text)
    open_tag = "<" + prefix + "c"
    cells: list[XmlCell] = []
    pos = sd.end()
    for fm in P.f.finditer(text, sd.end(), limit):
        if fm.start() < pos:
            continue
        cs = text.rfind(open_tag, 0, fm.start())
        while cs >= 0 and text[cs + len(open_tag)] not in " \t\r\n/>":
            cs = text.rfind(open_tag, 0, cs)
        cm = P.cell.match(text, cs) if cs >= 0 else None
        if cm is None or cm.group(2) is None or not cm.start(2) <= fm.start() < cm.end():
            return scan_sheet(text)
        rr = _RE_R.search(cm.group(1))
        if not rr:
            return scan_sheet(text)
        ref = rr.group(1).replace("$", "")
        r, col = split_a1(ref)
        body = cm.group(2)
        vm = P.v.search(body)
        cells.append(XmlCell(ref, r, col, cm.start(), cm.end(), cm.group(1), body, xml_unescape(fm.group(2) or ""),
                             parse_attrs(fm.group(1)), xml_unescape(vm.group(1) or "") if vm else None))
        pos = cm.end()
    return SheetScan(text, prefix, (sd.start(), end_m.end() if end_m else len(text)),
                     [XmlRow(0, sd.end(), limit, sd.end(), False, cells)] if cells else [])


def read_text(zf: zipfile.ZipFile, part: str, parts: Mapping[str, bytes] | None = None) -> str:
    return decode_text(_member(zf, part, parts))


def decode_text(data: bytes) -> str:
    """A part's bytes as text: UTF-16 by its BOM, UTF-8 (a BOM dropped) otherwise."""
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return data.decode("utf-16")
    return data.decode("utf-8-sig") if data[:3] == b"\xef\xbb\xbf" else data.decode("utf-8")


# --------------------------------------------------------------------------- #
# Formula cells of a workbook
# --------------------------------------------------------------------------- #
@dataclass(frozen=True)
class FormulaCell:
    """A cell whose value is computed by a formula.

    For an array formula every cell of its range is a FormulaCell; ``anchor``
    is the top-left cell holding the ``<f>`` and ``array_ref`` the range.
    ``formula`` is the stored text without '='; for shared-formula children it
    is the master's text (``anchor`` is the master cell) -- use
    :meth:`text` for the formula as seen in this cell.
    """
    sheet: str
    cell: str
    formula: str
    kind: str = "normal"         # normal | shared | array | dataTable
    anchor: str | None = None
    array_ref: str | None = None
    dynamic: bool = False        # cm attribute present (dynamic-array formula)

    def text(self) -> str:
        """The formula of this very cell (shared formulas translated)."""
        if self.kind == "shared" and self.anchor:
            return _translate(self.formula, self.anchor, self.cell)
        return self.formula


def _translate(formula: str, origin: str, dest: str) -> str:
    if origin == dest or not formula:
        return formula
    try:
        from openpyxl.formula.translate import Translator
        return Translator("=" + formula, origin).translate_formula(dest)[1:]
    except Exception:  # pragma: no cover - defensive
        return formula


def formula_cells(scan: SheetScan, sheet: str) -> list[FormulaCell]:
    """Every formula cell of one scanned sheet (array ranges expanded)."""
    out: list[FormulaCell] = []
    masters: dict[str, tuple[str, str]] = {}
    seen: set[str] = set()
    pending_shared: list[XmlCell] = []
    for c in scan.cells():
        if c.formula is None:
            continue
        t = c.f_attrs.get("t", "normal")
        dynamic = "cm" in c.attrs
        if t == "array" and c.f_attrs.get("ref"):
            ref = c.f_attrs["ref"]
            for row in range_cells(ref):
                for cell in row:
                    if cell not in seen:
                        seen.add(cell)
                        out.append(FormulaCell(sheet, cell, c.formula, "array", c.ref, ref, dynamic))
            continue
        if t == "shared":
            si = c.f_attrs.get("si", "")
            if c.formula:
                masters[si] = (c.formula, c.ref)
            elif si not in masters:
                pending_shared.append(c)
                continue
            else:
                base, origin = masters[si]
                if c.ref not in seen:
                    seen.add(c.ref)
                    out.append(FormulaCell(sheet, c.ref, base, "shared", origin, None, dynamic))
                continue
        if c.ref not in seen:
            seen.add(c.ref)
            out.append(FormulaCell(sheet, c.ref, c.formula, "normal" if t != "dataTable" else "dataTable",
                                   None, None, dynamic))
    for c in pending_shared:  # child written before its master (unusual)
        base, origin = masters.get(c.f_attrs.get("si", ""), ("", c.ref))
        if c.ref not in seen:
            seen.add(c.ref)
            out.append(FormulaCell(sheet, c.ref, base, "shared", origin, None, "cm" in c.attrs))
    return out


def workbook_formula_cells(path: str) -> tuple[WorkbookInfo, list[FormulaCell]]:
    with zipfile.ZipFile(path) as zf:
        info = read_workbook(zf)
        cells: list[FormulaCell] = []
        for s in info.sheets:
            cells.extend(formula_cells(scan_sheet(read_text(zf, s.part)), s.name))
    return info, cells
