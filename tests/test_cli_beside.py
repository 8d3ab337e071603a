"""``jidi-xl recalc`` reads the book's inputs back beside the recalculation (``jidi_xl.cli._Beside``: a forked child
under the console script): what it prints, the exit code and the copy it keeps are those of the in-process command,
whether the child gives its result or gives none (then the parent computes it itself).

Real commands throughout: the console script's path is a real ``python -m jidi_xl.cli`` process (it calls
``entry``, which forks), the in-process one click's runner (which does not fork); the books are real samples, one
with a credit code whose check character is wrong (edited in the file's shared strings, so that it stays a clean
copy of the template: the fast path, and the rules engine refuses the input).
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

from jidi_xl.cli import BESIDE_FAULT_ENV, main
from workbooks import SAMPLES_DIR, TEMPLATE_PATH

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = SAMPLES_DIR / "01_general_track_pass.xlsx"
GOOD_CODE, BAD_CODE = b"91110108MA0LAJL57R", b"91110108MA0LAJL57X"      # the first firm's code; check character off


def _copy(d: Path) -> Path:
    return Path(shutil.copy(SAMPLE, d / "sample.xlsx"))


def _template(d: Path) -> Path:
    return Path(shutil.copy(TEMPLATE_PATH, d / "blank.xlsx"))


def _bad_code(d: Path) -> Path:
    out = d / "bad_code.xlsx"
    with zipfile.ZipFile(SAMPLE) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "xl/sharedStrings.xml":
                assert GOOD_CODE in data
                data = data.replace(GOOD_CODE, BAD_CODE)
            dst.writestr(info, data)
    return out


BOOKS = [
    # (case, how the book is made, exit code, a line the output must hold)
    ("clean sample", _copy, 0, "模板快速路径"),
    ("blank template", _template, 0, "模板快速路径"),
    ("credit code refused", _bad_code, 2, "校验位不符"),
]


def _shown(text: str, d: Path) -> list[str]:
    """The lines printed, with what differs between two runs of the same command made equal: the seconds taken
    and the folder of the run."""
    text = text.replace(str(d), "DIR")
    return [re.sub(r"，\d+\.\d\d 秒）", "，… 秒）", line) for line in text.splitlines()]


def _in_process(book: Path, out: Path) -> tuple:
    res = CliRunner().invoke(main, ["recalc", str(book), "-o", str(out)])
    return res.exit_code, _shown(res.stdout, book.parent), _shown(res.stderr, book.parent), out.exists()


def _console(book: Path, out: Path, fault: bool) -> tuple:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)}
    env.pop(BESIDE_FAULT_ENV, None)
    if fault:
        env[BESIDE_FAULT_ENV] = "1"
    proc = subprocess.run([sys.executable, "-m", "jidi_xl.cli", "recalc", str(book), "-o", str(out)], cwd=ROOT,
                          env=env, capture_output=True, text=True, timeout=300)
    return proc.returncode, _shown(proc.stdout, book.parent), _shown(proc.stderr, book.parent), out.exists()


@pytest.mark.parametrize("fault", [False, True], ids=["child gives its result", "child gives none"])
@pytest.mark.parametrize("case, make, code, line", BOOKS, ids=[b[0] for b in BOOKS])
def test_the_console_script_prints_and_keeps_what_the_in_process_command_does(tmp_path, case, make, code, line, fault):
    book, out = make(tmp_path), tmp_path / "out.xlsx"
    want = _in_process(book, out)
    assert want[0] == code and any(line in x for x in want[1] + want[2]), want
    out.unlink(missing_ok=True)
    got = _console(book, out, fault)
    assert got == want


CHILD = """
import os, sys
from jidi_xl import cli
cli._FAST_EXIT = True            # what entry() sets: the console script's process
mode = sys.argv[1]
if mode == "pid":
    b = cli._Beside(os.getpid)
    print(b.result() != os.getpid(), len(cli._Beside._running))
elif mode == "raises":
    b = cli._Beside(int, "not a number")
    try:
        b.result()
    except ValueError as exc:
        print("ValueError", exc)
elif mode == "abandoned":
    b = cli._Beside(__import__("time").sleep, 60)
    pid = b.pid
    cli._Beside.abandon_all()
    try:
        os.kill(pid, 0)
        print("still running")
    except ProcessLookupError:
        print("gone", b.pid)
"""

CHILD_CASES = [
    # (mode, fault injected, what the script prints)
    ("pid", False, "True 0"),            # computed in another process; nothing left running
    ("pid", True, "False 0"),            # the child gave nothing: computed here
    ("raises", False, "ValueError invalid literal for int() with base 10: 'not a number'"),
    ("abandoned", False, "gone None"),   # a command that ends early kills and reaps its child
]


@pytest.mark.parametrize("mode, fault, printed", CHILD_CASES, ids=[f"{m}{' (fault)' if f else ''}" for m, f, _ in CHILD_CASES])
def test_beside_computes_in_a_child_or_else_in_process(mode, fault, printed):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)}
    env.pop(BESIDE_FAULT_ENV, None)
    if fault:
        env[BESIDE_FAULT_ENV] = "1"
    proc = subprocess.run([sys.executable, "-c", CHILD, mode], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0 and proc.stdout.strip() == printed, proc.stdout + proc.stderr
