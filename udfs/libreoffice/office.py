"""Driving LibreOffice over UNO from the project's interpreter.

Measured: Debian's ``pyuno`` (built for ``/usr/bin/python3`` 3.11.2) imports and works in the project's
pyenv 3.11.7 once LibreOffice's ``program`` folder and ``/usr/lib/python3/dist-packages`` are on
``sys.path`` (same major.minor, same ABI). :func:`import_uno` adds them *temporarily* — only ``uno`` and
``unohelper`` are imported from there, so Debian's other packages never shadow the project's.

:class:`Office` starts one headless ``soffice`` on a private pipe with a given profile and gives the UNO
component context; :meth:`Office.close` terminates it (and only it).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from .build import LibreOfficeMissing, program_dir

SYSTEM_PY_PATHS = ("/usr/lib/python3/dist-packages",)


def import_uno():
    """``uno`` (with its import hook for ``com.sun.star…``) in this interpreter, or LibreOfficeMissing."""
    if "uno" in sys.modules:
        return sys.modules["uno"]
    added = [p for p in (str(program_dir()), *SYSTEM_PY_PATHS) if p not in sys.path]
    sys.path.extend(added)
    try:
        import uno  # noqa: F401
        import unohelper  # noqa: F401
    except ImportError as exc:
        raise LibreOfficeMissing(f"无法导入 LibreOffice 的 Python 接口 uno（{exc}）：请安装 python3-uno "
                                 "（apt-get install python3-uno libreoffice-script-provider-python）。") from None
    finally:
        for p in added:
            if p in sys.path and p != str(program_dir()):
                sys.path.remove(p)
    return sys.modules["uno"]


def soffice() -> str:
    exe = shutil.which("soffice") or shutil.which("libreoffice")
    if not exe:
        program_dir()       # raises the Chinese message
        exe = str(program_dir() / "soffice")
    return exe


def props(**kw):
    """A tuple of ``PropertyValue`` from keyword arguments."""
    uno = import_uno()
    out = []
    for k, v in kw.items():
        p = uno.createUnoStruct("com.sun.star.beans.PropertyValue")
        p.Name, p.Value = k, v
        out.append(p)
    return tuple(out)


class Office:
    """One headless soffice with the profile ``profile_dir`` (what ``-env:UserInstallation`` names)."""

    def __init__(self, profile_dir: Path, timeout: float = 60.0, headless: bool = True, env: dict | None = None):
        uno = import_uno()
        self.profile_dir = Path(profile_dir).resolve()
        self.pipe = f"jidi_{uuid.uuid4().hex[:12]}"
        args = [soffice(), f"-env:UserInstallation={self.profile_dir.as_uri()}", "--norestore", "--nologo",
                "--nodefault", "--nolockcheck", f"--accept=pipe,name={self.pipe};urp;StarOffice.ComponentContext"]
        if headless:
            args[1:1] = ["--headless", "--invisible"]
        environ = dict(os.environ if env is None else env)
        environ.setdefault("HOME", tempfile.gettempdir())
        self._err = tempfile.TemporaryFile()
        self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=self._err, stderr=self._err, env=environ)
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
        deadline = time.monotonic() + timeout
        t0 = time.perf_counter()
        while True:
            try:
                self.ctx = resolver.resolve(f"uno:pipe,name={self.pipe};urp;StarOffice.ComponentContext")
                break
            except Exception:  # noqa: BLE001 — NoConnectException until soffice listens
                if self.proc.poll() is not None or time.monotonic() > deadline:
                    self.close()
                    self._err.seek(0)
                    tail = self._err.read().decode("utf-8", "replace")[-1500:]
                    raise RuntimeError(f"LibreOffice 未能启动（soffice exit {self.proc.returncode}）：{tail}") from None
                time.sleep(0.1)
        self.start_seconds = time.perf_counter() - t0
        self.smgr = self.ctx.ServiceManager
        self.desktop = self.smgr.createInstanceWithContext("com.sun.star.frame.Desktop", self.ctx)

    def create(self, service: str):
        return self.smgr.createInstanceWithContext(service, self.ctx)

    def load(self, path: Path, hidden: bool = True):
        """Open a document (read-only on the file: it is never stored back unless asked)."""
        url = Path(path).resolve().as_uri()
        return self.desktop.loadComponentFromURL(url, "_blank", 0, props(Hidden=hidden))

    def close(self) -> None:
        """Terminate this soffice (the desktop first, then the process we started, by its pid)."""
        try:
            if getattr(self, "desktop", None) is not None:
                self.desktop.terminate()
        except Exception:  # noqa: BLE001 — the bridge drops while soffice exits
            pass
        if self.proc.poll() is None:
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
