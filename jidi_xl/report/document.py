"""The per-base evaluation report a reviewer prints and signs (``jidi-xl report``): HTML, and PDF through WeasyPrint.

Everything shown comes from the evaluation the rules engine computed (:func:`jidi_xl.evaluate.evaluate_case`)
and from the rule-set: articles, titles, outcomes, figures and reasons are the :class:`~jidi_xl.results.Result`
fields, labels come from ``codes.yaml`` and parameters from the rule-set file. Nothing here decides a rule; the
template only lays results out. A workbook is read the way ``check`` reads it (package guard, structure check,
headless recalculation and comparison with the rules engine, then its inputs evaluated by the rules engine).

Text from applicants (base and firm names, justifications) reaches the page only through Jinja's autoescape:
``=HYPERLINK(…)``, ``@SUM(1)`` or ``<script>`` print as the characters they are.

The font: the CSS names ``WenQuanYi Micro Hei`` (Debian's ``fonts-wqy-microhei``, found through fontconfig by
WeasyPrint/Pango), then other CJK families a machine may have; WeasyPrint embeds the glyphs used, subset.
"""
from __future__ import annotations

import contextlib
import gc
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


def _chart(rs, case, conc: Result) -> dict | None:
    """Resident firms by industry (all roster firms, and of them the counted Beijing small/micro ones) as bar
    geometry for the template's inline SVG. Counting uses the rules' own :func:`classify_roster`."""
    from ..rules.firms import classify_roster

    if not case.firms:
        return None
    statuses = classify_roster(rs, case.firms)
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

    # The roster by industry, as running text (a 1,000-row table would take WeasyPrint seconds to lay out): each
    # firm's name, and after it why it is not counted when it is not (size class, registration, or still pending).
    order = rs.code_list("industries")
    lead_set = set(v.get("leading") or [])
    groups: dict[str | None, list[dict]] = {}
    for st in classify_roster(rs, case.firms):
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
            "tracks": tracks, "chart": _chart(rs, case, conc)}


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


def context(rep, case, source: Source, at: datetime) -> dict[str, Any]:
    """Everything the template shows, from the engine's :class:`~jidi_xl.evaluate.Report` and its case."""
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
    try:
        from importlib.metadata import version
        ctx["program"] = f"jidi-xl {version(pkg)}"
    except Exception:  # noqa: BLE001 — not installed: no version to show
        ctx["program"] = "jidi-xl"
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


# ------------------------------------------------------------------ rendering

_ENV = None


def _env():
    global _ENV
    if _ENV is None:
        import jinja2

        _ENV = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True,
                                  undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    return _ENV


def render_html(ctx: dict) -> str:
    css = (TEMPLATES / "report.css").read_text(encoding="utf-8")
    return _env().get_template("report.html.j2").render(css=css, **ctx)


@contextlib.contextmanager
def _no_cyclic_gc():
    """Python's cyclic garbage collector off while WeasyPrint renders one document, back on (as it was) after.

    A render allocates a few hundred thousand objects (boxes, styles, Pango wrappers); that triggers about 90
    collections per report, among them a full one every other report, which walks every object of the process — in
    a batch worker that is also the compiled template it inherited, ≈250,000 objects, ≈0.3 s a walk. Measured
    (benchmarks/README.md): 0.15–0.2 s of collector time per report with it on, 0.03–0.04 s with it off during the
    render (the one collection that follows it sweeps the render's garbage), for ≈55 MB more peak memory — far
    inside the worker's limit. Nothing here is long-lived, so postponing collection loses nothing."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def write_pdf(html: str, target) -> None:
    """HTML → PDF (A4, fonts embedded and subset) with WeasyPrint; ``target`` a path or a binary file."""
    import logging

    from weasyprint import HTML

    logging.getLogger("weasyprint").setLevel(logging.ERROR)      # CSS it ignores is not the reviewer's business
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    with _no_cyclic_gc():
        HTML(string=html, base_url=str(TEMPLATES)).write_pdf(target)


def write_report(ctx: dict, out: str | Path) -> Path:
    """The report as ``.pdf`` or ``.html`` (by the suffix of ``out``), written atomically (:mod:`.outputs`)."""
    from .outputs import atomic_target

    out = Path(out)
    html = render_html(ctx)
    with atomic_target(out, "评价报告") as tmp:
        if out.suffix.lower() == ".html":
            tmp.write_text(html, encoding="utf-8")
        else:
            write_pdf(html, str(tmp))
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
    """(Report, Case, Source) of a workbook ``check`` has processed (``res``): its inputs read and evaluated by
    the rules engine, exactly as :func:`.check.process_workbook` did to compare."""
    from ..errors import InputError, RuleSetError
    from ..evaluate import evaluate_case
    from workbooks.reader import read_parsed_case

    path = Path(path)
    try:
        _raw, case = read_parsed_case(path)
        rep = evaluate_case(case)
    except InputError as exc:
        raise NotEvaluated([str(p) for p in exc.problems]) from None
    except RuleSetError as exc:
        raise NotEvaluated([str(exc)]) from None
    return rep, case, Source(name or path.name, digest or sha256_of(path), "标准评价工作簿", check_text(res))
