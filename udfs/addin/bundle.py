"""``jidi-xl bundle --windows|--linux -o DIR``: an offline installation folder for a PC without internet.

Layout (every file is listed with its size and SHA-256 in ``MANIFEST.json``)::

    DIR/wheelhouse/*.whl           the project's wheel and a wheel of every dependency for the target
    DIR/jidi_xl_addin.xlam         the Excel add-in
    DIR/workbooks/…                the standard workbook and the samples
    DIR/examples/*.json            the JSON cases (when built from a source checkout)
    DIR/docs/excel-setup.md        the setup guide (when built from a source checkout)
    DIR/install.cmd | install.sh   venv in the user's profile, pip --no-index from wheelhouse/, add-in, doctor
    DIR/安装说明.txt                what to do, in Chinese

How the wheelhouse is made, and why (measured with pip 23.2):

* ``pip download --only-binary=:all: --platform … --python-version … --implementation cp --abi …`` for every
  Python version that ``requires-python`` admits (:func:`python_versions`; today only 3.11).
* pip evaluates environment markers for the machine it runs on, not for ``--platform``: built on Linux, the
  Windows wheelhouse lacks ``pywin32`` (xlwings), ``colorama`` (click, tqdm) and ``win-unicode-console``
  (pcodedmp). :func:`missing` therefore walks the requirements of every wheel with the *target's* markers,
  and the missing ones are downloaded too, until nothing is missing. The same walk is the tests' proof that the
  wheelhouse is complete (pip's own ``--dry-run --platform`` would pass without them).
* Dependencies with no wheel at all on PyPI are named (exit 2), except the pure-Python ones declared in
  :data:`SDIST_ONLY`, whose wheel is built here (``py…-none-any``: the same on every platform).
* Offline-cacheable: every downloaded wheel is kept in a cache folder (``--cache``, default
  ``~/.cache/jidi-xl/wheels``). A build first resolves from the cache alone (``--no-index``) and goes to the
  index only when the cache cannot satisfy it; a second build needs no network.
* Every pip run here ignores the machine's pip configuration except where downloading (``PIP_CONFIG_FILE``
  and ``PIP_*`` variables are cleared for the offline steps), so "offline" means offline.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import dataclass
from email.parser import Parser
from pathlib import Path
from typing import Any

from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.tags import Tag, compatible_tags, cpython_tags
from packaging.utils import canonicalize_name, parse_wheel_filename

from . import install as inst
from .doctor import requires_python

DIST = "jidi-xl"
SOURCE_ROOT = Path(__file__).resolve().parents[2]       # a checkout holds pyproject.toml here
DEFAULT_CACHE = Path(os.environ.get("JIDI_XL_WHEEL_CACHE") or Path.home() / ".cache" / "jidi-xl" / "wheels")
# Pure-Python dependencies published only as source on PyPI (checked 2026-12): their wheel is built here.
SDIST_ONLY = {"ezodf": "0.3.2",                 # formulas[excel]
              "win-unicode-console": "0.5"}     # pcodedmp (oletools), Windows only
CANDIDATE_MINORS = range(8, 16)                 # Python 3.8 … 3.15: which of them requires-python admits


@dataclass(frozen=True)
class Platform:
    key: str
    label: str
    pip_platforms: tuple[str, ...]
    markers: dict
    script: str

    def env(self, py: str) -> dict:
        return {**self.markers, "python_version": py, "python_full_version": f"{py}.0",
                "implementation_name": "cpython", "platform_python_implementation": "CPython",
                "implementation_version": f"{py}.0"}

    def tags(self, py: str) -> set[Tag]:
        ver = tuple(int(x) for x in py.split("."))
        abi = f"cp{ver[0]}{ver[1]}"
        return set(cpython_tags(ver, [abi, "abi3", "none"], self.pip_platforms)) | \
            set(compatible_tags(ver, abi, self.pip_platforms))


PLATFORMS = {
    "windows": Platform("windows", "Windows 64 位（CPython，win_amd64）", ("win_amd64",),
                        {"sys_platform": "win32", "platform_system": "Windows", "os_name": "nt",
                         "platform_machine": "AMD64"}, "install.cmd"),
    # manylinux wheels run on any glibc ≥ 2.17 x86-64 Linux (Debian 9+, CentOS 7+)
    "linux": Platform("linux", "Linux x86-64（CPython，manylinux）",
                      ("manylinux_2_28_x86_64", "manylinux_2_17_x86_64", "manylinux2014_x86_64"),
                      {"sys_platform": "linux", "platform_system": "Linux", "os_name": "posix",
                       "platform_machine": "x86_64"}, "install.sh"),
}


class BundleError(Exception):
    """Could not make the bundle: the Chinese message names what and what to do."""


def python_versions(spec: str | None = None) -> list[str]:
    """The supported Python versions: every 3.x that ``requires-python`` (pyproject.toml) admits."""
    s = SpecifierSet(spec if spec is not None else requires_python())
    return [f"3.{m}" for m in CANDIDATE_MINORS if f"3.{m}.0" in s or f"3.{m}.99" in s]


# --- pip --------------------------------------------------------------------------------------------------

def _offline_env() -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    env.update(PIP_CONFIG_FILE=os.devnull, PIP_DISABLE_PIP_VERSION_CHECK="1", PIP_NO_INPUT="1")
    return env


def _pip(args: list[str], offline: bool) -> subprocess.CompletedProcess:
    env = _offline_env() if offline else {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1", "PIP_NO_INPUT": "1"}
    return subprocess.run([sys.executable, "-m", "pip", *args], capture_output=True, text=True, env=env)


def _no_wheel(stderr: str) -> list[str]:
    return sorted(set(re.findall(r"No matching distribution found for ([^\s;]+)", stderr)))


def build_project_wheel(dest: Path) -> Path:
    """The project's own wheel, built from the source checkout with ``pip wheel --no-deps``.

    Without build isolation when this environment can build it (setuptools with ``bdist_wheel``, i.e. the
    ``wheel`` package or setuptools ≥ 70.1): then no network is needed; otherwise pip's isolated build."""
    if not (SOURCE_ROOT / "pyproject.toml").is_file():
        raise BundleError(f"{SOURCE_ROOT}：不是 jidi-xl 的源码目录（没有 pyproject.toml）；bundle 须在源码目录中运行，"
                          "或用 --project-wheel 指定已构建的 wheel")
    dest.mkdir(parents=True, exist_ok=True)
    args = ["wheel", "--no-deps", "-q", "-w", str(dest), str(SOURCE_ROOT)]
    if _can_build_offline():
        args.insert(2, "--no-build-isolation")
    r = _pip(args, offline=False)
    wheels = sorted(dest.glob("jidi_xl-*.whl"))
    if r.returncode or not wheels:
        raise BundleError(f"无法构建 jidi-xl 的 wheel：{r.stderr.strip()[-800:]}")
    return wheels[-1]


def _can_build_offline() -> bool:
    try:
        import setuptools
    except ImportError:
        return False
    major_minor = tuple(int(x) for x in setuptools.__version__.split(".")[:2])
    if major_minor >= (70, 1):
        return True
    try:
        import wheel  # noqa: F401
    except ImportError:
        return False
    return major_minor >= (61, 0)


def _build_sdist_only(local: Path) -> None:
    for name, version in SDIST_ONLY.items():
        if any(local.glob(f"{canonicalize_name(name).replace('-', '_')}-{version}-*.whl")):
            continue
        r = _pip(["wheel", "--no-deps", "--no-binary", ":all:", "-q", "-w", str(local), f"{name}=={version}"],
                 offline=False)
        built = list(local.glob(f"{canonicalize_name(name).replace('-', '_')}-{version}-*.whl"))
        if r.returncode or not built:
            raise BundleError(f"无法从源码构建纯 Python 依赖 {name}=={version} 的 wheel：{r.stderr.strip()[-500:]}")
        if not built[0].name.endswith("-none-any.whl"):
            raise BundleError(f"{built[0].name} 不是纯 Python wheel（none-any），不能用于其他平台；请从 SDIST_ONLY 中去掉它")


def _download(plat: Platform, py: str, reqs: list[str], dest: Path, links: list[Path], offline: bool):
    ver = py.replace(".", "")
    args = ["download", "-q", "--only-binary=:all:", "--python-version", py, "--implementation", "cp",
            "--abi", f"cp{ver}", "--abi", "abi3", "--abi", "none", "-d", str(dest)]
    for p in plat.pip_platforms:
        args += ["--platform", p]
    for link in links:
        args += ["--find-links", str(link)]
    if offline:
        args.append("--no-index")
    return _pip(args + reqs, offline=offline)


# --- the requirement walk with the target's markers --------------------------------------------------------

@dataclass
class WheelInfo:
    path: Path
    name: str
    version: str
    requires: list[Requirement]


def wheels_in(folder: Path) -> dict[str, list[WheelInfo]]:
    out: dict[str, list[WheelInfo]] = {}
    for whl in sorted(folder.glob("*.whl")):
        name, version, _, _ = parse_wheel_filename(whl.name)
        with zipfile.ZipFile(whl) as z:
            meta = next(n for n in z.namelist() if n.endswith(".dist-info/METADATA") and n.count("/") == 1)
            msg = Parser().parsestr(z.read(meta).decode("utf-8"))
        reqs = [Requirement(r) for r in msg.get_all("Requires-Dist") or []]
        out.setdefault(str(name), []).append(WheelInfo(whl, str(name), str(version), reqs))
    return out


def missing(folder: Path, plat: Platform, py: str, root: str = DIST) -> list[str]:
    """Requirements (as strings) that no wheel in ``folder`` satisfies for ``plat`` and Python ``py``,
    walking from ``root`` with the target's environment markers. [] = the wheelhouse is complete."""
    have = wheels_in(folder)
    tags = plat.tags(py)
    env = plat.env(py)
    todo: list[tuple[Requirement, str]] = [(Requirement(root), "")]
    seen: set[tuple[str, frozenset]] = set()
    lacking: list[str] = []
    while todo:
        req, extra = todo.pop()
        if req.marker is not None and not req.marker.evaluate({**env, "extra": extra}):
            continue
        name = str(canonicalize_name(req.name))
        key = (name, frozenset(req.extras))
        if key in seen:
            continue
        seen.add(key)
        fits = [w for w in have.get(name, []) if req.specifier.contains(w.version, prereleases=True)
                and parse_wheel_filename(w.path.name)[3] & tags]
        if not fits:
            lacking.append(str(Requirement(f"{req.name}{req.specifier}")))
            continue
        for r in fits[-1].requires:
            for e in (req.extras or {""}):          # a wheel's extra-only requirements, for the extras asked
                todo.append((r, e))
    return sorted(set(lacking))


def _fill(plat: Platform, py: str, project_wheel: Path, wheelhouse: Path, cache: Path, local: Path,
          log: list[str]) -> None:
    """Download into ``wheelhouse`` until :func:`missing` is empty; from the cache first, the index if needed."""
    extra: list[str] = []

    def forget_project() -> None:
        # pip download saves the requirement's own file into -d too, and then prefers a file already there:
        # an older wheel of the same version in the cache would stand in for the new one. Never keep it.
        for old in cache.glob(f"{project_wheel.name.split('-')[0]}-*.whl"):
            old.unlink()

    forget_project()
    for _ in range(6):
        reqs = [str(project_wheel), *extra]
        r = _download(plat, py, reqs, wheelhouse, [cache, local], offline=True)
        if r.returncode:
            t0 = time.perf_counter()
            online = _download(plat, py, reqs, cache, [local], offline=False)
            forget_project()
            if online.returncode:
                names = _no_wheel(online.stderr)
                if names:
                    raise BundleError(f"以下依赖在 PyPI 上没有适用于 {plat.label}、Python {py} 的 wheel：{', '.join(names)}。"
                                      "若它是纯 Python 包，把它加入 udfs/addin/bundle.py 的 SDIST_ONLY（在此构建 wheel）；"
                                      "否则换用有 wheel 的版本")
                raise BundleError(f"下载依赖失败（Python {py}，{plat.label}）：{online.stderr.strip()[-800:]}")
            log.append(f"Python {py}：从软件源下载到缓存 {cache}（{time.perf_counter() - t0:.1f} 秒）")
            r = _download(plat, py, reqs, wheelhouse, [cache, local], offline=True)
            if r.returncode:
                raise BundleError(f"缓存 {cache} 中的 wheel 仍不能满足依赖：{r.stderr.strip()[-800:]}")
        lacking = missing(wheelhouse, plat, py)
        if not lacking:
            return
        extra = sorted(set(extra) | set(lacking))
        log.append(f"Python {py}：pip 按本机而非目标平台求值环境标记，补充 {', '.join(lacking)}")
    raise BundleError(f"依赖仍不完整（Python {py}）：{', '.join(lacking)}")


def verify_offline(wheelhouse: Path, plat: Platform, py: str, version: str) -> subprocess.CompletedProcess:
    """pip's own offline dry run for the target (no index, no pip configuration)."""
    ver = py.replace(".", "")
    with tempfile.TemporaryDirectory() as tmp:
        args = ["install", "--dry-run", "--ignore-installed", "--no-index", "--find-links", str(wheelhouse),
                "--only-binary=:all:", "--python-version", py, "--implementation", "cp", "--abi", f"cp{ver}",
                "--target", tmp, f"{DIST}=={version}"]
        for p in plat.pip_platforms:
            args += ["--platform", p]
        return _pip(args, offline=True)


# --- the folder ------------------------------------------------------------------------------------------

def _sha256(p: Path) -> str:
    h = hashlib.sha256()
    with p.open("rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _workbook_files() -> list[tuple[Path, str]]:
    import workbooks

    root = Path(workbooks.__file__).parent
    files = [(root / "jidi_evaluation.xlsx", "workbooks/jidi_evaluation.xlsx")]
    files += [(p, f"workbooks/samples/{p.name}") for p in sorted((root / "samples").glob("*.xlsx"))]
    return files


def _source_files() -> list[tuple[Path, str]]:
    files = [(p, f"examples/{p.name}") for p in sorted((SOURCE_ROOT / "examples").glob("*.json"))]
    guide = SOURCE_ROOT / "docs" / "excel-setup.md"
    return files + ([(guide, "docs/excel-setup.md")] if guide.is_file() else [])


def make_bundle(key: str, out: Path, cache: Path | None = None, project_wheel: Path | None = None,
                log: list[str] | None = None) -> dict:
    """Write the bundle into ``out`` (which must be new or empty); return the manifest."""
    from .scripts import guide_text, install_script

    plat = PLATFORMS[key]
    log = log if log is not None else []
    t0 = time.perf_counter()
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise BundleError(f"{out}：输出文件夹已存在且不为空；请指定新的文件夹（不会覆盖已有文件）")
    cache = Path(cache or DEFAULT_CACHE) / key
    local = cache.parent / "built"
    cache.mkdir(parents=True, exist_ok=True)
    local.mkdir(parents=True, exist_ok=True)
    pythons = python_versions()
    if not pythons:
        raise BundleError(f"requires-python = {requires_python()!r} 不包含任何 Python 3 版本")
    with tempfile.TemporaryDirectory(prefix="jidi-xl-bundle-") as tmp:
        stage = Path(tmp) / "bundle"
        wheelhouse = stage / "wheelhouse"
        wheelhouse.mkdir(parents=True)
        if project_wheel is None:
            project_wheel = build_project_wheel(Path(tmp) / "dist")
        shutil.copy2(project_wheel, wheelhouse / project_wheel.name)
        project_wheel = wheelhouse / project_wheel.name
        version = str(parse_wheel_filename(project_wheel.name)[1])
        _build_sdist_only(local)
        for py in pythons:
            _fill(plat, py, project_wheel, wheelhouse, cache, local, log)
            r = verify_offline(wheelhouse, plat, py, version)
            if r.returncode:
                raise BundleError(f"离线试装（pip --dry-run --no-index，Python {py}）失败：{r.stderr.strip()[-800:]}")
        for src, rel in [(inst.ADDIN, inst.ADDIN.name), *_workbook_files(), *_source_files()]:
            dst = stage / rel
            dst.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, dst)
        sample = _workbook_files()[1][1]
        ctx = {"version": version, "wheel": project_wheel.name, "pythons": pythons, "sample": sample,
               "platform": plat.label, "examples": any(stage.glob("examples/*.json"))}
        script = stage / plat.script
        body = install_script(key, ctx)
        if key == "windows":      # cmd reads a batch file in the console's OEM code page: GBK on a Chinese PC
            script.write_bytes(body.replace("\n", "\r\n").encode("gbk"))
        else:
            script.write_text(body, encoding="utf-8", newline="\n")
            script.chmod(0o755)
        guide = guide_text(key, ctx)     # UTF-8 with BOM and CRLF: Notepad shows it right on every Windows
        (stage / "安装说明.txt").write_bytes(b"\xef\xbb\xbf" + guide.replace("\n", "\r\n").encode("utf-8"))
        files = sorted(p for p in stage.rglob("*") if p.is_file())
        manifest: dict[str, Any] = {"name": DIST, "version": version, "platform": key, "platform_label": plat.label,
                    "pip_platforms": list(plat.pip_platforms), "python_versions": pythons,
                    "install_script": plat.script, "project_wheel": f"wheelhouse/{project_wheel.name}",
                    "files": [{"path": p.relative_to(stage).as_posix(), "bytes": p.stat().st_size,
                               "sha256": _sha256(p)} for p in files]}
        manifest["total_bytes"] = sum(f["bytes"] for f in manifest["files"])
        (stage / "MANIFEST.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
        out.parent.mkdir(parents=True, exist_ok=True)
        if out.exists():
            out.rmdir()
        shutil.move(str(stage), str(out))
    manifest["seconds"] = round(time.perf_counter() - t0, 1)
    return manifest
