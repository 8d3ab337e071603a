"""Measuring a benchmark run: the CPU seconds of this process and its children, the proportional set size of a
forked process tree sampled in the background, a nearest-rank quantile, and a description of the machine and
of the code measured (commit, uncommitted edits). Shared by the ``bench_*.py`` scripts."""
from __future__ import annotations

import hashlib
import os
import platform
import resource
import subprocess
import threading
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _pss_kb(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _children(pid: int) -> list[int]:
    out = []
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat") as fh:
                    fields = fh.read().rsplit(")", 1)[1].split()
                if int(fields[1]) == pid:
                    out.append(int(d))
            except (OSError, IndexError, ValueError):
                pass
    return out


class _TreeSampler(threading.Thread):
    """Samples the proportional set size (PSS: shared pages split between sharers) of this process and its
    children every 0.2 s — the real combined footprint of the forked batch, which ru_maxrss cannot give."""

    def __init__(self):
        super().__init__(daemon=True)
        self.peak_kb = 0
        self.stop = threading.Event()

    def run(self):
        me = os.getpid()
        while not self.stop.wait(0.2):
            total = _pss_kb(me) + sum(_pss_kb(c) for c in _children(me))
            self.peak_kb = max(self.peak_kb, total)


def _cpu_seconds() -> float:
    """User + system CPU seconds of this process and of its finished children."""
    a, b = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return a.ru_utime + a.ru_stime + b.ru_utime + b.ru_stime


def _quantile(sorted_values: list[float], q: float) -> float | None:
    """Nearest-rank quantile (p90 of 500 = the 450th value)."""
    if not sorted_values:
        return None
    k = max(0, min(len(sorted_values) - 1, -(-int(q * len(sorted_values) * 1000) // 1000) - 1))
    return sorted_values[k]


def _machine() -> dict:
    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                mem = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    dirty = bool(subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT, capture_output=True,
                                text=True).stdout.strip())
    diff = subprocess.run(["git", "diff", "HEAD", "--", "jidi_xl", "udfs", "workbooks"], cwd=ROOT, capture_output=True).stdout
    code_state = commit + ":" + hashlib.sha256(diff).hexdigest()[:12]
    return {"nproc": os.cpu_count(), "usable_cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
            "cpu": cpu, "memory_gb": mem, "python": platform.python_version(), "implementation": platform.python_implementation(),
            "platform": platform.platform(), "git_commit": commit + ("+dirty" if dirty else ""), "code_state": code_state,
            "date": datetime.now(timezone.utc).astimezone().isoformat(timespec="seconds")}
