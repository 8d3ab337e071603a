"""Command line: ``python -m jidi_xl.cli evaluate CASE.json|DIR [--json]``.

Exit 0 when the case was evaluated (whatever the verdict); 2 when the input could not be evaluated, with the field
named on stderr. A bad file in a folder does not lose the others.
"""
import json

import pytest
from click.testing import CliRunner

from jidi_xl.cli import main
from jidi_xl.rules import RULES
from jidi_xl.synth import fragment as at

AREA = RULES["art6_4"].reads[0]        # the building area, reached through the rule that reads it


@pytest.fixture
def cli():
    runner = CliRunner()
    return lambda *args: runner.invoke(main, ["evaluate", *map(str, args)])


def test_text_report(cli, kit, tmp_path):
    res = cli(kit.write(tmp_path / "base.json"))
    assert res.exit_code == 0, res.output
    out = res.stdout
    assert "【认定评价】申请受理截止日期 2025-06-30" in out
    assert "第六条第（四）项" in out and "场地面积" in out and "✔ 符合" in out
    assert "认定结论：符合认定条件（建议认定）" in out


@pytest.mark.parametrize("over, verdict, article", [
    (at({AREA: 4999}), "不符合认定条件", "第六条第（四）项"),
    ({"staff": None}, "待核实", "第六条第（八）项"),
], ids=["fail", "review"])
def test_a_failing_case_still_exits_0(cli, kit, tmp_path, over, verdict, article):
    over = {k: (kit.DROP if v is None else v) for k, v in over.items()}
    res = cli(kit.write(tmp_path / "c.json", over))
    assert res.exit_code == 0, res.output
    assert f"认定结论：{verdict}" in res.stdout and article in res.stdout


def test_json_report(cli, kit, tmp_path):
    res = cli(kit.write(tmp_path / "base.json"), "--json")
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["format"] == "jidi-xl/report@1"
    assert data["recognition"]["verdict"] == "PASS"
    assert [c["rule"] for c in data["recognition"]["conditions"]][:3] == ["art6_1", "art6_2", "art6_3"]
    firms = next(c for c in data["recognition"]["conditions"] if c["rule"] == "art6_5")
    assert firms["value"]["n"] == 60 and firms["value"]["track"] == "general"


def test_json_evaluation(cli, kit, tmp_path):
    over = {"evaluation": {"year": 2024, "participated": True, "false_materials": False, "score": 93}}
    data = json.loads(cli(kit.write(tmp_path / "e.json", over), "--json").stdout)
    assert data["evaluation"]["stars"] == 4 and data["evaluation"]["grade_zh"] == "较好"
    assert data["evaluation"]["placeholder_parameters"] is True


def test_a_folder(cli, kit, tmp_path):
    kit.write(tmp_path / "a.json")
    kit.write(tmp_path / "b.json", {"case_id": "b", **at({AREA: 4000})})
    (tmp_path / "notes.txt").write_text("not a case", encoding="utf-8")
    res = cli(tmp_path)
    assert res.exit_code == 0, res.output
    assert res.stdout.count("=== ") == 2
    data = json.loads(cli(tmp_path, "--json").stdout)
    assert isinstance(data, list) and [d["recognition"]["verdict"] for d in data] == ["PASS", "FAIL"]


def test_an_empty_folder_exits_2(cli, tmp_path):
    res = cli(tmp_path)
    assert res.exit_code == 2 and "没有 .json 案例文件" in res.stderr


@pytest.mark.parametrize("over, field", [
    (at({AREA: -5}), AREA),
    ({"satisfaction": {"rate": 1.5}}, "satisfaction.rate"),
    ({"firms": {"roster": [{"name": "甲", "industry": "biotech"}]}}, "firms.roster[0].industry"),
], ids=["negative-area", "rate-over-1", "unknown-industry"])
def test_bad_input_exits_2_naming_the_field(cli, kit, tmp_path, over, field):
    res = cli(kit.write(tmp_path / "bad.json", over))
    assert res.exit_code == 2
    assert field in res.stderr
    assert "Traceback" not in res.output


def test_malformed_json_exits_2_with_the_position(cli, tmp_path):
    p = tmp_path / "broken.json"
    p.write_text('{"format": "jidi-xl/case@1",, }', encoding="utf-8")
    res = cli(p)
    assert res.exit_code == 2 and "第1行" in res.stderr and "JSON" in res.stderr


def test_rule_set_error_exits_2(cli, kit, tmp_path):
    res = cli(kit.write(tmp_path / "old.json", {"recognition": {"reference_date": "2022-05-18"}}))
    assert res.exit_code == 2 and "2022-05-18" in res.stderr


def test_a_bad_file_does_not_lose_the_others(cli, kit, tmp_path):
    kit.write(tmp_path / "a_good.json")
    kit.write(tmp_path / "b_bad.json", at({AREA: "五千"}))
    res = cli(tmp_path)
    assert res.exit_code == 2
    assert "a_good.json" in res.stdout and "认定结论" in res.stdout
    assert AREA in res.stderr and "1/2" in res.stderr
    data = json.loads(cli(tmp_path, "--json").stdout)
    assert len(data) == 2 and data[0]["file"].endswith("a_good.json") and "recognition" in data[0]
    assert data[1]["file"].endswith("b_bad.json") and data[1]["errors"][0]["field"] == AREA


def test_a_single_bad_file_with_json_prints_its_errors(cli, kit, tmp_path):
    kit.write(tmp_path / "bad.json", at({AREA: -1}))
    res = cli(tmp_path / "bad.json", "--json")
    assert res.exit_code == 2
    assert json.loads(res.stdout)["errors"][0]["field"] == AREA


def test_missing_file_is_a_usage_error(cli, tmp_path):
    assert cli(tmp_path / "nope.json").exit_code == 2
