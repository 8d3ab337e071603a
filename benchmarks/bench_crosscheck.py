#!/usr/bin/env python3
"""Benchmark of the cross-check: N filled standard workbooks through ONE LibreOffice with the jidi-xl extension,
each beside the headless engine's time for the same workbook in the same run. See ``benchmarks/README.md``.

    python benchmarks/bench_crosscheck.py [--n 100] [--firms 150] [--workdir benchmarks/_work_crosscheck]

1. generate  N workbooks with ``bench_batch``'s generator (the project's one case synthesiser,
             :func:`jidi_xl.synth.bench_case`; same seed, so the same books as the batch benchmark's first N);
             reused when the workdir holds the same generation;
2. setup     build the extension, install it into a private profile, start soffice (timed, once);
3. per book  the headless engine (``StandardEngine``, compiled fast path; its one-time compile timed apart)
             and the cross-check of the same book (``CrossChecker.check``: the LibreOffice copy, load hidden,
             ``calculateAll``, canary, every formula cell read and compared). The first book warms LibreOffice
             (the add-in is instantiated at the first formula load): reported, not counted as warm.

Target: LibreOffice with the extension ≤ 1 s per workbook warm. Figures are printed and merged into
``benchmarks/results.json`` under ``"crosscheck"`` (the other keys are kept).
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

TARGET_LO_WARM_S = 1.0          # LibreOffice with the extension, per workbook, warm


def _stats(xs: list[float]) -> dict:
    xs = sorted(xs)
    return {"n": len(xs), "median_s": statistics.median(xs), "mean_s": statistics.fmean(xs),
            "p90_s": xs[min(len(xs) - 1, int(0.9 * len(xs)))], "min_s": xs[0], "max_s": xs[-1]}


def generate(args) -> list[Path]:
    import bench_batch

    ns = argparse.Namespace(workdir=args.workdir, n=args.n, firms=args.firms, seed=args.seed, regenerate=False)
    gen = bench_batch.phase_generate(ns)
    books = sorted((Path(args.workdir) / "books").glob("*.xlsx"))
    print(f"generate: {len(books)} workbooks ({args.firms} firms each) "
          f"{'reused' if gen.get('reused') else 'in %.1f s' % gen['seconds']}")
    return books


def main(argv: list[str] | None = None) -> int:
    import bench_batch

    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=100, help="number of workbooks (default 100)")
    ap.add_argument("--firms", type=int, default=150, help="resident firms per workbook (default 150)")
    ap.add_argument("--seed", type=int, default=bench_batch.DEFAULT_SEED)
    ap.add_argument("--workdir", type=Path, default=ROOT / "benchmarks" / "_work_crosscheck")
    ap.add_argument("--results", type=Path, default=ROOT / "benchmarks" / "results.json")
    ap.add_argument("--copy", choices=["libreoffice", "plain"], default="libreoffice",
                    help="the copy LibreOffice opens: udfs.libreoffice.libreoffice_copy (programmatic names, the "
                         "default, what jidi-xl crosscheck does) or a plain copy (the extension's load job re-enters "
                         "the JIDI_ formulas after loading)")
    args = ap.parse_args(argv)

    books = generate(args)
    from jidi_xl.pipeline.crosscheck import standard_checker
    from jidi_xl.pipeline.standard import StandardEngine

    load_before = os.getloadavg()
    t0 = time.perf_counter()
    engine = StandardEngine(fast=True)
    engine._compiled_template()
    compile_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    if args.copy == "plain":
        from jidi_xl.engine.crosscheck import CrossChecker
        from jidi_xl.pipeline.crosscheck import _built_extension
        from udfs import libreoffice as ulo
        oxt = _built_extension()
        checker = CrossChecker(install=lambda prof: ulo.install_extension(oxt, prof)).__enter__()
    else:
        checker = standard_checker().__enter__()
    setup_s = time.perf_counter() - t0
    startup_s = checker.session.startup_seconds
    rows = []
    try:
        for p in books:
            t = time.perf_counter()
            res, how = engine.recalc(p)
            t_engine = time.perf_counter() - t
            rep = checker.check(p, res.values)
            rows.append({"file": p.name, "engine_s": t_engine, "path": how, **{f"{k}_s": v for k, v in rep.timings.items()},
                         "compared": len(rep.compared), "differences": len(rep.differences), "canary": rep.canary})
    finally:
        t = time.perf_counter()
        checker.close()
        close_s = time.perf_counter() - t

    first, warm = rows[0], rows[1:] or rows
    lo_warm = _stats([r["libreoffice_s"] for r in warm])
    xc_warm = _stats([r["total_s"] for r in warm])
    eng = _stats([r["engine_s"] for r in rows])
    diffs = sum(r["differences"] for r in rows)
    cells = sum(r["compared"] for r in rows)
    parts = {k: statistics.median(r[f"{k}_s"] for r in warm) for k in ("prepare", "load", "recalc", "compare")}
    print("=" * 96)
    print(f"copy opened by LibreOffice: {args.copy}")
    print(f"{len(rows)} workbooks through ONE LibreOffice; {cells} formula cells compared, {diffs} differences; "
          f"canary 2 in {sum(r['canary'] == 2 for r in rows)}/{len(rows)}")
    print(f"setup: extension build + install + soffice start {setup_s:.2f} s (start-up to UNO {startup_s:.2f} s); "
          f"engine compile {compile_s:.2f} s; soffice shutdown {close_s:.2f} s")
    print(f"first workbook (cold add-in): LibreOffice {first['libreoffice_s']:.3f} s, engine {first['engine_s']:.3f} s")
    print(f"{'per workbook (warm)':<34}{'median':>10}{'mean':>10}{'p90':>10}{'max':>10}")
    for label, s in (("LibreOffice (load+recalc+read)", lo_warm), ("cross-check total (+copy)", xc_warm),
                     ("headless engine (same run)", eng)):
        print(f"{label:<34}{s['median_s']:>10.3f}{s['mean_s']:>10.3f}{s['p90_s']:>10.3f}{s['max_s']:>10.3f}")
    print("LibreOffice median parts: " + ", ".join(f"{k} {v * 1000:.0f} ms" for k, v in parts.items()))
    met = lo_warm["median_s"] <= TARGET_LO_WARM_S
    print(f"target: LibreOffice ≤ {TARGET_LO_WARM_S:.1f} s per workbook warm — median {lo_warm['median_s']:.3f} s: "
          f"{'MET' if met else 'NOT MET'}")
    busy = load_before[0] > 1.0
    if busy:
        print(f"NOTE: load average {load_before[0]:.2f} before the run: other processes shared the 2 cores; "
              "wall-clock figures are inflated.")

    try:
        commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                                text=True).stdout.strip()
        version = subprocess.run(["soffice", "--version"], capture_output=True, text=True, timeout=60).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        commit = version = ""
    figures = {
        "format": "jidi-xl/bench-crosscheck@1",
        "when": datetime.now(timezone.utc).isoformat(timespec="seconds"), "git_commit": commit,
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "loadavg_before": load_before,
                    "libreoffice": version},
        "parameters": {"n": len(rows), "firms": args.firms, "seed": args.seed, "copy": args.copy},
        "setup_s": setup_s, "soffice_startup_s": startup_s, "engine_compile_s": compile_s, "soffice_close_s": close_s,
        "first_workbook": {"libreoffice_s": first["libreoffice_s"], "engine_s": first["engine_s"]},
        "libreoffice_warm": lo_warm, "crosscheck_total_warm": xc_warm, "engine": eng, "libreoffice_parts_median_s": parts,
        "cells_compared": cells, "differences": diffs,
        "target": {"libreoffice_warm_s_max": TARGET_LO_WARM_S, "verdict": "MET" if met else "NOT MET"},
        "machine_busy_on_entry": busy,
    }
    results = {}
    if args.results.exists():
        try:
            results = json.loads(args.results.read_text(encoding="utf-8"))
        except ValueError:
            results = {}
    results["crosscheck"] = figures                # merged: the batch benchmark's figures are kept
    args.results.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"figures merged into {args.results} (key \"crosscheck\")")
    return 0 if diffs == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
