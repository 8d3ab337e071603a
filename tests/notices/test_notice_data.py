"""Rule-sets have an effective period; each year's notice is a data file whose values the rules read."""
from __future__ import annotations

from datetime import date

import pytest

from jidi_xl.errors import RuleSetError
from jidi_xl.ruleset import (DEFAULT_RULESET, PARAMS_DIR, known_notices, load_ruleset, notice_for_evaluation,
                             notices_dir, parse_key, ruleset_for)

SHIPPED = known_notices()
NOTICE_PATHS = load_ruleset().data["notice_fixes"]


def test_at_least_two_notice_years_are_shipped():
    assert len(SHIPPED) >= 2 and SHIPPED == sorted(SHIPPED)
    assert [p.name for p in sorted(notices_dir(DEFAULT_RULESET).glob("*.yaml"))] == [f"{y}.yaml" for y in SHIPPED]


@pytest.mark.parametrize("year", SHIPPED)
def test_a_notice_overlays_exactly_its_paths(year):
    base, rs = load_ruleset(), load_ruleset(DEFAULT_RULESET, notice=year)
    assert (rs.notice, rs.key, rs.id) == (year, f"{DEFAULT_RULESET}@{year}", DEFAULT_RULESET)
    assert load_ruleset(rs.key) is rs                        # the key a workbook records loads the same object
    assert rs.notice_info.evaluation_year == year - 1 and notice_for_evaluation(year - 1) == year
    for p in NOTICE_PATHS:
        prm = rs.param(p)
        assert prm.source and prm.placeholder, p            # none of these figures is public: all 暂定
    # everything else is the rule-set's own (the Measures' figures): same value, same source
    for prm in base.parameters():
        if prm.path not in NOTICE_PATHS:
            assert rs.param(prm.path) == prm
    assert rs.p("recognition.application_deadline").year == year
    assert sum(i.get("weight", i["max_points"]) for i in rs.p("chapter4.rubric")) == rs.p("chapter4.max_score")


def test_without_a_notice_the_rule_set_stands_alone():
    rs = load_ruleset()
    assert (rs.notice, rs.key, rs.notice_info) == (None, DEFAULT_RULESET, None)
    with pytest.raises(KeyError, match="chapter4.rubric"):
        rs.p("chapter4.rubric")                             # only a notice gives a rubric


def test_the_shipped_years_differ_in_their_rubric():
    a, b = (load_ruleset(DEFAULT_RULESET, notice=y).p("chapter4.rubric") for y in SHIPPED[:2])
    assert a != b


@pytest.mark.parametrize("key, want", [("bj-2022", ("bj-2022", None)), ("bj-2022@2025", ("bj-2022", 2025)),
                                       (" bj-2022@2026 ", ("bj-2022", 2026))])
def test_keys(key, want):
    assert parse_key(key) == want


@pytest.mark.parametrize("args, words", [
    (("bj-2022", 2031), ["2031", "2025", "2026", "已知"]),
    (("bj-2022@2031",), ["2031", "已知"]),
    (("bj-2022", 1999), ["1999", "已知"]),
    (("bj-2022@25",), ["四位年份"]),
    (("bj-2022", "twenty"), ["四位年份"]),
    (("bj-2022@2025", 2026), ["不一致"]),
    (("bj-2099", 2025), ["未知规则集", "bj-2022"]),
    (("../../../tmp/evil",), ["不是有效的编号"]),
    (("bj-2022/x@2025",), ["不是有效的编号"]),
    (("",), ["不是有效的编号"]),
], ids=["unknown-year", "unknown-in-key", "old-year", "short-key", "not-a-year", "conflict", "unknown-ruleset",
        "path-traversal", "slash", "empty"])
def test_unknown_or_malformed_notices_are_refused_in_chinese(args, words):
    with pytest.raises(RuleSetError) as exc:
        load_ruleset(*args)
    for w in words:
        assert w in str(exc.value)


@pytest.mark.parametrize("ref, ok", [(date(2022, 5, 18), False), (date(2022, 5, 19), True), (date(2030, 1, 1), True)])
def test_ruleset_for_picks_by_reference_date(ref, ok):
    if ok:
        assert ruleset_for(ref).id == DEFAULT_RULESET
        assert ruleset_for(ref, SHIPPED[0]).key == f"{DEFAULT_RULESET}@{SHIPPED[0]}"
    else:
        with pytest.raises(RuleSetError, match=ref.isoformat()):
            ruleset_for(ref)


def test_effective_to_ends_a_rule_set():
    rs = load_ruleset()
    assert rs.effective_to is None and rs.in_force(date(2099, 1, 1))
    assert not rs.in_force(date(2022, 5, 18))


def test_notice_files_live_beside_their_rule_set():
    for y in SHIPPED:
        assert (PARAMS_DIR / DEFAULT_RULESET / "notices" / f"{y}.yaml").is_file()
