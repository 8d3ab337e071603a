"""Build the Excel add-in ``udfs/addin/jidi_xl_addin.xlam`` from xlwings' ribbon add-in template.

    python -m udfs.addin.build_addin           # rewrite the committed add-in
    python -m udfs.addin.build_addin --check   # exit 1 if the committed add-in is not what this builds

The template is ``quickstart_addin_ribbon.xlam`` of the installed xlwings (pinned exactly: its VBA declares
``xlwings64-<version>.dll``). Only package parts are changed; the VBA project (``xl/vbaProject.bin``) is
copied byte for byte:

* ``customUI/customUI.xml`` (and ``customUI14.xml`` if the template has one): a ribbon tab 示范基地评价 with
  one button 评价当前工作簿 whose ``onAction`` is the template's own callback ``RibbonMyAddin.RunMain``.
  That VBA runs ``import <xlam name>; <xlam name>.main()``, so the file is called ``jidi_xl_addin.xlam``
  and the top-level module ``jidi_xl_addin`` (installed by ``pip install jidi-xl``) forwards to
  :func:`udfs.excel.main`. A pip-installed module works wherever the .xlam is opened from, also after
  ``xlwings addin install --file`` has copied it into Excel's XLSTART folder.
* the config sheet ``_myaddin.conf`` is activated by its name ``myaddin.conf`` (the VBA constant
  ``PROJECT_NAME`` is ``myaddin``) and holds only ``UDF Modules`` = ``udfs.excel``. Every other key stays
  unset on purpose: a key present on the sheet, even blank, hides the same key in the user's
  ``%USERPROFILE%\\.myaddin\\myaddin.conf`` (e.g. ``Interpreter_Win``).
* ``docProps/core.xml``: the title and comment shown in Excel's Add-ins dialog.

The output is deterministic: members in the template's order, fixed timestamps, fixed compression.
"""
from __future__ import annotations

import argparse
import io
import re
import sys
import zipfile
from pathlib import Path
from xml.etree import ElementTree
from xml.sax.saxutils import escape

import xlwings

from udfs.registry import CATEGORY

XLWINGS_VERSION = "0.37.8"            # must equal the pin in pyproject.toml
TEMPLATE = Path(xlwings.__file__).parent / "quickstart_addin_ribbon.xlam"
ADDIN = Path(__file__).with_name("jidi_xl_addin.xlam")
ENTRY_MODULE = ADDIN.stem             # RunMain imports the xlam's file name (without extension)
RIBBON_CALLBACK = "RibbonMyAddin.RunMain"
PROJECT_NAME = "myaddin"              # Public Const PROJECT_NAME in the template's xlwings VBA module
CONFIG = (("UDF Modules", "udfs.excel"),)
TITLE = CATEGORY                      # shown in Excel's Add-ins dialog
COMMENT = "北京市小型微型企业创业创新示范基地认定与绩效评价：JIDI_ 工作表函数与“评价当前工作簿”按钮。"
ZIP_DATE = (1980, 1, 1, 0, 0, 0)

_RIBBON = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<customUI xmlns="{ns}">
  <ribbon>
    <tabs>
      <tab id="jidiXlTab" label="示范基地评价">
        <group id="jidiXlGroup" label="北京市小微企业创业创新示范基地">
          <button id="jidiXlEvaluate" label="评价当前工作簿" size="large" imageMso="MacroPlay"
                  screentip="评价当前工作簿"
                  supertip="完整重新计算当前工作簿，并显示认定结论、不符合或待核实的条款、年度评价结果和星级。"
                  onAction="{callback}" />
        </group>
      </tab>
    </tabs>
  </ribbon>
</customUI>
"""
RIBBON_NS = {"customUI/customUI.xml": "http://schemas.microsoft.com/office/2006/01/customui",
             "customUI/customUI14.xml": "http://schemas.microsoft.com/office/2009/07/customui"}


def ribbon_xml(member: str) -> bytes:
    return _RIBBON.format(ns=RIBBON_NS[member], callback=RIBBON_CALLBACK).encode("utf-8")


def _replace_once(text: str, old: str, new: str, member: str) -> str:
    if text.count(old) != 1:
        raise ValueError(f"{member}: expected exactly one {old!r} in the xlwings template")
    return text.replace(old, new)


def _workbook(xml: str) -> str:
    return _replace_once(xml, f'name="_{PROJECT_NAME}.conf"', f'name="{PROJECT_NAME}.conf"', "xl/workbook.xml")


def _shared_strings() -> str:
    strings = [s for pair in CONFIG for s in pair]
    items = "".join(f"<si><t>{escape(s)}</t></si>" for s in strings)
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            f'count="{len(strings)}" uniqueCount="{len(strings)}">{items}</sst>')


def _config_sheet(xml: str) -> str:
    rows = "".join(f'<row r="{i}" spans="1:2"><c r="A{i}" s="1" t="s"><v>{2 * (i - 1)}</v></c>'
                   f'<c r="B{i}" s="1" t="s"><v>{2 * (i - 1) + 1}</v></c></row>' for i in range(1, len(CONFIG) + 1))
    xml, n = re.subn(r"<sheetData>.*</sheetData>", f"<sheetData>{rows}</sheetData>", xml, flags=re.S)
    xml, m = re.subn(r'<dimension ref="[^"]*" ?/>', f'<dimension ref="A1:B{len(CONFIG)}" />', xml)
    if (n, m) != (1, 1):
        raise ValueError("xl/worksheets/sheet1.xml: unexpected layout of the xlwings config sheet")
    return xml


def _core(xml: str) -> str:
    xml = _replace_once(xml, "<dc:title />", f"<dc:title>{escape(TITLE)}</dc:title>", "docProps/core.xml")
    return _replace_once(xml, "<dc:description />", f"<dc:description>{escape(COMMENT)}</dc:description>",
                         "docProps/core.xml")


_TEXT_EDITS = {"xl/workbook.xml": _workbook, "xl/worksheets/sheet1.xml": _config_sheet,
               "xl/sharedStrings.xml": lambda _xml: _shared_strings(), "docProps/core.xml": _core}


def build(template: Path = TEMPLATE) -> bytes:
    """The add-in's bytes, built from ``template``."""
    if xlwings.__version__ != XLWINGS_VERSION:
        raise RuntimeError(f"xlwings {xlwings.__version__} is installed; the add-in is built from xlwings "
                           f"{XLWINGS_VERSION} (its VBA declares xlwings64-{XLWINGS_VERSION}.dll): pin it exactly")
    out = io.BytesIO()
    with zipfile.ZipFile(template) as src, zipfile.ZipFile(out, "w") as dst:
        names = src.namelist()
        if "customUI/customUI.xml" not in names:
            raise ValueError("the xlwings template has no customUI/customUI.xml")
        workbook = src.read("xl/workbook.xml").decode("utf-8")
        if workbook.count("<sheet ") != 1 or "worksheets/sheet1.xml" not in src.read("xl/_rels/workbook.xml.rels").decode():
            raise ValueError("the xlwings template no longer has exactly one (config) sheet")
        for name in names:
            data = src.read(name)
            if name in RIBBON_NS:
                data = ribbon_xml(name)
            elif name in _TEXT_EDITS:
                data = _TEXT_EDITS[name](data.decode("utf-8")).encode("utf-8")
            if name.endswith((".xml", ".rels")):
                ElementTree.fromstring(data)            # every XML part stays well-formed
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.create_system = 0
            info.compress_type = zipfile.ZIP_DEFLATED
            dst.writestr(info, data, compresslevel=9)
    return out.getvalue()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="fail if the add-in differs from a fresh build (byte for byte)")
    ap.add_argument("-o", "--output", type=Path, default=ADDIN)
    args = ap.parse_args(argv)
    data = build()
    if args.check:
        same = args.output.exists() and args.output.read_bytes() == data
        print(f"{args.output}: {'up to date' if same else 'differs from a fresh build — run python -m udfs.addin.build_addin'}")
        return 0 if same else 1
    args.output.write_bytes(data)
    print(f"wrote {args.output} ({len(data):,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
