"""Fixtures for the engine tests: toy UDFs and a raw .xlsx builder that writes
the package parts by hand (so tests can produce exactly what Excel writes:
shared formulas, add-in external links, cm attributes, ...).

Helpers are exposed as fixtures (``udfs``, ``xlsx``, ``cell``, ``rows``,
``sha256``, ``zip_members``) so test modules never import this file by name.
"""

from __future__ import annotations

import hashlib
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import numpy as np
import pytest

from jidi_xl.engine._ooxml import split_a1


# --------------------------------------------------------------------------- #
# toy UDFs (formulas-native arguments)
# --------------------------------------------------------------------------- #
def jidi_test_double(x):
    v = x.value if hasattr(x, "value") else x
    if isinstance(v, np.ndarray):
        if v.size == 1:
            return float(v.flat[0]) * 2
        return np.vectorize(lambda e: float(e) * 2, otypes=[object])(v)
    return float(v) * 2


def jidi_test_raise(*args):
    raise RuntimeError("故意失败 deliberate failure")


@pytest.fixture
def udfs():
    return {"JIDI_TEST_DOUBLE": jidi_test_double, "JIDI_TEST_RAISE": jidi_test_raise}


def _sha256(path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


# --------------------------------------------------------------------------- #
# raw xlsx builder
# --------------------------------------------------------------------------- #
NS_R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def c(ref: str, v=None, f: str | None = None, t: str | None = None, s: int | None = None,
      fattrs: str = "", cattrs: str = "") -> str:
    """One <c> element. *f* is the formula text (unescaped, no '=')."""
    attrs = f' r="{ref}"'
    if s is not None:
        attrs += f' s="{s}"'
    if t:
        attrs += f' t="{t}"'
    attrs += cattrs
    body = ""
    if f is not None:
        body += f"<f{fattrs}>{escape(f)}</f>" if f else f"<f{fattrs}/>"
    if v is not None:
        if t == "inlineStr":
            body += f"<is><t>{escape(str(v))}</t></is>"
        else:
            body += f"<v>{escape(str(v))}</v>"
    return f"<c{attrs}>{body}</c>" if body else f"<c{attrs}/>"


def sheet_data(*cells: str) -> str:
    """Group <c> strings into <row>s (by their r attribute)."""
    import re
    rows: dict[int, list[tuple[int, str]]] = {}
    for x in cells:
        ref = re.search(r'r="([A-Z]+[0-9]+)"', x).group(1)
        r, col = split_a1(ref)
        rows.setdefault(r, []).append((col, x))
    return "".join(f'<row r="{r}">' + "".join(t for _, t in sorted(rows[r])) + "</row>"
                   for r in sorted(rows))


def build_xlsx(path, sheets, defined_names=(), external_links=(), sheet_extra=None) -> Path:
    """Write a minimal but Excel-shaped .xlsx.

    sheets: list of (name, sheetData inner xml)
    defined_names: list of (name, value, localSheetId or None)
    external_links: list of dicts {"target": "file:///C:/x/jidi.xlam", "names": [...]}
        or {"target": "other.xlsx", "sheet": "S"} (a workbook link)
    sheet_extra: {sheet name: xml inserted after </sheetData>}
    """
    path = Path(path)
    sheet_extra = sheet_extra or {}
    ct = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>',
          '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">',
          '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>',
          '<Default Extension="xml" ContentType="application/xml"/>',
          '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>',
          '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>']
    rels = ['<?xml version="1.0" encoding="UTF-8" standalone="yes"?>',
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">']
    files: dict[str, str] = {}
    sheet_els = []
    for i, (name, data) in enumerate(sheets, 1):
        ct.append(f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>')
        rels.append(f'<Relationship Id="rId{i}" Type="{NS_R}/worksheet" Target="worksheets/sheet{i}.xml"/>')
        sheet_els.append(f'<sheet name="{escape(name, {chr(34): "&quot;"})}" sheetId="{i}" r:id="rId{i}"/>')
        files[f"xl/worksheets/sheet{i}.xml"] = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            f'xmlns:r="{NS_R}"><dimension ref="A1"/><sheetViews><sheetView workbookViewId="0"/></sheetViews>'
            f'<sheetFormatPr defaultRowHeight="15"/><sheetData>{data}</sheetData>'
            f'{sheet_extra.get(name, "")}'
            '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>')
    n = len(sheets)
    rels.append(f'<Relationship Id="rId{n + 1}" Type="{NS_R}/styles" Target="styles.xml"/>')
    ext_refs = []
    for j, link in enumerate(external_links, 1):
        rid = f"rId{n + 1 + j}"
        rels.append(f'<Relationship Id="{rid}" Type="{NS_R}/externalLink" Target="externalLinks/externalLink{j}.xml"/>')
        ct.append(f'<Override PartName="/xl/externalLinks/externalLink{j}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.externalLink+xml"/>')
        ext_refs.append(f'<externalReference r:id="{rid}"/>')
        if "names" in link:
            inner = "<definedNames>" + "".join(f'<definedName name="{x}"/>' for x in link["names"]) + "</definedNames>"
        else:
            inner = (f'<sheetNames><sheetName val="{link.get("sheet", "Sheet1")}"/></sheetNames>'
                     '<sheetDataSet><sheetData sheetId="0"/></sheetDataSet>')
        files[f"xl/externalLinks/externalLink{j}.xml"] = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" mc:Ignorable="x14" '
            'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main">'
            f'<externalBook xmlns:r="{NS_R}" r:id="rId1">{inner}</externalBook></externalLink>')
        files[f"xl/externalLinks/_rels/externalLink{j}.xml.rels"] = (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{NS_R}/externalLinkPath" Target="{escape(link["target"])}" '
            'TargetMode="External"/></Relationships>')
    rels.append("</Relationships>")
    ct.append("</Types>")
    dn = ""
    if defined_names:
        dn = "<definedNames>" + "".join(
            f'<definedName name="{nm}"' + (f' localSheetId="{ls}"' if ls is not None else "")
            + f">{escape(val)}</definedName>" for nm, val, ls in defined_names) + "</definedNames>"
    files["xl/workbook.xml"] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        f'xmlns:r="{NS_R}"><workbookPr/><bookViews><workbookView/></bookViews>'
        f'<sheets>{"".join(sheet_els)}</sheets>'
        + (f'<externalReferences>{"".join(ext_refs)}</externalReferences>' if ext_refs else "")
        + dn + '<calcPr calcId="191029"/></workbook>')
    files["xl/_rels/workbook.xml.rels"] = "".join(rels)
    files["[Content_Types].xml"] = "".join(ct)
    files["_rels/.rels"] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{NS_R}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
    files["xl/styles.xml"] = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<numFmts count="1"><numFmt numFmtId="164" formatCode="0.00"/></numFmts>'
        '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
        '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>'
        '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
        '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
        '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
        '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs>'
        '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
        '</styleSheet>')
    order = ["[Content_Types].xml", "_rels/.rels", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
             "xl/styles.xml"]
    order += sorted(k for k in files if k not in order)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name in order:
            z.writestr(name, files[name])
    return path


def _zip_members(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


@pytest.fixture
def sha256():
    """sha256(path) -> hex digest (to prove inputs are never modified)."""
    return _sha256


@pytest.fixture
def zip_members():
    """zip_members(path) -> {member name: bytes}."""
    return _zip_members


@pytest.fixture
def cell():
    """cell(ref, v=None, f=None, t=None, s=None, fattrs="", cattrs="") -> '<c .../>'."""
    return c


@pytest.fixture
def rows():
    """rows(*cells) -> sheetData inner XML."""
    return sheet_data


@pytest.fixture
def xlsx(tmp_path):
    """xlsx(name, sheets, defined_names=(), external_links=(), sheet_extra=None) -> Path."""
    def make(name, sheets, **kw):
        return build_xlsx(tmp_path / name, sheets, **kw)
    return make
