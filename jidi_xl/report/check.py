"""``jidi-xl check`` and the batch: a recalculated standard workbook against the rules engine.

One function, :func:`process_workbook`, does the work for one file — recalculate it headlessly (a copy
carries the new values), read its inputs back into a case, evaluate that case with the rules engine
directly, and compare every result cell that has an engine counterpart. ``check`` prints its findings;
``batch`` turns them into a summary row or a "could not be evaluated" line.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from workbooks.layout import Layout, layout_for
from workbooks.limits import recorded_key

from ..engine.lint import LintError
from ..engine.result import RecalcError, RecalcLoadError
from ..errors import InputError, RuleSetError
from ..pipeline.standard import StandardEngine
from ..ruleset import DEFAULT_RULESET, load_ruleset

# Imported where used: the comparison's modules (workbooks.expected, the reader, the rules engine) and the
# generator (workbooks.generate, for a notice's pre-filled cells, which imports xlsxwriter and the full engine)
# are not needed by ``recalc`` of a template copy — a cold ``recalc`` does not pay for them (measured ≈0.4 s).


@dataclass
class Difference:
    name: str
    where: str          # 工作表!单元格
    expected: Any
    actual: Any

    def __str__(self) -> str:
        return f"{self.where}（{self.name}）：工作簿 {self.actual!r}，规则引擎 {self.expected!r}"


@dataclass
class WorkbookOutcome:
    file: str
    output: str | None = None
    path_taken: str = ""                     # "template" (compiled fast path) or "full"
    values: dict[str, Any] = field(default_factory=dict)      # out_/in_ name → recalculated value
    problems: list[str] = field(default_factory=list)         # could not be evaluated: why, with sheet!cell
    input_errors: list[str] = field(default_factory=list)     # cells showing 输入错误：… (bad input, named)
    differences: list[Difference] = field(default_factory=list)
    compared: int = 0
    seconds: float = 0.0
    blank: bool = False          # no input at all (the blank template): nothing to evaluate
    parsed: Any = field(default=None, repr=False, compare=False)   # (case, report) compared with; this process only

    @property
    def evaluated(self) -> bool:
        return not self.problems

    def __getstate__(self) -> dict:     # a batch worker's outcome travels to the parent without the case
        return {**self.__dict__, "parsed": None}


def _cell_problems(result) -> list[str]:
    out = [f"{e.sheet}!{e.cell}：公式结果为错误值 {e.value}（{e.formula}）" for e in result.errors]
    out += [f"{s}!{c}：公式单元格没有计算结果（循环引用或函数失败）" for s, c in result.missing]
    out += [f"{f.sheet}!{f.cell}：函数 {f.function} 出错：{f.message}" for f in result.udf_failures]
    for (s, c), v in result.values.items():
        if isinstance(v, str) and v.startswith("内部错误"):
            out.append(f"{s}!{c}：{v}")
    return out


def _book_layout(path: Path, book=None) -> Layout:
    """The layout of the rule-set the book records (info_ruleset; blank: the default rule-set), built at call
    time. Raises :class:`RuleSetError` for a key the package does not know (the recalculation refused it first).
    ``book``: the file's values already read (:class:`workbooks.reader.Book`)."""
    return layout_for(load_ruleset(recorded_key(path, book) or DEFAULT_RULESET))


def _values_book(engine, path: Path):
    """The values the engine's recalculation of ``path`` read (a :class:`workbooks.reader.Book` over them), or
    None when the engine cannot say (another engine, a file changed since): then each reader reads the file.

    The inputs are read back from the source file, not the recalculated copy: the input cells of the copy are
    those of the source (``write_cached_values`` writes formula cells' cached values only), so the case evaluated
    is the one the engine computed from — read once."""
    book_of = getattr(engine, "book_of", None)
    book = book_of(path) if callable(book_of) else None
    return book.values_book() if book is not None else None


def _no_inputs(path: Path, L: Layout | None = None, book=None) -> bool:
    """True when every input cell of the book's layout ``L`` (default: read from the book) holds what the blank
    template of the book's rule-set holds: empty, or — a notice's workbook — the notice's rubric it came filled
    with (workbooks.generate.notice_cells). ``book``: the file's values already read."""
    from workbooks.generate import notice_cells
    from workbooks.reader import Book

    try:
        L = L if L is not None else _book_layout(path, book)
        book = book if book is not None else Book(path)
        prefill = notice_cells(L.ruleset, L)
    except (InputError, RuleSetError):
        return False
    for n in L.inputs():
        placed, _ = book.place(n)
        for r, c in placed.cells():
            v = book.value(placed.sheet, r, c)
            if v is not None and v != prefill.get((n.sheet, r - placed.row + n.row, c - placed.col + n.col)):
                return False
    return True


def _compare(res: WorkbookOutcome, result, expected: dict[str, Any], L: Layout) -> None:
    """Every single-cell result of the layout against its expected value (workbooks.expected gives one for each)."""
    from workbooks.expected import same

    for name, want in expected.items():
        n = L[name]
        got = result.values.get((n.sheet, n.ref))
        res.compared += 1
        if not same(want, got):
            res.differences.append(Difference(name, n.where, want, got))


def _change_rows(path: Path, L: Layout, book=None) -> list[int]:
    """The 0-based rows of the 重大变更 block that hold a change, in order: the reader skips blank rows, so
    the k-th filing of the case sits on the k-th of these rows (its result cells are on the same row).
    ``book``: the file's values already read (default: read ``path``)."""
    from udfs.adapters import is_empty
    from workbooks.reader import Book

    n, book = L["in_changes"], book if book is not None else Book(path)
    return [i for i in range(n.nrows)
            if not all(is_empty(v) for v in book.row(n.sheet, n.row + i, n.col, n.ncols))]


def _check_blank(res: WorkbookOutcome, result, t0: float, L: Layout) -> WorkbookOutcome:
    """The blank template: nothing to evaluate. Every result cell must show what a book with no input
    shows (workbooks.expected.blank_outputs): 未作认定评价 / 未评价 / 未作绩效评价 and blanks — no error
    value, and no 符合 anywhere (a condition with no data is never a PASS, spec §0)."""
    from workbooks.expected import blank_outputs

    res.blank = True
    _compare(res, result, blank_outputs(), L)
    res.seconds = time.perf_counter() - t0
    return res


def _done(res: WorkbookOutcome, t0: float) -> WorkbookOutcome:
    res.seconds = time.perf_counter() - t0
    return res


def process_workbook(path: str | Path, output: str | Path | None, engine=None, compare: bool = True) -> WorkbookOutcome:
    """Recalculate ``path`` (writing the copy to ``output`` when given) and compare with the rules engine."""
    t0 = time.perf_counter()
    path = Path(path)
    res = WorkbookOutcome(file=str(path))
    engine = engine or StandardEngine()
    try:
        if output is not None:
            result, res.path_taken, _ = engine.recalc_to(path, output)
            res.output = str(output)
        else:
            result, res.path_taken = engine.recalc(path)
    except InputError as exc:        # the package guard or the structure check: named, in Chinese
        res.problems = [str(p) for p in exc.problems]
        return _done(res, t0)
    except LintError as exc:
        res.problems = ["工作簿含有无头引擎不能正确计算的写法（请改用标准模板）："] + [str(i) for i in exc.issues]
        return _done(res, t0)
    except OSError as exc:           # reading was checked by the guard: this is the output side or the disk
        res.problems = [f"读写文件出错：{exc}（输入文件未被修改；请检查输出目录是否可写、磁盘空间是否充足）"]
        return _done(res, t0)
    except (RecalcLoadError, RecalcError, ValueError, KeyError) as exc:
        res.problems = [f"无法重新计算：{exc}（请确认是未损坏的 .xlsx 标准评价工作簿）"]
        return _done(res, t0)
    except Exception as exc:         # noqa: BLE001 — never a traceback for one file (BadZipFile, XMLSyntaxError…)
        res.problems = [f"无法重新计算：{type(exc).__name__}: {exc}（请确认是未损坏的 .xlsx 标准评价工作簿，"
                        "用 Excel/WPS 另存为 .xlsx 后重试；若仍出错请将文件交给维护人员）"]
        return _done(res, t0)
    res.problems += _cell_problems(result)
    res.input_errors = [f"{s}!{c}：{v}" for (s, c), v in sorted(result.values.items())
                        if isinstance(v, str) and v.startswith("输入错误")]
    # one book per file: the layout's key, the case, the change rows (``recalc``, which compares nothing, does not
    # import the reader for it: it reads the key alone, as before)
    book = _values_book(engine, path) if compare else None
    try:
        L = _book_layout(path, book)
    except Exception as exc:  # noqa: BLE001 — the recalculation read the same key, so not expected; never a traceback
        res.problems.append(f"无法读取工作簿记录的规则集：{exc}（请确认是未损坏的 .xlsx 标准评价工作簿）")
        return _done(res, t0)
    for n in L.names.values():
        if n.single and n.role == "output":
            res.values[n.name] = result.values.get((n.sheet, n.ref))
    if not compare:
        res.seconds = time.perf_counter() - t0
        return res
    from workbooks.expected import expected_outputs
    from workbooks.reader import read_parsed_case

    from ..evaluate import evaluate_case

    try:
        raw, case = read_parsed_case(path, book=book)
        report = evaluate_case(case)
    except InputError as exc:
        if _no_inputs(path, L, book):
            return _check_blank(res, result, t0, L)
        res.problems += [f"{p.field}：{p.message}" for p in exc.problems]
        res.seconds = time.perf_counter() - t0
        return res
    except RuleSetError as exc:
        res.problems.append(str(exc))
        res.seconds = time.perf_counter() - t0
        return res
    res.parsed = (case, report)
    res.values["in_base_name"] = case.base_name
    res.values["in_eval_year"] = case.evaluation_year
    rows = _change_rows(path, L, book)
    aligned = len(rows) == len(report.filings)
    if not aligned:      # cannot happen with the reader's own blank-row rule; say so if it does
        res.problems.append(f"{L['in_changes'].where}：{len(rows)} 行重大变更，读出 {len(report.filings)} 项备案，"
                            "无法逐行核对（请删除只含空格的行后重试）")
    _compare(res, result, expected_outputs(raw, report, case, rows if aligned else None), L)
    res.seconds = time.perf_counter() - t0
    return res
