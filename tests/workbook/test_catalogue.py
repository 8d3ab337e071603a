"""The field catalogue (jidi_xl/fields.py) is the one declaration of every input: a field declared there —
and nowhere else — is in the JSON Schema, the validation, the generated workbook (a defined name with its
data validation), the reader, the codec and the docs tables."""
from __future__ import annotations

import dataclasses
import json
import zipfile

import pytest

from jidi_xl import case as case_mod
from jidi_xl import checks
from jidi_xl import fields as F
from jidi_xl.errors import InputError
from jidi_xl.ruleset import load_ruleset
from workbooks import docs, layout
from workbooks.codec import case_cells
from workbooks.generate import write_book
from workbooks.reader import defined_names, read_case

RS = load_ruleset()
EXTRA = F.Field("site_visits", "integer", "现场核查次数（次）", "评价年度内的现场核查次数", "in_site_visits", unit="次",
                minimum=0, maximum=12)


@pytest.fixture
def extended(monkeypatch):
    """The catalogue with one more field in the evaluation section, on the 绩效评价 sheet (after 评价总分)."""
    ev = F.find("evaluation")
    new_ev = dataclasses.replace(ev, items=ev.items + (EXTRA,))
    root = dataclasses.replace(F.CASE, items=tuple(new_ev if x is ev else x for x in F.CASE.items))
    monkeypatch.setattr(F, "CASE", F._set_paths(dataclasses.replace(root, path=""), ""))
    g = F.GROUP["evaluation"]
    g2 = dataclasses.replace(g, fields=g.fields + ("evaluation.site_visits",), articles=g.articles + ("第十三条",))
    monkeypatch.setattr(F, "GROUPS", tuple(g2 if x is g else x for x in F.GROUPS))
    monkeypatch.setitem(F.GROUP, "evaluation", g2)
    monkeypatch.setattr(case_mod, "_VALIDATORS", {})       # validators are built from the catalogue, once per rule-set
    return layout.build(RS)


def _case(**evaluation):
    return {"format": F.FORMAT, "base": {"name": "测试基地"}, "evaluation": {"year": 2024, **evaluation}}


def test_the_extra_field_is_in_the_schema_and_validated(extended):
    prop = F.case_schema(RS)["properties"]["evaluation"]["properties"]["site_visits"]
    assert prop == {"type": ["integer", "null"], "minimum": 0, "maximum": 12}
    assert case_mod.parse_case(_case(site_visits=3)).get("evaluation.site_visits") == 3
    with pytest.raises(InputError) as exc:
        case_mod.parse_case(_case(site_visits=13))
    assert [p.field for p in exc.value.problems] == ["evaluation.site_visits"]


def test_the_extra_field_is_a_named_input_of_the_workbook_and_read_back(extended, tmp_path):
    n = extended["in_site_visits"]
    assert (n.sheet, n.json, n.kind, n.label) == (F.S_EVAL, "evaluation.site_visits", "int", EXTRA.label)
    raw = _case(site_visits=4, participated=True)
    cells = case_cells(raw, extended)
    assert cells[(n.sheet, n.row, n.col)] == 4
    book = tmp_path / "extended.xlsx"
    book.write_bytes(write_book(cells, None, L=extended))
    assert defined_names(book)["in_site_visits"][:3] == (n.sheet, n.row, n.col)
    with zipfile.ZipFile(book) as z:          # the cell's data validation (integer ≥ 0) and input message
        sheet_xml = "".join(z.read(i).decode() for i in z.namelist() if i.startswith("xl/worksheets/sheet"))
    assert EXTRA.help in sheet_xml
    got = read_case(book, layout=extended)
    assert got["evaluation"]["site_visits"] == 4 and got["evaluation"]["participated"] is True


def test_the_extra_field_is_in_the_docs_tables(extended):
    assert "| `in_site_visits` |" in docs.render(extended)
    assert any(r[0] == "`evaluation.site_visits`" and r[-1] == "`in_site_visits`" for r in F.reference_rows(RS))
    assert "`evaluation.site_visits` | integer | 次 | ≥ 0，≤ 12" in F.markdown_table(RS)


def test_the_committed_schema_is_the_catalogues():
    assert json.loads(case_mod.SCHEMA_PATH.read_text(encoding="utf-8")) == F.case_schema(RS)
    assert F.main(["--check"]) == 0


@pytest.mark.parametrize("group, width", [("art6_1", 3), ("art6_3", 3), ("art6_6", 4), ("art6_7", 5), ("art6_10", 4),
                                          ("art7", len(RS.codes["service_functions"])),
                                          ("art8", len(RS.codes["encouraged_features"]))])
def test_group_widths_are_the_catalogues(group, width):
    L = layout.layout_for(RS)
    assert F.width(group, RS) == width
    g = F.GROUP[group]
    assert L[g.flags or F.find(g.codeflags).name].nrows == width


@pytest.mark.parametrize("check, small, big, bad", [
    ("public_space", 600, 500, True), ("public_space", 500, 500, False), ("public_space", None, 500, False),
    ("satisfied", 31, 30, True), ("satisfied", 30, 30, False),
])
def test_cross_field_checks_are_declared_once(check, small, big, bad):
    msg = checks.not_more(check, small, big)
    assert bool(msg) is bad
    if bad:
        assert str(small) in msg and str(big) in msg


def test_nothing_loads_a_ruleset_at_import_time():
    import subprocess
    import sys

    code = ("import jidi_xl.ruleset as r, functools\n"
            "calls = []\n"
            "orig = r.load_ruleset\n"
            "r.load_ruleset = lambda *a, **k: calls.append(a) or orig(*a, **k)\n"
            "import workbooks.layout, workbooks.codec, workbooks.reader, workbooks.generate, udfs.tables, udfs.functions\n"
            "import jidi_xl.pipeline.standard, jidi_xl.report.check\n"
            "print(len(calls))\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "0", out.stderr
