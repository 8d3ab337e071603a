"""The per-base evaluation report a reviewer prints and signs (``jidi-xl report``): PDF through Typst, or HTML.

Everything shown comes from the evaluation the rules engine computed (:func:`jidi_xl.evaluate.evaluate_case`)
and from the rule-set: articles, titles, outcomes, figures and reasons are the :class:`~jidi_xl.results.Result`
fields, labels come from ``codes.yaml`` and parameters from the rule-set file. Nothing here decides a rule. Every
word of the document is put into a list of blocks here (:func:`context`, :func:`document`); two thin templates lay
the same blocks out: ``templates/document.typ`` as the A4 PDF (Typst, through its PyPI package ``typst``) and
``templates/report.html.j2`` as HTML. A workbook is read the way ``check`` reads it (package guard, structure
check, headless recalculation and comparison with the rules engine, then its inputs evaluated by the rules engine);
in a batch the worker hands over the case and evaluation it already has (:func:`report_of_outcome`).

Text from applicants (base and firm names, justifications) stays data: Jinja escapes it in the HTML, and Typst
receives the document as JSON strings (``sys.inputs``), never as markup: ``=HYPERLINK(…)``, ``@SUM(1)``, ``#set``
or ``<script>`` print as the characters they are.

The font (:data:`FONT_FAMILIES`): Noto Sans CJK SC, else WenQuanYi Micro Hei, else what Windows or macOS has;
Typst finds them among the system fonts and embeds the glyphs used, subset.
"""
from __future__ import annotations

import functools
import hashlib
import os
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from .. import readings
from ..results import Outcome, Result, pct

TEMPLATES = Path(__file__).parent / "templates"
REPORT_TITLE = "北京市小型微型企业创业创新示范基地评价报告"
# The time printed as 评价时间: now, unless fixed (tests, reproducible builds) by SOURCE_DATE_EPOCH, the variable
# reproducible-build tools already use.
EPOCH_ENV = "SOURCE_DATE_EPOCH"
_CHART_MAX_BARS = 17          # every industry code of codes.yaml fits; more would be unreadable on A4


def evaluation_time(fixed: datetime | None = None) -> datetime:
    if fixed is not None:
        return fixed
    epoch = os.environ.get(EPOCH_ENV)
    if epoch and epoch.strip().isdigit():
        return datetime.fromtimestamp(int(epoch), tz=timezone.utc)
    return datetime.now(timezone.utc).replace(microsecond=0)


def sha256_of(path: str | Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


@dataclass
class Source:
    """Where the evaluated data came from, for the report's footer block."""

    name: str                 # file name as shown (relative path in a batch)
    sha256: str
    kind: str                 # "案例 JSON" / "标准评价工作簿"
    check: str = ""           # a workbook: the comparison of its recalculated results with the rules engine


# ------------------------------------------------------------------ context (results → what the template shows)

def _row(r: Result, note: str = "") -> dict:
    return {"article": r.article, "title": r.title, "outcome": r.outcome.value, "outcome_zh": r.outcome.zh,
            "figures": r.figures, "reason": r.reason, "note": note, "overridden": r.overridden,
            "computed_zh": r.computed.zh if r.computed else "", "placeholder": r.placeholder}


def _override_rows(results: list[Result], stage: str) -> list[dict]:
    return [{"stage": stage, "article": r.article, "title": r.title, "computed_zh": r.computed.zh if r.computed else "",
             "outcome_zh": r.override.outcome.zh, "justification": r.override.justification,
             "reviewer": r.override.reviewer} for r in results if r.override is not None]


def _chart(rs, case, conc: Result, statuses) -> dict | None:
    """Resident firms by industry (all roster firms, and of them the counted Beijing small/micro ones) as bar
    geometry for ``chart.svg.j2``. Counting uses the rules' own :func:`classify_roster` (``statuses``)."""
    if not case.firms:
        return None
    order = rs.code_list("industries")
    total: dict[str | None, int] = {}
    counted: dict[str | None, int] = {}
    for s in statuses:
        total[s.firm.industry] = total.get(s.firm.industry, 0) + 1
        if s.counts:
            counted[s.firm.industry] = counted.get(s.firm.industry, 0) + 1
    leading = set((conc.value or {}).get("leading") or [])
    keys = sorted(total, key=lambda k: (-total[k], order.index(k) if k in order else len(order)))[:_CHART_MAX_BARS]
    top = max(total.values())
    label_w, bar_w, row_h, pad = 150, 380, 22, 6
    bars = []
    for i, k in enumerate(keys):
        y = pad + i * row_h
        bars.append({"label": rs.label("industries", k) if k else "（未填产业）", "y": y, "ty": y + row_h * 0.68,
                     "w": total[k] / top * bar_w, "wc": counted.get(k, 0) / top * bar_w, "n": total[k],
                     "nc": counted.get(k, 0), "lead": k in leading})
    return {"bars": bars, "label_w": label_w, "bar_w": bar_w, "row_h": row_h - 6,
            "width": label_w + bar_w + 70, "height": pad * 2 + len(keys) * row_h + 24,
            "legend_y": pad + len(keys) * row_h + 14, "more": max(0, len(total) - len(keys))}


def _concentration(rs, case, results: list[Result]) -> dict | None:
    conc = next((r for r in results if r.rule == "art6_5"), None)
    if conc is None:
        return None
    v = conc.value or {}
    tracks = [{"title": p.title, "outcome_zh": p.outcome.zh, "outcome": p.outcome.value, "figures": p.figures,
               "reason": p.reason, "carried": (v.get("track") == p.rule.rsplit("_", 1)[-1])} for p in conc.parts]
    leading = [rs.label("industries", c) for c in v.get("leading") or []]
    from ..rules.firms import classify_roster

    # The roster by industry, as running text (a 1,000-firm roster is one paragraph per industry, not pages of
    # table rows): each firm's name, and after it why it is not counted when it is not (size class, registration, or still pending).
    order = rs.code_list("industries")
    lead_set = set(v.get("leading") or [])
    groups: dict[str | None, list[dict]] = {}
    statuses = classify_roster(rs, case.firms)
    for st in statuses:
        why = ""
        if st.counts is None:
            why = "待核实"
        elif not st.counts:
            why = "非本市注册" if st.firm.beijing_registered is False else (
                rs.label("size_classes", st.size.value) if st.size.value else "规模待核实")
        groups.setdefault(st.firm.industry, []).append({"name": st.firm.name, "why": why})
    firms = [{"industry": rs.label("industries", k) if k else "（未填产业）", "lead": k in lead_set, "firms": g,
              "counted": sum(1 for f in g if not f["why"])}
             for k, g in sorted(groups.items(), key=lambda kv: (kv[0] not in lead_set, order.index(kv[0]) if kv[0] in order else len(order)))]
    return {"result": _row(conc), "leading": leading, "firms": firms, "derived": v.get("leading_derived"),
            "n": v.get("n"), "resident_total": v.get("resident_total"), "pending": v.get("pending"),
            "ratio": pct(v["ratio"]) if v.get("ratio") is not None else "—",
            "ratio_all": pct(v["ratio_all"]) if v.get("ratio_all") is not None else "—",
            "carried": next((t["title"] for t in tracks if t["carried"]), None),
            "tracks": tracks, "chart": _chart(rs, case, conc, statuses)}


def _experts(rs, case, ev) -> dict | None:
    """Each expert's indicator scores and total (the rules' :func:`expert_total`), which totals the trimmed mean
    left out (the highest and lowest, when the rule-set's minimum number of experts is reached), and the mean."""
    from ..rules.chapter4 import expert_total

    rubric = case.get("evaluation.rubric")
    if not rubric:
        return None
    inds = rubric.get("indicators") or []
    experts = rubric.get("experts") or []
    totals = [expert_total(inds, e.get("scores") or []) for e in experts]
    dropped: set[int] = set()
    if all(t is not None for t in totals):
        dropped = readings.trimmed_out(totals, rs.p("chapter4.trim_min_experts"), rs.p("chapter4.trim_each_side"))
    rows = [{"name": e.get("name") or f"专家{i + 1}", "scores": ["" if s is None else f"{s:g}" for s in e.get("scores") or []],
             "total": "" if t is None else f"{float(t):.2f}", "dropped": i in dropped}
            for i, (e, t) in enumerate(zip(experts, totals))]
    heads = [{"name": i.get("name") or i.get("code"), "max": f"{i['max_points']:g}",
              "weight": f"{i.get('weight', i['max_points']):g}"} for i in inds]
    mean = ev.score.value
    return {"indicators": heads, "rows": rows, "mean": f"{float(mean):.2f}" if mean is not None else "—",
            "trimmed": bool(dropped)}


def _facts(rep, case, source: Source, at: datetime) -> dict[str, Any]:
    """What the report says, from the engine's :class:`~jidi_xl.evaluate.Report` and its case, before it is laid
    into blocks (:func:`_blocks`)."""
    from .. import __name__ as pkg
    from ..rules.chapter4 import GRADES
    from . import stars_text

    rs = case.ruleset
    ctx: dict[str, Any] = {
        "title": REPORT_TITLE, "base_name": rep.base_name, "case_id": rep.case_id,
        "ruleset": {"id": rs.key, "title": rs.title, "document": rs.document, "effective_from": rs.effective_from.isoformat(),
                    "checked_on": str(rs.data.get("last_value_still_valid_on", ""))},
        "source": source, "at": at.strftime("%Y-%m-%d %H:%M:%S %Z").strip(), "at_iso": at.isoformat(),
        "overrides": [], "verdicts": [], "recognition": None, "evaluation": None, "filings": [],
    }
    ctx["program"] = _program(pkg)
    used_placeholder = False
    if rep.recognition:
        rec = rep.recognition
        rows = [_row(r) for r in rec.conditions] + [_row(rec.encouraged, "鼓励项，不计入认定结论")]
        ctx["recognition"] = {"reference_date": rec.reference_date.isoformat(), "rows": rows,
                              "verdict": _row(rec.verdict), "verdict_zh": rec.verdict.value,
                              "failing": "、".join(rec.failing_articles),
                              "concentration": _concentration(rs, case, rec.conditions)}
        ctx["verdicts"].append({"label": f"认定评价（申请受理截止日期 {rec.reference_date}）", "text": rec.verdict.value,
                                "outcome": rec.verdict.outcome.value,
                                "detail": rec.verdict.figures + (f"；{'不符合' if rec.verdict.outcome is Outcome.FAIL else '待核实'}条款："
                                                                 + "、".join(rec.failing_articles) if rec.failing_articles else "")})
        ctx["overrides"] += _override_rows(rec.conditions, "认定评价")
    if rep.evaluation:
        ev = rep.evaluation
        graded = ev.grade.outcome is not Outcome.REVIEW
        grade_zh = GRADES.get(ev.grade.value, "待核实") if graded else "待核实"
        rows = [_row(ev.participated)] + [_row(r) for r in ev.basic] + [_row(ev.art15), _row(ev.score), _row(ev.grade)]
        tier = f"第{ev.funding_tier}档" if ev.funding_tier else "无"
        ctx["evaluation"] = {
            "year": ev.year, "snapshot": ev.snapshot.isoformat(), "participated": _row(ev.participated),
            "basic": [_row(r) for r in ev.basic], "basic_outcome_zh": ev.basic_outcome.zh, "basic_outcome": ev.basic_outcome.value,
            "art15": _row(ev.art15), "score": _row(ev.score), "grade": _row(ev.grade), "grade_zh": grade_zh,
            "stars": stars_text(ev.stars), "tier": tier, "consequence": ev.consequence,
            "ban_until": ev.ban_until.isoformat() if ev.ban_until else "", "rows": rows,
            "experts": _experts(rs, case, ev),
            "concentration": None if rep.recognition else _concentration(rs, case, ev.basic),
        }
        used_placeholder = ev.placeholder
        ctx["verdicts"].append({"label": f"{ev.year} 年度绩效评价", "text": f"{grade_zh}，星级 {stars_text(ev.stars)}，资金档次 {tier}",
                                "outcome": ev.grade.outcome.value if graded else "REVIEW", "detail": ev.consequence})
        ctx["overrides"] += _override_rows([ev.art15] + list(ev.basic), f"{ev.year} 年度绩效评价")
    for r in rep.filings:
        ctx["filings"].append({**_row(r), "due": r.value.isoformat() if r.value else "—"})
    if rep.filings:
        bad = [f for f in rep.filings if f.outcome is not Outcome.PASS]
        ctx["verdicts"].append({"label": "重大变更备案（第十七条）",
                                "text": f"{len(rep.filings)} 项，" + ("均按期备案" if not bad else
                                                                    "、".join(f"{f.title}{f.outcome.zh}" for f in bad)),
                                "outcome": max((f.outcome for f in rep.filings),
                                               key=[Outcome.PASS, Outcome.REVIEW, Outcome.FAIL].index).value,
                                "detail": ""})
    used_placeholder = used_placeholder or any(r.get("placeholder") for sec in ("recognition",)
                                               if ctx[sec] for r in ctx[sec]["rows"])
    ctx["placeholders"] = [{"path": p.path, "value": _show(p.value), "unit": p.unit, "source": p.source}
                           for p in rs.parameters() if p.placeholder]
    ctx["placeholder_used"] = used_placeholder
    return ctx


def _show(v: Any) -> str:
    if isinstance(v, dict):
        return "；".join(f"{k}→{'未定' if x is None else x}" for k, x in v.items())
    if isinstance(v, list):
        return "、".join("→".join(map(str, x)) if isinstance(x, (list, tuple)) else _show(x) for x in v)
    return str(v)


@functools.lru_cache(maxsize=None)
def _program(pkg: str) -> str:
    try:
        from importlib.metadata import version
        return f"jidi-xl {version(pkg)}"
    except Exception:  # noqa: BLE001 — not installed: no version to show
        return "jidi-xl"


# ------------------------------------------------------------------ the document: blocks both faces lay out
#
# Every word, label and figure of a document is put here, in Python, into a list of blocks; the two templates only
# lay them out: ``report.html.j2`` as HTML (``-o REPORT.html``), ``document.typ`` as the PDF (Typst). A block is a
# dict with a kind ``k``:
#
#   h1 / h2 / h3   {"text"}                                  headings (the PDF's bookmarks)
#   p              {"cell", "cls": "" | note | note-center | firms}
#   meta           {"cols", "rows": [[label, cell], …]}       label/value table
#   table          {"cols", "head": [cell, …], "rows": [{"cells": [cell, …], "cls": "" | ovr | dropped}]}
#   verdicts       {"head", "lines": [{"cell", "detail"}], "extra"}
#   chart          {"svg", "width", "caption"}               the chart, one SVG drawn by chart.svg.j2 for both faces
#   sign           {"rows": [[label, label], …]}              signature and date lines
#   pagebreak      {}
#
# A cell is a list of runs {"t": text, "s": style}; the styles, named once here and given a look by each face:
# "" plain, o-PASS / o-FAIL / o-REVIEW (an outcome's colour, bold), small, b (bold), mono, br (a line break).
# Column widths ``cols``: "25mm", "28%", or "" (an equal share of what is left). Applicants' text stays data to
# the end: Jinja escapes it, Typst receives it as JSON strings, never as markup.

STYLES = ("", "o-PASS", "o-FAIL", "o-REVIEW", "small", "b", "mono", "br")
BR = {"t": "", "s": "br"}
PAGE_OF = ("第 ", " 页，共 ", " 页")            # 第 N 页，共 M 页 in the footer of every page
CN = "一二三四五六七八九十"


def _r(text: Any, style: str = "") -> dict:
    return {"t": "" if text is None else str(text), "s": style}


def _cell(*parts: Any) -> list[dict]:
    """A cell from parts: a string is a plain run, a dict a run, a list its runs; empty parts are left out."""
    out: list[dict] = []
    for p in parts:
        if isinstance(p, list):
            out += p
        elif isinstance(p, dict):
            out.append(p)
        elif p is not None and p != "":
            out.append(_r(p))
    return out


def _small(text: str) -> dict:
    return _r(text, "small")


def _res(outcome: str, text: str) -> dict:
    return _r(text, f"o-{outcome}")


def _h(level: int, text: str) -> dict:
    return {"k": f"h{level}", "text": text}


def _p(*parts: Any, cls: str = "") -> dict:
    return {"k": "p", "cell": _cell(*parts), "cls": cls}


META_COLS = ["28%", ""]


def _meta(rows: list) -> dict:
    return {"k": "meta", "cols": META_COLS, "rows": [[label, _cell(v)] for label, v in rows if v is not None]}


def _table(cols: list[str], head: list, rows: list, classes: list[str] | None = None) -> dict:
    return {"k": "table", "cols": cols, "head": [_cell(h) for h in head],
            "rows": [{"cells": [_cell(c) for c in row], "cls": (classes[i] if classes else "")}
                     for i, row in enumerate(rows)]}


def _rowtable(rows: list[dict]) -> dict:
    """Conditions, one per row: article, title, result (an override: reviewer's result, 复核改判 and the computed
    one), the figures compared and the reason."""
    return _table(
        ["25mm", "28mm", "19mm", "56mm", ""], ["依据", "条件", "结果", "比较的数据", "理由"],
        [[r["article"],
          _cell(r["title"], [BR, _small(f"（{r['note']}）")] if r["note"] else None),
          _cell(_res(r["outcome"], r["outcome_zh"]),
                [BR, _small("复核改判"), BR, _small("原计算："), BR, _small(r["computed_zh"])] if r["overridden"] else None),
          _cell(r["figures"], [BR, _small("（含暂定参数）")] if r["placeholder"] else None),
          r["reason"]] for r in rows],
        ["ovr" if r["overridden"] else "" for r in rows])


CHART_LEGEND = (("计入的本市小微企业", "#2f75b5", 0), ("其他入驻企业", "#bdd7ee", 130), ("主导产业", "#c55a11", 230))


def _concentration_blocks(c: dict) -> list[dict]:
    out = [_h(3, "入驻企业与主导产业集聚度（第六条第（五）项）"),
           _meta([("主导产业", f"{'、'.join(c['leading']) or '无'}（{'按入驻企业行业分布推定' if c['derived'] else '申报'}）"),
                  ("入驻企业总数", f"{c['resident_total']} 家；其中本市小型、微型企业 {c['n']} 家"
                   + (f"，另有 {c['pending']} 家规模/注册地待核实（未计入）" if c["pending"] else "")),
                  ("集聚度（本市小微企业中）", f"{c['ratio']}（按全部入驻企业计 {c['ratio_all']}，参考）"),
                  ("满足的通道", (c["carried"] or "无（两个通道均未满足或待核实）")
                   + (f"；本项经复核改判为{c['result']['outcome_zh']}（原计算：{c['result']['computed_zh']}，见“复核改判”）"
                      if c["result"]["overridden"] else ""))]),
           _table(["40mm", "19mm", "62mm", ""], ["通道", "结果", "比较的数据", "理由"],
                  [[_cell(t["title"], [BR, _small("（据此通过）")] if t["carried"] else None),
                    _res(t["outcome"], t["outcome_zh"]), t["figures"], t["reason"]] for t in c["tracks"]])]
    ch = c["chart"]
    if ch:
        caption = ("图：入驻企业按产业分布（条长为入驻企业数，深色部分及括号内为计入的本市小型、微型企业数；橙色为主导产业）。"
                   + (f"另有 {ch['more']} 个产业未画出。" if ch["more"] else ""))
        out.append({"k": "chart", "chart": ch, "width": ch["width"], "caption": caption, "svg": ""})
    return out


def _blocks(f: dict) -> list[dict]:
    """The report, block by block (what the old template said, now said once for both faces)."""
    rec, ev = f["recognition"], f["evaluation"]
    rs = f["ruleset"]
    b: list[dict] = [_h(1, f["title"]), _meta([
        ("示范基地", f["base_name"]), ("案例编号", f["case_id"]),
        ("认定评价参照日（申请受理截止日期）", rec["reference_date"] if rec else None),
        ("绩效评价年度", f"{ev['year']} 年（基础条件复核日 {ev['snapshot']}）" if ev else None),
        ("依据", f"《{rs['title']}》（{rs['document']}），规则集 {rs['id']}，施行日期 {rs['effective_from']}"),
        ("年度通知参数", f"合格线、较好线、星级分档、资金档次等 {len(f['placeholders'])} 项为暂定参数，待年度通知确认（见“暂定参数”）"
         if f["placeholders"] else "均已确认")])]
    b.append({"k": "verdicts", "head": "评价结论",
              "lines": [{"cell": _cell(f"{v['label']}：", _res(v["outcome"], v["text"])), "detail": v["detail"]}
                        for v in f["verdicts"]],
              "extra": f"其中 {len(f['overrides'])} 项经复核改判（见“复核改判”）。" if f["overrides"] else ""})
    k = 0
    if rec:
        b += [_h(2, f"{CN[k]}、认定条件逐项评价（第六条、第七条、第十五条）"),
              _p(f"参照日 {rec['reference_date']}。结论规则：任一条件不符合即不符合；否则任一待核实即待核实；全部符合方为符合。",
                 cls="note"),
              _rowtable(rec["rows"]),
              _p("认定结论：", _res(rec["verdict"]["outcome"], rec["verdict_zh"]),
                 f"（{rec['verdict']['figures']}）。{rec['verdict']['reason']}")]
        if rec["concentration"]:
            b += _concentration_blocks(rec["concentration"])
        k += 1
    if ev:
        part, a15 = ev["participated"], ev["art15"]
        b += [_h(2, f"{CN[k]}、{ev['year']} 年度绩效评价与星级评定（第十三条、第十四条、第十五条）"), _meta([
            ("参加绩效评价", _cell(_res(part["outcome"], part["outcome_zh"]), f"：{part['figures']}；{part['reason']}")),
            (f"基础门槛条件复核（{ev['snapshot']}）", _cell(_res(ev["basic_outcome"], ev["basic_outcome_zh"]), "（第六条十项逐项见下表）")),
            ("第十五条撤销情形", _cell(_res(a15["outcome"], a15["outcome_zh"]), f"：{a15['figures']}；{a15['reason']}")),
            ("评价得分", ev["score"]["figures"]),
            ("评价结果", _cell(_res(ev["grade"]["outcome"], ev["grade_zh"]), f"（{ev['grade']['figures']}）")),
            ("星级", ev["stars"]), ("资金档次", ev["tier"]),
            ("处理（第十四条、第十五条）", ev["consequence"] + (f"；再次申请限制至 {ev['ban_until']}（不含当日）" if ev["ban_until"] else ""))])]
        ex = ev["experts"]
        if ex:
            b += [_h(3, "专家评分"),
                  _table(["24mm"] + [""] * len(ex["indicators"]) + ["16mm"],
                         ["专家"] + [_cell(i["name"], BR, _small(f"满分 {i['max']}，折合 {i['weight']} 分")) for i in ex["indicators"]]
                         + ["总分"],
                         [[r["name"] + ("（去掉）" if r["dropped"] else ""), *r["scores"], r["total"]] for r in ex["rows"]],
                         ["dropped" if r["dropped"] else "" for r in ex["rows"]]),
                  _p("去掉一个最高分、一个最低分后的平均分（截尾平均）：" if ex["trimmed"] else "平均分：", _r(ex["mean"], "b"))]
        b += [_h(3, "逐项结果"), _rowtable(ev["rows"])]
        if ev["concentration"]:
            b += _concentration_blocks(ev["concentration"])
        k += 1
    if f["filings"]:
        b += [_h(2, f"{CN[k]}、重大变更备案（第十七条）"),
              _table(["30mm", "19mm", "22mm", "55mm", ""], ["事项", "结果", "备案期限", "比较的数据", "理由"],
                     [[x["title"], _res(x["outcome"], x["outcome_zh"]), x["due"], x["figures"], x["reason"]] for x in f["filings"]])]
        k += 1
    b.append(_h(2, f"{CN[k]}、复核改判"))
    k += 1
    if f["overrides"]:
        b.append(_table(["22mm", "34mm", "17mm", "17mm", "", "20mm"], ["评价", "条件", "计算结果", "复核结果", "改判理由", "复核人"],
                        [[o["stage"], f"{o['article']} {o['title']}", o["computed_zh"], _r(o["outcome_zh"], "b"), o["justification"],
                          o["reviewer"]] for o in f["overrides"]], ["ovr"] * len(f["overrides"])))
    else:
        b.append(_p("无改判：以上结果均为按输入数据计算的结果。"))
    b.append(_h(2, f"{CN[k]}、暂定参数"))
    k += 1
    if f["placeholders"]:
        b += [_p("下列参数不由《办法》规定，在年度通知发布前为暂定值；"
                 + ("本报告的绩效评价结果用到了它们，须待年度通知确认。" if f["placeholder_used"] else "本报告的结论未用到它们。"), cls="note"),
              _table(["50mm", "46mm", ""], ["参数", "暂定值", "来源与说明"],
                     [[_r(p["path"], "mono"), p["value"] + (f" {p['unit']}" if p["unit"] else ""), p["source"]] for p in f["placeholders"]])]
    else:
        b.append(_p("无暂定参数。"))
    conc = (rec["concentration"] if rec else None) or (ev["concentration"] if ev else None)
    if conc and conc["firms"]:
        b += [_h(2, f"{CN[k]}、入驻企业名单（第六条第（五）项的计数依据）"),
              _p("按产业列出名册中的全部企业；企业规模按《中小企业划型标准规定》（工信部联企业〔2011〕300号）判定；"
                 "名称后括号内为不计入本市小型、微型企业数的原因。", cls="note")]
        # The roster as running text, one paragraph per industry (a 1,000-row table would be pages of layout).
        b += [_p(_r(f"{g['industry']}{'（主导产业）' if g['lead'] else ''}", "b"),
                 f"：{len(g['firms'])} 家，计入 {g['counted']} 家。"
                 + "；".join(x["name"] + (f"（{x['why']}）" if x["why"] else "") for x in g["firms"]), cls="firms")
              for g in conc["firms"]]
        k += 1
    src = f["source"]
    b += [_h(2, f"{CN[k]}、数据来源"), _meta([
        ("输入文件", f"{src.name}（{src.kind}）"), ("SHA-256", _r(src.sha256, "mono")),
        ("工作簿结果与规则引擎核对", src.check or None), ("评价时间", f["at"]),
        ("评价程序", f"{f['program']}，规则集 {rs['id']}（参数最后确认日期 {rs['checked_on']}）")]),
        {"k": "sign", "rows": [["评审人（签字）：", "日期："], ["复核人（签字）：", "日期："]]}]
    return b


def context(rep, case, source: Source, at: datetime) -> dict[str, Any]:
    """The report of one base as a document (:func:`document`): page headers and the blocks both faces lay out."""
    f = _facts(rep, case, source, at)
    return document(f"{f['title']}：{f['base_name']}", _blocks(f), at, left=f["base_name"], right=f["title"],
                    sha=f"{source.name} · SHA-256 {source.sha256[:16]}…", program=f["program"])


def document(title: str, blocks: list[dict], at: datetime, *, left: str = "", right: str = "", sha: str = "",
             program: str = "") -> dict[str, Any]:
    """A document both faces lay out: its title (the PDF's and the HTML's), the running header (``left``,
    ``right``) and footer (``sha`` at the right of 第 N 页，共 M 页), and its blocks."""
    return {"title": title, "page": {"left": left, "right": right, "sha": sha, "of": list(PAGE_OF)},
            "blocks": blocks, "at_iso": at.isoformat(), "epoch": int(at.timestamp()), "program": program}


# ------------------------------------------------------------------ fonts
#
# The CJK families a document asks for, in order of preference, declared once: the HTML's CSS lists them all (a
# browser takes the first it has); the PDF takes those of them Typst finds on this machine, embedded as subsets.
# Noto Sans CJK SC first: a real bold (Typst draws no synthetic bold; WenQuanYi Micro Hei has no bold face) and the
# font Debian's fonts-noto-cjk and most Linux desktops carry; then WenQuanYi Micro Hei (fonts-wqy-microhei); then
# what Windows and macOS have (Microsoft YaHei, PingFang SC), and Source Han Sans SC (Noto's Adobe twin).
FONT_FAMILIES = ("Noto Sans CJK SC", "WenQuanYi Micro Hei", "Microsoft YaHei", "PingFang SC", "Source Han Sans SC")
NO_FONT = ("未找到可用的中文字体（需要以下任一字体：{}），无法生成 PDF 报告；请安装 Noto Sans CJK（Debian/Ubuntu："
           "apt-get install fonts-noto-cjk），或改用 -o 报告.html")

_TYPST: dict[str, Any] = {}


def font_families(fonts) -> list[str]:
    """The declared families that ``fonts`` (a ``typst.Fonts``) holds, in order; none: :class:`OutputError` saying
    which font to install (a PDF is never set in a font without Chinese glyphs)."""
    from .outputs import OutputError

    have = set(fonts.families())
    families = [f for f in FONT_FAMILIES if f in have]
    if not families:
        raise OutputError(NO_FONT.format("、".join(FONT_FAMILIES)))
    return families


def _typst():
    """(compiler, font families) of this process, made once: Typst scans the system fonts when the compiler is made
    and keeps them (with what it has laid out) across compiles — a batch worker pays for the scan once."""
    if not _TYPST:
        import typst

        fonts = typst.Fonts(include_system_fonts=True, include_embedded_fonts=False)
        families = font_families(fonts)
        _TYPST["compiler"] = typst.Compiler(input=TEMPLATES / "document.typ", root=str(TEMPLATES), font_paths=fonts)
        _TYPST["families"] = families
    return _TYPST["compiler"], _TYPST["families"]


# ------------------------------------------------------------------ rendering

_ENV = None


def _env():
    global _ENV
    if _ENV is None:
        import jinja2

        _ENV = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                                  undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    return _ENV


def _chart_svg(chart: dict, font: str) -> str:
    return _env().get_template("chart.svg.j2").render(ch=chart, font=font, legend=CHART_LEGEND)


def render_html(doc: dict) -> str:
    """The document as one HTML file (CSS inline, chart inline SVG)."""
    css = (TEMPLATES / "report.css").read_text(encoding="utf-8")
    fonts = ", ".join(f'"{f}"' for f in FONT_FAMILIES)
    blocks = [{**b, "svg": _chart_svg(b["chart"], FONT_FAMILIES[0])} if b["k"] == "chart" else b for b in doc["blocks"]]
    return _env().get_template("report.html.j2").render(css=css, fonts=fonts, styles=STYLES, **{**doc, "blocks": blocks})


def pdf_bytes(doc: dict) -> bytes:
    """The document as an A4 PDF (Typst; fonts embedded as subsets). Typst reads the document as JSON from
    ``sys.inputs``: every text in it stays a string, whatever characters it holds."""
    import json

    compiler, families = _typst()
    blocks = [{**b, "svg": _chart_svg(b["chart"], families[0]), "chart": None} if b["k"] == "chart" else b
              for b in doc["blocks"]]
    data = json.dumps({**doc, "blocks": blocks, "fonts": families}, ensure_ascii=False)
    pdf = compiler.compile(format="pdf", sys_inputs={"doc": data}, timestamp=doc["epoch"])
    assert isinstance(pdf, bytes)
    return pdf


def write_report(doc: dict, out: str | Path, what: str = "评价报告") -> Path:
    """The document as ``.pdf`` or ``.html`` (by the suffix of ``out``), written atomically (:mod:`.outputs`)."""
    from .outputs import atomic_target

    out = Path(out)
    data = render_html(doc).encode("utf-8") if out.suffix.lower() == ".html" else pdf_bytes(doc)
    with atomic_target(out, what) as tmp:
        tmp.write_bytes(data)
    return out


# ------------------------------------------------------------------ from a file

REPORT_SUFFIXES = (".pdf", ".html")


class NotEvaluated(Exception):
    """The input could not be evaluated: ``problems`` say why, naming fields or cells."""

    def __init__(self, problems: list[str]):
        super().__init__("；".join(problems))
        self.problems = problems


def evaluate_file(path: str | Path, engine=None):
    """(engine Report, Case, Source) of a case JSON or a standard workbook. A workbook goes the way ``check``
    goes: :func:`.check.process_workbook` (guard, structure, recalculation, comparison), then its inputs are
    read and evaluated by the rules engine. Raises :class:`NotEvaluated`."""
    from ..case import load_case
    from ..errors import InputError, RuleSetError
    from ..evaluate import evaluate_case

    path = Path(path)
    digest = sha256_of(path)
    if path.suffix.lower() == ".json":
        try:
            case = load_case(path)
            return evaluate_case(case), case, Source(path.name, digest, "案例 JSON")
        except InputError as exc:
            raise NotEvaluated([str(p) for p in exc.problems]) from None
        except RuleSetError as exc:
            raise NotEvaluated([str(exc)]) from None
    from .check import process_workbook

    res = process_workbook(path, None, engine)
    if not res.evaluated:
        raise NotEvaluated(res.problems)
    if res.blank:
        raise NotEvaluated([f"{path.name}：空白模板，没有输入，没有可报告的评价；请先填写工作簿"])
    return report_of_workbook(path, res, digest)


def check_text(res) -> str:
    if res.differences:
        return f"与规则引擎不一致 {len(res.differences)} 处：" + "；".join(str(d) for d in res.differences[:5])
    return f"一致（比较 {res.compared} 项结果单元格）"


def report_of_workbook(path: str | Path, res, digest: str | None = None, name: str | None = None):
    """(Report, Case, Source) of a workbook ``check`` has processed (``res``): the case and evaluation
    :func:`.check.process_workbook` compared the workbook with (``res.parsed``, in the process that made it), else its
    inputs read again and evaluated by the rules engine."""
    from ..errors import InputError, RuleSetError
    from ..evaluate import evaluate_case
    from workbooks.reader import read_parsed_case

    path = Path(path)
    if getattr(res, "parsed", None) is not None:      # process_workbook read and evaluated the inputs already
        case, rep = res.parsed
        return rep, case, Source(name or path.name, digest or sha256_of(path), "标准评价工作簿", check_text(res))
    try:
        _raw, case = read_parsed_case(path)
        rep = evaluate_case(case)
    except InputError as exc:
        raise NotEvaluated([str(p) for p in exc.problems]) from None
    except RuleSetError as exc:
        raise NotEvaluated([str(exc)]) from None
    return rep, case, Source(name or path.name, digest or sha256_of(path), "标准评价工作簿", check_text(res))
