"""Cross-check recalculation with LibreOffice headless.

``soffice --headless --convert-to xlsx`` re-saves a COPY of the workbook.  By
default LibreOffice *keeps* the cached values of an .xlsx on load
(``/org.openoffice.Office.Calc/Formula/Load/OOXMLRecalcMode`` = 1, "never",
in the shipped ``main.xcd``), so a private user profile is created whose
``user/registrymodifications.xcu`` sets ``OOXMLRecalcMode`` (and
``ODFRecalcMode``) to 0 = always recalculate; it is passed with
``-env:UserInstallation=file:///...``.  :func:`verify_forced_recalc` proves it
with a canary workbook whose ``=1+1`` cell has a stale cached ``<v>999</v>``.

Limits (field notes): LibreOffice cannot run the Python UDFs (``#NAME?``);
Debian 12's 7.4 lacks XLOOKUP, FILTER, LET, UNIQUE; numeric results agree with
formulas to ~1e-15 relative -- compare with a tolerance.  A cold conversion
costs ~1-1.5 s (+ a few seconds the first time a profile is initialised).
"""

from __future__ import annotations

import datetime as _dt
import functools
import os
import shutil
import subprocess
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Sequence

from . import _ooxml as ox

__all__ = ["libreoffice_available", "soffice_path", "LibreOfficeError", "LibreOfficeResult",
           "libreoffice_recalc", "verify_forced_recalc", "make_profile", "read_cached_values"]

REGISTRY_XCU = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


class LibreOfficeError(RuntimeError):
    pass


def soffice_path() -> str | None:
    for name in ("soffice", "libreoffice"):
        p = shutil.which(name)
        if p:
            return p
    return None


def libreoffice_available() -> bool:
    """True when a ``soffice`` executable is on PATH."""
    return soffice_path() is not None


def make_profile(directory: str | os.PathLike) -> str:
    """Create a LibreOffice user profile forcing recalculation on load;
    returns the ``file://`` URL for ``-env:UserInstallation``."""
    d = Path(directory).resolve()
    (d / "user").mkdir(parents=True, exist_ok=True)
    xcu = d / "user" / "registrymodifications.xcu"
    text = REGISTRY_XCU
    if xcu.is_file():
        # a profile LibreOffice (or an extension install) already wrote: keep its items, add ours once
        old = xcu.read_text(encoding="utf-8")
        ours = [line for line in REGISTRY_XCU.splitlines() if line.startswith("<item ")]
        if "</oor:items>" in old:
            missing = [line for line in ours if line not in old]
            text = old.replace("</oor:items>", "".join(m + "\n" for m in missing) + "</oor:items>", 1)
    xcu.write_text(text, encoding="utf-8")
    return d.as_uri()


@dataclass
class LibreOfficeResult:
    path: str                                               # recalculated copy
    values: dict[tuple[str, str], Any] = field(default_factory=dict)   # formula cells
    errors: list[tuple[str, str, str]] = field(default_factory=list)   # (sheet, cell, "#DIV/0!")
    seconds: float = 0.0


def convert_many(sources: Sequence[str], outdir: str, profile_url: str, timeout: float) -> list[str]:
    """One ``soffice --convert-to xlsx`` run for every file of *sources* into *outdir*; returns the outputs."""
    exe = soffice_path()
    if exe is None:
        raise LibreOfficeError("未找到 LibreOffice（soffice）(LibreOffice not installed)")
    cmd = [exe, f"-env:UserInstallation={profile_url}", "--headless", "--invisible", "--norestore",
           "--nologo", "--nodefault", "--nolockcheck",
           "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", outdir, *sources]
    env = dict(os.environ)
    env.setdefault("HOME", tempfile.gettempdir())
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, env=env)
    except subprocess.TimeoutExpired as exc:
        raise LibreOfficeError(f"LibreOffice 超时 (timed out after {timeout}s)") from exc
    outs = [os.path.join(outdir, Path(s).stem + ".xlsx") for s in sources]
    missing = [s for s, o in zip(sources, outs) if not os.path.exists(o)]
    if proc.returncode != 0 or missing:
        raise LibreOfficeError(f"LibreOffice 转换失败 (conversion failed), rc={proc.returncode}, "
                               f"missing={missing}\n{proc.stdout}\n{proc.stderr}")
    return outs


def _convert(src: str, outdir: str, profile_url: str, timeout: float) -> str:
    return convert_many([src], outdir, profile_url, timeout)[0]


_EPOCH = _dt.datetime(1899, 12, 30)


def _serial(v: Any) -> Any:
    """openpyxl turns date-formatted numbers into datetimes; give the Excel
    serial number back (what formulas computes)."""
    if isinstance(v, _dt.datetime):
        d = v - _EPOCH
        s = d.days + d.seconds / 86400 + d.microseconds / 86400e6
        return int(s) if float(s).is_integer() else s
    if isinstance(v, _dt.date):
        return (v - _EPOCH.date()).days
    if isinstance(v, _dt.time):
        return (v.hour * 3600 + v.minute * 60 + v.second + v.microsecond / 1e6) / 86400
    return v


def read_cached_values(path: str | os.PathLike, cells: list[tuple[str, str]] | None = None
                       ) -> dict[tuple[str, str], Any]:
    """Cached values of a saved workbook (openpyxl data_only, which keeps
    error literals such as ``#DIV/0!`` -- python-calamine reads them as '').
    Date-formatted numbers are returned as Excel serial numbers.
    With *cells*, only those; otherwise every non-empty cell."""
    import openpyxl
    wb = openpyxl.load_workbook(os.fspath(path), read_only=True, data_only=True)
    try:
        out: dict[tuple[str, str], Any] = {}
        wanted: dict[str, set[str]] | None = None
        if cells is not None:
            wanted = {}
            for s, c in cells:
                wanted.setdefault(s, set()).add(c)
        for ws in wb.worksheets:
            if wanted is not None and ws.title not in wanted:
                continue
            want = wanted.get(ws.title) if wanted is not None else None
            for row in ws.iter_rows():
                for c in row:
                    if not hasattr(c, "coordinate"):
                        continue
                    v = _serial(c.value)
                    if want is not None:
                        if c.coordinate in want:
                            out[(ws.title, c.coordinate)] = v
                    elif v is not None:
                        out[(ws.title, c.coordinate)] = v
        if wanted is not None:
            for s, cs in wanted.items():
                for c in cs:
                    out.setdefault((s, c), None)
        return out
    finally:
        wb.close()


def libreoffice_recalc(src: str | os.PathLike, dst: str | os.PathLike | None = None, *,
                       timeout: float = 180, verify: bool = True) -> LibreOfficeResult:
    """Recalculate a copy of *src* with LibreOffice (input never modified).

    The result is saved to *dst* (default: a file in a new temp directory,
    left for the caller) and the values of the source's formula cells are
    read back. With *verify* the forced recalculation is proven once per
    process with a canary (:func:`verify_forced_recalc`).
    """
    import time
    src = os.fspath(src)
    if dst is not None and os.path.abspath(os.fspath(dst)) == os.path.abspath(src):
        raise ValueError("目标文件不能与输入文件相同 (dst must differ from src)")
    if verify:
        verify_forced_recalc()
    t0 = time.perf_counter()
    work = tempfile.mkdtemp(prefix="jidi_lo_")
    try:
        indir = os.path.join(work, "in")
        outdir = os.path.join(work, "out")
        os.makedirs(indir)
        os.makedirs(outdir)
        copy = os.path.join(indir, "workbook.xlsx")
        shutil.copyfile(src, copy)
        out = _convert(copy, outdir, make_profile(os.path.join(work, "profile")), timeout)
        if dst is None:
            dst = os.path.join(tempfile.mkdtemp(prefix="jidi_lo_out_"), Path(src).stem + ".xlsx")
        dst = os.fspath(dst)
        shutil.move(out, dst)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    _, fcells = ox.workbook_formula_cells(src)
    values = read_cached_values(dst, [(c.sheet, c.cell) for c in fcells])
    errors = [(s, c, v) for (s, c), v in values.items()
              if isinstance(v, str) and v.startswith("#") and v in _ERRORS]
    return LibreOfficeResult(dst, values, errors, time.perf_counter() - t0)


_ERRORS = {"#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A"}


@functools.lru_cache(maxsize=1)
def verify_forced_recalc(timeout: float = 180) -> bool:
    """Prove that the private profile forces recalculation: a canary cell
    ``=1+1`` stored with the stale cached value 999 must come back as 2.
    Raises :class:`LibreOfficeError` otherwise; cached per process."""
    work = tempfile.mkdtemp(prefix="jidi_lo_canary_")
    try:
        src = os.path.join(work, "canary.xlsx")
        write_canary(src)
        outdir = os.path.join(work, "out")
        os.makedirs(outdir)
        out = _convert(src, outdir, make_profile(os.path.join(work, "profile")), timeout)
        v = read_cached_values(out, [("Canary", "A1")])[("Canary", "A1")]
        if v != 2:
            raise LibreOfficeError(f"LibreOffice 没有重新计算（金丝雀单元格为 {v!r}，应为 2）"
                                   f"(LibreOffice did not recalculate: canary {v!r} != 2)")
        return True
    finally:
        shutil.rmtree(work, ignore_errors=True)


def write_canary(path: str) -> None:
    """A minimal .xlsx whose Canary!A1 is ``=1+1`` with stale cached 999."""
    files = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            '</Types>'),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
            '</Relationships>'),
        "xl/workbook.xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
            'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
            '<sheets><sheet name="Canary" sheetId="1" r:id="rId1"/></sheets></workbook>'),
        "xl/_rels/workbook.xml.rels": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
            '</Relationships>'),
        "xl/worksheets/sheet1.xml": (
            '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
            '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            '<sheetData><row r="1"><c r="A1"><f>1+1</f><v>999</v></c></row></sheetData></worksheet>'),
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in files.items():
            z.writestr(name, text)
