"""The committed add-in udfs/addin/jidi_xl_addin.xlam: what the builder makes, wired to the template's VBA."""
from __future__ import annotations

import importlib
import io
import re
import tomllib
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest
import xlwings

from udfs.addin import build_addin

ROOT = Path(__file__).resolve().parents[2]
CUSTOM_UI = "{http://schemas.microsoft.com/office/2006/01/customui}"


@pytest.fixture(scope="module")
def built() -> bytes:
    return build_addin.build()


def _members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {i.filename: z.read(i) for i in z.infolist()}


def _layout(data: bytes) -> list[tuple]:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return [(i.filename, i.date_time, i.compress_type, i.create_system, i.external_attr) for i in z.infolist()]


def test_committed_addin_is_what_the_builder_makes(built):
    """Same parts, bytes, order and zip metadata (the deflate stream itself may differ between zlib builds)."""
    committed = build_addin.ADDIN.read_bytes()
    assert _members(committed) == _members(built), "run: python -m udfs.addin.build_addin"
    assert _layout(committed) == _layout(built)


def test_build_is_deterministic(built):
    assert build_addin.build() == built
    with zipfile.ZipFile(io.BytesIO(built)) as z:
        assert {i.date_time for i in z.infolist()} == {build_addin.ZIP_DATE}


def test_vba_project_is_untouched(built):
    with zipfile.ZipFile(build_addin.TEMPLATE) as template:
        original = {n: template.read(n) for n in template.namelist()}
    members = _members(built)
    assert list(members) == list(original)      # same parts, same order
    assert members["xl/vbaProject.bin"] == original["xl/vbaProject.bin"]
    changed = {n for n in members if members[n] != original[n]}
    assert changed == {"customUI/customUI.xml", "xl/workbook.xml", "xl/worksheets/sheet1.xml",
                       "xl/sharedStrings.xml", "docProps/core.xml"}


def test_xlwings_is_pinned_exactly():
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert f"xlwings=={build_addin.XLWINGS_VERSION}" in pyproject["project"]["dependencies"]
    assert xlwings.__version__ == build_addin.XLWINGS_VERSION
    assert "jidi_xl_addin" in pyproject["tool"]["setuptools"]["py-modules"]


def test_ribbon(built):
    ui = ElementTree.fromstring(_members(built)["customUI/customUI.xml"])
    tab, = ui.iter(f"{CUSTOM_UI}tab")
    button, = ui.iter(f"{CUSTOM_UI}button")
    assert tab.get("label") == "示范基地评价"
    assert button.get("label") == "评价当前工作簿"
    assert button.get("onAction") == build_addin.RIBBON_CALLBACK == "RibbonMyAddin.RunMain"


def test_config_sheet_and_title(built):
    """One sheet, active as ``myaddin.conf`` (the VBA's PROJECT_NAME), holding only UDF Modules."""
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_filelike(io.BytesIO(built))
    assert wb.sheet_names == [f"{build_addin.PROJECT_NAME}.conf"]
    assert wb.get_sheet_by_name(wb.sheet_names[0]).to_python() == [["UDF Modules", "udfs.excel"]]
    core = ElementTree.fromstring(_members(built)["docProps/core.xml"])
    assert core.find("{http://purl.org/dc/elements/1.1/}title").text == build_addin.TITLE


def test_run_main_imports_the_module_named_after_the_xlam(built, tmp_path):
    """olevba reads the VBA: the ribbon callback exists and imports <xlam name>, which has main()."""
    olevba = pytest.importorskip("oletools.olevba")
    path = tmp_path / build_addin.ADDIN.name
    path.write_bytes(built)
    parser = olevba.VBA_Parser(str(path))
    try:
        code = {stream: source for _, stream, _, source in parser.extract_macros()}
    finally:
        parser.close()
    module, sub = build_addin.RIBBON_CALLBACK.split(".")
    ribbon = code[f"VBA/{module}"]
    assert re.search(rf"^Sub {sub}\(control As IRibbonControl\)", ribbon, re.M)
    assert 'RunPython "import " & mymodule & ";" & mymodule & ".main()"' in ribbon
    assert "Left(ThisWorkbook.Name, (InStrRev(ThisWorkbook.Name" in ribbon      # mymodule = the file's stem
    xlwings_vba = code["VBA/xlwings"]
    assert f'Public Const PROJECT_NAME As String = "{build_addin.PROJECT_NAME}"' in xlwings_vba
    assert f'Public Const XLWINGS_VERSION As String = "{build_addin.XLWINGS_VERSION}"' in xlwings_vba
    assert "Sub ImportPythonUDFsToAddin()" in xlwings_vba
    entry = importlib.import_module(build_addin.ENTRY_MODULE)
    assert build_addin.ENTRY_MODULE == "jidi_xl_addin" and callable(entry.main)
    assert (entry.main.__module__, entry.main.__name__) == ("udfs.excel", "main")
