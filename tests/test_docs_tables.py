"""docs/case-format.md: every field table is generated from the field catalogue (issue 10, item 1).

Each object of the case — the top level, each section (``area``, ``conduct`` …) and each table of rows
(``firms.roster``, ``changes`` …) — has its table between ``<!-- BEGIN generated: table-… -->`` markers, made by
``jidi_xl.fields.doc_tables`` (``docs/make_docs.py``; ``jidi-xl regenerate --check`` fails when one is stale);
no table of fields is left written by hand outside them, and every declared field appears in one.
"""
from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

from jidi_xl import fields as F
from jidi_xl.ruleset import load_ruleset

ROOT = Path(__file__).resolve().parent.parent
DOC = (ROOT / "docs" / "case-format.md").read_text(encoding="utf-8")
BLOCK = re.compile(r"<!-- BEGIN generated: (?P<name>[\w-]+) -->\n(?P<body>.*?)<!-- END generated: (?P=name) -->", re.S)
HAVE = {m["name"]: m["body"] for m in BLOCK.finditer(DOC)}
OBJECTS = [n for n in F.walk() if isinstance(n, F.Section) or (isinstance(n, F.Table) and not n.inline)]


def _make_docs():
    spec = importlib.util.spec_from_file_location("make_docs_tables", ROOT / "docs" / "make_docs.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.mark.parametrize("node", OBJECTS, ids=lambda n: n.path or "(top)")
def test_each_object_has_its_generated_table(node):
    name = F.doc_block_name(node)
    want = F.doc_tables(load_ruleset(), _make_docs().code_link)[name]
    assert HAVE.get(name) == want, f"{name}: run python docs/make_docs.py"


def test_no_field_table_written_by_hand():
    outside = BLOCK.sub("", DOC)
    hand = [line for line in outside.splitlines() if re.match(r"\|\s*(字段|`rule`)\s*\|", line)]
    assert hand == []


@pytest.mark.parametrize("field", [f for f in F.fields() if f.type != "const"] +
                         [c for t in F.tables() for c in t.columns], ids=lambda f: f.path)
def test_every_field_is_in_a_section_table(field):
    # a field's row names it relative to its table: `building_m2`, or `members[].name` for an inline table
    bodies = "".join(HAVE.get(F.doc_block_name(n), "") for n in OBJECTS)
    assert f"| `{field.key}` |" in bodies or f"[].{field.key}` |" in bodies


def test_figures_come_from_the_ruleset():
    # a threshold in a 含义 is the rule-set's figure, never a copy (texts.fill): 5,000 m² from the parameters
    rs = load_ruleset()
    table = F.doc_tables(rs)["table-area"]
    assert f"{rs.p('art6_4.min_building_area_m2'):,}" in table and "{" not in table
