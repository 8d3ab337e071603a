#!/usr/bin/env python3
"""Benchmark of the per-base reports: ``batch --reports`` on N filled workbooks, beside the batch's own
per-workbook time measured in the same run. See ``benchmarks/README.md``.

    python benchmarks/bench_reports.py [--n 100] [--firms 150] [--direct 20] [--workdir benchmarks/_work_reports]

Phases:

1. generate  N workbooks with the project's synthesiser (``bench_batch.phase_generate``, reused when unchanged);
2. batch     ``run_batch(books, summary, jobs=2)`` — the batch's per-workbook wall time;
3. reports   ``run_batch(..., reports=DIR)`` — the same batch writing a PDF report per base and the 公示 PDF;
             the report's added wall time per workbook is (reports − batch) / N;
4. direct    ``--direct`` books, one process: the report alone (read inputs, evaluate, render HTML, PDF), per report.

Target: a report adds no more than the batch's own per-workbook time. Figures are printed and merged into
``benchmarks/results.json`` under ``"reports"`` (the batch benchmark's figures are kept).
"""
from __future__ import annotations

import argparse
import json
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


def phase_batch(books: Path, out: Path, reports: Path | None) -> dict:
    from jidi_xl.report.batch import run_batch

    if out.exists():
        shutil.rmtree(out)
    t0 = time.perf_counter()
    res = run_batch(books, out / "summary.xlsx", jobs=bench_batch.JOBS, progress=False, reports=reports, at=FIXED)
    wall = time.perf_counter() - t0
    n = len(res.rows)
    assert n and not res.failures, res.failures[:3]
    if reports is not None:
        made = list(reports.rglob("*.pdf"))
        assert len(made) == n, (len(made), n)
    return {"seconds": wall, "books": n, "wall_per_workbook_s": wall / n,
            "worker_median_s": statistics.median(r.seconds for r in res.rows), "peak_rss_mb": res.peak_rss_mb}


def phase_direct(books: list[Path], out: Path) -> dict:
    """One report after another in this process, from the workbook (check's path) to the PDF."""
    from jidi_xl.pipeline.standard import StandardEngine
    from jidi_xl.report.check import process_workbook
    from jidi_xl.report.document import context, report_of_workbook, write_report

    engine = StandardEngine()
    out.mkdir(parents=True, exist_ok=True)
    checks, renders = [], []
    for b in books:
        t0 = time.perf_counter()
        res = process_workbook(b, None, engine)
        t1 = time.perf_counter()
        rep, case, src = report_of_workbook(b, res)
        write_report(context(rep, case, src, FIXED), out / f"{b.stem}.pdf")
        t2 = time.perf_counter()
        checks.append(t1 - t0)
        renders.append(t2 - t1)
    return {"reports": len(books), "report_median_s": statistics.median(renders), "report_max_s": max(renders),
            "check_median_s": statistics.median(checks)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=100)
    ap.add_argument("--firms", type=int, default=150)
    ap.add_argument("--direct", type=int, default=20, help="books whose report is also timed alone")
    ap.add_argument("--seed", type=int, default=bench_batch.DEFAULT_SEED)
    ap.add_argument("--workdir", type=Path, default=ROOT / "benchmarks" / "_work_reports")
    ap.add_argument("--regenerate", action="store_true")
    ap.add_argument("--results", type=Path, default=ROOT / "benchmarks" / "results.json")
    args = ap.parse_args(argv)
    args.workdir.mkdir(parents=True, exist_ok=True)

    gen = bench_batch.phase_generate(args)
    books = args.workdir / "books"
    plain = phase_batch(books, args.workdir / "plain", None)
    with_reports = phase_batch(books, args.workdir / "with", args.workdir / "with" / "reports")
    direct = phase_direct(sorted(books.glob("*.xlsx"))[: args.direct], args.workdir / "direct")
    added = (with_reports["seconds"] - plain["seconds"]) / plain["books"]
    ratio = added / plain["wall_per_workbook_s"]
    figures = {
        "format": "jidi-xl/bench-reports@1", "machine": bench_batch._machine(),
        "parameters": {"n": args.n, "firms": args.firms, "direct": args.direct, "jobs": bench_batch.JOBS},
        "generation": gen, "batch": plain, "batch_with_reports": with_reports, "direct": direct,
        "report_added_wall_per_workbook_s": added, "report_over_batch_per_workbook": ratio,
        "target": "a report adds no more than the batch's own per-workbook time (ratio ≤ 1)",
        "target_met": ratio <= 1.0,
    }
    print(f"batch            {plain['books']} books in {plain['seconds']:.1f} s = {plain['wall_per_workbook_s']:.3f} s/book "
          f"(worker median {plain['worker_median_s']:.3f} s)")
    print(f"batch --reports  {with_reports['seconds']:.1f} s = {with_reports['wall_per_workbook_s']:.3f} s/book")
    print(f"report adds      {added:.3f} s/book = {ratio:.1f} × the batch's own per-workbook time "
          f"({'met' if ratio <= 1 else 'NOT met'}: target ≤ 1 ×)")
    print(f"report alone     median {direct['report_median_s']:.3f} s, max {direct['report_max_s']:.3f} s "
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
