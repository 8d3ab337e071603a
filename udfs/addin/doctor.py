"""``jidi-xl doctor``: the self-check of an installation, each check ✔/✘ with the fix in Chinese.

The checks, in order (:data:`CHECKS`): Python version; the package's version; xlwings against the DLL version
the add-in's VBA names (read with ``olevba`` from the add-in Excel loads, else the packaged one); the add-in
where Excel loads it; the configured interpreter (and, on Windows, the DLL beside it); the UDF module imports
and one function computes the same as the rules engine; a sample workbook evaluates headlessly. Checks that
need Windows and Excel are skipped elsewhere and named with the reason — unless ``--xlstart`` points at a
folder standing in for XLSTART, as the tests do. A skipped check is not a failure: the exit code is 0 when
every check that ran passed, 2 otherwise.
"""
from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Callable

from . import install as inst

DIST = "jidi-xl"
PASS, FAIL, SKIP = "✔", "✘", "–"


@dataclass
class Result:
    name: str
    mark: str
    detail: str
    fix: str = ""


class _Skip(Exception):
    pass


class _Fail(Exception):
    def __init__(self, detail: str, fix: str):
        super().__init__(detail)
        self.detail, self.fix = detail, fix


def requires_python() -> str:
    """The supported Python versions, declared once in pyproject.toml (read from the installed metadata)."""
    try:
        return metadata.metadata(DIST)["Requires-Python"] or ""
    except metadata.PackageNotFoundError:
        import tomllib

        pyproject = Path(__file__).resolve().parents[2] / "pyproject.toml"
        return tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["requires-python"]


def vba_dll_names(xlam: Path) -> dict[str, str]:
    """What the add-in's VBA declares: ``XLWINGS_VERSION`` and the 64-/32-bit DLL file names (olevba)."""
    from oletools.olevba import VBA_Parser

    parser = VBA_Parser(str(xlam))
    try:
        code = "\n".join(src for _, _, _, src in parser.extract_macros())
    finally:
        parser.close()
    found = {"version": re.search(r'XLWINGS_VERSION As String = "([^"]+)"', code),
             "dll64": re.search(r'"(xlwings64-[^"]+\.dll)"', code),
             "dll32": re.search(r'"(xlwings32-[^"]+\.dll)"', code)}
    return {k: m.group(1) for k, m in found.items() if m}


class Doctor:
    def __init__(self, xlstart: Path | None = None, sample: Path | None = None, environ=None):
        self.xlstart_given = xlstart
        self.sample = sample
        self.environ = environ
        self.missing = inst.excel_missing_reason()
        self._target: inst.Target | None = None
        self._target_error: str | None = None
        if xlstart is not None or not self.missing:
            try:
                self._target = inst.target(xlstart, environ)
            except inst.SetupError as exc:
                self._target_error = str(exc)

    # -- helpers
    def target(self) -> inst.Target:
        if self._target is None:
            if self._target_error:
                raise _Fail(self._target_error, "在 Windows 上运行；或用 --xlstart 指定加载项所在文件夹")
            raise _Skip(f"{self.missing}；没有 Excel 的 XLSTART 文件夹可查（可用 --xlstart 指定）")
        return self._target

    # -- the checks
    def python_version(self) -> str:
        from packaging.specifiers import SpecifierSet

        spec = requires_python()
        here = ".".join(map(str, sys.version_info[:3]))
        bits = 64 if sys.maxsize > 2**32 else 32
        if inst.IS_WINDOWS and bits == 32:
            raise _Fail(f"当前 Python {here} 是 32 位（{sys.executable}）：安装包只含 64 位（win_amd64）的 wheel",
                        "安装 64 位 Python 3.11（python.org 的 Windows installer (64-bit)），再运行 install.cmd")
        if spec and here not in SpecifierSet(spec):
            raise _Fail(f"当前 Python {here}（{sys.executable}）不在支持范围 {spec} 内",
                        "安装 64 位 Python 3.11（python.org，“为当前用户安装”无需管理员），再运行 install.cmd")
        return f"Python {here}，{bits} 位（支持 {spec}）"

    def package_version(self) -> str:
        import jidi_xl

        try:
            ver = metadata.version(DIST)
        except metadata.PackageNotFoundError:
            raise _Fail("jidi-xl 未安装到当前 Python 环境（只是从源码目录运行）",
                        "在安装包目录运行 install.cmd（Linux：install.sh），或在源码目录运行 pip install -e .") from None
        return f"jidi-xl {ver}（{Path(jidi_xl.__file__).parent}）"

    def _xlam(self) -> Path:
        t = self._target
        return t.addin if t is not None and t.addin.is_file() else inst.ADDIN

    def xlwings_dll(self) -> str:
        import xlwings

        xlam = self._xlam()
        try:
            names = vba_dll_names(xlam)
        except ImportError:
            raise _Fail("缺少 oletools，无法读取加载项的 VBA", "重新运行安装脚本（oletools 是 jidi-xl 的依赖）") from None
        except Exception as exc:  # noqa: BLE001 — an unreadable add-in is this check's finding
            raise _Fail(f"{xlam}：无法读取 VBA（{type(exc).__name__}: {exc}）",
                        "加载项文件已损坏：运行 jidi-xl addin install 重新复制") from None
        want = names.get("version")
        dll = names.get("dll64", "?")
        if not want:
            raise _Fail(f"{xlam}：无法读取 VBA（其中没有 xlwings 的 XLWINGS_VERSION，不是本项目的加载项或已损坏）",
                        "运行 jidi-xl addin install 重新复制加载项")
        if want != xlwings.__version__:
            raise _Fail(f"加载项 {xlam.name} 的 VBA 引用 {dll}（xlwings {want}），但本环境的 xlwings 是 "
                        f"{xlwings.__version__}：Excel 会报 DLL 版本不一致或找不到 DLL",
                        f"用安装包重新安装（它固定 xlwings=={want}）：pip install --no-index --find-links wheelhouse "
                        f"xlwings=={want}；或升级 jidi-xl 后运行 jidi-xl addin install 换上与之匹配的加载项")
        return f"xlwings {xlwings.__version__} = 加载项 VBA 引用的 {dll} / {names.get('dll32', '?')}（{xlam}）"

    def addin_present(self) -> str:
        t = self.target()
        if not t.addin.is_file():
            raise _Fail(f"Excel 启动文件夹中没有加载项：{t.addin}",
                        "先完全退出 Excel，再运行 jidi-xl addin install（或重新运行 install.cmd）")
        note = ""
        if inst.IS_WINDOWS:
            try:
                with open(f"{t.addin}:Zone.Identifier", "rb"):
                    pass
                raise _Fail(f"{t.addin} 带有“来自互联网”的标记（Mark of the Web），Excel 会阻止其中的宏",
                            "右键该文件 → 属性 → 勾选“解除锁定” → 确定；或在 PowerShell 中运行 "
                            f"Unblock-File -Path '{t.addin}'；或运行 jidi-xl addin install 重新复制")
            except FileNotFoundError:
                note = "，无“来自互联网”标记"
            except OSError:
                pass
        if t.addin.read_bytes() != inst.ADDIN.read_bytes():
            note += "（与本版本自带的加载项不同：若已在其中导入函数并保存，这是正常的；升级后请重新安装并导入）"
        return f"{t.addin}{note}"

    def interpreter(self) -> str:
        t = self.target()
        pairs = inst.read_config(t.config)
        exe = inst.config_value(pairs, inst.KEY_INTERPRETER)
        if exe is None:
            raise _Fail(f"{t.config} 中没有 {inst.KEY_INTERPRETER}：加载项会去 PATH 上找 pythonw（多半找不到，"
                        "或找到没有装 jidi-xl 的 Python）", "运行 jidi-xl addin install（用安装 jidi-xl 的那个环境运行）")
        path = Path(exe)
        if not path.is_file():
            raise _Fail(f"{t.config} 的 {inst.KEY_INTERPRETER} 指向不存在的文件：{exe}（Excel 会提示 "
                        "Could not find Interpreter）",
                        "虚拟环境被移动或删除了：重新运行 install.cmd，或在现有环境中运行 jidi-xl addin install")
        if inst.IS_WINDOWS:
            import xlwings

            # the DLL is loaded into Excel, so Excel's bitness picks it (VBA: #If Win64): both must be there
            for bits in (64, 32):
                dll = f"xlwings{bits}-{xlwings.__version__}.dll"
                places = [path.parent / dll, path.parent.parent / dll]
                if not any(p.is_file() for p in places):
                    raise _Fail(f"{dll} 不在 {places[0].parent} 或 {places[1].parent}（{bits} 位 Excel 的 VBA 从这两处加载它）",
                                "xlwings 安装不完整：重新运行 install.cmd")
        mods = inst.config_value(pairs, inst.KEY_UDF_MODULES)
        return f"{exe}（{inst.KEY_UDF_MODULES} = {mods or '未设置，用加载项配置表中的 udfs.excel'}）"

    def udf_module(self) -> str:
        from jidi_xl import rules
        from jidi_xl.ruleset import load_ruleset

        from udfs import excel

        building, public = 10000, 1000                 # any consistent pair: the check is UDF = rules engine
        got = excel.JIDI_ART6_4(building, public)      # type: ignore[attr-defined]  # (made from the registry)
        want = rules.art6_4_area(load_ruleset(), building, public).outcome.zh
        if got != want:
            raise _Fail(f"JIDI_ART6_4({building}, {public}) = {got!r}，规则引擎为 {want!r}",
                        "安装不完整或版本混杂：重新运行安装脚本")
        return f"udfs.excel 已导入（{sum(1 for n in dir(excel) if n.startswith('JIDI_'))} 个函数）；" \
               f"JIDI_ART6_4({building}, {public}) = {got}"

    def sample_workbook(self) -> str:
        from jidi_xl.report.check import process_workbook

        sample = self.sample or default_sample()
        res = process_workbook(sample, None)
        if not res.evaluated or res.differences or res.input_errors:
            why = "; ".join(res.problems + res.input_errors + [str(d) for d in res.differences])[:400]
            raise _Fail(f"{sample.name} 无法评价或与规则引擎不一致：{why}", "重新运行安装脚本；仍失败请把以上输出反馈给维护人员")
        verdict = res.values.get("out_recognition_verdict", "?")
        return f"{sample.name} 无头重算完成，与规则引擎一致（比较 {res.compared} 项，认定结论 {verdict}，{res.seconds:.1f} 秒）"

    def run(self) -> list[Result]:
        out = []
        for name, check in CHECKS:
            try:
                out.append(Result(name, PASS, check(self)))
            except _Skip as s:
                out.append(Result(name, SKIP, f"跳过：{s}"))
            except _Fail as f:
                out.append(Result(name, FAIL, f.detail, f.fix))
            except Exception as exc:  # noqa: BLE001 — one broken check never hides the others
                out.append(Result(name, FAIL, f"检查出错：{type(exc).__name__}: {exc}", "重新运行安装脚本；仍失败请反馈"))
        return out


def default_sample() -> Path:
    import workbooks

    return sorted((Path(workbooks.__file__).parent / "samples").glob("*.xlsx"))[0]


CHECKS: tuple[tuple[str, Callable[[Doctor], str]], ...] = (
    ("Python 版本", Doctor.python_version),
    ("jidi-xl 版本", Doctor.package_version),
    ("xlwings 与加载项 DLL 版本", Doctor.xlwings_dll),
    ("Excel 启动文件夹中的加载项", Doctor.addin_present),
    ("加载项配置的 Python 解释器", Doctor.interpreter),
    ("UDF 模块与函数计算", Doctor.udf_module),
    ("示例工作簿无头评价", Doctor.sample_workbook),
)


def render(results: list[Result]) -> list[str]:
    lines = []
    for r in results:
        lines.append(f"{r.mark} {r.name}：{r.detail}")
        if r.fix:
            lines.append(f"    修复：{r.fix}")
    ran = [r for r in results if r.mark != SKIP]
    bad = [r for r in ran if r.mark == FAIL]
    skipped = [r.name for r in results if r.mark == SKIP]
    tail = f"；跳过 {len(skipped)} 项（{'、'.join(skipped)}）" if skipped else ""
    lines.append(f"{'全部通过' if not bad else f'{len(bad)} 项未通过'}：运行 {len(ran)} 项检查{tail}")
    return lines


def exit_code(results: list[Result]) -> int:
    return 2 if any(r.mark == FAIL for r in results) else 0
