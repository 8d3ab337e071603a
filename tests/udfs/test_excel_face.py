"""The Excel face (udfs/excel.py): one xlwings-decorated twin per registered function, the VBA that
xlwings' ImportPythonUDFs would generate from it, and the ribbon button's ``main()``."""
from __future__ import annotations

import io
import re

import pytest

from udfs.registry import CATEGORY, REGISTRY

NAMES = list(REGISTRY)
VBA_FUNCTION = re.compile(r"^Function (JIDI_\w+)\((.*)\)$", re.M)


class _AddinBook:
    Name = "jidi_xl_addin.xlam"


@pytest.fixture(scope="module")
def vba(excel_udfs):
    excel, xlwings_udfs = excel_udfs
    out = io.StringIO()
    xlwings_udfs.generate_vba_wrapper("udfs.excel", excel, out, _AddinBook())
    return out.getvalue()


def test_registry_has_all_functions():
    assert len(REGISTRY) == 35 and all(n.startswith("JIDI_") for n in NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_decorated_twin(excel_udfs, name):
    excel, _ = excel_udfs
    u, fn = REGISTRY[name], getattr(excel, name)
    meta = fn.__xlfunc__
    assert fn.__name__ == meta["name"] == name and fn.__module__ == "udfs.excel"
    assert meta["category"] == CATEGORY and meta["sub"] is False and not meta["volatile"]
    assert meta["ret"]["doc"] == excel.wizard_description(u)
    assert u.description in meta["ret"]["doc"] and u.article in meta["ret"]["doc"]
    assert len(meta["ret"]["doc"]) <= excel.WIZARD_TEXT_MAX          # Excel's MacroOptions limit
    # + xlwings' reserved argument "caller" last (the calling range: the book's recorded rule-set; not shown in Excel)
    assert [a["name"] for a in meta["args"]] == [excel.excel_arg_name(a.name) for a in u.args] + ["caller"]
    for spec, a in zip(meta["args"], u.args):
        assert spec["doc"] == a.doc and 0 < len(spec["doc"]) <= excel.WIZARD_TEXT_MAX
        assert spec["options"].get("err_to_str") is True             # #N/A reaches the adapters as text
        assert spec["options"].get("ndim") == (2 if a.range else None)
        assert ("optional" in spec) == a.optional and spec.get("optional") is None


def test_twins_call_the_safe_function(excel_udfs):
    excel, _ = excel_udfs
    assert excel.JIDI_ART6_4(5000.0, 500.0) == REGISTRY["JIDI_ART6_4"].func(5000.0, 500.0)
    assert excel.JIDI_ART6_4(building_area=4999.0, public_area=500.0, part="结果") == "不符合"
    with pytest.raises(TypeError):                  # wrong arity is a Python caller's error; Excel cannot make it
        excel.JIDI_ART6_4(1, 2, 3, 4)


def test_main_is_not_a_udf(excel_udfs):
    excel, _ = excel_udfs
    assert not hasattr(excel.main, "__xlfunc__")
    decorated = sorted(k for k in dir(excel) if hasattr(getattr(excel, k), "__xlfunc__"))
    assert decorated == sorted(NAMES)


def test_generated_vba_declares_every_function(vba):
    found = dict(VBA_FUNCTION.findall(vba))
    assert sorted(found) == sorted(NAMES)
    for name in NAMES:
        assert f'{name} = XLPy.CallUDF("udfs.excel", "{name}", ' in vba
    assert "ActiveWorkbook, Application.Caller" in vba     # an add-in calls back into the active workbook
    assert vba.isascii()                                   # VBComponents.Import reads the ANSI code page


def test_vba_parameters(excel_udfs, vba):
    excel, _ = excel_udfs
    for name, params in VBA_FUNCTION.findall(vba):
        u = REGISTRY[name]
        expected = [("Optional " if a.optional else "") + excel.excel_arg_name(a.name) for a in u.args]
        assert [p.strip() for p in params.split(",")] == expected
        for p in expected:
            word = p.split()[-1]
            assert re.fullmatch(r"[A-Za-z]\w*", word) and word.lower() not in excel.VBA_RESERVED


def test_reserved_word_is_renamed(excel_udfs):
    excel, _ = excel_udfs
    assert excel.excel_arg_name("end") == "end_" and excel.excel_arg_name("start") == "start"
    assert list(excel.JIDI_WORKDAYS.__xlfunc__["argmap"]) == ["start_date", "end_date", "caller"]


# -- the ribbon button ----------------------------------------------------------------------------

class FakeRange:
    def __init__(self, value):
        self.value, self.err_to_str = value, False

    def options(self, **options):
        self.err_to_str = options.get("err_to_str", False)
        return self


class FakeName:
    def __init__(self, name, value=None, broken=False):
        self.name, self._value, self._broken = name, value, broken

    @property
    def refers_to_range(self):
        if self._broken:
            raise RuntimeError("refers to a constant")
        return FakeRange(self._value)


class FakeApi:
    def __init__(self, log):
        self.log = log

    def CalculateFull(self):  # noqa: N802 — the COM method's name
        self.log.append("CalculateFull")


class FakeApp:
    def __init__(self, native=True):
        self.log, self.alerts = [], []
        self.api = FakeApi(self.log) if native else object()

    def calculate(self):
        self.log.append("calculate")

    def alert(self, prompt, title=None, buttons="ok", mode=None, callback=None):
        self.alerts.append((prompt, title, mode))
        return "ok"


class FakeBook:
    def __init__(self, names, native=True):
        self.name, self.names, self.app = "测试基地.xlsx", names, FakeApp(native)


def _standard(**overrides):
    values = {"out_recognition_verdict": "符合认定条件（建议认定）", "out_failing_articles": "无", "out_grade": "较好",
              "out_stars": 3.0, **overrides}
    return [FakeName(k, v) for k, v in values.items()]


def test_main_recalculates_then_reports(excel_udfs, monkeypatch):
    excel, _ = excel_udfs
    book = FakeBook(_standard() + [FakeName("Sheet1!out_grade", "不合格")])   # a sheet-scoped name is ignored
    monkeypatch.setattr(excel.xw.Book, "caller", classmethod(lambda cls: book))
    excel.main()
    assert book.app.log == ["CalculateFull"]
    (prompt, title, mode), = book.app.alerts
    assert title == excel.TITLE and mode == "info"
    assert "已重新计算“测试基地.xlsx”" in prompt
    assert "认定结论：符合认定条件（建议认定）" in prompt and "不符合或待核实的条款：无" in prompt
    assert "年度评价结果：较好" in prompt and "星级：★★★（3 星）" in prompt


def test_main_falls_back_to_app_calculate():
    from udfs import excel
    book = FakeBook(_standard(), native=False)
    excel.evaluate_book(book)
    assert book.app.log == ["calculate"]


def test_summary_without_the_standard_names():
    from udfs import excel
    text, problem = excel.evaluate_book(FakeBook([FakeName("other", 1)]))
    assert problem and "没有找到评价结果单元格" in text and "out_recognition_verdict" in text
    assert "标准评价工作簿" in text


def test_summary_flags_missing_and_error_cells():
    from udfs import excel
    names = [FakeName("out_recognition_verdict", "#NAME?"), FakeName("out_grade", "输入错误：评价得分：应填写数字"),
             FakeName("out_stars", None, broken=True)]
    text, problem = excel.evaluate_book(FakeBook(names))
    assert problem
    assert "认定结论：#NAME?（JIDI_ 函数不可用" in text
    assert "不符合或待核实的条款：（工作簿中没有定义名称 out_failing_articles）" in text
    assert "年度评价结果：输入错误：评价得分：应填写数字" in text
    assert "星级：（定义名称 out_stars 未指向单元格）" in text


def test_summary_no_star_is_not_a_problem():
    from udfs import excel
    text, problem = excel.evaluate_book(FakeBook(_standard(out_grade="不合格", out_stars="",
                                                           out_recognition_verdict="不符合认定条件",
                                                           out_failing_articles="第六条第（四）项")))
    assert not problem and "星级：（空）" in text and "不符合或待核实的条款：第六条第（四）项" in text


def test_entry_module_forwards_to_main():
    """RunMain runs ``import jidi_xl_addin; jidi_xl_addin.main()`` (the add-in's file name, see test_addin_xlam)."""
    import jidi_xl_addin
    assert (jidi_xl_addin.main.__module__, jidi_xl_addin.main.__name__) == ("udfs.excel", "main")
