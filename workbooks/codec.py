"""The case ⇄ cells codec: one mapping, read in both directions.

The mapping is the layout's input names (``workbooks.layout``, built from the field catalogue
:mod:`jidi_xl.fields`): each input cell or column says the case path it holds (``Name.json``) and its kind.
Per kind, :data:`CODEC` pairs the two conversions — :func:`encode_value` (a case value as the cell shows it:
是/否, Chinese labels, real dates) and :func:`decode_value` (a cell value back as the case value, converted
exactly as the ``JIDI_`` UDFs convert it, ``udfs.adapters``). :func:`case_cells` writes a case into cells
(the generator); ``workbooks.reader`` reads cells back into a case through the same names and
:func:`decode_value`.
"""
from __future__ import annotations

from datetime import date, datetime
from typing import Any, Callable

from jidi_xl import fields as F
from jidi_xl.errors import InputError, InputProblem
from jidi_xl.results import Outcome
from udfs import tables
from udfs.adapters import UdfInputError, boolean, code, integer, is_empty, number, to_date

from .layout import NO, YES, Layout, Name, default_layout

OUTCOME_ZH = {"PASS": "符合", "FAIL": "不符合", "REVIEW": "待核实"}

Cells = dict[tuple[str, int, int], Any]


class BadCell(Exception):
    """A cell value that is not a value of its kind (the message says what to do)."""


def _text_in(v, field, rs, kind):
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    if isinstance(v, (date, datetime)):
        v = v.isoformat()
    s = str(v).strip()
    return (s.upper() if kind == "credit_code" else s) or None


def _percent_in(v, field, rs, kind):
    x = number(v, field)
    if x is not None and x > 1:
        raise BadCell(f"{x:g} 超过 100%；请以百分比格式填写（如 92%）")
    return x


def _year_in(v, field, rs, kind):
    y = integer(v, field)
    year = F.find("evaluation.year")
    if y is not None and not year.minimum <= y <= year.maximum:
        raise BadCell(f"年份 {y} 不在 {year.minimum}–{year.maximum} 之间")
    return y


def _date_in(v, field, rs, kind):
    d = to_date(v, field)
    return d.isoformat() if d else None


def _outcome_in(v, field, rs, kind):
    try:
        return Outcome.parse(str(v).strip()).value
    except ValueError:
        raise BadCell(f"未知的改判结果 {v!r}；请从下拉列表选择（符合/不符合/待核实）") from None


def _plain(v, rs, kind):
    return v


#: kind → (case value → cell value, cell value → case value)
CODEC: dict[str, tuple[Callable, Callable]] = {
    "text": (_plain, _text_in),
    "credit_code": (_plain, _text_in),
    "reason": (_plain, _text_in),
    "bool": (lambda v, rs, kind: YES if v else NO, lambda v, field, rs, kind: boolean(v, field)),
    "number": (_plain, lambda v, field, rs, kind: number(v, field)),
    "points": (_plain, lambda v, field, rs, kind: number(v, field)),
    "percent": (_plain, _percent_in),
    "int": (_plain, lambda v, field, rs, kind: integer(v, field)),
    "year": (_plain, _year_in),
    "date": (lambda v, rs, kind: date.fromisoformat(v), _date_in),
    "sector": (lambda v, rs, kind: rs.size_standards["sectors"].get(v, {}).get("label", v),
               lambda v, field, rs, kind: tables.sector_code(rs, v, field)),
    "outcome": (lambda v, rs, kind: OUTCOME_ZH.get(v, v), _outcome_in),
    "code": (lambda v, rs, kind: rs.label(kind[5:], v), lambda v, field, rs, kind: code(v, field, kind[5:], rs)),
}


def _pair(kind: str) -> tuple[Callable, Callable]:
    return CODEC["code" if kind.startswith("code:") else kind]


def encode_value(kind: str, v: Any, rs) -> Any:
    """A case value as the cell shows it: 是/否, Chinese labels, real dates (None stays None)."""
    return None if v is None else _pair(kind)[0](v, rs, kind)


def decode_value(kind: str, v: Any, field: str, rs) -> Any:
    """A cell value as a case value, converted as the UDFs convert it; raises :class:`BadCell` with a message."""
    if kind not in CODEC and not kind.startswith("code:"):
        raise BadCell(f"未知的类型 {kind}")
    try:
        if is_empty(v):
            return None
        return _pair(kind)[1](v, field, rs, kind)
    except UdfInputError as exc:
        raise BadCell(exc.message) from None


def _get(raw: dict, dotted: str) -> Any:
    node: Any = raw
    for key in dotted.split("."):
        if not isinstance(node, dict) or node.get(key) is None:
            return None
        node = node[key]
    return node


def case_cells(raw: dict, L: Layout | None = None) -> Cells:
    """The input cells of a case (format jidi-xl/case@1): {(sheet, row, col): value}.

    Raises :class:`InputError` when the case does not fit the workbook (more rows than a block holds)."""
    L = L if L is not None else default_layout()
    rs = L.ruleset
    out: Cells = {}
    problems: list[InputProblem] = []
    rubric_path = F.INDICATORS.path.rsplit(".", 1)[0]          # evaluation.rubric

    def put(n: Name, r: int, c: int, kind: str, v: Any) -> None:
        v = encode_value(kind, v, rs)
        if v is not None and v != "":
            out[(n.sheet, r, c)] = v

    def rows_of(path: str, n: Name, what: str) -> list:
        items = _get(raw, path) or []
        if len(items) > n.nrows:
            p = InputProblem(path, f"{what}有 {len(items)} 行，工作簿至多容纳 {n.nrows} 行")
            if p not in problems:
                problems.append(p)
            return []
        return items

    for n in L.inputs():
        if n.kind in ("group", "table"):
            continue
        j = n.json
        if "[]" in j and j.startswith(rubric_path):
            continue                                     # the rubric below
        if n.name == F.PENALTIES_CHECKED.name:           # 是 when conduct.penalties is given, even []; else blank
            put(n, n.row, n.col, n.kind, True if _get(raw, j) is not None else None)
            continue
        if "[]." in j:                                    # a table column: "firms.roster[].industry"
            path, fld = j.split("[].")
            for i, item in enumerate(rows_of(path, n, n.label.split("·")[0])):
                put(n, n.row + i, n.col, n.kind, item.get(fld))
        elif j.startswith(F.OVERRIDES.path + "["):       # "overrides[art6_5].outcome"
            rule, fld = j[len(F.OVERRIDES.path) + 1:].split("].")
            for ov in raw.get(F.OVERRIDES.path) or []:
                if ov.get("rule") == rule:
                    put(n, n.row, n.col, n.kind, ov.get(fld))
        elif j.endswith("]") and "[" in j:
            path, key = j[:-1].split("[")
            lst = _get(raw, path)
            if key.isdigit():                             # "firms.leading_industries[0]"
                if lst and int(key) < len(lst):
                    put(n, n.row, n.col, n.kind, lst[int(key)])
            elif lst is not None:                         # "service_functions[training]": 是/否 membership
                put(n, n.row, n.col, n.kind, key in lst)
        else:
            put(n, n.row, n.col, n.kind, _get(raw, j))

    rubric = _get(raw, rubric_path)
    if rubric:
        inds, experts = rubric.get(F.INDICATORS.key) or [], rubric.get(F.EXPERTS.key) or []
        if len(inds) > F.INDICATORS.rows:
            problems.append(InputProblem(F.INDICATORS.path, f"评分指标有 {len(inds)} 项，工作簿至多容纳 {F.INDICATORS.rows} 项"))
        elif len(experts) > F.EXPERTS.rows:
            problems.append(InputProblem(F.EXPERTS.path, f"专家有 {len(experts)} 位，工作簿至多容纳 {F.EXPERTS.rows} 位"))
        else:
            for c in F.INDICATORS.columns:
                n = L[c.name]
                for i, ind in enumerate(inds):
                    put(n, n.row + i, n.col, n.kind, ind.get(c.key))
            ex_name, ex_scores = F.EXPERTS.columns
            names, scores = L[ex_name.name], L[ex_scores.name]
            for k, ex in enumerate(experts):
                put(names, names.row, names.col + k, names.kind, ex.get(ex_name.key))
                for i, sc in enumerate((ex.get(ex_scores.key) or [])[:len(inds)]):
                    put(scores, scores.row + i, scores.col + k, scores.kind, sc)
    if problems:
        raise InputError(problems)
    return out
