"""read_case never crashes on bad cells: every problem is reported at once as 工作表!单元格：message."""
from __future__ import annotations

from datetime import datetime

import pytest
from openpyxl import load_workbook

from jidi_xl.case import parse_case
from jidi_xl.errors import InputError
from jidi_xl.evaluate import evaluate_case
from jidi_xl.fields import find
from jidi_xl.rules import RULES
from workbooks import TEMPLATE_PATH
from workbooks.generate import example_cases
from workbooks.layout import LAYOUT
from workbooks.reader import convert, defined_names, read_case, read_results

FIRST = example_cases()[0][1]


def _cell(name: str, i: int = 0, j: int = 0) -> tuple[str, str]:
    from xlsxwriter.utility import xl_rowcol_to_cell
    n = LAYOUT[name]
    return n.sheet, xl_rowcol_to_cell(n.row + i, n.col + j)


@pytest.fixture
def edit(built, tmp_path):
    """edit({name_or_(name,i,j): value}) → a copy of the first sample with those cells changed."""
    src = tmp_path / "src.xlsx"
    src.write_bytes(built(FIRST).data)

    def _edit(changes: dict) -> str:
        wb = load_workbook(src)
        for key, v in changes.items():
            sheet, ref = _cell(*key) if isinstance(key, tuple) else _cell(key)
            wb[sheet][ref] = v
        out = tmp_path / f"edited{len(list(tmp_path.iterdir()))}.xlsx"
        wb.save(out)
        return str(out)

    return _edit


def _problems(path) -> dict[str, str]:
    with pytest.raises(InputError) as ei:
        read_case(path)
    return {p.field: p.message for p in ei.value.problems}


def test_a_clean_sample_reads_without_problems(edit):
    case = read_case(edit({}))
    assert parse_case(case).base_name


AREA_NAME = find(RULES["art6_4"].reads[0]).name   # the cell of the field 第六条第（四）项 reads first


def test_bad_cells_are_reported_with_sheet_and_cell(edit):
    path = edit({
        AREA_NAME: "六千平方米",                               # text in a number cell
        ("in_roster_industry", 2): "人工智能产业",              # unknown label
        "in_established_on": "2016-13-40",                      # bad date
        ("in_roster_employees", 0): 12.5,                       # not an integer
        "in_satisfaction_rate": 1.2,                            # above 100%
        "in_sf_training": None,                                 # 第七条 partly blank
        ("in_penalties_kind", 0): "严重行政处罚",                 # a penalty row without date and subject
        "in_ovr_reason_art6_3": "理由写了",                       # a reason without an outcome
        "in_leading_1": "新材料", "in_leading_2": "新材料",        # duplicate leading industries (schema)
    })
    got = _problems(path)
    w = lambda *k: "!".join(_cell(*k))   # noqa: E731
    assert "六千平方米" in got[w(AREA_NAME)]
    assert "人工智能产业" in got[w("in_roster_industry", 2)]
    assert "2016-13-40" in got[w("in_established_on")]
    assert "整数" in got[w("in_roster_employees", 0)]
    assert "100%" in got[w("in_satisfaction_rate")]
    assert "人员培训" in got[LAYOUT["in_service_functions"].where]
    pen = LAYOUT["in_penalties"]
    assert "处罚记录须填写日期、类型和对象" in got[f"{pen.sheet}!{w('in_penalties', 0).split('!')[1]}:"
                                                  f"{_cell('in_penalties', 0, pen.ncols - 1)[1]}"]
    assert "改判结果" in got[w("in_ovr_art6_3")]
    assert any("重复" in m for f, m in got.items() if f.startswith(LAYOUT["in_leading"].where.split(":")[0][:-1])), got


def test_case_format_problems_map_back_to_cells(edit):
    got = _problems(edit({
        "in_public_service_m2": 999999,                          # larger than the building (parse_case)
        ("in_roster_credit_code", 2): "91110000MA00000001",
        ("in_roster_credit_code", 3): "91110000ma00000001",      # duplicate 统一社会信用代码 (parse_case)
    }))
    assert "大于建筑总面积" in got[LAYOUT["in_public_service_m2"].where], got
    assert "重复" in got["!".join(_cell("in_roster_credit_code", 3))], got


def test_schema_problems_map_back_to_cells(edit):
    got = _problems(edit({
        "in_base_name": None,                                    # required
        "in_ovr_art6_5": "符合", "in_ovr_reason_art6_5": "短",   # override without a 4-character reason
    }))
    assert "name" in got[LAYOUT["in_base_name"].where], got
    assert "至少 4 个字" in got[LAYOUT["in_ovr_reason_art6_5"].where], got


def test_evaluation_data_without_a_year_is_reported(edit):
    got = _problems(edit({"in_participated": "是"}))
    assert "评价年度" in got[LAYOUT["in_eval_year"].where]


@pytest.mark.parametrize("flag,rows,want", [
    ("是", {}, []),                                                   # checked, none
    (None, {}, None),                                                 # not checked: no conduct.penalties (待核实)
    ("否", {}, None),
    (None, {("in_penalties_date", 0): datetime(2024, 3, 1), ("in_penalties_kind", 0): "刑事处罚",
            ("in_penalties_subject", 0): "法定代表人"},
     [{"date": "2024-03-01", "kind": "criminal", "subject": "legal_representative"}]),   # rows count regardless
])
def test_penalties_checked_decides_what_a_blank_penalty_table_means(edit, flag, rows, want):
    case = read_case(edit({"in_penalties_checked": flag, **rows}))
    assert case["conduct"].get("penalties", None) == want
    rep = evaluate_case(parse_case(case))
    art6_2 = rep.recognition.condition("art6_2")
    assert art6_2.outcome.zh == {"[]": "符合", "None": "待核实"}.get(str(want), "不符合")


def test_a_bad_penalties_checked_value_is_reported_at_its_cell(edit):
    got = _problems(edit({"in_penalties_checked": "已查"}))
    assert "处罚记录已核查" in got[LAYOUT["in_penalties_checked"].where], got


def test_template_reads_as_missing_base_and_reference(tmp_path):
    got = _problems(TEMPLATE_PATH)
    assert LAYOUT["in_base_name"].where in got
    assert any("recognition" in m or "认定" in m for m in got.values())


def test_not_a_workbook_is_an_input_error(tmp_path):
    p = tmp_path / "x.xlsx"
    p.write_text("not a zip", encoding="utf-8")
    with pytest.raises(InputError) as ei:
        read_case(p)
    assert "不是标准评价工作簿" in str(ei.value) and "另存为" in str(ei.value)   # the package guard says what to do
    with pytest.raises(InputError):
        read_results(p)


def test_a_renamed_sheet_or_deleted_name_is_reported_not_a_crash(edit, tmp_path):
    wb = load_workbook(edit({}))
    del wb.defined_names["in_hpp"]
    p = tmp_path / "noname.xlsx"
    wb.save(p)
    got = _problems(p) if _raises(p) else {}
    assert any("in_hpp" in m for m in got.values())


def _raises(p) -> bool:
    try:
        read_case(p)
    except InputError:
        return True
    return False


def test_every_name_is_workbook_scoped_in_the_file():
    names = defined_names(TEMPLATE_PATH)
    assert set(names) == set(LAYOUT.names)
    assert all(scope for *_, scope in names.values())


@pytest.mark.parametrize("kind,value,want", [
    ("bool", "是", True), ("bool", "否", False), ("bool", None, None), ("number", "6,000", 6000),
    ("date", datetime(2025, 6, 30), "2025-06-30"), ("date", 45838, "2025-06-30"), ("date", "2025/06/30", "2025-06-30"),
    ("code:industries", "集成电路", "ic"), ("sector", "工业", "industry"), ("outcome", "不符合", "FAIL"),
    ("text", 12.0, "12"), ("credit_code", " 91110000ma00000000 ", "91110000MA00000000"), ("percent", 0.92, 0.92),
])
def test_cell_conversion_follows_the_udfs(kind, value, want):
    assert convert(kind, value, "x") == want
