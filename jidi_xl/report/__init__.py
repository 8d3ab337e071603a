"""Reports: the readable Chinese verdict table and its JSON twin (shape in docs/report-format.md)."""
from __future__ import annotations

import unicodedata

from ..evaluate import Report
from ..results import Outcome, Result
from ..rules.chapter4 import GRADES

MARK = {Outcome.PASS: "✔", Outcome.FAIL: "✘", Outcome.REVIEW: "？"}
REPORT_FORMAT = "jidi-xl/report@1"
# wall clock per file in a batch, then the file is 无法评价 (超时); `batch --timeout` overrides. Declared here, not
# in .batch, so the command line can show it without importing the batch machinery at start-up.
FILE_TIME_LIMIT_S = 60


def _w(s: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)


def _pad(s: str, width: int) -> str:
    return s + " " * max(0, width - _w(s))


def _row(r: Result) -> list[str]:
    head = f"  {_pad(r.article, 20)}{_pad(r.title, 22)}{MARK[r.outcome]} {r.outcome.zh}"
    if r.overridden and r.computed is not None:      # (an overridden result keeps its computed outcome)
        head += f"（复核改判，原计算结果：{r.computed.zh}）"
    return [head, f"      数据：{r.figures}", f"      理由：{r.reason}"]


def stars_text(n: int | None) -> str:
    return "★" * n if n else "无"


def render_text(rep: Report) -> str:
    lines = [f"示范基地：{rep.base_name}    案例：{rep.case_id}    规则集：{rep.ruleset}", ""]
    if rep.recognition:
        rec = rep.recognition
        lines.append(f"【认定评价】申请受理截止日期 {rec.reference_date}")
        lines.append(f"  {_pad('依据', 20)}{_pad('条件', 22)}结果")
        for r in rec.conditions:
            lines += _row(r)
        lines += _row(rec.encouraged)
        v = rec.verdict
        lines.append(f"  ▶ 认定结论：{v.value}（{v.figures}）")
        if rec.failing_articles:
            lines.append(f"    {'不符合' if v.outcome is Outcome.FAIL else '待核实'}条款：{'、'.join(rec.failing_articles)}")
        lines.append("")
    if rep.evaluation:
        ev = rep.evaluation
        lines.append(f"【绩效评价与星级评定】{ev.year} 年度（基础条件复核日 {ev.snapshot}）")
        lines += _row(ev.participated)
        for r in ev.basic:
            lines += _row(r)
        lines += _row(ev.art15)
        lines += _row(ev.score)
        lines += _row(ev.grade)
        g = GRADES.get(ev.grade.value, "待核实") if ev.grade.outcome is not Outcome.REVIEW else "待核实"
        tier = f"第{ev.funding_tier}档" if ev.funding_tier else "无"
        lines.append(f"  ▶ 评价结果：{g}    星级：{stars_text(ev.stars)}    资金档次：{tier}")
        lines.append(f"    处理：{ev.consequence}")
        if ev.ban_until:
            lines.append(f"    再次申请限制至：{ev.ban_until}（不含当日）")
        lines.append("")
    if rep.filings:
        lines.append("【重大变更备案】")
        for r in rep.filings:
            lines += _row(r)
        lines.append("")
    return "\n".join(lines)


def to_dict(rep: Report) -> dict:
    out: dict = {"format": REPORT_FORMAT, "case_id": rep.case_id, "base_name": rep.base_name, "ruleset": rep.ruleset}
    if rep.recognition:
        rec = rep.recognition
        out["recognition"] = {
            "reference_date": rec.reference_date.isoformat(),
            "verdict": rec.verdict.outcome.value,
            "verdict_zh": rec.verdict.value,
            "failing_articles": rec.failing_articles,
            "conditions": [r.to_dict() for r in rec.conditions],
            "encouraged": rec.encouraged.to_dict(),
        }
    if rep.evaluation:
        ev = rep.evaluation
        out["evaluation"] = {
            "year": ev.year,
            "snapshot_date": ev.snapshot.isoformat(),
            "participated": ev.participated.to_dict(),
            "basic_conditions": [r.to_dict() for r in ev.basic],
            "basic_outcome": ev.basic_outcome.value,
            "art15": ev.art15.to_dict(),
            "score": ev.score.to_dict(),
            "grade": ev.grade.value if ev.grade.outcome is not Outcome.REVIEW else None,
            "grade_zh": GRADES.get(ev.grade.value) if ev.grade.outcome is not Outcome.REVIEW else "待核实",
            "grade_result": ev.grade.to_dict(),
            "stars": ev.stars,
            "funding_tier": ev.funding_tier,
            "consequence": ev.consequence,
            "placeholder_parameters": ev.placeholder,
            "ban_until": ev.ban_until.isoformat() if ev.ban_until else None,
        }
    if rep.filings:
        out["filings"] = [r.to_dict() for r in rep.filings]
    return out
