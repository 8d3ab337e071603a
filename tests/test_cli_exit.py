"""Every command's exit code as the README documents it, output that never fails on the console's encoding, and
no traceback ever: real files, real commands (in-process through click's runner, or a real subprocess where the
console itself is under test)."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from jidi_xl import cli as cli_module
from jidi_xl import fields
from jidi_xl.cli import main
from jidi_xl.rules import RULES
from workbooks import SAMPLES_DIR
from workbooks.layout import LAYOUT

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = sorted(SAMPLES_DIR.glob("*.xlsx"))[0]
EXAMPLE = ROOT / "examples" / "01_general_track_pass.json"
AREA_NAME = fields.find(RULES["art6_4"].reads[0]).name      # the cell of the field 第六条第（四）项 reads first


def run(*args, env=None):
    res = CliRunner(env=env).invoke(main, [str(a) for a in args])
    assert "Traceback" not in res.output
    return res


def subprocess_cli(*args, encoding: str):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONIOENCODING": encoding, "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.run([sys.executable, "-m", "jidi_xl.cli", *map(str, args)], capture_output=True, env=env,
                          timeout=120)


# ------------------------------------------------------------------ the files of the table

def _upper(d: Path) -> Path:
    sub = d / "folder"
    sub.mkdir()
    shutil.copy(SAMPLE, sub / "BOOK.XLSX")
    return sub


def _not_a_zip(d: Path) -> Path:
    p = d / "broken.xlsx"
    p.write_text("name,area\n甲,5000\n", encoding="gbk")   # a CSV renamed .xlsx
    return p


def _case_json(d: Path) -> Path:
    p = d / "case.json"
    shutil.copy(EXAMPLE, p)
    return p


def _empty_folder(d: Path) -> Path:
    sub = d / "empty"
    sub.mkdir()
    return sub


def _only_a_lock_file(d: Path) -> Path:
    sub = d / "locked"
    sub.mkdir()
    (sub / "~$book.xlsx").write_bytes(b"\x06user  ")
    return sub


def _input_error(d: Path) -> Path:
    p = d / "bad.xlsx"
    wb = openpyxl.load_workbook(SAMPLE)
    n = LAYOUT[AREA_NAME]
    wb[n.sheet][n.ref] = "五千平方米"
    wb.save(p)
    return p


def _miswired(d: Path) -> Path:
    p = d / "miswired.xlsx"
    n = LAYOUT["out_art6_4_computed"]
    wb = openpyxl.load_workbook(sorted(SAMPLES_DIR.glob("*.xlsx"))[2])
    ws = wb[n.sheet]
    ws[n.ref] = ws[n.ref].value.replace(f"JIDI_ART6_4({AREA_NAME}", "JIDI_ART6_4(99999")
    wb.save(p)
    return p


# 0 and 1 on a single sample, a miswired book and an error value: tests/report/test_report_headless.py
@pytest.mark.parametrize("command, makers, code, says", [
    ("check", [_upper], 0, "BOOK.XLSX"),                       # upper-case extension found in a folder
    ("check", [_not_a_zip], 2, "broken.xlsx"),
    ("check", [_case_json], 2, "这是案例 JSON 文件，请用 jidi-xl evaluate"),
    ("check", [_empty_folder], 2, "没有文件"),
    ("check", [_only_a_lock_file], 2, "临时锁定文件"),          # nothing evaluated: nothing done
    # an edited result formula is refused as not the standard workbook (2), never a difference to weigh
    ("check", [_miswired, _not_a_zip], 2, "不是标准评价工作簿"),
    ("recalc", [_input_error], 2, "输入错误"),
    ("recalc", [_not_a_zip], 2, "broken.xlsx"),
    ("recalc", [_case_json], 2, "请用 jidi-xl evaluate"),
    ("evaluate", [_empty_folder], 2, "没有 .json"),
    ("batch", [_empty_folder], 2, "没有任何文件"),
], ids=lambda v: v.__name__ if callable(v) else None)
def test_exit_codes_as_documented(tmp_path, command, makers, code, says):
    args = [m(tmp_path) for m in makers]
    if command == "batch":
        args += ["-o", tmp_path / "out" / "summary.xlsx"]
    before = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    res = run(command, *args)
    assert res.exit_code == code, res.output
    assert says in res.output
    assert any("\u4e00" <= ch <= "\u9fff" for ch in res.output)          # a Chinese message
    assert all(p.read_bytes() == b for p, b in before.items())          # no input written to


def test_recalc_refuses_a_lock_file_by_name(tmp_path):
    lock = tmp_path / "~$book.xlsx"
    lock.write_bytes(b"\x06user  ")
    res = run("recalc", lock)
    assert res.exit_code == 2 and "临时锁定文件" in res.output


# ------------------------------------------------------------------ the guard

def test_an_unexpected_exception_is_one_chinese_line_and_exit_2(tmp_path, monkeypatch):
    monkeypatch.setattr(cli_module, "LOG_DIR", tmp_path / "logs")

    def boom(*_a, **_k):
        raise RuntimeError("simulated defect")

    monkeypatch.setattr(cli_module, "evaluate_case", boom)
    res = run("evaluate", EXAMPLE)
    assert res.exit_code == 2
    assert res.output.strip().startswith("内部错误") and len(res.output.strip().splitlines()) == 1
    logs = list((tmp_path / "logs").glob("jidi-xl-*.log"))
    assert len(logs) == 1 and str(logs[0]) in res.output
    assert "RuntimeError: simulated defect" in logs[0].read_text(encoding="utf-8")
    # a test (or a developer) can still see the exception itself
    seen = CliRunner(env={cli_module.TRACEBACK_ENV: "1"}).invoke(main, ["evaluate", str(EXAMPLE)])
    assert isinstance(seen.exception, RuntimeError)


# ------------------------------------------------------------------ the console's encoding

@pytest.mark.parametrize("encoding", ["gbk", "cp1252", "ascii", "utf-8"])
def test_output_never_fails_on_the_console_encoding(tmp_path, encoding):
    """Redirected output on a Chinese Windows console is GBK, which has no ✔ or ✘; cp1252 and ASCII have no Chinese."""
    rep = subprocess_cli("evaluate", EXAMPLE, encoding=encoding)
    folder = _only_a_lock_file(tmp_path)
    (folder / "notes.txt").write_text("x", encoding="utf-8")
    chk = subprocess_cli("check", folder, encoding=encoding)
    for res, code in ((rep, 0), (chk, 2)):
        err = res.stderr.decode("utf-8", "replace")
        assert res.returncode == code, err
        assert "Traceback" not in err and "UnicodeEncodeError" not in err
    if encoding == "gbk":
        out = rep.stdout.decode("gbk")
        assert "认定结论：符合认定条件（建议认定）" in out and "√ 符合" in out        # ✔ falls back to √
        assert "× " in chk.stdout.decode("gbk") and "notes.txt" in chk.stdout.decode("gbk")
    if encoding == "utf-8":
        assert "✔ 符合" in rep.stdout.decode("utf-8")
