"""``jidi-xl batch``: every workbook of a folder recalculated, checked and consolidated into one summary.

Nothing is lost:

* **Every file under the input folder is accounted for** (:func:`inventory`): evaluated (a row of 汇总), not
  evaluated (on 无法评价的文件, with the reason and what to do), or skipped with the reason (Excel lock files
  ``~$…``, macOS ``._…`` companions, ``Thumbs.db``…: listed on the same sheet as 已跳过, never silently).
  Subfolders are evaluated recursively — a Bureau that sorts submissions by district keeps them — and a file
  is shown by its path relative to the input folder (``朝阳/甲.xlsx``); its recalculated copy keeps the same
  relative path under ``<summary>_recalculated/``. Hidden names (``.甲.xlsx``) are workbooks like any other
  and are evaluated; the extension is matched without regard to case (``.XLSX``).
* **Outputs are atomic** (:mod:`.outputs`): each copy, each journal entry and the summary are written to a
  temporary name in their folder and renamed into place, so a killed batch leaves whole files or none.
* **Resumable**: a journal beside the summary (``.<summary>.journal/``) records each finished file, keyed by
  its relative path and SHA-256, together with the rules, template and program it was computed with.
  ``resume=True`` reuses what is recorded for unchanged inputs and does the rest; the summary is rebuilt from
  the journal and the new work. A fresh run (no ``resume``) starts a new journal.
* **One writer per output folder**: :class:`.outputs.OutputLock`; a second batch gets a clear message.
* **Output faults blame the output**: an ``OSError`` while writing an output stops the batch with
  :class:`.outputs.OutputError` (the path and what to do); what was finished stays in the journal.
* **A dying worker loses one file, not the batch**: workers are forked from the parent (the compiled template
  is shared). Each task first marks itself started in the journal; when a worker dies (``BrokenProcessPool``)
  the files not started are resubmitted to a fresh pool and each started one is retried alone — one that
  kills its worker a second time is the culprit and is listed, alone, as not evaluated. Each worker runs
  under an address-space limit and each file under a time limit (:data:`FILE_TIME_LIMIT_S`), so one file
  can neither exhaust the machine nor stall the batch.
"""
from __future__ import annotations

import contextlib
import faulthandler
import gc
import hashlib
import json
import multiprocessing
import os
import resource
import shutil
import signal
import sys
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field
from pathlib import Path

from . import FILE_TIME_LIMIT_S
from .check import WorkbookOutcome, process_workbook
from .files import classify        # (declared there, with the names a folder may hold that are not submissions)
from .outputs import (AtomicCopyEngine, OutputError, OutputLock, atomic_target, make_dir, probe_writable,
                      remove_stale_temporaries, write_bytes_atomic)
from .summary import Failure, SummaryRow, write_summary

# Bounds on one file's processing. A standard workbook takes ≈0.15 s on the fast path and ≈1.5 s on the full
# path (README, benchmarks/); the limits only stop a hostile file from stalling or exhausting the batch.
CPU_GRACE_S = 30                # hard backstop: CPU seconds beyond the limit before the OS kills the worker (SIGXCPU)
WORKER_MEMORY_MB = 3072         # address space a worker may add to what it inherits from the parent (RLIMIT_AS)
# A worker's cyclic collector runs its youngest generation after this many net allocations (Python's default: 700).
# A workbook's evaluation allocates some hundred thousand short-lived objects, many in reference cycles (formulas'
# ranges and arrays): measured in one process on 30 benchmark books (150 firms), with the parent's heap frozen as
# here, the collector took 15–20 ms of each book's ≈180 ms CPU in ≈16 collections at 700, and 8–10 ms in fewer than
# one at 20,000. The garbage is the same and is still collected (each book's is at most a few MB), only less often;
# the older generations keep their defaults.
WORKER_GC_THRESHOLD = 20_000

# A test-only fault, injected inside a real pool worker (tests/report/test_batch_robust.py): "abort:NAME",
# "hang:NAME" or "memory:NAME" makes the worker abort, sleep or allocate without bound on file NAME.
FAULT_ENV = "JIDI_XL_TEST_WORKER_FAULT"

_ENGINE = None   # the StandardEngine of this process (inherited by forked workers)


# ---------------------------------------------------------------- what is in the input folder

@dataclass
class Entry:
    rel: str                     # path relative to the input folder, "/"-separated
    path: Path
    kind: str                    # "book" (to evaluate), "failed" (not evaluated: reason), "skipped" (reason)
    reason: str = ""


def inventory(source: str | Path) -> list[Entry]:
    """Every file under ``source`` (recursively, symbolic links to folders not followed), each classified."""
    source = Path(source)
    out: list[Entry] = []

    def unreadable(err: OSError) -> None:
        p = Path(err.filename or source)
        rel = p.relative_to(source).as_posix() if p != source else "."
        out.append(Entry(rel + "/", p, "failed", f"无法读取文件夹（{err.strerror}）；请检查权限后重试"))

    for root, dirs, files in os.walk(source, onerror=unreadable):
        dirs.sort()
        for d in list(dirs):
            p = Path(root) / d
            if p.is_symlink():
                dirs.remove(d)
                out.append(Entry(p.relative_to(source).as_posix() + "/", p, "skipped",
                                 "指向其他位置的文件夹链接，未进入（避免重复或循环）；如需评价请直接复制文件"))
        for f in files:
            p = Path(root) / f
            rel = p.relative_to(source).as_posix()
            kind, why = classify(f)
            if kind == "book" and not p.is_file():
                kind, why = "failed", ("链接指向的文件不存在" if not p.exists() else "不是普通文件") + "；请提交工作簿文件本身"
            out.append(Entry(rel, p, kind, why))
    out.sort(key=lambda e: e.rel)
    return out


# ---------------------------------------------------------------- result

@dataclass
class BatchResult:
    summary: Path
    output_dir: Path
    rows: list[SummaryRow] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)       # not evaluated (exit code 2)
    skipped: list[Failure] = field(default_factory=list)        # not submissions (lock files …), listed
    outcomes: list[WorkbookOutcome] = field(default_factory=list)   # the files processed by this run
    reused: int = 0              # files taken from the journal (resume)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    peak_rss_mb: float = 0.0
    publication: Path | None = None      # the 公示 lists as PDF (with --reports)


def _row(o: WorkbookOutcome, rel: str) -> SummaryRow:
    v = o.values
    check = f"一致（{o.compared} 项）" if not o.differences else f"差异 {len(o.differences)} 处：" + \
        "；".join(str(d) for d in o.differences[:3])
    return SummaryRow(
        file=rel, base_name=v.get("in_base_name") or "", verdict=v.get("out_recognition_verdict") or "",
        failing_articles=v.get("out_failing_articles") or "", firm_count=v.get("out_n"),
        concentration=v.get("out_concentration"), track=v.get("out_track") or "", leading=v.get("out_leading") or "",
        service_functions=v.get("out_art7_count"), eval_year=v.get("in_eval_year"), grade=v.get("out_grade") or "",
        stars=v.get("out_stars"), funding_tier=v.get("out_funding_tier"), check=check, output=o.output or "",
        seconds=round(o.seconds, 3))


def _failure(o: WorkbookOutcome, rel: str) -> Failure:
    extra = [f"重算后的工作簿（供查看出错单元格）：{o.output}"] if o.output else []
    problems = o.problems or ["未知原因"]
    return Failure(rel, "无法评价：" + problems[0], problems[1:] + o.input_errors[:20] + extra)


def peak_rss_mb() -> float:
    """Peak resident memory of this process and of its (largest) finished child, in MB (Linux: KiB units)."""
    me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(me, kids) / 1024


# ---------------------------------------------------------------- journal

def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def _signature(source: Path) -> str:
    """What a recorded result depends on besides the file: the program, its rules and template, the input folder."""
    from .. import __name__ as pkg
    from ..ruleset import PARAMS_DIR
    from workbooks import TEMPLATE_PATH

    h = hashlib.sha256(str(source).encode("utf-8"))
    try:
        from importlib.metadata import version
        h.update(version(pkg).encode())
    except Exception:  # noqa: BLE001 — not installed: the sources below still pin the rules
        pass
    for p in [TEMPLATE_PATH, *sorted(Path(PARAMS_DIR).rglob("*.yaml")), *sorted(Path(__file__).parent.parent.rglob("*.py")),
              *sorted((Path(__file__).parent / "templates").glob("*"))]:        # the reports' templates (--reports)
        h.update(p.name.encode())
        h.update(p.read_bytes())
    return h.hexdigest()


def _json_default(o):
    return o.item() if hasattr(o, "item") else str(o)


class Journal:
    """One JSON file per finished input (written atomically), one ``.started`` marker per task in progress."""

    def __init__(self, folder: Path, signature: str, resume: bool):
        self.folder = folder
        self.meta = folder / "journal.json"
        self.note = ""
        old: dict | None = None
        with contextlib.suppress(OSError, ValueError):
            loaded = json.loads(self.meta.read_text(encoding="utf-8"))
            old = loaded if isinstance(loaded, dict) else None      # valid JSON but not ours (damaged): no record
        if resume:
            if old is None:
                self.note = "没有可继续的进度记录，从头开始"
            elif old.get("signature") != signature:
                self.note = "上次进度记录来自不同的程序版本、规则、模板或输入文件夹，全部重新评价"
        if not resume or self.note:
            if folder.exists():
                shutil.rmtree(folder, ignore_errors=True)
        make_dir(folder, "进度记录文件夹")
        write_bytes_atomic(self.meta, json.dumps({"format": "jidi-xl/batch-journal@1", "signature": signature},
                                                 ensure_ascii=False).encode("utf-8"), "进度记录")

    @staticmethod
    def key(rel: str) -> str:
        return hashlib.sha1(rel.encode("utf-8")).hexdigest()[:20]

    def lookup(self, rel: str, digest: str) -> dict | None:
        try:
            e = json.loads((self.folder / f"{self.key(rel)}.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(e, dict):
            return None            # valid JSON but not an entry (a damaged journal): redo
        if e.get("file") != rel or e.get("sha256") != digest:
            return None            # changed input: redo
        out = e.get("output")
        if out and (not os.path.isfile(out) or os.path.getsize(out) != e.get("output_size")):
            return None            # its recalculated copy is gone: redo
        return e

    def record(self, rel: str, digest: str, row: SummaryRow | None, failure: Failure | None, output: str | None) -> None:
        e = {"file": rel, "sha256": digest, "row": asdict(row) if row else None,
             "failure": asdict(failure) if failure else None, "output": output,
             "output_size": os.path.getsize(output) if output and os.path.isfile(output) else None}
        write_bytes_atomic(self.folder / f"{self.key(rel)}.json",
                           json.dumps(e, ensure_ascii=False, default=_json_default).encode("utf-8"), "进度记录")
        self.clear_started(rel)

    def started_path(self, rel: str) -> Path:
        return self.folder / f"{self.key(rel)}.started"

    def started(self, rel: str) -> bool:
        return self.started_path(rel).exists()

    def clear_started(self, rel: str) -> None:
        with contextlib.suppress(OSError):
            self.started_path(rel).unlink()


# ---------------------------------------------------------------- the worker

@dataclass
class _Task:
    rel: str
    src: str
    dst: str
    started_marker: str
    time_limit: float
    report: str | None = None        # batch --reports: where this book's report goes
    at: str = ""                     # the batch's evaluation time (ISO), printed on every report


@dataclass
class _Done:
    rel: str
    outcome: WorkbookOutcome
    output_fault: str | None = None
    report: str = ""                 # the report written, or why none was (never the applicant's fault)


class _FileTimeLimit(BaseException):
    """Raised in a worker by its alarm: a BaseException, so that no ``except Exception`` on the way swallows it."""


def _worker_init() -> None:
    """Limits of a worker, set once when it starts: no core dump; an address space bounded above what it inherits."""
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    faulthandler.disable()         # a dying worker prints no Python traceback (PYTHONFAULTHANDLER, pytest): it is reported
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(WORKER_GC_THRESHOLD, older, oldest)
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            vm = next(int(line.split()[1]) for line in fh if line.startswith("VmSize:")) * 1024
    except (OSError, StopIteration, ValueError):
        return                                   # not Linux: no address-space limit
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    want = vm + WORKER_MEMORY_MB * 1024 * 1024
    if hard != resource.RLIM_INFINITY:
        want = min(want, hard)
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_AS, (want, hard))


def _alarm(signum, frame):
    raise _FileTimeLimit()


def _injected_fault(rel: str) -> None:
    spec = os.environ.get(FAULT_ENV, "")
    kind, _, name = spec.partition(":")
    if not name or Path(rel).name != name:
        return
    if kind == "abort":
        os.abort()
    if kind == "hang":
        while True:
            time.sleep(1)
    if kind == "memory":                          # beyond the worker's limit: refused at once, nothing touched
        bytearray((WORKER_MEMORY_MB + 64) << 20)


def _work(task: _Task) -> _Done:
    with contextlib.suppress(OSError):
        Path(task.started_marker).write_text(str(os.getpid()), encoding="ascii")
    used = sum(resource.getrusage(resource.RUSAGE_SELF)[:2])
    _, cpu_hard = resource.getrlimit(resource.RLIMIT_CPU)
    with contextlib.suppress(ValueError, OSError):
        resource.setrlimit(resource.RLIMIT_CPU, (int(used + task.time_limit + CPU_GRACE_S) + 1, cpu_hard))
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, task.time_limit)
    engine = AtomicCopyEngine(_ENGINE)
    try:
        _injected_fault(task.rel)
        o = process_workbook(task.src, task.dst, engine)
    except _FileTimeLimit:
        o = WorkbookOutcome(file=task.src, problems=[
            f"处理超时（超过 {task.time_limit:g} 秒，标准评价工作簿通常几秒内完成）；请确认是标准评价工作簿，"
            "删除表外多余的内容后重新提交"])
    except MemoryError:
        o = WorkbookOutcome(file=task.src, problems=[
            f"处理所需内存超出限制（{WORKER_MEMORY_MB} MB）；请确认是标准评价工作簿，删除表外多余的内容后重新提交"])
    except Exception as exc:  # noqa: BLE001 — one bad file never stops the batch
        o = WorkbookOutcome(file=task.src, problems=[f"内部错误：处理此文件时程序出错（{type(exc).__name__}: {exc}）；"
                                                      "请将此文件与错误信息反馈给维护人员"])
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_CPU, (cpu_hard, cpu_hard))
    if engine.fault:
        return _Done(task.rel, o, engine.fault)
    if o.output and not os.path.isfile(o.output):
        o.output = None
    done = _Done(task.rel, o)
    if task.report and o.evaluated and not o.blank:
        _write_book_report(task, task.report, o, done)
    return done


REPORT_FAILED = "未生成报告：生成报告时程序出错（{}），不是提交文件的问题；请将此信息反馈给维护人员"


def _write_book_report(task: _Task, report: str, o: WorkbookOutcome, done: _Done) -> None:
    """The base's report (to ``report``, the task's), from the case and evaluation the worker just compared the
    workbook with (``o.parsed``: nothing is read twice), outside the file's time limit (the file is not to blame for
    rendering). A fault writing it names the report's path (:class:`OutputError`)."""
    from datetime import datetime

    from .document import context, report_of_workbook, write_report

    try:
        rep, case, src = report_of_workbook(task.src, o, name=task.rel)
        make_dir(Path(report).parent, "评价报告文件夹")
        write_report(context(rep, case, src, datetime.fromisoformat(task.at)), report)
        done.report = report
    except OutputError as exc:
        done.output_fault = str(exc)
    except Exception as exc:  # noqa: BLE001 — a rendering fault is ours: said in the row, the batch goes on
        done.report = REPORT_FAILED.format(f"{type(exc).__name__}: {exc}")


# ---------------------------------------------------------------- the pool, with dying workers survived

DIED = ("处理此文件时处理进程两次异常终止（可能内存或计算时间超出限制，或文件结构异常）；"
        "请确认是未损坏的标准评价工作簿，在 Excel/WPS 中另存后重新提交")


def _run_pool(tasks: list[_Task], jobs: int, finish, finished_rels: set[str], deadline_s: float) -> list[_Task]:
    """Run ``tasks``, calling ``finish`` on each outcome; returns those left unfinished by a dead worker."""
    ctx = multiprocessing.get_context("fork")
    ex = ProcessPoolExecutor(jobs, mp_context=ctx, initializer=_worker_init)
    futures = [ex.submit(_work, t) for t in tasks]
    remaining = set(futures)
    broken = False
    try:
        while remaining and not broken:
            finished, remaining = wait(remaining, timeout=deadline_s, return_when=FIRST_COMPLETED)
            if not finished:                      # backstop: a worker stuck where neither alarm nor CPU limit reaches
                for p in multiprocessing.active_children():
                    p.kill()
                broken = True
            for fut in finished:
                try:
                    d = fut.result()
                except BrokenProcessPool:
                    broken = True
                    continue
                finish(d)
    except BaseException:
        for p in multiprocessing.active_children():    # an output fault or Ctrl-C: stop the workers now
            p.kill()
        broken = True
        raise
    finally:
        ex.shutdown(wait=not broken, cancel_futures=True)
    return [t for t in tasks if t.rel not in finished_rels] if broken else []


def _run_all(tasks: list[_Task], jobs: int, journal: Journal, finish, time_limit: float) -> None:
    """All ``tasks`` through fresh pools until each has an outcome. After a worker died, the files it had not
    started go to a new pool; each file that had started is retried alone, and one that kills its worker again
    is the culprit (:data:`DIED`)."""
    finished: set[str] = set()

    def finish_one(d: _Done) -> None:
        finish(d)
        finished.add(d.rel)

    deadline = 2 * (time_limit + CPU_GRACE_S)
    queue: list[_Task] = list(tasks)          # not implicated in a death
    suspects: list[_Task] = []                # running when a worker died: each retried alone
    while queue or suspects:
        alone = not queue
        batch = [suspects.pop(0)] if alone else queue
        if not alone:
            queue = []
        for t in batch:
            journal.clear_started(t.rel)
        left = _run_pool(batch, 1 if alone else max(1, min(jobs, len(batch))), finish_one, finished, deadline)
        if not left:
            continue
        if alone:
            t = batch[0]
            finish_one(_Done(t.rel, WorkbookOutcome(file=t.src, problems=[DIED])))
            continue
        started = [t for t in left if journal.started(t.rel)] or left    # none marked: suspect them all
        suspects += started
        queue = [t for t in left if t not in started]


# ---------------------------------------------------------------- the batch

def check_locations(source: Path, summary: Path) -> Path:
    """The folder of recalculated copies; refuses an output inside the input folder (inputs are never written)."""
    outdir = summary.parent / f"{summary.stem}_recalculated"
    if outdir == source or source in outdir.parents or summary.parent == source or source in summary.parents:
        raise ValueError(f"输出位置 {summary.parent} 不能在输入文件夹 {source} 内（输入文件不得被覆盖）；请用 -o 指定其他文件夹")
    return outdir


class NothingToDo(ValueError):
    """The input folder holds no file at all."""


def report_path(reports: Path, rel: str) -> Path:
    """Where ``batch --reports`` puts the report of the book at ``rel``: the same relative path, ``.pdf``."""
    return reports / Path(rel).with_suffix(".pdf")


def run_batch(source: str | Path, summary: str | Path, jobs: int | None = None, progress: bool = True,
              resume: bool = False, time_limit: float = FILE_TIME_LIMIT_S, reports: str | Path | None = None,
              at=None) -> BatchResult:
    """Evaluate every workbook under ``source`` into ``summary``. Raises ``ValueError`` for a bad output location,
    :class:`NothingToDo` for an empty folder, :class:`.outputs.OutputError` when an output cannot be written."""
    global _ENGINE

    t0 = time.perf_counter()
    source, summary = Path(source).resolve(), Path(summary).resolve()
    outdir = check_locations(source, summary)
    if reports is not None:
        from .document import evaluation_time

        reports = Path(reports).resolve()
        if reports == source or source in reports.parents:
            raise ValueError(f"报告文件夹 {reports} 不能在输入文件夹 {source} 内（输入文件夹不得写入）；请用 --reports 指定其他文件夹")
        at = evaluation_time(at)
    entries = inventory(source)
    if not entries:
        raise NothingToDo(f"{source}：文件夹中没有任何文件，没有可评价的工作簿 (nothing to do)")
    make_dir(summary.parent)
    result = BatchResult(summary, outdir)
    with OutputLock(summary.parent):
        remove_stale_temporaries(summary.parent, recursive=False)   # what a killed run left; we hold the lock
        for folder in (outdir, summary.parent / f".{summary.stem}.journal"):
            remove_stale_temporaries(folder)
        make_dir(outdir, "重算后工作簿的文件夹")
        probe_writable(outdir)
        if reports is not None:
            make_dir(reports, "评价报告文件夹")
            remove_stale_temporaries(reports)
            probe_writable(reports, "评价报告文件夹")
        journal = Journal(summary.parent / f".{summary.stem}.journal", _signature(source), resume)
        if journal.note:
            result.notes.append(journal.note)

        recorded: dict[str, dict] = {}
        tasks: list[_Task] = []
        digests: dict[str, str] = {}
        for e in entries:
            if e.kind == "skipped":
                result.skipped.append(Failure(e.rel, e.reason, category="已跳过"))
            elif e.kind == "failed":
                result.failures.append(Failure(e.rel, e.reason))
            else:
                try:
                    digests[e.rel] = d = _sha256(e.path)
                except OSError as exc:
                    result.failures.append(Failure(e.rel, f"无法读取文件（{exc.strerror}）；请检查文件权限后重试"))
                    continue
                hit = journal.lookup(e.rel, d) if resume else None
                if hit and reports is not None and hit.get("row") and not os.path.isfile(report_path(reports, e.rel)):
                    hit = None            # its report is missing (or was never asked for): redo
                if hit:
                    recorded[e.rel] = hit
                else:
                    tasks.append(_Task(e.rel, str(e.path), str(outdir / e.rel), str(journal.started_path(e.rel)),
                                       float(time_limit),
                                       str(report_path(reports, e.rel)) if reports is not None else None,
                                       at.isoformat() if reports is not None else ""))
        result.reused = len(recorded)

        done: dict[str, SummaryRow | Failure] = {}         # rel -> its summary row, or why it has none
        if tasks:
            from tqdm import tqdm

            from ..pipeline.standard import StandardEngine

            _ENGINE = StandardEngine()
            _ENGINE._compiled_template()           # compile once, before forking: the workers share it
            # Then move everything the parent holds (the compiled template's ≈250,000 objects) out of the cyclic
            # collector's reach: in a worker each full collection walked them all again — measured 71 ms of
            # a worker's ≈620 ms per workbook (CPU, loaded machine), 15 ms once frozen. Frozen objects are
            # never collected; they live as long as the parent anyway, and the workers share them copy-on-write.
            gc.collect()
            gc.freeze()
            bar = tqdm(total=len(tasks), unit="个", desc="重算工作簿", disable=not (progress and sys.stderr.isatty()))

            def finish(d: _Done) -> None:
                """Each outcome is journaled as soon as it arrives: a batch killed later keeps it."""
                if d.output_fault:
                    raise OutputError(d.output_fault)
                o = d.outcome
                if o.evaluated:
                    row = _row(o, d.rel)
                    row.report = d.report
                    journal.record(d.rel, digests[d.rel], row, None, o.output)
                    done[d.rel] = row
                else:
                    fail = _failure(o, d.rel)
                    journal.record(d.rel, digests[d.rel], None, fail, o.output)
                    done[d.rel] = fail
                result.outcomes.append(o)
                bar.update()

            try:
                _run_all(tasks, jobs or os.cpu_count() or 1, journal, finish, time_limit)
            except OutputError as exc:
                raise OutputError(f"{exc} 已完成的 {len(done) + len(recorded)} 个文件已记录；"
                                  "解决后用同样的命令加 --resume 继续，不必重做。") from exc
            finally:
                bar.close()
        for e in entries:
            item: SummaryRow | Failure
            if e.rel in recorded:
                hit = recorded[e.rel]
                if hit.get("row"):
                    item = SummaryRow(**hit["row"])
                    if reports is not None:
                        item.report = str(report_path(reports, e.rel))
                else:
                    item = Failure(**hit["failure"])
            elif e.rel in done:
                item = done[e.rel]
            else:
                continue
            if isinstance(item, SummaryRow):
                result.rows.append(item)
            else:
                result.failures.append(item)
        result.outcomes.sort(key=lambda o: o.file)
        result.rows.sort(key=lambda r: r.file)
        result.failures.sort(key=lambda f: f.file)
        with atomic_target(summary, "汇总工作簿", durable=True) as tmp:
            write_summary(tmp, result.rows, result.failures + result.skipped, str(source))
        if reports is not None:
            from .publication import build, write_pdf

            result.publication = summary.with_name(f"{summary.stem}_公示名单.pdf")
            write_pdf(build(result.rows), result.publication, at)
    result.seconds = time.perf_counter() - t0
    result.peak_rss_mb = peak_rss_mb()
    return result
