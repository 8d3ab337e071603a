"""Reject workbook constructs that ``formulas`` 1.3.4 cannot evaluate correctly.

Formulas are read straight from the sheet XML (no openpyxl workbook load) and
tokenised with :class:`openpyxl.formula.Tokenizer`.  Every finding is a
:class:`LintIssue` with sheet and cell (defined names: ``sheet`` is the scope
sheet or ``None`` and ``cell`` the name).

Codes (all measured with formulas 1.3.4, see field notes):

``STRUCTURED_REF``       ``Tbl[Col]`` / ``[@Col]`` -- the whole load fails.
``SHEET_SCOPED_NAME``    use of a name defined with ``localSheetId`` -- ``#REF!``.
``UNSUPPORTED_FUNCTION`` OFFSET, SEQUENCE, SUBTOTAL, AGGREGATE, INDIRECT -- ``#NAME?``.
``DOUBLE_NEGATION``      ``--x``: formulas drops the double minus, so
                         ``--TRUE`` stays TRUE and ``SUMPRODUCT(--(A1:A3>1))`` gives 0.
``DYNAMIC_ARRAY``        spilled formulas (``cm`` attribute, ``_xlfn._xlws.*``,
                         ``_xlfn.ANCHORARRAY``, ``A1#``) -- size frozen to the saved one.
``UNKNOWN_FUNCTION``     neither a formulas built-in nor one of ``functions``.
``EXTERNAL_REF``         reference into another workbook (``[2]Sheet!A1``).
``SHEET_NAME_QUOTE``     sheet name containing ``'`` -- every reference to it is ``#REF!``.
``DATA_TABLE``           What-If data table (``t="dataTable"``) -- not computed.
``PARSE_ERROR``          the formula cannot be tokenised.

Add-in qualifiers in front of a known UDF (``[1]!JIDI_X(``) are accepted:
:mod:`.normalize` removes them before loading.
"""

from __future__ import annotations

import functools
import os
import zipfile
from dataclasses import dataclass
from typing import Iterable, Mapping


from . import _ooxml as ox
from ._formula import bare_function_name, remove_positions, spill_positions

__all__ = ["LintIssue", "LintError", "lint_workbook", "functions_used", "format_issues",
           "formulas_builtin_functions"]


@dataclass(frozen=True)
class LintIssue:
    sheet: str | None
    cell: str | None
    code: str
    message: str

    def __str__(self) -> str:
        where = f"{self.sheet}!{self.cell}" if self.sheet and self.cell else (self.sheet or self.cell or "")
        return f"[{self.code}] {where}: {self.message}"


class LintError(Exception):
    """Raised when a workbook uses constructs the engine cannot evaluate."""

    def __init__(self, issues: list[LintIssue]):
        self.issues = list(issues)
        super().__init__("工作簿包含无法正确计算的公式 (workbook has formulas the engine cannot "
                         "evaluate correctly):\n" + format_issues(self.issues))


def format_issues(issues: Iterable[LintIssue], limit: int = 50) -> str:
    issues = list(issues)
    lines = [str(i) for i in issues[:limit]]
    if len(issues) > limit:
        lines.append(f"... 另有 {len(issues) - limit} 项 (and {len(issues) - limit} more)")
    return "\n".join(lines)


UNSUPPORTED = {
    "OFFSET": "请改用 INDEX(区域,行,列) (use INDEX instead)",
    "SEQUENCE": "请改用固定区域或 ROW() 辅助列 (use a fixed range / ROW())",
    "SUBTOTAL": "请改用 SUM/AVERAGE/COUNT 等 (use SUM/AVERAGE/COUNT...)",
    "AGGREGATE": "请改用 SUM/MAX/MIN 等配合 IFERROR (use SUM/MAX/MIN with IFERROR)",
    "INDIRECT": "请改用直接引用或 INDEX/CHOOSE (use a direct reference or INDEX/CHOOSE)",
}


@functools.lru_cache(maxsize=1)
def _builtin_snapshot() -> frozenset[str]:
    import formulas
    from formulas.functions import not_implemented
    return frozenset(k for k, v in formulas.get_functions().items() if v is not not_implemented)


def formulas_builtin_functions() -> frozenset[str]:
    """Upper-case names ``formulas`` implements (as looked up at parse time,
    e.g. ``SUM``, ``_XLFN.XLOOKUP``).  Snapshot taken on first call, before
    any UDF registration can add to the registry."""
    return _builtin_snapshot()


def _split_operand(v: str) -> tuple[str | None, str]:
    """'Sheet1'!A1 -> ("'Sheet1'", "A1"); A1 -> (None, "A1")."""
    if v.startswith("'"):
        i = 1
        while i < len(v):
            if v[i] == "'":
                if i + 1 < len(v) and v[i + 1] == "'":
                    i += 2
                    continue
                break
            i += 1
        if i + 1 < len(v) and v[i + 1] == "!":
            return v[:i + 1], v[i + 2:]
        return None, v
    if "!" in v:
        a, _, b = v.partition("!")
        return a, b
    return None, v


def _msg(code: str, detail: str) -> str:
    if code == "STRUCTURED_REF":
        return (f"结构化表格引用 {detail} 不受支持，会使整本工作簿加载失败；请改用普通区域引用 "
                f"(structured table reference not supported)")
    if code == "SHEET_SCOPED_NAME":
        return (f"名称 {detail} 定义为工作表级名称，formulas 会得到 #REF!；请改为工作簿级名称 "
                f"(sheet-scoped defined name)")
    if code == "UNSUPPORTED_FUNCTION":
        return (f"函数 {detail} 在 formulas 中不可用（结果为 #NAME?）；{UNSUPPORTED.get(detail, '')} "
                f"(function not supported by formulas)")
    if code == "DOUBLE_NEGATION":
        return ("双重负号 -- 在 formulas 中不起作用（--TRUE 仍为 TRUE，SUMPRODUCT(--(条件)) 得 0）；"
                "请写成 (条件)*1 (double unary minus is a no-op in formulas)")
    if code == "DYNAMIC_ARRAY":
        return (f"动态数组/溢出公式 {detail} 不受支持，只会按文件中保存的大小计算；请改用固定大小的数组公式 "
                f"(dynamic-array / spill formula not supported)")
    if code == "UNKNOWN_FUNCTION":
        return (f"未知函数 {detail}：formulas 不支持，也不是已注册的 UDF "
                f"(unknown function: not a formulas built-in nor a registered UDF)")
    if code == "EXTERNAL_REF":
        return f"引用了外部工作簿 {detail}，无法计算 (reference to another workbook)"
    if code == "PARSE_ERROR":
        return f"无法解析公式：{detail} (formula cannot be tokenised)"
    return detail


def _lint_formula(formula: str, known_udfs: frozenset[str], scoped_names: frozenset[str]
                  ) -> tuple[tuple[str, str], ...]:
    """Findings for one formula text (no leading '='): tuple of (code, detail)."""
    from openpyxl.formula.tokenizer import Token, Tokenizer   # (openpyxl costs ≈0.1 s to import: only when linting)

    builtins = _builtin_snapshot()
    found: list[tuple[str, str]] = []
    spills = spill_positions(formula)
    if spills:
        found.append(("DYNAMIC_ARRAY", "#"))
        formula = remove_positions(formula, spills)
    try:
        items = Tokenizer("=" + formula).items
    except Exception as exc:
        found.append(("PARSE_ERROR", str(exc)))
        return tuple(found)
    prev_minus = False
    for tok in items:
        if tok.type == Token.WSPACE:
            continue
        is_minus = tok.type == Token.OP_PRE and tok.value == "-"
        if is_minus and prev_minus:
            found.append(("DOUBLE_NEGATION", "--"))
        prev_minus = is_minus
        if tok.type == Token.FUNC and tok.subtype == Token.OPEN:
            raw = tok.value[:-1]
            qualified = "!" in raw
            name = raw.rpartition("!")[2].strip().upper() if qualified else raw.strip().upper()
            base = bare_function_name(name)
            if "_XLWS." in name or base == "ANCHORARRAY":
                found.append(("DYNAMIC_ARRAY", raw))
            elif base in UNSUPPORTED:
                found.append(("UNSUPPORTED_FUNCTION", base))
            elif qualified:
                if base not in known_udfs:
                    found.append(("UNKNOWN_FUNCTION", raw))
            elif name in builtins or name in known_udfs:
                pass
            elif name.startswith("_XLUDF.") and base in known_udfs:
                pass
            elif name.count(".") >= 2 and name.rpartition(".")[2] in known_udfs:
                pass       # LibreOffice's programmatic name of an add-in call (ORG.JIDIXL.FUNCTIONS.JIDI_X); normalised
            else:
                found.append(("UNKNOWN_FUNCTION", raw))
        elif tok.type == Token.OPERAND and tok.subtype == Token.RANGE:
            v = tok.value.lstrip("@")
            prefix, ref = _split_operand(v)
            if prefix is not None and "[" in prefix:
                found.append(("EXTERNAL_REF", v))
            elif "[" in ref:
                found.append(("STRUCTURED_REF", v))
            elif ref.upper() in scoped_names:
                found.append(("SHEET_SCOPED_NAME", ref))
    # de-duplicate, keep order
    return tuple(dict.fromkeys(found))


def lint_workbook(path: str | os.PathLike, functions: Iterable[str] | Mapping = ()) -> list[LintIssue]:
    """Lint every cell formula and defined name of the workbook at *path*.

    *functions*: the registered UDF names (a mapping's keys are used).
    Returns a list of :class:`LintIssue` (empty when the workbook is fine).
    """
    known = frozenset(n.upper() for n in functions)
    known = known | frozenset(n[len("_XLUDF."):] for n in known if n.startswith("_XLUDF."))
    issues: list[LintIssue] = []
    lint = functools.lru_cache(maxsize=None)(
        lambda f, scoped: _lint_formula(f, known, scoped))
    with zipfile.ZipFile(os.fspath(path)) as zf:
        info = ox.read_workbook(zf)
        by_index = {s.index: s.name for s in info.sheets}
        scoped = frozenset(d.name.upper() for d in info.defined_names
                           if d.local_sheet_id is not None and not d.hidden
                           and not d.name.lower().startswith("_xlnm."))
        for s in info.sheets:
            if "'" in s.name:
                issues.append(LintIssue(s.name, None, "SHEET_NAME_QUOTE",
                                        f"工作表名 {s.name} 含单引号，formulas 对它的所有引用都会得到 #REF!；"
                                        f"请重命名 (sheet name containing an apostrophe)"))
            scan = ox.scan_sheet(ox.read_text(zf, s.part))
            for c in scan.cells():
                if c.formula is None:
                    continue
                if "cm" in c.attrs:
                    issues.append(LintIssue(s.name, c.ref, "DYNAMIC_ARRAY", _msg("DYNAMIC_ARRAY", "(cm)")))
                if c.f_attrs.get("t") == "dataTable":
                    issues.append(LintIssue(s.name, c.ref, "DATA_TABLE",
                                            "模拟运算表（数据表）不会被计算 (What-If data table is not computed)"))
                    continue
                if not c.formula:
                    continue  # shared-formula child: linted at its master
                for code, detail in lint(c.formula, scoped):
                    issues.append(LintIssue(s.name, c.ref, code, _msg(code, detail)))
        for d in info.defined_names:
            if d.hidden or d.name.lower().startswith("_xlnm.") or not d.value:
                continue
            sheet = by_index.get(d.local_sheet_id) if d.local_sheet_id is not None else None
            for code, detail in lint(d.value, scoped):
                issues.append(LintIssue(sheet, d.name, code, _msg(code, detail)))
    # drop exact duplicates (e.g. DYNAMIC_ARRAY from cm and from the text)
    return list(dict.fromkeys(issues))


def functions_used(path: str | os.PathLike) -> set[str]:
    """Upper-case bare names (qualifier and ``_xlfn.``/``_xlws.``/``_xludf.``
    removed) of every function called by a cell formula or defined name."""
    names: set[str] = set()

    from openpyxl.formula.tokenizer import Token, Tokenizer

    @functools.lru_cache(maxsize=None)
    def of(formula: str) -> frozenset[str]:
        try:
            items = Tokenizer("=" + remove_positions(formula, spill_positions(formula))).items
        except Exception:
            return frozenset()
        return frozenset(bare_function_name(t.value[:-1]) for t in items
                         if t.type == Token.FUNC and t.subtype == Token.OPEN)

    with zipfile.ZipFile(os.fspath(path)) as zf:
        info = ox.read_workbook(zf)
        for s in info.sheets:
            for c in ox.scan_sheet(ox.read_text(zf, s.part)).cells():
                if c.formula:
                    names |= of(c.formula)
        for d in info.defined_names:
            if d.value and not d.hidden:
                names |= of(d.value)
    return names
