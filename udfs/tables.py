"""The documented table layouts of the workbook (docs/udfs.md), parsed into rule inputs.

Column orders are a contract between the workbook generator, the UDFs and the reader; they are the
field catalogue's table columns (:mod:`jidi_xl.fields`): ROSTER_COLUMNS, PENALTY_COLUMNS, STAFF_COLUMNS,
REVOCATION_COLUMNS are derived from it, and each row is converted column by column by the column's kind.
The checks across fields are :mod:`jidi_xl.checks`'. Blank rows are skipped. A blank
penalty table is "checked, none" only with its 处罚记录已核查 flag set to 是 (:func:`penalty_record`).
"""
from __future__ import annotations

import functools
from datetime import date

from jidi_xl import checks
from jidi_xl import fields as F
from jidi_xl.case import Firm, Penalty, StaffMember
from jidi_xl.rules.chapter5 import revocation_after_reference
from jidi_xl.ruleset import RuleSet
from jidi_xl.values import credit_code_problem, normalise_credit_code, quantity_problem

from . import context
from .adapters import (_EMPTY_SEEN, FALSE_TEXT, TRUE_TEXT, UdfInputError, blank_row, boolean, code, grid, identity,
                       number, scalar, to_date)

ROSTER_COLUMNS = F.ROSTER.headers
PENALTY_COLUMNS = F.PENALTIES.headers
STAFF_COLUMNS = F.STAFF.headers
REVOCATION_COLUMNS = F.REVOCATIONS.headers


def _short(header: str) -> str:
    """A column's name in a message: its header without the unit (“从业人员（人）” → “从业人员”)."""
    return header.split("（")[0]


def _value(rs: RuleSet, c: F.Field, v, field: str):
    """One cell of a table row as its case value, by the column's kind (the UDFs' adapters)."""
    kind = c.cell_kind
    if kind == "credit_code":
        cc = scalar(v, field)
        if isinstance(cc, float) and cc.is_integer():
            cc = int(cc)                     # a code of digits only, typed into a number cell
        cc = normalise_credit_code(cc)
        bad = credit_code_problem(cc) if cc else None    # the one GB 32100-2015 check, as parse_case
        if bad:
            raise UdfInputError(field, bad)
        return cc
    if kind.startswith("code:"):
        return code(v, field, kind[5:], rs)
    if kind == "sector":
        return sector_code(rs, v, field)
    if kind in ("int", "number"):
        return number(v, field)
    if kind == "bool":
        return boolean(v, field)
    if kind == "date":
        return to_date(v, field)
    v = scalar(v, field)
    return None if v is None else str(v)


_GENERAL = object()     # _quick's "not sure: ask _value"


@functools.lru_cache(maxsize=16)
def _sectors(rs: RuleSet) -> dict[str, str]:
    """:func:`sector_code`'s answers as a lookup: code and label → code, the first sector naming it winning, as
    in its loop."""
    out: dict[str, str] = {}
    for c, spec in rs.size_standards["sectors"].items():
        out.setdefault(c, c)
        out.setdefault(spec["label"], c)
    return out


def _quick(rs: RuleSet, kind: str, v):
    """What :func:`_value` gives for the common cells of a table — blank, a known label or code, 是/否, a
    non-negative number within range, a plain text — or :data:`_GENERAL` for :func:`_value` to decide (every other
    value, every problem and its message). Measured: the 150 firms of a roster were ≈10 ms through :func:`_value`,
    its checks made for each cell's every possible type."""
    if v is None or (_EMPTY_SEEN and v is _EMPTY_SEEN[0]):
        return None                             # a blank cell is None whatever the column (scalar → None)
    t = type(v)
    if t is str:
        if not v or v[0] == "#" or not v.strip():
            return _GENERAL                      # blank text, or what may be an error value
        if kind == "text":
            return v
        if kind.startswith("code:"):
            c = rs.code_for(kind[5:], v.strip())
            return _GENERAL if c is None else c
        if kind == "sector":
            return _sectors(rs).get(v.strip(), _GENERAL)
        if kind == "bool":
            s = v.strip()
            return True if s in TRUE_TEXT else False if s in FALSE_TEXT else _GENERAL
        return _GENERAL
    if kind in ("int", "number") and (t is int or t is float) and v >= 0 and not quantity_problem(v):
        return int(v) if t is float and v.is_integer() else v
    return _GENERAL


def _items(rs: RuleSet, t: F.Table, x, what: str):
    """(row number, {key: value}, where) of every non-blank row, converted column by column; a row lacking a
    required column is refused (:func:`jidi_xl.checks.incomplete_row`)."""
    cols = [(c, _short(c.label), c.cell_kind) for c in t.input_columns]
    general = _GENERAL
    for i, r in _rows(x, len(cols), t.key):
        at = f"{what}第{i}行"
        item = {}
        for (c, short, kind), v in zip(cols, r):
            q = _quick(rs, kind, v)
            item[c.key] = _value(rs, c, v, f"{at}·{short}") if q is general else q
        bad = checks.incomplete_row(t, item)
        if bad:
            raise UdfInputError(at, bad)
        yield i, item, at


def _rows(x, width: int, table: str):
    for i, row in enumerate(grid(x), start=1):
        row = (list(row) + [None] * width)[:width] if len(row) != width else row
        if blank_row(row):
            continue
        yield i, row


def sector_code(rs: RuleSet, v, field: str) -> str | None:
    v = scalar(v, field)
    if v is None:
        return None
    sectors = rs.size_standards["sectors"]
    for c, spec in sectors.items():
        if str(v).strip() in (c, spec["label"]):
            return c
    raise UdfInputError(field, f"未知的划型行业 {v!r}；请从下拉列表选择（{'、'.join(s['label'] for s in sectors.values())}）")


def roster(rs: RuleSet, x) -> tuple[Firm, ...]:
    """The roster's firms. One recalculation hands the same 1,000×9 cells to ~9 functions (n, ratio, track,
    the 第六条第（五）项 result, figures, reason…): converted once per evaluation when the host keeps a memo
    (:func:`udfs.context.memo`, the headless engine: measured 6 % of a batch worker's time went to converting
    the same roster again in each call), else parsed once per distinct content (measured: 7 ms a parse)."""
    scratch, ident = context.memo(), identity(x)
    if scratch is not None and ident is not None:
        key = ("roster", rs.key, ident[0])
        hit = scratch.get(key)
        if hit is None:
            # parsed directly: the content cache below would hash 9,000 cells for a roster met once (1.4 ms)
            hit = scratch[key] = (ident[1], _parse_roster(rs, grid(x)))
        return hit[1]
    return _roster(rs, x)


def _roster(rs: RuleSet, x) -> tuple[Firm, ...]:
    rows = tuple(tuple(r) for r in grid(x))
    try:
        return _roster_cached(rs, rows)
    except TypeError:       # an unhashable cell value: parse without the cache
        return _parse_roster(rs, rows)


@functools.lru_cache(maxsize=16)
def _roster_cached(rs: RuleSet, rows: tuple) -> tuple[Firm, ...]:
    return _parse_roster(rs, rows)


def _parse_roster(rs: RuleSet, x) -> tuple[Firm, ...]:
    firms, seen = [], checks.DuplicateCodes()
    for i, item, at in _items(rs, F.ROSTER, x, "入驻企业名册"):
        dup = seen.see(item["credit_code"], f"第{i}行")
        if dup:
            raise UdfInputError(f"{at}·{_short(F.ROSTER.column('credit_code').label)}", dup)
        firms.append(Firm(**item, where=at))
    return tuple(firms)


def penalties(rs: RuleSet, x) -> list[Penalty]:
    return [Penalty(**{**item, "description": str(item["description"] or "")})
            for _, item, _ in _items(rs, F.PENALTIES, x, "处罚记录")]


def penalty_record(rs: RuleSet, x, checked) -> list[Penalty] | None:
    """The penalty record of the table ``x`` and its 处罚记录已核查 flag (spec §0: blank never means none).

    是 → the rows, possibly none (checked, none); 否 or blank → the rows if there are any (a penalty entered
    still counts), else None: the record was not entered (待核实)."""
    done = boolean(checked, "处罚记录已核查")
    rows = penalties(rs, x)
    return rows if rows or done else None


def staff(rs: RuleSet, x) -> list[StaffMember] | None:
    out = [StaffMember(**{**item, "name": str(item["name"])}) for _, item, _ in _items(rs, F.STAFF, x, "服务人员")]
    return out or None


def revocations(rs: RuleSet, x, ref: date | None = None) -> list[tuple]:
    """(date, ground) rows; with ``ref``, a row dated after it is refused (spec §8/§10, as ``parse_case``)."""
    out = []
    d_col, g_col = F.REVOCATIONS.input_columns
    for _, item, at in _items(rs, F.REVOCATIONS, x, "撤销记录"):
        d, g = item[d_col.key], item[g_col.key]
        bad = revocation_after_reference(d, ref) if ref else None
        if bad:
            raise UdfInputError(f"{at}·{d_col.label}", bad)
        out.append((d, g))
    return out


def flag_list(rs: RuleSet, x, kind: str, field: str) -> list[str] | None:
    """A column of 是/否 cells in the order of the code list → the codes marked 是 (None if all blank)."""
    vals = [c for row in grid(x) for c in row]
    order = rs.code_list(kind)
    if len(vals) < len(order):
        raise UdfInputError(field, f"应引用 {len(order)} 个是/否单元格，实际 {len(vals)} 个")
    marks = [boolean(v, f"{field}·{rs.label(kind, c)}") for v, c in zip(vals, order)]
    if all(m is None for m in marks):
        return None
    bad = checks.partly_blank([rs.label(kind, c) for c, m in zip(order, marks) if m is None])
    if bad:
        raise UdfInputError(field, bad)
    return [c for c, m in zip(order, marks) if m]
