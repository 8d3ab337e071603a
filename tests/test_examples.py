"""The example cases of ``examples/`` evaluate as their names say (expected results in
``examples/expected/results.json`` — in a subfolder because ``jidi-xl evaluate examples/`` reads every
``*.json`` of the folder as a case).

Every case goes through the real engine (``load_case`` → ``evaluate_case`` → ``to_dict``), the same path as
``jidi-xl evaluate``. An entry of the expected results may carry ``"xfail": "<reason>"`` while an engine bug is open.
"""
from __future__ import annotations

import importlib.util
import json
import re
from fractions import Fraction
from pathlib import Path

import pytest
from click.testing import CliRunner

from jidi_xl.case import FORMAT, load_case
from jidi_xl.cli import main
from jidi_xl.evaluate import evaluate_case
from jidi_xl.report import to_dict

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
EXPECTED = json.loads((EXAMPLES / "expected" / "results.json").read_text(encoding="utf-8"))
CASES = {k: v for k, v in EXPECTED.items() if not k.startswith("_")}
FILES = sorted(EXAMPLES.glob("*.json"))


def _params():
    for stem, exp in CASES.items():
        marks = [pytest.mark.xfail(reason=exp["xfail"], strict=True)] if exp.get("xfail") else []
        yield pytest.param(stem, exp, id=stem, marks=marks)


def test_every_example_has_expected_results():
    assert {p.stem for p in FILES} == set(CASES)
    assert len(FILES) >= 10


@pytest.mark.parametrize("stem,exp", list(_params()))
def test_example(stem, exp):
    path = EXAMPLES / f"{stem}.json"
    raw = json.loads(path.read_text(encoding="utf-8"))
    assert raw["format"] == FORMAT
    assert raw["case_id"] == stem
    assert re.search(r"[\u4e00-\u9fff]", raw["description"])
    out = to_dict(evaluate_case(load_case(path)))

    rec_exp, rec = exp["recognition"], out.get("recognition")
    if rec_exp is None:
        assert rec is None
    else:
        assert rec["verdict"] == rec_exp["verdict"], rec["failing_articles"]
        assert rec["failing_articles"] == rec_exp["failing_articles"]
        conds = {c["rule"]: c for c in rec["conditions"]}
        if "art6_5" in rec_exp:
            a65, want = conds["art6_5"], rec_exp["art6_5"]
            if "track" in want:
                assert a65["value"]["track"] == want["track"]
            for key in ("n", "pending"):
                if key in want:
                    assert a65["value"][key] == want[key]
            if "ratio" in want:
                assert a65["value"]["ratio"] == pytest.approx(float(Fraction(want["ratio"])))
            if "parts" in want:
                assert {p["rule"]: p["outcome"] for p in a65["parts"]} == want["parts"]
        overridden = {r: c["override"]["computed_outcome"] for r, c in conds.items() if "override" in c}
        assert overridden == rec_exp.get("overridden", {})

    ev_exp, ev = exp["evaluation"], out.get("evaluation")
    if ev_exp is None:
        assert ev is None
    else:
        for key in ("grade", "stars", "funding_tier", "basic_outcome"):
            if key in ev_exp:
                assert ev[key] == ev_exp[key], key
        if "score" in ev_exp:
            assert ev["score"]["value"] == pytest.approx(ev_exp["score"])

    assert [f["outcome"] for f in out.get("filings", [])] == exp.get("filings", [])


def test_generator_reproduces_the_committed_files(tmp_path):
    """examples/make_examples.py is deterministic and the committed cases are exactly what it writes."""
    spec = importlib.util.spec_from_file_location("make_examples", EXAMPLES / "make_examples.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    written = mod.write(tmp_path)
    assert sorted(p.name for p in written) == [p.name for p in FILES]
    for p in written:
        assert p.read_text(encoding="utf-8") == (EXAMPLES / p.name).read_text(encoding="utf-8"), p.name


# GB 32100-2015 统一社会信用代码: 17 characters and a check character over a 31-character alphabet.
_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def _valid_credit_code(code: str) -> bool:
    if len(code) != 18 or any(c not in _ALPHABET for c in code):
        return False
    c = 31 - sum(_ALPHABET.index(ch) * w for ch, w in zip(code, _WEIGHTS)) % 31
    return code[17] == _ALPHABET[c % 31]


def test_rosters_look_real():
    """Valid, unique credit codes; Beijing firms coded 11xxxx, the others not; sizes mostly derived."""
    assert _valid_credit_code("91110108551385082Q")          # a real code checks out
    assert not _valid_credit_code("91110108551385082R")
    codes, derived, declared = set(), 0, 0
    for path in FILES:
        roster = json.loads(path.read_text(encoding="utf-8"))["firms"]["roster"]
        for f in roster:
            code = f["credit_code"]
            assert _valid_credit_code(code), (path.name, f["name"], code)
            assert code not in codes, code
            codes.add(code)
            assert code[2:4] == "11" if f["beijing_registered"] else code[2:4] != "11"
            assert f["name"].startswith("北京") == f["beijing_registered"]
            if f.get("size_class"):
                declared += 1
            else:
                derived += 1
    assert derived > 4 * declared > 0


def test_cli_evaluates_the_examples_folder():
    res = CliRunner().invoke(main, ["evaluate", str(EXAMPLES), "--json"])
    assert res.exit_code == 0, res.output
    reports = json.loads(res.stdout)
    assert [r["case_id"] for r in reports] == [p.stem for p in FILES]
