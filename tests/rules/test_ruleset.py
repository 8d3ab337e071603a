"""The rule-set bj-2022: in force from 2022-05-19; every number of law is data with a source; none is in code."""
import ast
import re
from datetime import date
from fractions import Fraction
from pathlib import Path

import pytest

import jidi_xl.rules
from jidi_xl.case import parse_case
from jidi_xl.errors import InputError, RuleSetError
from jidi_xl.ruleset import load_ruleset

RULES_DIR = Path(jidi_xl.rules.__file__).parent


def test_identity(rs):
    assert rs.id == "bj-2022"
    assert rs.document == "京经信发〔2022〕38号"
    assert rs.effective_from == date(2022, 5, 19)
    assert rs.data["replaces"] == "京经信委发〔2019〕52号"
    assert rs.data["last_value_still_valid_on"]


# ------------------------------------------------------------------ not before it was in force
@pytest.mark.parametrize("ref, ok", [("2022-05-17", False), ("2022-05-18", False), ("2022-05-19", True),
                                     ("2022-05-20", True), ("2019-12-31", False)],
                         ids=["-2d", "-1d", "in-force", "+1d", "old-measures"])
def test_recognition_before_the_measures_is_refused(run, ref, ok):
    over = {"recognition": {"reference_date": ref}, "operator": {"established_on": "2015-01-01"}}
    if ok:
        assert run(over).recognition.reference_date == date.fromisoformat(ref)
    else:
        with pytest.raises(RuleSetError) as exc:
            run(over)
        msg = str(exc.value)
        assert ref in msg and "2022-05-19" in msg and "bj-2022" in msg


@pytest.mark.parametrize("year, ok", [(2020, False), (2021, False), (2022, True), (2023, True)])
def test_evaluation_year_before_the_measures_is_refused(run, kit, year, ok):
    over = {"recognition": kit.DROP, "operator": {"established_on": "2015-01-01"},
            "evaluation": {"year": year, "participated": True, "false_materials": False, "score": 85}}
    if ok:
        assert run(over).evaluation.year == year
    else:
        with pytest.raises(RuleSetError, match=f"{year}-12-31"):
            run(over)


def test_check_in_force_directly(rs):
    with pytest.raises(RuleSetError, match="2022-05-18"):
        rs.check_in_force(date(2022, 5, 18))
    rs.check_in_force(date(2022, 5, 19))


def test_unknown_ruleset_is_refused():
    with pytest.raises(RuleSetError, match="bj-2099"):
        load_ruleset("bj-2099")


def test_unknown_ruleset_in_a_case_names_the_field(kit):
    with pytest.raises(InputError) as exc:
        parse_case(kit.make({"ruleset": "bj-2099"}))
    assert exc.value.problems[0].field == "ruleset"


# ------------------------------------------------------------------ parameters
@pytest.mark.parametrize("path", ["art6_4.min_building_area", "art6_4.min_building_area_m2.value", "art6_9.min_rate",
                                  "art64.min_building_area_m2", "art6_5.general", "art6_5", "nothing"],
                         ids=["typo", "too-deep", "wrong-name", "wrong-article", "group", "article-group", "unknown"])
def test_a_typo_in_a_parameter_path_is_an_error(rs, path):
    with pytest.raises(KeyError):
        rs.p(path)


def test_every_parameter_has_a_source(rs):
    params = rs.parameters()
    assert len(params) >= 25
    for p in params:
        assert p.source and p.source.strip(), p.path
        assert p.value is not None or p.placeholder, p.path


def test_parameters_cover_every_number_the_rules_read(rs):
    """Every rs.p("…") path written in the rules exists in the data."""
    paths = set()
    for f in RULES_DIR.glob("*.py"):
        paths |= set(re.findall(r"""rs\.p\(\s*["']([a-z0-9_.]+)["']""", f.read_text(encoding="utf-8")))
    assert paths
    for track in ("general", "hpp"):                          # built with an f-string in firms.py
        paths |= {f"art6_5.{track}.min_firms", f"art6_5.{track}.min_concentration"}
    for path in paths:
        rs.p(path)


def test_ratios_are_exact_fractions(rs):
    for path in ("art6_5.general.min_concentration", "art6_5.hpp.min_concentration", "art6_9.min_satisfaction"):
        assert isinstance(rs.p(path), Fraction), path


def test_legal_numbers(rs):
    """The numbers of the Measures, pinned here as literals so that a wrong data value is caught."""
    assert rs.p("art6_1.min_years_established") == 2
    assert rs.p("art6_2.penalty_window_years") == 2
    assert rs.p("art6_4.min_building_area_m2") == 5000
    assert rs.p("art6_4.min_public_service_area_m2") == 500
    assert rs.p("art6_5.general.min_firms") == 60
    assert rs.p("art6_5.general.min_concentration") == Fraction(3, 5)
    assert rs.p("art6_5.hpp.min_firms") == 40
    assert rs.p("art6_5.hpp.min_concentration") == Fraction(4, 5)
    assert rs.p("art6_8.min_qualified_staff") == 8
    assert rs.p("art6_9.min_satisfaction") == Fraction(9, 10)
    assert rs.p("art7.min_functions") == 3
    assert rs.p("art15.ban_years") == 2
    assert rs.p("art17.filing_working_days") == 30


def test_changing_a_parameter_changes_the_rule(kit):
    """Thresholds are read from the data, not the code."""
    from jidi_xl.rules import art6_4_area
    rs2 = kit.ruleset_with({"art6_4": {"min_building_area_m2": {"value": 6000}}})
    assert art6_4_area(load_ruleset(), 5500, 600).outcome.value == "PASS"
    assert art6_4_area(rs2, 5500, 600).outcome.value == "FAIL"


# ------------------------------------------------------------------ no number of law in rule code
LAW_NUMBERS = {5000, 500, 60, 40, 0.6, 0.8, 0.9, 80, 90}


def _code_constants(path: Path):
    """(line, value) of every constant outside docstrings (comments are not in the AST)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
                docstrings.add(id(first.value))
    return [(n.lineno, n.value) for n in ast.walk(tree) if isinstance(n, ast.Constant) and id(n) not in docstrings]


# the rules, their readings and the evaluation of a whole case: no number of law in code or in a user-facing text
RULE_FILES = [*sorted(RULES_DIR.glob("*.py")), RULES_DIR.parent / "readings.py", RULES_DIR.parent / "evaluate.py"]


@pytest.mark.parametrize("path", RULE_FILES, ids=[p.name for p in RULE_FILES])
def test_no_number_of_law_in_rule_code(path):
    found = [(line, v) for line, v in _code_constants(path)
             if isinstance(v, (int, float)) and not isinstance(v, bool) and v in LAW_NUMBERS]
    assert not found, f"{path.name}: numbers of law in code (move them to params/bj-2022.yaml): {found}"


@pytest.mark.parametrize("path", RULE_FILES, ids=[p.name for p in RULE_FILES])
def test_no_threshold_written_into_output_text(path):
    """Reasons must not state a threshold the code does not check (e.g. "两年" while the parameter says 3)."""
    pattern = re.compile(r"(?<![\d.])(5000|5,000|500|60|40|80|90|8)(?![\d])\s*(%|家|人|平方米|m²|分)|两年|百分之")
    found = [(line, v) for line, v in _code_constants(path) if isinstance(v, str) and pattern.search(v)]
    assert not found, f"{path.name}: thresholds written into text: {found}"


def test_the_scan_would_catch_a_literal(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text('"""5000 in a docstring is fine."""\n# 60 in a comment is fine\nx = 5000\ny = "满两年"\n',
                   encoding="utf-8")
    consts = _code_constants(bad)
    assert (3, 5000) in consts and (4, "满两年") in consts
    assert all(v != "5000 in a docstring is fine." for _, v in consts)


def test_evaluation_in_force_through_whole_case(run):
    rep = run({"recognition": {"reference_date": "2022-05-19"}, "operator": {"established_on": "2020-05-19"}})
    assert rep.recognition.verdict.outcome.value == "PASS"
