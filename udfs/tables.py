"""The documented table layouts of the workbook (docs/udfs.md), parsed into rule inputs.

Column orders are a contract between the workbook generator, the UDFs and the reader:
ROSTER_COLUMNS, PENALTY_COLUMNS, STAFF_COLUMNS, REVOCATION_COLUMNS. Blank rows are skipped. A blank
penalty table is "checked, none" only with its 处罚记录已核查 flag set to 是 (:func:`penalty_record`).
"""
from __future__ import annotations

import functools
from datetime import date

from jidi_xl.case import Firm, Penalty, StaffMember
from jidi_xl.rules.chapter5 import revocation_after_reference
from jidi_xl.ruleset import RuleSet
from jidi_xl.values import credit_code_problem, normalise_credit_code

from .adapters import UdfInputError, boolean, code, grid, is_empty, number, scalar, to_date

ROSTER_COLUMNS = ["企业名称", "统一社会信用代码", "所属产业", "划型行业", "从业人员（人）", "营业收入（万元）",
                  "资产总额（万元）", "企业规模（已申报）", "注册地在本市"]
PENALTY_COLUMNS = ["处罚日期", "处罚类型", "处罚对象", "说明"]
STAFF_COLUMNS = ["姓名", "学历", "职称"]
REVOCATION_COLUMNS = ["撤销日期", "撤销原因"]


def _rows(x, width: int, table: str):
    for i, row in enumerate(grid(x), start=1):
        row = (list(row) + [None] * width)[:width]
        if all(is_empty(c) for c in row):
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
    """The roster's firms. One recalculation hands the same 1,000×9 cells to ~8 functions (n, ratio, track,
    the 第六条第（五）项 result, figures, reason…): parsed once per distinct content (measured: 7 ms a parse)."""
    rows = tuple(tuple(r) for r in grid(x))
    try:
        return _roster_cached(rs, rows)
    except TypeError:       # an unhashable cell value: parse without the cache
        return _parse_roster(rs, rows)


@functools.lru_cache(maxsize=16)
def _roster_cached(rs: RuleSet, rows: tuple) -> tuple[Firm, ...]:
    return _parse_roster(rs, rows)


def _parse_roster(rs: RuleSet, x) -> tuple[Firm, ...]:
    firms, seen = [], {}
    for i, r in _rows(x, len(ROSTER_COLUMNS), "roster"):
        at = f"入驻企业名册第{i}行"
        name = scalar(r[0], f"{at}·企业名称")
        if name is None:
            raise UdfInputError(f"{at}·企业名称", "有数据但缺少企业名称；请补填名称或清空该行")
        cc = scalar(r[1], f"{at}·统一社会信用代码")
        if isinstance(cc, float) and cc.is_integer():
            cc = int(cc)                     # a code of digits only, typed into a number cell
        cc = normalise_credit_code(cc)
        if cc:
            bad = credit_code_problem(cc)    # the one GB 32100-2015 check, as parse_case
            if bad:
                raise UdfInputError(f"{at}·统一社会信用代码", bad)
            if cc in seen:
                raise UdfInputError(f"{at}·统一社会信用代码", f"{cc} 与第{seen[cc]}行重复；同一企业只能登记一次")
            seen[cc] = i
        firms.append(Firm(
            name=str(name), credit_code=cc,
            industry=code(r[2], f"{at}·所属产业", "industries", rs),
            sector=sector_code(rs, r[3], f"{at}·划型行业"),
            employees=number(r[4], f"{at}·从业人员"),
            revenue_10k=number(r[5], f"{at}·营业收入"),
            assets_10k=number(r[6], f"{at}·资产总额"),
            size_class=code(r[7], f"{at}·企业规模", "size_classes", rs),
            beijing_registered=boolean(r[8], f"{at}·注册地在本市"),
            where=at))
    return tuple(firms)


def penalties(rs: RuleSet, x) -> list[Penalty]:
    out = []
    for i, r in _rows(x, len(PENALTY_COLUMNS), "penalties"):
        at = f"处罚记录第{i}行"
        d = to_date(r[0], f"{at}·处罚日期")
        kind = code(r[1], f"{at}·处罚类型", "penalty_kinds", rs)
        subject = code(r[2], f"{at}·处罚对象", "penalty_subjects", rs)
        if d is None or kind is None or subject is None:
            raise UdfInputError(at, "处罚记录须填写日期、类型和对象；请补全或清空该行")
        out.append(Penalty(d, kind, subject, str(scalar(r[3], f"{at}·说明") or "")))
    return out


def penalty_record(rs: RuleSet, x, checked) -> list[Penalty] | None:
    """The penalty record of the table ``x`` and its 处罚记录已核查 flag (spec §0: blank never means none).

    是 → the rows, possibly none (checked, none); 否 or blank → the rows if there are any (a penalty entered
    still counts), else None: the record was not entered (待核实)."""
    done = boolean(checked, "处罚记录已核查")
    rows = penalties(rs, x)
    return rows if rows or done else None


def staff(rs: RuleSet, x) -> list[StaffMember] | None:
    out = []
    for i, r in _rows(x, len(STAFF_COLUMNS), "staff"):
        at = f"服务人员第{i}行"
        name = scalar(r[0], f"{at}·姓名")
        if name is None:
            raise UdfInputError(f"{at}·姓名", "有数据但缺少姓名")
        out.append(StaffMember(str(name), code(r[1], f"{at}·学历", "degrees", rs), code(r[2], f"{at}·职称", "titles", rs)))
    return out or None


def revocations(rs: RuleSet, x, ref: date | None = None) -> list[tuple]:
    """(date, ground) rows; with ``ref``, a row dated after it is refused (spec §8/§10, as ``parse_case``)."""
    out = []
    for i, r in _rows(x, len(REVOCATION_COLUMNS), "revocations"):
        at = f"撤销记录第{i}行"
        d = to_date(r[0], f"{at}·撤销日期")
        g = code(r[1], f"{at}·撤销原因", "revocation_grounds", rs)
        if d is None or g is None:
            raise UdfInputError(at, "撤销记录须填写日期和原因")
        bad = revocation_after_reference(d, ref) if ref else None
        if bad:
            raise UdfInputError(f"{at}·撤销日期", bad)
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
    if any(m is None for m in marks):
        blank = "、".join(rs.label(kind, c) for c, m in zip(order, marks) if m is None)
        raise UdfInputError(field, f"部分项目未选择（{blank}）；请为每一项选择“是”或“否”")
    return [c for c, m in zip(order, marks) if m]
