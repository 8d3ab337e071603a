"""One LibreOffice instance driven over UNO: open workbooks hidden, recalculate, read and write cells.

Generic: it knows nothing of the standard workbook or of the ``JIDI_`` functions (the crosscheck and the
tests bring those). One :class:`UnoSession` is one ``soffice`` process with a private user profile
(``-env:UserInstallation``; by default the profile of :func:`.libreoffice.make_profile`, which forces
recalculation of ``.xlsx`` files on load), reached over a named pipe. Documents are opened hidden and
closed when done; the process is ended on :meth:`UnoSession.close`, on leaving the ``with`` block, on an
error and at interpreter exit — whatever happens, no ``soffice`` is left behind. Every UNO call runs under
a time limit: past it, the whole process group is killed and :class:`UnoSessionError` says so.

Where pyuno runs (measured on Debian 12, LibreOffice 7.4.7): Debian's ``python3-uno`` is built for the
system Python (3.11.2), but its ``pyuno.so`` links ``libpython3.11.so.1.0`` by soname, which the
project's pyenv 3.11.7 (a shared build) has already loaded: with LibreOffice's ``program`` folder and the
folder holding ``uno.py`` on ``sys.path`` it loads and runs in-process (0.2 s import). So no bridge
process: the session imports :mod:`uno` into this interpreter (:func:`import_uno`). Another minor
version of Python (3.12 …) cannot load it; :func:`import_uno` then says what to install or use. The
session makes plain calls only — no listener, job or command environment implemented in this process: a
UNO object implemented in pyenv-hosted Python and called back by soffice crashed the bridge (measured by
the extension's work, ``udfs/libreoffice/office.py``, which drives such calls from the system Python).

What LibreOffice gives back (:class:`CellValue`): a number (dates are serial numbers; LibreOffice has no
boolean cell type — TRUE is the number 1 shown as TRUE, see :meth:`Document.display_text`), a text (a
formula's ``""`` is the text ``""``), or an error value as LibreOffice shows it (``#NAME?``, ``#DIV/0!``,
``#N/A``, or ``Err:502`` where Excel has no such literal).
"""
from __future__ import annotations

import atexit
import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import weakref
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Iterator, Mapping, Sequence

from . import _ooxml as ox
from . import libreoffice as lo

__all__ = ["UnoSession", "Document", "CellValue", "UnoSessionError", "UnoUnavailable", "import_uno",
           "INSTALL_HINT", "office_environment", "virtual_display", "screenshot"]

# What to install, said wherever LibreOffice or pyuno is missing (CI installs the same: .ci/run).
INSTALL_HINT = ("请安装 LibreOffice Calc 及其 Python 组件：apt-get install libreoffice-calc python3-uno "
                "libreoffice-script-provider-python (install LibreOffice Calc and python3-uno)")

# Time limits (seconds). A workbook of the standard size loads in 0.3-1.5 s; start-up to a connection
# took 0.5-4 s on a busy 2-core machine. The limits are ten times that and more: they only catch a hang.
START_TIMEOUT_S = 60.0
CALL_TIMEOUT_S = 120.0
STOP_TIMEOUT_S = 15.0


class UnoSessionError(RuntimeError):
    """LibreOffice failed, hung (and was killed) or could not be started; the message is Chinese."""


class UnoUnavailable(UnoSessionError):
    """LibreOffice or pyuno is not installed (or pyuno cannot load into this Python)."""


# --------------------------------------------------------------------------- #
# pyuno
# --------------------------------------------------------------------------- #
def _program_dir(soffice: str | None) -> Path | None:
    if soffice is None:
        return None
    return Path(os.path.realpath(soffice)).parent


_UNO = None


def import_uno(soffice: str | None = None):
    """Import pyuno into this interpreter; returns the :mod:`uno` module.

    Looks for ``uno.py`` in LibreOffice's ``program`` folder (upstream builds) and in the system
    Python's ``dist-packages`` (Debian's ``python3-uno``). Those folders are added to ``sys.path`` only
    for the import (LibreOffice's ``program`` folder stays, as ``uno.py`` itself appends it), so the
    system's other packages never shadow the project's."""
    global _UNO
    if _UNO is not None:
        return _UNO
    prog = _program_dir(soffice or lo.soffice_path())
    candidates = [str(p) for p in ([prog] if prog else []) + [Path("/usr/lib/python3/dist-packages")]
                  if (Path(p) / "uno.py").is_file()]
    saved = list(sys.path)
    # uno.py replaces builtins.__import__ by a hook (for ``from com.sun.star… import``) that turns a missing
    # module into a plain ImportError instead of ModuleNotFoundError; libraries that catch the latter
    # (tqdm, under formulas) then fail. The hook is taken out again: UNO constants are read with
    # uno.getConstantByName instead.
    import builtins
    builtin_import = builtins.__import__
    try:
        sys.path.extend(c for c in candidates if c not in sys.path)
        import uno  # noqa: F401
        import unohelper  # noqa: F401
    except ImportError as exc:
        raise UnoUnavailable(
            f"无法在当前 Python（{sys.version.split()[0]}）中加载 LibreOffice 的 pyuno（{exc}）。{INSTALL_HINT}；"
            f"pyuno 只能由与系统 Python 3 相同小版本（{'.'.join(map(str, sys.version_info[:2]))}）的解释器加载 "
            f"(pyuno cannot be loaded into this Python)") from exc
    finally:
        builtins.__import__ = builtin_import
        keep = {str(prog)} if prog else set()
        sys.path[:] = saved + [p for p in sys.path if p not in saved and p in keep]
    _UNO = uno
    return uno


# --------------------------------------------------------------------------- #
# values
# --------------------------------------------------------------------------- #
@dataclass(frozen=True)
class CellValue:
    sheet: str
    address: str          # "B7"
    formula: str          # LibreOffice's formula text ("=SUM(B1:B3)"), "" for a constant
    value: Any            # float | str (text, or the error literal when kind == "error") | None (empty)
    kind: str             # "number" | "text" | "error" | "empty"

    @property
    def is_error(self) -> bool:
        return self.kind == "error"


def _const(name: str) -> Any:
    return import_uno().getConstantByName("com.sun.star." + name)


def _pv(uno, name: str, value: Any):
    p = uno.createUnoStruct("com.sun.star.beans.PropertyValue")
    p.Name, p.Value = name, value
    return p


SYSTEM_PYTHON = "/usr/bin/python3"        # the interpreter LibreOffice's embedded Python is (Debian)


def office_environment(base: Mapping[str, str]) -> dict[str, str]:
    """The environment soffice is started with. Measured (7.4.7, started from the project's pyenv
    interpreter, whose ``bin`` folder pyenv puts first on ``PATH``): LibreOffice's embedded Python takes the
    prefix of the first ``python3`` on ``PATH``; with pyenv's there, the first start on a profile holding a
    Python extension aborts (``DeploymentException``) and calls into a Python add-in fail. So ``PATH``
    folders holding another ``python3`` than the system's are dropped, and ``PYTHONPATH``/``PYTHONHOME``/
    ``VIRTUAL_ENV`` are not passed on."""
    env = {k: v for k, v in base.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    system = os.path.realpath(SYSTEM_PYTHON)
    keep = [d for d in env.get("PATH", "/usr/bin:/bin").split(os.pathsep)
            if not (os.path.exists(os.path.join(d, "python3")) and os.path.realpath(os.path.join(d, "python3")) != system)]
    env["PATH"] = os.pathsep.join(keep)
    env.setdefault("HOME", tempfile.gettempdir())
    return env


_SESSIONS: "weakref.WeakSet[UnoSession]" = weakref.WeakSet()


@atexit.register
def _kill_leftovers() -> None:
    for s in list(_SESSIONS):
        s._kill("interpreter exit")


def _exit_on_sigterm() -> None:
    """A SIGTERM with Python's default handling ends the process without running ``atexit``, which would
    leave soffice behind: while sessions exist, SIGTERM becomes ``SystemExit`` (``atexit`` then kills them).
    Only from the main thread, and only when nobody else handles SIGTERM."""
    if threading.current_thread() is not threading.main_thread():
        return
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))


def _end_group(pgid: int, wait: float = 10.0) -> None:
    """Kill what is left of a process group and wait until it is gone (soffice.bin, reparented to init,
    may take a moment to be reaped)."""
    deadline = time.monotonic() + wait
    while True:
        try:
            os.killpg(pgid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            return
        if time.monotonic() > deadline:
            return
        time.sleep(0.05)


# --------------------------------------------------------------------------- #
# the session
# --------------------------------------------------------------------------- #
class UnoSession:
    """One headless (or, with ``headless=False``, visible — for a screenshot under Xvfb) soffice.

    ``profile_dir``: the user profile folder (created; default a temp folder removed on close). With
    ``force_recalc`` (default) it gets :func:`.libreoffice.make_profile`'s registry. An extension can be
    installed into it before :meth:`start`. ``env``: extra environment for soffice (``DISPLAY``…).
    """

    def __init__(self, profile_dir: str | os.PathLike | None = None, *, headless: bool = True,
                 force_recalc: bool = True, env: dict[str, str] | None = None,
                 start_timeout: float = START_TIMEOUT_S, call_timeout: float = CALL_TIMEOUT_S,
                 soffice: str | None = None):
        self.soffice = soffice or lo.soffice_path()
        self.headless = headless
        self.env = dict(env or {})
        self.start_timeout, self.call_timeout = start_timeout, call_timeout
        self._own_profile = profile_dir is None
        self.profile_dir = Path(profile_dir) if profile_dir is not None else \
            Path(tempfile.mkdtemp(prefix="jidi_uno_profile_"))
        self.profile_url = lo.make_profile(self.profile_dir) if force_recalc else self._bare_profile()
        self._proc: subprocess.Popen | None = None
        self._killed: str | None = None
        self._lock = threading.Lock()
        # pyuno objects (untyped): the component context and the Desktop, once started
        self.ctx: Any = None
        self.desktop: Any = None
        self.startup_seconds: float | None = None
        self._docs: list[Document] = []
        self._log: IO[bytes] | None = None

    def _bare_profile(self) -> str:
        self.profile_dir.mkdir(parents=True, exist_ok=True)
        return self.profile_dir.resolve().as_uri()

    # -- life cycle --------------------------------------------------------- #
    def __enter__(self) -> "UnoSession":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.close()

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc else None

    def start(self) -> "UnoSession":
        if self.running:
            return self
        if self.soffice is None:
            raise UnoUnavailable(f"未找到 LibreOffice（soffice）。{INSTALL_HINT} (LibreOffice not installed)")
        uno = import_uno(self.soffice)
        pipe = f"jidi_uno_{os.getpid()}_{id(self):x}_{time.monotonic_ns() % 10**9}"
        args = [self.soffice, f"-env:UserInstallation={self.profile_url}", "--norestore", "--nologo",
                "--nodefault", "--nolockcheck", "--nofirststartwizard",
                f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext"]
        if self.headless:
            args[1:1] = ["--headless", "--invisible"]
        env = {**office_environment(os.environ), **self.env}
        self._log = tempfile.TemporaryFile()
        t0 = time.perf_counter()
        # its own process group: /usr/bin/soffice is a script that starts oosplash, which starts soffice.bin;
        # killing the group ends all of them
        self._proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=self._log, stderr=self._log,
                                      env=env, start_new_session=True)
        self._killed = None
        _SESSIONS.add(self)
        _exit_on_sigterm()
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
        url = f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext"
        deadline = time.monotonic() + self.start_timeout
        while True:
            try:
                self.ctx = resolver.resolve(url)
                break
            except Exception as exc:  # NoConnectException until soffice listens
                if self._proc.poll() is not None:
                    out = self._output()
                    self._kill("exited")
                    raise UnoSessionError(f"LibreOffice 启动后立即退出（返回码 {self._proc.returncode}）："
                                          f"{out} (soffice exited at start-up)") from exc
                if time.monotonic() > deadline:
                    self._kill("start-up timeout")
                    raise UnoSessionError(f"LibreOffice 在 {self.start_timeout:.0f} 秒内未能启动，已终止进程 "
                                          f"(soffice did not start in time)") from exc
                time.sleep(0.05)
        with self._guard("连接 connect"):
            self.desktop = self.ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop",
                                                                             self.ctx)
        self.startup_seconds = time.perf_counter() - t0
        return self

    def _output(self) -> str:
        if self._log is None:
            return ""
        try:
            self._log.seek(0)
            return self._log.read()[-2000:].decode("utf-8", "replace").strip()
        except (OSError, ValueError):
            return ""

    def _kill(self, why: str) -> None:
        with self._lock:
            p = self._proc
            if p is None or p.poll() is not None:
                return
            self._killed = why
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                with contextlib.suppress(ProcessLookupError):
                    p.kill()
            with contextlib.suppress(subprocess.TimeoutExpired):
                p.wait(10)

    def close(self) -> None:
        """Close every document, end soffice (terminate; killed if it does not end in time) and remove a
        temporary profile. Safe to call twice, and after a failure."""
        try:
            if self.running and self.desktop is not None:
                for d in list(self._docs):
                    with contextlib.suppress(Exception):
                        d.close()
                try:
                    with self._guard("退出 terminate", STOP_TIMEOUT_S):
                        self.desktop.terminate()
                except Exception:   # noqa: BLE001 — the bridge goes away while terminating; killed below
                    pass
                with contextlib.suppress(subprocess.TimeoutExpired):
                    if self._proc is not None:          # (running implies a process)
                        self._proc.wait(STOP_TIMEOUT_S)
        finally:
            if self._proc is not None and self._proc.poll() is None:
                self._kill("did not terminate")
            # soffice.bin may outlive oosplash for a moment: end whatever is left in its group
            if self._proc is not None:
                _end_group(self._proc.pid)
            self.ctx = self.desktop = None
            self._docs.clear()
            _SESSIONS.discard(self)
            if self._log is not None:
                self._log.close()
                self._log = None
            if self._own_profile:
                shutil.rmtree(self.profile_dir, ignore_errors=True)

    # -- calls under a time limit ---------------------------------------------- #
    @contextlib.contextmanager
    def _guard(self, what: str, seconds: float | None = None) -> Iterator[None]:
        """Run UNO calls; past *seconds* soffice is killed (the pending call then fails) and the failure is
        an :class:`UnoSessionError` that says so. Any UNO exception becomes one too (cause kept)."""
        if not self.running:
            raise UnoSessionError(f"LibreOffice 未在运行，无法{what} (soffice is not running)")
        limit = self.call_timeout if seconds is None else seconds
        timer = threading.Timer(limit, self._kill, args=(f"{what}: timeout",))
        timer.daemon = True
        timer.start()
        try:
            yield
        except UnoSessionError:
            raise
        except Exception as exc:  # noqa: BLE001 — pyuno raises UNO exceptions as plain Python classes
            if self._killed:
                raise UnoSessionError(f"LibreOffice {what}超过 {limit:.0f} 秒未完成，已终止进程 "
                                      f"(soffice hung and was killed)") from exc
            if not self.running:
                raise UnoSessionError(f"LibreOffice 在{what}时意外退出 (soffice died): {self._output()}") from exc
            raise UnoSessionError(f"LibreOffice {what}失败：{getattr(exc, 'Message', '') or exc} "
                                  f"({type(exc).__name__})") from exc
        finally:
            timer.cancel()

    # -- documents --------------------------------------------------------------- #
    def open(self, path: str | os.PathLike, *, hidden: bool | None = None, read_only: bool = False) -> "Document":
        """Load a document (hidden unless the session is visible and *hidden* is False)."""
        uno = import_uno(self.soffice)
        path = Path(path).resolve()
        if not path.is_file():
            raise UnoSessionError(f"{path}：文件不存在 (no such file)")
        hidden = self.headless if hidden is None else hidden
        props = [_pv(uno, "Hidden", hidden), _pv(uno, "ReadOnly", read_only)]
        with self._guard(f"打开 {path.name} "):
            comp = self.desktop.loadComponentFromURL(uno.systemPathToFileUrl(str(path)), "_blank", 0,
                                                     tuple(props))
        if comp is None or not hasattr(comp, "getSheets"):
            if comp is not None:
                with contextlib.suppress(Exception):
                    comp.close(True)
            raise UnoSessionError(f"{path.name}：LibreOffice 无法将其作为电子表格打开 (not a spreadsheet)")
        doc = Document(self, comp, path)
        self._docs.append(doc)
        return doc

    def dispatch(self, frame, url: str, args: Sequence[tuple[str, Any]] = ()) -> Any:
        uno = import_uno(self.soffice)
        with self._guard(f"执行命令 {url} "):
            helper = self.ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.DispatchHelper",
                                                                       self.ctx)
            return helper.executeDispatch(frame, url, "", 0, tuple(_pv(uno, k, v) for k, v in args))


class Document:
    """A spreadsheet document open in a :class:`UnoSession`."""

    def __init__(self, session: UnoSession, component, path: Path):
        self.session, self.component, self.path = session, component, path

    # -- reading ---------------------------------------------------------------- #
    @property
    def sheet_names(self) -> list[str]:
        with self.session._guard("读取工作表 "):
            return list(self.component.Sheets.ElementNames)

    def _sheet(self, name: str):
        sheets = self.component.Sheets
        if not sheets.hasByName(name):
            raise UnoSessionError(f"{self.path.name}：没有工作表“{name}” (no such sheet)")
        return sheets.getByName(name)

    def calculate_all(self) -> float:
        """Recalculate every formula of the document (dirty or not); returns the seconds it took."""
        t = time.perf_counter()
        with self.session._guard(f"重新计算 {self.path.name} "):
            self.component.calculateAll()
        return time.perf_counter() - t

    def formula_cells(self, skip_sheets: Sequence[str] = ()) -> list[CellValue]:
        """Every formula cell of every sheet with its value, read in bulk: per sheet one query for the
        formula cells and one for those ending in an error, per rectangle of formula cells two calls
        (formulas, values); only error cells are read one by one (their text, e.g. ``#DIV/0!``)."""
        FORMULA, ERROR = _const("sheet.CellFlags.FORMULA"), _const("sheet.FormulaResult.ERROR")
        out: list[CellValue] = []
        with self.session._guard(f"读取 {self.path.name} 的公式单元格 "):
            sheets = self.component.Sheets
            for name in sheets.ElementNames:
                if name in skip_sheets:
                    continue
                sh = sheets.getByName(name)
                errors: dict[tuple[int, int], str] = {}
                err_ranges = sh.queryFormulaCells(ERROR)
                for a in err_ranges.getRangeAddresses():
                    for r in range(a.StartRow, a.EndRow + 1):
                        for c in range(a.StartColumn, a.EndColumn + 1):
                            errors[(r, c)] = sh.getCellByPosition(c, r).getString()
                for a in sh.queryContentCells(FORMULA).getRangeAddresses():
                    rng = sh.getCellRangeByPosition(a.StartColumn, a.StartRow, a.EndColumn, a.EndRow)
                    formulas, data = rng.getFormulaArray(), rng.getDataArray()
                    for i, (frow, drow) in enumerate(zip(formulas, data)):
                        for j, (f, v) in enumerate(zip(frow, drow)):
                            r, c = a.StartRow + i, a.StartColumn + j
                            err = errors.get((r, c))
                            if err is not None:
                                kind, v = "error", err
                            elif isinstance(v, str):
                                kind = "text"
                            elif isinstance(v, (int, float)):
                                kind, v = "number", float(v)
                            else:
                                kind, v = "empty", None
                            out.append(CellValue(name, ox.a1(r + 1, c + 1), f, v, kind))
        return out

    def cell(self, sheet: str, address: str) -> CellValue:
        """One cell (formula or constant)."""
        uno = import_uno()
        EMPTY, TEXT, FORMULA = (uno.Enum("com.sun.star.table.CellContentType", n) for n in ("EMPTY", "TEXT", "FORMULA"))
        ERROR, STRING = _const("sheet.FormulaResult.ERROR"), _const("sheet.FormulaResult.STRING")

        with self.session._guard(f"读取 {sheet}!{address} "):
            c = self._sheet(sheet).getCellRangeByName(address)
            t, f = c.getType(), c.getFormula()
            if t == EMPTY:
                return CellValue(sheet, address, "", None, "empty")
            if t == TEXT:
                return CellValue(sheet, address, "", c.getString(), "text")
            if t == FORMULA:
                rt = c.FormulaResultType2
                if rt == ERROR:
                    return CellValue(sheet, address, f, c.getString(), "error")
                if rt == STRING:
                    return CellValue(sheet, address, f, c.getString(), "text")
                return CellValue(sheet, address, f, c.getValue(), "number")
            return CellValue(sheet, address, "", c.getValue(), "number")

    def display_text(self, sheet: str, address: str) -> str:
        """The text LibreOffice shows in the cell (``TRUE`` for a logical 1 …)."""
        with self.session._guard(f"读取 {sheet}!{address} "):
            return self._sheet(sheet).getCellRangeByName(address).getString()

    # -- writing ---------------------------------------------------------------- #
    def set_value(self, sheet: str, address: str, value: Any) -> None:
        """Enter a constant: a number (``bool`` as 1/0), a text, or ``None`` to clear the cell."""
        with self.session._guard(f"写入 {sheet}!{address} "):
            c = self._sheet(sheet).getCellRangeByName(address)
            if value is None:
                c.setString("")
            elif isinstance(value, (bool, int, float)):
                c.setValue(float(value))
            else:
                c.setString(str(value))

    def set_formula(self, sheet: str, address: str, formula: str) -> None:
        with self.session._guard(f"写入 {sheet}!{address} "):
            self._sheet(sheet).getCellRangeByName(address).setFormula(formula)

    # -- commands, frames --------------------------------------------------------- #
    @property
    def frame(self):
        with self.session._guard("取得窗口 "):
            return self.component.getCurrentController().getFrame()

    def dispatch(self, url: str, args: Sequence[tuple[str, Any]] = ()) -> Any:
        """Dispatch a command URL (``.uno:…``, ``service:…``, ``vnd.sun.star.script:…``) to this document's
        frame, as a toolbar button does."""
        return self.session.dispatch(self.frame, url, args)

    def activate_sheet(self, name: str) -> None:
        with self.session._guard(f"切换到工作表 {name} "):
            self.component.getCurrentController().setActiveSheet(self._sheet(name))

    def close(self) -> None:
        if self in self.session._docs:
            self.session._docs.remove(self)
        if not self.session.running:
            return
        with self.session._guard(f"关闭 {self.path.name} ", STOP_TIMEOUT_S):
            self.component.close(True)


# --------------------------------------------------------------------------- #
# a virtual display, for LibreOffice's GUI (screenshots)
# --------------------------------------------------------------------------- #
XVFB_HINT = "请安装 xvfb 与 imagemagick：apt-get install xvfb imagemagick (install xvfb and imagemagick)"


@contextlib.contextmanager
def virtual_display(width: int = 1600, height: int = 1000, timeout: float = 20.0) -> Iterator[str]:
    """An Xvfb server on a free display number (``-displayfd``); yields ``":N"``, ends it afterwards."""
    exe = shutil.which("Xvfb")
    if exe is None:
        raise UnoUnavailable(f"未找到 Xvfb。{XVFB_HINT}")
    r, w = os.pipe()
    proc = subprocess.Popen([exe, "-displayfd", str(w), "-screen", "0", f"{width}x{height}x24", "-nolisten", "tcp"],
                            pass_fds=(w,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    os.close(w)
    try:
        import select
        ready, _, _ = select.select([r], [], [], timeout)
        number = os.read(r, 32).decode().strip() if ready else ""
        if not number:
            raise UnoSessionError(f"Xvfb 未能在 {timeout:.0f} 秒内启动 (Xvfb did not start)")
        yield f":{number}"
    finally:
        os.close(r)
        with contextlib.suppress(ProcessLookupError):
            proc.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(5)
        _end_group(proc.pid)


def screenshot(display: str, png: str | os.PathLike) -> Path:
    """The whole screen of *display* as a PNG (ImageMagick's ``import -window root``)."""
    exe = shutil.which("import")
    if exe is None:
        raise UnoUnavailable(f"未找到 ImageMagick 的 import。{XVFB_HINT}")
    subprocess.run([exe, "-display", display, "-window", "root", os.fspath(png)], check=True,
                   capture_output=True, timeout=60)
    return Path(png)
