"""Driving LibreOffice over UNO: one headless soffice, scripts run by LibreOffice's own Python.

Measured (Debian 12, LibreOffice 7.4.7): Debian's ``pyuno`` imports in the project's pyenv 3.11.7 and plain
calls work, but as soon as soffice has to call Python back (a formula calling the add-in, a command
environment) the bridge fails with ``std::bad_alloc`` (two libpython builds in one process). The same
script run by ``/usr/bin/python3`` works. So:

* :class:`Office` (any interpreter, no UNO import) starts one soffice on a private pipe with a profile and
  terminates it — one instance per test module / crosscheck folder;
* :func:`run_script` runs :mod:`udfs.libreoffice.drive` under LibreOffice's Python against that pipe: a
  JSON list of operations in, a JSON list of results out (about 0.1 s per run plus the work).
"""
from __future__ import annotations

import json
import os
import subprocess
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from .build import LibreOfficeMissing, program_dir

SYSTEM_PYTHON = "/usr/bin/python3"     # the interpreter LibreOffice embeds (Debian); it has ``uno``


def soffice() -> str:
    return str(program_dir() / "soffice")


def system_python() -> str:
    if not os.path.exists(SYSTEM_PYTHON):
        raise LibreOfficeMissing(f"未找到 LibreOffice 使用的 Python（{SYSTEM_PYTHON}）：请安装 python3 与 python3-uno。")
    return SYSTEM_PYTHON


def office_environment(base) -> dict:
    """The environment soffice is started with.

    Measured: started from the project's pyenv interpreter (whose ``bin`` heads ``PATH``), LibreOffice's
    embedded Python finds that ``python3`` on ``PATH``, takes its prefix, and every call into the add-in
    dies with ``std::bad_alloc``. So ``PATH`` entries holding another ``python3`` than the system's are
    dropped, and ``PYTHONPATH``/``PYTHONHOME`` are not passed on (the component sets its own path)."""
    env = {k: v for k, v in base.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    system = os.path.realpath(SYSTEM_PYTHON)
    keep = []
    for d in env.get("PATH", "/usr/bin:/bin").split(os.pathsep):
        exe = os.path.join(d, "python3")
        if os.path.exists(exe) and os.path.realpath(exe) != system:
            continue
        keep.append(d)
    env["PATH"] = os.pathsep.join(keep)
    env.setdefault("HOME", tempfile.gettempdir())
    return env


def package_root() -> str:
    return str(Path(__file__).resolve().parent.parent.parent)


class Office:
    """One soffice with the profile ``profile_dir`` (what ``-env:UserInstallation`` names), listening on a
    private pipe (:attr:`pipe`). ``headless=False`` for the GUI under Xvfb (``env`` with ``DISPLAY``)."""

    def __init__(self, profile_dir: Path, timeout: float = 60.0, headless: bool = True, env: dict | None = None):
        self.profile_dir = Path(profile_dir).resolve()
        self.pipe = f"jidi_{uuid.uuid4().hex[:12]}"
        args = [soffice(), f"-env:UserInstallation={self.profile_dir.as_uri()}", "--norestore", "--nologo",
                "--nolockcheck", f"--accept=pipe,name={self.pipe};urp;StarOffice.ComponentContext"]
        if headless:
            args[1:1] = ["--headless", "--invisible", "--nodefault"]
        environ = office_environment(os.environ if env is None else env)
        self._err = tempfile.TemporaryFile()
        t0 = time.perf_counter()
        self.proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=self._err, stderr=self._err, env=environ)
        try:
            self.run([{"op": "ping"}], timeout=timeout)
        except Exception:
            self.close()
            raise
        self.start_seconds = time.perf_counter() - t0

    def run(self, ops: list[dict], timeout: float = 300.0) -> list[Any]:
        """Run the operations (:mod:`udfs.libreoffice.drive`) against this soffice; their results."""
        if self.proc.poll() is not None:
            self._err.seek(0)
            raise RuntimeError(f"LibreOffice 已退出（exit {self.proc.returncode}）："
                               f"{self._err.read().decode('utf-8', 'replace')[-1500:]}")
        return run_script(self.pipe, ops, timeout=timeout)

    def close(self) -> None:
        """Terminate this soffice: the desktop over UNO, then the process we started (by its pid)."""
        if self.proc.poll() is None:
            try:
                run_script(self.pipe, [{"op": "terminate"}], timeout=20, connect_timeout=2)
            except Exception:  # noqa: BLE001 — not connected yet, or the bridge drops while soffice exits
                pass
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=15)
        self._err.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def run_script(pipe: str, ops: list[dict], timeout: float = 300.0, connect_timeout: float = 60.0) -> list[Any]:
    env = dict(os.environ, PYTHONPATH=package_root())
    proc = subprocess.run([system_python(), "-m", "udfs.libreoffice.drive", pipe, str(connect_timeout)],
                          input=json.dumps(ops, ensure_ascii=False), capture_output=True, text=True,
                          timeout=timeout, env=env)
    if proc.returncode != 0:
        raise RuntimeError(f"UNO script failed ({proc.returncode}): {proc.stderr[-3000:]}")
    return json.loads(proc.stdout)
