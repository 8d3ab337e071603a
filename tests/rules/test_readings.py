"""The readings (jidi_xl/readings.py): each one explained, with its spec section; the rules cite existing ones."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from jidi_xl import readings
from jidi_xl.readings import READINGS
from jidi_xl.ruleset import load_ruleset

ROOT = Path(__file__).resolve().parents[2]
SOURCES = [*sorted((ROOT / "jidi_xl" / "rules").glob("*.py")), ROOT / "jidi_xl" / "evaluate.py",
           ROOT / "udfs" / "functions.py", ROOT / "udfs" / "registry.py"]


@pytest.mark.parametrize("key", list(READINGS))
def test_each_reading_is_explained_with_its_spec_section(key):
    r = READINGS[key]
    assert re.fullmatch(r"§\d+(, §\d+)*", r.section), r.section
    assert len(r.text) > 30 and r.text.strip() == r.text
    if r.param:
        load_ruleset().param(r.param)        # its switch or number is a parameter of the rule-set


def test_every_reading_named_by_the_rules_exists():
    named = set()
    for path in SOURCES:
        text = path.read_text(encoding="utf-8")
        for attr in re.findall(r"readings\.([A-Z][A-Z0-9_]+)\b", text):
            named.add(attr)
            assert hasattr(readings, attr), f"{path.name}: readings.{attr}"
        for key in re.findall(r'reading="(\w+)"', text):
            assert key in READINGS, f"{path.name}: reading={key!r}"
    assert len(named) >= 10


def test_an_unknown_reading_is_an_error():
    with pytest.raises(KeyError, match="no reading"):
        readings.reading("no_such_reading")
