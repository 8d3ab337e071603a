"""``jidi-xl batch``: every workbook of a folder recalculated, checked and consolidated into one summary.

* Each input is recalculated into a copy in ``<summary>_recalculated/`` beside the summary (never over
  an input, never inside the input folder); every input file appears in the summary, either as a row
  or on the sheet of files that could not be evaluated, with the reason.
* The standard template is compiled once in the parent; the worker processes are forked from it and
  share it (both cores by default). One bad file never stops the batch: whatever happens to a file
  is caught in its worker and becomes a line of the summary.
"""
from __future__ import annotations

import multiprocessing
import os
import resource
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from .check import WorkbookOutcome, process_workbook
from .summary import Failure, SummaryRow, write_summary

_ENGINE = None   # the StandardEngine of this process (inherited by forked workers)


@dataclass
class BatchResult:
    summary: Path
    output_dir: Path
    rows: list[SummaryRow] = field(default_factory=list)
    failures: list[Failure] = field(default_factory=list)
    outcomes: list[WorkbookOutcome] = field(default_factory=list)
    seconds: float = 0.0
    peak_rss_mb: float = 0.0


def _work(path: str, output: str) -> WorkbookOutcome:
    try:
        return process_workbook(path, output, _ENGINE)
    except Exception as exc:  # noqa: BLE001 — one bad file never stops the batch
        return WorkbookOutcome(file=path, problems=[f"处理失败：{type(exc).__name__}: {exc}"])


def _row(o: WorkbookOutcome) -> SummaryRow:
    v = o.values
    check = f"一致（{o.compared} 项）" if not o.differences else f"差异 {len(o.differences)} 处：" + \
        "；".join(str(d) for d in o.differences[:3])
    return SummaryRow(
        file=Path(o.file).name, base_name=v.get("in_base_name") or "", verdict=v.get("out_recognition_verdict") or "",
        failing_articles=v.get("out_failing_articles") or "", firm_count=v.get("out_n"),
        concentration=v.get("out_concentration"), track=v.get("out_track") or "", leading=v.get("out_leading") or "",
        service_functions=v.get("out_art7_count"), eval_year=v.get("in_eval_year"), grade=v.get("out_grade") or "",
        stars=v.get("out_stars"), funding_tier=v.get("out_funding_tier"), check=check, output=o.output or "",
        seconds=round(o.seconds, 3))


def peak_rss_mb() -> float:
    """Peak resident memory of this process and of its (largest) finished child, in MB (Linux: KiB units)."""
    me = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(me, kids) / 1024


def run_batch(source: str | Path, summary: str | Path, jobs: int | None = None, progress: bool = True) -> BatchResult:
    global _ENGINE
    from ..engine.standard import StandardEngine

    t0 = time.perf_counter()
    source, summary = Path(source).resolve(), Path(summary).resolve()
    outdir = summary.parent / f"{summary.stem}_recalculated"
    if outdir == source or source in outdir.parents or summary.parent == source:
        raise ValueError(f"输出位置 {summary.parent} 不能在输入文件夹 {source} 内（输入文件不得被覆盖）；请用 -o 指定其他文件夹")
    outdir.mkdir(parents=True, exist_ok=True)
    files = sorted(p for p in source.iterdir() if p.is_file() and not p.name.startswith(("~$", ".")))
    books = [p for p in files if p.suffix.lower() == ".xlsx"]
    result = BatchResult(summary, outdir)
    for p in files:
        if p.suffix.lower() != ".xlsx":
            result.failures.append(Failure(p.name, f"不是 .xlsx 工作簿（{p.suffix or '无扩展名'}）；请另存为 Excel 工作簿 (.xlsx) 后重新提交"))

    _ENGINE = StandardEngine()
    _ENGINE._compiled_template()           # compile once, before forking: the workers share it
    jobs = max(1, min(jobs or os.cpu_count() or 1, len(books) or 1))
    outcomes: list[WorkbookOutcome] = []
    from tqdm import tqdm

    bar = tqdm(total=len(books), unit="个", desc="重算工作簿", disable=not (progress and sys.stderr.isatty()))
    if jobs == 1:
        for p in books:
            outcomes.append(_work(str(p), str(outdir / p.name)))
            bar.update()
    else:
        with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork")) as ex:
            futures = {ex.submit(_work, str(p), str(outdir / p.name)): p for p in books}
            for fut in as_completed(futures):
                try:
                    outcomes.append(fut.result())
                except Exception as exc:  # noqa: BLE001 — a worker that died
                    outcomes.append(WorkbookOutcome(file=str(futures[fut]), problems=[f"处理进程异常退出：{exc}"]))
                bar.update()
    bar.close()
    outcomes.sort(key=lambda o: o.file)
    for o in outcomes:
        if o.evaluated:
            result.rows.append(_row(o))
        else:
            extra = [f"重算后的工作簿（供查看出错单元格）：{o.output}"] if o.output else []
            result.failures.append(Failure(Path(o.file).name, "无法评价：" + o.problems[0], o.problems[1:] + o.input_errors[:20] + extra))
    result.failures.sort(key=lambda f: f.file)
    result.outcomes = outcomes
    write_summary(summary, result.rows, result.failures, str(source))
    result.seconds = time.perf_counter() - t0
    result.peak_rss_mb = peak_rss_mb()
    return result
