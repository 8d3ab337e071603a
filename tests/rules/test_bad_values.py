"""Issue 7: no wrong verdict from a bad value, every problem reported at once, one bad part never hides the rest.

Tables of cases at, below and above each bound introduced (jidi_xl/values.py, jidi_xl/case.py): the JSON file
(size, encoding, depth, NaN/Infinity/overflow, duplicate keys), non-finite and absurd numbers in a case dict
(as the workbook reader hands them over), dates, 统一社会信用代码, unknown fields with the closest name, null
as "not filled", revocations after the reference date. Every refusal is an :class:`InputError` (nothing else
escapes ``load_case``/``parse_case``) whose problem names the field, in Chinese; nothing refused is evaluated,
so nothing refused becomes PASS.
"""
from __future__ import annotations

import copy
import json
import math
import re
from datetime import date

import pytest

from jidi_xl import values
from jidi_xl.case import MAX_CASE_BYTES, MAX_DEPTH, MAX_PROBLEMS, SCHEMA_PATH, load_case, parse_case
from jidi_xl.errors import InputError
from jidi_xl.evaluate import evaluate_case
from jidi_xl.report import to_dict
from jidi_xl.results import Outcome
from jidi_xl.rules import RULES
from jidi_xl.synth import fragment as at

P, F, R = Outcome.PASS, Outcome.FAIL, Outcome.REVIEW
CJK = re.compile(r"[\u4e00-\u9fff]")
# the fields under attack, reached through the rule that reads them (第六条第（四）项), never by their keys
AREA, PUBLIC = RULES["art6_4"].reads
SECTION, AREA_KEY = AREA.split(".")
PUBLIC_KEY = PUBLIC.split(".")[1]


def misspelt(path: str) -> str:
    """``path`` with the 4th and 5th letters of its key swapped (a typo whose closest known name is ``path``)."""
    head, _, key = path.rpartition(".")
    return f"{head}.{key[:3]}{key[4]}{key[3]}{key[5:]}"


AREA_TYPO = misspelt(AREA)


def refused(call, field: str, *words: str) -> InputError:
    """``call()`` raises InputError (and nothing else), one of whose problems names ``field`` in Chinese."""
    with pytest.raises(InputError) as exc:
        call()
    problems = exc.value.problems
    named = [p for p in problems if p.field == field]
    assert named, [str(p) for p in problems]
    assert all(CJK.search(p.message) for p in problems)
    for w in words:
        assert any(w in p.message for p in named), [p.message for p in named]
    return exc.value


def area_of(case) -> Outcome:
    return next(r for r in evaluate_case(case).recognition.conditions if r.rule == "art6_4").outcome


# -- the JSON file ------------------------------------------------------------------------------------

def _text(kit, over=None) -> str:
    return json.dumps(kit.make(over), ensure_ascii=False)


def _set_area(kit, literal: str) -> str:
    t = _text(kit)
    assert f'"{AREA_KEY}": 8000' in t
    return t.replace(f'"{AREA_KEY}": 8000', f'"{AREA_KEY}": {literal}')


NUMBER_LITERALS = [
    # (id, JSON literal for the building area AREA, accepted?)
    ("NaN", "NaN", False), ("Infinity", "Infinity", False), ("-Infinity", "-Infinity", False),
    ("1e999", "1e999", False), ("-1e999", "-1e999", False), ("1E400", "1E400", False),
    ("1e308", "1e308", False),                       # finite, but no building is 10^308 m²
    ("5000-digit-int", "9" * 5000, False),           # Python refuses to convert it at all
    ("20-digit-int", "9" * 20, False),
    ("at-max", "1e12", True), ("max-as-int", "1000000000000", True),
    ("above-max", "1000000000001", False), ("above-max-float", "1.0000001e12", False),
]


@pytest.mark.parametrize("literal, accepted", [pytest.param(l, a, id=i) for i, l, a in NUMBER_LITERALS])
def test_number_literals_in_a_json_file(kit, tmp_path, literal, accepted):
    path = tmp_path / "case.json"
    path.write_text(_set_area(kit, literal), encoding="utf-8")
    if accepted:
        assert area_of(load_case(path)) is P
    else:
        refused(lambda: load_case(path), AREA, "数")


@pytest.mark.parametrize("where, literal", [
    ('"rate": NaN', "satisfaction.rate"),
    ('"score": Infinity', "evaluation.score"),
])
def test_nan_in_a_rate_or_a_score_is_named(kit, tmp_path, where, literal):
    over = {"satisfaction": {"rate": 0.5, "satisfied": None, "responses": None}, "evaluation": {"year": 2024, "score": 50}}
    t = _text(kit, over).replace('"rate": 0.5', '"rate": NaN').replace('"score": 50', '"score": Infinity')
    path = tmp_path / "case.json"
    path.write_text(t, encoding="utf-8")
    refused(lambda: load_case(path), literal, "NaN" if "NaN" in where else "Infinity")


def _nested(k: int) -> str:
    return "[" * k + "]" * k


@pytest.mark.parametrize("levels, too_deep", [(MAX_DEPTH - 1, False), (MAX_DEPTH, True), (MAX_DEPTH + 1, True),
                                              (900, True), (100_000, True)],
                         ids=["below", "at", "above", "900", "100000"])
def test_nesting_depth(kit, tmp_path, levels, too_deep):
    """``description`` nested ``levels`` arrays deep: always a type error; the depth is named from MAX_DEPTH on,
    and 100,000 levels (Python's own parser gives up) is an InputError too, never a RecursionError."""
    t = _text(kit, {"description": "X"}).replace('"description": "X"', f'"description": {_nested(levels)}')
    path = tmp_path / "case.json"
    path.write_text(t, encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_case(path)
    text = str(exc.value)
    assert ("嵌套" in text) is too_deep
    if levels < 1000:
        assert any(p.field.startswith("description") for p in exc.value.problems)


@pytest.mark.parametrize("pad, ok", [(-1, True), (0, True), (1, False)], ids=["below", "at", "above"])
def test_size_cap(kit, tmp_path, pad, ok):
    body = _text(kit).encode()
    path = tmp_path / "case.json"
    path.write_bytes(body + b" " * (MAX_CASE_BYTES - len(body) + pad))
    assert path.stat().st_size == MAX_CASE_BYTES + pad
    if ok:
        assert load_case(path).base_name
    else:
        refused(lambda: load_case(path), str(path), "MiB")


FILES = [
    # (id, bytes of the file (from the valid case text), field named or None for the file itself, words)
    ("empty", lambda t: b"", None, ["为空"]),
    ("whitespace", lambda t: b" \n\t ", None, ["为空"]),
    ("gbk", lambda t: t.encode("gbk"), "第1行", ["UTF-8"]),
    ("utf16", lambda t: t.encode("utf-16"), None, ["UTF-16"]),
    ("utf16-be", lambda t: b"\xfe\xff" + t.encode("utf-16-be"), None, ["UTF-16"]),
    ("top-level-array", lambda t: f"[{t}]".encode(), "(根)", ["数组"]),
    ("top-level-string", lambda t: b'"case"', "(根)", ["文本"]),
    ("top-level-number", lambda t: b"42", "(根)", ["数字"]),
    ("top-level-null", lambda t: b"null", "(根)", ["null"]),
    ("trailing-comma", lambda t: (t[:-1] + ",}").encode(), "第1行第{col}列", ["双引号"]),
    ("two-objects", lambda t: (t + t).encode(), "第1行第{col2}列", ["多余"]),
    ("single-quotes", lambda t: t.replace('"format"', "'format'").encode(), "第1行第2列", ["双引号"]),
    ("truncated", lambda t: t[:100].encode(), None, ["JSON 语法错误"]),
    ("duplicate-key", lambda t: t.replace(f'"{SECTION}": {{', f'"{SECTION}": {{"{AREA_KEY}": 1, ').encode(), AREA, ["2 次"]),
    ("duplicate-section", lambda t: t.replace(f'"{SECTION}": {{', f'"{SECTION}": {{}}, "{SECTION}": {{').encode(), SECTION,
     ["2 次"]),
]


@pytest.mark.parametrize("make, field, words", [pytest.param(m, f, w, id=i) for i, m, f, w in FILES])
def test_broken_files(kit, tmp_path, make, field, words):
    t = _text(kit)
    path = tmp_path / "case.json"
    path.write_bytes(make(t))
    with pytest.raises(InputError) as exc:
        load_case(path)
    problems = exc.value.problems
    assert all(CJK.search(p.message) for p in problems), problems
    if field is None:
        assert problems[0].field.startswith((str(path), "第"))
    elif "{col" in field:
        assert problems[0].field.startswith("第1行第")
    else:
        assert field in [p.field for p in problems], problems
    for w in words:
        assert any(w in p.message for p in problems), problems


def test_utf8_byte_order_mark_is_accepted(kit, tmp_path):
    path = tmp_path / "case.json"
    path.write_bytes(b"\xef\xbb\xbf" + _text(kit).encode())
    assert evaluate_case(load_case(path)).recognition.verdict.outcome is P


@pytest.mark.parametrize("target", ["missing.json", "."], ids=["missing", "a-folder"])
def test_unreadable_paths(tmp_path, target):
    path = tmp_path / target
    with pytest.raises(InputError) as exc:
        load_case(path)
    assert CJK.search(str(exc.value)) and exc.value.problems[0].field == str(path)


def test_the_file_is_not_modified(kit, tmp_path):
    path = tmp_path / "case.json"
    path.write_text(_set_area(kit, "NaN"), encoding="utf-8")
    before = (path.read_bytes(), path.stat().st_mtime_ns)
    with pytest.raises(InputError):
        load_case(path)
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before


def test_a_flood_of_bad_values_is_capped(kit, tmp_path):
    """10,000 NaN: the first MAX_PROBLEMS are listed with their paths, then one line saying there are more."""
    t = _text(kit, {"description": "X"}).replace('"description": "X"', '"description": [' + ",".join(["NaN"] * 10_000) + "]")
    path = tmp_path / "case.json"
    path.write_text(t, encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_case(path)
    assert len(exc.value.problems) == MAX_PROBLEMS + 1
    assert exc.value.problems[0].field == "description[0]" and exc.value.problems[-1].field == "(更多)"


# -- non-finite and absurd numbers in a case dict (what the workbook reader hands over) -----------------

NAN, INF = float("nan"), float("inf")
DICT_VALUES = [
    ("area-inf", at({AREA: INF}), AREA),
    ("area-minus-inf", at({AREA: -INF}), AREA),
    ("area-nan", at({PUBLIC: NAN}), PUBLIC),
    ("area-1e13", at({AREA: 1e13}), AREA),
    ("area-huge-int", at({AREA: 10 ** 400}), AREA),
    ("rate-nan", {"satisfaction": {"rate": NAN, "satisfied": None, "responses": None}}, "satisfaction.rate"),
    ("responses-inf", {"satisfaction": {"responses": INF}}, "satisfaction.responses"),
    ("employees-nan", {"firms": {"roster": [{"name": "甲", "employees": NAN}]}}, "firms.roster[0].employees"),
    ("revenue-inf", {"firms": {"roster": [{"name": "甲", "revenue_10k": INF}]}}, "firms.roster[0].revenue_10k"),
    ("score-nan", {"evaluation": {"year": 2024, "score": NAN}}, "evaluation.score"),
    ("expert-score-inf", {"evaluation": {"year": 2024, "rubric": {
        "indicators": [{"code": "a", "max_points": 100}], "experts": [{"scores": [INF]}]}}}, "evaluation.rubric.experts[0].scores[0]"),
    ("max-points-nan", {"evaluation": {"year": 2024, "rubric": {
        "indicators": [{"code": "a", "max_points": NAN}], "experts": [{"scores": [80]}]}}},
     "evaluation.rubric.indicators[0].max_points"),
    ("staff-count-inf", {"staff": {"declared_qualified": INF}}, "staff.declared_qualified"),
    ("year-nan", {"evaluation": {"year": NAN}}, "evaluation.year"),
    ("nan-in-unknown-field", at({f"{SECTION}.extra": NAN}), f"{SECTION}.extra"),
]


@pytest.mark.parametrize("over, field", [pytest.param(o, f, id=i) for i, o, f in DICT_VALUES])
def test_non_finite_and_absurd_numbers_anywhere(kit, over, field):
    refused(lambda: parse_case(kit.make(over)), field)


def test_a_refused_value_is_reported_once(kit):
    """NaN where a number is required is one problem (not also "missing" or "wrong type")."""
    exc = refused(lambda: parse_case(kit.make({"evaluation": {"year": 2024, "rubric": {
        "indicators": [{"code": "a", "max_points": NAN}], "experts": [{"scores": [80]}]}}})),
        "evaluation.rubric.indicators[0].max_points")
    assert [p.field for p in exc.problems] == ["evaluation.rubric.indicators[0].max_points"]


@pytest.mark.parametrize("b, ok", [(1e12, True), (1e12 + 1, False), (-1e12 - 1, False)], ids=["at", "above", "below"])
def test_quantity_bound(kit, b, ok):
    over = at({AREA: b})
    if ok:
        assert area_of(parse_case(kit.make(over))) is P
    else:
        refused(lambda: parse_case(kit.make(over)), AREA)


def test_the_input_dict_is_not_modified(kit):
    raw = kit.make(at({AREA: NAN, AREA_TYPO: 1, "encouraged": None}))
    before = repr(raw)
    with pytest.raises(InputError):
        parse_case(raw)
    assert repr(raw) == before


# -- number text (cells) ----------------------------------------------------------------------------

@pytest.mark.parametrize("text, value", [
    ("5000", 5000), (" 4999.9 ", 4999.9), ("1,234", 1234), ("1,234,567", 1234567), ("1,234,567.5", 1234567.5),
    ("999", 999), ("1e3", 1000), ("-12", -12), (".5", 0.5), ("５０００", 5000), ("1e12", 1e12),
])
def test_number_text_accepted(text, value):
    assert values.parse_number_text(text) == value


@pytest.mark.parametrize("text, words", [
    ("4999,9", "小数点请用"), ("1,23", "小数点请用"), ("1,2345", "小数点请用"), ("12,34,567", "小数点请用"),
    (",5", "小数点请用"), ("1,234,", "小数点请用"), ("4999，9", "小数点请用"), ("1,234.5,6", "小数点请用"),
    ("inf", "无穷大"), ("-Infinity", "无穷大"), ("nan", "NaN"), ("1e999", "无穷大"), ("1.0000001e12", "可信范围"),
    ("5000平方米", "只填数字"), ("1_000", "只填数字"), ("5 000", "只填数字"), ("", "只填数字"),
])
def test_number_text_refused(text, words):
    with pytest.raises(values.NumberTextError) as exc:
        values.parse_number_text(text)
    assert words in str(exc.value)


# -- dates ----------------------------------------------------------------------------------------

def test_date_window_matches_the_schema():
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert schema["properties"]["evaluation"]["properties"]["year"]["maximum"] == values.LATEST_DATE.year


@pytest.mark.parametrize("established, ok", [("1949-09-30", False), ("1949-10-01", True), ("1949-10-02", True)],
                         ids=["below", "at", "above"])
def test_earliest_date(kit, established, ok):
    over = {"operator": {"established_on": established}}
    if ok:
        assert parse_case(kit.make(over)).get("operator.established_on") == established
    else:
        refused(lambda: parse_case(kit.make(over)), "operator.established_on", "1949-10-01")


@pytest.mark.parametrize("field, over", [
    ("conduct.penalties[0].date", {"conduct": {"penalties": [{"date": "1905-07-16", "kind": "criminal", "subject": "unit"}]}}),
    ("changes[0].changed_on", {"changes": [{"kind": "name", "changed_on": "1905-07-16"}]}),
    ("changes[0].filed_on", {"changes": [{"kind": "name", "changed_on": "2025-01-02", "filed_on": "2101-01-01"}]}),
    ("revocations[0].date", {"revocations": [{"date": "0001-01-01", "ground": "penalty"}]}),
    ("evaluation.decision_date", {"evaluation": {"year": 2024, "decision_date": "9999-12-31"}}),
], ids=["penalty-1905", "change-1905", "filed-2101", "revoked-year-1", "decision-9999"])
def test_dates_outside_the_window(kit, field, over):
    refused(lambda: parse_case(kit.make(over)), field, "不是可信的日期")


@pytest.mark.parametrize("revoked, ground, outcome", [
    ("2025-06-29", "penalty", F), ("2025-06-30", "penalty", F), ("2025-07-01", "penalty", None),
    ("2025-07-01", "evaluation_failed", None), ("2023-06-30", "penalty", P),
], ids=["before", "on", "after", "after-art14", "two-years-before"])
def test_revocation_after_the_reference_date_is_an_error(kit, revoked, ground, outcome):
    """Spec §8/§10: a revocation after the reference date (2025-06-30) is impossible input, whatever its ground."""
    over = {"revocations": [{"date": "2020-01-01", "ground": "evaluation_failed"}, {"date": revoked, "ground": ground}]}
    if outcome is None:
        refused(lambda: parse_case(kit.make(over)), "revocations[1].date", "晚于")
    else:
        ban = kit.condition(evaluate_case(parse_case(kit.make(over))), "art15")
        assert ban.outcome is outcome
        assert "已满" not in ban.figures or outcome is P


def test_revocation_after_the_year_in_an_evaluation_only_case_is_accepted(kit):
    """No rule of the evaluation reads revocations, and its 第十五条 decision may come after 12-31."""
    case = parse_case(kit.make({"recognition": kit.DROP, "evaluation": {"year": 2024},
                                "revocations": [{"date": "2025-03-01", "ground": "false_materials"}]}))
    assert evaluate_case(case).evaluation.year == 2024


# -- 统一社会信用代码 --------------------------------------------------------------------------------

GOOD = "91110108551385082Q"     # a real code (published), as tests/test_examples.py


@pytest.mark.parametrize("code, problem", [
    (GOOD, None), ("91110108551385082R", "校验位"), ("91110108551385082", "17 位"), (GOOD + "0", "19 位"),
    ("9111010855138508IQ", "无效字符"), ("9111010855138508OQ", "无效字符"), ("91110108-51385082Q", "无效字符"),
    ("911101085513850 2Q", "无效字符"),
])
def test_credit_code_check(code, problem):
    got = values.credit_code_problem(code)
    assert (got is None) if problem is None else (problem in got)


def test_check_character_reproduces_every_example_code():
    from pathlib import Path
    root = Path(__file__).resolve().parents[2] / "examples"
    codes = [f["credit_code"] for p in root.glob("*.json")
             for f in json.loads(p.read_text(encoding="utf-8"))["firms"]["roster"]]
    assert len(codes) > 100
    assert all(values.credit_code_problem(c) is None for c in codes)


@pytest.mark.parametrize("code, ok", [
    (lambda kit: kit.credit_code(5), True),
    (lambda kit: " " + kit.credit_code(5).lower() + " ", True),
    (lambda kit: kit.credit_code(5)[:-1] + ("0" if kit.credit_code(5)[-1] != "0" else "1"), False),
    (lambda kit: kit.credit_code(5)[:17], False),
    (lambda kit: "", True),                          # blank: no code entered (no duplicate check either)
], ids=["valid", "lower-case-spaces", "bad-check-character", "17-characters", "blank"])
def test_credit_code_in_the_roster_names_the_row(kit, code, ok):
    rows = kit.roster({"ngit": 60})
    rows[5]["credit_code"] = code(kit)
    case = kit.make({"firms": {"roster": rows}})
    if ok:
        assert kit.condition(evaluate_case(parse_case(case)), "art6_5").outcome is P
    else:
        refused(lambda: parse_case(case), "firms.roster[5].credit_code", "统一社会信用代码")


def test_operator_credit_code_is_checked(kit):
    refused(lambda: parse_case(kit.make({"base": {"credit_code": GOOD[:-1] + "R"}})), "base.credit_code", "校验位")
    assert parse_case(kit.make({"base": {"credit_code": GOOD}})).base_name


# -- unknown fields, the closest name ---------------------------------------------------------------

@pytest.mark.parametrize("over, field, suggestion", [
    (at({AREA_TYPO: 6000}), AREA_TYPO, AREA),
    ({"operater": {}}, "operater", "operator"),
    ({"firms": {"roster": [{"name": "甲", "emploees": 3}]}}, "firms.roster[0].emploees", "firms.roster[0].employees"),
    ({"satisfaction": {"satisfaction_rate": 0.9}}, "satisfaction.satisfaction_rate", "satisfaction.satisfied"),
    ({"evaluation": {"year": 2024, "scores": 90}}, "evaluation.scores", "evaluation.score"),
    (at({f"{SECTION}.zzz": 1}), f"{SECTION}.zzz", f"{AREA_KEY}, {PUBLIC_KEY}"),   # nothing close: the list
], ids=["building", "operator", "employees", "satisfied", "score", "no-match"])
def test_unknown_field_is_named_with_the_closest_known_name(kit, over, field, suggestion):
    refused(lambda: parse_case(kit.make(over)), field, field, suggestion)


# -- null means not filled, everywhere ----------------------------------------------------------------

def _optional_paths(schema: dict, path: tuple = ()) -> list[tuple]:
    out = []
    if "properties" in schema:
        req = set(schema.get("required", []))
        for k, sub in schema["properties"].items():
            if k not in req:
                out.append(path + (k,))
            out += _optional_paths(sub, path + (k,))
    if isinstance(schema.get("items"), dict):
        out += _optional_paths(schema["items"], path + (0,))
    return out


SCHEMA = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
OPTIONAL = _optional_paths(SCHEMA)


def test_schema_accepts_null_for_every_optional_field():
    not_nullable = []
    for path in OPTIONAL:
        node = SCHEMA
        for k in path:
            node = node["items"] if isinstance(k, int) else node["properties"][k]
        types = node.get("type", [])
        if "null" not in (types if isinstance(types, list) else [types]) or ("enum" in node and None not in node["enum"]):
            not_nullable.append(path)
    assert not_nullable == []
    assert len(OPTIONAL) > 70


def _full(kit) -> dict:
    """The base case with every optional field that can hold something present (so each null replaces a value)."""
    return kit.make({
        "base": {"credit_code": GOOD}, "description": "全部字段",
        "conduct": {"penalties": [{"date": "2020-01-01", "kind": "administrative", "subject": "unit", "description": "罚款"}]},
        "firms": {"roster": kit.roster({"ngit": 60}, sector="software_it", employees=5, revenue_10k=100, assets_10k=50)},
        "staff": {"declared_qualified": 10, "members": [{"name": "甲", "degree": "master", "title": "senior"}]},
        "satisfaction": {"rate": 0.9, "satisfied": 27, "responses": 30},
        "evaluation": {"year": 2024, "participated": True, "false_materials": False, "score": 91, "decision_date": "2025-03-01",
                       "rubric": {"indicators": [{"code": "a", "name": "甲", "max_points": 100, "weight": 100}],
                                  "experts": [{"name": "专家", "scores": [91]}]}},
        "revocations": [{"date": "2020-01-01", "ground": "evaluation_failed"}],
        "changes": [{"kind": "name", "changed_on": "2025-09-19", "filed_on": "2025-11-06"}],
        "overrides": [{"rule": "art6_3", "outcome": "PASS", "justification": "经复核符合要求", "reviewer": "张三"}],
    })


def _set(d: dict, path: tuple, value) -> bool:
    node = d
    for k in path[:-1]:
        if isinstance(k, int):
            if not isinstance(node, list) or not node:
                return False
        elif not isinstance(node, dict) or k not in node:
            return False
        node = node[k]
    if not isinstance(node, dict) or path[-1] not in node:
        return False
    if value is _DEL:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return True


_DEL = object()


@pytest.mark.parametrize("path", OPTIONAL, ids=[".".join(map(str, p)) for p in OPTIONAL])
def test_null_is_the_same_as_absent(kit, path):
    base = _full(kit)
    with_null, without = copy.deepcopy(base), copy.deepcopy(base)
    if not _set(with_null, path, None):
        pytest.skip("not in the full case")        # e.g. the recognition section when the evaluation is dropped
    _set(without, path, _DEL)
    try:
        want = to_dict(evaluate_case(parse_case(without)))
    except InputError as exc:                       # absent is refused (no recognition nor evaluation…): so is null
        with pytest.raises(InputError) as got:
            parse_case(with_null)
        assert [p.field for p in got.value.problems] == [p.field for p in exc.problems]
        return
    assert to_dict(evaluate_case(parse_case(with_null))) == want


@pytest.mark.parametrize("section", ["conduct.penalties", "firms.roster", "firms.leading_industries", "staff.members",
                                     "revocations", "changes", "overrides", "service_functions", "encouraged"])
def test_arrays_given_as_null_are_accepted(kit, section):
    keys = section.split(".")
    over = {keys[0]: None} if len(keys) == 1 else {keys[0]: {keys[1]: None}}
    assert parse_case(kit.make(over)).base_name


# -- every problem at once ----------------------------------------------------------------------------

def test_every_layer_reports_in_one_run(kit):
    """A typo, a NaN, a bad check character, a contradiction, a revocation after the reference date, a type error
    and a missing name: all named in one InputError."""
    rows = kit.roster({"ngit": 60})
    rows[3]["credit_code"] = rows[3]["credit_code"][:-1] + ("0" if rows[3]["credit_code"][-1] != "0" else "1")
    rows[7] = {"industry": "ngit"}
    raw = kit.make({
        **at({AREA_TYPO: 6000, AREA: 5000, PUBLIC: 5001}),
        "satisfaction": {"rate": NAN, "satisfied": 40, "responses": 30},
        "firms": {"roster": rows},
        "revocations": [{"date": "2025-07-01", "ground": "penalty"}],
        "staff": {"declared_qualified": "八"},
        "operator": {"established_on": "2026-01-01"},
    })
    with pytest.raises(InputError) as exc:
        parse_case(raw)
    fields = {p.field for p in exc.value.problems}
    assert {AREA_TYPO, PUBLIC, "satisfaction.rate", "satisfaction.satisfied",
            "firms.roster[3].credit_code", "firms.roster[7].name", "revocations[0].date", "staff.declared_qualified",
            "operator.established_on"} <= fields, fields
    assert all(CJK.search(p.message) for p in exc.value.problems)


def test_meaning_checks_still_run_beside_schema_problems(kit):
    """Before: the semantic checks ran only when the schema layer passed."""
    with pytest.raises(InputError) as exc:
        parse_case(kit.make({"format": "jidi-xl/case@9", **at({AREA: 5000, PUBLIC: 6000})}))
    assert {"format", PUBLIC} <= {p.field for p in exc.value.problems}


def test_missing_base_hides_nothing_else(kit):
    with pytest.raises(InputError) as exc:
        parse_case(kit.make({"base": kit.DROP, "satisfaction": {"satisfied": 40, "responses": 30}}))
    assert {"base", "satisfaction.satisfied"} <= {p.field for p in exc.value.problems}


# -- no exception but InputError, whatever the value -------------------------------------------------------

ODD = [NAN, INF, -INF, 10 ** 400, 1e300, -1.0, 0, "", " ", "NaN", "١٢٣", [], {}, [[[]]], True, None, "2025-02-30",
       "9999-12-31", "0000-00-00", "\x00", "𠀀" * 50, {"a": NAN}, [NAN]]
LEAVES = [AREA, "satisfaction.rate", "satisfaction.satisfied", "evaluation.score", "evaluation.year",
          "recognition.reference_date", "operator.established_on", "firms.roster", "firms.leading_industries",
          "staff.members", "revocations", "changes", "overrides", "base.name", "base.credit_code", "ruleset",
          "evaluation.rubric", "conduct.penalties", "service_functions"]


@pytest.mark.parametrize("leaf", LEAVES)
def test_odd_values_give_input_errors_or_a_verdict_never_a_crash(kit, leaf):
    for odd in ODD:
        keys = leaf.split(".")
        over: dict = {}
        node = over
        for k in keys[:-1]:
            node = node.setdefault(k, {})
        node[keys[-1]] = odd
        if keys[0] == "evaluation" and keys[-1] != "year":
            over["evaluation"]["year"] = 2024
        try:
            case = parse_case(kit.make(over))
        except InputError as exc:
            assert exc.problems and all(CJK.search(p.message) for p in exc.problems)
            continue
        rep = evaluate_case(case)                 # accepted: it must evaluate, and never on a non-finite value
        assert rep.recognition is None or rep.recognition.verdict.outcome in (P, F, R)
        if isinstance(odd, float) and not math.isfinite(odd):
            pytest.fail(f"{leaf} = {odd} accepted")


@pytest.mark.parametrize("cell, words", [
    (2024, "看起来是年份"), ("2024", "看起来是年份"), (date(1905, 7, 16), "看起来是年份"),   # 2024 in a date-formatted cell
    (20240301, "2024-03-01"), (18171, "1949-09-30"), (date(1949, 9, 30), "1949-10-01"), ("2101-01-01", "2100-12-31"),
    (float("inf"), "无穷大"), (10 ** 400, "可信范围"),
])
def test_a_date_cell_never_reads_a_year_as_1905(cell, words):
    from udfs.adapters import UdfInputError, to_date
    with pytest.raises(UdfInputError) as exc:
        to_date(cell, "成立日期")
    assert exc.value.field == "成立日期" and words in exc.value.message


@pytest.mark.parametrize("cell, want", [(18172, date(1949, 10, 1)), (date(1949, 10, 1), date(1949, 10, 1)),
                                        ("2100-12-31", date(2100, 12, 31)), (45839, date(2025, 7, 1))])
def test_a_date_cell_within_the_window(cell, want):
    from udfs.adapters import to_date
    assert to_date(cell, "成立日期") == want
