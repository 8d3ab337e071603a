"""Normalise Excel-saved add-in calls so that ``formulas`` can load a workbook.

When Excel saves a workbook whose formulas call functions of an add-in
(.xlam), the calls are stored with an external-book qualifier::

    <f>[1]!JIDI_SIZE_CLASS(B2)</f>                 (usual form, [1] = 1st external link)
    <f>'C:\\...\\jidi.xlam'!JIDI_SIZE_CLASS(B2)</f>  (path form; also '[1]'!, jidi.xlam!)

together with ``xl/externalLinks/externalLinkN.xml`` (+ its ``_rels``), an
``<Override>`` in ``[Content_Types].xml``, a relationship in
``xl/_rels/workbook.xml.rels`` and ``<externalReferences>`` in ``xl/workbook.xml``.
``formulas`` 1.3.4 refuses the whole workbook ("Not a valid formula") on such a
qualifier.  :func:`normalize_workbook` writes a COPY where the qualifier is
removed from calls to the given functions (and to any ``JIDI_*`` name), in
cell formulas and defined names, and drops the external-link parts nobody
references any more.  The input file is never modified.

Only the ``<f>`` texts that change are rewritten (sheet XML is edited by
offsets); ``xl/workbook.xml``, its rels and the content types are edited with
lxml only when a link is removed.  Links still referenced (e.g. a real
``[2]Other.xlsx`` reference) are kept; an unused link that sits before a used
one is kept too, because removing it would renumber ``[N]`` everywhere
(harmless: ``formulas`` ignores links that are not .xlsx).
"""

from __future__ import annotations

import bisect
import contextlib
import os
import re
import shutil
import tempfile
import zipfile
from dataclasses import dataclass, field
from typing import Iterable, Iterator

from lxml import etree

from . import _ooxml as ox
from ._formula import external_book_indexes, rename_calls, strip_programmatic_prefixes, strip_qualifiers

__all__ = ["NormalizeReport", "normalize_workbook", "normalized_copy", "rename_functions"]


@dataclass
class NormalizeReport:
    path: str                                   # the normalised copy
    stripped: int = 0                           # qualifiers removed
    cells: list[tuple[str | None, str]] = field(default_factory=list)
    # (sheet, cell) of changed formulas; (None, name) for defined names
    removed_links: list[str] = field(default_factory=list)   # removed zip parts
    kept_links: list[str] = field(default_factory=list)      # external links left in place

    @property
    def changed(self) -> bool:
        return bool(self.stripped or self.removed_links)


def _should_strip_factory(function_names: Iterable[str]):
    names = {n.upper() for n in function_names}
    names |= {n[len("_XLUDF."):] for n in names if n.startswith("_XLUDF.")}
    return lambda bare: bare in names or bare.startswith("JIDI_")


_RE_V_IS = re.compile(r"<(\w+:)?(v|is|t)(?=[\s>])[^>]*>.*?</\1?\2\s*>", re.S)


def _transform(formula: str, should_strip, rename: dict[str, str] | None) -> tuple[str, int]:
    """Qualifiers and programmatic prefixes removed (``[1]!JIDI_X(``, ``ORG.JIDIXL.FUNCTIONS.JIDI_X(`` →
    ``JIDI_X(``), then the optional renaming (:func:`rename_functions`)."""
    new, n = strip_qualifiers(formula, should_strip)
    new, k = strip_programmatic_prefixes(new, should_strip)
    n += k
    if rename:
        new, k = rename_calls(new, rename)
        n += k
    return new, n


def _strip_sheet(text: str, should_strip, sheet: str, report: NormalizeReport,
                 rename: dict[str, str] | None = None) -> tuple[str, set[int]]:
    scan = ox.scan_sheet(text)
    if scan.sheet_data is None:
        return text, external_book_indexes(text)
    P = ox.patterns(scan.prefix)
    starts = [c.start for c in scan.cells()]
    cells = list(scan.cells())
    edits: list[tuple[int, int, str]] = []
    used: set[int] = set()
    sd0, sd1 = scan.sheet_data
    for fm in P.f.finditer(text, sd0, sd1):
        if fm.group(2) is None:
            continue
        formula = ox.xml_unescape(fm.group(2))
        new, n = _transform(formula, should_strip, rename)
        used |= external_book_indexes(new)
        if n:
            edits.append((fm.start(2), fm.end(2), ox.xml_escape_text(new)))
            report.stripped += n
            i = bisect.bisect_right(starts, fm.start()) - 1
            report.cells.append((sheet, cells[i].ref if i >= 0 else "?"))
    if edits:
        parts, pos = [], 0
        for a, b, s in edits:
            parts.append(text[pos:a])
            parts.append(s)
            pos = b
        parts.append(text[pos:])
        text = "".join(parts)
    # conservative scan of everything else in the part (CF / DV formulas, ...)
    rest = P.f.sub("", text)
    rest = _RE_V_IS.sub("", rest)
    used |= external_book_indexes(rest)
    return text, used


def _strip_defined_names(root, should_strip, report: NormalizeReport, rename=None) -> set[int]:
    used: set[int] = set()
    m = "{%s}" % ox.NS_MAIN
    dn = root.find(m + "definedNames")
    for el in dn if dn is not None else []:
        if el.tag != m + "definedName" or not el.text:
            continue
        new, n = _transform(el.text, should_strip, rename)
        if n:
            el.text = new
            report.stripped += n
            report.cells.append((None, el.get("name", "")))
        used |= external_book_indexes(new)
    return used


def _serialize(root) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def normalize_workbook(src: str | os.PathLike, dst: str | os.PathLike,
                       function_names: Iterable[str] = (), rename: dict[str, str] | None = None) -> NormalizeReport:
    """Write a normalised copy of *src* to *dst* (see module doc).

    *function_names*: Excel names (any case, optional ``_xludf.``) whose
    add-in qualifier is removed; names starting with ``JIDI_`` always are.
    A call LibreOffice saved with its add-in's programmatic name
    (``ORG.JIDIXL.FUNCTIONS.JIDI_X(``: two or more dotted words before such a
    name) is read as the plain call too — the round trip through LibreOffice.
    *rename*: upper-cased name → new spelling, applied last (:func:`rename_functions`).
    """
    src, dst = os.fspath(src), os.fspath(dst)
    if os.path.abspath(src) == os.path.abspath(dst):
        raise ValueError("目标文件不能与输入文件相同 (dst must differ from src)")
    should_strip = _should_strip_factory(function_names)
    report = NormalizeReport(path=dst)
    with zipfile.ZipFile(src) as zf:
        info = ox.read_workbook(zf)
        members = zf.infolist()
        new_data: dict[str, bytes] = {}
        used: set[int] = set()
        sheet_parts = {s.part: s.name for s in info.sheets}
        for s in info.sheets:
            text = ox.read_text(zf, s.part)
            new_text, u = _strip_sheet(text, should_strip, s.name, report, rename)
            used |= u
            if new_text is not text:
                new_data[s.part] = new_text.encode("utf-8")
        wb_root = etree.fromstring(zf.read(info.workbook_part), ox._XML_PARSER)
        n_before = report.stripped
        used |= _strip_defined_names(wb_root, should_strip, report, rename)
        wb_dirty = report.stripped != n_before

        link_parts = set(p for p in info.external_link_parts if p)
        skip_scan = set(sheet_parts) | link_parts | {info.workbook_part}
        for zi in members:
            name = zi.filename
            if (name in skip_scan or not name.endswith(".xml") or not name.startswith("xl/")
                    or name.startswith("xl/externalLinks/") or name.endswith("sharedStrings.xml")
                    or name.startswith("xl/theme/") or name.endswith("styles.xml")):
                continue
            used |= external_book_indexes(zf.read(name).decode("utf-8", "replace"))

        # links removable without renumbering: the unused suffix
        n_links = len(info.external_link_parts)
        k = n_links
        while k > 0 and k not in used:
            k -= 1
        remove_positions = list(range(k + 1, n_links + 1))   # 1-based
        report.kept_links = [p or "?" for p in info.external_link_parts[:k]]
        removed_members: set[str] = set()
        if remove_positions:
            rid_attr = "{%s}id" % ox.NS_REL
            m = "{%s}" % ox.NS_MAIN
            er = wb_root.find(m + "externalReferences")
            refs = [el for el in er if el.tag == m + "externalReference"] if er is not None else []
            rids = set()
            for pos in remove_positions:
                el = refs[pos - 1]
                rids.add(el.get(rid_attr))
                er.remove(el)
            if er is not None and len([e for e in er if isinstance(e.tag, str)]) == 0:
                wb_root.remove(er)
            wb_dirty = True
            # workbook rels
            rels_name = ox.rels_part_of(info.workbook_part)
            rels_root = etree.fromstring(zf.read(rels_name), ox._XML_PARSER)
            for el in list(rels_root):
                if isinstance(el.tag, str) and el.get("Id") in rids:
                    rels_root.remove(el)
            new_data[rels_name] = _serialize(rels_root)
            # parts + their rels
            parts = [info.external_link_parts[p - 1] for p in remove_positions]
            for part in parts:
                if part:
                    removed_members.add(part)
                    removed_members.add(ox.rels_part_of(part))
                    report.removed_links.append(part)
            # content types
            ct_root = etree.fromstring(zf.read("[Content_Types].xml"), ox._XML_PARSER)
            for el in list(ct_root):
                if isinstance(el.tag, str) and el.get("PartName", "").lstrip("/") in removed_members:
                    ct_root.remove(el)
            new_data["[Content_Types].xml"] = _serialize(ct_root)
        if wb_dirty:
            new_data[info.workbook_part] = _serialize(wb_root)

        if not new_data and not removed_members:
            shutil.copyfile(src, dst)
            return report
        tmp = dst + ".part"
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zo:
            for zi in members:
                if zi.filename in removed_members:
                    continue
                data = new_data.get(zi.filename)
                zo.writestr(zi, data if data is not None else zf.read(zi.filename))
    os.replace(tmp, dst)
    return report


def rename_functions(src: str | os.PathLike, dst: str | os.PathLike, mapping: dict[str, str]) -> NormalizeReport:
    """A normalised copy (qualifiers, prefixes and unused external links removed) whose calls to the keys
    of *mapping* (Excel names) are spelled as its values — e.g. the programmatic names LibreOffice's xlsx
    import binds to an add-in. The caller gives the mapping (this module knows no function list)."""
    upper = {k.upper(): v for k, v in mapping.items()}
    return normalize_workbook(src, dst, list(upper), rename=upper)


@contextlib.contextmanager
def normalized_copy(src: str | os.PathLike, function_names: Iterable[str] = (),
                    filename: str = "workbook.xlsx") -> Iterator[NormalizeReport]:
    """Context manager: normalised copy of *src* in a private temporary
    directory (removed on exit). Yields the :class:`NormalizeReport`."""
    d = tempfile.mkdtemp(prefix="jidi_norm_")
    try:
        yield normalize_workbook(src, os.path.join(d, filename), function_names)
    finally:
        shutil.rmtree(d, ignore_errors=True)
