"""The case format (docs/case-format.md): one base's data, validated and typed.

Validation has three layers; every problem of every layer is collected before the case is refused, so
one run shows them all (a bad part never hides the rest):
0. values (:func:`_screen`, :mod:`jidi_xl.values`): nesting depth, NaN/Infinity and overflowing or
   absurd numbers, duplicate keys — anywhere in the case, whether it came from a JSON file or a workbook;
1. structure and types against ``schema/case.schema.json`` (JSON Schema, draft 2020-12);
2. meaning (spec §10): public space larger than the building, more satisfied answers than answers,
   invalid or duplicate 统一社会信用代码, unknown sectors, dates after the reference date where impossible…
   It runs on what passed layers 0 and 1: every value a layer refused is left out of the next.

``null`` means "not filled" everywhere (docs/case-format.md): it is accepted for every optional field
and dropped before evaluation, so absent and null are one thing to the rules.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import readings
from .errors import InputError, InputProblem
from . import checks, fields, values
from .results import Outcome, Override
from .ruleset import RuleSet, load_ruleset

if TYPE_CHECKING:         # jsonschema is imported when a case is first validated, not by every command that
    import jsonschema     # imports this module (a cold `recalc` validates no case: ≈0.1 s of start-up)

#: The default rule-set's schema, as a file for other tools (generated: ``python -m jidi_xl.fields``); the
#: validation itself uses :func:`jidi_xl.fields.case_schema` of the case's own rule-set (its code lists).
from .fields import SCHEMA_PATH  # noqa: E402,F401 — the generated schema file, declared in the catalogue
FORMAT = fields.FORMAT

# A case file is read whole into memory. The largest real case (1,000 firms — the workbook's roster size —,
# 60 staff, 9 experts, every section filled, indented) measures 0.32 MB, so 4 MiB leaves 12× headroom while
# bounding what json builds from hostile text (objects take 20–40× their text) under the 500 MB a check may use.
MAX_CASE_BYTES = 4 * 1024 * 1024
# The schema nests at most 5 levels (evaluation.rubric.experts[i].scores[j]); 20 leaves room and keeps
# jsonschema, which recurses several frames per level, far from Python's recursion limit.
MAX_DEPTH = 20
# A case with more problems than this is the wrong file or a broken export: the first ones are listed, and
# the checks stop early, so a hostile file (a million NaNs) costs seconds, not gigabytes of messages.
MAX_PROBLEMS = 200


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


_VALIDATORS: dict[str, jsonschema.Draft202012Validator] = {}


def _validator(rs: RuleSet) -> jsonschema.Draft202012Validator:
    """The schema validator of rule-set ``rs``, built from the field catalogue once per rule-set."""
    key = str(getattr(rs, "key", rs.id))
    if key not in _VALIDATORS:
        import jsonschema

        _VALIDATORS[key] = jsonschema.Draft202012Validator(fields.case_schema(rs))
    return _VALIDATORS[key]


def _schema_ruleset(data: dict) -> RuleSet:
    """The rule-set whose code lists the schema checks: the case's own, or the default when it names none
    or an unknown one (that is reported by layer 2, by field)."""
    rid = data.get("ruleset")
    if isinstance(rid, str) and re.fullmatch(fields.find("ruleset").pattern.strip("^$"), rid):
        try:
            return load_ruleset(rid)
        except Exception:  # noqa: BLE001 — an unknown id: layer 2 says so
            pass
    return load_ruleset()


Path_ = tuple  # a field path: keys (str) and indices (int) from the root


def _fmt(path: Path_) -> str:
    out = ""
    for p in path:
        if not isinstance(p, int) and len(str(p)) > 40:
            p = str(p)[:39] + "…"          # a hostile key must not make a megabyte message
        out += f"[{p}]" if isinstance(p, int) else (f".{p}" if out else str(p))
    return out or "(根)"


# -- layer 0: values ------------------------------------------------------------------------------

class _Literal:
    """A number :func:`load_case` could not take as a finite number (NaN, Infinity, 1e999, 5,000 digits)."""

    __slots__ = ("text",)

    def __init__(self, text: str):
        self.text = text if len(text) <= 40 else text[:20] + "…" + text[-8:]


class _Repeated:
    """A key given more than once in one JSON object (json would keep the last one silently)."""

    __slots__ = ("count",)

    def __init__(self, count: int):
        self.count = count


def _screen(raw: dict) -> tuple[dict, list[tuple[Path_, str]]]:
    """Layer 0: a copy of ``raw`` without its nulls (null means not filled) and without every unbelievable
    value (left out of an object, None in an array), and the problems found as (path, message).

    Containers deeper than :data:`MAX_DEPTH` are cut, reported once; so the recursion here never goes deeper
    than that, whatever the input. A path is built only for a container or a problem (millions of numbers
    in one array must stay cheap)."""
    too_deep: list[bool] = []
    limit = values.MAX_QUANTITY

    class Problems(list):
        def append(self, item):            # beyond the cap the value is still left out, just not described
            if len(self) <= MAX_PROBLEMS:
                super().append(item)

    problems = Problems()

    def bad(v: Any) -> str | None:
        t = type(v)
        if t is _Literal:
            return f"数值 {v.text} 不是有限数字（JSON 中的 NaN、Infinity 或超出范围的数）；请填写实际数值，不知道就不填或填 null"
        if t is _Repeated:
            return f"该字段在同一对象中出现了 {v.count} 次；请只保留一个（合并或删除重复的字段）"
        if t is str:
            return "文本中含有无法编码的字符（不成对的 UTF-16 代理项，如 \\ud800）；请重新输入该文字并以 UTF-8 保存"
        return values.quantity_problem(v) if t is int or t is float else None

    def walk(v: Any, path: Path_) -> Any:
        if len(path) >= MAX_DEPTH:
            if not too_deep:
                problems.append((path, f"嵌套超过 {MAX_DEPTH} 层，不是案例格式的数据；请对照 docs/case-format.md 检查括号"))
                too_deep.append(True)
            return _CUT
        if type(v) is dict:
            out = {}
            for k, x in v.items():
                t = type(x)
                if x is None:
                    continue
                if (t is str and _SURROGATE.search(x) is None) or t is bool:
                    out[k] = x
                elif t is float and -limit <= x <= limit:        # NaN fails both comparisons
                    out[k] = int(x) if x.is_integer() else x      # 8000.0 is 8000, as the cell adapters read it
                elif t is int and -limit <= x <= limit:
                    out[k] = x
                elif t is dict or t is list or t is tuple:
                    y = walk(x, path + (k,))
                    if y is not _CUT:
                        out[k] = y
                else:
                    problem = bad(x)
                    if problem:
                        problems.append((path + (k,), problem))
                    else:
                        out[k] = x
            return out
        out_l = []
        for i, x in enumerate(v):
            t = type(x)
            if x is None or (t is str and _SURROGATE.search(x) is None) or t is bool or (t is int and -limit <= x <= limit):
                out_l.append(x)
            elif t is float and -limit <= x <= limit:
                out_l.append(int(x) if x.is_integer() else x)
            elif t is dict or t is list or t is tuple:
                y = walk(x, path + (i,))
                out_l.append(None if y is _CUT else y)
            else:
                problem = bad(x)
                if problem:
                    problems.append((path + (i,), problem))
                    out_l.append(None)
                else:
                    out_l.append(x)
        return out_l

    return walk(raw, ()), list(problems)


_CUT = object()     # a container cut at MAX_DEPTH
_SURROGATE = re.compile("[\ud800-\udfff]")   # JSON "\\ud800" decodes to a code point no encoding can write


# -- layer 1: the schema ----------------------------------------------------------------------------

_TYPE_ZH: dict[str, str] = {"number": "数字", "integer": "整数", "string": "文本（带引号的字符串）", "boolean": "true/false",
            "object": "对象 {…}", "array": "数组 […]", "null": "null（不填）"}
_REQUIRED = re.compile(r"^'(.*)' is a required property$")


def _brief(x: Any, n: int = 60) -> str:
    """A value for a message, as JSON, cut short (a wrong value may be a whole array)."""
    if isinstance(x, list) and len(x) > 8:
        return _brief(x[:8], n - 1)[:-1] + ", …]"
    if isinstance(x, dict) and len(x) > 8:
        return _brief(dict(list(x.items())[:8]), n - 1)[:-1] + ", …}"
    try:
        r = json.dumps(x, ensure_ascii=False, default=repr)
    except (TypeError, ValueError):
        r = repr(x)
    return r if len(r) <= n else r[:n - 1] + "…"


def _types_zh(t: str | list[str]) -> str:
    return "或".join(_TYPE_ZH.get(x, x) for x in (t if isinstance(t, list) else [t]))


_DATE_PATTERN = r"^\d{4}-\d{2}-\d{2}$"     # the schema's date fields (YYYY-MM-DD)


def _schema_problems(err: jsonschema.ValidationError) -> list[tuple[Path_, str, str, Path_ | None]]:
    """(field path, Chinese message, English, path to leave out of the next layer or None) for one schema error."""
    path: Path_ = tuple(err.absolute_path)
    v = err.validator
    if v == "additionalProperties":
        import difflib       # (here: only a case with an unknown field needs it; ≈3 ms of every cold start)

        known = list(err.schema.get("properties", {}))
        out: list[tuple[Path_, str, str, Path_ | None]] = []
        for k in err.instance:
            if k in known:
                continue
            if len(out) >= MAX_PROBLEMS:
                break
            close = difflib.get_close_matches(str(k), known, n=1, cutoff=0.6)
            hint = f"是否应为 “{_fmt(path + (close[0],))}”？" if close else f"此处可用的字段：{', '.join(known)}。"
            out.append((path + (k,), f"未定义的字段 {_fmt(path + (k,))}；{hint}请对照 docs/case-format.md 修改字段名",
                        f"unknown property {k!r}", path + (k,)))
        return out
    if v == "required":
        m = _REQUIRED.match(err.message)
        name = m[1] if m else err.message
        # without its required field an object cannot be used (a firm without a name…): leave it all out of
        # layer 2 — except the root, whose other sections are still checked
        return [(path + (name,), f"缺少必填字段 {_fmt(path + (name,))}；请补充", err.message, path or None)]
    if v == "enum":
        msg = f"取值 {_brief(err.instance)} 不在允许的代码表中，请从 {', '.join(str(x) for x in err.validator_value if x is not None)} 中选择"
    elif v == "type":
        if isinstance(err.schema, dict) and (err.schema.get("format") == "date" or err.schema.get("pattern") == _DATE_PATTERN):
            msg = f"类型错误：应为日期文本（如 \"2024-01-01\"，格式 YYYY-MM-DD），实际为 {_brief(err.instance)}；请填写完整日期"
        else:
            msg = f"类型错误：应为{_types_zh(err.validator_value)}，实际为 {_brief(err.instance)}；请填写正确类型的值"
    elif v in ("minimum", "exclusiveMinimum"):
        msg = f"数值 {_brief(err.instance)} 不能小于{'或等于' if v == 'exclusiveMinimum' else ''} {err.validator_value}（不能为负数）"
    elif v == "maximum":
        msg = f"数值 {_brief(err.instance)} 不能大于 {err.validator_value}"
    elif v == "pattern" and err.schema.get("format") == "date" or (v == "pattern" and "\\d{4}" in str(err.validator_value)):
        msg = f"日期格式应为 YYYY-MM-DD，实际为 {_brief(err.instance)}"
    elif v == "pattern":
        msg = f"取值 {_brief(err.instance)} 格式不对（应匹配 {err.validator_value}）"
    elif v == "const":
        msg = f"format 应为 {err.validator_value!r}"
    elif v == "maxItems":
        msg = f"最多 {err.validator_value} 项"
    elif v == "minItems":
        msg = f"至少 {err.validator_value} 项"
    elif v == "minLength":
        msg = "不能为空；请填写" if err.validator_value == 1 else f"至少 {err.validator_value} 个字"
    elif v == "uniqueItems":
        msg = "存在重复项，请删除重复的取值"
    else:
        msg = err.message
    return [(path, msg, _brief(err.message, 200), path)]


def _prune(data: Any, paths) -> None:
    """Leave the values at ``paths`` out: delete dict keys; list items become None (indices keep their meaning)."""
    for path in sorted(paths, key=len, reverse=True):
        if not path:
            continue
        node = data
        for k in path[:-1]:
            try:
                node = node[k]
            except (KeyError, IndexError, TypeError):
                node = None
                break
        if isinstance(node, dict):
            node.pop(path[-1], None)
        elif isinstance(node, list) and isinstance(path[-1], int) and path[-1] < len(node):
            node[path[-1]] = None


# -- layer 2: meaning ---------------------------------------------------------------------------------

def _isodate(s: str | None, where: str, problems: list[InputProblem]) -> date | None:
    if s is None:
        return None
    try:
        d = date.fromisoformat(s)
    except (TypeError, ValueError):
        problems.append(InputProblem(where, f"不是有效日期：{s!r}；请按 YYYY-MM-DD 填写真实存在的日期"))
        return None
    bad = values.date_problem(d)
    if bad:
        problems.append(InputProblem(where, bad))
        return None
    return d


def _credit_code(x: Any, where: str, problems: list[InputProblem]) -> str | None:
    """A normalised 统一社会信用代码, its GB 32100-2015 validity checked (the one check, shared with the UDFs)."""
    code = values.normalise_credit_code(x)
    if code:
        bad = values.credit_code_problem(code)
        if bad:
            problems.append(InputProblem(where, bad))
    return code


def _items(data: dict, *keys: str) -> list[tuple[int, dict]]:
    """(index, item) of the object items of a list at ``keys``; items left out by an earlier layer are skipped."""
    node: Any = data
    for k in keys:
        node = node.get(k) if isinstance(node, dict) else None
    return [(i, x) for i, x in enumerate(node or []) if isinstance(x, dict)]


def _at(data: dict, dotted: str) -> Any:
    """The value at a dotted path of what passed the earlier layers (None: absent or left out)."""
    node: Any = data
    for k in dotted.split("."):
        node = node.get(k) if isinstance(node, dict) else None
    return node


def _section(data: dict, key: str) -> dict:
    v = data.get(key)
    return v if isinstance(v, dict) else {}


def _meaning(data: dict, present: dict[str, bool], problems: list[InputProblem]) -> dict:
    """Layer 2 on the values that passed layers 0 and 1 (``present``: whether recognition and evaluation
    were given at all, asked before layer 1 left anything out). Returns the typed parts of the case."""
    from .rules import RULE_IDS
    from .rules.chapter5 import revocation_after_reference

    rs = None
    try:
        rs = load_ruleset(data.get("ruleset", "bj-2022"))
    except Exception as exc:  # unknown rule-set id
        if "ruleset" in data:
            problems.append(InputProblem("ruleset", f"{exc}；可用的规则集见 jidi_xl/params/"))

    _credit_code(_section(data, "base").get("credit_code"), "base.credit_code", problems)

    ref = _isodate(_section(data, "recognition").get("reference_date"), "recognition.reference_date", problems)
    est = _isodate(_section(data, "operator").get("established_on"), "operator.established_on", problems)
    ev = _section(data, "evaluation")
    year = ev.get("year")
    bad = checks.notice_year(rs, year) if rs is not None else None
    if bad:
        problems.append(InputProblem("evaluation.year", bad))
    if not present["recognition"] and not present["evaluation"]:
        problems.append(InputProblem("recognition / evaluation", checks.NO_BLOCK))

    latest_ref = max([d for d in (ref, readings.evaluation_snapshot(year) if year else None) if d], default=None)
    if est and latest_ref and est > latest_ref:
        problems.append(InputProblem("operator.established_on", f"成立日期 {est} 晚于参照日期 {latest_ref}，不可能；请核对成立日期"))

    # the catalogue's cross-field checks (jidi_xl.fields.CHECKS), each reported on its field
    for c in fields.CHECKS:
        bad = checks.not_more(c.id, _at(data, c.small), _at(data, c.big))
        if bad:
            problems.append(InputProblem(c.small, bad))
    s, n = _at(data, "satisfaction.satisfied"), _at(data, "satisfaction.responses")
    for path, bad in (("satisfaction.responses", checks.zero_responses(s, n)),
                      ("satisfaction.rate", checks.rate_disagrees(_at(data, "satisfaction.rate"), s, n))):
        if bad:
            problems.append(InputProblem(path, bad))

    # firms: every code checked, then duplicates among the codes as normalised
    firms: list[Firm] = []
    seen = checks.DuplicateCodes()
    sectors = rs.size_standards["sectors"] if rs else {}
    for i, f in _items(data, "firms", "roster"):
        where = f"firms.roster[{i}]"
        code = _credit_code(f.get("credit_code"), f"{where}.credit_code", problems)
        dup = seen.see(code, where)
        if dup:
            problems.append(InputProblem(f"{where}.credit_code", dup))
        if rs and f.get("sector") is not None and f["sector"] not in sectors:
            problems.append(InputProblem(f"{where}.sector", f"未知的划型行业 {f['sector']!r}；请从 {', '.join(sectors)} 中选择"))
        if "name" in f:
            given: dict[str, Any] = {k: (code if k == "credit_code" else v) for k, v in f.items()}
            firms.append(Firm(where=where, **given))

    conduct = _section(data, "conduct")
    penalties: list[Penalty] | None = None if conduct.get("penalties") is None else []
    for i, pn in _items(data, "conduct", "penalties"):
        d = _isodate(pn.get("date"), f"conduct.penalties[{i}].date", problems)
        if d and penalties is not None and pn.get("kind") and pn.get("subject"):
            penalties.append(Penalty(d, pn["kind"], pn["subject"], pn.get("description", "")))

    staff = None
    if _section(data, "staff").get("members") is not None:
        staff = [StaffMember(m["name"], m.get("degree"), m.get("title")) for _, m in _items(data, "staff", "members")
                 if "name" in m]

    bad = checks.score_over_max(ev.get("score"), rs.p("chapter4.max_score")) if rs else None
    if bad:
        problems.append(InputProblem("evaluation.score", bad))
    rubric = ev.get("rubric") if isinstance(ev.get("rubric"), dict) else None
    if rubric and isinstance(rubric.get("indicators"), list) and isinstance(rubric.get("experts"), list):
        inds = rubric["indicators"]
        for j, ex in _items(rubric, "experts"):
            scores = ex.get("scores")
            if not isinstance(scores, list):
                continue
            if len(scores) != len(inds):
                problems.append(InputProblem(f"evaluation.rubric.experts[{j}].scores", f"应有 {len(inds)} 个指标得分，实际 {len(scores)} 个"))
                continue
            for k, (sc, ind) in enumerate(zip(scores, inds)):
                bad = checks.score_over_indicator(sc, ind.get("max_points")) if isinstance(ind, dict) else None
                if bad:
                    problems.append(InputProblem(f"evaluation.rubric.experts[{j}].scores[{k}]", bad))
        if rs and all(isinstance(i, dict) and "max_points" in i for i in inds):
            max_score = rs.p("chapter4.max_score")
            total_w = sum(Fraction(str(i.get("weight", i["max_points"]))) for i in inds)
            if total_w != max_score:
                problems.append(InputProblem("evaluation.rubric.indicators", f"指标权重合计 {float(total_w):g}，应为 {max_score}；请核对指标表"))

    for i, ch in _items(data, "changes"):
        changed = _isodate(ch.get("changed_on"), f"changes[{i}].changed_on", problems)
        fd = _isodate(ch.get("filed_on"), f"changes[{i}].filed_on", problems)
        bad = checks.filed_before_change(changed, fd)
        if bad:
            problems.append(InputProblem(f"changes[{i}].filed_on", bad))
    # A revocation after the recognition's reference date is impossible input for that application (spec §8,
    # §10), whatever its ground. An evaluation-only case is not checked: its 第十五条 decision (and so a
    # revocation record) may well come after 12-31 of the year, and no rule of the evaluation reads revocations.
    for i, rv in _items(data, "revocations"):
        d = _isodate(rv.get("date"), f"revocations[{i}].date", problems)
        bad = revocation_after_reference(d, ref) if d and ref else None
        if bad:
            problems.append(InputProblem(f"revocations[{i}].date", bad))
    _isodate(ev.get("decision_date"), "evaluation.decision_date", problems)

    overrides = {}
    for i, ov in _items(data, "overrides"):
        if not {"rule", "outcome", "justification"} <= set(ov):
            continue
        if ov["rule"] not in RULE_IDS:
            problems.append(InputProblem(f"overrides[{i}].rule", f"未知的条件编号 {ov['rule']!r}；可改判的条件：{', '.join(RULE_IDS)}"))
            continue
        bad = checks.justification(ov["justification"])
        if bad:
            problems.append(InputProblem(f"overrides[{i}].justification", bad))
            continue
        if ov["rule"] in overrides:
            problems.append(InputProblem(f"overrides[{i}].rule", f"条件 {ov['rule']} 被改判两次；每个条件只能有一条改判"))
        overrides[ov["rule"]] = Override(ov["rule"], Outcome(ov["outcome"]), ov["justification"].strip(), ov.get("reviewer", ""))

    return dict(rs=rs, ref=ref, year=year, firms=firms, penalties=penalties, staff=staff, overrides=overrides)


def _capped(problems: list[InputProblem], more: bool = False) -> list[InputProblem]:
    """At most MAX_PROBLEMS problems, then one line saying there are more (``more``: known to be more)."""
    if len(problems) <= MAX_PROBLEMS and not more:
        return problems
    return problems[:MAX_PROBLEMS] + [InputProblem("(更多)", f"问题超过 {MAX_PROBLEMS} 个，只列出前 {MAX_PROBLEMS} 个；"
                                                            "请先修正以上问题后再检查（或确认选对了文件）")]


_KIND_ZH = {list: "数组 […]", tuple: "数组 […]", str: "文本", int: "数字", float: "数字", bool: "true/false", type(None): "null"}


def parse_case(raw: Any, source: str = "") -> Case:
    """Validate a case dict and return a :class:`Case`, or raise :class:`InputError` with every problem.

    ``raw`` comes from :func:`load_case` or from the workbook reader; it is not modified.
    """
    if not isinstance(raw, dict):
        kind = _KIND_ZH.get(type(raw), type(raw).__name__)
        raise InputError([InputProblem("(根)", f"案例应为一个 JSON 对象 {{…}}，实际为{kind}；每个文件只放一个案例，"
                                                 "格式见 docs/case-format.md")], source)
    problems: list[InputProblem] = []
    data, found = _screen(raw)
    bad_values = {p for p, _ in found}
    problems += [InputProblem(_fmt(p), m) for p, m in sorted(found, key=lambda x: list(map(str, x[0])))]
    # asked before layer 1 leaves anything out: is there a recognition or an evaluation at all?
    present = {k: data.get(k) is not None for k in ("recognition", "evaluation")}

    cut: list[Path_] = list(bad_values)
    seen: set[tuple[str, str]] = set()
    errors = []
    for err in _validator(_schema_ruleset(data)).iter_errors(data):
        errors.append(err)
        if len(errors) >= MAX_PROBLEMS:
            break
    for err in sorted(errors, key=lambda e: list(map(str, e.absolute_path))):
        for path, msg, english, leave_out in _schema_problems(err):
            if any(path[:n] in bad_values for n in range(len(path) + 1)):
                continue      # a refused value was left out: its type or "required" error would say it twice
            if (_fmt(path), msg) not in seen:
                seen.add((_fmt(path), msg))
                problems.append(InputProblem(_fmt(path), msg, english))
            if leave_out is not None:
                cut.append(leave_out)

    _prune(data, cut)
    if len(errors) >= MAX_PROBLEMS:
        # layer 1 stopped early, so what remains is not known to be well-typed: layer 2 would read
        # unchecked values, and the first MAX_PROBLEMS problems are answer enough
        raise InputError(_capped(problems, more=True), source)
    schema_failed = bool(problems)
    try:
        parts = _meaning(data, present, problems)
    except Exception:
        # The meaning checks assume what the earlier layers let through; should one still trip on a value
        # they refused, those refusals are the answer. On clean input a failure here is a bug: let it show.
        if not schema_failed:
            raise
        raise InputError(_capped(problems), source) from None

    if problems:
        raise InputError(_capped(problems), source)
    return Case(raw=data, ruleset=parts["rs"], case_id=data.get("case_id") or source or data["base"]["name"],
                base_name=data["base"]["name"], recognition_date=parts["ref"], evaluation_year=parts["year"],
                firms=parts["firms"], penalties=parts["penalties"], staff=parts["staff"], overrides=parts["overrides"])


# -- reading a file ---------------------------------------------------------------------------------

_JSON_MSG_ZH = {   # json's messages, in Chinese (the English stays beside)
    "Expecting value": "此处应为一个值（数字、文本、true/false、null、对象或数组）",
    "Expecting ',' delimiter": "缺少逗号“,”",
    "Expecting ':' delimiter": "缺少冒号“:”",
    "Expecting property name enclosed in double quotes": "字段名须用英文双引号括起（最后一项后也不能有逗号）",
    "Unterminated string starting at": "字符串缺少结束的双引号",
    "Invalid control character at": "字符串中有控制字符（如未转义的换行或制表符）",
    "Invalid \\escape": "无效的转义符“\\”",
    "Invalid \\uXXXX escape": "无效的 \\uXXXX 转义",
    "Extra data": "JSON 对象结束后还有多余内容（每个文件只放一个案例）",
}


def _pairs(pairs: list[tuple[str, Any]]) -> dict:
    out: dict = {}
    counts: dict[str, int] = {}
    for k, v in pairs:
        counts[k] = counts.get(k, 0) + 1
        out[k] = v
    for k, n in counts.items():
        if n > 1:
            out[k] = _Repeated(n)
    return out


def _float(text: str) -> Any:
    v = float(text)
    return v if v - v == 0 else _Literal(text)          # inf and nan fail x - x == 0


def _int(text: str) -> Any:
    # beyond 15 digits a number is refused by layer 0 anyway; Python refuses to convert 4,300+ digits at all.
    # Used only to re-read a file whose plain reading failed so (json's own int is 3× faster).
    return int(text) if len(text) <= 20 else _Literal(text)


def _json(text: str) -> Any:
    hooks: dict[str, Any] = dict(parse_float=_float, parse_constant=_Literal, object_pairs_hook=_pairs)
    try:
        return json.loads(text, **hooks)
    except json.JSONDecodeError:
        raise
    except ValueError:      # an integer of 4,300+ digits: read again, keeping it as a literal to report by path
        return json.loads(text, parse_int=_int, **hooks)


def load_case(path: str | Path) -> Case:
    """Read and validate a case file: size, encoding, JSON syntax, then :func:`parse_case`. The file is only read."""
    path = Path(path)
    src = str(path)

    def refuse(field: str, msg: str, english: str = "") -> InputError:
        return InputError([InputProblem(field, msg, english)], src)

    try:
        with path.open("rb") as fh:
            data = fh.read(MAX_CASE_BYTES + 1)
    except OSError as exc:
        raise refuse(src, f"无法读取文件：{exc.strerror or exc}；请确认路径是一个可读的 JSON 文件",
                     f"cannot read: {exc}") from None
    if len(data) > MAX_CASE_BYTES:
        raise refuse(src, f"文件超过 {MAX_CASE_BYTES // (1024 * 1024)} MiB，不是一个案例文件应有的大小；"
                          "请确认选对了文件（每个文件只放一个基地的案例）", "file too large")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise refuse(src, "文件是 UTF-16 编码；请另存为 UTF-8 编码的 JSON 文件", "UTF-16 file; save as UTF-8")
    try:
        # a UTF-8 byte-order mark (Windows Notepad writes one) is accepted and skipped
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[:exc.start].count(b"\n") + 1
        raise refuse(f"第{line}行", f"文件不是 UTF-8 编码（第 {exc.start + 1} 个字节 0x{data[exc.start]:02X} 无法读取，"
                                    "可能是 GBK/ANSI 编码）；请用编辑器另存为 UTF-8", "not UTF-8") from None
    if not text.strip():
        raise refuse(src, "文件为空；请填写案例内容（格式见 docs/case-format.md）", "empty file")
    try:
        raw = _json(text)
    except json.JSONDecodeError as exc:
        zh = next((z for e, z in _JSON_MSG_ZH.items() if exc.msg.startswith(e)), exc.msg)
        raise refuse(f"第{exc.lineno}行第{exc.colno}列", f"JSON 语法错误：{zh}；请修正文件格式", exc.msg) from None
    except RecursionError:
        raise refuse("(根)", f"JSON 嵌套层数过深（案例格式最多 {MAX_DEPTH} 层）；请确认选对了文件，并检查括号是否配对",
                     "nesting too deep") from None
    return parse_case(raw, source=src)
