"""The package guard: is this file a safe, bounded OOXML workbook? Checked before anything else reads it.

One entry point, :func:`check_package` (``path, limits -> PackageInfo``), raising :class:`PackageError`
(an :class:`~jidi_xl.errors.InputError`: every caller already reports those) whose problems name the
part, or the ``工作表!单元格``, and say what to do, in Chinese. Generic spreadsheet machinery: it knows
nothing of the standard workbook; a caller that does passes per-sheet maxima (:class:`SheetBounds`).

Checks, in order, each bounded in time and memory:

1. **a file, and a zip** — empty, too large, an OLE compound file (old ``.xls`` or a password-encrypted
   workbook), a JSON / HTML / CSV / text file renamed ``.xlsx``, a truncated or corrupt zip.
2. **a sane zip** — the entry count is read from the end-of-central-directory record *before*
   :class:`zipfile.ZipFile` builds its table; then per-member and total declared sizes, the declared
   compression ratio, encrypted members, exotic compression methods, duplicate part names (two readers
   could pick different copies), and the parts every workbook has (``[Content_Types].xml``, the workbook).
3. **macros** — ``vbaProject.bin``, Excel 4 macro sheets, ActiveX binaries, macro content types.
4. **every member streamed** once with a byte cap (never ``zf.read()`` of an untrusted member; the cap
   holds whatever the header says, and the CRC is verified): XML parts are refused on a DTD or entity
   declaration *before any parser sees the bytes*, on an encoding OOXML does not allow, on XML-illegal
   control characters (named by cell), and on malformed XML (a tree-less libxml2 parser fed chunk by
   chunk, entities and network off).
5. **sheet extents** — ``<c r=…>``, ``<row r=…>`` and the ``ref`` of merged cells, hyperlinks and
   array/shared formulas are scanned from the streamed XML: beyond the caller's :class:`SheetBounds` or
   Excel's grid, or a used rectangle larger than ``max_sheet_cells`` (formulas/openpyxl walk the whole
   rectangle: one stray cell at ``XFD1048576`` costs minutes and gigabytes), the cell is refused by name.
   ``<dimension>`` is only a claim and is not trusted either way.

A file is checked once: the verdict is memoised by file identity (device, inode, size, modification and
change times) and limits, so the engine, the reader and the batch can each ask without paying twice.

:func:`read_package` is the same check that also hands back what it inflated: the workbook part as read
(:class:`~._ooxml.WorkbookInfo`) and the bytes of the package skeleton and of every worksheet — the very bytes that
were checked, CRC-verified — so that a reader parses them without inflating the zip a second time (one pass over
the zip; nothing is parsed before the whole package has passed).
"""
from __future__ import annotations

import codecs
import math
import operator
import os
import re
import stat as _stat
import struct
import time
import zipfile
import zlib
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Iterable, Mapping

from lxml import etree

from ..errors import InputError, InputProblem
from . import _ooxml as ox

__all__ = ["CheckedPackage", "PackageError", "PackageInfo", "PackageLimits", "SheetBounds", "GENERIC_LIMITS",
           "check_package", "file_identity", "read_package", "EXCEL_MAX_ROW", "EXCEL_MAX_COL"]

# --------------------------------------------------------------------------- #
# Limits, declared once. A real submission (the standard template with a full 1,000-firm roster, saved
# by Excel or WPS) is ~60-300 KB on disk, its largest part < 1 MB inflated, ~30 parts; the limits leave
# two orders of magnitude of room and still bound time (< 2 s) and memory (one 64 KiB chunk per part).
# --------------------------------------------------------------------------- #
EXCEL_MAX_ROW, EXCEL_MAX_COL = 1_048_576, 16_384      # the grid of .xlsx (ECMA-376)
MAX_FILE_BYTES = 25 * 2**20        # on disk
MAX_MEMBERS = 500                  # zip entries (the template has 26; Excel adds calcChain, printer settings…)
MAX_PART_BYTES = 32 * 2**20        # one part, inflated
MAX_TOTAL_BYTES = 128 * 2**20      # all parts, inflated
MAX_RATIO = 200                    # inflated / compressed, for parts past RATIO_FLOOR (XML deflates 5-30x;
RATIO_FLOOR = 2**20                # a zero-filled bomb ~1000x)
MAX_SHEET_CELLS = 1_000_000        # rows x columns of a sheet's used rectangle (openpyxl walks all of it;
#                                    measured: 14 M cells = 68 s, 2 GB)
MAX_LISTED = 20                    # problems of one kind listed before "…另有 N 处"
MAX_LISTED_BEYOND = 5              # cells beyond a sheet's bounds listed (then "等 N 处")
_CHUNK = 64 * 2**10
MAX_KEPT_BYTES = 16 * 2**20        # inflated bytes read_package hands back (a real submission's sheets: < 1 MB);
#                                    beyond, it hands back none and the reader inflates what it reads itself
_MAX_TAG = 2**20                   # a start tag (or the run since the last '>') longer than this is refused


@dataclass(frozen=True)
class SheetBounds:
    """What a sheet may use: the last row and column (1-based), and a Chinese note on what the template
    allows there (shown with a cell beyond, e.g. "入驻企业名册最多 1000 行（第 4–1003 行）")."""
    max_row: int
    max_col: int
    note: str = ""


@dataclass(frozen=True)
class PackageLimits:
    max_file_bytes: int = MAX_FILE_BYTES
    max_members: int = MAX_MEMBERS
    max_part_bytes: int = MAX_PART_BYTES
    max_total_bytes: int = MAX_TOTAL_BYTES
    max_ratio: int = MAX_RATIO
    ratio_floor: int = RATIO_FLOOR
    max_sheet_cells: int = MAX_SHEET_CELLS
    sheets: tuple[tuple[str, SheetBounds], ...] = ()   # per-sheet maxima by sheet name (hashable)
    what: str = ".xlsx 工作簿"                           # how messages name the expected file

    def with_sheets(self, bounds: Mapping[str, SheetBounds], what: str | None = None) -> "PackageLimits":
        from dataclasses import replace
        return replace(self, sheets=tuple(sorted(bounds.items())), what=what or self.what)

    def bounds(self, sheet: str) -> SheetBounds | None:
        for name, b in self.sheets:
            if name == sheet:
                return b
        return None


GENERIC_LIMITS = PackageLimits()


@dataclass(frozen=True)
class PackageInfo:
    path: str
    workbook_part: str
    sheets: tuple[tuple[str, str], ...]                    # (sheet name, part)
    extents: Mapping[str, tuple[int, int]] = field(default_factory=dict)   # sheet -> (last row, last column)
    members: int = 0
    inflated: int = 0                                       # bytes
    seconds: float = 0.0


@dataclass(frozen=True)
class CheckedPackage:
    """A package that passed the guard (:func:`read_package`), with what the check read on the way."""
    info: PackageInfo
    # the workbook part as the guard read it: sheets, parts, defined names (None: the verdict was memoised)
    workbook: "ox.WorkbookInfo | None" = field(default=None, compare=False)
    # the inflated bytes of the package's rels, the workbook part and its rels and every worksheet, exactly as
    # zipfile would read them ({} when the verdict was memoised or they were beyond MAX_KEPT_BYTES)
    parts: Mapping[str, bytes] = field(default_factory=dict, compare=False)


class PackageError(InputError):
    """The file is not a safe, readable OOXML workbook; ``problems`` say where and what to do."""


# --------------------------------------------------------------------------- #
# messages
# --------------------------------------------------------------------------- #
_RESAVE = "请在 Excel 或 WPS 中打开，另存为“Excel 工作簿 (*.xlsx)”后重新提交"


def _fmt_bytes(n: int) -> str:
    return f"{n / 2**20:.1f} MB" if n >= 2**20 else f"{n / 2**10:.0f} KB" if n >= 2**10 else f"{n} 字节"


class _Fatal(Exception):
    def __init__(self, field: str, message: str, english: str = ""):
        super().__init__(message)
        self.problem = InputProblem(field, message, english)


# --------------------------------------------------------------------------- #
# 1. a file, and a zip
# --------------------------------------------------------------------------- #
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")


def _sniff(path: str, label: str, size: int, limits: PackageLimits) -> None:
    """Refuse what is plainly not a zip, saying what it looks like."""
    if size == 0:
        raise _Fatal(label, f"文件为空（0 字节），不是{limits.what}；请重新保存后提交", "empty file")
    if size > limits.max_file_bytes:
        raise _Fatal(label, f"文件过大（{_fmt_bytes(size)}，上限 {_fmt_bytes(limits.max_file_bytes)}），"
                            f"不像是填写好的{limits.what}；请删除无关内容（图片、附件）后另存为 .xlsx", "file too large")
    with open(path, "rb") as fh:
        head = fh.read(4096)
        if head.startswith(_OLE):
            fh.seek(0)
            encrypted = _ENCRYPTED_STREAM in fh.read(limits.max_file_bytes)
            if encrypted:
                raise _Fatal(label, "这是设置了打开密码的加密工作簿，无法读取；请在 Excel/WPS 中去除密码"
                                    "（文件 › 信息 › 保护工作簿 › 用密码进行加密，清空密码）并另存为 .xlsx",
                             "password-encrypted workbook")
            raise _Fatal(label, "这是旧版 Excel 97-2003 工作簿（.xls）或加密的工作簿，不是 .xlsx；"
                                "请在 Excel/WPS 中去除密码并另存为 .xlsx（Excel 工作簿）", "OLE compound file (.xls or encrypted)")
    if head[:4] in (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08"):
        return
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if label.lower().endswith(".json") or text[:1] in (b"{", b"["):
        raise _Fatal(label, f"这是 JSON 文件（案例文件？），不是{limits.what}；JSON 案例请用 "
                            "`jidi-xl evaluate 文件.json` 评价", "a JSON file given to a workbook command")
    if text.startswith((b"<!doctype html", b"<html", b"<table", b"<?xml")) or b"<html" in text[:512]:
        raise _Fatal(label, f"这是网页/XML 文件（某些系统导出的“Excel”其实是 HTML），不是{limits.what}；{_RESAVE}",
                     "HTML/XML renamed .xlsx")
    if b"\x00" not in head and _is_text(head):
        raise _Fatal(label, f"这是文本/CSV 文件，不是{limits.what}；{_RESAVE}", "text/CSV renamed .xlsx")
    raise _Fatal(label, f"不是{limits.what}（文件头 {head[:4].hex(' ')} 不是 ZIP）；{_RESAVE}", "not a zip file")


def _is_text(b: bytes) -> bool:
    for enc in ("utf-8", "gb18030"):
        try:
            b.decode(enc)
            return True
        except UnicodeDecodeError as exc:
            if exc.start > len(b) - 4:   # cut inside the last character of the sample
                return True
    return False


_EOCD = b"PK\x05\x06"
_EOCD64_LOC = b"PK\x06\x07"


def _entry_count(path: str, size: int, label: str) -> int:
    """Entries declared by the end-of-central-directory record (zip64 aware), read from the file's
    tail — before zipfile allocates a ZipInfo per entry."""
    with open(path, "rb") as fh:
        tail_len = min(size, 22 + 65535 + 20)
        fh.seek(size - tail_len)
        tail = fh.read(tail_len)
        i = tail.rfind(_EOCD)
        if i < 0 or len(tail) - i < 22:
            raise _Fatal(label, "文件不完整或已损坏（找不到 ZIP 目录，可能下载或复制未完成）；请重新保存或重新提交", "truncated zip")
        count = struct.unpack("<H", tail[i + 10:i + 12])[0]
        if count == 0xFFFF and i >= 20 and tail[i - 20:i - 16] == _EOCD64_LOC:
            off = struct.unpack("<Q", tail[i - 12:i - 4])[0]
            if off + 56 <= size:
                fh.seek(off)
                rec = fh.read(56)
                if rec[:4] == b"PK\x06\x06":
                    count = struct.unpack("<Q", rec[32:40])[0]
        return count


# --------------------------------------------------------------------------- #
# 4. XML bytes
# --------------------------------------------------------------------------- #
_RE_DTD = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY|ELEMENT|ATTLIST|NOTATION)", re.I)
_RE_CTRL = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]|\xef\xbf[\xbe\xbf]"
                      rb"|&#(?:x0*(?:[0-8bcefBCEF]|1[0-9a-fA-F]|[fF]{3}[eEfF])|0*(?:[0-8]|1[124-9]|2[0-9]|3[01]|6553[45]));")
_RE_DECL_ENC = re.compile(rb"""^<\?xml[^>]*?encoding\s*=\s*["']([^"']*)["']""")
_OK_ENCODINGS = {"utf-8", "utf8", "utf-16", "utf16", "utf-16le", "utf-16be"}
# sheet scanning: start tags that place cells or cover ranges openpyxl (or we) expand. Found loosely, then
# re-read strictly: the attributes of <c>/<row>/<f> never hold quotes, '<' or '>' when Excel, WPS,
# XlsxWriter or LibreOffice write them, and a tag that hides one (c foo='" r="A1"' r="XFD1048576") would
# be read differently by a regular expression and by a real parser — refused.
_RE_TAG_START = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(c|row|f|mergeCell|hyperlink)(?=[\s/>])")
_ATTRS_PLAIN = rb"""((?:\s+[A-Za-z_][\w:.-]*\s*=\s*(?:"[^"'<>]*"|'[^"'<>]*'))*)\s*/?>"""
_ATTRS_TEXT = rb"""((?:\s+[A-Za-z_][\w:.-]*\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*/?>"""
_RE_TAG_PLAIN = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(?:c|row|f)" + _ATTRS_PLAIN)
_RE_TAG_TEXT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(?:mergeCell|hyperlink)" + _ATTRS_TEXT)
# the fast path over a piece: every <c> with a plain address and no quote ' in a c/row/f tag (Excel, WPS,
# XlsxWriter never write one there; a "'" could hide a fake r="…") -> extents from one findall()
_RE_QUOTE_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(?:c|row|f)\s[^>]*'")
_RE_C_ANY = re.compile(rb"""<(?:[A-Za-z_][\w.-]*:)?c(?=[\s/>])(?:[^>]*?(?<![\w:.-])r\s*=\s*"([A-Z]{1,3})([0-9]{1,7})")?""")
_RE_C_FIRST = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"')   # the form Excel, WPS and XlsxWriter write
# a stored number that is not finite: inf/nan spelled out, or an exponent beyond the float range (1e999)
_RE_V_NONFINITE = re.compile(rb"<v>\s*([-+]?(?:inf|infinity|nan)|[-+]?[0-9.]+[eE][-+]?[0-9]{3,})\s*</v>", re.I)
_RE_ROW_EMPTY = re.compile(rb'<row r="([0-9]{1,7})"[^>]*?(?:/>|>\s*</row>)')   # as Excel, WPS, XlsxWriter write it
_RE_MERGE_PLAIN = re.compile(rb'<mergeCell ref="([A-Z]{1,3}[0-9]{1,7}(?::[A-Z]{1,3}[0-9]{1,7})?)"\s*/>')
_RE_F_ATTRS = re.compile(rb"<f ([^>]*)>")
_RE_HYPERLINK = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(hyperlink)(?=[\s/>])")
# -> the tag-by-tag walk (two patterns: one alternation of both is 30x slower in re)
_RE_UNUSUAL_C = re.compile(rb"<c[>/\t\n\r]")
_RE_PREFIXED = re.compile(rb":(?:c|f|row) |:mergeCell|:hyperlink")
_RE_RANGE_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(f|mergeCell|hyperlink)(?=[\s/>])")
_RE_ATTR_R = re.compile(rb"""(?<![\w:.-])r\s*=\s*["']([^"']*)["']""")
_RE_ATTR_REF = re.compile(rb"""(?<![\w:.-])ref\s*=\s*["']([^"']*)["']""")
_RE_ONE_ATTR = re.compile(rb"""\s+([A-Za-z_][\w:.-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_RE_CELL = re.compile(rb"^\$?([A-Za-z]{1,3})\$?([0-9]{1,7})$")
_RE_LAST_CELL = re.compile(rb"""<(?:[A-Za-z_][\w.-]*:)?c\s[^>]*?(?<![\w:.-])r\s*=\s*["']([^"']*)["']""")
_RE_SI = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?si(?=[\s/>])")


class _NullTarget:
    """libxml2 SAX target that keeps nothing: well-formedness only, constant memory."""

    def close(self):
        return None


def _wf_parser() -> etree.XMLParser:
    return etree.XMLParser(target=_NullTarget(), resolve_entities=False, no_network=True, load_dtd=False,
                           huge_tree=False, dtd_validation=False)


def _cell(ref: bytes) -> tuple[int, int] | None:
    m = _RE_CELL.match(ref)
    if not m:
        return None
    r, c = int(m.group(2)), ox.col2num(m.group(1).decode())
    if not (1 <= r <= EXCEL_MAX_ROW and 1 <= c <= EXCEL_MAX_COL):
        return None
    return r, c


_FIRST, _SECOND = operator.itemgetter(0), operator.itemgetter(1)


class _SheetState:
    """Running extent of one sheet while its XML streams by."""

    def __init__(self, name: str, bounds: SheetBounds | None):
        self.name = name
        self.bounds = bounds
        self.row = 0
        self.col = 0
        self.max_row = 0
        self.max_col = 0
        self.beyond: list[str] = []
        self.n_beyond = 0
        self.bad_refs: list[str] = []

    def place(self, r: int, c: int, what: str) -> None:
        if r > self.max_row:
            self.max_row = r
        if c > self.max_col:
            self.max_col = c
        b = self.bounds
        if b is not None and (r > b.max_row or c > b.max_col):
            self.n_beyond += 1
            if len(self.beyond) < MAX_LISTED_BEYOND:
                self.beyond.append(what)

    def tags(self, data: bytes) -> None:
        """Extents of one piece of complete tags: one C-level findall() when the piece is ordinary
        (~1 ms for a filled workbook); the tag-by-tag walk otherwise, and to list cells beyond bounds."""
        if b"<row" in data:
            # empty rows beyond the bounds still cost the loaders a pass each (10^6 empty rows: 37 s); a row
            # holding cells is named through its cells below
            b = self.bounds
            if b is not None:
                empty = _RE_ROW_EMPTY.findall(data)
                if empty and max(map(int, empty)) > b.max_row:      # (only then is each one looked at)
                    for r in empty:
                        if int(r) > b.max_row:
                            self.place(int(r), 1, f"第 {int(r)} 行")
        refs = None
        n = data.count(b"<c ")
        unusual = _RE_UNUSUAL_C.search(data) is not None or _RE_PREFIXED.search(data) is not None
        if not unusual and n == data.count(b'<c r="'):
            # every cell tag starts with its address (a duplicate r would be malformed XML: libxml2 refuses it)
            refs = _RE_C_FIRST.findall(data)
            if len(refs) != n:
                refs = None
        elif b"'" not in data or _RE_QUOTE_TAG.search(data) is None:
            refs = _RE_C_ANY.findall(data)
            if refs.count((b"", b"")):
                refs = None
        if refs is None or unusual:
            return self._walk(data)
        if refs:
            r = max(map(int, set(map(_SECOND, refs))))
            c = ox.col2num(max(set(map(_FIRST, refs)), key=lambda x: (len(x), x)).decode())
            b = self.bounds
            if not (r <= EXCEL_MAX_ROW and c <= EXCEL_MAX_COL and (b is None or (r <= b.max_row and c <= b.max_col))):
                return self._walk(data)
            self.max_row, self.max_col = max(self.max_row, r), max(self.max_col, c)
            self.row, self.col = int(refs[-1][1]), ox.col2num(refs[-1][0].decode())
        # ranges openpyxl (or we) expand: merged cells, array/shared formula masters, hyperlinks
        ranges = []
        if b"<mergeCell" in data:
            ranges = _RE_MERGE_PLAIN.findall(data)
            if len(ranges) != data.count(b"<mergeCell ") + data.count(b"<mergeCell/") + data.count(b"<mergeCell\t") \
                    + data.count(b"<mergeCell\n") + data.count(b"<mergeCell\r"):
                return self._walk(data, _RE_RANGE_TAG)
        if b"<f " in data:
            for attrs in _RE_F_ATTRS.findall(data):
                if b"ref" in attrs:
                    if b"'" in attrs:
                        return self._walk(data, _RE_RANGE_TAG)
                    m = _RE_ATTR_REF.search(attrs)
                    if m:
                        ranges.append(m.group(1))
        for ref in ranges:
            a, _, z = ref.partition(b":")
            ca, cb = _cell(a), _cell(z or a)
            if ca is None or cb is None:
                self._bad(ref)
                continue
            self.place(max(ca[0], cb[0]), max(ca[1], cb[1]), f"{ref.decode()}")
        if b"<hyperlink" in data:
            self._walk(data, _RE_HYPERLINK)

    def _walk(self, data: bytes, starts: re.Pattern = _RE_TAG_START) -> None:
        for m in starts.finditer(data):
            tag = m.group(1)
            sm = (_RE_TAG_PLAIN if tag in (b"c", b"row", b"f") else _RE_TAG_TEXT).match(data, m.start())
            if sm is None:
                self._bad(data[m.start():m.start() + 40], odd=True)
                continue
            attrs = {a.group(1): a.group(2) if a.group(2) is not None else a.group(3)
                     for a in _RE_ONE_ATTR.finditer(sm.group(1))}
            if tag == b"c":
                ref = attrs.get(b"r")
                if ref is not None:
                    rc = _cell(ref)
                    if rc is None:
                        self._bad(ref)
                        continue
                    self.row, self.col = rc
                else:                           # no address: the next column of the current row
                    self.row, self.col = max(self.row, 1), self.col + 1
                self.place(self.row, self.col, ox.a1(self.row, self.col))
            elif tag == b"row":
                ref = attrs.get(b"r")
                if ref is not None:
                    if not ref.isdigit() or not 1 <= int(ref) <= EXCEL_MAX_ROW:
                        self._bad(b"row " + ref)
                        continue
                    self.row = int(ref)
                else:
                    self.row += 1
                self.col = 0        # a row with no cell uses nothing within the bounds (tags() names empty rows beyond them)
            else:                   # f / mergeCell / hyperlink: a range openpyxl (or we) expand
                ref = attrs.get(b"ref")
                if ref is None:
                    continue
                a, _, b = ref.partition(b":")
                ca, cb = _cell(a), _cell(b or a)
                if ca is None or cb is None:
                    self._bad(ref)
                    continue
                self.place(max(ca[0], cb[0]), max(ca[1], cb[1]), f"{tag.decode()} {ref.decode()}")

    def _bad(self, ref: bytes, odd: bool = False) -> None:
        if len(self.bad_refs) < MAX_LISTED:
            text = ref.decode("utf-8", "replace")[:40]
            self.bad_refs.append(f"非常规的标签 {text}…" if odd else text)


def _control_where(buf: bytes, pos: int, kind: str, si_before: int) -> str:
    """Name the place of a control character: the cell (sheet) or the shared string's ordinal."""
    if kind == "sheet":
        m = None
        for m in _RE_LAST_CELL.finditer(buf, max(0, pos - 4096), pos):  # noqa: B007 — keeps the last match
            pass
        return m.group(1).decode("utf-8", "replace") if m else ""
    if kind == "sst":
        return str(si_before + len(_RE_SI.findall(buf, 0, pos)) - 1)
    return ""


@dataclass
class _PartReport:
    size: int = 0
    control: list[str] = field(default_factory=list)     # cells (sheets) / 0-based string indices (sst)
    n_control: int = 0
    malformed: str = ""


def _stream_member(zf: zipfile.ZipFile, zi: zipfile.ZipInfo, limits: PackageLimits, budget: list[int],
                   xml: bool, kind: str = "", sheet: _SheetState | None = None, parse: bool = True,
                   control: bool = False, keep: list[bytes] | None = None) -> _PartReport:
    """Inflate one member chunk by chunk under the caps; for XML, check the bytes, then (only then) feed
    them to a tree-less parser. UTF-16 parts are transcoded to UTF-8 for both. ``keep``: a list the inflated
    chunks are appended to, as read (before any transcoding)."""
    name = zi.filename
    rep = _PartReport()
    parser = _wf_parser() if xml and parse else None
    decoder = None
    carry = b""
    si_seen = 0
    first = True

    def checked(piece: bytes) -> None:
        nonlocal si_seen
        _check_bytes(piece, name, rep, kind, si_seen, sheet, control)
        if kind == "sst":
            si_seen += len(_RE_SI.findall(piece))
        if parser is not None and not rep.n_control and piece:
            parser.feed(piece)

    try:
        with zf.open(zi) as fh:
            while True:
                chunk = fh.read(_CHUNK)
                if not chunk:
                    break
                rep.size += len(chunk)
                budget[0] += len(chunk)
                if keep is not None:
                    keep.append(chunk)
                if rep.size > limits.max_part_bytes:
                    raise _Fatal(name, f"部件解压后超过 {_fmt_bytes(limits.max_part_bytes)}（压缩炸弹？），拒绝读取；"
                                       f"这不是正常的工作簿，{_RESAVE}", "part too large when inflated (zip bomb)")
                if budget[0] > limits.max_total_bytes:
                    raise _Fatal(name, f"工作簿解压后总量超过 {_fmt_bytes(limits.max_total_bytes)}（压缩炸弹？），拒绝读取；"
                                       f"{_RESAVE}", "package too large when inflated (zip bomb)")
                if not xml:
                    continue
                if first:
                    first = False
                    bom = chunk[:2]
                    if bom in (b"\xff\xfe", b"\xfe\xff", b"<\x00", b"\x00<"):
                        enc = "utf-16" if bom in (b"\xff\xfe", b"\xfe\xff") else "utf-16-le" if bom == b"<\x00" else "utf-16-be"
                        decoder = codecs.getincrementaldecoder(enc)()
                    else:
                        m = _RE_DECL_ENC.match(chunk.lstrip(b"\xef\xbb\xbf"))
                        if m and m.group(1).decode("ascii", "replace").lower() not in _OK_ENCODINGS:
                            raise _Fatal(name, f"XML 编码 {m.group(1).decode('ascii', 'replace')!r} 不被允许"
                                               f"（OOXML 只用 UTF-8/UTF-16）；{_RESAVE}", "XML encoding not allowed")
                if decoder is not None:
                    chunk = decoder.decode(chunk).encode("utf-8", "surrogatepass")
                    if carry == b"" and rep.size <= _CHUNK:   # the transcoded text now is UTF-8: say so
                        chunk = _RE_DECL_UTF16.sub(rb"\1UTF-8\2", chunk, count=1)
                buf = carry + chunk
                cut = buf.rfind(b"<")           # tags never hold a raw '<': all before it is complete
                if cut <= 0:
                    cut = buf.rfind(b">") + 1
                if len(buf) - cut > _MAX_TAG:
                    cut = len(buf)
                checked(buf[:cut])
                carry = buf[cut:]
            if xml:
                if decoder is not None:
                    carry += decoder.decode(b"", final=True).encode("utf-8", "surrogatepass")
                checked(carry)
                if parser is not None and not rep.n_control:
                    parser.close()
    except etree.XMLSyntaxError as exc:
        rep.malformed = _syntax(exc)
    except _Fatal:
        raise
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError, ValueError, NotImplementedError,
            UnicodeError) as exc:
        raise _Fatal(name, f"部件已损坏，无法解压（{type(exc).__name__}: {exc}）；文件可能不完整，请重新保存或重新提交",
                     "corrupt zip member") from None
    return rep


_RE_DECL_UTF16 = re.compile(rb"""^(\s*<\?xml[^>]*?encoding\s*=\s*["'])[Uu][Tt][Ff]-?16(?:[LlBb][Ee])?(["'])""")


def _syntax(exc: etree.XMLSyntaxError) -> str:
    line, col = getattr(exc, "position", (getattr(exc, "lineno", 0), 0))
    return f"第 {line} 行第 {col} 列：{getattr(exc, 'msg', exc)}"


def _check_bytes(data: bytes, name: str, rep: _PartReport, kind: str, si_seen: int, sheet: _SheetState | None,
                 control: bool = False) -> None:
    if not data:
        return
    m = _RE_DTD.search(data)
    if m:
        raise _Fatal(name, f"XML 中含有文档类型定义或实体声明（{m.group(0).decode('ascii', 'replace')}…），"
                           f"可能是 XXE/“十亿笑声”攻击，拒绝读取；正常的 Excel/WPS 工作簿不含这些内容，{_RESAVE}",
                     "DTD / entity declaration in XML (XXE, billion laughs)")
    for c in _RE_CTRL.finditer(data) if control else ():
        rep.n_control += 1
        if len(rep.control) < MAX_LISTED:
            rep.control.append(_control_where(data, c.start(), kind, si_seen))
    if sheet is not None:
        sheet.tags(data)
        if b"<v>" in data:
            for v in _RE_V_NONFINITE.finditer(data):
                if not math.isfinite(float(v.group(1))):
                    raise _Fatal(f"{sheet.name}!{_control_where(data, v.start(), 'sheet', 0)}",
                                 f"单元格中存的数值 {v.group(1).decode()[:20]} 不是有限的数字（无穷大/非数），"
                                 f"正常的 Excel/WPS 不会写出；请填写实际数值，{_RESAVE}", "non-finite number in a cell")


# --------------------------------------------------------------------------- #
# the entry point
# --------------------------------------------------------------------------- #
_MACRO_NAME = re.compile(r"(?i)(vbaproject|vbadata|^xl/macrosheets/|^xl/activex/.*\.bin$|^xl/intl-macrosheets/)")
_MACRO_CT = re.compile(r"(?i)(macroenabled|vbaproject|macrosheet|activex|ms-office\.vba)")
_XML_EXT = (".xml", ".rels")
_DTD_ONLY_EXT = (".vml",)          # legacy VML is not well-formed XML by design: DTD check only
_STRICT_NS = b"http://purl.oclc.org/ooxml/spreadsheetml/main"

_CACHE: "OrderedDict[tuple, PackageInfo | PackageError]" = OrderedDict()
_CACHE_SIZE = 256


def check_package(path: str | os.PathLike, limits: PackageLimits = GENERIC_LIMITS) -> PackageInfo:
    """Check that ``path`` is a safe, bounded OOXML workbook (module doc); raise :class:`PackageError`.

    The file is only opened for reading. The verdict is memoised per file identity and ``limits``."""
    return _guard(path, limits, keep=False).info


def read_package(path: str | os.PathLike, limits: PackageLimits = GENERIC_LIMITS) -> CheckedPackage:
    """:func:`check_package`, handing back the workbook part as read and the inflated bytes of the skeleton and
    the worksheets (:class:`CheckedPackage`) — only once the whole package has passed. When the verdict is
    memoised (the file was checked already), nothing is inflated again and ``workbook``/``parts`` are empty."""
    return _guard(path, limits, keep=True)


def file_identity(path: str | os.PathLike) -> tuple:
    """What the memo knows a file by: its real path, device, inode, size, modification and change times (a
    rewrite, a copy over it or a touch changes one of them). Raises OSError."""
    p = os.fspath(path)
    st = os.stat(p)
    return os.path.realpath(p), st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, st.st_ctime_ns


def _guard(path: str | os.PathLike, limits: PackageLimits, keep: bool) -> CheckedPackage:
    p = os.fspath(path)
    label = os.path.basename(p) or p
    try:
        ident = file_identity(p)
    except OSError as exc:
        raise PackageError([InputProblem(label, f"无法读取文件（{exc.strerror or exc}）；请确认路径正确、文件存在且可读",
                                         "cannot read the file")], p) from None
    size = ident[3]
    key = (*ident, limits)
    hit = _CACHE.get(key)
    if hit is not None:
        _CACHE.move_to_end(key)
        if isinstance(hit, PackageError):
            raise PackageError(hit.problems, p)
        return CheckedPackage(hit)
    kept: dict[str, bytes] | None = {} if keep else None
    try:
        checked = _check(p, label, size, limits, kept)
        out: PackageInfo | PackageError = checked.info
    except PackageError as exc:
        out = exc
    _CACHE[key] = out
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    if isinstance(out, PackageError):
        raise PackageError(out.problems, p)
    return checked


def _check(path: str, label: str, size: int, limits: PackageLimits, kept: dict[str, bytes] | None) -> CheckedPackage:
    t0 = time.perf_counter()
    if not _stat.S_ISREG(os.stat(path).st_mode):
        raise PackageError([InputProblem(label, "不是普通文件（是文件夹或设备）；请给出 .xlsx 文件的路径", "not a regular file")], path)
    try:
        _sniff(path, label, size, limits)
        n = _entry_count(path, size, label)
        if n > limits.max_members:
            raise _Fatal(label, f"ZIP 中有 {n} 个部件（上限 {limits.max_members}），不是正常的工作簿；{_RESAVE}",
                         "too many zip members")
        try:
            zf = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, ValueError, NotImplementedError,
                struct.error) as exc:
            raise _Fatal(label, f"文件不完整或已损坏（ZIP 结构无法读取：{exc}）；请重新保存或重新提交",
                         "corrupt or truncated zip") from None
        with zf:
            return _check_zip(zf, path, label, limits, t0, kept)
    except _Fatal as f:
        raise PackageError([f.problem], path) from None
    except PackageError:
        raise
    except (OSError, MemoryError, RecursionError) as exc:   # the disk, not the applicant
        raise PackageError([InputProblem(label, f"读取文件时出错（{type(exc).__name__}: {exc}）；请重试或检查磁盘",
                                         "I/O error while reading")], path) from None


def _check_zip(zf: zipfile.ZipFile, path: str, label: str, limits: PackageLimits, t0: float,
               kept: dict[str, bytes] | None) -> CheckedPackage:
    """``kept``: a dict that receives the inflated bytes of the parts a reader needs (None: keep nothing)."""
    members = zf.infolist()
    if len(members) > limits.max_members:
        raise _Fatal(label, f"ZIP 中有 {len(members)} 个部件（上限 {limits.max_members}）；{_RESAVE}", "too many zip members")
    seen: dict[str, str] = {}
    declared = 0
    for zi in members:
        low = zi.filename.lower()
        if low in seen:
            raise _Fatal(zi.filename, f"ZIP 中部件名重复（{seen[low]} 与 {zi.filename}），不同程序会读到不同内容；"
                                      f"拒绝读取，{_RESAVE}", "duplicate part name")
        seen[low] = zi.filename
        parts = zi.filename.replace("\\", "/").split("/")
        if zi.filename.startswith(("/", "\\")) or ".." in parts or ":" in parts[0]:
            raise _Fatal(zi.filename, f"ZIP 中的部件名不安全（绝对路径或“..”路径穿越：{zi.filename[:80]}），"
                                      f"正常的工作簿不会这样；拒绝读取，{_RESAVE}", "unsafe part name (path traversal)")
        if zi.flag_bits & 0x1:
            raise _Fatal(zi.filename, "部件被加密（ZIP 密码），无法读取；请去除密码并另存为 .xlsx", "encrypted zip member")
        if zi.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _Fatal(zi.filename, f"部件使用了不支持的压缩方式（{zi.compress_type}）；{_RESAVE}", "unsupported compression")
        if zi.file_size > limits.max_part_bytes:
            raise _Fatal(zi.filename, f"部件解压后为 {_fmt_bytes(zi.file_size)}（上限 {_fmt_bytes(limits.max_part_bytes)}，"
                                      f"压缩炸弹？），拒绝读取；{_RESAVE}", "part too large (zip bomb)")
        if zi.file_size > limits.ratio_floor and zi.file_size > limits.max_ratio * max(zi.compress_size, 1):
            raise _Fatal(zi.filename, f"部件压缩比异常（{zi.file_size // max(zi.compress_size, 1)}:1，上限 {limits.max_ratio}:1，"
                                      f"压缩炸弹？），拒绝读取；{_RESAVE}", "compression ratio too high (zip bomb)")
        declared += zi.file_size
    if declared > limits.max_total_bytes:
        raise _Fatal(label, f"工作簿解压后共 {_fmt_bytes(declared)}（上限 {_fmt_bytes(limits.max_total_bytes)}，压缩炸弹？），"
                            f"拒绝读取；{_RESAVE}", "package too large (zip bomb)")
    names = {zi.filename: zi for zi in members}
    macro = [n for n in names if _MACRO_NAME.search(n)]
    if macro:
        raise _Fatal(macro[0], f"工作簿含有宏或 ActiveX 代码（{macro[0]}），为安全起见不予处理；"
                               "请在 Excel/WPS 中另存为不含宏的“Excel 工作簿 (*.xlsx)”后重新提交", "macro-enabled workbook")
    if "[Content_Types].xml" not in names:
        _not_workbook(names, label, "[Content_Types].xml")

    budget = [0]
    problems: list[InputProblem] = []

    kept_bytes = [0]

    def stream(zi: zipfile.ZipInfo, kind: str = "", sheet: _SheetState | None = None, keep: bool = False) -> _PartReport:
        nonlocal kept
        low = zi.filename.lower()
        xml = low.endswith(_XML_EXT)
        chunks: list[bytes] | None = [] if keep and kept is not None else None
        # VML is XML-like but not well-formed by design: its bytes are checked, not parsed; binaries only counted
        rep = _stream_member(zf, zi, limits, budget, xml or low.endswith(_DTD_ONLY_EXT), kind, sheet, parse=xml,
                             keep=chunks)
        if chunks is not None and kept is not None:
            kept_bytes[0] += rep.size
            if kept_bytes[0] > MAX_KEPT_BYTES:      # bounded memory: the reader inflates what it needs itself
                kept = None
            else:
                kept[zi.filename] = b"".join(chunks)
        if rep.malformed:
            # libxml2 refuses XML-illegal characters too; only then look for them, to name the cells
            again = _stream_member(zf, zi, limits, [0], True, kind, None, parse=False, control=True)
            rep.control, rep.n_control = again.control, again.n_control
        where = sheet.name if sheet is not None else zi.filename
        if rep.n_control:
            if kind == "sheet":
                cells = "、".join(f"{where}!{c}" if c else where for c in rep.control)
            elif kind == "sst":
                cells = "共享字符串第 " + "、".join(str(int(c) + 1) for c in rep.control if c) + " 条"
            else:
                cells = zi.filename
            more = f"（另有 {rep.n_control - len(rep.control)} 处）" if rep.n_control > len(rep.control) else ""
            first = f"{where}!{rep.control[0]}" if kind == "sheet" and rep.control and rep.control[0] else where
            problems.append(InputProblem(first if kind != "sst" else zi.filename,
                                         f"含有 XML 不允许的控制字符：{cells}{more}；请删除这些单元格中的不可见字符"
                                         "（可用 Excel 的 CLEAN 函数），或重新输入后保存", "XML-illegal control characters"))
        elif rep.malformed:
            what = f"工作表「{sheet.name}」（{zi.filename}）" if sheet is not None else zi.filename
            problems.append(InputProblem(where, f"{what} 不是合法的 XML（{rep.malformed}），文件已损坏；{_RESAVE}",
                                         "malformed XML"))
        return rep

    # the package skeleton first: content types, package rels, the workbook and its rels
    ct = stream(names["[Content_Types].xml"], keep=True)
    if not problems:
        root = etree.fromstring(ox._member(zf, "[Content_Types].xml", kept), ox._XML_PARSER)
        bad = [el.get("ContentType", "") for el in root if isinstance(el.tag, str)
               and _MACRO_CT.search(el.get("ContentType", ""))]
        if bad:
            raise _Fatal("[Content_Types].xml", f"工作簿声明了宏内容类型（{bad[0]}），为安全起见不予处理；"
                                                "请另存为不含宏的“Excel 工作簿 (*.xlsx)”后重新提交", "macro content type")
    del ct
    if "_rels/.rels" in names:
        stream(names["_rels/.rels"], keep=True)
    if problems:
        raise PackageError(problems, path)
    wb_part = ox.workbook_part(zf, kept)
    if wb_part not in names:
        _not_workbook(names, label, wb_part)
    stream(names[wb_part], keep=True)
    rels = ox.rels_part_of(wb_part)
    if rels in names:
        stream(names[rels], keep=True)
    if problems:
        raise PackageError(problems, path)
    if _STRICT_NS in (kept[wb_part] if kept is not None else zf.read(wb_part))[:4096]:
        raise _Fatal(wb_part, "这是“Strict Open XML 电子表格”格式，本工具不支持；请另存为“Excel 工作簿 (*.xlsx)”",
                     "Strict OOXML")
    info = ox.read_workbook(zf, kept)
    sheet_of = {s.part: s.name for s in info.sheets}
    done = {"[Content_Types].xml", "_rels/.rels", wb_part, rels}
    states: dict[str, _SheetState] = {}
    bad_si: list[int] = []
    sst_part = None
    for zi in members:
        if zi.filename in done:
            continue
        if zi.filename in sheet_of:
            st = states[zi.filename] = _SheetState(sheet_of[zi.filename], limits.bounds(sheet_of[zi.filename]))
            stream(zi, "sheet", st, keep=True)
        elif zi.filename.lower().endswith("sharedstrings.xml"):
            sst_part = zi.filename
            rep = stream(zi, "sst")
            bad_si = [int(c) for c in rep.control if c]
        else:
            stream(zi)
    for st in states.values():
        _extent_problems(st, limits, problems)
    if bad_si and sst_part:
        _name_string_cells(zf, info, bad_si, problems)
    if problems:
        raise PackageError(problems, path)
    return CheckedPackage(PackageInfo(path, wb_part, tuple((s.name, s.part) for s in info.sheets),
                                      {st.name: (st.max_row, st.max_col) for st in states.values()},
                                      len(members), budget[0], time.perf_counter() - t0),
                          info, kept or {})


def _not_workbook(names: Iterable[str], label: str, missing: str) -> None:
    names = list(names)
    if "mimetype" in names or "content.xml" in names:
        raise _Fatal(label, "这是 OpenDocument 表格（.ods），不是 .xlsx；请在 WPS/LibreOffice 中另存为“Excel 工作簿 (*.xlsx)”",
                     "OpenDocument spreadsheet")
    if any(n.endswith(".bin") and n.startswith("xl/workbook") for n in names):
        raise _Fatal(label, "这是 Excel 二进制工作簿（.xlsb），不是 .xlsx；请另存为“Excel 工作簿 (*.xlsx)”", ".xlsb workbook")
    if any(n.startswith("word/") for n in names) or any(n.startswith("ppt/") for n in names):
        raise _Fatal(label, "这是 Word/PowerPoint 文档，不是 Excel 工作簿；请提交填写好的 .xlsx 评价工作簿", "not a spreadsheet")
    raise _Fatal(label, f"ZIP 中缺少 {missing}，不是 Excel 工作簿；{_RESAVE}", f"missing {missing}")


def _extent_problems(st: _SheetState, limits: PackageLimits, problems: list[InputProblem]) -> None:
    if st.bad_refs:
        problems.append(InputProblem(st.name, f"工作表「{st.name}」中有无效的单元格地址（{'、'.join(st.bad_refs)}），"
                                              f"文件已损坏；{_RESAVE}", "invalid cell reference"))
    if st.n_beyond and st.bounds is not None:       # cells are "beyond" only where the sheet has bounds
        b = st.bounds
        more = f"等 {st.n_beyond} 处" if st.n_beyond > len(st.beyond) else ""
        where = "、".join(f"{st.name}!{w}" for w in st.beyond)
        allow = b.note or f"该工作表最多使用到第 {b.max_row} 行、第 {ox.num2col(b.max_col)} 列"
        problems.append(InputProblem(
            f"{st.name}!{st.beyond[0]}",
            f"超出标准模板的范围：{where}{more}；{allow}。超出部分不会被计算；请删除这些单元格"
            f"（整行/整列删除，而不只是清除内容），只在黄色输入区域内填写", "cell beyond the template's range"))
    elif st.max_row * st.max_col > limits.max_sheet_cells:
        problems.append(InputProblem(
            f"{st.name}!{ox.a1(st.max_row, st.max_col)}",
            f"工作表「{st.name}」的使用区域 A1:{ox.a1(st.max_row, st.max_col)} 过大（{st.max_row * st.max_col:,} 个单元格，"
            f"上限 {limits.max_sheet_cells:,}），通常是远处有一个误输入的单元格；请删除多余的行和列后保存",
            "used range too large"))


_RE_S_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c(?=[\s>])([^>]*)>\s*<(?:[A-Za-z_][\w.-]*:)?v>\s*([0-9]+)\s*<")


def _name_string_cells(zf: zipfile.ZipFile, info: ox.WorkbookInfo, bad: list[int], problems: list[InputProblem]) -> None:
    """Shared strings with control characters: the cells that show them (error path only; parts verified)."""
    want = set(bad)
    cells: list[str] = []
    for s in info.sheets:
        data = zf.read(s.part)
        for m in _RE_S_CELL.finditer(data):
            if int(m.group(2)) in want and re.search(rb"""(?<![\w:.-])t\s*=\s*["']s["']""", m.group(1)):
                rr = _RE_ATTR_R.search(m.group(1))
                if rr:
                    cells.append(f"{s.name}!{rr.group(1).decode('utf-8', 'replace')}")
    if cells:
        problems.append(InputProblem(cells[0], f"含有 XML 不允许的控制字符的单元格：{'、'.join(cells[:MAX_LISTED])}"
                                               f"{'等' if len(cells) > MAX_LISTED else ''}；请删除其中的不可见字符后保存",
                                     "cells showing control characters"))
