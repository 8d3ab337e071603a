"""Bad input (spec §10) and missing input (spec §0) in the case format.

Every bad input is an InputError naming the field, collected with every other problem — never a crash, never a
PASS. A missing input is REVIEW, never PASS or FAIL. Overrides need a written justification, are shown, and keep
the computed value.
"""
import pytest

from jidi_xl.case import parse_case
from jidi_xl.errors import InputError
from jidi_xl.evaluate import evaluate_case
from jidi_xl.report import render_text, to_dict
from jidi_xl.results import Outcome
from jidi_xl.rules import RULES
from jidi_xl.synth import fragment as at

P, F, R = Outcome.PASS, Outcome.FAIL, Outcome.REVIEW
# fields reached through the rules that read them, never by their keys
AREA, PUBLIC = RULES["art6_4"].reads
DISHONESTY = RULES["art6_2"].reads[-1]
OV = {"rule": "art6_4", "outcome": "PASS", "justification": "经现场核查，地下车库改建面积应计入", "reviewer": "张三"}


FULL_WIDTH = {ord(c): ord(c) + 0xFEE0 for c in "0123456789ABCDEFGHJKLMNPQRTUWXY"}   # ０１… Ａ…


def dup_roster(kit, second_code):
    rows = kit.roster({"ngit": 60})
    rows[1]["credit_code"] = second_code
    return rows


BAD = [
    # (id, override, field named)
    ("negative-building", at({AREA: -1}), AREA),
    ("negative-public", at({PUBLIC: -0.5}), PUBLIC),
    ("public-over-building", at({AREA: 5000, PUBLIC: 5001}), PUBLIC),
    ("rate-over-1", {"satisfaction": {"rate": 1.01, "satisfied": None, "responses": None}}, "satisfaction.rate"),
    ("rate-percent", {"satisfaction": {"rate": 90, "satisfied": None, "responses": None}}, "satisfaction.rate"),
    ("rate-negative", {"satisfaction": {"rate": -0.1, "satisfied": None, "responses": None}}, "satisfaction.rate"),
    ("satisfied-over-responses", {"satisfaction": {"satisfied": 31, "responses": 30}}, "satisfaction.satisfied"),
    ("zero-responses", {"satisfaction": {"satisfied": 0, "responses": 0}}, "satisfaction.responses"),
    ("rate-disagrees-with-counts", {"satisfaction": {"rate": 0.95, "satisfied": 27, "responses": 30}}, "satisfaction.rate"),
    ("unknown-industry", {"firms": {"roster": [{"name": "甲", "industry": "biotech"}]}}, "firms.roster[0].industry"),
    ("unknown-leading-industry", {"firms": {"leading_industries": ["biotech"]}}, "firms.leading_industries[0]"),
    ("three-leading-industries", {"firms": {"leading_industries": ["ngit", "ic", "health"]}}, "firms.leading_industries"),
    ("unknown-size-class", {"firms": {"roster": [{"name": "甲", "size_class": "tiny"}]}}, "firms.roster[0].size_class"),
    ("size-class-in-chinese", {"firms": {"roster": [{"name": "甲", "size_class": "小型"}]}}, "firms.roster[0].size_class"),
    ("unknown-sector", {"firms": {"roster": [{"name": "甲", "sector": "mining"}]}}, "firms.roster[0].sector"),
    ("text-in-employees", {"firms": {"roster": [{"name": "甲", "employees": "10人"}]}}, "firms.roster[0].employees"),
    ("fractional-employees", {"firms": {"roster": [{"name": "甲", "employees": 10.5}]}}, "firms.roster[0].employees"),
    ("negative-revenue", {"firms": {"roster": [{"name": "甲", "revenue_10k": -1}]}}, "firms.roster[0].revenue_10k"),
    ("firm-without-name", {"firms": {"roster": [{"industry": "ngit"}]}}, "firms.roster[0].name"),
    ("text-in-area", at({AREA: "5000平方米"}), AREA),
    ("number-as-text", at({AREA: "5000"}), AREA),
    ("boolean-in-area", at({AREA: True}), AREA),
    ("text-in-staff-count", {"staff": {"declared_qualified": "8人"}}, "staff.declared_qualified"),
    ("text-in-boolean", {"planning": {"fits_policy": "是"}}, "planning.fits_policy"),
    ("unknown-degree", {"staff": {"members": [{"name": "甲", "degree": "phd"}]}}, "staff.members[0].degree"),
    ("unknown-penalty-kind", {"conduct": {"penalties": [{"date": "2024-01-01", "kind": "fine", "subject": "unit"}]}},
     "conduct.penalties[0].kind"),
    ("unknown-service-function", {"service_functions": ["coffee"]}, "service_functions[0]"),
    ("bad-reference-date", {"recognition": {"reference_date": "2025-02-30"}}, "recognition.reference_date"),
    ("slashed-reference-date", {"recognition": {"reference_date": "2025/06/30"}}, "recognition.reference_date"),
    ("bad-established-date", {"operator": {"established_on": "2020-13-01"}}, "operator.established_on"),
    ("bad-penalty-date", {"conduct": {"penalties": [{"date": "2024-02-30", "kind": "criminal", "subject": "unit"}]}},
     "conduct.penalties[0].date"),
    ("bad-change-date", {"changes": [{"kind": "name", "changed_on": "2025-04-31"}]}, "changes[0].changed_on"),
    ("bad-filing-date", {"changes": [{"kind": "name", "changed_on": "2025-04-01", "filed_on": "2025-02-29"}]},
     "changes[0].filed_on"),
    ("filed-before-change", {"changes": [{"kind": "name", "changed_on": "2025-04-01", "filed_on": "2025-03-31"}]},
     "changes[0].filed_on"),
    ("bad-revocation-date", {"revocations": [{"date": "2023-02-29", "ground": "penalty"}]}, "revocations[0].date"),
    ("bad-decision-date", {"evaluation": {"year": 2024, "decision_date": "2025-13-01"}}, "evaluation.decision_date"),
    ("established-after-reference", {"operator": {"established_on": "2025-07-01"}}, "operator.established_on"),
    ("established-after-evaluation-year", {"recognition": None, "operator": {"established_on": "2025-01-01"},
                                           "evaluation": {"year": 2024}}, "operator.established_on"),
    ("override-without-justification", {"overrides": [{"rule": "art6_4", "outcome": "PASS"}]}, "overrides[0].justification"),
    ("override-short-justification", {"overrides": [dict(OV, justification="ok")]}, "overrides[0].justification"),
    ("override-blank-justification", {"overrides": [dict(OV, justification="      ")]}, "overrides[0].justification"),
    ("override-unknown-rule", {"overrides": [dict(OV, rule="art6_11")]}, "overrides[0].rule"),
    ("override-art8", {"overrides": [dict(OV, rule="art8")]}, "overrides[0].rule"),
    ("override-twice", {"overrides": [OV, OV]}, "overrides[1].rule"),
    ("override-bad-outcome", {"overrides": [dict(OV, outcome="符合")]}, "overrides[0].outcome"),
    ("neither-recognition-nor-evaluation", {"recognition": None}, "recognition / evaluation"),
    ("score-over-100", {"evaluation": {"year": 2024, "score": 100.5}}, "evaluation.score"),
    ("negative-score", {"evaluation": {"year": 2024, "score": -1}}, "evaluation.score"),
    ("evaluation-year-text", {"evaluation": {"year": "2024年"}}, "evaluation.year"),
    ("rubric-weights", {"evaluation": {"year": 2024, "rubric": {"indicators": [{"code": "a", "max_points": 90}],
                                                                 "experts": [{"scores": [80]}]}}},
     "evaluation.rubric.indicators"),
    ("rubric-score-count", {"evaluation": {"year": 2024, "rubric": {"indicators": [{"code": "a", "max_points": 100}],
                                                                     "experts": [{"scores": [80, 10]}]}}},
     "evaluation.rubric.experts[0].scores"),
    ("rubric-score-over-max", {"evaluation": {"year": 2024, "rubric": {"indicators": [{"code": "a", "max_points": 100}],
                                                                        "experts": [{"scores": [101]}]}}},
     "evaluation.rubric.experts[0].scores[0]"),
    ("wrong-format", {"format": "jidi-xl/case@2"}, "format"),
    ("no-base-name", {"base": {"name": ""}}, "base.name"),
]


@pytest.mark.parametrize("over, field", [pytest.param(o, f, id=i) for i, o, f in BAD])
def test_bad_input_is_an_input_error_naming_the_field(kit, over, field):
    over = {k: (kit.DROP if v is None and k == "recognition" else v) for k, v in over.items()}
    with pytest.raises(InputError) as exc:
        parse_case(kit.make(over))
    fields = [p.field for p in exc.value.problems]
    assert field in fields, fields
    assert all(p.message for p in exc.value.problems)
    assert field in str(exc.value)


@pytest.mark.parametrize("second", [str.strip, lambda c: f" {c.lower()} ", lambda c: c.translate(FULL_WIDTH)],
                         ids=["same", "case-and-spaces", "full-width"])
def test_duplicate_credit_codes(kit, second):
    with pytest.raises(InputError) as exc:
        parse_case(kit.make({"firms": {"roster": dup_roster(kit, second(kit.credit_code(0)))}}))
    assert [p.field for p in exc.value.problems] == ["firms.roster[1].credit_code"]
    assert "firms.roster[0]" in exc.value.problems[0].message


def test_firms_without_credit_code_are_not_duplicates(kit):
    rows = kit.roster({"ngit": 60})
    for r in rows:
        r["credit_code"] = None
    assert len(parse_case(kit.make({"firms": {"roster": rows}})).firms) == 60


def test_unknown_field_is_named(kit):
    with pytest.raises(InputError) as exc:
        parse_case(kit.make({"operater": {}}))
    assert "operater" in str(exc.value)


def test_every_problem_is_reported_at_once(kit):
    over = {**at({AREA: -1, PUBLIC: "五百"}), "satisfaction": {"rate": 2},
            "firms": {"roster": [{"name": "甲", "industry": "biotech"}]}}
    with pytest.raises(InputError) as exc:
        parse_case(kit.make(over))
    fields = {p.field for p in exc.value.problems}
    assert {AREA, PUBLIC, "satisfaction.rate", "firms.roster[0].industry"} <= fields


def test_semantic_problems_are_collected_together(kit):
    over = {**at({AREA: 5000, PUBLIC: 6000}), "satisfaction": {"satisfied": 40, "responses": 30},
            "operator": {"established_on": "2026-01-01"}}
    with pytest.raises(InputError) as exc:
        parse_case(kit.make(over))
    assert {p.field for p in exc.value.problems} == {PUBLIC, "satisfaction.satisfied",
                                                      "operator.established_on"}


@pytest.mark.parametrize("raw", [None, [], "case", 42], ids=["null", "list", "string", "number"])
def test_not_an_object(raw):
    with pytest.raises(InputError):
        parse_case(raw)


def test_established_on_the_reference_date_is_possible(kit):
    parse_case(kit.make({"operator": {"established_on": "2025-06-30"}}))


def test_penalty_after_the_reference_date_is_allowed_input(kit):
    parse_case(kit.make({"conduct": {"penalties": [{"date": "2026-01-01", "kind": "criminal", "subject": "unit"}]}}))


# ------------------------------------------------------------------ missing input → REVIEW
SECTIONS = [("operator", "art6_1"), ("conduct", "art6_2"), ("planning", "art6_3"), ("area", "art6_4"),
            ("firms", "art6_5"), ("governance", "art6_6"), ("management", "art6_7"), ("staff", "art6_8"),
            ("satisfaction", "art6_9"), ("service_station", "art6_10"), ("service_functions", "art7")]


@pytest.mark.parametrize("section, rule", SECTIONS, ids=[s for s, _ in SECTIONS])
def test_missing_section_is_review(run, kit, section, rule):
    rep = run({section: kit.DROP})
    assert kit.condition(rep, rule).outcome is R
    assert rep.recognition.verdict.outcome is R
    assert len(rep.recognition.failing_articles) == 1


LEAVES = [
    ("operator.independent_legal_person", "art6_1"), ("operator.registered_in_beijing", "art6_1"),
    ("operator.established_on", "art6_1"), ("operator.rolling_incubation", "art6_1"),
    ("conduct.good_operation", "art6_2"), (DISHONESTY, "art6_2"),
    (AREA, "art6_4"), (PUBLIC, "art6_4"),
    ("staff.declared_qualified", "art6_8"), ("satisfaction.satisfied", "art6_9"),
    ("satisfaction.responses", "art6_9"), ("satisfaction.free_public_service", "art6_9"),
    ("service_functions", "art7"),
]


@pytest.mark.parametrize("path, rule", LEAVES, ids=[p for p, _ in LEAVES])
def test_null_input_is_review_never_pass_or_fail(run, kit, path, rule):
    assert path in RULES[rule].reads        # the rule reads it, so leaving it out must matter
    rep = run(at({path: None}))
    assert kit.condition(rep, rule).outcome is R
    assert rep.recognition.verdict.outcome is R


def test_minimal_case_is_all_review(kit):
    rep = evaluate_case(parse_case({"format": "jidi-xl/case@1", "base": {"name": "空"},
                                    "recognition": {"reference_date": "2025-06-30"}}))
    outcomes = {r.rule: r.outcome for r in rep.recognition.conditions}
    assert outcomes.pop("art15") is P          # no revocation on record
    assert set(outcomes.values()) == {R}
    assert rep.recognition.verdict.outcome is R


def test_minimal_evaluation_is_review(kit):
    rep = evaluate_case(parse_case({"format": "jidi-xl/case@1", "base": {"name": "空"}, "evaluation": {"year": 2024}}))
    ev = rep.evaluation
    assert ev.participated.outcome is R and ev.score.outcome is R and ev.grade.outcome is R and ev.art15.outcome is R
    assert ev.stars is None and ev.funding_tier is None


def test_a_missing_input_that_cannot_matter_does_not_block(run, kit):
    # the general track carries, so whether the base is 高精尖 does not matter
    assert kit.condition(run({"firms": {"hpp_manufacturing": None}}), "art6_5").outcome is P


# ------------------------------------------------------------------ overrides
def test_override_is_shown_and_keeps_the_computed_value(kit):
    case = parse_case(kit.make({**at({AREA: 4000, PUBLIC: 600}), "overrides": [OV]}))
    rep = evaluate_case(case)
    r = kit.condition(rep, "art6_4")
    assert r.outcome is P and r.computed is F and r.overridden
    assert "4,000 < 5,000" in r.figures
    assert OV["justification"] in r.reason
    assert rep.recognition.verdict.outcome is P
    d = next(c for c in to_dict(rep)["recognition"]["conditions"] if c["rule"] == "art6_4")
    assert d["outcome"] == "PASS" and d["override"]["computed_outcome"] == "FAIL"
    assert d["override"]["justification"] == OV["justification"] and d["override"]["reviewer"] == "张三"
    assert "复核改判，原计算结果：不符合" in render_text(rep)


@pytest.mark.parametrize("rule, outcome, over, verdict", [
    ("art6_5", "PASS", {"firms": {"roster": [], "leading_industries": ["ngit"]}}, P),  # 原则上: a reviewer may accept fewer firms
    ("art6_1", "PASS", {"operator": {"independent_legal_person": False}}, P),       # 一般应: the legal-person clause
    ("art6_3", "FAIL", {}, F),                                                      # a reviewer may also fail an item
    ("art6_9", "REVIEW", {}, R),
    ("art15", "PASS", {"revocations": [{"date": "2024-06-01", "ground": "penalty"}]}, P),
], ids=["firms-principle", "legal-person", "fail-a-pass", "reopen", "ban"])
def test_overrides(run, kit, rule, outcome, over, verdict):
    rep = run({**over, "overrides": [dict(OV, rule=rule, outcome=outcome)]})
    r = kit.condition(rep, rule)
    assert r.outcome.value == outcome and r.overridden and r.computed is not None
    assert rep.recognition.verdict.outcome is verdict


def test_override_applies_to_the_evaluation_basic_check(kit):
    case = kit.make({"recognition": kit.DROP, **at({AREA: 4000}),
                     "evaluation": {"year": 2024, "participated": True, "false_materials": False, "score": 85},
                     "overrides": [OV]})
    ev = evaluate_case(parse_case(case)).evaluation
    assert ev.basic_outcome is P and ev.grade.value == "fair"
