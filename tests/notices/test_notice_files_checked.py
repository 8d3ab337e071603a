"""A notice file is checked when loaded: it may set exactly the paths its rule-set lists under notice_fixes (never
the Measures' own figures), each with a value and a source, a rubric adding up to the maximum score, bands in
order, a deadline in its year. The package's params folder is copied, one notice file spoiled, and loaded."""
from __future__ import annotations

import shutil

import pytest
import yaml

import jidi_xl.ruleset as ruleset
from jidi_xl.errors import RuleSetError

YEAR = ruleset.known_notices()[0]


def _spoil(data: dict, how: str) -> None:
    c4 = data["chapter4"]
    if how == "measures-figure":
        data["art6_4"] = {"min_building_area_m2": {"value": 3000, "source": "通知"}}
    elif how == "missing-path":
        del c4["pass_score"]
    elif how == "no-source":
        c4["good_score"]["source"] = ""
    elif how == "weights":
        c4["rubric"]["value"][0]["max_points"] = 30
    elif how == "bands":
        c4["star_bands"]["value"] = [[85, 2], [80, 1]]
    elif how == "deadline":
        data["recognition"]["application_deadline"]["value"] = data["recognition"]["application_deadline"]["value"].replace(year=YEAR - 1)
    elif how == "year":
        data["year"] = YEAR + 1
    elif how == "other-ruleset":
        data["ruleset"] = "bj-2019"


@pytest.fixture
def params(tmp_path, monkeypatch):
    d = tmp_path / "params"
    shutil.copytree(ruleset.PARAMS_DIR, d)
    monkeypatch.setattr(ruleset, "PARAMS_DIR", d)
    ruleset._load.cache_clear()
    yield d
    ruleset._load.cache_clear()


@pytest.mark.parametrize("how, words", [
    ("measures-figure", ["art6_4.min_building_area_m2", "不是年度通知可以规定的"]),
    ("missing-path", ["缺少参数 chapter4.pass_score"]),
    ("no-source", ["chapter4.good_score", "source"]),
    ("weights", ["权重合计", "100"]),
    ("bands", ["star_bands", "从小到大"]),
    ("deadline", ["application_deadline", f"{YEAR} 年内"]),
    ("year", ["year", "文件名"]),
    ("other-ruleset", ["ruleset", "bj-2019"]),
])
def test_a_spoiled_notice_file_is_refused_naming_file_and_path(params, how, words):
    f = params / "bj-2022" / "notices" / f"{YEAR}.yaml"
    data = yaml.safe_load(f.read_text(encoding="utf-8"))
    _spoil(data, how)
    f.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(RuleSetError) as exc:
        ruleset.load_ruleset("bj-2022", notice=YEAR)
    msg = str(exc.value)
    assert f"{YEAR}.yaml" in msg
    for w in words:
        assert w in msg, msg


def _new_year(notices, pass_score: int) -> int:
    """A copy of the shipped year's notice file as a new year (five years on) with another pass score."""
    new = YEAR + 5
    data = yaml.safe_load((notices / f"{YEAR}.yaml").read_text(encoding="utf-8"))
    data["year"] = new
    deadline = data["recognition"]["application_deadline"]
    deadline["value"] = deadline["value"].replace(year=new)
    data["chapter4"]["pass_score"]["value"] = pass_score
    (notices / f"{new}.yaml").write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return new


def test_a_new_year_is_one_data_file(params):
    """Copy a year's file to a new year: the package knows it, with nothing else changed."""
    notices = params / "bj-2022" / "notices"
    new = _new_year(notices, pass_score=75)
    assert new in ruleset.known_notices()
    rs = ruleset.load_ruleset(f"bj-2022@{new}")
    assert rs.p("chapter4.pass_score") == 75 and rs.notice_info.evaluation_year == new - 1


def test_a_new_years_pass_score_reaches_every_engine(params, tmp_path, monkeypatch):
    """The new year's file lowers the pass score to 75: a workbook generated for it grades an entered 78 一般 where the
    shipped year grades it 不合格 — computed by the UDFs in the workbook and by the rules engine, which agree."""
    import json

    from jidi_xl.pipeline.standard import StandardEngine, template_for
    from jidi_xl.report.check import process_workbook
    from workbooks.generate import build

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    template_for.cache_clear()
    notices = params / "bj-2022" / "notices"
    new = _new_year(notices, pass_score=75)
    root = ruleset.Path(ruleset.__file__).resolve().parents[1]
    raw = json.loads((root / "examples" / "09_evaluation_fair.json").read_text(encoding="utf-8"))
    engine = StandardEngine(fast=False)
    got = {}
    for y in (YEAR, new):
        rs = ruleset.load_ruleset("bj-2022", notice=y)
        case = {**raw, "ruleset": rs.key, "evaluation": {"year": y - 1, "participated": True, "false_materials": False,
                                                          "score": 78}}
        path = tmp_path / f"{y}.xlsx"
        path.write_bytes(build(case, rs=rs)[0])
        res = process_workbook(path, None, engine)
        assert res.evaluated and not res.differences, (res.problems, res.differences)
        got[y] = res.values["out_grade"]
    template_for.cache_clear()
    assert got == {YEAR: "不合格", new: "一般"}
