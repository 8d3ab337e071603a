"""The case format (docs/case-format.md): one base's data, validated and typed.

Validation has two layers, and both collect every problem before refusing the case:
1. structure and types against ``schema/case.schema.json`` (JSON Schema, draft 2020-12);
2. meaning (spec §10): public space larger than the building, more satisfied answers than answers,
   duplicate 统一社会信用代码, unknown sectors, dates after the reference date where impossible…
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import Any

import jsonschema

from .errors import InputError, InputProblem
from .results import Outcome, Override
from .ruleset import RuleSet, load_ruleset

SCHEMA_PATH = Path(__file__).parent / "schema" / "case.schema.json"
FORMAT = "jidi-xl/case@1"


@dataclass(frozen=True)
class Firm:
    name: str
    credit_code: str | None = None
    industry: str | None = None
    sector: str | None = None
    employees: float | None = None
    revenue_10k: float | None = None
    assets_10k: float | None = None
    size_class: str | None = None
    beijing_registered: bool | None = None
    where: str = ""            # field path or sheet!cell, for messages


@dataclass(frozen=True)
class Penalty:
    date: date
    kind: str
    subject: str
    description: str = ""


@dataclass(frozen=True)
class StaffMember:
    name: str
    degree: str | None = None
    title: str | None = None


@dataclass(frozen=True)
class Rubric:
    indicators: list[dict]
    experts: list[dict]


@dataclass
class Case:
    raw: dict
    ruleset: RuleSet
    case_id: str
    base_name: str
    recognition_date: date | None
    evaluation_year: int | None
    firms: list[Firm] = field(default_factory=list)
    penalties: list[Penalty] | None = None      # None: the record was not entered (REVIEW)
    staff: list[StaffMember] | None = None
    overrides: dict[str, Override] = field(default_factory=dict)

    def get(self, dotted: str, default: Any = None) -> Any:
        """A raw input value by dotted path; absent and null are both ``default`` (→ REVIEW in rules)."""
        node: Any = self.raw
        for key in dotted.split("."):
            if not isinstance(node, dict) or node.get(key) is None:
                return default
            node = node[key]
        return node

    def date(self, dotted: str) -> date | None:
        v = self.get(dotted)
        return date.fromisoformat(v) if v else None


_VALIDATOR = None


def _validator() -> jsonschema.Draft202012Validator:
    global _VALIDATOR
    if _VALIDATOR is None:
        schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
        _VALIDATOR = jsonschema.Draft202012Validator(schema)
    return _VALIDATOR


def _path(err: jsonschema.ValidationError) -> str:
    out = ""
    for p in err.absolute_path:
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out or "(根)"


def _schema_problem(err: jsonschema.ValidationError) -> InputProblem:
    v = err.validator
    if v == "enum":
        msg = f"取值 {err.instance!r} 不在允许的代码表中，请从 {', '.join(str(x) for x in err.validator_value if x is not None)} 中选择"
    elif v == "type":
        msg = f"类型错误：应为 {err.validator_value}，实际为 {err.instance!r}；请填写正确类型的值"
    elif v == "required":
        msg = f"缺少必填字段：{err.message.split(' ')[0]}"
    elif v == "additionalProperties":
        msg = f"存在未定义的字段（{err.message}）；请对照 docs/case-format.md 检查拼写"
    elif v in ("minimum", "exclusiveMinimum"):
        msg = f"数值 {err.instance!r} 不能小于 {err.validator_value}（不能为负数）"
    elif v == "maximum":
        msg = f"数值 {err.instance!r} 不能大于 {err.validator_value}"
    elif v == "pattern":
        msg = f"日期格式应为 YYYY-MM-DD，实际为 {err.instance!r}"
    elif v == "const":
        msg = f"format 应为 {err.validator_value!r}"
    elif v == "maxItems":
        msg = f"最多 {err.validator_value} 项"
    elif v == "uniqueItems":
        msg = "存在重复项，请删除重复的取值"
    else:
        msg = err.message
    return InputProblem(_path(err), msg, err.message)


def _isodate(s: str | None, where: str, problems: list[InputProblem]) -> date | None:
    if s is None:
        return None
    try:
        return date.fromisoformat(s)
    except ValueError:
        problems.append(InputProblem(where, f"不是有效日期：{s!r}；请按 YYYY-MM-DD 填写真实存在的日期"))
        return None


def parse_case(raw: dict, source: str = "") -> Case:
    """Validate a case dict and return a :class:`Case`, or raise :class:`InputError` with every problem."""
    if not isinstance(raw, dict):
        raise InputError([InputProblem("(根)", "案例文件应为 JSON 对象")], source)
    problems = [_schema_problem(e) for e in sorted(_validator().iter_errors(raw), key=lambda e: list(map(str, e.absolute_path)))]
    if problems:
        raise InputError(problems, source)

    try:
        rs = load_ruleset(raw.get("ruleset", "bj-2022"))
    except Exception as exc:  # unknown rule-set id
        raise InputError([InputProblem("ruleset", str(exc))], source) from None

    # dates
    dates = {}
    for where in ("recognition.reference_date", "operator.established_on"):
        node = raw
        for k in where.split("."):
            node = node.get(k) if isinstance(node, dict) else None
        dates[where] = _isodate(node, where, problems)
    ref = dates["recognition.reference_date"]
    est = dates["operator.established_on"]
    year = (raw.get("evaluation") or {}).get("year")
    if "recognition" not in raw and "evaluation" not in raw:
        problems.append(InputProblem("recognition / evaluation", "至少需要 recognition（认定）或 evaluation（绩效评价）之一，请补充评价类型"))

    latest_ref = max([d for d in (ref, date(year, 12, 31) if year else None) if d], default=None)
    if est and latest_ref and est > latest_ref:
        problems.append(InputProblem("operator.established_on", f"成立日期 {est} 晚于参照日期 {latest_ref}，不可能；请核对成立日期"))

    # area
    b, p = raw.get("area", {}).get("building_m2"), raw.get("area", {}).get("public_service_m2")
    if b is not None and p is not None and p > b:
        problems.append(InputProblem("area.public_service_m2", f"公共服务空间 {p} m² 大于建筑总面积 {b} m²，数据矛盾；请核对两项面积"))

    # satisfaction
    sat = raw.get("satisfaction", {})
    s, n = sat.get("satisfied"), sat.get("responses")
    if s is not None and n is not None and s > n:
        problems.append(InputProblem("satisfaction.satisfied", f"满意数 {s} 大于有效问卷数 {n}；请核对"))
    if n == 0 and s is not None:
        problems.append(InputProblem("satisfaction.responses", "有效问卷数为 0，无法计算满意度；请填写有效问卷数或直接填写满意度"))
    if sat.get("rate") is not None and n is not None and s is not None and n > 0:
        if abs(Fraction(str(sat["rate"])) - Fraction(s, n)) > Fraction(1, 1000):
            problems.append(InputProblem("satisfaction.rate", f"满意度 {sat['rate']} 与 {s}/{n} 不一致；请只填写一种或核对"))

    # firms
    firms: list[Firm] = []
    seen: dict[str, str] = {}
    sectors = rs.size_standards["sectors"]
    for i, f in enumerate(raw.get("firms", {}).get("roster", []) or []):
        where = f"firms.roster[{i}]"
        code = (f.get("credit_code") or "").strip().upper() or None
        if code:
            if code in seen:
                problems.append(InputProblem(f"{where}.credit_code", f"统一社会信用代码 {code} 与 {seen[code]} 重复；同一企业只能登记一次"))
            seen[code] = where
        if f.get("sector") is not None and f["sector"] not in sectors:
            problems.append(InputProblem(f"{where}.sector", f"未知的划型行业 {f['sector']!r}；请从 {', '.join(sectors)} 中选择"))
        firms.append(Firm(where=where, **{k: (code if k == "credit_code" else v) for k, v in f.items()}))

    penalties = None if raw.get("conduct", {}).get("penalties") is None else []
    for i, pn in enumerate(raw.get("conduct", {}).get("penalties") or []):
        d = _isodate(pn["date"], f"conduct.penalties[{i}].date", problems)
        if d:
            penalties.append(Penalty(d, pn["kind"], pn["subject"], pn.get("description", "")))

    staff = None
    if raw.get("staff", {}).get("members") is not None:
        staff = [StaffMember(m["name"], m.get("degree"), m.get("title")) for m in raw["staff"]["members"]]

    ev = raw.get("evaluation") or {}
    max_score = rs.p("chapter4.max_score")
    if ev.get("score") is not None and ev["score"] > max_score:
        problems.append(InputProblem("evaluation.score", f"评价得分 {ev['score']} 超过满分 {max_score}；请核对"))
    if ev.get("rubric"):
        inds = ev["rubric"]["indicators"]
        for j, ex in enumerate(ev["rubric"]["experts"]):
            if len(ex["scores"]) != len(inds):
                problems.append(InputProblem(f"evaluation.rubric.experts[{j}].scores", f"应有 {len(inds)} 个指标得分，实际 {len(ex['scores'])} 个"))
                continue
            for k, (sc, ind) in enumerate(zip(ex["scores"], inds)):
                if sc is not None and sc > ind["max_points"]:
                    problems.append(InputProblem(f"evaluation.rubric.experts[{j}].scores[{k}]", f"得分 {sc} 超过该指标满分 {ind['max_points']}"))
        total_w = sum(Fraction(str(i.get("weight", i["max_points"]))) for i in inds)
        if total_w != max_score:
            problems.append(InputProblem("evaluation.rubric.indicators", f"指标权重合计 {float(total_w):g}，应为 {max_score}；请核对指标表"))

    for i, ch in enumerate(raw.get("changes", []) or []):
        c = _isodate(ch["changed_on"], f"changes[{i}].changed_on", problems)
        fd = _isodate(ch.get("filed_on"), f"changes[{i}].filed_on", problems)
        if c and fd and fd < c:
            problems.append(InputProblem(f"changes[{i}].filed_on", f"备案日期 {fd} 早于变更日期 {c}；请核对"))
    for i, rv in enumerate(raw.get("revocations", []) or []):
        _isodate(rv["date"], f"revocations[{i}].date", problems)
    _isodate(ev.get("decision_date"), "evaluation.decision_date", problems)

    from .rules import RULE_IDS

    overrides = {}
    for i, ov in enumerate(raw.get("overrides", []) or []):
        if ov["rule"] not in RULE_IDS:
            problems.append(InputProblem(f"overrides[{i}].rule", f"未知的条件编号 {ov['rule']!r}；可改判的条件：{', '.join(RULE_IDS)}"))
            continue
        if len(ov["justification"].strip()) < 4:
            problems.append(InputProblem(f"overrides[{i}].justification", "改判必须附书面理由（至少 4 个字，不能只填空格）；请补充改判理由"))
            continue
        if ov["rule"] in overrides:
            problems.append(InputProblem(f"overrides[{i}].rule", f"条件 {ov['rule']} 被改判两次；每个条件只能有一条改判"))
        overrides[ov["rule"]] = Override(ov["rule"], Outcome(ov["outcome"]), ov["justification"].strip(), ov.get("reviewer", ""))

    if problems:
        raise InputError(problems, source)
    return Case(raw=raw, ruleset=rs, case_id=raw.get("case_id") or source or raw["base"]["name"],
                base_name=raw["base"]["name"], recognition_date=ref, evaluation_year=year,
                firms=firms, penalties=penalties, staff=staff, overrides=overrides)


def load_case(path: str | Path) -> Case:
    path = Path(path)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise InputError([InputProblem(f"第{exc.lineno}行第{exc.colno}列", f"JSON 语法错误：{exc.msg}；请修正文件格式")], str(path)) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError([InputProblem(str(path), f"无法读取文件：{exc}")], str(path)) from None
    return parse_case(raw, source=str(path))
