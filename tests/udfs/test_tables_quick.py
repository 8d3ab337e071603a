"""The table readers' quick path (:func:`udfs.tables._quick`) gives what the general conversion
(:func:`udfs.tables._value`) gives for every value it answers, and leaves the rest — every problem and its
message — to it; the memo of one evaluation (:func:`udfs.functions._once`) gives each cell what a call
without it gives."""
from __future__ import annotations

import pytest
from schedula import EMPTY

from jidi_xl import fields as F
from jidi_xl.ruleset import load_ruleset
from udfs import tables
from udfs.adapters import UdfInputError, is_empty

RS = load_ruleset("bj-2022")

VALUES = [None, EMPTY, "", "  ", "#N/A", "#VALUE!", "#备注", "科技服务", " 科技服务 ", "软件和信息技术服务", "其他未列明行业",
          "工业", "micro", "小型", "是", "否", " 是", "TRUE", "1", "0", "y", "maybe", 0, 1, 2, -1, 2.5, -0.5, 3.0,
          1e20, float("nan"), float("inf"), True, False, "1,234", "4999.9", "北京某某有限公司",
          "91110111395692100E", "2020-01-01", 45000]

COLUMNS = {c.cell_kind: c for t in (F.ROSTER, F.PENALTIES, F.STAFF, F.REVOCATIONS) for c in t.input_columns}


def _general(c, v):
    try:
        return "value", tables._value(RS, c, v, "字段")
    except UdfInputError as exc:
        return "error", str(exc)


@pytest.mark.parametrize("kind", sorted(COLUMNS))
def test_quick_is_the_general_conversion(kind):
    c = COLUMNS[kind]
    answered = 0
    for v in VALUES:
        q = tables._quick(RS, kind, v)
        if q is tables._GENERAL:
            continue
        answered += 1
        how, want = _general(c, v)
        assert how == "value" and type(q) is type(want) and q == want, (kind, v, q, want)
    # a blank cell is answered for every kind (EMPTY once the adapters have met it)
    is_empty(EMPTY)
    assert answered >= 1
    assert all(tables._quick(RS, kind, v) is None for v in (None, EMPTY))


def test_blank_text_and_errors_are_left_to_the_general_path():
    for kind in COLUMNS:
        for v in ("", "  ", "#N/A", "#VALUE!"):
            assert tables._quick(RS, kind, v) is tables._GENERAL or is_empty(v)


def _range(rows, ref):
    import numpy as np
    from formulas.functions import Array
    from formulas.ranges import Ranges
    a = np.empty((len(rows), len(rows[0])), dtype=object)
    a[:, :] = [[EMPTY if v is None else v for v in r] for r in rows]
    return Ranges().push(f"'[book.xlsx]SHEET'!{ref}", a.view(Array))


@pytest.mark.parametrize("name,args", [
    ("JIDI_ART6_8", lambda: (_range([["张三", "本科", None], ["李四", None, "中级"]] + [[None] * 3] * 3, "A1:C5"),
                             _range([[2]], "E1"))),
    ("JIDI_ART6_8", lambda: (_range([["张三", "本科", None]], "A1:C1"), _range([["二"]], "E1"))),   # an input error
    ("JIDI_ART6_4", lambda: (_range([[1200]], "A1"), _range([[300]], "B1"))),
    ("JIDI_ART6_4", lambda: (_range([[1200]], "A1"), _range([[3000]], "B1"))),                     # public > total
    ("JIDI_ART17", lambda: (_range([["名称"]], "B4"), _range([[45000]], "C4"), _range([[45010]], "D4"))),
    ("JIDI_ART17", lambda: (_range([[None]], "B4"), _range([[None]], "C4"), _range([[None]], "D4"))),
])
def test_one_evaluation_per_rule_gives_every_part_as_before(name, args):
    from udfs.context import using
    from udfs.registry import REGISTRY

    fn = REGISTRY[name].func
    parts = (None, "数据", "理由", "依据")
    a = args()
    bare = [fn(*a, *(() if p is None else (p,))) for p in parts]          # no host: no memo
    with using(RS):
        memo = [fn(*a, *(() if p is None else (p,))) for p in parts]
        again = [fn(*a, *(() if p is None else (p,))) for p in parts]     # the memo's answers
    assert memo == bare and again == bare
    assert all(isinstance(v, (str, int, float)) for v in bare)
