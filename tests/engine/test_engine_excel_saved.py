"""Excel-saved standard workbooks: add-in calls stored as ``[1]!JIDI_X(`` (or path-qualified) with an
external link to the .xlam.

From a real sample, :func:`excel_saved_variant` builds what Excel writes when it saves a workbook whose
formulas call the add-in's functions (the ``tests/engine/conftest.py`` builder makes such files from
scratch; this one rewrites a generated sample, every other byte kept). The engine must give exactly the
plain sample's values (full path: the fingerprint differs) and ``write_cached_values`` onto a copy of the
variant must keep the qualifiers and the link parts -- the file stays what Excel expects. When LibreOffice
is installed, the variant's native formulas are also cross-checked (qualified UDF calls frozen).
"""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from jidi_xl.engine import _ooxml as ox
from jidi_xl.engine._formula import mask
from jidi_xl.pipeline.standard import StandardEngine
from jidi_xl.engine.xlsxwrite import encode_value, write_cached_values
from workbooks import SAMPLES_DIR

XLAM_WIN = r"C:\Users\reviewer\AppData\Roaming\Microsoft\AddIns\jidi_xl_addin.xlam"
XLAM_TARGET = "file:///" + XLAM_WIN           # as Excel writes the externalLinkPath target
PATH_QUALIFIER = "'" + XLAM_WIN + "'"          # 'C:\...\jidi_xl_addin.xlam'!JIDI_X(
SAMPLES = ["10_evaluation_good", "12_art17_late_filing"]

_RE_CALL = re.compile(r"(?<![\w.!\]'])(?:_xludf\.)?(JIDI_[A-Z0-9_]*)(?=\s*\()", re.I)
_NS_R = ox.NS_REL


def _qualify(formula: str, qualifier: str, names: set[str]) -> str:
    """Prefix every JIDI_ call (outside string literals) with ``qualifier!``."""
    out, pos = [], 0
    for m in _RE_CALL.finditer(mask(formula)):
        names.add(m.group(1).upper())
        out.append(formula[pos:m.start()])
        out.append(f"{qualifier}!")
        pos = m.start()
    out.append(formula[pos:])
    return "".join(out)


def _serialize(root) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def excel_saved_variant(src: Path, dst: Path, form: str = "index") -> set[str]:
    """Copy *src* to *dst* as Excel saves it: ``[1]!JIDI_X(`` (*form* "index") or
    ``'C:\\...\\jidi_xl_addin.xlam'!JIDI_X(`` (*form* "path") plus the external link
    (part, its rels, content type, ``<externalReferences>``, workbook rel).
    Returns the UDF names called."""
    qualifier = "[1]" if form == "index" else PATH_QUALIFIER
    names: set[str] = set()
    with zipfile.ZipFile(src) as zf:
        info = ox.read_workbook(zf)
        assert not info.external_link_parts, "sample already has external links"
        new: dict[str, bytes] = {}
        for s in info.sheets:
            text = ox.read_text(zf, s.part)
            scan = ox.scan_sheet(text)
            if scan.sheet_data is None:
                continue
            P = ox.patterns(scan.prefix)
            edits = []
            for fm in P.f.finditer(text, *scan.sheet_data):
                if fm.group(2):
                    f = ox.xml_unescape(fm.group(2))
                    q = _qualify(f, qualifier, names)
                    if q != f:
                        edits.append((fm.start(2), fm.end(2), ox.xml_escape_text(q)))
            if edits:
                parts, pos = [], 0
                for a, b, t in edits:
                    parts += [text[pos:a], t]
                    pos = b
                parts.append(text[pos:])
                new[s.part] = "".join(parts).encode("utf-8")
        assert names, "sample calls no JIDI_ function"
        m = "{%s}" % ox.NS_MAIN
        wb = etree.fromstring(zf.read(info.workbook_part), ox._XML_PARSER)
        dn = wb.find(m + "definedNames")
        for el in dn if dn is not None else []:
            if el.text:
                el.text = _qualify(el.text, qualifier, names)
        # <externalReferences> right after <sheets> (before <definedNames>, schema order)
        er = etree.Element(m + "externalReferences")
        etree.SubElement(er, m + "externalReference").set("{%s}id" % _NS_R, "rIdJidiXlam")
        wb.find(m + "sheets").addnext(er)
        new[info.workbook_part] = _serialize(wb)
        rels_name = ox.rels_part_of(info.workbook_part)
        rels = etree.fromstring(zf.read(rels_name), ox._XML_PARSER)
        etree.SubElement(rels, "{%s}Relationship" % ox.NS_PKG_REL, Id="rIdJidiXlam",
                         Type=ox.REL_EXTERNAL_LINK, Target="externalLinks/externalLink1.xml")
        new[rels_name] = _serialize(rels)
        ct = etree.fromstring(zf.read("[Content_Types].xml"), ox._XML_PARSER)
        etree.SubElement(ct, "{%s}Override" % ox.NS_CT, PartName="/xl/externalLinks/externalLink1.xml",
                         ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.externalLink+xml")
        new["[Content_Types].xml"] = _serialize(ct)
        link = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<externalLink xmlns="{ox.NS_MAIN}" '
            'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" mc:Ignorable="x14" '
            'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
            f'<externalBook xmlns:r="{_NS_R}" r:id="rId1"><definedNames>'
            + "".join(f'<definedName name="{n}"/>' for n in sorted(names))
            + "</definedNames></externalBook></externalLink>")
        link_rels = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            f'<Relationships xmlns="{ox.NS_PKG_REL}">'
            f'<Relationship Id="rId1" Type="{_NS_R}/externalLinkPath" Target="{XLAM_TARGET}" '
            'TargetMode="External"/></Relationships>')
        with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zo:
            for zi in zf.infolist():
                data = new.get(zi.filename)
                zo.writestr(zi, data if data is not None else zf.read(zi.filename))
            zo.writestr("xl/externalLinks/externalLink1.xml", link)
            zo.writestr("xl/externalLinks/_rels/externalLink1.xml.rels", link_rels)
    return names


def _formulas(path) -> dict[tuple[str, str], str]:
    with zipfile.ZipFile(path) as z:
        info = ox.read_workbook(z)
        return {(s.name, c.ref): c.formula for s in info.sheets
                for c in ox.scan_sheet(ox.read_text(z, s.part)).cells() if c.formula is not None}


def _cached(path) -> dict[tuple[str, str], tuple[str | None, str | None]]:
    """(t attribute, <v> text as stored) of every formula cell."""
    with zipfile.ZipFile(path) as z:
        info = ox.read_workbook(z)
        out = {}
        for s in info.sheets:
            text = ox.read_text(z, s.part)
            P = ox.patterns(ox.scan_sheet(text).prefix)
            for c in ox.scan_sheet(text).cells():
                if c.formula is not None:
                    vm = P.v.search(c.body or "")
                    out[(s.name, c.ref)] = (c.attrs.get("t"), vm.group(1) if vm else None)
        return out


def _snapshot(src: Path, dst: Path) -> Path:
    shutil.copyfile(src, dst)
    return dst


@pytest.fixture(scope="module")
def engine():
    return StandardEngine()


@pytest.fixture(scope="module", params=SAMPLES)
def plain(request, tmp_path_factory, engine):
    d = tmp_path_factory.mktemp(request.param)
    p = _snapshot(SAMPLES_DIR / f"{request.param}.xlsx", d / f"{request.param}.xlsx")
    res, how = engine.recalc(p)
    assert res.ok, res.summary()
    return p, res.values, how


@pytest.mark.parametrize("form", ["index", "path"])
def test_excel_saved_variant_same_values(plain, form, engine, tmp_path, sha256):
    path, values, how_plain = plain
    variant = tmp_path / f"{path.stem}_excel_{form}.xlsx"
    names = excel_saved_variant(path, variant, form)
    f_plain, f_var = _formulas(path), _formulas(variant)
    qualifier = "[1]!" if form == "index" else PATH_QUALIFIER + "!"
    qualified = [k for k, f in f_var.items() if qualifier + "JIDI_" in f]
    assert qualified and len(names) > 10
    assert all("JIDI_" not in f or qualifier + "JIDI_" in f for f in f_var.values())
    assert {k: f.replace(qualifier, "") for k, f in f_var.items()} == f_plain
    assert not engine.is_template_copy(variant)
    before = sha256(variant)

    res, how = engine.recalc(variant)
    assert how == "full" and res.ok, res.summary()
    assert res.normalize.stripped >= len(qualified)
    assert res.normalize.removed_links == ["xl/externalLinks/externalLink1.xml"]
    assert res.values == values, {k: (v, res.values.get(k)) for k, v in values.items() if res.values.get(k) != v}
    assert sha256(variant) == before

    # LibreOffice computes these variants too: tests/crosscheck/ (every formula cell, the extension installed)

    # write the results onto a copy of the VARIANT: qualifiers and link parts kept
    out = tmp_path / "written.xlsx"
    rep = write_cached_values(variant, out, res.values)
    assert sha256(variant) == before
    assert rep.written == len(res.values) and not rep.skipped
    assert _formulas(out) == f_var
    with zipfile.ZipFile(variant) as a, zipfile.ZipFile(out) as b:
        assert a.namelist() == b.namelist()
        info = ox.read_workbook(a)
        sheet_parts = {s.part for s in info.sheets}
        for n in a.namelist():
            if n not in sheet_parts:      # workbook.xml, rels, external link, content types ...
                assert a.read(n) == b.read(n), n
        assert ox.read_workbook(b).external_link_parts == ["xl/externalLinks/externalLink1.xml"]
        assert XLAM_TARGET.encode() in b.read("xl/externalLinks/_rels/externalLink1.xml.rels")
    cached = _cached(out)
    for key, v in res.values.items():
        assert cached[key] == encode_value(v), key

    if form == "index":   # the written variant is still loadable and gives the same values again
        r2, how2 = engine.recalc(out)
        assert how2 == "full" and r2.values == values
