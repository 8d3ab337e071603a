"""The field catalogue (jidi_xl/fields.py) is the one declaration of every input: the committed schema is its
output, group widths and cross-field checks are its declarations, and nothing loads a rule-set at import time.
That a field declared there — and nowhere else — is in the JSON Schema, the validation, the generated workbook,
the reader, the codec and the docs is ``tests/test_extension.py`` (with a new rule that reads it)."""
from __future__ import annotations

import json

import pytest

from jidi_xl import case as case_mod
from jidi_xl import checks
from jidi_xl import fields as F
from jidi_xl.ruleset import load_ruleset
from workbooks import layout

RS = load_ruleset()


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
