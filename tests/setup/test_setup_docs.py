"""docs/excel-setup.md names what the code does: the paths, the config keys, the DLL, the failures of the issue."""
from __future__ import annotations

from pathlib import Path

import pytest
import xlwings

from udfs.addin import bundle, scripts
from udfs.addin import install as inst

DOC = (Path(__file__).resolve().parents[2] / "docs" / "excel-setup.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("text", [
    "%APPDATA%\\Microsoft\\Excel\\XLSTART",                          # install.XLSTART_UNDER_APPDATA
    f"%USERPROFILE%\\.{inst.PROJECT_NAME}\\{inst.PROJECT_NAME}.conf",
    f'"{inst.KEY_INTERPRETER}"', f'"{inst.KEY_UDF_MODULES}","{inst.UDF_MODULES}"',
    f"xlwings64-{xlwings.__version__}.dll", f"xlwings32-{xlwings.__version__}.dll",
    "%LOCALAPPDATA%\\jidi-xl\\venv",                                 # scripts._CMD's default JIDI_VENV
    "jidi-xl bundle --windows", "addin uninstall", "jidi-xl doctor", "install.cmd",
    "解除锁定", "Unblock-File", "启用内容", "信任对 VBA 工程对象模型的访问", "ImportPythonUDFsToAddin",
    "32 位", "64 位", "升级", "卸载",
    "Could not activate Python COM server", "#NAME?", "更改源", "[1]!JIDI_", "jidi_xl/engine/normalize.py",
    "Could not find Interpreter", "只能在装有 Excel 的 Windows 电脑上确认",
])
def test_the_guide_says_it(text):
    assert text in DOC


def test_the_guide_and_the_script_agree_on_the_venv_and_the_python():
    assert "%LOCALAPPDATA%\\jidi-xl\\venv" in scripts._CMD
    assert f"Python {bundle.python_versions()[0]}" in DOC


def test_the_addin_readme_points_to_the_guide():
    readme = (Path(__file__).resolve().parents[2] / "udfs" / "addin" / "README.md").read_text(encoding="utf-8")
    assert "docs/excel-setup.md" in readme and "pip install jidi-xl" not in readme
