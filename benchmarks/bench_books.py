#!/usr/bin/env python3
"""The benchmarks' workbooks: N filled standard workbooks written from the project's one case synthesiser
(:func:`jidi_xl.synth.bench_case`, seeded, deterministic) by the workbook generator — the data of
``bench_batch.py``, ``bench_crosscheck.py`` and ``bench_reports.py``; this module only writes files.

Skipped when ``<workdir>/books`` already holds the same generation (same N, firms, seed, generator version,
template and synthesiser bytes) unless ``--regenerate``.
"""
from __future__ import annotations

import hashlib
import json
import shutil
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

GENERATOR_VERSION = 1          # bump when the generated cases change
DEFAULT_SEED = 20220519        # the Measures' date of issue
JOBS = 2                       # the batch's worker count (the target machine has 2 cores)


def make_case(i: int, firms: int, seed: int = DEFAULT_SEED) -> dict:
    """One varied, valid case (format jidi-xl/case@1) with ``firms`` resident firms; deterministic in (i, firms, seed).
    Built by the project's one case synthesiser (:func:`jidi_xl.synth.bench_case`)."""
    from jidi_xl.synth import bench_case

    return bench_case(i, firms, seed)


def _gen_one(task: tuple[int, int, int, str]) -> tuple[str, float, str]:
    """Write one workbook; returns (file name, seconds, kind)."""
    i, firms, seed, outdir = task
    from jidi_xl.case import parse_case
    from workbooks.generate import case_cells, write_book

    t0 = time.perf_counter()
    raw = make_case(i, firms, seed)
    parse_case(raw, source=f"bench case {i}")                            # a generator bug surfaces here
    data = write_book(case_cells(raw), None, sample_of=f"{raw['case_id']}（{raw['base']['name']}）")
    name = f"{raw['case_id']}.xlsx"
    (Path(outdir) / name).write_bytes(data)
    kind = "both" if ("recognition" in raw and "evaluation" in raw) else "recognition" if "recognition" in raw else "evaluation"
    return name, time.perf_counter() - t0, kind + ("+gap" if "缺项" in raw["description"] else "")


def _generation_key(n: int, firms: int, seed: int) -> dict:
    from workbooks import TEMPLATE_PATH
    return {"generator_version": GENERATOR_VERSION, "n": n, "firms": firms, "seed": seed,
            "template_sha256": hashlib.sha256(TEMPLATE_PATH.read_bytes()).hexdigest(),
            "synth_sha256": hashlib.sha256((ROOT / "jidi_xl" / "synth.py").read_bytes()).hexdigest()}


def phase_generate(args) -> dict:
    import multiprocessing

    books = Path(args.workdir) / "books"
    manifest = Path(args.workdir) / "books.manifest.json"
    key = _generation_key(args.n, args.firms, args.seed)
    if not args.regenerate and manifest.exists() and books.is_dir():
        old = json.loads(manifest.read_text(encoding="utf-8"))
        if old.get("key") == key and len(list(books.glob("*.xlsx"))) == args.n:
            return {**old["result"], "reused": True}
    if books.exists():
        shutil.rmtree(books)
    books.mkdir(parents=True)
    t0 = time.perf_counter()
    tasks = [(i, args.firms, args.seed, str(books)) for i in range(1, args.n + 1)]
    with multiprocessing.get_context("fork").Pool(JOBS) as pool:
        done = pool.map(_gen_one, tasks, chunksize=8)
    kinds: dict[str, int] = {}
    for _, _, k in done:
        kinds[k] = kinds.get(k, 0) + 1
    result = {"seconds": time.perf_counter() - t0, "processes": JOBS, "files": len(done),
              "per_workbook_median_s": statistics.median(s for _, s, _ in done),
              "bytes_total": sum(p.stat().st_size for p in books.glob("*.xlsx")), "kinds": dict(sorted(kinds.items()))}
    manifest.write_text(json.dumps({"key": key, "result": result}, ensure_ascii=False, indent=1), encoding="utf-8")
    return {**result, "reused": False}
