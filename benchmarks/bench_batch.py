#!/usr/bin/env python3
"""Benchmark of ``jidi-xl batch`` on N filled standard workbooks, against the direct-Python floor,
a cold ``jidi-xl recalc`` and LibreOffice cold conversions. See ``benchmarks/README.md``.

    python benchmarks/bench_batch.py [--n 500] [--firms 150] [--lo-sample 20] [--workdir benchmarks/_work]

Phases (each measured phase runs in its own fresh Python process, so that memory peaks and timings of
one phase never leak into another):

1. generate  N workbooks (seeded, deterministic, varied cases) into ``<workdir>/books`` — not timed as
             part of anything else; skipped when ``<workdir>/books`` already holds the same generation
             (same N, firms, seed, generator version and template bytes) unless ``--regenerate``
             (``bench_books.py``: the cases come from :func:`jidi_xl.synth.bench_case`);
2. batch     ``run_batch(books, summary, jobs=2)``;
3. floor     direct Python on one core: ``read_case`` → ``parse_case`` → ``evaluate_case`` →
             ``expected_outputs`` → ``write_cached_values`` into a copy, for every file;
4. cold      ``jidi-xl recalc ONE.xlsx -o OUT.xlsx`` as a fresh process, median of 5 (``COLD_RUNS``);
5. lo        the same ONE.xlsx, then ``--lo-sample`` files, each through a fresh ``soffice --headless
             --convert-to xlsx`` with a forced-recalculation profile (``jidi_xl.engine.libreoffice.make_profile``).

Figures are printed, compared with the targets and written to ``benchmarks/results.json``. The measuring
helpers (CPU seconds, sampled PSS, the machine's description) are in ``measure.py``.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench_books import DEFAULT_SEED, GENERATOR_VERSION, JOBS, make_case, phase_generate  # noqa: E402, F401
from measure import _cpu_seconds, _machine, _quantile, _TreeSampler  # noqa: E402, F401

COLD_RUNS = 5                          # fresh processes of the cold recalc (and LibreOffice conversions of its file)

TARGETS = {
    "batch_seconds_max": 60.0,         # 500 workbooks ≤ 60 s …
    "batch_seconds_aim": 20.0,         # … aim 20 s
    "batch_over_floor_max": 2.0,       # batch ≤ 2 × the direct-Python floor (2-core equivalent; issue 12)
    "lo_over_batch_min": 10.0,         # per workbook ≥ 10 × faster than LibreOffice cold
    "lo_over_cold_recalc_min": 3.0,    # a cold recalc ≥ 3 × faster than a cold LibreOffice conversion of the same file
    "peak_rss_mb_max": 500.0,          # parent or any worker
}


# ================================================================================================
# 2. batch
# ================================================================================================

def phase_batch(args) -> dict:
    from jidi_xl.report.batch import run_batch

    books = Path(args.workdir) / "books"
    summary = Path(args.workdir) / "batch" / "summary.xlsx"
    if summary.parent.exists():
        shutil.rmtree(summary.parent)
    summary.parent.mkdir(parents=True)
    sampler = _TreeSampler()
    sampler.start()
    load0, cpu0 = os.getloadavg(), _cpu_seconds()
    t0 = time.perf_counter()
    res = run_batch(books, summary, jobs=JOBS, progress=False)
    wall = time.perf_counter() - t0
    from jidi_xl.report import batch as _batch
    template_from = getattr(_batch._ENGINE, "compiled_from", "")        # "cache" or "built" (the parent's)
    cpu = _cpu_seconds() - cpu0
    sampler.stop.set()
    sampler.join()
    secs = sorted(o.seconds for o in res.outcomes)
    paths: dict[str, int] = {}
    for o in res.outcomes:
        paths[o.path_taken or "(none)"] = paths.get(o.path_taken or "(none)", 0) + 1
    differing = [o for o in res.outcomes if o.evaluated and o.differences]
    flagged = [o for o in res.outcomes if o.input_errors]          # cells showing 输入错误：… (not failures)
    messages: dict[str, int] = {}
    for o in flagged:
        for line in o.input_errors:
            msg = line.split("：", 1)[-1]
            messages[msg] = messages.get(msg, 0) + 1
    verdicts: dict[str, int] = {}
    for r in res.rows:
        v = (r.verdict or "").split("：")[0].split("（")[0] or "(blank)"
        verdicts[v] = verdicts.get(v, 0) + 1
    return {
        "seconds": res.seconds, "wall_seconds_in_call": wall, "jobs": JOBS, "files": len(res.outcomes),
        "template_from": template_from,
        "cpu_seconds": cpu, "cpu_utilisation": cpu / (wall * JOBS), "loadavg_before": load0, "loadavg_after": os.getloadavg(),
        "per_workbook_median_s": statistics.median(secs) if secs else None,
        "per_workbook_p90_s": _quantile(secs, 0.9),
        "per_workbook_max_s": secs[-1] if secs else None,
        "paths": paths, "evaluated": len(res.rows), "failed": len(res.failures),
        "failures": [{"file": f.file, "reason": f.reason, "details": list(getattr(f, "details", []) or [])[:5]}
                     for f in res.failures],
        "with_differences": len(differing),
        "with_input_error_cells": len(flagged),
        "input_error_messages": dict(sorted(messages.items(), key=lambda kv: -kv[1])[:5]),
        "differences_sample": [{"file": Path(o.file).name, "first": [str(d) for d in o.differences[:3]]} for o in differing[:5]],
        "verdicts": dict(sorted(verdicts.items())),
        "peak_rss_mb_self": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "peak_rss_mb_children": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024,
        "peak_rss_mb_reported": res.peak_rss_mb,
        "peak_tree_pss_mb": sampler.peak_kb / 1024 or None,
    }


# ================================================================================================
# 3. the direct-Python floor
# ================================================================================================

def floor_one(p: Path, dst: Path) -> tuple[float, float, float]:
    """The floor's work for one file: read the inputs (one parse of the case, as the batch reads them),
    evaluate the rules, write their results as the cached values of a copy. Returns (read, evaluate, write)
    seconds."""
    from jidi_xl.engine import write_cached_values
    from jidi_xl.evaluate import evaluate_case
    from workbooks.expected import expected_outputs
    from workbooks.layout import default_layout
    from workbooks.reader import read_parsed_case

    L = default_layout()
    a = time.perf_counter()
    raw, case = read_parsed_case(p)
    b = time.perf_counter()
    report = evaluate_case(case)
    values = expected_outputs(raw, report, case)
    cells = {(L[name].sheet, L[name].ref): v for name, v in values.items()}
    c = time.perf_counter()
    write_cached_values(p, dst, cells)
    return b - a, c - b, time.perf_counter() - c


def phase_floor(args) -> dict:
    books = sorted((Path(args.workdir) / "books").glob("*.xlsx"))
    out = Path(args.workdir) / "floor"
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    per: list[float] = []
    parts = {"read": 0.0, "evaluate": 0.0, "write": 0.0}
    problems: list[str] = []
    load0, cpu0 = os.getloadavg(), _cpu_seconds()
    t0 = time.perf_counter()
    for p in books:
        try:
            r, e, w = floor_one(p, out / p.name)
        except Exception as exc:  # noqa: BLE001 — counted, reported
            problems.append(f"{p.name}: {type(exc).__name__}: {exc}"[:300])
            continue
        parts["read"] += r
        parts["evaluate"] += e
        parts["write"] += w
        per.append(r + e + w)
    total = time.perf_counter() - t0
    cpu = _cpu_seconds() - cpu0
    return {"seconds": total, "processes": 1, "files": len(books), "done": len(per), "cpu_seconds": cpu,
            "loadavg_before": load0, "loadavg_after": os.getloadavg(),
            "per_workbook_median_s": statistics.median(per) if per else None,
            "parts_seconds": parts, "problems": problems[:10], "problem_count": len(problems),
            "peak_rss_mb_self": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


# ================================================================================================
# 4. cold recalc, 5. LibreOffice cold
# ================================================================================================

def _jidi_cmds() -> dict[str, list[str]]:
    """How ``jidi-xl`` is started: the console script pip installed beside this interpreter ("direct"), and
    what ``jidi-xl`` on PATH resolves to when that is something else (e.g. a pyenv shim, a bash wrapper that
    adds its own start-up time). Without an installed script: ``python -m jidi_xl.cli``."""
    direct = Path(sys.executable).parent / "jidi-xl"
    on_path = shutil.which("jidi-xl")
    cmds: dict[str, list[str]] = {}
    cmds["direct"] = [str(direct)] if direct.exists() else [sys.executable, "-m", "jidi_xl.cli"]
    if on_path and Path(on_path).resolve() != direct.resolve():
        cmds["path"] = [on_path]
    return cmds


def phase_cold(args, books: list[Path]) -> dict:
    one = books[len(books) // 2]
    out = Path(args.workdir) / "cold"
    out.mkdir(parents=True, exist_ok=True)
    cmds = _jidi_cmds()
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]).rstrip(os.pathsep)}
    # An installed program has its bytecode (pip byte-compiles a wheel's modules as it installs them); a checkout
    # run under PYTHONDONTWRITEBYTECODE=1 (as this machine's sessions are) never writes any, so each cold process
    # would compile the package's ≈100 modules again (measured: +0.35–0.45 s CPU of a ≈1.3 s recalc). Compiled
    # once here, as pip would; the figure is the installed program's.
    import compileall

    compiled = all(compileall.compile_dir(str(ROOT / pkg), quiet=1) for pkg in ("jidi_xl", "udfs", "workbooks"))
    timings: dict[str, list[float]] = {}
    cpu: dict[str, list[float]] = {}
    stdout = ""
    for how, cmd in cmds.items():
        timings[how], cpu[how] = [], []
        for k in range(COLD_RUNS):
            dst = out / f"{how}{k}.xlsx"
            dst.unlink(missing_ok=True)
            r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
            t0 = time.perf_counter()
            proc = subprocess.run(cmd + ["recalc", str(one), "-o", str(dst)], cwd=ROOT, env=env, capture_output=True,
                                  text=True)
            timings[how].append(time.perf_counter() - t0)
            r1 = resource.getrusage(resource.RUSAGE_CHILDREN)      # the command and the helper it forks and reaps
            cpu[how].append(r1.ru_utime + r1.ru_stime - r0.ru_utime - r0.ru_stime)
            stdout = (proc.stdout + proc.stderr).strip()
            if proc.returncode not in (0, 1) or not dst.exists():
                raise SystemExit(f"jidi-xl recalc failed (rc={proc.returncode}):\n{stdout}")
    runs = timings["direct"]
    # where the time goes: fresh processes run exactly the CLI command in-process. "time": interpreter start,
    # ``import jidi_xl.cli``, the command (its lazy imports, engine, recalc, write), then a normal exit; "hard":
    # the same but leaving with os._exit (no interpreter teardown); "profile": a cProfile of the command.
    probe = f"""
import time, sys, os, json
t0 = time.perf_counter()
import jidi_xl.cli as cli
t1 = time.perf_counter()
def run():
    try:
        cli.main(["recalc", {str(one)!r}, "-o", {str(out / 'probe.xlsx')!r}], standalone_mode=False)
    except SystemExit:
        pass
mode = sys.argv[1]
if mode == "console":
    # the console script's path (jidi_xl.cli.entry): the collector off, the fast exit, the reading of the inputs
    # in a forked helper beside the recalculation; timed at the os._exit that ends it
    import gc, resource
    gc.disable()
    cli._FAST_EXIT = True
    real_exit = os._exit
    def done(code):
        t2 = time.perf_counter()
        me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
        print(json.dumps({{"import_cli": t1 - t0, "command": t2 - t1, "cpu_self": me.ru_utime + me.ru_stime,
                          "cpu_helper": kids.ru_utime + kids.ru_stime}}), flush=True)
        real_exit(0)
    os._exit = done
    run()
if mode in ("time", "hard"):
    run()
    t2 = time.perf_counter()
    print(json.dumps({{"import_cli": t1 - t0, "command": t2 - t1}}), flush=True)
    if mode == "hard":
        os._exit(0)
    sys.exit(0)
import cProfile, pstats
pr = cProfile.Profile()
pr.enable(); run(); pr.disable()
st = pstats.Stats(pr).stats
total = max(v[3] for v in st.values())
rows = []
for (fn, line, name), (cc, nc, tt, ct, callers) in st.items():
    if ct < 0.05 * total or name in ("run", "<module>", "exec") or "click" in fn or fn.endswith("cli.py"):
        continue
    if fn.startswith("~") or ("/lib/python" in fn and "site-packages" not in fn):
        continue                                   # builtins and the standard library: wrappers, not causes
    short = fn.split("site-packages/")[-1] if "site-packages/" in fn else os.path.relpath(fn, {str(ROOT)!r}) if fn.startswith("/") else fn
    rows.append((round(ct / total, 3), f"{{short}}:{{line}}({{name}})"))
rows.sort(reverse=True)
print(json.dumps(rows[:15]))
"""

    def probe_run(mode: str) -> tuple[float, Any]:
        t0 = time.perf_counter()
        proc = subprocess.run([sys.executable, "-c", probe, mode], cwd=ROOT, env=env, capture_output=True, text=True)
        wall = time.perf_counter() - t0
        if proc.returncode != 0 or not proc.stdout.strip():
            raise RuntimeError((proc.stdout + proc.stderr)[-2000:])
        return wall, json.loads(proc.stdout.strip().splitlines()[-1])

    try:
        starts = []
        for _ in range(3):
            t0 = time.perf_counter()
            subprocess.run([sys.executable, "-c", "pass"], cwd=ROOT, env=env)
            starts.append(time.perf_counter() - t0)
        timed = [probe_run("time") for _ in range(3)]
        hard = [probe_run("hard") for _ in range(3)]
        console = [probe_run("console") for _ in range(3)]
        _, top = probe_run("profile")
        med = statistics.median
        breakdown = {
            "bare_interpreter_start_s": med(starts),
            "import_cli_s": med(d["import_cli"] for _, d in timed),
            "command_s": med(d["command"] for _, d in timed),
            "teardown_s": max(0.0, med(w for w, _ in timed) - med(w for w, _ in hard)),
            "probe_wall_s": med(w for w, _ in timed), "probe_wall_without_teardown_s": med(w for w, _ in hard),
            # the console script's path: the command's wall, the process's own CPU (interpreter start included)
            # and its helper's (jidi_xl.cli._Beside)
            "console_command_s": med(d["command"] for _, d in console),
            "console_cpu_self_s": med(d["cpu_self"] for _, d in console),
            "console_cpu_helper_s": med(d["cpu_helper"] for _, d in console),
            "profile_top_share_of_command": top,
        }
    except RuntimeError as exc:
        breakdown = {"probe_failed": str(exc)}
    return {"command": " ".join(cmds["direct"]).replace(str(Path(sys.executable).parent) + os.sep, "") +
                       " recalc ONE.xlsx -o OUT.xlsx",
            "file": one.name, "runs_s": runs, "median_s": statistics.median(runs),
            "cpu_runs_s": cpu["direct"], "cpu_median_s": statistics.median(cpu["direct"]), "bytecode_compiled": compiled,
            "via_path": ({"command": cmds["path"][0].replace(str(Path.home()), "~"), "runs_s": timings["path"],
                          "median_s": statistics.median(timings["path"])} if "path" in timings else None),
            "output": [line.replace(str(ROOT) + os.sep, "") for line in stdout.splitlines()[-1:]], "breakdown": breakdown}


def phase_lo(args, books: list[Path], one: Path | None = None) -> dict:
    """``one``: the cold recalc's file, also converted ``COLD_RUNS`` times (the same-file comparison)."""
    from jidi_xl.engine import libreoffice as lo

    exe = lo.soffice_path()
    if exe is None or args.lo_sample <= 0:
        return {"skipped": "LibreOffice not found" if exe is None else "--lo-sample 0"}
    lo.verify_forced_recalc()                     # the forced-recalc profile really recalculates (canary)
    step = max(1, len(books) // args.lo_sample)
    sample = books[::step][:args.lo_sample]
    work = Path(args.workdir) / "lo"
    if work.exists():
        shutil.rmtree(work)
    (work / "out").mkdir(parents=True)
    profile = lo.make_profile(work / "profile")
    env = {**os.environ}
    env.setdefault("HOME", str(work))

    def convert(src: Path) -> float:
        cmd = [exe, f"-env:UserInstallation={profile}", "--headless", "--invisible", "--norestore", "--nologo",
               "--nodefault", "--nolockcheck", "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir",
               str(work / "out"), str(src)]
        t0 = time.perf_counter()
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)
        dt = time.perf_counter() - t0
        if proc.returncode != 0 or not (work / "out" / src.name).exists():
            raise SystemExit(f"LibreOffice failed on {src.name} (rc={proc.returncode}): {proc.stdout}{proc.stderr}")
        (work / "out" / src.name).unlink()
        return dt

    first = convert(sample[0])                    # initialises the fresh profile: reported, not counted
    same = [convert(one) for _ in range(COLD_RUNS)] if one is not None else []
    runs = [convert(p) for p in sample]
    version = subprocess.run([exe, "--version"], capture_output=True, text=True).stdout.strip()
    return {"version": version, "files": len(runs), "profile_init_run_s": first, "runs_s": runs,
            "per_workbook_median_s": statistics.median(runs), "per_workbook_mean_s": statistics.fmean(runs),
            "same_file": one.name if one is not None else None, "same_file_runs_s": same,
            "same_file_median_s": statistics.median(same) if same else None}


# ================================================================================================
# driver
# ================================================================================================

def _in_subprocess(phase: str, args) -> dict:
    """Run one phase in a fresh interpreter (clean RSS accounting); returns its JSON result."""
    out = Path(args.workdir) / f"phase_{phase}.json"
    out.unlink(missing_ok=True)
    cmd = [sys.executable, str(Path(__file__).resolve()), "--phase", phase, "--n", str(args.n), "--firms", str(args.firms),
           "--seed", str(args.seed), "--workdir", str(args.workdir), "--phase-out", str(out)]
    if args.regenerate:
        cmd.append("--regenerate")
    proc = subprocess.run(cmd, cwd=ROOT)
    if proc.returncode != 0 or not out.exists():
        raise SystemExit(f"phase {phase} failed (rc={proc.returncode})")
    return json.loads(out.read_text(encoding="utf-8"))


def _fmt(x: float | None, unit: str = "s", nd: int = 3) -> str:
    return "—" if x is None else f"{x:.{nd}f} {unit}".rstrip()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=500, help="number of workbooks (default 500)")
    ap.add_argument("--firms", type=int, default=150, help="resident firms per workbook (default 150)")
    ap.add_argument("--lo-sample", type=int, default=20, help="workbooks converted by LibreOffice cold (default 20; 0 = skip)")
    ap.add_argument("--workdir", type=Path, default=ROOT / "benchmarks" / "_work")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--regenerate", action="store_true", help="regenerate the workbooks even if the workdir has them")
    ap.add_argument("--results", type=Path, default=ROOT / "benchmarks" / "results.json",
                    help="where to write the figures (default benchmarks/results.json)")
    ap.add_argument("--phase", choices=["generate", "batch", "floor"], help=argparse.SUPPRESS)
    ap.add_argument("--phase-out", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    args.workdir = args.workdir.resolve()
    args.workdir.mkdir(parents=True, exist_ok=True)

    if args.phase:
        res = {"generate": phase_generate, "batch": phase_batch, "floor": phase_floor}[args.phase](args)
        args.phase_out.write_text(json.dumps(res, ensure_ascii=False, indent=1), encoding="utf-8")
        return 0

    T = time.perf_counter()
    machine = _machine()
    print(f"jidi-xl batch benchmark — N={args.n}, firms={args.firms}, workdir={args.workdir}")
    print(f"machine: {machine['nproc']} CPUs ({machine['cpu']}), Python {machine['python']}, {machine['date']}, "
          f"commit {machine['git_commit']}\n")

    print("[1/5] generating workbooks …", flush=True)
    gen = _in_subprocess("generate", args)
    print(f"      {gen['files']} workbooks, {gen['bytes_total'] / 1e6:.1f} MB, "
          + ("reused from an identical earlier generation" if gen.get("reused") else "")
          + f" generation {gen['seconds']:.1f} s on {gen['processes']} processes "
            f"(median {gen['per_workbook_median_s'] * 1000:.0f} ms/workbook; not part of any figure below)")
    print(f"      kinds: {gen['kinds']}")
    books = sorted((args.workdir / "books").glob("*.xlsx"))

    print("[2/5] batch (run_batch, 2 workers) …", flush=True)
    # The compiled template is kept in the user's cache folder and rebuilt only when the program, the template or the
    # rule-set changed (the first run after an install or an upgrade: ≈7 s in the batch's parent). The figures are
    # those of every later run: the cache is made current first, in a process of its own, and not timed.
    warm = subprocess.run([sys.executable, "-c", "from jidi_xl.pipeline.standard import StandardEngine; "
                           "e = StandardEngine(); e._compiled_template(); print(e.compiled_from)"],
                          cwd=ROOT, capture_output=True, text=True)
    print(f"      compiled template before the batch (not timed): {warm.stdout.strip() or warm.stderr.strip()[-200:]}")
    b = _in_subprocess("batch", args)
    print(f"      total {b['seconds']:.2f} s for {b['files']} workbooks; per workbook median {_fmt(b['per_workbook_median_s'])}, "
          f"p90 {_fmt(b['per_workbook_p90_s'])}, max {_fmt(b['per_workbook_max_s'])}; compiled template from: "
          f"{b.get('template_from') or '?'}")
    print(f"      paths: {b['paths']}; evaluated {b['evaluated']}, failed {b['failed']}; "
          f"rows differing from the rules engine: {b['with_differences']}")
    for f in b["failures"]:
        print(f"      ✘ {f['file']}: {f['reason']}")
        for d in f["details"]:
            print(f"          {d}")
    for d in b["differences_sample"]:
        print(f"      ≠ {d['file']}: {d['first']}")
    if b["with_input_error_cells"]:
        print(f"      {b['with_input_error_cells']} workbooks show 输入错误 cells (evaluated, not failures); most frequent:")
        for msg, k in b["input_error_messages"].items():
            print(f"          {k} × {msg}")
    print(f"      verdicts: {b['verdicts']}")
    print(f"      CPU {b['cpu_seconds']:.1f} s (parent + workers) = {b['cpu_utilisation'] * 100:.0f}% of 2 cores × wall; "
          f"load average before {b['loadavg_before'][0]:.2f}, after {b['loadavg_after'][0]:.2f}")
    peak = max(b["peak_rss_mb_self"], b["peak_rss_mb_children"])
    print(f"      peak RSS: parent {b['peak_rss_mb_self']:.0f} MB, largest worker {b['peak_rss_mb_children']:.0f} MB "
          f"(combined PSS of parent + workers, sampled: {_fmt(b['peak_tree_pss_mb'], 'MB', 0)})")

    print("[3/5] direct-Python floor (one process, one core) …", flush=True)
    fl = _in_subprocess("floor", args)
    floor2 = fl["seconds"] / JOBS
    print(f"      total {fl['seconds']:.2f} s single-process for {fl['done']}/{fl['files']} workbooks; per workbook median "
          f"{_fmt(fl['per_workbook_median_s'])} (read {fl['parts_seconds']['read']:.1f} s, evaluate "
          f"{fl['parts_seconds']['evaluate']:.1f} s, write {fl['parts_seconds']['write']:.1f} s)")
    print(f"      CPU {fl['cpu_seconds']:.1f} s; load average before {fl['loadavg_before'][0]:.2f}, "
          f"after {fl['loadavg_after'][0]:.2f}")
    for p in fl["problems"]:
        print(f"      ✘ {p}")
    ratio1 = b["seconds"] / fl["seconds"]
    ratio2 = b["seconds"] / floor2
    print(f"      batch/floor = {ratio1:.2f} (floor single-process, 1 core); floor/2 = {floor2:.2f} s "
          f"(2-core equivalent) → batch/(floor/2) = {ratio2:.2f}")

    print(f"[4/5] cold recalc of one workbook (fresh process, median of {COLD_RUNS}) …", flush=True)
    cold = phase_cold(args, books)
    print(f"      {cold['command']} [{cold['file']}]: runs {', '.join(f'{x:.2f}' for x in cold['runs_s'])} s → "
          f"median {cold['median_s']:.2f} s; CPU (user+sys, the command and its helper) median "
          f"{cold['cpu_median_s']:.2f} s")
    if cold["via_path"]:
        vp = cold["via_path"]
        print(f"      (`jidi-xl` on PATH is {vp['command']}: median {vp['median_s']:.2f} s — the difference is that "
              f"wrapper's start-up, not jidi-xl's)")
    bd = cold["breakdown"] or {}
    if "command_s" in bd:
        print(f"      breakdown (separate probes, medians of 3): bare interpreter start {bd['bare_interpreter_start_s']:.2f} s, "
              f"import jidi_xl.cli {bd['import_cli_s']:.2f} s, the recalc command {bd['command_s']:.2f} s, "
              f"interpreter teardown at exit {bd['teardown_s']:.2f} s")
        print(f"      the console script's path (gc off, fast exit, inputs read back in a helper process): the command "
              f"{bd['console_command_s']:.2f} s; CPU of the process {bd['console_cpu_self_s']:.2f} s (interpreter "
              f"start included), of its helper {bd['console_cpu_helper_s']:.2f} s")
        print("      cProfile of the command (share of its time):")
        for share, where in bd["profile_top_share_of_command"][:8]:
            print(f"          {share * 100:5.1f}%  {where}")
    elif bd:
        print(f"      breakdown probe failed: {bd.get('probe_failed', '')[-300:]}")

    print(f"[5/5] LibreOffice cold ({args.lo_sample} workbooks, fresh soffice per file) …", flush=True)
    lo = phase_lo(args, books, books[len(books) // 2])      # the cold recalc's file first (phase_cold)
    batch_per = b["seconds"] / b["files"]
    lo_ratio = cold_ratio = None
    if "skipped" in lo:
        print(f"      skipped: {lo['skipped']}")
    else:
        lo_ratio = lo["per_workbook_median_s"] / batch_per
        print(f"      {lo['version']}: profile initialisation run {lo['profile_init_run_s']:.2f} s (not counted); "
              f"per workbook median {lo['per_workbook_median_s']:.2f} s (mean {lo['per_workbook_mean_s']:.2f} s)")
        print(f"      batch per workbook = {b['seconds']:.2f} s ÷ {b['files']} = {batch_per * 1000:.1f} ms → "
              f"LibreOffice / batch = {lo_ratio:.1f}×")
        cold_ratio = lo["same_file_median_s"] / cold["median_s"]
        print(f"      the cold recalc's file {lo['same_file']}: LibreOffice runs "
              f"{', '.join(f'{x:.2f}' for x in lo['same_file_runs_s'])} s → median {lo['same_file_median_s']:.2f} s; "
              f"LibreOffice cold / jidi-xl recalc cold = {cold_ratio:.2f}×")

    scale = 500 / args.n
    t = TARGETS
    rows = [
        ("500 workbooks ≤ 60 s (aim 20 s)", f"{b['seconds']:.1f} s" + (f" (×{scale:.3g} → {b['seconds'] * scale:.1f} s)" if args.n != 500 else ""),
         b["seconds"] * scale <= t["batch_seconds_max"],
         "aim met" if b["seconds"] * scale <= t["batch_seconds_aim"] else "aim not met"),
        ("batch ≤ 2× floor (2-core floor = floor/2)", f"{ratio2:.2f}× (vs 1-core floor {ratio1:.2f}×)",
         ratio2 <= t["batch_over_floor_max"], ""),
        ("per workbook ≥ 10× faster than LibreOffice cold", "—" if lo_ratio is None else f"{lo_ratio:.1f}×",
         None if lo_ratio is None else lo_ratio >= t["lo_over_batch_min"], ""),
        ("cold recalc ≥ 3× faster than LibreOffice cold",
         f"{cold['median_s']:.2f} s vs " + ("—" if cold_ratio is None else f"{lo['same_file_median_s']:.2f} s = {cold_ratio:.2f}×"),
         None if cold_ratio is None else cold_ratio >= t["lo_over_cold_recalc_min"], "same file, medians of 5"),
        ("peak RSS ≤ 500 MB", f"{peak:.0f} MB (parent {b['peak_rss_mb_self']:.0f}, worker {b['peak_rss_mb_children']:.0f})",
         peak <= t["peak_rss_mb_max"], ""),
        ("0 failures", f"{b['failed']} failed, {b['evaluated']} evaluated", b["failed"] == 0, ""),
    ]
    print("\n" + "=" * 100)
    print(f"{'target':<48} {'measured':<40} result")
    print("-" * 100)
    for name, measured, ok, note in rows:
        verdict = "n/a" if ok is None else ("MET" if ok else "NOT MET")
        print(f"{name:<48} {measured:<40} {verdict}{'  (' + note + ')' if note else ''}")
    print("=" * 100)
    # busy: another process took CPU from a measured phase. The batch should keep both cores busy (≈ 95 %+ of
    # 2 × wall; the template compile before the fork is serial) and the floor one core (CPU ≈ wall). The load
    # average alone misleads: after the batch it is ≈ 2 from the batch itself.
    busy = (b["loadavg_before"][0] > 1.0 or fl["cpu_seconds"] < 0.9 * fl["seconds"]
            or (b["files"] >= 100 and b["cpu_utilisation"] < 0.85))      # (a small N is mostly the serial compile)
    if busy:
        print("NOTE: other processes took CPU during a measured phase (batch CPU < 85 % of 2 cores × wall, floor CPU "
              "< 90 % of wall, or load average > 1 before the batch): wall-clock figures are inflated; compare the "
              "CPU seconds, or rerun on an idle machine.")
    end_state = _machine()
    end_commit = end_state["git_commit"]
    if end_state["code_state"] != machine["code_state"]:
        print(f"NOTE: the repository changed during the run (commit {machine['git_commit']} → {end_commit}, or uncommitted "
              "edits of jidi_xl/, udfs/, workbooks/); "
              "rerun for figures of one commit.")
    print(f"benchmark wall time {time.perf_counter() - T:.0f} s")

    results = {
        "format": "jidi-xl/bench-batch@1", "machine": machine,
        "parameters": {"n": args.n, "firms": args.firms, "lo_sample": args.lo_sample, "seed": args.seed, "jobs": JOBS,
                       "generator_version": GENERATOR_VERSION},
        "generation": gen, "batch": b, "floor": {**fl, "seconds_2core_equivalent": floor2,
                                                   "batch_over_floor_1core": ratio1, "batch_over_floor_2core": ratio2},
        "cold_recalc": {**cold, "lo_same_file_over_cold": cold_ratio},
        "libreoffice": {**lo, "batch_per_workbook_s": batch_per, "lo_over_batch": lo_ratio},
        "targets": t, "machine_busy_on_entry": busy, "git_commit_at_end": end_commit,
        "verdicts": {name: (None if ok is None else ("MET" if ok else "NOT MET")) for name, _, ok, _ in rows},
    }
    args.results.parent.mkdir(parents=True, exist_ok=True)
    if args.results.exists():               # other benchmarks' keys (bench_crosscheck.py's "crosscheck") are kept
        try:
            old = json.loads(args.results.read_text(encoding="utf-8"))
            results = {**{k: v for k, v in old.items() if k not in results}, **results}
        except ValueError:
            pass
    args.results.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"figures written to {args.results}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
