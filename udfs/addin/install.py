"""Install / uninstall the Excel add-in for the current user: XLSTART copy + the add-in's config file.

What Excel and the add-in's VBA (xlwings' template, ``PROJECT_NAME = "myaddin"``) really do, read from the
VBA of ``jidi_xl_addin.xlam`` (``olevba``) and ``xlwings/cli.py`` (``xlwings addin install``):

* Excel opens every workbook in the user's startup folder ``Application.StartupPath`` at start-up; for
  Office 2010 and later that is ``%APPDATA%\\Microsoft\\Excel\\XLSTART``. ``xlwings addin install --file``
  copies the file there (it asks a running Excel for the path over COM; we take it from ``APPDATA`` so that
  no Excel has to be started, and ``--xlstart`` overrides it).
* ``GetConfig(key)`` looks, in order, in the active workbook's ``myaddin.conf`` sheet, the add-in's own
  ``myaddin.conf`` sheet (ours holds only ``UDF Modules`` = ``udfs.excel``, see build_addin.py), a
  ``myaddin.conf`` file beside the active workbook, then the user file
  ``%USERPROFILE%\\.myaddin\\myaddin.conf``. Keys compare case-insensitively; the file is read with VBA's
  ``Input #`` (lines ``"KEY","VALUE"``, as VBA's ``Write #`` writes them), in the ANSI code page.
* ``XLPyLoadDLL`` loads ``xlwings64-<version>.dll`` (32-bit Office: ``xlwings32-…``) from the folder of
  ``INTERPRETER_WIN`` or its parent — a virtual environment's root, where pip puts the DLL that the Windows
  xlwings wheel ships as data.

So ``install`` copies the add-in into XLSTART and writes ``INTERPRETER_WIN`` (the interpreter of the
environment running the install: its ``pythonw.exe`` when there is one, so no console window flashes) and
``UDF MODULES`` into the user file. The sheet's ``UDF Modules`` wins over the file's (same value): the file's
copy is there so the configuration can be read in one place (``doctor``). Other keys in the file are kept —
the ``myaddin`` name is the xlwings template's, another add-in made from the same template reads the same
file —, and ``uninstall`` removes only our two keys (the file and its folder when nothing else is left).

This module holds no CLI; ``jidi_xl/cli.py`` (``jidi-xl addin install|uninstall``) calls it.
"""
from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PureWindowsPath

ADDIN = Path(__file__).with_name("jidi_xl_addin.xlam")
PROJECT_NAME = "myaddin"                        # the VBA constant PROJECT_NAME (build_addin.PROJECT_NAME)
UDF_MODULES = "udfs.excel"
KEY_INTERPRETER = "INTERPRETER_WIN"
KEY_UDF_MODULES = "UDF MODULES"
OUR_KEYS = (KEY_INTERPRETER, KEY_UDF_MODULES)
XLSTART_UNDER_APPDATA = ("Microsoft", "Excel", "XLSTART")
IS_WINDOWS = sys.platform.startswith("win")


class SetupError(Exception):
    """Could not do the job: the message (Chinese) says what would have been done and what to do."""


@dataclass
class Target:
    """Where the add-in and its configuration go."""
    xlstart: Path
    config: Path
    explicit: bool = False             # --xlstart given (a test, or a profile prepared on another machine)

    @property
    def addin(self) -> Path:
        return self.xlstart / ADDIN.name


def _windows_path(value: str) -> Path:
    # On Windows a real path; elsewhere (tests) the variable is a local folder standing in for it.
    return Path(value) if IS_WINDOWS or "\\" not in value else Path(PureWindowsPath(value).as_posix())


def target(xlstart: str | os.PathLike | None = None, environ: Mapping[str, str] | None = None) -> Target:
    """The add-in's folder and config file, taken from the environment as the VBA and Excel take them.

    Raises SetupError naming the variable when one is missing."""
    env = os.environ if environ is None else environ
    profile = env.get("USERPROFILE")
    if not profile:
        raise SetupError("环境变量 USERPROFILE 未设置，找不到加载项配置文件 %USERPROFILE%\\.myaddin\\myaddin.conf 的位置"
                         "（Windows 上它总是存在；在其他系统上测试时请设置 USERPROFILE）")
    config = _windows_path(profile) / f".{PROJECT_NAME}" / f"{PROJECT_NAME}.conf"
    if xlstart is not None:
        return Target(Path(xlstart), config, explicit=True)
    appdata = env.get("APPDATA")
    if not appdata:
        raise SetupError("环境变量 APPDATA 未设置，找不到 Excel 的启动文件夹 %APPDATA%\\Microsoft\\Excel\\XLSTART；"
                         "请用 --xlstart 指定该文件夹")
    return Target(_windows_path(appdata).joinpath(*XLSTART_UNDER_APPDATA), config)


def interpreter(executable: str | None = None) -> Path:
    """The interpreter the add-in should start: this environment's, ``pythonw.exe`` when it exists."""
    exe = Path(executable or sys.executable)
    if exe.name.lower() == "python.exe" and exe.with_name("pythonw.exe").exists():
        return exe.with_name("pythonw.exe")
    return exe


def excel_missing_reason() -> str | None:
    """Why this machine cannot run the Excel add-in (None: it can, as far as we can tell without starting Excel)."""
    if not IS_WINDOWS:
        return f"本机是 {sys.platform}，不是 Windows：xlwings 加载项只能用于 Windows 桌面版 Excel"
    import winreg  # noqa: PLC0415 — Windows only

    try:
        winreg.CloseKey(winreg.OpenKey(winreg.HKEY_CLASSES_ROOT, r"Excel.Application"))  # type: ignore[attr-defined]
    except OSError:
        return "注册表中没有 Excel.Application：本机似乎没有安装桌面版 Excel"
    return None


# --- the config file, in the format of VBA's Write # / Input # -------------------------------------------

def _encoding() -> str:
    # VBA file I/O uses the ANSI code page (cp936 on a Chinese Windows): a UTF-8 file would garble a Chinese
    # user name in the interpreter's path. Elsewhere (tests) UTF-8.
    return "mbcs" if IS_WINDOWS else "utf-8"


def read_config(path: Path) -> list[tuple[str, str]]:
    """The (key, value) lines of a myaddin.conf file; [] when it does not exist."""
    if not path.is_file():
        return []
    pairs = []
    for line in path.read_text(encoding=_encoding(), errors="replace").splitlines():
        line = line.strip()
        if not line:
            continue
        key, _, value = line.partition(",")
        pairs.append((key.strip().strip('"'), value.strip().strip('"')))
    return pairs


def config_value(pairs: list[tuple[str, str]], key: str) -> str | None:
    for k, v in pairs:                        # GetConfigFromFile: the first line whose key matches, any case
        if k.lower() == key.lower():
            return v
    return None


def _write_config(path: Path, pairs: list[tuple[str, str]]) -> None:
    for k, v in pairs:
        if '"' in k + v:
            raise SetupError(f"{path}：值 {v!r} 含有英文双引号，VBA 无法读取；请把虚拟环境放在不含引号的路径下")
    text = "".join(f'"{k}","{v}"\r\n' for k, v in pairs)
    try:
        data = text.encode(_encoding())
    except UnicodeEncodeError as exc:
        raise SetupError(f"{path}：路径中的字符 {text[exc.start:exc.end]!r} 无法用本机的 ANSI 代码页写出，"
                         "VBA 将无法读取；请把虚拟环境放在只含英文字母和数字的路径下（install.cmd 的 JIDI_VENV）") from None
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


# --- install / uninstall ---------------------------------------------------------------------------------

@dataclass
class Outcome:
    done: list[str] = field(default_factory=list)        # what was done (Chinese lines)
    notes: list[str] = field(default_factory=list)       # what the user must do next


def plan(t: Target, exe: Path, uninstall: bool = False) -> list[str]:
    """What install/uninstall would do, one Chinese line per file."""
    if uninstall:
        return [f"删除加载项 {t.addin}",
                f"从 {t.config} 删除 {KEY_INTERPRETER} 和 {KEY_UDF_MODULES}（文件中无其他设置时删除该文件）"]
    return [f"复制加载项 {ADDIN} → {t.addin}",
            f"写入 {t.config}：{KEY_INTERPRETER} = {exe}；{KEY_UDF_MODULES} = {UDF_MODULES}"]


def _busy(path: Path, exc: OSError) -> SetupError:
    return SetupError(f"{path}：无法写入或删除（{exc.strerror or exc}）。如果 Excel 正在运行，请先完全退出 Excel"
                      "（包括任务栏中的所有窗口）再运行一次")


def install(t: Target, exe: Path | None = None) -> Outcome:
    exe = exe or interpreter()
    out = Outcome()
    pairs = [(k, v) for k, v in read_config(t.config) if k.upper() not in OUR_KEYS]
    pairs += [(KEY_INTERPRETER, str(exe)), (KEY_UDF_MODULES, UDF_MODULES)]
    try:
        t.xlstart.mkdir(parents=True, exist_ok=True)
        tmp = t.addin.with_name(t.addin.name + ".tmp")
        # copyfile copies the data only: a Zone.Identifier (Mark of the Web) of the source is not carried over
        shutil.copyfile(ADDIN, tmp)
        os.replace(tmp, t.addin)
    except OSError as exc:
        raise _busy(t.addin, exc) from None
    out.done.append(f"已复制加载项：{t.addin}")
    try:
        _write_config(t.config, pairs)
    except OSError as exc:
        raise _busy(t.config, exc) from None
    out.done.append(f"已写入配置：{t.config}（{KEY_INTERPRETER} = {exe}；{KEY_UDF_MODULES} = {UDF_MODULES}）")
    out.notes.append("下一步：启动 Excel，应出现“示范基地评价”选项卡；首次使用请按 docs/excel-setup.md 第 5 步导入函数"
                     "（每次重新安装或升级后都要再导入一次）")
    return out


def uninstall(t: Target) -> Outcome:
    out = Outcome()
    try:
        if t.addin.exists():
            t.addin.unlink()
            out.done.append(f"已删除加载项：{t.addin}")
        else:
            out.done.append(f"加载项不在 {t.addin}（无需删除）")
    except OSError as exc:
        raise _busy(t.addin, exc) from None
    pairs = read_config(t.config)
    rest = [(k, v) for k, v in pairs if k.upper() not in OUR_KEYS]
    try:
        if not pairs:
            out.done.append(f"没有配置文件 {t.config}（无需删除）")
        elif rest:
            _write_config(t.config, rest)
            out.done.append(f"已从 {t.config} 删除 {KEY_INTERPRETER}、{KEY_UDF_MODULES}（保留其他 {len(rest)} 项设置）")
        else:
            t.config.unlink()
            out.done.append(f"已删除配置文件：{t.config}")
            try:
                t.config.parent.rmdir()              # only when empty
            except OSError:
                pass
    except OSError as exc:
        raise _busy(t.config, exc) from None
    return out


def run(xlstart: Path | None, uninstall_: bool = False, dry_run: bool = False) -> tuple[list[str], int]:
    """``jidi-xl addin install|uninstall``: the lines to print and the exit code (0 done, 2 could not).

    Without Excel (not Windows, or no Excel registered) and without ``--xlstart`` it says what it would do
    and why it cannot, exit 2. ``--xlstart DIR`` names the folder explicitly and is honoured everywhere."""
    verb = "卸载" if uninstall_ else "安装"
    missing = None if xlstart is not None else excel_missing_reason()
    exe = interpreter()
    try:
        t = target(xlstart)
    except SetupError as exc:
        if not missing:
            return [f"✘ 无法{verb}加载项：{exc}"], 2
        # no Excel and no Windows profile here: name the places as Windows spells them
        t = Target(PureWindowsPath("%APPDATA%\\Microsoft\\Excel\\XLSTART"),  # type: ignore[arg-type]  # (shown only)
                   PureWindowsPath(f"%USERPROFILE%\\.{PROJECT_NAME}\\{PROJECT_NAME}.conf"))  # type: ignore[arg-type]
    steps = [f"  - {line}" for line in plan(t, exe, uninstall_)]
    if missing or dry_run:
        head = [f"将要{verb}加载项（未执行）：" if dry_run else f"✘ 无法{verb}加载项：{missing}。将要做的是："]
        tail = [] if dry_run else ["  （在装有 Excel 的 Windows 电脑上运行；或用 --xlstart 指定目标文件夹）"]
        return head + steps + tail, 0 if dry_run and not missing else 2
    try:
        out = uninstall(t) if uninstall_ else install(t, exe)
    except SetupError as exc:
        return [f"✘ 无法{verb}加载项：{exc}"], 2
    return [f"✔ {line}" for line in out.done] + out.notes, 0
