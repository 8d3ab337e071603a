"""Install the ``.oxt`` into a LibreOffice user profile — also as root.

``unopkg add`` refuses to run as root without ``--shared`` (measured, 7.4), and CI runs as root. Measured
on this machine: ``XExtensionManager.addExtension`` called over a UNO bridge from the project's interpreter
fails (``std::bad_alloc`` in the bridge as soon as a Python command environment is passed, a
``DeploymentException`` without one); ``unopkg`` run as an unprivileged user works. So, as root, the
profile folder is handed to ``nobody`` for the time of ``unopkg add`` (``setpriv --reuid=nobody``) and given
back to its owner afterwards (``chown -R``); as any other user ``unopkg add`` runs directly.

Then ``<profile>/user/jidi-xl/python-paths.json`` records where the installing interpreter finds jidi-xl and
its dependencies (the component reads it, checks the major.minor version and extends ``sys.path``).

LibreOffice must not be running on that profile meanwhile (unopkg would hand the work to it, or refuse).
"""
from __future__ import annotations

import json
import os
import pwd
import shutil
import subprocess
import tempfile
from pathlib import Path

from .build import LibreOfficeMissing, _paths_of_this_interpreter, program_dir
from .office import office_environment

PATHS_FILE = "python-paths.json"


def default_profile() -> Path:
    """The current user's LibreOffice profile (what ``-env:UserInstallation`` defaults to on Linux)."""
    base = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    return Path(base) / "libreoffice" / "4"


def write_paths(profile_dir: Path) -> Path:
    """Record this interpreter's paths for the component (see module doc)."""
    d = Path(profile_dir) / "user" / "jidi-xl"
    d.mkdir(parents=True, exist_ok=True)
    p = d / PATHS_FILE
    p.write_text(json.dumps(_paths_of_this_interpreter(), ensure_ascii=False, indent=1), encoding="utf-8")
    return p


def _chown_tree(root: Path, uid: int, gid: int) -> None:
    os.chown(root, uid, gid)
    for d, dirs, files in os.walk(root):
        for n in dirs + files:
            try:
                os.chown(os.path.join(d, n), uid, gid, follow_symlinks=False)
            except FileNotFoundError:
                pass


def unopkg() -> Path:
    exe = program_dir() / "unopkg"
    if not exe.exists():
        raise LibreOfficeMissing("未找到 LibreOffice 的 unopkg：请安装完整的 LibreOffice Calc（apt-get install libreoffice-calc）。")
    return exe


def install_extension(oxt: Path, profile_dir: Path | None = None) -> None:
    """Install ``oxt`` for the current user (``profile_dir`` None) or into the profile folder ``profile_dir``
    (what ``-env:UserInstallation=file://DIR`` names; created if missing). Replaces an earlier jidi-xl
    extension there. Raises :class:`LibreOfficeMissing` (Chinese) without LibreOffice, ``RuntimeError``
    (Chinese) when LibreOffice rejects the package."""
    oxt = Path(oxt).resolve()
    if not oxt.is_file():
        raise FileNotFoundError(f"找不到扩展文件 {oxt}：请先运行 jidi-xl addin build --libreoffice -o {oxt.name}")
    tool = unopkg()
    profile = Path(profile_dir).resolve() if profile_dir is not None else default_profile()
    profile.mkdir(parents=True, exist_ok=True)
    root = os.geteuid() == 0
    with tempfile.TemporaryDirectory(prefix="jidi_unopkg_") as tmp:
        os.chmod(tmp, 0o755)                  # nobody must reach the package and the staged profile
        package = Path(tmp) / oxt.name
        shutil.copyfile(oxt, package)
        os.chmod(package, 0o644)
        # As root, unopkg works on a copy of the profile that nobody owns, inside this world-traversable
        # folder (the real profile may sit below folders nobody cannot enter); the result is copied back.
        target = Path(tmp) / "profile" if root else profile
        if root:
            shutil.copytree(profile, target, symlinks=True)
        env = dict(office_environment(os.environ), HOME=str(target if root else Path.home()))
        cmd = [str(tool), "add", "--force", "--suppress-license", f"-env:UserInstallation={target.as_uri()}",
               str(package)]
        if root:
            st = os.stat(profile)
            nobody = pwd.getpwnam("nobody")
            setpriv = shutil.which("setpriv")
            if setpriv is None:
                raise LibreOfficeMissing("以 root 安装需要 setpriv（util-linux）：apt-get install util-linux")
            cmd = [setpriv, f"--reuid={nobody.pw_uid}", f"--regid={nobody.pw_gid}", "--clear-groups", *cmd]
            _chown_tree(target, nobody.pw_uid, nobody.pw_gid)
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300, env=env, cwd=tmp)
        if root and proc.returncode == 0:
            _chown_tree(target, st.st_uid, st.st_gid)
            for sub in ("user/uno_packages", "user/extensions"):      # the extension state: replaced whole
                if (profile / sub).exists():
                    shutil.rmtree(profile / sub)
            for junk in (".cache", ".config"):                        # nobody's HOME while unopkg ran
                shutil.rmtree(target / junk, ignore_errors=True)
            shutil.copytree(target, profile, symlinks=True, dirs_exist_ok=True)
    if proc.returncode != 0:
        raise RuntimeError(f"LibreOffice（unopkg）未能安装扩展 {oxt.name}（退出码 {proc.returncode}）："
                           f"{(proc.stderr or proc.stdout).strip()[-800:]}\n请先关闭使用该配置文件的 LibreOffice 再重试。")
    write_paths(profile)
