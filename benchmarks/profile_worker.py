#!/usr/bin/env python3
"""Where a batch worker's time goes, per workbook: ``process_workbook`` (what ``_work`` runs for each file) under
cProfile on K of the benchmark's workbooks, the compiled template built first as the batch's parent builds it,
and the same K files through the direct-Python floor for comparison. See ``benchmarks/README.md``.

    python benchmarks/profile_worker.py [--k 20] [--workdir benchmarks/_work]

The workbooks are ``bench_batch.py``'s (``<workdir>/books``; run it, or its generation, first). Printed: CPU
seconds per workbook un-profiled (median of the K files, ``time.process_time``), then the share of each step in
the profiled time (cProfile's cumulative time of the step's function ÷ that of ``process_workbook``; cProfile
inflates everything, the shares are what count). Steps nest where said ("of which").
"""
from __future__ import annotations

import argparse
import cProfile
import gc
import pstats
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _steps() -> list[tuple[str, object]]:
    """(label, function) of every step measured; a label starting with "  " is part of the step above it."""
    import jsonschema
    from formulas.functions import xfilter

    from jidi_xl.case import parse_case
    from jidi_xl.engine import compiled, package, structure, xlsxwrite
    from jidi_xl.engine.graph import _collect
    from jidi_xl.evaluate import evaluate_case
    from jidi_xl.pipeline import standard
    from jidi_xl.report import check
    from udfs import registry, tables
    from workbooks import expected, reader

    safe = registry.REGISTRY["JIDI_ART6_1"].func        # every UDF's error-contract wrapper shares this code
    steps: list[tuple[str, object]] = [
        ("recalculate + write the copy (StandardEngine.recalc_to)", standard.StandardEngine.recalc_to),
        ("  package guard (check_package)", package.check_package),
        ("  read the book: formula XML scan + calamine (_Book)", standard._Book.__init__),
        ("  fingerprint", standard._Book.fingerprint),
        ("  structure check (compare)", structure.compare),
        ("  compiled template call", compiled.CompiledTemplate.__call__),
        ("    input arrays (_input_arrays + _node_values)", compiled.CompiledTemplate._input_arrays),
        ("    the JIDI_ UDFs (all calls)", safe),
        ("      roster conversion (udfs.tables.roster)", tables.roster),
        ("    COUNTIF (formulas xfilter)", xfilter),
        ("    collect the values (_collect)", _collect),
        ("  write the copy (write_cached_values)", xlsxwrite.write_cached_values),
        ("the book's rule-set (_book_layout)", check._book_layout),
        ("read the inputs back (read_parsed_case)", reader.read_parsed_case),
        ("  parse_case", parse_case),
        ("    JSON-schema validation (jsonschema iter_errors)", jsonschema.Draft202012Validator.iter_errors),
        ("rules engine (evaluate_case)", evaluate_case),
        ("expected outputs (expected_outputs)", expected.expected_outputs),
        ("the 重大变更 rows (_change_rows)", check._change_rows),
        ("compare the result cells (_compare)", check._compare),
    ]
    return steps


def _key(fn) -> tuple[str, int, str]:
    code = getattr(fn, "__code__", None) or fn.__wrapped__.__code__       # type: ignore[attr-defined]
    return code.co_filename, code.co_firstlineno, code.co_name


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--k", type=int, default=20, help="workbooks profiled (default 20)")
    ap.add_argument("--workdir", type=Path, default=ROOT / "benchmarks" / "_work")
    ap.add_argument("--top", type=int, default=0, help="also print the top N functions by own time")
    args = ap.parse_args(argv)
    books = sorted((args.workdir / "books").glob("*.xlsx"))
    if not books:
        raise SystemExit(f"no workbooks in {args.workdir / 'books'}: run benchmarks/bench_batch.py first")
    step = max(1, len(books) // args.k)
    sample = books[::step][:args.k]

    from jidi_xl.pipeline.standard import StandardEngine
    from jidi_xl.report.check import process_workbook

    t0 = time.process_time()
    engine = StandardEngine()
    engine._compiled_template()
    gc.collect()
    gc.freeze()                    # as run_batch does before forking its workers
    print(f"compiled template: {time.process_time() - t0:.2f} s CPU (once, in the batch's parent)")
    out = Path(tempfile.mkdtemp(prefix="jidi-profile-"))
    try:
        process_workbook(sample[0], out / "warm.xlsx", engine)          # first call: lazy imports, caches
        cpu = []
        for i, p in enumerate(sample):
            a = time.process_time()
            o = process_workbook(p, out / f"{i}.xlsx", engine)
            cpu.append(time.process_time() - a)
            if not o.evaluated or o.differences:
                print(f"  ! {p.name}: {o.problems[:2]} {[str(d) for d in o.differences[:2]]}")
        floor = []
        from bench_batch import floor_one                               # noqa: E402 — the floor's own steps
        for i, p in enumerate(sample):
            a = time.process_time()
            floor_one(p, out / f"floor{i}.xlsx")
            floor.append(time.process_time() - a)
        med, fmed = statistics.median(cpu), statistics.median(floor)
        print(f"CPU per workbook, un-profiled, median of {len(sample)}: worker {med * 1000:.1f} ms, "
              f"floor {fmed * 1000:.1f} ms → {med / fmed:.2f}× the floor")
        pr = cProfile.Profile()
        pr.enable()
        for i, p in enumerate(sample):
            process_workbook(p, out / f"p{i}.xlsx", engine)
        pr.disable()
    finally:
        shutil.rmtree(out, ignore_errors=True)
    st = pstats.Stats(pr).stats                                      # type: ignore[attr-defined]
    total = st[_key(process_workbook)][3]
    print(f"profiled: {total / len(sample) * 1000:.1f} ms per workbook in process_workbook (cProfile inflates)")
    print(f"{'step':<62} {'share':>7} {'ms/book':>8}")
    for label, fn in _steps():
        ct = st.get(_key(fn), (0, 0, 0, 0.0))[3]
        print(f"{label:<62} {ct / total * 100:6.1f}% {ct / len(sample) * 1000:8.1f}")
    if args.top:
        rows = sorted(st.items(), key=lambda kv: -kv[1][2])[:args.top]
        print("\ntop functions by own time:")
        for (fn, line, name), (_cc, nc, tt, ct, _) in rows:
            short = fn.split("site-packages/")[-1].replace(str(ROOT) + "/", "")
            print(f"  {tt / total * 100:5.1f}% own {ct / total * 100:5.1f}% cum {nc:7d}× {short}:{line}({name})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
