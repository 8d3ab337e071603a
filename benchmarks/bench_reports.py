#!/usr/bin/env python3
"""Benchmark of the per-base reports: ``batch --reports`` on N filled workbooks, beside the batch's own
per-workbook time measured in the same run. See ``benchmarks/README.md``.

    python benchmarks/bench_reports.py [--n 100] [--firms 150] [--direct 20] [--rounds 1] [--workdir benchmarks/_work_reports]

Phases:

1. generate  N workbooks with the project's synthesiser (``bench_batch.phase_generate``, reused when unchanged);
2. batch     ``run_batch(books, summary, jobs=2)`` — the batch's per-workbook wall time (wall seconds ÷ N);
3. reports   ``run_batch(..., reports=DIR)`` — the same batch, same 2 workers, writing a PDF report per base (in the
             workers, beside the recalculation) and the 公示 PDF; the report's added wall time per workbook is
             (reports − batch) / N — both figures wall-clock per workbook with the same number of workers;
4. direct    ``--direct`` books, one process: the report alone (from check's outcome: lay out the blocks, typeset the
             PDF), per report, wall and CPU seconds; the first report of the process also pays the typesetter's start.

Target: a report adds no more than the batch's own per-workbook time. Figures are printed and merged into
``benchmarks/results.json`` under ``"reports"`` (the batch benchmark's figures are kept).
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for p in (ROOT, ROOT / "benchmarks"):
    if str(p) not in sys.path:
        sys.path.insert(0, str(p))

import bench_batch  # noqa: E402

FIXED = datetime(2026, 12, 1, 9, 0, tzinfo=timezone.utc)


def _cpu() -> float:
    """CPU seconds (user + system) of this process and of its reaped children (the batch's pool workers)."""
    s, c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return s.ru_utime + s.ru_stime + c.ru_utime + c.ru_stime


def phase_batch(books: Path, out: Path, reports: Path | None) -> dict:
    """One ``run_batch`` with the benchmark's number of workers (both batches use the same), timed wall-clock."""
    from jidi_xl.report.batch import run_batch

    if out.exists():
        shutil.rmtree(out)
    load0, cpu0 = os.getloadavg()[0], _cpu()
    t0 = time.perf_counter()
    res = run_batch(books, out / "summary.xlsx", jobs=bench_batch.JOBS, progress=False, reports=reports, at=FIXED)
    wall = time.perf_counter() - t0
    cpu = _cpu() - cpu0
    n = len(res.rows)
    assert n and not res.failures, res.failures[:3]
    if reports is not None:
        made = list(reports.rglob("*.pdf"))
        assert len(made) == n, (len(made), n)
    return {"seconds": wall, "books": n, "wall_per_workbook_s": wall / n, "jobs": bench_batch.JOBS,
            "worker_median_s": statistics.median(r.seconds for r in res.rows), "peak_rss_mb": res.peak_rss_mb,
            "cpu_seconds": cpu, "cpu_per_workbook_s": cpu / n, "cpu_utilisation": cpu / (wall * bench_batch.JOBS),
            "loadavg_before": load0, "loadavg_after": os.getloadavg()[0]}


def phase_direct(books: list[Path], out: Path) -> dict:
    """One report after another in this process, from the workbook (check's path) to the PDF."""
    from jidi_xl.pipeline.standard import StandardEngine
    from jidi_xl.report.check import process_workbook
    from jidi_xl.report.document import context, report_of_workbook, write_report

    engine = StandardEngine()
    out.mkdir(parents=True, exist_ok=True)
    checks, renders, cpus = [], [], []
    for b in books:
        t0 = time.perf_counter()
        res = process_workbook(b, None, engine)
        t1, c1 = time.perf_counter(), time.process_time()
        rep, case, src = report_of_workbook(b, res)
        write_report(context(rep, case, src, FIXED), out / f"{b.stem}.pdf")
        t2, c2 = time.perf_counter(), time.process_time()
        checks.append(t1 - t0)
        renders.append(t2 - t1)
        cpus.append(c2 - c1)
    # The first report of a process also pays for the typesetter's start (Typst scans the system fonts once).
    return {"reports": len(books), "report_median_s": statistics.median(renders), "report_max_s": max(renders),
            "report_first_s": renders[0], "report_cpu_median_s": statistics.median(cpus),
            "check_median_s": statistics.median(checks)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100)
    ap.add_argument("--firms", type=int, default=150)
    ap.add_argument("--direct", type=int, default=20, help="books whose report is also timed alone")
    ap.add_argument("--seed", type=int, default=bench_batch.DEFAULT_SEED)
    ap.add_argument("--workdir", type=Path, default=ROOT / "benchmarks" / "_work_reports")
    ap.add_argument("--rounds", type=int, default=1, help="alternate the two batches this many times, keep the fastest of each")
    ap.add_argument("--regenerate", action="store_true")
    ap.add_argument("--results", type=Path, default=ROOT / "benchmarks" / "results.json")
    args = ap.parse_args(argv)
    args.workdir.mkdir(parents=True, exist_ok=True)

    gen = bench_batch.phase_generate(args)
    books = args.workdir / "books"
    # --rounds R alternates the two batches (plain, with reports, plain, …) and keeps each one's fastest round, so
    # that a load change on a shared machine does not fall on one of them only.
    plains, withs = [], []
    for _ in range(args.rounds):
        plains.append(phase_batch(books, args.workdir / "plain", None))
        withs.append(phase_batch(books, args.workdir / "with", args.workdir / "with" / "reports"))
    plain = min(plains, key=lambda r: r["seconds"])
    with_reports = min(withs, key=lambda r: r["seconds"])
    direct = phase_direct(sorted(books.glob("*.xlsx"))[: args.direct], args.workdir / "direct")
    added = (with_reports["seconds"] - plain["seconds"]) / plain["books"]
    ratio = added / plain["wall_per_workbook_s"]
    figures = {
        "format": "jidi-xl/bench-reports@1", "machine": bench_batch._machine(),
        "parameters": {"n": args.n, "firms": args.firms, "direct": args.direct, "jobs": bench_batch.JOBS,
                       "rounds": args.rounds},
        "generation": gen, "batch": plain, "batch_with_reports": with_reports, "direct": direct,
        "rounds": {"batch_s": [r["seconds"] for r in plains], "batch_with_reports_s": [r["seconds"] for r in withs]},
        "report_added_cpu_per_workbook_s": with_reports["cpu_per_workbook_s"] - plain["cpu_per_workbook_s"],
        # The same comparison in CPU seconds: both batches use the same workers, so on an idle machine the wall ratio
        # tends to this one; on a shared machine it is the figure that does not depend on who else took the cores.
        "report_over_batch_cpu_per_workbook": (with_reports["cpu_per_workbook_s"] - plain["cpu_per_workbook_s"])
        / plain["cpu_per_workbook_s"],
        "report_added_wall_per_workbook_s": added, "report_over_batch_per_workbook": ratio,
        "target": "a report adds no more than the batch's own per-workbook time (ratio ≤ 1)",
        "target_met": ratio <= 1.0,
    }
    for label, r in (("batch          ", plain), ("batch --reports", with_reports)):
        print(f"{label}  {r['books']} books, {r['jobs']} workers, {r['seconds']:.1f} s wall = {r['wall_per_workbook_s']:.3f} s/book "
              f"(worker median {r['worker_median_s']:.3f} s; CPU {r['cpu_per_workbook_s']:.3f} s/book, "
              f"{r['cpu_utilisation']:.0%} of {r['jobs']} cores; load {r['loadavg_before']:.1f} → {r['loadavg_after']:.1f})")
    if args.rounds > 1:
        print(f"rounds (s)       batch {' '.join(f'{x:.1f}' for x in figures['rounds']['batch_s'])}; with reports "
              f"{' '.join(f'{x:.1f}' for x in figures['rounds']['batch_with_reports_s'])} (fastest of each kept)")
    print(f"report adds      {added:.3f} s/book wall ({figures['report_added_cpu_per_workbook_s']:.3f} CPU s/book) = {ratio:.1f} × the batch's own per-workbook time "
          f"({'met' if ratio <= 1 else 'NOT met'}: target ≤ 1 ×)")
    print(f"in CPU seconds   report adds {figures['report_added_cpu_per_workbook_s']:.3f} s/book against the batch's "
          f"{plain['cpu_per_workbook_s']:.3f} s/book = {figures['report_over_batch_cpu_per_workbook']:.1f} ×")
    if max(plain["loadavg_before"], with_reports["loadavg_before"]) > 1.0:
        print("NOTE: the load average exceeded 1 before a batch: other processes shared the cores; both batches are slower")
    print(f"report alone     median {direct['report_median_s']:.3f} s wall, {direct['report_cpu_median_s']:.3f} s CPU, "
          f"max {direct['report_max_s']:.3f} s, first {direct['report_first_s']:.3f} s "
          f"(check of the same book: median {direct['check_median_s']:.3f} s), {direct['reports']} books, one process")
    try:
        merged = json.loads(args.results.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        merged = {}
    merged["reports"] = figures
    args.results.write_text(json.dumps(merged, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"figures merged into {args.results}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
