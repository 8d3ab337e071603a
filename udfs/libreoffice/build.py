"""Build the LibreOffice Calc extension (``.oxt``) from :data:`udfs.registry.REGISTRY`.

Everything in the ``.oxt`` is generated here; nothing in it is written twice by hand:

* ``jidi.idl`` → ``jidi.rdb``: one interface ``org.jidixl.XFunctions`` with one typed method per function,
  compiled at build time by the SDK's ``unoidl-write`` against LibreOffice's ``types.rdb`` + ``offapi.rdb``;
* ``jidi_addin.py``: the Python UNO component (:mod:`udfs.libreoffice.component` with the function
  metadata written into it) — the Calc add-in ``org.jidixl.Functions`` and the button/load-job
  ``org.jidixl.Evaluate``;
* ``Addons.xcu``: toolbar + menu entry 评价当前工作簿 for spreadsheet documents (:data:`BUTTON_URL`);
* ``Jobs.xcu``: the ``OnLoadFinished`` job that binds the ``JIDI_`` formulas of an xlsx just loaded;
* ``description.xml``, ``META-INF/manifest.xml``.

Argument types (measured by benchmarks/libreoffice_values.py, LibreOffice 7.4.7): every required argument,
single value or range, is ``com.sun.star.table.XCellRange``: the function receives the referenced cells
themselves, so an empty cell is exactly empty and an error value in a cell reaches the registry's error
contract, as in Excel and formulas. With ``sequence< sequence< any > >`` a single empty cell (also a 1×1
range) arrives as ``0.0`` (only inside a larger range as ``''``), and with ``any`` an empty cell is ``0.0``
too — indistinguishable from a typed 0 (an empty yes/no cell would read as 否). The price: LibreOffice
refuses a literal or an expression for such an argument itself (Err:504). Only ``any`` arguments may be
omitted in a formula, so optional arguments are ``any`` (see :func:`udfs.adapters.from_libreoffice`).
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

MODULE = "org.jidixl"
INTERFACE_NAME = f"{MODULE}.XFunctions"
SERVICE_NAME = f"{MODULE}.Functions"            # XServiceName: the prefix of every programmatic name
IMPLEMENTATION_NAME = f"{MODULE}.FunctionsImpl"
EVALUATE_SERVICE = f"{MODULE}.Evaluate"         # the button (XJobExecutor) and the load job (XJob)
EVALUATE_IMPLEMENTATION = f"{MODULE}.EvaluateImpl"
EXTENSION_ID = f"{MODULE}.calc"
BUTTON_URL = f"service:{EVALUATE_SERVICE}?evaluate"
BUTTON_TITLE = "评价当前工作簿"
COMPONENT_FILE = "jidi_addin.py"
RDB_FILE = "jidi.rdb"
RANGE_TYPE = "sequence< sequence< any > >"
CELL_TYPE = "com::sun::star::table::XCellRange"
OPTIONAL_TYPE = "any"


def arg_type(a) -> str:
    """The IDL type of an argument (measured — see the module docstring)."""
    if a.optional:
        return OPTIONAL_TYPE
    return CELL_TYPE


class LibreOfficeMissing(RuntimeError):
    """LibreOffice or its SDK is not installed; the message says what to install (Chinese)."""


def programmatic_name(excel_name: str) -> str:
    """``JIDI_SIZE_CLASS`` → ``ORG.JIDIXL.FUNCTIONS.JIDI_SIZE_CLASS``: what LibreOffice writes into an xlsx
    for a call to the add-in, and the only spelling its 7.4 xlsx import binds."""
    return f"{SERVICE_NAME}.{excel_name}".upper()


def name_map() -> dict[str, str]:
    """Excel name → programmatic name, for every registry function."""
    from .. import functions  # noqa: F401 — populates the registry
    from ..registry import REGISTRY
    return {name: programmatic_name(name) for name in REGISTRY}


def program_dir() -> Path:
    """LibreOffice's ``program`` folder (from ``soffice`` on PATH), or :class:`LibreOfficeMissing`."""
    for name in ("soffice", "libreoffice"):
        exe = shutil.which(name)
        if exe:
            d = Path(os.path.realpath(exe)).parent
            if (d / "types.rdb").exists():
                return d
    for d in (Path("/usr/lib/libreoffice/program"), Path("/opt/libreoffice/program")):
        if (d / "types.rdb").exists():
            return d
    raise LibreOfficeMissing("未找到 LibreOffice：请先安装 LibreOffice Calc（Debian/Ubuntu：apt-get install "
                             "libreoffice-calc python3-uno libreoffice-script-provider-python）。"
                             "(LibreOffice not installed)")


def unoidl_write() -> Path:
    """The SDK's IDL compiler, or :class:`LibreOfficeMissing` saying which package provides it."""
    prog = program_dir()
    for cand in (prog.parent / "sdk" / "bin" / "unoidl-write", Path(shutil.which("unoidl-write") or "/nonexistent")):
        if cand.exists():
            return cand
    raise LibreOfficeMissing("未找到 LibreOffice SDK 的 unoidl-write：构建扩展需要 SDK（Debian/Ubuntu：apt-get install "
                             "libreoffice-dev）。(LibreOffice SDK missing: install libreoffice-dev)")


# -- metadata -----------------------------------------------------------------------------------------

def _idl_param(i: int) -> str:
    """``arg1``…: UNOIDL refuses parameter names like ``ref_date`` ("illegal identifier") and keywords; the
    Function Wizard shows the registry's names (``XAddIn.getDisplayArgumentName``)."""
    return f"arg{i + 1}"


def function_meta(registry=None) -> list[dict]:
    """Per function: what the component and the Function Wizard need, from the registry."""
    from ..host import wizard_description
    from ..registry import REGISTRY
    if registry is None:
        from .. import functions  # noqa: F401
        registry = REGISTRY
    out = []
    for u in registry.values():
        out.append({
            "name": u.name,
            "description": wizard_description(u),
            "args": [{"name": a.name, "doc": a.doc, "range": a.range, "optional": a.optional,
                      "type": arg_type(a)} for a in u.args],
        })
    return out


def idl_text(meta: list[dict]) -> str:
    lines = ["// generated by udfs/libreoffice/build.py from udfs.registry.REGISTRY — do not edit",
             "module org { module jidixl {", "", "interface XFunctions : com::sun::star::uno::XInterface", "{"]
    for f in meta:
        params = ", ".join(f"[in] {a['type']} {_idl_param(i)}" for i, a in enumerate(f["args"]))
        lines.append(f"    any {f['name']}({params});")
    lines += ["};", "", "}; };", ""]
    return "\n".join(lines)


def _paths_of_this_interpreter() -> dict:
    """Where the building interpreter finds jidi-xl and its dependencies (the fallback when the install
    step did not record them): the folder holding ``udfs``/``jidi_xl`` and the site-packages."""
    import site
    import udfs
    root = str(Path(udfs.__file__).resolve().parent.parent)
    sp = [p for p in site.getsitepackages() + [site.getusersitepackages()] if os.path.isdir(p)]
    return {"python": list(sys.version_info[:3]), "executable": sys.executable, "package_root": root,
            "site_packages": sp}


def component_source(meta: list[dict], config: dict) -> str:
    """The component module with its metadata written in (a Python literal, no import at load time)."""
    from ..registry import CATEGORY
    src = (Path(__file__).with_name("component.py")).read_text(encoding="utf-8")
    marker = "META: dict = {}  # replaced by build.py"
    if marker not in src:
        raise RuntimeError("component.py lost its META marker")
    data = {"functions": meta, "service": SERVICE_NAME, "implementation": IMPLEMENTATION_NAME,
            "interface": INTERFACE_NAME, "evaluate_service": EVALUATE_SERVICE,
            "evaluate_implementation": EVALUATE_IMPLEMENTATION, "title": BUTTON_TITLE, "category": CATEGORY,
            **config}
    return src.replace(marker, "META: dict = " + repr(json.loads(json.dumps(data, ensure_ascii=False))))


def _xml(text: str) -> str:
    return escape(text)


def addons_xcu() -> str:
    def item(node: str) -> str:
        return (f'<node oor:name="{node}" oor:op="replace">'
                f'<prop oor:name="URL" oor:type="xs:string"><value>{_xml(BUTTON_URL)}</value></prop>'
                f'<prop oor:name="Title" oor:type="xs:string"><value>{_xml(BUTTON_TITLE)}</value></prop>'
                '<prop oor:name="Target" oor:type="xs:string"><value>_self</value></prop>'
                '<prop oor:name="Context" oor:type="xs:string"><value>com.sun.star.sheet.SpreadsheetDocument</value></prop>'
                '</node>')
    from ..registry import CATEGORY
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<oor:component-data xmlns:oor="http://openoffice.org/2001/registry" '
            'xmlns:xs="http://www.w3.org/2001/XMLSchema" oor:name="Addons" oor:package="org.openoffice.Office">\n'
            '<node oor:name="AddonUI">\n'
            f'<node oor:name="OfficeToolBar"><node oor:name="{EXTENSION_ID}.toolbar" oor:op="replace">'
            f'{item("m1")}</node></node>\n'
            f'<node oor:name="OfficeMenuBar"><node oor:name="{EXTENSION_ID}.menu" oor:op="replace">'
            f'<prop oor:name="Title" oor:type="xs:string"><value>{_xml(CATEGORY)}</value></prop>'
            '<prop oor:name="Target" oor:type="xs:string"><value>_self</value></prop>'
            f'<node oor:name="Submenu">{item("m1")}</node></node></node>\n'
            '</node>\n</oor:component-data>\n')


def jobs_xcu() -> str:
    job = "org.jidixl.BindOnLoad"
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<oor:component-data xmlns:oor="http://openoffice.org/2001/registry" '
            'xmlns:xs="http://www.w3.org/2001/XMLSchema" oor:name="Jobs" oor:package="org.openoffice.Office">\n'
            f'<node oor:name="Jobs"><node oor:name="{job}" oor:op="replace">'
            f'<prop oor:name="Service"><value>{EVALUATE_SERVICE}</value></prop></node></node>\n'
            '<node oor:name="Events"><node oor:name="OnLoadFinished" oor:op="fuse"><node oor:name="JobList">'
            f'<node oor:name="{job}" oor:op="replace"/></node></node></node>\n'
            '</oor:component-data>\n')


def description_xml() -> str:
    from importlib.metadata import PackageNotFoundError, version
    try:
        __version__ = version("jidi-xl")
    except PackageNotFoundError:
        __version__ = "0"
    from ..registry import CATEGORY
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<description xmlns="http://openoffice.org/extensions/description/2006" '
            'xmlns:d="http://openoffice.org/extensions/description/2006" xmlns:xlink="http://www.w3.org/1999/xlink">\n'
            f'  <identifier value="{EXTENSION_ID}"/>\n  <version value={quoteattr(__version__)}/>\n'
            f'  <display-name><name lang="zh-CN">{_xml(CATEGORY)} JIDI_ 函数与评价按钮</name>'
            '<name lang="en">jidi-xl JIDI_ functions and evaluation button</name></display-name>\n'
            '  <dependencies><OpenOffice.org-minimal-version value="4.0" d:name="OpenOffice.org 4.0"/></dependencies>\n'
            '</description>\n')


MANIFEST = f"""<?xml version="1.0" encoding="UTF-8"?>
<manifest:manifest xmlns:manifest="http://openoffice.org/2001/manifest">
 <manifest:file-entry manifest:media-type="application/vnd.sun.star.uno-typelibrary;type=RDB" manifest:full-path="{RDB_FILE}"/>
 <manifest:file-entry manifest:media-type="application/vnd.sun.star.uno-component;type=Python" manifest:full-path="{COMPONENT_FILE}"/>
 <manifest:file-entry manifest:media-type="application/vnd.sun.star.configuration-data" manifest:full-path="Addons.xcu"/>
 <manifest:file-entry manifest:media-type="application/vnd.sun.star.configuration-data" manifest:full-path="Jobs.xcu"/>
</manifest:manifest>
"""


def compile_idl(idl: str, rdb: Path) -> None:
    prog = program_dir()
    tool = unoidl_write()
    with tempfile.TemporaryDirectory(prefix="jidi_idl_") as d:
        src = Path(d) / "jidi.idl"
        src.write_text(idl, encoding="utf-8")
        proc = subprocess.run([str(tool), str(prog / "types.rdb"), str(prog / "types" / "offapi.rdb"), str(src),
                               str(rdb)], capture_output=True, text=True, timeout=60)
    if proc.returncode != 0 or not rdb.exists():
        raise RuntimeError(f"unoidl-write failed ({proc.returncode}): {proc.stderr or proc.stdout}")


def build_extension(out: Path, registry=None, target: str = "udfs.libreoffice.runtime") -> Path:
    """Build the ``.oxt`` at ``out`` and return its path.

    ``registry``/``target`` exist for the measuring probe (tests): another mapping of ``Udf``-like entries
    and the module (with ``call(name, args)``) the component hands the calls to. Raises :class:`LibreOfficeMissing` (Chinese
    message) when LibreOffice or its SDK is absent."""
    out = Path(out)
    meta = function_meta(registry)
    config = {"target": target, "build_paths": _paths_of_this_interpreter()}
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="jidi_oxt_") as d:
        rdb = Path(d) / RDB_FILE
        compile_idl(idl_text(meta), rdb)
        tmp = out.with_name(out.name + ".part")
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("META-INF/manifest.xml", MANIFEST)
            z.writestr("description.xml", description_xml())
            z.writestr(COMPONENT_FILE, component_source(meta, config))
            z.write(rdb, RDB_FILE)
            z.writestr("Addons.xcu", addons_xcu())
            z.writestr("Jobs.xcu", jobs_xcu())
            z.writestr("jidi.idl", idl_text(meta))     # for the curious reviewer; not used by LibreOffice
        os.replace(tmp, out)
    return out
