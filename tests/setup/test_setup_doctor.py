"""``jidi-xl doctor`` on this Linux machine: which checks ran, which were skipped, the exit code; and a named ✘
with the fix for each broken setup."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from jidi_xl.cli import main
from udfs.addin import doctor
from udfs.addin import install as inst

NAMES = [name for name, _ in doctor.CHECKS]
NEED_EXCEL = {"Excel 启动文件夹中的加载项", "加载项配置的 Python 解释器"}


def _marks(output: str) -> dict[str, str]:
    out = {}
    for line in output.splitlines():
        for name in NAMES:
            if line[2:].startswith(f"{name}："):
                out[name] = line[0]
    return out


@pytest.fixture
def profile(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("USERPROFILE", str(tmp_path / "home"))
    monkeypatch.setenv("APPDATA", str(tmp_path / "home" / "AppData" / "Roaming"))
    return tmp_path / "XLSTART"


@pytest.mark.skipif(sys.platform.startswith("win"), reason="what is skipped on Linux")
def test_on_linux_the_excel_checks_are_skipped_and_named(profile):
    r = CliRunner().invoke(main, ["doctor"])
    assert r.exit_code == 0, r.output
    marks = _marks(r.output)
    assert set(marks) == set(NAMES)
    assert {n for n, m in marks.items() if m == "–"} == NEED_EXCEL
    assert {n for n, m in marks.items() if m == "✔"} == set(NAMES) - NEED_EXCEL
    assert "跳过 2 项" in r.output and "全部通过：运行 5 项检查" in r.output


def test_a_good_install_passes_every_check(profile):
    assert CliRunner().invoke(main, ["addin", "install", "--xlstart", str(profile)]).exit_code == 0
    r = CliRunner().invoke(main, ["doctor", "--xlstart", str(profile)])
    assert r.exit_code == 0, r.output
    assert set(_marks(r.output).values()) == {"✔"} and "全部通过：运行 7 项检查" in r.output


def _no_addin(xlstart: Path, conf: Path) -> None:
    (xlstart / inst.ADDIN.name).unlink()


def _interpreter_gone(xlstart: Path, conf: Path) -> None:
    conf.write_text('"INTERPRETER_WIN","/nowhere/venv/Scripts/pythonw.exe"\r\n"UDF MODULES","udfs.excel"\r\n',
                    encoding="utf-8")


def _no_interpreter_key(xlstart: Path, conf: Path) -> None:
    conf.write_text('"UDF MODULES","udfs.excel"\r\n', encoding="utf-8")


def _corrupt_addin(xlstart: Path, conf: Path) -> None:
    (xlstart / inst.ADDIN.name).write_bytes(b"PK\x03\x04 not an add-in")


@pytest.mark.parametrize("breaks, failing, says, fix", [
    (_no_addin, "Excel 启动文件夹中的加载项", "没有加载项", "jidi-xl addin install"),
    (_interpreter_gone, "加载项配置的 Python 解释器", "/nowhere/venv/Scripts/pythonw.exe", "重新运行 install.cmd"),
    (_no_interpreter_key, "加载项配置的 Python 解释器", "没有 INTERPRETER_WIN", "jidi-xl addin install"),
    (_corrupt_addin, "xlwings 与加载项 DLL 版本", "无法读取 VBA", "jidi-xl addin install"),
])
def test_a_broken_setup_shows_a_named_cross_and_the_fix(profile, breaks, failing, says, fix):
    assert CliRunner().invoke(main, ["addin", "install", "--xlstart", str(profile)]).exit_code == 0
    breaks(profile, inst.target(profile).config)
    r = CliRunner().invoke(main, ["doctor", "--xlstart", str(profile)])
    assert r.exit_code == 2, r.output
    marks = _marks(r.output)
    assert {n for n, m in marks.items() if m == "✘"} == {failing}
    lines = r.output.splitlines()
    i = next(k for k, ln in enumerate(lines) if ln.startswith(f"✘ {failing}："))
    assert says in lines[i]
    assert lines[i + 1].startswith("    修复：") and fix in lines[i + 1]
    assert "1 项未通过" in r.output


def test_output_survives_a_gbk_console(tmp_path):
    """A redirected Chinese console (GBK has no ✔/✘): the marks fall back to √/×, nothing fails."""
    import os
    import subprocess

    env = {**os.environ, "PYTHONIOENCODING": "gbk"}
    r = subprocess.run([sys.executable, "-m", "jidi_xl.cli", "doctor", "--xlstart", str(tmp_path / "none")],
                       capture_output=True, env={**env, "USERPROFILE": str(tmp_path)}, timeout=300)
    out = r.stdout.decode("gbk")
    assert r.returncode == 2
    assert out.startswith("√ Python 版本") and "× Excel 启动文件夹中的加载项" in out and "修复：" in out
