"""Is a workbook structurally its reference (template)? Sheets, defined names, formulas, fixed content.

Generic: the caller gives the reference structure (read from its template) and the input cells; nothing
here knows the standard workbook. :func:`compare` lists every difference as an
:class:`~jidi_xl.errors.InputProblem` naming ``工作表!单元格`` or the defined name, so that a file whose
structure was altered — a name re-pointed at a hidden cell, a verdict formula edited, a formula typed into
an input cell over a lying cached value, a sheet renamed — is refused instead of evaluated: the verdict
must come from the input cells through the reference's own formulas, never from what the file claims.

What Excel legitimately rewrites on saving is normalised away before formulas and names are compared:
add-in qualifiers (``[1]!JIDI_X(``, ``'C:\\…\\x.xlam'!JIDI_X(``), ``_xludf.`` / ``_xlfn.`` prefixes,
the programmatic names LibreOffice writes for its add-in (``ORG.JIDIXL.FUNCTIONS.JIDI_X(``),
quotes around sheet names, letter case, spaces between tokens, number spelling (``0.50`` / ``.5``), and
shared formulas (each child translated to its own cell). Cached values of formula cells are never
compared (nor trusted). Everything else must be equal: the reference's sheets (extra sheets too are a
difference), every reference name with its target and workbook scope (a same-named sheet-scoped name
would shadow it in Excel), the formula of every reference formula cell, no formula anywhere else, and
every non-input cell's value as the reference has it (empty included).
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Any, Iterable, Mapping


from ..errors import InputError, InputProblem
from . import _ooxml as ox
from ._formula import bare_function_name

__all__ = ["BookStructure", "NotStandardWorkbook", "canonical_formula", "compare", "MAX_DIFFERENCES"]

MAX_DIFFERENCES = 30     # listed one by one; the rest counted ("…另有 N 处不同")
_CLIP = 80               # characters of a formula shown in a message


class NotStandardWorkbook(InputError):
    """The file is not (structurally) the reference workbook: it is not evaluated."""


@dataclass
class BookStructure:
    sheets: list[str]
    names: list[ox.DefinedName]
    formulas: dict[tuple[str, str], tuple[str, str]]            # (sheet, A1) -> (kind, formula text of that cell)
    values: dict[str, dict[tuple[int, int], Any]] = field(default_factory=dict)   # sheet -> {(row, col): value}


_RE_TEXT_CONST = re.compile(r'"(?:[^"]|"")*"')
_ELIDED = '"…"'


def formula_entries(cells: Iterable[ox.FormulaCell]) -> dict[tuple[str, str], tuple[str, str]]:
    """(sheet, cell) -> (kind, text): shared children translated to their own cell; array formulas keep
    their range in the kind, so an array formula where the reference has a plain one differs."""
    out = {}
    for fc in cells:
        kind = f"array {fc.array_ref}" if fc.kind == "array" else "dataTable" if fc.kind == "dataTable" else "normal"
        out[(fc.sheet, fc.cell)] = (kind, fc.text() if fc.kind != "array" or fc.cell == fc.anchor else "")
    return out


def _unquote(v: str) -> str:
    if v.startswith("'"):
        i = v.find("'!", 1)
        while i > 0 and v[i - 1] == "'" and v.count("'", 0, i) % 2 == 0:   # doubled quote inside the name
            i = v.find("'!", i + 1)
        if i > 0:
            return v[1:i].replace("''", "'") + v[i + 1:]
    return v


@functools.lru_cache(maxsize=4096)
def canonical_formula(text: str) -> str:
    """A formula as a comparable token string (module doc: what Excel legitimately rewrites is removed)."""
    from openpyxl.formula.tokenizer import Token, Tokenizer   # (lazily: a template copy's formulas are compared raw)

    try:
        items = Tokenizer("=" + text.lstrip("=")).items
    except Exception:      # noqa: BLE001 — not tokenisable: compared as written
        return "\x00" + text
    out = []
    for t in items:
        if t.type == Token.WSPACE:
            continue
        v = t.value
        if t.type == Token.FUNC and t.subtype == Token.OPEN:
            v = bare_function_name(v[:-1])
            parts = v.split(".")
            if len(parts) >= 3 and parts[-1].startswith("JIDI_"):
                v = parts[-1]          # LibreOffice's programmatic name ORG.JIDIXL.FUNCTIONS.JIDI_X (round trip)
            v += "("
        elif t.type == Token.OPERAND and t.subtype == Token.RANGE:
            v = _unquote(v).upper()
        elif t.type == Token.OPERAND and t.subtype == Token.NUMBER:
            try:
                v = repr(float(v))
            except ValueError:
                pass
        elif t.type == Token.OPERAND and t.subtype in (Token.LOGICAL, Token.ERROR):
            v = v.upper()
        out.append(v)
    return "\x1f".join(out)


def _same_formula(a: str, b: str) -> bool:
    return a == b or canonical_formula(a) == canonical_formula(b)


def _clip(s: str) -> str:
    return s if len(s) <= _CLIP else s[:_CLIP] + "…"


def _show(v: Any) -> str:
    if v is None or v == "":
        return "空"
    return f"“{_clip(str(v))}”"


def compare(ref: BookStructure, got: BookStructure, input_cells: Mapping[str, set[tuple[int, int]]],
            what: str = "标准评价工作簿", advice: str = "", values_only: Iterable[str] | None = None) -> list[InputProblem]:
    """Every structural difference of ``got`` from ``ref`` (module doc), each naming its place.

    ``values_only``: the caller has already established that names and formulas are the reference's
    (an equal fingerprint): compare the sheet list and these sheets' values only."""
    found: list[tuple[str, str, str]] = []       # (field, message, english)

    def diff(where: str, msg: str, english: str) -> None:
        found.append((where, msg, english))

    # sheets
    missing = [s for s in ref.sheets if s not in got.sheets]
    extra = [s for s in got.sheets if s not in ref.sheets]
    for s in missing:
        hint = f"（文件中多出的工作表：{'、'.join(extra)}——是否被改名？）" if extra else ""
        diff(s, f"缺少工作表「{s}」{hint}", "sheet missing or renamed")
    for s in extra:
        diff(s, f"多出工作表「{s}」（标准模板没有）；请删除该工作表", "extra sheet")
    present = set(ref.sheets) - set(missing)
    if values_only is not None:
        present &= set(values_only)

    # defined names
    got_by_upper: dict[str, list[ox.DefinedName]] = {}
    for d in got.names:
        got_by_upper.setdefault(d.name.upper(), []).append(d)
    for d in ref.names if values_only is None else ():
        mine = got_by_upper.get(d.name.upper(), [])
        book = [x for x in mine if x.local_sheet_id is None]
        if any(x.local_sheet_id is not None for x in mine):
            diff(d.name, f"定义名称 {d.name} 另有工作表级定义（会遮蔽工作簿级名称）；请在“名称管理器”中删除它",
                 "sheet-scoped name shadows the workbook name")
        if not book:
            diff(d.name, f"缺少工作簿级定义名称 {d.name}（标准模板指向 {d.value}）", "defined name missing")
        elif not _same_formula(book[0].value, d.value):
            diff(d.name, f"定义名称 {d.name} 被改为指向 {_clip(book[0].value)}（标准模板指向 {d.value}）",
                 "defined name re-pointed")

    # formulas
    for (sheet, cell), (kind, text) in ref.formulas.items():
        if sheet not in present:
            continue
        theirs = got.formulas.get((sheet, cell))
        where = f"{sheet}!{cell}"
        if theirs is None:
            diff(where, f"公式被删除或改为常量（标准模板为 ={_clip(text)}）", "formula removed")
        elif theirs[0] != kind or not _same_formula(theirs[1], text):
            # the submitted formula's text constants are not echoed: a forged "符合…" must not read as a verdict
            shown = _RE_TEXT_CONST.sub(_ELIDED, theirs[1])
            diff(where, f"公式被修改（现为 ={_clip(shown)}，标准模板为 ={_clip(text)}）",
                 "formula edited")
    for (sheet, cell), (_kind, text) in got.formulas.items():
        if (sheet, cell) in ref.formulas or sheet not in present:
            continue
        where = f"{sheet}!{cell}"
        if ox.split_a1(cell) in input_cells.get(sheet, ()):
            diff(where, f"输入单元格中不能有公式（现为 ={_clip(text)}，其保存的结果不被采信）；请只填写数值或文本",
                 "formula in an input cell")
        else:
            diff(where, f"标准模板此处没有公式（现为 ={_clip(text)}）；请删除", "formula where the template has none")

    # fixed content: every non-input, non-formula cell as the reference has it
    for sheet in ref.sheets:
        if sheet not in present:
            continue
        a, b = ref.values.get(sheet, {}), got.values.get(sheet, {})
        skip = input_cells.get(sheet, set())
        for rc in sorted(set(a) | set(b)):
            if rc in skip:
                continue
            cell = ox.a1(*rc)
            if (sheet, cell) in ref.formulas or (sheet, cell) in got.formulas:
                continue
            va, vb = a.get(rc), b.get(rc)
            if va != vb:
                diff(f"{sheet}!{cell}", f"模板固定内容被修改（现为 {_show(vb)}，标准模板为 {_show(va)}）；"
                                         "请恢复原内容，只在黄色输入单元格中填写", "fixed cell edited")

    tail = f"；{advice}" if advice else ""
    problems = [InputProblem(w, f"不是{what}：{m}{tail}", e) for w, m, e in found[:MAX_DIFFERENCES]]
    if len(found) > MAX_DIFFERENCES:
        problems.append(InputProblem("…", f"不是{what}：另有 {len(found) - MAX_DIFFERENCES} 处与标准模板不同",
                                     "more differences"))
    return problems
