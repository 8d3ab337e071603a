"""Command line: ``jidi-xl evaluate | recalc | check | batch | report`` (README, "Command line").

Exit codes, the same for every command (README, "Exit codes"):

* ``0`` done: every input was evaluated (whatever the verdicts) and, for ``check``/``batch``, agrees with the
  rules engine;
* ``1`` ``check``/``batch`` found a difference between a workbook and the rules engine, or ``recalc`` left an
  Excel error value (``#VALUE!`` …) in a formula cell;
* ``2`` an input could not be evaluated (bad input — the field or sheet and cell is named —, an unreadable or
  non-workbook file, a cell showing 输入错误), there was nothing to do (an empty folder, only lock files), or
  an output could not be written (the output path is named), or the program itself failed (内部错误, with
  where the details were written). Usage errors (a missing file, a bad option) are click's, also ``2``.

Precedence: ``2`` over ``1`` over ``0``. A batch (or a ``check`` of several files) with both differences and
files that could not be evaluated exits ``2``: some submissions then have no verdict at all, which must be
dealt with first; every difference is still printed and is in the summary.

Files a folder holds that are not submissions (Excel lock files ``~$…``, ``Thumbs.db`` …) are listed as
skipped and do not change the exit code; any other non-``.xlsx`` file is "could not be evaluated".
``check DIR`` and ``batch DIR`` both walk subfolders (``jidi_xl.report.batch.inventory``).

No traceback reaches the user: an unexpected exception ends as one Chinese line (内部错误…) naming the log
file that holds the traceback, exit 2. Set ``JIDI_XL_TRACEBACK=1`` to let it propagate (tests, debugging).
Output never fails on the console's encoding: the console script replaces what the encoding cannot show,
and the marks ✔/✘ fall back to √/× where the encoding lacks them (GBK).
"""
from __future__ import annotations

import errno
import gc
import json
import os
import sys
import tempfile
import time
import traceback
from pathlib import Path
from typing import NoReturn

import click

from .case import load_case
from .errors import InputError, RuleSetError
from .evaluate import evaluate_case
from .report import FILE_TIME_LIMIT_S, render_text, to_dict

TRACEBACK_ENV = "JIDI_XL_TRACEBACK"
_DISK_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS}   # faults of the machine, not of the program
LOG_DIR = Path(tempfile.gettempdir()) / "jidi-xl-logs"
# Marks an encoding may lack (GBK has neither ✔ nor ✘), with the closest it has; the rest is replaced by "?".
_MARK_FALLBACK = str.maketrans({"✔": "√", "✘": "×", "–": "-"})


def _echo(message: str = "", err: bool = False) -> None:
    stream = sys.stderr if err else sys.stdout        # what click.echo writes to
    enc = getattr(stream, "encoding", None) or "utf-8"
    try:
        message.encode(enc)
    except UnicodeEncodeError:
        # the marks get their closest form; anything else the console lacks (m², a lone surrogate…) becomes "?"
        message = message.translate(_MARK_FALLBACK).encode(enc, "replace").decode(enc)
    except LookupError:
        pass
    click.echo(message, err=err)


def _case_files(target: Path) -> list[Path]:
    if target.is_dir():
        return sorted(target.glob("*.json"))
    return [target]


_FAST_EXIT = False   # set by the console script: skip freeing a loaded spreadsheet model at interpreter exit


def _safe_streams() -> None:
    """Never fail on the console's encoding: what it cannot encode becomes "?" (a redirected GBK console…)."""
    for s in (sys.stdout, sys.stderr):
        try:
            s.reconfigure(errors="replace")       # type: ignore[union-attr]  # a TextIOWrapper, or not (caught)
        except (AttributeError, ValueError, OSError):
            pass


# Commands that handle one workbook and end the process: they run without the cyclic garbage collector (below).
_ONE_BOOK_COMMANDS = frozenset({"recalc", "check"})
_GC_PAUSED = False


def entry() -> None:
    """The ``jidi-xl`` console script. A recalculation leaves a large formulas model in memory; freeing it at
    interpreter exit costs ≈0.3 s of a ≈2 s cold ``recalc`` (measured), so the process ends with ``os._exit``
    once its output is flushed. (Tests call :func:`main` through click's runner, which keeps the normal exit.)

    The cyclic garbage collector is off from here on for a command of one workbook (``recalc``, ``check`` of
    one file): the imports, the compiled template's call and the reader create hundreds of thousands of objects
    that live until the process ends, and collecting them cost ≈20 % of a cold ``recalc``'s CPU (measured:
    1.9 s → 1.5 s under load; the full path of a 150-firm book 186 → 202 MB peak). Every other command, and
    ``check`` of several files, turns it back on (:func:`_gc_resume`), so memory stays bounded in a long run
    and in the batch's workers.

    Under this entry ``recalc`` also reads the book's inputs back in a child process beside the recalculation
    (:class:`_Beside`)."""
    global _FAST_EXIT, _GC_PAUSED
    _FAST_EXIT = True
    gc.disable()
    _GC_PAUSED = True
    _safe_streams()
    main()


def _gc_resume() -> None:
    """The collector back on (when :func:`entry` paused it), what exists so far frozen: the modules and the
    compiled template live as long as the process, so no collection needs to scan them."""
    global _GC_PAUSED
    if _GC_PAUSED:
        _GC_PAUSED = False
        gc.freeze()
        gc.enable()


def _exit(code: int) -> NoReturn:
    if _FAST_EXIT:
        sys.stdout.flush()
        sys.stderr.flush()
        _Beside.abandon_all()
        os._exit(code)
    sys.exit(code)


# A test-only fault (tests/test_cli_beside.py): "1" makes the child of :class:`_Beside` give no result.
BESIDE_FAULT_ENV = "JIDI_XL_TEST_BESIDE_FAULT"


class _Beside:
    """``fn(*args)`` computed beside the rest of a one-shot command, on the machine's other core: in a child
    process forked now, while the parent goes on; :meth:`result` reads what the child computed (JSON through a
    pipe: ``fn``'s result must be JSON, here a list of strings), or — when there was no child, or it gave no
    result (it raised, was killed, the fault above) — calls ``fn`` in-process then, so the result, and any
    exception, is exactly the in-process call's.

    Why (measured, ``benchmarks/README.md`` "Cold recalc, session 16"): of a cold ``recalc``, reading the book's
    inputs back and validating them as a case (``_refused_inputs``: the reader, jsonschema's import and the
    schema validation, ≈0.17 s) does not depend on the recalculation, whose chain (the engine's imports, the
    compiled template, the call, the copy) is 4× longer: side by side, its time is hidden on a 2-core machine.
    The child runs the same code on the same file; nothing is skipped, only overlapped.

    Decisions: only under the console script (:func:`entry`: a process that ends with ``os._exit``; tests in one
    process and ``CliRunner`` keep the plain call), only on Linux (``fork`` without ``exec`` is unsafe with the
    system libraries of macOS, absent on Windows: there the call is in-process, as before). The fork happens
    before numpy, formulas and the engine are imported (no thread exists yet). The child writes nothing but the
    pipe (its stdout and stderr go to /dev/null) and ends with ``os._exit`` (no buffered output of the parent is
    written twice, no ``atexit``). A command that ends early kills its child (:meth:`abandon_all`)."""

    _running: list[_Beside] = []

    def __init__(self, fn, *args):
        self.fn, self.args = fn, args
        self.pid: int | None = None
        self.fd = -1
        if not (_FAST_EXIT and sys.platform.startswith("linux") and hasattr(os, "fork")):
            return
        try:
            r, w = os.pipe()
        except OSError:
            return
        sys.stdout.flush()
        sys.stderr.flush()
        try:
            pid = os.fork()
        except OSError:                          # no process to spare: in-process, later
            os.close(r)
            os.close(w)
            return
        if pid == 0:                             # the child
            code = 1
            try:
                os.close(r)
                null = os.open(os.devnull, os.O_WRONLY)
                os.dup2(null, 1)
                os.dup2(null, 2)
                if os.environ.get(BESIDE_FAULT_ENV) != "1":
                    data = memoryview(json.dumps({"result": fn(*args)}, ensure_ascii=False).encode("utf-8"))
                    while data:
                        data = data[os.write(w, data):]
                    code = 0
            except BaseException:  # noqa: BLE001 — no result: the parent calls fn itself, and shows what it raises
                pass
            finally:
                os._exit(code)
        os.close(w)
        self.pid, self.fd = pid, r
        _Beside._running.append(self)

    def result(self):
        if self.pid is not None:
            chunks = []
            try:
                while True:
                    chunk = os.read(self.fd, 1 << 16)
                    if not chunk:
                        break
                    chunks.append(chunk)
            except OSError:
                chunks = []
            status = self._reap()
            if status == 0 and chunks:
                try:
                    return json.loads(b"".join(chunks).decode("utf-8"))["result"]
                except (ValueError, KeyError, TypeError):
                    pass
        return self.fn(*self.args)

    def _reap(self, kill: bool = False) -> int | None:
        pid, self.pid = self.pid, None
        if pid is None:
            return None
        if self in _Beside._running:
            _Beside._running.remove(self)
        try:
            os.close(self.fd)
            if kill:
                import signal

                os.kill(pid, signal.SIGKILL)
            return os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1])
        except OSError:
            return None

    @classmethod
    def abandon_all(cls) -> None:
        for b in list(cls._running):
            b._reap(kill=True)


def _internal_error(exc: BaseException) -> str:
    """Write the traceback to a log file; the one Chinese line that says so."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    where = ""
    try:
        LOG_DIR.mkdir(parents=True, exist_ok=True)
        log = LOG_DIR / f"jidi-xl-{stamp}-{os.getpid()}.log"
        log.write_text(f"jidi-xl {' '.join(sys.argv[1:])}\n{traceback.format_exc()}", encoding="utf-8")
        where = f"详细信息已写入 {log}"
    except OSError:
        where = f"详细信息无法写入日志；设置环境变量 {TRACEBACK_ENV}=1 后重新运行可查看"
    return (f"内部错误：程序出现意外问题（{type(exc).__name__}），未完成。{where}；请将该文件与输入一并反馈给维护人员。"
            f" (internal error)")


class _Guarded(click.Group):
    """Every command runs under one guard: an output fault, Ctrl-C or an unexpected exception ends as one
    Chinese line and exit 2 — never a traceback (unless ``JIDI_XL_TRACEBACK`` is set)."""

    def invoke(self, ctx: click.Context):
        from .report.outputs import OutputError, describe_os_error

        try:
            return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except OutputError as exc:
            _echo(str(exc), err=True)
        except OSError as exc:
            if exc.errno not in _DISK_ERRNOS:
                if os.environ.get(TRACEBACK_ENV):
                    raise
                _echo(_internal_error(exc), err=True)
            else:                                # e.g. the temporary folder is full: say which file, not 内部错误
                _echo(describe_os_error(exc, exc.filename2 or exc.filename or "?", "文件"), err=True)
        except BrokenPipeError:              # the reader went away (``| head``): stop quietly
            try:
                os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            except (OSError, ValueError):
                pass
        except KeyboardInterrupt:
            _echo("已中断 (interrupted)；batch 已完成的文件已记录，可加 --resume 继续", err=True)
        except Exception as exc:  # noqa: BLE001 — the guard of last resort
            if os.environ.get(TRACEBACK_ENV):
                raise
            _echo(_internal_error(exc), err=True)
        _exit(2)


@click.group(cls=_Guarded, help="北京市小微企业创业创新示范基地评价工具 (jidi-xl)")
@click.pass_context
def main(ctx: click.Context) -> None:
    if ctx.invoked_subcommand not in _ONE_BOOK_COMMANDS:
        _gc_resume()


@main.command(help="评价案例 JSON 文件或文件夹中的全部案例。 Evaluate a case file or every *.json in a folder.")
@click.argument("target", type=click.Path(exists=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="输出 JSON（格式见 docs/report-format.md）")
def evaluate(target: Path, as_json: bool) -> None:
    files = _case_files(target)
    if not files:
        _echo(f"{target}：文件夹中没有 .json 案例文件 (no case files)", err=True)
        sys.exit(2)
    reports, failed = [], 0
    for path in files:
        try:
            rep = evaluate_case(load_case(path))
        except InputError as exc:
            failed += 1
            _echo(str(exc), err=True)
            reports.append({"file": str(path), "errors": [{"field": p.field, "message": p.message} for p in exc.problems]})
            continue
        except RuleSetError as exc:
            failed += 1
            _echo(f"{path}：{exc}", err=True)
            reports.append({"file": str(path), "errors": [{"field": "ruleset", "message": str(exc)}]})
            continue
        if as_json:
            reports.append({"file": str(path), **to_dict(rep)})
        else:
            _echo(f"=== {path} ===")
            _echo(render_text(rep))
    if as_json:
        # one file → one object; a folder → a list, where a case that could not be evaluated has "errors"
        payload = reports[0] if not target.is_dir() else reports
        _echo(json.dumps(payload, ensure_ascii=False, indent=2))
    if failed:
        _echo(f"{failed}/{len(files)} 个案例无法评价（见上方错误信息）", err=True)
        sys.exit(2)


def _engine(files: int = 1):
    """The standard engine, on its compiled fast path for every clean copy of the template, one file or many: the
    compiled template is kept in the user's cache folder (``jidi_xl.pipeline.standard``), so a cold process reads
    it (its flat plan, ≈0.05 s: ``jidi_xl.engine.store``) rather than loading the workbook (≈1.2 s); only the first
    run after an install or an upgrade builds it (≈3 s). ``files`` is kept for the callers' sake; the choice no longer depends on it."""
    from .pipeline.standard import StandardEngine

    return StandardEngine()


def _refused_inputs(book: Path) -> list[str]:
    """The input problems the rules engine finds in a workbook (sheet!cell: what to do); [] when none, or when
    the book holds no input at all (the blank template is not an error)."""
    from workbooks.reader import read_parsed_case

    try:
        read_parsed_case(book)
    except InputError as exc:
        from .report.check import _no_inputs      # (the engine's modules: only when there is a problem to weigh)

        return [] if _no_inputs(book) else [str(p) for p in exc.problems]
    except RuleSetError as exc:
        return [str(exc)]
    return []


def _not_a_book(path: Path) -> str | None:
    """Why a file named on the command line is not a workbook to process (None: it is one)."""
    from .report.files import classify

    kind, why = classify(path.name)
    return None if kind == "book" else why


@main.command(help="无需 Excel 重新计算工作簿，写出带计算结果的副本（不修改原文件）。 Recalculate headlessly.")
@click.argument("book", type=click.Path(exists=True, path_type=Path))
@click.option("-o", "--output", type=click.Path(path_type=Path),
              help="输出文件（默认：同目录下 <原名>.recalc.xlsx）")
def recalc(book: Path, output: Path | None) -> None:
    """Exit 2 when the workbook could not be recalculated or a cell shows 输入错误 (the copy is still written,
    to look at); 1 when only Excel error values remain; 0 otherwise."""
    from .report.outputs import AtomicCopyEngine, OutputError, make_dir, probe_writable

    why = "这是文件夹，不是工作簿；recalc 一次重算一个工作簿，文件夹请用 jidi-xl check 或 jidi-xl batch" \
        if book.is_dir() else _not_a_book(book)
    if why:
        _echo(f"✘ {book}：{why}", err=True)
        _exit(2)
    output = output or book.with_name(f"{book.stem}.recalc.xlsx")
    if output.resolve() == book.resolve():
        _echo("输出文件不能与输入文件相同（输入文件不会被修改）；请用 -o 指定其他文件名", err=True)
        _exit(2)
    make_dir(output.parent, "输出文件夹")           # an unwritable output fails before the work, not after
    probe_writable(output.parent)
    # The rules engine's reading of the same book, beside the recalculation (_Beside says why); what both need
    # first is done before the fork, once: the reader's modules and the standard workbook's package limits.
    from workbooks.limits import standard_limits
    from workbooks.reader import read_parsed_case  # noqa: F401 — imported for the child (and later for us)

    standard_limits()
    refused_beside = _Beside(_refused_inputs, book)
    from .report.check import _cell_problems, process_workbook
    engine = AtomicCopyEngine(_engine(1))
    try:
        res = process_workbook(book, output, engine, compare=False)
    except Exception as exc:  # noqa: BLE001 — the file's problem, said in one line (the log holds the details)
        if os.environ.get(TRACEBACK_ENV):
            raise
        _echo(f"✘ {book}：无法评价", err=True)
        _echo(f"    {_internal_error(exc)}", err=True)
        _exit(2)
    if engine.fault:
        raise OutputError(engine.fault)
    refused = refused_beside.result() if engine.result is not None and not res.problems else []
    if refused and not res.input_errors and res.output and os.path.isfile(res.output):
        # A copy never carries a verdict from refused inputs: when the rules engine refuses an input that no
        # cell of the copy shows as 输入错误 (a bad check character, a revocation after the reference date…),
        # the copy is not kept. Where cells show it, the copy is kept to look at; its verdict is 待核实 then.
        os.unlink(res.output)
        _echo("  （输入有误，未保留结果副本：副本中的结论不可采用）", err=True)
    for line in res.problems + refused:
        _echo(f"  ✘ {line}", err=True)
    for line in res.input_errors:
        _echo(f"  ？ {line}", err=True)
    if res.output and os.path.isfile(res.output):
        _echo(f"{book} → {res.output}（{'模板快速路径' if res.path_taken == 'template' else '完整加载'}，"
              f"{len([1 for _ in res.values])} 个结果名，{res.seconds:.2f} 秒）")
    if res.input_errors:
        _echo(f"{len(res.input_errors)} 个单元格显示“输入错误”，请按提示修改输入（结论为待核实）", err=True)
    if engine.result is None:
        _echo(f"✘ {book}：无法评价", err=True)
        _exit(2)
    error_values = set(_cell_problems(engine.result))
    if res.input_errors or refused or any(p not in error_values for p in res.problems):
        _exit(2)
    _exit(1 if res.problems else 0)


def _book_entries(books: tuple[Path, ...]) -> list:
    """The workbooks named on the command line, folders walked (``report.batch.inventory``): each an Entry of
    kind book / skipped / failed. A file named explicitly that is not a workbook is never "skipped": it was
    asked for."""
    from .report.batch import Entry, inventory

    entries: list[Entry] = []
    for b in books:
        if b.is_dir():
            found = inventory(b)
            if not found:
                _echo(f"✘ {b}：文件夹中没有文件，没有可核对的工作簿 (nothing to do)")
            entries += [Entry(str(b / e.rel), e.path, e.kind, e.reason) for e in found]
        else:
            why = _not_a_book(b)
            entries.append(Entry(str(b), b, "failed" if why else "book", why or ""))
    return entries


def _file_fault(f: str, what: str, exc: Exception) -> None:
    """A program fault on one file of several: named with the internal-error text (the log path), never a
    traceback — unless JIDI_XL_TRACEBACK asks for it — so that the other files still run."""
    if os.environ.get(TRACEBACK_ENV):
        raise exc
    _echo(f"✘ {f}：{what}")
    _echo(f"    {_internal_error(exc)}")


def _listed_only(e) -> bool:
    """Print a skipped or refused entry; True when it is not a workbook to process."""
    if e.kind == "skipped":
        _echo(f"– {e.rel}：{e.reason}")
        return True
    if e.kind == "failed":
        _echo(f"✘ {e.rel}：{e.reason}")
        return True
    return False


@main.command(help="核对：无头重算工作簿，并与规则引擎对其输入的评价逐项比较（文件夹含子文件夹）。 "
                   "Check workbooks against the rules engine.")
@click.argument("books", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
def check(books: tuple[Path, ...]) -> None:
    from .report.check import process_workbook

    entries = _book_entries(books)
    todo = [e for e in entries if e.kind == "book"]
    if len(todo) > 1:
        _gc_resume()                                   # several workbooks: memory must stay bounded
    engine = _engine(len(todo)) if todo else None
    worst = 0 if todo else 2                          # nothing evaluated: nothing done
    for e in entries:
        f = e.rel
        if _listed_only(e):
            worst = max(worst, 2 if e.kind == "failed" else 0)
            continue
        try:
            res = process_workbook(e.path, None, engine)
        except Exception as exc:  # noqa: BLE001 — one file's failure never hides the others
            worst = 2
            _file_fault(f, "无法评价", exc)
            continue
        if not res.evaluated:
            worst = max(worst, 2)
            _echo(f"✘ {f}：无法评价")
            for line in res.problems:
                _echo(f"    {line}")
        elif res.differences:
            worst = max(worst, 1)
            _echo(f"✘ {f}：{len(res.differences)} 处与规则引擎不一致（共比较 {res.compared} 项）")
            for d in res.differences:
                _echo(f"    {d}")
        elif res.blank:
            _echo(f"✔ {f}：空白模板，无输入；{res.compared} 个结果单元格与空白模板应有的结果一致（无“符合”，无错误值）")
        else:
            _echo(f"✔ {f}：与规则引擎一致（比较 {res.compared} 项，{res.seconds:.2f} 秒）")
    _exit(worst)


@main.command(help="生成标准评价工作簿：规则集加某年度通知（--notice YEAR），或列出已知的年度通知（--list-notices）。 "
                   "Generate the standard workbook for a notice year.")
@click.option("--notice", "notice", type=str, default=None,
              help="年度通知的年份（第 N 年的通知：申报 N 年，评价 N−1 年度）；不填则只用规则集本身的参数")
@click.option("--ruleset", "ruleset_id", default=None, help="规则集编号（默认 bj-2022）")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), default=None, help="输出的 .xlsx 文件")
@click.option("--list-notices", "list_notices", is_flag=True, help="列出本程序已知的年度通知")
def workbook(notice: str | None, ruleset_id: str | None, output: Path | None, list_notices: bool) -> None:
    """The workbook records ``rs.key`` (参数!B4, info_ruleset) and every engine evaluates it under exactly that.
    Exit 2 for an unknown rule-set or notice year (the message lists the known ones) or an unwritable output."""
    from .report.outputs import make_dir, write_bytes_atomic
    from .ruleset import DEFAULT_RULESET, known_notices, load_ruleset

    rid = ruleset_id or DEFAULT_RULESET
    if list_notices:
        try:
            rs = load_ruleset(rid)
        except RuleSetError as exc:
            _echo(str(exc), err=True)
            _exit(2)
        _echo(f"规则集 {rs.id}（{rs.document}）已知的年度通知（第 N 年的通知评价 N−1 年度）：")
        for year in known_notices(rs.id):
            n = load_ruleset(rs.id, notice=year)
            info = n.notice_info
            assert info is not None               # loaded with a notice year: the rule-set carries that notice
            marks = sum(1 for p in n.data["notice_fixes"] if n.param(p).placeholder)
            _echo(f"  {year}  {n.key}  评价 {info.evaluation_year} 年度  {info.title}"
                  f"（{marks} 项暂定）")
        return
    if output is None:
        _echo("请用 -o 指定输出的工作簿文件，如 jidi-xl workbook --notice 2025 -o 2025.xlsx；"
              "jidi-xl workbook --list-notices 列出已知年度 (missing -o)", err=True)
        _exit(2)
    try:
        rs = load_ruleset(rid, notice=notice)
    except RuleSetError as exc:
        _echo(f"✘ {exc}", err=True)
        _exit(2)
    from workbooks.generate import build

    make_dir(output.parent, "输出文件夹")
    data, _ = build(rs=rs)
    write_bytes_atomic(output, data, "输出工作簿")
    _echo(f"✔ {output}：标准评价工作簿，规则集 {rs.key}" +
          (f"（{rs.notice} 年通知，评价 {rs.notice_info.evaluation_year} 年度；暂定数值见“参数”工作表）"
           if rs.notice_info is not None else ""))     # rs.notice is set exactly when notice_info is (RuleSet)


@main.command(help="评价报告：一个基地的中文评价报告（A4 PDF 或 HTML），供评审人打印、签字、归档。 "
                   "The printable evaluation report of one base.")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path),
              help="报告文件：.pdf（A4，字体已嵌入）或 .html")
def report(source: Path, output: Path) -> None:
    """A workbook is read as ``check`` reads it; a .json case as ``evaluate`` does. Exit 2 when it cannot be
    evaluated (every problem named), 1 when a workbook's results differ from the rules engine (the report is
    still written, and says so), 0 otherwise. The time printed is now, or SOURCE_DATE_EPOCH when set."""
    from .report.document import REPORT_SUFFIXES, NotEvaluated, context, evaluate_file, evaluation_time, write_report
    from .report.outputs import make_dir, probe_writable

    if output.suffix.lower() not in REPORT_SUFFIXES:
        _echo(f"✘ {output}：报告文件名须以 .pdf 或 .html 结尾；请用 -o 报告.pdf", err=True)
        _exit(2)
    if source.suffix.lower() != ".json":
        why = _not_a_book(source)
        if why:
            _echo(f"✘ {source}：{why}", err=True)
            _exit(2)
    if output.resolve() == source.resolve():
        _echo("输出文件不能与输入文件相同（输入文件不会被修改）；请用 -o 指定其他文件名", err=True)
        _exit(2)
    make_dir(output.parent, "输出文件夹")
    probe_writable(output.parent)
    try:
        rep, case, src = evaluate_file(source, _engine(1) if source.suffix.lower() != ".json" else None)
    except NotEvaluated as exc:
        _echo(f"✘ {source}：无法评价，未生成报告", err=True)
        for line in exc.problems:
            _echo(f"    {line}", err=True)
        _exit(2)
    write_report(context(rep, case, src, evaluation_time()), output)
    _echo(f"{source} → {output}")
    if src.check and not src.check.startswith("一致"):
        _echo(f"  ≠ 工作簿结果{src.check}", err=True)
        _exit(1)
    _exit(0)


@main.command(help="交叉核对：在 LibreOffice（装有本扩展）中完整重算每个工作簿，逐个公式单元格与无头引擎比较（文件夹含子文件夹）。 "
                   "Cross-check every formula cell with LibreOffice as a second engine.")
@click.argument("books", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
def crosscheck(books: tuple[Path, ...]) -> None:
    """Exit 1 on any difference (an error value in either engine is one), 2 when a workbook could not be
    cross-checked (LibreOffice missing or failing, the workbook refused); ONE LibreOffice for all of them."""
    from .engine import libreoffice as lo
    from .engine.crosscheck import CrossCheckFailed
    from .pipeline.crosscheck import standard_checker
    from .engine.uno_session import INSTALL_HINT, UnoSessionError

    entries = _book_entries(books)
    todo = [e for e in entries if e.kind == "book"]
    if todo and not lo.libreoffice_available():
        _echo(f"✘ 未找到 LibreOffice，无法交叉核对。{INSTALL_HINT}", err=True)
        _exit(2)
    worst = 0 if todo else 2
    books_done = cells = 0
    checker = None
    try:
        if todo:
            try:
                checker = standard_checker().__enter__()
            except (UnoSessionError, CrossCheckFailed) as exc:
                _echo(f"✘ 无法启动 LibreOffice：{exc}", err=True)
                _exit(2)
            engine = _engine(len(todo))
        for e in entries:
            f = e.rel
            if _listed_only(e):
                worst = max(worst, 2 if e.kind == "failed" else 0)
                continue
            try:
                res, _how = engine.recalc(e.path)
                assert checker is not None     # entries left here are books, and books started the checker
                rep = checker.check(e.path, res.values)
            except InputError as exc:
                worst = 2
                _echo(f"✘ {f}：无法交叉核对")
                _echo(f"    {exc}")
                continue
            except CrossCheckFailed as exc:
                worst = 2
                _echo(f"✘ {f}：无法交叉核对：{exc}")
                continue
            except Exception as exc:  # noqa: BLE001 — one file's failure never hides the others
                worst = 2
                _file_fault(f, "无法交叉核对", exc)
                continue
            books_done += 1
            cells += len(rep.compared)
            if rep.differences:
                worst = max(worst, 1)
                _echo(f"✘ {f}：{len(rep.differences)} 处不一致（比较 {len(rep.compared)} 个公式单元格）")
                for d in rep.differences:
                    _echo(f"    {d}")
            else:
                _echo(f"✔ {f}：{len(rep.compared)} 个公式单元格与 LibreOffice 一致"
                      f"（LibreOffice {rep.timings['libreoffice']:.2f} 秒）")
    finally:
        if checker is not None:
            checker.close()
    if books_done:
        _echo(f"交叉核对：{books_done} 个工作簿，比较 {cells} 个公式单元格；每个工作簿的 LibreOffice 完整重算均已由"
              f"金丝雀单元格证实 (workbooks {books_done}, formula cells compared {cells})")
    _exit(worst)


@main.command(help="批量：重算文件夹（含子文件夹）中的全部工作簿并生成汇总工作簿。 Batch-evaluate a folder into a summary workbook.")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("-o", "--output", "summary", required=True, type=click.Path(path_type=Path),
              help="汇总工作簿路径（重算后的工作簿写入同目录的 <名>_recalculated/）")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None, help="并行进程数（默认：CPU 核数）")
@click.option("--resume", is_flag=True, help="继续上次中断的批量：已完成且未改动的文件不再重算")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=None,
              help=f"每个文件的处理时间上限（秒，默认 {FILE_TIME_LIMIT_S}）")
@click.option("--reports", "reports", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="为每个已评价的基地写一份评价报告 PDF 到此文件夹（汇总表链接到报告），并在汇总旁写公示名单 PDF")
def batch(folder: Path, summary: Path, jobs: int | None, resume: bool, timeout: float | None,
          reports: Path | None) -> None:
    from .report.batch import run_batch

    try:
        res = run_batch(folder, summary, jobs, resume=resume, time_limit=timeout or FILE_TIME_LIMIT_S, reports=reports)
    except ValueError as exc:            # an output inside the input folder; nothing to do
        _echo(f"✘ {exc}", err=True)
        _exit(2)
    for note in res.notes:
        _echo(f"  {note}")
    if reports is not None:
        failed = [r for r in res.rows if r.report.startswith("未生成")]
        _echo(f"评价报告：{reports}（{len(res.rows) - len(failed)} 份）；公示名单：{res.publication}")
        for r in failed:
            _echo(f"  ✘ {r.file}：{r.report}")
    n = len(res.rows) + len(res.failures) + len(res.skipped)
    again = f"，沿用上次结果 {res.reused}" if res.reused else ""
    _echo(f"汇总：{res.summary}（{n} 个文件：已评价 {len(res.rows)}，无法评价 {len(res.failures)}，"
          f"已跳过 {len(res.skipped)}{again}；{res.seconds:.1f} 秒）")
    for f in res.failures:
        _echo(f"  ✘ {f.file}：{f.reason}")
    for f in res.skipped:
        _echo(f"  – {f.file}：{f.reason}")
    diffs = [r for r in res.rows if not r.check.startswith("一致")]
    for r in diffs:
        _echo(f"  ≠ {r.file}：{r.check}")
    _exit(2 if res.failures or not res.rows else 1 if diffs else 0)


# --- Excel setup (issue 11): the logic is in udfs/addin/{bundle,install,doctor}.py ------------------------

@main.command(help="离线安装包：wheel、全部依赖、加载项、工作簿和安装脚本，供不能上网的电脑使用。 "
                   "Offline installation bundle.")
@click.option("--windows", "platform", flag_value="windows", help="Windows 64 位（install.cmd）")
@click.option("--linux", "platform", flag_value="linux", help="Linux x86-64（install.sh）")
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path), help="输出文件夹（须不存在或为空）")
@click.option("--cache", type=click.Path(file_okay=False, path_type=Path),
              help="wheel 缓存文件夹（默认 ~/.cache/jidi-xl/wheels；缓存够用时不联网）")
@click.option("--project-wheel", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="使用已构建的 jidi-xl wheel（默认从源码构建）")
def bundle(platform: str | None, output: Path, cache: Path | None, project_wheel: Path | None) -> None:
    from udfs.addin.bundle import BundleError, make_bundle

    if platform is None:
        _echo("✘ 请指定 --windows 或 --linux", err=True)
        _exit(2)
    log: list[str] = []
    try:
        m = make_bundle(platform, output, cache, project_wheel, log)
    except BundleError as exc:
        for line in log:
            _echo(f"  {line}", err=True)
        _echo(f"✘ {exc}", err=True)
        _exit(2)
    for line in log:
        _echo(f"  {line}")
    wheels = sum(1 for f in m["files"] if f["path"].startswith("wheelhouse/"))
    _echo(f"✔ {output}：{m['platform_label']}，Python {'、'.join(m['python_versions'])}；{len(m['files'])} 个文件"
          f"（{wheels} 个 wheel），共 {m['total_bytes'] / 1e6:.1f} MB，{m['seconds']:.0f} 秒；安装脚本 {m['install_script']}")


# --- addin: the spreadsheet faces — Excel (udfs/addin) and LibreOffice Calc (udfs/libreoffice) -------------

@main.group(help="电子表格加载项：构建、安装与卸载（Excel；加 --libreoffice 为 LibreOffice Calc）。 "
                 "Spreadsheet add-ins: build, install, uninstall.")
def addin() -> None:
    pass


def _addin_run(xlstart: Path | None, uninstall: bool, dry_run: bool) -> None:
    from udfs.addin.install import run

    lines, code = run(xlstart, uninstall, dry_run)
    for line in lines:
        _echo(line, err=code != 0)
    _exit(code)


_XLSTART_HELP = "Excel 加载项目标文件夹（默认 %APPDATA%\\Microsoft\\Excel\\XLSTART）"


@addin.command("build", help="构建 LibreOffice Calc 扩展（.oxt）。 Build the LibreOffice extension.")
@click.option("--libreoffice", "libreoffice", is_flag=True, required=True, help="构建 LibreOffice Calc 扩展")
@click.option("-o", "--output", "output", type=click.Path(dir_okay=False, path_type=Path), default=Path("jidi.oxt"),
              show_default=True, help="输出的 .oxt 文件")
def addin_build(libreoffice: bool, output: Path) -> None:
    from udfs.libreoffice import LibreOfficeMissing, build_extension
    try:
        out = build_extension(output)
    except LibreOfficeMissing as exc:
        _echo(f"✘ {exc}", err=True)
        _exit(2)
    _echo(f"已构建 LibreOffice 扩展：{out}（安装：jidi-xl addin install --libreoffice）")


@addin.command("install", help="安装加载项：默认 Excel（复制到 XLSTART 并写入解释器配置）；--libreoffice 安装 LibreOffice Calc "
                               "扩展到当前用户或指定的配置文件夹。 Install the Excel add-in or the LibreOffice extension.")
@click.option("--libreoffice", "libreoffice", is_flag=True, help="安装 LibreOffice Calc 扩展（而不是 Excel 加载项）")
@click.option("--profile", "profile", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="LibreOffice 用户配置文件夹（-env:UserInstallation 所指）；默认为当前用户的")
@click.option("--oxt", "oxt", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="已构建的 .oxt；省略时先构建到临时文件夹")
@click.option("--xlstart", type=click.Path(file_okay=False, path_type=Path), help=_XLSTART_HELP)
@click.option("--dry-run", is_flag=True, help="Excel：只显示将要做的事")
def addin_install(libreoffice: bool, profile: Path | None, oxt: Path | None, xlstart: Path | None,
                  dry_run: bool) -> None:
    if not libreoffice:
        if profile is not None or oxt is not None:
            _echo("✘ --profile 和 --oxt 只用于 LibreOffice：请加 --libreoffice", err=True)
            _exit(2)
        _addin_run(xlstart, False, dry_run)
        return
    from udfs.libreoffice import LibreOfficeMissing, build_extension, install_extension
    try:
        with tempfile.TemporaryDirectory(prefix="jidi_oxt_") as d:
            package = oxt if oxt is not None else build_extension(Path(d) / "jidi.oxt")
            install_extension(package, profile)
    except (LibreOfficeMissing, FileNotFoundError, RuntimeError) as exc:
        _echo(f"✘ {exc}", err=True)
        _exit(2)
    where = profile if profile is not None else "当前用户的 LibreOffice 配置"
    _echo(f"已安装 jidi-xl 扩展到 {where}。打开标准评价工作簿后，工具栏/菜单中有“评价当前工作簿”。")


@addin.command("uninstall", help="删除 XLSTART 中的 Excel 加载项及其配置。 Uninstall the Excel add-in.")
@click.option("--xlstart", type=click.Path(file_okay=False, path_type=Path), help=_XLSTART_HELP)
@click.option("--dry-run", is_flag=True, help="只显示将要做的事")
def addin_uninstall(xlstart: Path | None, dry_run: bool) -> None:
    _addin_run(xlstart, True, dry_run)


@addin.command("excel-copy", help="把 LibreOffice 保存过的工作簿写成 Excel 可计算的副本（ORG.JIDIXL.FUNCTIONS.JIDI_… → JIDI_…）。")
@click.argument("src", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("dst", type=click.Path(dir_okay=False, path_type=Path))
def addin_excel_copy(src: Path, dst: Path) -> None:
    from udfs.libreoffice import excel_copy
    if dst.resolve() == src.resolve():
        _echo("✘ 副本不能覆盖原文件：请指定另一个文件名", err=True)
        _exit(2)
    excel_copy(src, dst)
    _echo(f"已写出 Excel 副本：{dst}")


@main.command(help="自检：Python、jidi-xl、xlwings 与加载项、解释器配置、函数、示例工作簿。 Check the installation.")
@click.option("--xlstart", type=click.Path(file_okay=False, path_type=Path), help=_XLSTART_HELP)
@click.option("--sample", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="用来试算的工作簿（默认：自带的第一个示例）")
def doctor(xlstart: Path | None, sample: Path | None) -> None:
    from udfs.addin.doctor import Doctor, exit_code, render

    results = Doctor(xlstart, sample).run()
    for line in render(results):
        _echo(line)
    _exit(exit_code(results))


@main.command(help="重新生成仓库中的全部生成文件（标准工作簿、示例、文档、加载项）；--check 只检查，不写入。 "
                   "Rebuild every generated file; --check writes nothing and exits 1 listing what differs.")
@click.option("--check", is_flag=True, help="只检查：列出与生成结果不同的文件，有则退出码 1（不写任何文件）")
def regenerate(check: bool) -> None:
    from .regenerate import NotACheckout, regenerate as run

    try:
        res = run(check, progress=lambda m: _echo(f"  {m}", err=True))
    except NotACheckout as exc:
        _echo(f"✘ {exc}", err=True)
        _exit(2)
    rel = lambda p: p.relative_to(Path(__file__).resolve().parent.parent)  # noqa: E731
    if check:
        for path, what in res.differing:
            _echo(f"✘ {rel(path)}：{what}")
        if res.differing:
            _echo(f"{len(res.differing)} 个生成文件不是最新，请运行 jidi-xl regenerate "
                  "(generated files out of date: run jidi-xl regenerate)", err=True)
            _exit(1)
        _echo("全部生成文件均为最新 (every generated file is up to date)")
        return
    for path in res.written:
        _echo(f"写入 {rel(path)}")
    for path in res.removed:
        _echo(f"删除 {rel(path)}（没有对应的案例）")
    _echo(f"已重新生成：写入 {len(res.written)} 个、删除 {len(res.removed)} 个文件，其余均为最新 "
          f"({len(res.written)} written, {len(res.removed)} removed, the rest up to date)")


if __name__ == "__main__":
    entry()
