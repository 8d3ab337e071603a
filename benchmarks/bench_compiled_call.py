#!/usr/bin/env python3
"""CPU of the compiled standard template's call per workbook: ``CompiledTemplate.__call__`` on the input blocks of
filled 150-firm workbooks, under ``udfs.context.using(ruleset)``, as the batch worker makes it. See
``benchmarks/README.md`` ("The compiled call, session 16").

    python benchmarks/bench_compiled_call.py [--k 30] [--books DIR] [--cells] [--save F | --compare F]

The template is compiled (or read from the cache) first and the heap frozen (``gc.freeze()``) as the batch's
parent does; the blocks of each book are read before the clock starts (and frozen too: see below). Printed: the median, min and max CPU
(``time.process_time``) of the call over the K books; with ``--cells``, where the time of one call goes (each
flat formula cell timed, grouped by sheet and by the kind of its formula, plus the call outside the cells).
``--save F`` writes every output cell's value of each book to F (a pickle); ``--compare F`` checks the values
of this run against such a file cell for cell (exit 1 on any difference) — to tell that a speed-up changed
no value.
"""
from __future__ import annotations

import argparse
import collections
import gc
import pickle
import re
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def _kind(formula: str) -> str:
    """A formula's family for the per-cell report: its first function (JIDI_ART6_5, COUNTIF, IF…), or 'other'."""
    m = re.match(r"=?\s*([A-Z_][A-Z0-9_.]*)\(", formula or "")
    return m.group(1) if m else "other"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--k", type=int, default=30, help="workbooks timed (default 30)")
    ap.add_argument("--books", type=Path, default=Path("/work/bench12/books"),
                    help="folder of filled copies of the standard template (bench_batch.py's <workdir>/books)")
    ap.add_argument("--cells", action="store_true", help="also time every formula cell of one call")
    ap.add_argument("--save", type=Path, help="write the output values of every book to this pickle")
    ap.add_argument("--compare", type=Path, help="compare the output values with this pickle (exit 1 if any differ)")
    ap.add_argument("--repeat", type=int, default=1, help="calls timed per book (the median is over all)")
    args = ap.parse_args(argv)
    books = sorted(args.books.glob("*.xlsx"))
    if not books:
        raise SystemExit(f"no workbooks in {args.books}")
    step = max(1, len(books) // args.k)
    sample = books[::step][:args.k]

    from jidi_xl.engine import compiled
    from jidi_xl.pipeline.standard import StandardEngine
    from udfs.context import using

    engine = StandardEngine()
    tpl = engine._compiled_template()
    gc.collect()
    gc.freeze()
    blocks = []
    for p in sample:
        eng, book = engine._route(p)
        assert eng is engine, p
        book = engine._open(p, book)
        assert book.fingerprint(engine._input_cells) == engine._template_fp, f"{p.name}: not a clean copy"
        blocks.append([book.block(r) for r in engine._input_rects])
    # the K books' blocks are frozen too: a worker holds one book, this loop holds K, and a full collection walking
    # K × 20,000 cells of blocks (≈200 ms each time it ran) would be the harness's cost, not the call's
    gc.collect()
    gc.freeze()
    rs = engine.ruleset
    with using(rs):                                # warm: the flat plan, lazy imports
        tpl(blocks[0])

    cpu, best, values = [], [], []
    for b in blocks:
        mine = []
        for _ in range(args.repeat):
            a = time.process_time()
            with using(rs):
                res = tpl(b)
            mine.append(time.process_time() - a)
        cpu += mine
        best.append(min(mine))
        values.append(res.values)
        if res.udf_failures or res.missing:
            print(f"  ! failures {res.udf_failures[:2]} missing {res.missing[:2]}")
    med = statistics.median(cpu)
    print(f"compiled call, CPU per workbook over {len(sample)} books × {args.repeat}: median {med * 1000:.1f} ms "
          f"(min {min(cpu) * 1000:.1f}, max {max(cpu) * 1000:.1f}); {len(values[0])} output cells")
    if args.repeat > 1:      # on a shared machine the fastest of a book's calls is the least disturbed one
        print(f"  median over the books of each book's fastest call: {statistics.median(best) * 1000:.1f} ms")

    if args.cells:
        formula_of = {(fc.sheet, fc.cell): fc.text() for fc in tpl.outputs}
        spent: dict = collections.defaultdict(float)
        count: dict = collections.Counter()
        orig = compiled._FlatCell.__call__

        def timed(self, *a):
            t = time.perf_counter()
            try:
                return orig(self, *a)
            finally:
                spent[self.loc] += time.perf_counter() - t
                count[self.loc] += 1

        compiled._FlatCell.__call__ = timed            # type: ignore[method-assign]
        try:
            n = min(10, len(blocks))
            t = time.perf_counter()
            for b in blocks[:n]:
                with using(rs):
                    tpl(b)
            total = (time.perf_counter() - t) / n
        finally:
            compiled._FlatCell.__call__ = orig         # type: ignore[method-assign]
        groups: dict = collections.defaultdict(lambda: [0.0, 0])
        for loc, s in spent.items():
            g = groups[(loc[0], _kind(formula_of.get(loc, "")))]
            g[0] += s / n
            g[1] += count[loc] // n
        inside = sum(s for s in spent.values()) / n
        print(f"one call (wall, instrumented, mean of {n}): {total * 1000:.1f} ms; in the cells {inside * 1000:.1f} ms, "
              f"outside {(total - inside) * 1000:.1f} ms")
        for (sheet, kind), (s, c) in sorted(groups.items(), key=lambda kv: -kv[1][0]):
            print(f"  {s * 1000:6.2f} ms  {c:4d} cells  {sheet} {kind}")
        top = sorted(spent.items(), key=lambda kv: -kv[1])[:15]
        print("slowest cells:")
        for loc, s in top:
            print(f"  {s / n * 1000:6.2f} ms  {loc[0]}!{loc[1]}  ={formula_of.get(loc, '')[:90]}")

    if args.save:
        args.save.write_bytes(pickle.dumps([(p.name, v) for p, v in zip(sample, values)]))
        print(f"values written to {args.save}")
    if args.compare:
        ref = dict(pickle.loads(args.compare.read_bytes()))
        bad = 0
        for p, v in zip(sample, values):
            r = ref.get(p.name)
            if r is None:
                print(f"  ? {p.name}: not in {args.compare}")
                continue
            for k in sorted(set(r) | set(v)):
                if k not in r or k not in v or type(r[k]) is not type(v[k]) or r[k] != v[k]:
                    if bad < 20:
                        print(f"  ≠ {p.name} {k[0]}!{k[1]}: {r.get(k)!r} → {v.get(k)!r}")
                    bad += 1
        print(f"compared with {args.compare}: {bad} cell(s) differ")
        return 1 if bad else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
