"""docs/case-format.md and docs/report-format.md say what the code does, and cannot go stale quietly.

The code tables and the size table are generated from the YAML data by docs/make_docs.py; the report
examples are real runs. Refresh with ``python docs/make_docs.py``.
"""
from __future__ import annotations

import importlib.util
import json
import re
from pathlib import Path

import pytest
import yaml

from jidi_xl.case import SCHEMA_PATH, parse_case
from jidi_xl.evaluate import evaluate_case
from jidi_xl.report import to_dict
from jidi_xl.rules import RULE_IDS
from jidi_xl.ruleset import PARAMS_DIR

ROOT = Path(__file__).resolve().parent.parent
CASE_DOC = (ROOT / "docs" / "case-format.md").read_text(encoding="utf-8")
REPORT_DOC = (ROOT / "docs" / "report-format.md").read_text(encoding="utf-8")


def _make_docs():
    spec = importlib.util.spec_from_file_location("make_docs", ROOT / "docs" / "make_docs.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _schema_properties(node: dict, out: set[str]) -> set[str]:
    for name, sub in (node.get("properties") or {}).items():
        out.add(name)
        _schema_properties(sub, out)
    if isinstance(node.get("items"), dict):
        _schema_properties(node["items"], out)
    return out


def test_generated_blocks_are_up_to_date():
    assert _make_docs().stale() == [], "run: python docs/make_docs.py"


@pytest.mark.parametrize("kind", list(yaml.safe_load((PARAMS_DIR / "codes.yaml").read_text(encoding="utf-8"))))
def test_every_code_is_documented_with_its_label(kind):
    codes = yaml.safe_load((PARAMS_DIR / "codes.yaml").read_text(encoding="utf-8"))[kind]
    for code, label in codes.items():
        assert f"| `{code}` | {label} |" in CASE_DOC, (kind, code)


def test_every_sector_of_the_size_table_is_documented():
    sectors = yaml.safe_load((PARAMS_DIR / "size_standards.yaml").read_text(encoding="utf-8"))["sectors"]
    for code, s in sectors.items():
        assert f"| `{code}` | {s['label']} |" in CASE_DOC, code


def test_every_schema_field_is_documented():
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    missing = [p for p in sorted(_schema_properties(schema, set())) if f"`{p}`" not in CASE_DOC
               and not re.search(rf"`[\w.\[\]]*\b{re.escape(p)}\b[\w.\[\]]*`", CASE_DOC)]
    assert missing == []
    assert "jidi_xl/schema/case.schema.json" in CASE_DOC


def test_every_overridable_rule_is_documented():
    for rule in RULE_IDS:
        assert f"| `{rule}` |" in CASE_DOC, rule


def test_the_full_example_is_a_valid_case_and_evaluates_as_described():
    block = CASE_DOC.split("<!-- example-case -->", 1)[1]
    raw = json.loads(re.search(r"```json\n(.*?)\n```", block, re.S)[1])
    out = to_dict(evaluate_case(parse_case(raw, source="docs/case-format.md")))
    rec = out["recognition"]
    assert rec["verdict"] == "FAIL"
    assert rec["failing_articles"] == ["第六条第（五）项"]
    a65 = next(c for c in rec["conditions"] if c["rule"] == "art6_5")
    assert a65["value"]["n"] == 2 and a65["value"]["resident_total"] == 4
    a69 = next(c for c in rec["conditions"] if c["rule"] == "art6_9")
    assert a69["outcome"] == "PASS" and a69["value"] == 0.9
    assert out["evaluation"]["grade"] == "fail" and out["evaluation"]["basic_outcome"] == "FAIL"
    assert [f["outcome"] for f in out["filings"]] == ["PASS"]


def _result_keys(r: dict, keys: set[str]) -> None:
    keys.update(r)
    if "override" in r:
        keys.update(r["override"])
    if r.get("rule") == "art6_5" and isinstance(r.get("value"), dict):
        keys.update(r["value"])
    for p in r.get("parts", []):
        _result_keys(p, keys)


def test_every_report_key_is_documented():
    keys: set[str] = set()
    for path in sorted((ROOT / "examples").glob("*.json")):
        out = to_dict(evaluate_case(parse_case(json.loads(path.read_text(encoding="utf-8")), str(path))))
        keys.update(out)
        for section in ("recognition", "evaluation"):
            if section in out:
                keys.update(out[section])
        rec, ev = out.get("recognition"), out.get("evaluation")
        results = (rec["conditions"] + [rec["encouraged"]] if rec else []) + out.get("filings", [])
        if ev:
            results += ev["basic_conditions"] + [ev[k] for k in ("participated", "art15", "score", "grade_result")]
        for r in results:
            _result_keys(r, keys)
    missing = sorted(k for k in keys if f"`{k}`" not in REPORT_DOC)
    assert missing == []


def test_exit_codes_are_documented():
    assert "| `0` |" in REPORT_DOC and "| `2` |" in REPORT_DOC
