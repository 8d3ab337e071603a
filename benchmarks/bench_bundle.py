"""Sizes and times of the offline bundles (issue 11): ``python benchmarks/bench_bundle.py [--cold]``.

Builds the Windows and the Linux bundle from the wheel cache (``--cold``: from an empty temporary cache, i.e.
downloading everything), then installs the Linux bundle into a fresh venv with install.sh (no index), and prints
the figures. Nothing is asserted: the tests (tests/setup) check correctness; this prints what it costs."""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from udfs.addin import bundle  # noqa: E402


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cold", action="store_true", help="start from an empty wheel cache (downloads ≈150 MB)")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        cache = tmp / "cache" if args.cold else None
        t0 = time.perf_counter()
        wheel = bundle.build_project_wheel(tmp / "dist")
        print(f"project wheel: {wheel.name}, {wheel.stat().st_size / 1e6:.2f} MB, {time.perf_counter() - t0:.1f} s")
        for key in ("windows", "linux"):
            log: list[str] = []
            m = bundle.make_bundle(key, tmp / key, cache, wheel, log)
            kinds = Counter(f["path"].split("/")[0] if "/" in f["path"] else "(top)" for f in m["files"])
            biggest = sorted((f for f in m["files"] if f["path"].startswith("wheelhouse/")),
                             key=lambda f: -f["bytes"])[:4]
            print(f"{key}: {len(m['files'])} files, {m['total_bytes'] / 1e6:.1f} MB, {m['seconds']:.1f} s, "
                  f"Python {', '.join(m['python_versions'])}; " + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())))
            print("   largest wheels: " + ", ".join(f"{Path(f['path']).name.split('-')[0]} {f['bytes'] / 1e6:.1f} MB"
                                                     for f in biggest))
            for line in log:
                print(f"   {line}")
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "PYTHON"))}
        env.update(JIDI_VENV=str(tmp / "venv"), JIDI_PYTHON=sys.executable, JIDI_NOPAUSE="1")
        t0 = time.perf_counter()
        r = subprocess.run(["sh", str(tmp / "linux" / "install.sh")], capture_output=True, text=True, env=env)
        print(f"linux install.sh (venv + pip --no-index + doctor + evaluate + check): exit {r.returncode}, "
              f"{time.perf_counter() - t0:.1f} s")
        if r.returncode:
            print(r.stdout[-2000:], r.stderr[-2000:])
    return 0


if __name__ == "__main__":
    sys.exit(main())
