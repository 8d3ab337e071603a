"""``jidi-xl crosscheck``: exit codes and what it prints, on real files through real LibreOffice (each
invocation is one soffice for all its workbooks).

* a folder with the blank template and every sample → 0, one ✔ line each and the line of figures;
* a workbook the headless engine gets wrong (fault injected into the engine, LibreOffice untouched) → 1, the
  difference printed with sheet!cell and both values;
* LibreOffice missing → 2, in Chinese, saying what to install; a file that is not a workbook → 2.
"""
from __future__ import annotations

import hashlib
import re
import shutil

import pytest
from click.testing import CliRunner

from jidi_xl import cli as cli_module
from jidi_xl.cli import main
from jidi_xl.engine import _ooxml as ox
from workbooks import SAMPLES_DIR, TEMPLATE_PATH
from workbooks.reader import defined_names

needs_soffice = pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) not installed")
N_FORMULAS = len(ox.workbook_formula_cells(str(TEMPLATE_PATH))[1])


def run(*args):
    res = CliRunner().invoke(main, ["crosscheck", *map(str, args)])
    assert "Traceback" not in res.output
    return res


def _digest(folder):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@needs_soffice
def test_template_and_every_sample_agree(tmp_path):
    d = tmp_path / "books"
    d.mkdir()
    shutil.copyfile(TEMPLATE_PATH, d / TEMPLATE_PATH.name)
    for p in SAMPLES_DIR.glob("*.xlsx"):
        shutil.copyfile(p, d / p.name)
    (d / "~$lock.xlsx").write_bytes(b"lock")              # skipped, does not change the exit code
    before = _digest(d)
    res = run(d)
    assert res.exit_code == 0, res.output
    n = len(list(SAMPLES_DIR.glob("*.xlsx"))) + 1
    assert res.output.count("✔") == n and "✘" not in res.output
    assert f"交叉核对：{n} 个工作簿，比较 {n * N_FORMULAS} 个公式单元格" in res.output
    assert _digest(d) == before                            # no input file is modified


class _WrongEngine:
    """The real standard engine, one of whose results is replaced (fault injection)."""

    def __init__(self, inner, key, wrong):
        self.inner, self.key, self.wrong = inner, key, wrong

    def recalc(self, path):
        res, how = self.inner.recalc(path)
        res.values[self.key] = self.wrong
        return res, how


@needs_soffice
def test_a_difference_is_printed_and_exits_1(monkeypatch):
    book = SAMPLES_DIR / "01_general_track_pass.xlsx"
    sheet, r, c, *_ = defined_names(book)["out_recognition_verdict"]
    key = (sheet, ox.a1(r + 1, c + 1))                     # defined_names is 0-based
    real = cli_module._engine
    monkeypatch.setattr(cli_module, "_engine", lambda n=1: _WrongEngine(real(n), key, "不符合认定条件"))
    res = run(book)
    assert res.exit_code == 1, res.output
    assert "✘" in res.output and "1 处不一致" in res.output
    assert re.search(rf"{sheet}!{key[1]}：无头引擎 '不符合认定条件'，LibreOffice '符合认定条件（建议认定）'（值不同）",
                     res.output), res.output


@pytest.mark.parametrize("case", ["no libreoffice", "not a workbook"])
def test_could_not_do_the_job_exits_2(case, tmp_path, monkeypatch):
    if case == "no libreoffice":
        monkeypatch.setenv("PATH", str(tmp_path))          # no soffice on PATH
        res = run(SAMPLES_DIR / "01_general_track_pass.xlsx")
        assert res.exit_code == 2
        assert "未找到 LibreOffice" in res.output and "apt-get install libreoffice-calc python3-uno" in res.output
    else:
        p = tmp_path / "notes.txt"
        p.write_text("x", encoding="utf-8")
        res = run(p)
        assert res.exit_code == 2 and "✘" in res.output
