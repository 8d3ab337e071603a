"""``batch --reports``: one report per evaluated base, linked from the summary; the 公示 lists in the summary and as
PDF; the summary printed by LibreOffice on A4 with every chart whole on one page. Real workbooks, a real batch."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from jidi_xl.cli import main
from jidi_xl.engine.libreoffice import make_profile, soffice_path
from jidi_xl.report.publication import RECOGNISED, RECOGNISED_COLUMNS, RECOGNISED_SHEET, RESULTS_COLUMNS, RESULTS_SHEET, name_key
from workbooks import SAMPLES_DIR

from .test_report_pdf import HOSTILE, _flat, hostile_case

pytestmark = pytest.mark.skipif(not shutil.which("pdftotext"), reason="poppler-utils not installed (.ci/run installs it)")
BOOKS = ["03_fail_area", "10_evaluation_good", "12_art17_late_filing", "13_override_firm_count_in_principle"]
EPOCH = "1764579600"      # 2025-12-01 09:00 UTC


def pdf_text(path: Path, page: int | None = None) -> str:
    args = ["pdftotext", "-raw"] + (["-f", str(page), "-l", str(page)] if page else []) + [str(path), "-"]
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True, check=True).stdout
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


@pytest.fixture(scope="module")
def batch(tmp_path_factory):
    from workbooks.generate import build

    root = tmp_path_factory.mktemp("batch")
    src = root / "in"
    (src / "朝阳").mkdir(parents=True)
    for b in BOOKS:
        shutil.copy(SAMPLES_DIR / f"{b}.xlsx", src / f"{b}.xlsx")
    (src / "朝阳" / "hostile.xlsx").write_bytes(build(hostile_case(), sample_of="hostile")[0])
    before = {p: p.read_bytes() for p in src.rglob("*") if p.is_file()}
    out = root / "out"
    res = CliRunner().invoke(main, ["batch", str(src), "-o", str(out / "s.xlsx"), "-j", "2", "--reports",
                                    str(out / "reports")], env={"SOURCE_DATE_EPOCH": EPOCH})
    assert res.exit_code == 0, res.output
    assert {p: p.read_bytes() for p in src.rglob("*") if p.is_file()} == before     # inputs untouched
    return out


def test_one_report_per_evaluated_base_linked_from_its_row(batch):
    wb = openpyxl.load_workbook(batch / "s.xlsx")
    ws = wb["汇总"]
    head = [c.value for c in ws[1]]
    col = head.index("评价报告")
    files = []
    for row in ws.iter_rows(min_row=2):
        rel = row[0].value
        link = row[col].hyperlink
        assert link is not None and row[col].value == "打开报告", rel
        target = (batch / link.target.replace("\\", "/")).resolve()
        assert not os.path.isabs(link.target) and target.is_file(), link.target
        assert target == (batch / "reports" / rel).with_suffix(".pdf").resolve()
        text = pdf_text(target)
        assert "评审人" in text and "复核人" in text
        files.append(rel)
    assert sorted(files) == sorted([f"{b}.xlsx" for b in BOOKS] + ["朝阳/hostile.xlsx"])


def test_hostile_names_are_plain_text_in_summary_lists_and_reports(batch):
    wb = openpyxl.load_workbook(batch / "s.xlsx")
    cells = [c for name in ("汇总", RECOGNISED_SHEET) for row in wb[name].iter_rows() for c in row]
    hits = [c for c in cells if c.value == HOSTILE[0]]
    assert len(hits) == 2 and all(c.data_type == "s" for c in hits)      # text, not a formula
    assert not [c for c in cells if c.data_type == "f"]
    assert HOSTILE[0] in pdf_text(batch / "s_公示名单.pdf")
    report = pdf_text(batch / "reports" / "朝阳" / "hostile.pdf")
    for name in HOSTILE:
        assert _flat(name) in _flat(report)


def test_publication_lists_hold_only_publishable_columns_in_publication_order(batch):
    wb = openpyxl.load_workbook(batch / "s.xlsx")
    summary = {r[1]: r for r in wb["汇总"].iter_rows(min_row=2, values_only=True)}
    for sheet, cols in ((RECOGNISED_SHEET, RECOGNISED_COLUMNS), (RESULTS_SHEET, RESULTS_COLUMNS)):
        ws = wb[sheet]
        assert [c.value for c in ws[3]] == [h for h, _, _ in cols]
        body = [r for r in ws.iter_rows(min_row=4, values_only=True)]
        flat = " ".join(str(v) for r in body for v in r if v is not None)
        for r in summary.values():                  # no file name, path, figure or internal check result
            assert all(str(v) not in flat for v in (r[0], r[3], r[13], r[14]) if v)
        assert ".xlsx" not in flat and "一致（" not in flat
        assert [r[0] for r in body] == list(range(1, len(body) + 1))
        if sheet == RECOGNISED_SHEET:
            names = [r[1] for r in body]
            assert names == sorted(names, key=name_key)
            assert set(names) == {n for n, r in summary.items() if r[2] == RECOGNISED}
        else:
            assert [r[1] for r in body] == ["大兴生物医药创新孵化基地"] and body[0][3] == "较好" and body[0][4] == "★★★★"
        assert ws.print_title_rows.replace("$", "") == "3:3"
    assert pages(batch / "s_公示名单.pdf") == 2


@pytest.mark.skipif(soffice_path() is None, reason="LibreOffice not installed (.ci/run installs it)")
def test_the_summary_prints_on_a4_with_each_chart_whole_on_one_page(batch, tmp_path):
    profile = make_profile(tmp_path / "profile")
    subprocess.run([soffice_path(), f"-env:UserInstallation={profile}", "--headless", "--invisible", "--norestore",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(batch / "s.xlsx")],
                   check=True, capture_output=True, timeout=240)
    pdf = tmp_path / "s.pdf"
    # 汇总, 统计, 无法评价的文件, 拟认定名单, 评价结果公示: one page each for five books
    assert pages(pdf) == 5
    texts = [pdf_text(pdf, i) for i in range(1, 6)]
    for title in ("认定结论分布", "星级分布"):
        on = [i for i, t in enumerate(texts) if title in t]
        assert len(on) == 1, (title, on)
        # the chart's own category labels print on the page of its title: the chart is not split
        assert "★★★★★" in texts[on[0]] and "无星级" in texts[on[0]]
    size = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert "595" in size or "842" in size                 # A4 points (portrait or landscape)
    for i, t in enumerate(texts, 1):
        assert f"第 {i} 页，共 5 页" in t and "s.xlsx" in t   # footer page number, header file name
