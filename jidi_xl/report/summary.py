"""The batch's consolidated summary workbook: one row per base, the files that could not be evaluated,
and the verdict and star distributions with charts. Written with XlsxWriter, deterministically."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import xlsxwriter

FIXED_CREATED = datetime(2022, 5, 19)   # reproducible bytes: the rule-set's effective date, not "now"


@dataclass
class SummaryRow:
    file: str
    base_name: str = ""
    verdict: str = ""
    failing_articles: str = ""
    firm_count: object = ""
    concentration: object = ""
    track: str = ""
    leading: str = ""
    service_functions: object = ""
    eval_year: object = ""
    grade: str = ""
    stars: object = ""
    funding_tier: object = ""
    check: str = ""
    output: str = ""
    seconds: float = 0.0
    report: str = ""             # the base's report (batch --reports), absolute path; linked relatively


@dataclass
class Failure:
    file: str
    reason: str
    details: list[str] = field(default_factory=list)
    category: str = "无法评价"      # or "已跳过": not a submission (an Excel lock file …), listed rather than dropped


COLUMNS = [  # (header, attribute, width, format); widths chosen so that 汇总 prints one A4 landscape page wide, legibly
    ("文件", "file", 26, None), ("基地名称", "base_name", 24, None), ("认定结论", "verdict", 20, "verdict"),
    ("不符合/待核实条款", "failing_articles", 24, None), ("本市小微企业数", "firm_count", 8, "int"),
    ("主导产业集聚度", "concentration", 8, "pct"), ("满足通道", "track", 12, None), ("主导产业", "leading", 18, None),
    ("服务功能项数", "service_functions", 7, "int"), ("评价年度", "eval_year", 7, "int"), ("评价结果", "grade", 8, None),
    ("星级", "stars", 5, "int"), ("资金档次", "funding_tier", 5, "int"), ("与规则引擎核对", "check", 18, None),
    ("重算后的工作簿", "output", 26, None), ("用时（秒）", "seconds", 7, "sec"), ("评价报告", "report", 9, "link"),
]
REPORT_LINK_TEXT = "打开报告"


def print_setup(ws, header_rows: tuple[int, int] | None = (0, 0), portrait: bool = False, one_page: bool = False) -> None:
    """A4 (paper 9), one page wide (or one page, for a sheet of charts), header rows repeated, the file name in the
    header and the page number in the footer (Excel codes &F, &P, &N)."""
    ws.set_paper(9)
    if not portrait:
        ws.set_landscape()
    ws.fit_to_pages(1, 1 if one_page else 0)
    ws.set_margins(left=0.5, right=0.5, top=0.75, bottom=0.75)
    if header_rows is not None:
        ws.repeat_rows(*header_rows)
    ws.set_header("&L&8&F&R&8&A")
    ws.set_footer("&C&8第 &P 页，共 &N 页")


def write_summary(path: str | Path, rows: list[SummaryRow], failures: list[Failure], source_dir: str = "") -> None:
    """Write the summary at ``path`` (the batch passes a temporary name and renames it: see :mod:`.outputs`).
    ``failures`` holds the files not evaluated and the skipped ones (their ``category``)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb = xlsxwriter.Workbook(str(path), {"strings_to_numbers": False})
    wb.set_properties({"title": "示范基地批量评价汇总", "created": FIXED_CREATED, "author": "jidi-xl"})
    head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True, "valign": "vcenter"})
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    fmts = {"int": wb.add_format({"num_format": "0", "valign": "top"}), "pct": wb.add_format({"num_format": "0.0%", "valign": "top"}),
            "sec": wb.add_format({"num_format": "0.00", "valign": "top"}), None: wrap, "verdict": wrap,
            "link": wb.add_format({"font_color": "blue", "underline": 1, "valign": "top"})}
    green = wb.add_format({"bg_color": "#C6EFCE", "font_color": "#006100"})
    red = wb.add_format({"bg_color": "#FFC7CE", "font_color": "#9C0006"})
    amber = wb.add_format({"bg_color": "#FFEB9C", "font_color": "#9C5700"})

    ws = wb.add_worksheet("汇总")
    for c, (h, _, w, _f) in enumerate(COLUMNS):
        ws.write(0, c, h, head)
        ws.set_column(c, c, w)
    ws.set_row(0, _height([(h, w) for h, _, w, _ in COLUMNS]))
    for r, row in enumerate(rows, start=1):
        ws.set_row(r, _height([(getattr(row, a), w) for _, a, w, f in COLUMNS if f in (None, "verdict")]))
        for c, (_, attr, _, f) in enumerate(COLUMNS):
            v = getattr(row, attr)
            if f == "link" and v and Path(v).is_file():
                _link(ws, r, c, path.parent, v, fmts["link"])
            elif v is None or v == "":
                ws.write_blank(r, c, None)
            elif isinstance(v, (int, float)) and not isinstance(v, bool):
                ws.write_number(r, c, v, fmts[f])
            else:
                ws.write_string(r, c, str(v), fmts[f])
    last = max(len(rows), 1)
    ws.autofilter(0, 0, last, len(COLUMNS) - 1)
    ws.freeze_panes(1, 2)
    print_setup(ws)
    # on paper: up to the check column; the copy's path, the seconds and the link are for the screen
    ws.print_area(0, 0, last, [a for _, a, _, _ in COLUMNS].index("check"))
    ws.conditional_format(1, 2, last, 2, {"type": "text", "criteria": "begins with", "value": "符合", "format": green})
    ws.conditional_format(1, 2, last, 2, {"type": "text", "criteria": "begins with", "value": "不符合", "format": red})
    ws.conditional_format(1, 2, last, 2, {"type": "text", "criteria": "begins with", "value": "待核实", "format": amber})
    ws.conditional_format(1, 13, last, 13, {"type": "text", "criteria": "begins with", "value": "差异", "format": red})

    # distributions
    st = wb.add_worksheet("统计")
    st.set_column(0, 0, 26)
    st.write_row(0, 0, ["认定结论", "基地数"], head)
    verdicts = Counter(r.verdict or "（无认定评价）" for r in rows)
    order = ["符合认定条件（建议认定）", "不符合认定条件", "待核实", "（无认定评价）"]
    vk = [k for k in order if k in verdicts] + sorted(k for k in verdicts if k not in order)
    for i, k in enumerate(vk, start=1):
        st.write_string(i, 0, k)
        st.write_number(i, 1, verdicts[k])
    srow = len(vk) + 3
    st.write_row(srow, 0, ["星级", "基地数"], head)
    # evaluated books only: a recognition-only book's 评价结果 reads 未评价 (workbooks.layout.NOT_EVALUATED)
    stars = Counter(r.stars if isinstance(r.stars, int) else None for r in rows if r.eval_year)
    sk = [("无星级（不合格或待核实）", stars.get(None, 0))] + [("★" * n, stars.get(n, 0)) for n in range(1, 6)]
    for i, (k, n) in enumerate(sk, start=srow + 1):
        st.write_string(i, 0, k)
        st.write_number(i, 1, n)
    skipped = sum(f.category != "无法评价" for f in failures)
    st.write_string(srow + 8, 0, f"文件总数 {len(rows) + len(failures)}；已评价 {len(rows)}；"
                                 f"无法评价 {len(failures) - skipped}；已跳过 {skipped}")
    if source_dir:
        st.write_string(srow + 9, 0, f"来源文件夹：{source_dir}")
    # Both charts sit beside the tables within one A4 portrait page, and the sheet prints on exactly one page:
    # no page break can cut a chart.
    for title, r0, n, anchor in (("认定结论分布", 1, len(vk), "D2"), ("星级分布", srow + 1, len(sk), "D20")):
        ch = wb.add_chart({"type": "column"})
        ch.add_series({"name": title, "categories": ["统计", r0, 0, r0 + n - 1, 0],
                       "values": ["统计", r0, 1, r0 + n - 1, 1], "data_labels": {"value": True}})
        ch.set_title({"name": title})
        ch.set_legend({"none": True})
        ch.set_size({"width": 480, "height": 300})
        st.insert_chart(anchor, ch)
    print_setup(st, header_rows=None, portrait=True, one_page=True)

    fs = wb.add_worksheet("无法评价的文件")
    fs.set_column(0, 0, 40)
    fs.set_column(1, 1, 100)
    fs.set_column(2, 2, 10)
    fs.write_row(0, 0, ["文件", "原因（请按提示修改后重新提交）", "处理"], head)
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    for i, failure in enumerate(failures, start=1):
        fs.write_string(i, 0, failure.file)
        fs.write_string(i, 1, "\n".join([failure.reason] + failure.details[:30]), wrap)
        fs.write_string(i, 2, failure.category)
    if not failures:
        fs.write_string(1, 0, "（无）")
    fs.freeze_panes(1, 0)
    print_setup(fs)

    from .publication import build, write_sheets

    write_sheets(wb, build(rows), print_setup)
    wb.close()


def _height(cells: list[tuple[object, int]], line_pt: float = 13.5) -> float:
    """A row height that shows every wrapped cell whole: XlsxWriter cannot autofit and LibreOffice keeps the stored
    height, so the lines are estimated from the text's display width (CJK characters count two) and the column's."""
    from . import _w

    lines = 1
    for v, width in cells:
        for part in str(v or "").split("\n"):
            lines = max(lines, -(-_w(part) // max(int(width * 0.8), 1)))
    return max(15.0, lines * line_pt + 2)


def _link(ws, r: int, c: int, base: Path, target: str, fmt) -> None:
    """A relative hyperlink from the summary's folder to a report (moves with the folder). The shown text is ours,
    never a file name; a path Excel cannot hold as a link (too long, or with ``#``) is written as text."""
    import os

    rel = Path(os.path.relpath(target, base)).as_posix()
    if len(rel) > 250 or "#" in rel or ws.write_url(r, c, "external:" + rel, fmt, REPORT_LINK_TEXT) != 0:
        ws.write_string(r, c, rel)
