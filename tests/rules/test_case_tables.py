"""Rule tests as data: every ``tests/cases/*.yaml`` table, one pytest item per case (OpenFisca's YAML tests).

A table is a YAML file::

    description: 第六条第（八）项 — 不少于 includes the number
    rule: art6_8                   # a declared rule (jidi_xl.rules.RULES, or a declared part); or
    # function: jidi_xl.rules.chapter4.trimmed_mean   (a helper that is not a rule of its own)
    # mode: case                   # evaluate whole cases instead (see below)
    ruleset: bj-2022               # default bj-2022
    params: {…}                    # optional: deep-merged into the rule-set's data (a trial reading)
    cases:
      - name: declared-7           # unique in the file: the test id is <file>::<name>
        reference_date: 2025-06-30 # the rule's ``ref`` argument (when it has one) or the case's 申请受理截止日期
        input: {members: null, declared: 7}   # the rule function's keyword arguments
        output: {outcome: FAIL, figures_has: ["7 < 8"]}

**Rule tables** call the rule's function with the rule-set and ``input`` as keyword arguments, converted by
the function's annotations (ISO dates → ``date``; dicts → ``Penalty``/``StaffMember``/``Firm``; ``Outcome`` and
``Fraction`` from text; ``revocations`` as ``[{date, ground}]``; ``firms: {roster: {ngit: 40}}`` → that many
generated firms, or a list of such groups, each with its own fields; ``{$repeat: 7, degree: bachelor}`` in a list: seven such rows). ``output`` checks the Result: ``outcome``, ``value`` (a dict value: the keys given), ``article``,
``title``, ``reason``, ``figures_has`` / ``reason_has`` / ``value_has`` (substrings), ``figures_lacks`` / ``reason_lacks``, ``placeholder``, ``parts``
(``{art6_5_general: FAIL, …}``: sub-results by id, each checked the same way); a function that returns a
plain value is checked with ``value``.

**Case tables** (``mode: case``, for the table or for one case) build a case from the passing base case of ``tests/rules/conftest.py`` with
``input`` deep-merged (``~`` drops a key: ``null`` is written ``{$drop: true}``), evaluate it, and check ``output``
by rule id — never by position: a recognition condition (``art6_4``), ``recognition`` (the verdict),
``eval.<id>`` (an evaluation result: ``eval.grade``, ``eval.art13``, ``eval.art6_4`` for a re-checked item),
``eval.stars`` / ``eval.funding_tier`` / ``eval.consequence`` / ``eval.ban_until`` (plain values: ``value``,
``value_has``), ``art17#1`` (the first filing of that rule). Each expectation is an outcome (``FAIL``) or a dict of checks as above.
A case may instead expect an ``error`` (substrings of the :class:`~jidi_xl.errors.RuleSetError` message) — the
"before the rule-set was in force" case every rule-set has. A table for a new rule-set is a new file naming its
``ruleset``: data, not a copied test module.
"""
from __future__ import annotations

import importlib
import typing
from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
import yaml

from jidi_xl.case import Firm, Penalty, StaffMember, parse_case
from jidi_xl.errors import RuleSetError
from jidi_xl.evaluate import evaluate_case
from jidi_xl.results import Outcome, Result
from jidi_xl.rules import RULES
from jidi_xl.ruleset import DEFAULT_RULESET, load_ruleset

CASES_DIR = Path(__file__).resolve().parents[1] / "cases"
TABLES = sorted(CASES_DIR.glob("*.yaml"))
DROP_KEY = "$drop"
CHECKS = {"parts", "outcome", "value", "value_has", "figures_lacks", "reason_lacks", "article", "title", "reason", "figures_has", "reason_has", "placeholder", "rule"}
#: what an evaluation reports beside its Results (plain values)
EVAL_VALUES = ("stars", "funding_tier", "consequence", "ban_until", "basic_outcome", "placeholder")


def _load(path: Path) -> dict:
    table = yaml.safe_load(path.read_text(encoding="utf-8"))
    unknown = set(table) - {"description", "rule", "function", "mode", "ruleset", "params", "cases"}
    if unknown:
        raise ValueError(f"{path.name}: unknown keys {sorted(unknown)}")
    if not table.get("description"):
        raise ValueError(f"{path.name}: a table says what it tests (description)")
    names = [c["name"] for c in table["cases"]]
    if len(names) != len(set(names)):
        raise ValueError(f"{path.name}: duplicate case names")
    return table


def _params():
    for path in TABLES:
        table = _load(path)
        for case in table["cases"]:
            yield pytest.param(path.name, table, case, id=f"{path.stem}::{case['name']}")


# -- inputs --------------------------------------------------------------------------------------------

def _date(v: Any) -> date | None:
    return v if isinstance(v, date) or v is None else date.fromisoformat(str(v))


def _repeat(rows: list) -> list:
    """``{$repeat: 7, degree: bachelor}`` in a list stands for 7 such rows, named ``<name or 员工>1…7``."""
    out = []
    for row in rows:
        if isinstance(row, dict) and "$repeat" in row:
            spec = {k: v for k, v in row.items() if k != "$repeat"}
            stem = spec.pop("name", "员工")
            out += [{"name": f"{stem}{i + 1}", **spec} for i in range(row["$repeat"])]
        else:
            out.append(row)
    return out


def _convert(name: str, hint: Any, v: Any, kit) -> Any:
    if v is None:
        return None
    if isinstance(v, list):
        v = _repeat(v)
    text = str(hint)
    if name == "revocations":
        return [(_date(r["date"]), r["ground"]) for r in v]
    if "Penalty" in text:
        return [Penalty(**{**p, "date": _date(p["date"])}) for p in v]
    if "StaffMember" in text:
        return [StaffMember(**m) for m in v]
    if "Firm" in text:
        groups = [v] if isinstance(v, dict) else v
        out: list[Firm] = []
        for g in groups:              # {roster: {ngit: 59}, size_class: micro}: a group of generated firms
            if "roster" in g:
                out += kit.firms(g["roster"], start=len(out), **{k: x for k, x in g.items() if k != "roster"})
            else:
                out.append(Firm(**g))
        return out
    if "date" in text and not isinstance(v, (list, dict)):
        return _date(v)
    if "Outcome" in text:
        return Outcome(v)
    if "Fraction" in text and isinstance(v, str):
        return Fraction(v)
    return v


def _call(table: dict, case: dict, kit) -> Any:
    if table.get("params") or case.get("params"):
        assert table.get("ruleset", DEFAULT_RULESET) == DEFAULT_RULESET, "params overlay the default rule-set only"
        rs = kit.ruleset_with(_merge_params(table, case))
    else:
        rs = load_ruleset(table.get("ruleset", DEFAULT_RULESET))
    fn_name = case.get("function", table.get("function"))
    if fn_name:
        mod, _, attr = fn_name.rpartition(".")
        fn = getattr(importlib.import_module(mod), attr)
    else:
        rule_id = case.get("rule") or table.get("rule")
        assert rule_id, "a rule table names its rule (for the table, or for the case)"
        fn = RULES.find(rule_id).func
        assert fn is not None, f"rule {rule_id} has no function"
    hints = typing.get_type_hints(fn)
    args = {k: _convert(k, hints.get(k), v, kit) for k, v in (case.get("input") or {}).items()}
    if "reference_date" in case:
        args["ref"] = _date(case["reference_date"])
    first = next(iter(hints))
    return fn(rs, **args) if first == "rs" else fn(**args)


def _merge_params(table: dict, case: dict) -> dict:
    out: dict = {}
    for src in (table.get("params") or {}, case.get("params") or {}):
        out = _deep(out, src)
    return out


def _deep(a: dict, b: dict) -> dict:
    out = dict(a)
    for k, v in b.items():
        out[k] = _deep(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


# -- whole cases ---------------------------------------------------------------------------------------

def _overrides(node: Any, kit) -> Any:
    if isinstance(node, dict):
        if node.get(DROP_KEY):
            return kit.DROP
        if set(node) == {"$roster"}:
            spec = node["$roster"]
            counts = {k: v for k, v in spec.items() if isinstance(v, int) and not isinstance(v, bool)}
            opts = {k: v for k, v in spec.items() if k not in counts}
            return kit.roster(counts, **opts)
        return {k: _overrides(v, kit) for k, v in node.items()}
    if isinstance(node, list):
        return [_overrides(x, kit) for x in _repeat(node)]
    if isinstance(node, date):
        return node.isoformat()
    return node


def _evaluate(table: dict, case: dict, kit):
    over = _overrides(case.get("input") or {}, kit)
    if "reference_date" in case:
        over = kit.merge(over, {"recognition": {"reference_date": _date(case["reference_date"]).isoformat()}})
    raw = kit.make(over)
    if table.get("ruleset"):
        raw["ruleset"] = table["ruleset"]
    return evaluate_case(parse_case(raw))


def _result_of(report, key: str) -> Any:
    if key == "recognition":
        return report.recognition.verdict
    if key.startswith("eval."):
        ev, rid = report.evaluation, key[5:]
        if rid in EVAL_VALUES:
            v = getattr(ev, rid)
            return v.value if isinstance(v, Outcome) else v
        named = {r.rule: r for r in (ev.participated, ev.art15, ev.score, ev.grade)}
        return named[rid] if rid in named else ev.basic_condition(rid)
    if "#" in key:
        rid, n = key.split("#")
        return [f for f in report.filings if f.rule == rid][int(n) - 1]
    if key == "art8":
        return report.recognition.encouraged
    return report.recognition.condition(key)


# -- checks --------------------------------------------------------------------------------------------

def _check(got: Any, want: Any, where: str) -> None:
    if not isinstance(want, dict):
        want = {"outcome": want}
    unknown = set(want) - CHECKS
    assert not unknown, f"{where}: unknown checks {sorted(unknown)}"
    if not isinstance(got, Result):
        assert set(want) <= {"value", "value_has"}, f"{where}: a plain value has only value / value_has to check"
        if "value" in want:
            assert _same(got, want["value"]), f"{where}: {got!r} != {want['value']!r}"
        for piece in _pieces(want.get("value_has")):
            assert piece in str(got), f"{where}: {piece!r} not in {got!r}"
        return
    for k, v in want.items():
        if k == "outcome":
            assert got.outcome is Outcome(v), f"{where}: outcome {got.outcome.value} != {v} ({got.figures} | {got.reason})"
        elif k == "value":
            if isinstance(v, dict) and isinstance(got.value, dict):
                for vk, vv in v.items():
                    assert _same(got.value[vk], vv), f"{where}: value[{vk}] {got.value[vk]!r} != {vv!r}"
            else:
                assert _same(got.value, v), f"{where}: value {got.value!r} != {v!r}"
        elif k == "parts":
            for pid, pwant in v.items():
                _check(got.part(pid), pwant, f"{where} part {pid}")
        elif k in ("figures_lacks", "reason_lacks"):
            text = got.figures if k == "figures_lacks" else got.reason
            for piece in _pieces(v):
                assert piece not in text, f"{where}: {piece!r} should not be in {text!r}"
        elif k in ("figures_has", "reason_has", "value_has"):
            text = {"figures_has": got.figures, "reason_has": got.reason, "value_has": str(got.value)}[k]
            for piece in _pieces(v):
                assert piece in text, f"{where}: {piece!r} not in {text!r}"
        else:
            assert getattr(got, k) == v, f"{where}: {k} {getattr(got, k)!r} != {v!r}"


def _pieces(v: Any) -> list[str]:
    return [] if v is None else [str(v)] if isinstance(v, (str, int)) else [str(x) for x in v]


def _same(got: Any, want: Any) -> bool:
    if isinstance(got, Fraction) and isinstance(want, str) and "/" in want:
        return got == Fraction(want)
    if isinstance(got, date) and isinstance(want, (str, date)):
        return got == _date(want)
    if isinstance(got, (list, tuple)) and isinstance(want, list):
        return len(got) == len(want) and all(_same(a, b) for a, b in zip(got, want))
    return got == want


@pytest.mark.parametrize("file, table, case", list(_params()))
def test_case(file, table, case, kit):
    where = f"{file}::{case['name']}"
    assert case.get("output") or case.get("error"), f"{where}: a case states its expected results (output, or error)"
    if case.get("error"):
        with pytest.raises(RuleSetError) as exc:
            _evaluate(table, case, kit) if case.get("mode", table.get("mode")) == "case" else _call(table, case, kit)
        for piece in _pieces(case["error"]):
            assert piece in str(exc.value), f"{where}: {piece!r} not in {exc.value}"
        return
    if case.get("mode", table.get("mode")) == "case":
        report = _evaluate(table, case, kit)
        for key, want in case["output"].items():
            _check(_result_of(report, key), want, f"{where} [{key}]")
    else:
        _check(_call(table, case, kit), case["output"], where)


def test_every_table_is_collected():
    """The tables are data: each file is found and has cases (a file that parses to nothing is a mistake)."""
    assert len(TABLES) >= 5
    for path in TABLES:
        assert _load(path)["cases"], path.name
