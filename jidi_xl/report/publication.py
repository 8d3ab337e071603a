"""The lists the Bureau publishes (公示): 拟认定名单 and the annual evaluation results by grade and star tier.

Built from the batch's summary rows, with only what is fit for publication: the base's name, its leading
industries, the evaluation year, grade and stars. No file path, figure, check result or internal note.

Ordering (our choice, the Measures are silent): official 公示 lists are "排名不分先后" and usually alphabetical
by 拼音. Names are ordered by their GB 18030 encoding, which for the 3,755 common characters (GB 2312 level 1)
*is* 拼音 order and for the rest radical/stroke order — deterministic, with no dictionary to keep. The
evaluation results go by the Measures' ladder (较好 → 一般 → 不合格), within a grade by stars (most first), then by
name. A base whose grade is still 待核实 is not published; the list says how many were left out.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..evaluate import VERDICT_ZH
from ..results import Outcome
from ..rules.chapter4 import GRADES

RECOGNISED = VERDICT_ZH[Outcome.PASS]
GRADE_ORDER = [GRADES["good"], GRADES["fair"], GRADES["fail"]]
ORDER_NOTE = "排名不分先后，按基地名称拼音排序"


def name_key(name: str) -> tuple:
    return (name.encode("gb18030", "replace"), name)


@dataclass
class Lists:
    recognised: list[dict]            # 序号, 基地名称, 主导产业
    results: list[dict]               # 序号, 基地名称, 评价年度, 评价结果, 星级
    pending: int                      # evaluated bases whose grade is 待核实: not published
    years: list[int]


def build(rows) -> Lists:
    from . import stars_text

    rec = sorted((r for r in rows if r.verdict == RECOGNISED), key=lambda r: name_key(r.base_name))
    ev = [r for r in rows if r.eval_year and r.grade in GRADE_ORDER]
    pending = sum(1 for r in rows if r.eval_year and r.grade not in GRADE_ORDER)
    ev.sort(key=lambda r: (GRADE_ORDER.index(r.grade), -(r.stars if isinstance(r.stars, int) else 0), name_key(r.base_name)))
    return Lists(
        recognised=[{"no": i, "name": r.base_name, "leading": r.leading or ""} for i, r in enumerate(rec, 1)],
        results=[{"no": i, "name": r.base_name, "year": r.eval_year, "grade": r.grade,
                  "stars": stars_text(r.stars if isinstance(r.stars, int) else None) if r.grade != GRADES["fail"] else "—"}
                 for i, r in enumerate(ev, 1)],
        pending=pending, years=sorted({int(r.eval_year) for r in ev}))


RECOGNISED_SHEET, RESULTS_SHEET = "拟认定名单", "评价结果公示"
RECOGNISED_COLUMNS = [("序号", "no", 6), ("基地名称", "name", 44), ("主导产业", "leading", 36)]
RESULTS_COLUMNS = [("序号", "no", 6), ("基地名称", "name", 44), ("评价年度", "year", 10), ("评价结果", "grade", 10),
                   ("星级", "stars", 12)]


def titles(lists: Lists) -> tuple[str, str]:
    years = "、".join(str(y) for y in lists.years)
    return ("北京市小型微型企业创业创新示范基地拟认定名单",
            f"北京市小型微型企业创业创新示范基地{years + ' 年度' if years else ''}绩效评价结果")


def notes(lists: Lists) -> tuple[str, str]:
    from ..rules.chapter4 import PLACEHOLDER_NOTE

    extra = f"；另有 {lists.pending} 个基地评价结果待核实，暂不公示" if lists.pending else ""
    return (f"（{ORDER_NOTE}）",
            f"（按评价结果、星级排列，同档{ORDER_NOTE}{extra}）{PLACEHOLDER_NOTE if lists.results else ''}")


def write_sheets(wb, lists: Lists, print_setup) -> None:
    """The two 公示 sheets of the summary workbook (XlsxWriter); every cell written as what it is (write_string
    for text: a name like ``=HYPERLINK(…)`` stays text)."""
    title_f = wb.add_format({"bold": True, "font_size": 14, "align": "center"})
    note_f = wb.add_format({"font_size": 9, "font_color": "#555555", "text_wrap": True})
    head = wb.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "align": "center"})
    cell = wb.add_format({"border": 1, "text_wrap": True, "valign": "vcenter"})
    num = wb.add_format({"border": 1, "align": "center", "valign": "vcenter"})
    t1, t2 = titles(lists)
    n1, n2 = notes(lists)
    for sheet, title, note, cols, items in ((RECOGNISED_SHEET, t1, n1, RECOGNISED_COLUMNS, lists.recognised),
                                            (RESULTS_SHEET, t2, n2, RESULTS_COLUMNS, lists.results)):
        ws = wb.add_worksheet(sheet)
        last = len(cols) - 1
        ws.merge_range(0, 0, 0, last, title, title_f)
        ws.merge_range(1, 0, 1, last, note, note_f)
        ws.set_row(1, 30)
        for c, (h, _, w) in enumerate(cols):
            ws.set_column(c, c, w)
            ws.write_string(2, c, h, head)
        for r, item in enumerate(items, start=3):
            for c, (_, key, _) in enumerate(cols):
                v = item[key]
                if isinstance(v, int):
                    ws.write_number(r, c, v, num)
                else:
                    ws.write_string(r, c, str(v), cell)
        if not items:
            ws.merge_range(3, 0, 3, last, "（无）", cell)
        print_setup(ws, header_rows=(2, 2), portrait=True)


def write_pdf(lists: Lists, out: str | Path, at: datetime) -> None:
    """The same lists as an A4 PDF (the report's document face, :mod:`.document`: Typst, the report's fonts and
    page style), one list per page, written atomically. Column widths come from the same declarations as the sheets."""
    from .document import document, write_report

    def table(cols: list[tuple[str, str, int]], items: list[dict]) -> dict:
        total = sum(w for _h, _k, w in cols)
        rows = [[str(it[k]) for _h, k, _w in cols] for it in items] or [["（无）"]]      # one cell: spans the table
        return {"k": "table", "cols": [f"{w / total * 100:.1f}%" for _h, _k, w in cols],
                "head": [[{"t": h, "s": ""}] for h, _k, _w in cols],
                "rows": [{"cells": [[{"t": c, "s": ""}] if c else [] for c in row], "cls": ""} for row in rows]}

    t1, t2 = titles(lists)
    n1, n2 = notes(lists)
    blocks: list[dict] = []
    for title, note, cols, items in ((t1, n1, RECOGNISED_COLUMNS, lists.recognised), (t2, n2, RESULTS_COLUMNS, lists.results)):
        if blocks:
            blocks.append({"k": "pagebreak"})
        blocks += [{"k": "h1", "text": title}, {"k": "p", "cell": [{"t": note, "s": ""}], "cls": "note-center"},
                   table(cols, items)]
    write_report(document(t1, blocks, at, right=PUBLICATION_HEADER), Path(out), "公示名单 PDF")


PUBLICATION_HEADER = "公示名单"
