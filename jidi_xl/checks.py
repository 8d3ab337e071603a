"""The one validation layer: every check across fields written once.

Each function takes plain values (already converted: from JSON by ``jidi_xl.case``, from cells by
``workbooks.reader`` or by the ``JIDI_`` UDFs through ``udfs.adapters``) and returns the Chinese message
of the problem, or None. The caller names the field the way its face does — a case path
(``parse_case``), ``工作表!单元格`` (the workbook reader maps the path back to its cell), the argument's
label (a UDF's ``输入错误：…``) — and so the check and its wording live here only. Which fields a check
compares is declared in the field catalogue (:data:`jidi_xl.fields.CHECKS`).
"""
from __future__ import annotations

from datetime import date
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from . import fields as F
from .ruleset import known_notices, notice_for_evaluation, ruleset_key

if TYPE_CHECKING:
    from .ruleset import RuleSet


#: A case must ask for something: a recognition, an annual evaluation, or both (JSON and workbook alike).
NO_BLOCK = "至少需要 recognition（认定）或 evaluation（绩效评价）之一，请补充评价类型"


def _n(x: Any) -> str:
    return str(x)      # as the value was given (600, 600.5): the reviewer finds it as typed


def not_more(check: str, small: Any, big: Any) -> str | None:
    """A value that must not exceed another (公共服务空间 ≤ 建筑总面积, 满意数 ≤ 有效问卷数): the catalogue's
    :class:`~jidi_xl.fields.Check` ``check`` says which and how to say it."""
    if small is None or big is None or not small > big:
        return None
    return F.CHECK[check].message.format(small=_n(small), big=_n(big))


def check_paths(check: str) -> tuple[str, str]:
    """(the field a problem is reported on, the field it is compared with) of a catalogue check."""
    c = F.CHECK[check]
    return c.small, c.big


def zero_responses(satisfied: Any, responses: Any) -> str | None:
    if responses == 0 and satisfied is not None:
        return "有效问卷数为 0，无法计算满意度；请填写有效问卷数或直接填写满意度"
    return None


def rate_disagrees(rate: Any, satisfied: Any, responses: Any) -> str | None:
    """A satisfaction rate given with its counts must agree with them (to 1/1000)."""
    if rate is None or satisfied is None or not responses:
        return None
    if abs(Fraction(str(rate)) - Fraction(satisfied, responses)) > Fraction(1, 1000):
        return f"满意度 {rate} 与 {satisfied}/{responses} 不一致；请只填写一种或核对"
    return None


def over_percent(rate: Any) -> str | None:
    """A rate typed as a number above 100% (92 for 92%)."""
    maximum = F.find("satisfaction.rate").maximum
    if rate is not None and rate > maximum:
        return f"{_n(rate)} 超过 100%；请以百分比格式填写（如 92%）"
    return None


def score_over_max(score: Any, max_score: Any) -> str | None:
    if score is not None and score > max_score:
        return f"评价得分 {_n(score)} 超过满分 {_n(max_score)}；请核对"
    return None


def score_over_indicator(score: Any, max_points: Any) -> str | None:
    if score is not None and max_points is not None and score > max_points:
        return f"得分 {_n(score)} 超过该指标满分 {_n(max_points)}"
    return None


def filed_before_change(changed_on: date | None, filed_on: date | None) -> str | None:
    if changed_on and filed_on and filed_on < changed_on:
        return f"备案日期 {filed_on} 早于变更日期 {changed_on}；请核对"
    return None


class DuplicateCodes:
    """统一社会信用代码 seen so far in one roster: :meth:`see` says when a code comes again."""

    def __init__(self) -> None:
        self.seen: dict[str, str] = {}

    def see(self, code: str | None, where: str) -> str | None:
        if not code:
            return None
        if code in self.seen:
            return f"统一社会信用代码 {code} 与 {self.seen[code]} 重复；同一企业只能登记一次"
        self.seen[code] = where
        return None


def justification(text: Any) -> str | None:
    """An override's written reason: at least the catalogue's minimum length, spaces not counted."""
    need = F.OVERRIDES.column("justification").min_length or 0
    if text is None or len(str(text).strip()) < need:
        return f"改判必须附书面理由（至少 {need} 个字，不能只填空格）；请补充改判理由"
    return None


def partly_blank(blank_labels: list[str]) -> str | None:
    """A 是/否 group with some cells chosen and others left blank (all blank is "not entered")."""
    if blank_labels:
        return f"部分项目未选择（{'、'.join(blank_labels)}）；请为每一项选择“是”或“否”"
    return None


def incomplete_row(table: F.Table, item: dict) -> str | None:
    """A table row that lacks a required column (a firm without its name, a penalty without its date…)."""
    if any(item.get(c.key) is None for c in table.input_columns if c.required):
        return f"{table.incomplete}；请补全或清空该行"
    return None


def notice_evaluates(rs: "RuleSet") -> int | None:
    """The evaluation year the rule-set's notice evaluates (None: no notice, any year of the period; see below)."""
    info = getattr(rs, "notice_info", None)
    return info.evaluation_year if info is not None else None


def notice_year_hint(rs: "RuleSet") -> str | None:
    """The short form of :func:`notice_year` for the workbook's year cell (its input validation, ≤ 255 characters)."""
    want = notice_evaluates(rs)
    if want is None:
        return None
    d = notice_for_evaluation(0)         # notice year − evaluation year (the decision of jidi_xl.ruleset)
    return (f"本工作簿按 {rs.notice} 年度通知生成，评价 {want} 年度；评价其他年度请用 "
            f"jidi-xl workbook --notice 通知年份（= 评价年度 {'+' if d >= 0 else '−'} {abs(d)}）-o BOOK.xlsx "
            f"生成该年度通知的工作簿")


def notice_year(rs: "RuleSet", year: Any) -> str | None:
    """An evaluation year the rule-set's notice does not evaluate (2023 in a case or workbook of the 2025 notice).

    The notice of year N fixes the rubric, the pass and good scores, the star bands and the funding of the
    evaluation *of year N + NOTICE_EVALUATES* (``jidi_xl.ruleset``: the 2025 notice evaluates 2024); scoring
    another year under it would grade that year with figures the Bureau never set for it. The message says
    which year the notice evaluates and how to get the workbook (or the JSON ``ruleset``) of the right notice.

    Decision — the rule-set without a notice (``bj-2022``, the default; the standard workbook made without
    ``--notice``): no year is refused here. Its chapter-4 figures are the rule-set's own placeholders, tied to
    no year's notice (spec §7; the report marks them 暂定), so any evaluation year inside the rule-set's
    effective period is evaluated (``RuleSet.check_in_force`` refuses one outside it) — as before notices
    existed. Only a case or workbook that names a notice is held to that notice's year.
    """
    info = getattr(rs, "notice_info", None)
    want = notice_evaluates(rs)
    if info is None or want is None or not isinstance(year, int) or isinstance(year, bool):
        return None
    if year == want:
        return None
    right = notice_for_evaluation(year)
    known = known_notices(rs.id)
    if right in known:
        fix = (f"若评价年度无误，请用 {right} 年度通知重新生成工作簿（jidi-xl workbook --notice {right} -o BOOK.xlsx）"
               f"并转录数据；JSON 案例则把 ruleset 改为 \"{ruleset_key(rs.id, right)}\"")
    else:
        fix = (f"评价 {year} 年度应使用 {right} 年度通知，本程序尚不认识（已知：{'、'.join(map(str, known)) or '无'}，"
               f"见 jidi-xl workbook --list-notices）；若评价年度无误，请按 {rs.id} 规则集本身（不带年度通知："
               f"jidi-xl workbook -o BOOK.xlsx）评价")
    return (f"评价年度 {year} 与 {info.year} 年度通知不符：该通知评价的是 {want} 年度；"
            f"请把评价年度改为 {want}；{fix}")
