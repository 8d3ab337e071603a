"""The package limits of the standard workbook: the generic limits of :mod:`jidi_xl.engine.package` with the
template's used range of each sheet as that sheet's maxima.

Here, in the workbook layer, because it is derived from the template (:data:`workbooks.TEMPLATE_PATH`) and
the layout (the tables' row counts and labels); the generic package guard (``jidi_xl.engine``) knows no
template, and the reader (:mod:`workbooks.reader`) and the pipeline (:mod:`jidi_xl.pipeline.standard`) both
check a file against these limits before anything reads it.
"""
from __future__ import annotations

import functools
import hashlib
import os
import zipfile
from pathlib import Path

from jidi_xl.engine import _ooxml as ox
from jidi_xl.engine.package import GENERIC_LIMITS, PackageError, PackageLimits, SheetBounds, check_package
from jidi_xl.errors import InputError, InputProblem, RuleSetError
from jidi_xl.ruleset import DEFAULT_RULESET, PARAMS_DIR, load_ruleset

from . import TEMPLATE_PATH
from .layout import default_layout

__all__ = ["ADVICE", "WHAT", "UnknownRuleSet", "book_limits", "recorded_key", "standard_limits", "template_for"]

WHAT = "标准评价工作簿"
ADVICE = "请使用标准模板 jidi_evaluation.xlsx，只在黄色输入单元格中填写后重新提交"


def standard_limits(template: str | os.PathLike | None = None) -> PackageLimits:
    """The package limits of a standard workbook: the generic ones, with the template's used range of each
    sheet (its cells, merged ranges and defined names, e.g. the roster's 1,000 rows) as the sheet's maxima,
    and a note naming the table that ends there ("标准模板的入驻企业名册最多 1000 行（第 4–1003 行）").
    Computed once per template and process (the engine asks with the template's path, the reader with none)."""
    return _standard_limits(str(template or TEMPLATE_PATH))


@functools.lru_cache(maxsize=4)
def _standard_limits(template: str) -> PackageLimits:
    extents = dict(check_package(template, GENERIC_LIMITS).extents)
    with zipfile.ZipFile(template) as zf:
        names = ox.read_workbook(zf).defined_names
    for d in names:
        sheet, _, ref = d.value.rpartition("!")
        sheet = sheet[1:-1].replace("''", "'") if sheet.startswith("'") else sheet
        if sheet in extents:
            _r1, _c1, r2, c2 = ox.range_bounds(ref)
            r, c = extents[sheet]
            extents[sheet] = (max(r, r2), max(c, c2))
    bounds = {}
    for sheet, (r, c) in extents.items():
        notes = [f"标准模板的{n.label}最多 {n.nrows} 行（第 {n.row + 1}–{n.row + n.nrows} 行）"
                 for n in default_layout().inputs() if n.sheet == sheet and n.kind == "table" and n.row + n.nrows == r]
        bounds[sheet] = SheetBounds(r, c, "；".join(notes) or
                                    f"标准模板的「{sheet}」工作表只用到第 {r} 行、第 {ox.num2col(c)} 列（{ox.a1(r, c)}）")
    return GENERIC_LIMITS.with_sheets(bounds, WHAT)


class UnknownRuleSet(InputError):
    """The workbook records a rule-set or notice this package does not know (named by its cell)."""


def _cache_dir() -> Path:
    """The notices' templates, in the program's folder of the user's cache (the compiled templates' too:
    :func:`jidi_xl.engine.store.user_cache_dir` — ``%LOCALAPPDATA%`` on Windows)."""
    from jidi_xl.engine.store import user_cache_dir

    return user_cache_dir() / "templates"


@functools.lru_cache(maxsize=8)
def template_for(key: str) -> str:
    """The standard template of a rule-set key: the committed one for the default rule-set, else the template the
    generator writes for that rule-set and notice (``jidi-xl workbook --notice YEAR`` gives the same bytes).

    Generated templates are cached on disk under ``$XDG_CACHE_HOME/jidi-xl/templates`` (:func:`_cache_dir`; ≈10 s
    to make one), named by a digest of what they are made from — the committed template, every source of the program, the
    rule-set and notice files — so that a changed program or notice never reuses a stale one. Raises RuleSetError."""
    from . import generate               # the generator (xlsxwriter, the engine) only when a notice asks for it

    rs = load_ruleset(key)
    if rs.key == DEFAULT_RULESET:
        return str(TEMPLATE_PATH)
    import jidi_xl
    import udfs
    from jidi_xl.engine.store import tree_digest

    h = hashlib.sha256(rs.key.encode())
    # what the template is made from: the committed template, the program that generates it (the catalogue, the
    # rules, the texts, the UDF registry, the layout and generator — every source, so that no change is missed)
    # and the rule-set and notice files it is made for
    h.update(tree_digest(Path(jidi_xl.__file__).parent, Path(udfs.__file__).parent, Path(__file__).parent).encode())
    files = [Path(TEMPLATE_PATH), PARAMS_DIR / f"{rs.id}.yaml"]
    files += [rs.notice_info.file] if rs.notice_info else []
    for f in files:
        h.update(f.read_bytes())
    name = f"jidi_evaluation_{rs.key.replace('@', '_')}_{h.hexdigest()[:16]}.xlsx"
    for folder in (_cache_dir(), Path(os.environ.get("TMPDIR", "/tmp")) / "jidi-xl-templates"):
        path = folder / name
        if path.is_file():
            return str(path)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            data, _ = generate.build(rs=rs)
            tmp = folder / f".{name}.{os.getpid()}.tmp"
            tmp.write_bytes(data)
            os.replace(tmp, path)
            return str(path)
        except OSError:
            continue
    raise OSError("无法写出年度通知的标准模板（缓存文件夹不可写）；请设置 XDG_CACHE_HOME 为可写的文件夹")


def recorded_key(path: str | os.PathLike, book=None) -> str | None:
    """The rule-set key a workbook records in ``info_ruleset`` (参数!B4), read with calamine; None when blank.
    Call it on a file that passed at least the generic package guard. ``book``: the file's values already read
    (a :class:`workbooks.reader.Book`), read instead of opening the file again."""
    n = default_layout()["info_ruleset"]
    if book is not None:
        v = book.value(n.sheet, n.row, n.col)
    else:
        from python_calamine import CalamineWorkbook

        sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_name(n.sheet)
        rows = sheet.to_python(skip_empty_area=False, nrows=n.row + 1)
        v = rows[n.row][n.col] if len(rows) > n.row and len(rows[n.row]) > n.col else None
    return None if v is None or str(v).strip() == "" else str(v).strip()


def book_limits(path: str | os.PathLike) -> PackageLimits:
    """The package limits of the standard template of the rule-set ``path`` records (for the reader, which
    checks a book before reading it): the default template's, unless the book exceeds them and records another
    rule-set key that this package knows. Raises :class:`PackageError` or :class:`UnknownRuleSet`."""
    limits = standard_limits()
    try:
        check_package(path, limits)
        return limits
    except PackageError:
        try:
            check_package(path, GENERIC_LIMITS)
            key = recorded_key(path)
        except Exception:  # noqa: BLE001 — not even a generic workbook: the standard limits' error says why
            key = None
        if not key:
            raise
    try:
        return standard_limits(template_for(key))
    except RuleSetError as exc:
        where = default_layout()["info_ruleset"].where
        raise UnknownRuleSet([InputProblem(where, f"工作簿记录的规则集 {key!r} 无法使用：{exc}")], str(path)) from None
