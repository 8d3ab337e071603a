"""The per-base report (``jidi-xl report``): really rendered to PDF with Typst, then read back with poppler
(pdftotext, pdffonts, pdftoppm) and checked against the engine's own evaluation of the same case."""
from __future__ import annotations

import copy
import json
import re
import shutil
import subprocess
from datetime import datetime, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner

from jidi_xl.case import load_case, parse_case
from jidi_xl.cli import main
from jidi_xl.evaluate import evaluate_case
from jidi_xl.report.document import FONT_FAMILIES, Source, context, render_html, sha256_of, write_report
from jidi_xl.rules import RULES
from workbooks import SAMPLES_DIR

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
FIXED = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)
# Spreadsheet formulas, HTML, and Typst markup (the PDF's typesetter must show them as text, not obey them).
HOSTILE = ['=HYPERLINK("http://x","y")', "@SUM(1)", "<script>alert(1)</script>", "+1-2", "-3+4",
           "#set text(red) #strong[粗]", "$x^2$ *星* _斜_ `代码` <标签> @引用"]

pytestmark = pytest.mark.skipif(not shutil.which("pdffonts"), reason="poppler-utils not installed (.ci/run installs it)")


def hostile_case() -> dict:
    """Example 01 with a hostile base name and hostile firm names (still a valid case)."""
    raw = json.loads((EXAMPLES / "01_general_track_pass.json").read_text(encoding="utf-8"))
    raw = copy.deepcopy(raw)
    raw["case_id"] = "hostile_names"
    raw["base"]["name"] = HOSTILE[0]
    for i, name in enumerate(HOSTILE[1:]):
        raw["firms"]["roster"][i]["name"] = name
    return raw


CASES = ["03_fail_area", "06_review_missing_data", "10_evaluation_good", "12_art17_late_filing",
         "13_override_firm_count_in_principle", "hostile_names"]


def _flat(s: str) -> str:
    return re.sub(r"\s+", "", s)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """case id → (engine report, html, pdf path, raw text of the PDF)."""
    out = tmp_path_factory.mktemp("reports")
    got = {}
    for cid in CASES:
        if cid == "hostile_names":
            path = out / "hostile_names.json"
            path.write_text(json.dumps(hostile_case(), ensure_ascii=False), encoding="utf-8")
        else:
            path = EXAMPLES / f"{cid}.json"
        case = load_case(path)
        rep = evaluate_case(case)
        ctx = context(rep, case, Source(path.name, sha256_of(path), "案例 JSON"), FIXED)
        pdf = write_report(ctx, out / f"{cid}.pdf")
        html = render_html(ctx)
        text = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(pdf), "-"], capture_output=True,
                              text=True, check=True).stdout
        got[cid] = (rep, html, pdf, text)
    return got


def _results(rep):
    rs = []
    if rep.recognition:
        rs += rep.recognition.conditions + [rep.recognition.encouraged]
    if rep.evaluation:
        ev = rep.evaluation
        rs += [ev.participated, *ev.basic, ev.art15, ev.score, ev.grade]
    return rs + rep.filings


@pytest.mark.parametrize("cid", CASES)
def test_every_condition_its_article_and_the_verdict_are_printed(rendered, cid):
    rep, _html, _pdf, text = rendered[cid]
    flat = _flat(text)
    for r in _results(rep):
        for what in (r.article, r.title, r.outcome.zh):
            assert _flat(what) in flat, f"{cid}: {r.rule}: {what!r} missing from the PDF"
    if rep.recognition:
        assert _flat(rep.recognition.verdict.value) in flat
        for art in rep.recognition.failing_articles:
            assert _flat(art) in flat
    if rep.evaluation:
        assert _flat(rep.evaluation.consequence) in flat
    assert rep.base_name in text
    assert "评审人" in flat and "复核人" in flat and "SHA-256" in flat
    assert "第1页，共" in flat


def _squash(name: str) -> str:
    return re.sub(r"[^a-z]", "", name.lower())


@pytest.fixture(scope="module")
def family() -> str:
    """The font family the PDFs are set in: the first of the declared families this machine has."""
    from jidi_xl.report.document import _typst

    return _typst()[1][0]


@pytest.mark.parametrize("cid", CASES)
def test_every_font_is_embedded_subset_and_the_declared_one(rendered, family, cid):
    pdf = rendered[cid][2]
    out = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    rows = [line.split() for line in out.splitlines()[2:] if line.strip()]
    assert rows, out
    for row in rows:
        name, emb, sub = row[0], row[-5], row[-4]
        assert (emb, sub) == ("yes", "yes"), out
        assert re.match(r"^[A-Z]{6}\+", name), out                                # a subset
        assert _squash(name.split("+", 1)[1]).startswith(_squash(family)), out     # no fallback font was needed


def test_the_pdf_is_set_in_the_first_declared_font_the_machine_has(family):
    assert family in FONT_FAMILIES
    have = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True, check=True).stdout
    assert family in have
    assert not [f for f in FONT_FAMILIES[:FONT_FAMILIES.index(family)] if f in have]


@pytest.fixture(scope="module")
def font_cmap(family) -> set[int]:
    """The characters covered by the font the PDFs are set in (its face named ``family`` in a collection)."""
    from fontTools.ttLib import TTCollection, TTFont

    path = subprocess.run(["fc-match", "-f", "%{file}", family], capture_output=True, text=True, check=True).stdout
    fonts = TTCollection(path).fonts if path.lower().endswith(".ttc") else [TTFont(path)]
    font = next((f for f in fonts if family in {r.toUnicode() for r in f["name"].names if r.nameID in (1, 16)}), None)
    assert font is not None, f"{family} not found in {path}"
    return set(font.getBestCmap())


@pytest.mark.parametrize("cid", CASES)
def test_no_glyph_fell_back(rendered, font_cmap, cid):
    """Every character of the extracted text is one the embedded font has (so none was drawn as a box)."""
    text = rendered[cid][3]
    assert "\ufffd" not in text
    missing = sorted({ch for ch in text if not ch.isspace() and ord(ch) not in font_cmap and ch != "\x0c"})
    assert not missing, f"{cid}: characters the font lacks: {missing}"


@pytest.mark.parametrize("cid", ["10_evaluation_good", "13_override_firm_count_in_principle"])
def test_first_page_renders_as_ink_on_paper(rendered, cid, tmp_path):
    from PIL import Image

    pdf = rendered[cid][2]
    subprocess.run(["pdftoppm", "-r", "40", "-png", "-f", "1", "-l", "1", "-singlefile", str(pdf), str(tmp_path / "p")],
                   check=True)
    img = Image.open(tmp_path / "p.png").convert("L")
    w, h = img.size
    assert abs(h / w - 297 / 210) < 0.02                       # A4 portrait
    dark = sum(img.histogram()[:128]) / (w * h)
    assert 0.01 < dark < 0.4, dark                            # text on a white page, not blank, not black


def test_an_override_shows_computed_reviewer_result_and_justification(rendered):
    rep, _html, _pdf, text = rendered["13_override_firm_count_in_principle"]
    flat = _flat(text)
    r = next(r for r in rep.recognition.conditions if r.overridden)
    assert _flat(r.override.justification) in flat
    assert _flat(r.override.reviewer) in flat
    assert _flat(f"原计算：{r.computed.zh}") in flat
    assert "复核改判" in flat


def test_an_annual_evaluation_shows_each_expert_score_and_the_trimmed_mean(rendered):
    from jidi_xl.rules.chapter4 import expert_total

    rep, _html, _pdf, text = rendered["10_evaluation_good"]
    flat = _flat(text)
    case = load_case(EXAMPLES / "10_evaluation_good.json")
    rubric = case.get("evaluation.rubric")
    for e in rubric["experts"]:
        assert e["name"] in flat
        assert f"{float(expert_total(rubric['indicators'], e['scores'])):.2f}" in flat
        for s in e["scores"]:
            assert f"{s:g}" in flat
    assert _flat(f"截尾平均）：{float(rep.evaluation.score.value):.2f}") in flat
    ev = rep.evaluation
    assert "★" * ev.stars in flat and f"第{ev.funding_tier}档" in flat


def test_filings_show_their_deadlines(rendered):
    rep, _html, _pdf, text = rendered["12_art17_late_filing"]
    assert rep.filings
    for f in rep.filings:
        assert f.value.isoformat() in text and _flat(f.reason) in _flat(text)


def test_hostile_names_are_plain_text(rendered):
    rep, html, _pdf, text = rendered["hostile_names"]
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    for name in HOSTILE:
        assert _flat(name) in _flat(text), name                # printed as the characters they are (lines may wrap)


def test_the_placeholder_parameters_are_listed(rendered):
    text = _flat(rendered["10_evaluation_good"][3])
    assert "chapter4.star_bands" in text and "暂定参数" in text


def test_cli_report_of_a_workbook_goes_the_way_check_goes(tmp_path):
    book = SAMPLES_DIR / "13_override_firm_count_in_principle.xlsx"
    before = book.read_bytes()
    out = tmp_path / "r.pdf"
    res = CliRunner().invoke(main, ["report", str(book), "-o", str(out)], env={"SOURCE_DATE_EPOCH": "1764579600"})
    assert res.exit_code == 0, res.output
    assert book.read_bytes() == before
    text = _flat(subprocess.run(["pdftotext", "-raw", str(out), "-"], capture_output=True, text=True, check=True).stdout)
    assert "一致（比较" in text and sha256_of(book) in text and "2025-12-01" in text
    assert "符合认定条件（建议认定）" in text
    html = tmp_path / "r.html"
    res = CliRunner().invoke(main, ["report", str(book), "-o", str(html)], env={"SOURCE_DATE_EPOCH": "1764579600"})
    assert res.exit_code == 0 and "<svg" in html.read_text(encoding="utf-8")


AREA = RULES["art6_4"].reads[0]       # the building area, reached through the rule that reads it


@pytest.mark.parametrize("args, says", [
    (["examples/01_general_track_pass.json", "-o", "{tmp}/r.docx"], ".pdf 或 .html"),
    (["{tmp}/bad.json", "-o", "{tmp}/r.pdf"], AREA),
    (["{tmp}/notes.txt", "-o", "{tmp}/r.pdf"], "不是 .xlsx"),
])
def test_cli_report_refuses_with_a_named_reason(tmp_path, args, says):
    bad = json.loads((EXAMPLES / "01_general_track_pass.json").read_text(encoding="utf-8"))
    section, key = AREA.split(".")
    bad[section][key] = "很大"
    (tmp_path / "bad.json").write_text(json.dumps(bad, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "notes.txt").write_text("x", encoding="utf-8")
    argv = ["report", *[a.replace("{tmp}", str(tmp_path)) if "{tmp}" in a else str(ROOT / a) if a.endswith(".json") else a
                        for a in args]]
    res = CliRunner().invoke(main, argv)
    assert res.exit_code == 2, res.output
    assert says in res.output
    assert not (tmp_path / "r.pdf").exists()


def test_same_input_and_time_give_the_same_html_and_pdf(tmp_path):
    from jidi_xl.report.document import pdf_bytes

    raw = hostile_case()
    docs = [context(evaluate_case(parse_case(raw)), parse_case(raw), Source("x.json", "0" * 64, "案例 JSON"), FIXED)
            for _ in range(2)]
    a, b = (render_html(d) for d in docs)
    assert a == b and "2026-12-01 09:00:00" in a
    assert pdf_bytes(docs[0]) == pdf_bytes(docs[1])


@pytest.mark.parametrize("cid", CASES)
def test_every_table_declares_its_column_widths(rendered, cid):
    """The CSS lays tables out with table-layout: fixed (benchmarks/README.md: a third of a report's time went to
    measuring cells); every table therefore carries its <colgroup>, else its columns would all be equally wide."""
    html = rendered[cid][1]
    assert "table-layout: fixed" in html
    assert "<table" in html
    for chunk in html.split("<table")[1:]:
        assert chunk.split(">", 1)[1].lstrip().startswith("<colgroup>"), chunk[:120]


def test_a_report_from_the_checked_outcome_equals_one_from_the_workbook_read_again():
    """The batch hands the report the case and evaluation check compared the workbook with (``parsed``); the report
    is the same as one made by reading the workbook's inputs again, and ``parsed`` does not travel to the parent."""
    import pickle

    from jidi_xl.report.check import process_workbook
    from jidi_xl.report.document import report_of_workbook

    book = SAMPLES_DIR / "13_override_firm_count_in_principle.xlsx"
    res = process_workbook(book, None)
    assert res.parsed is not None and not res.differences
    travelled = pickle.loads(pickle.dumps(res))
    assert travelled.parsed is None and travelled.values == res.values
    html = [render_html(context(*report_of_workbook(book, o), FIXED)) for o in (res, travelled)]
    assert html[0] == html[1] and res.parsed[0].base_name in html[0]


@pytest.mark.parametrize("system, embedded, found", [
    (True, False, True),        # this machine: a declared CJK family (.ci/run installs fonts-noto-cjk)
    (False, True, False),       # Typst's own fonts only (Latin): refused, never boxes
    (False, False, False),      # no font at all
])
def test_a_pdf_needs_a_declared_cjk_font_and_says_which_to_install(system, embedded, found):
    import typst

    from jidi_xl.report.document import font_families
    from jidi_xl.report.outputs import OutputError

    fonts = typst.Fonts(include_system_fonts=system, include_embedded_fonts=embedded)
    if found:
        assert font_families(fonts)[0] in FONT_FAMILIES
    else:
        with pytest.raises(OutputError, match="fonts-noto-cjk"):
            font_families(fonts)
