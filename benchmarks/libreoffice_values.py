"""Measure what LibreOffice hands a Python Calc add-in, per IDL argument type (prints a table).

    python3 benchmarks/libreoffice_values.py

Builds a probe extension with the real build (udfs/libreoffice/build.py) whose functions return the
``repr`` of their arguments (``PROBE_REQ``: a required argument, ``sequence< sequence< any > >``;
``PROBE_OPT``: an optional one, ``any``), installs it into a temporary profile, and calls them on
numbers, text, an empty cell, a date, a boolean, a range, an error value and an omitted argument.
The figures are recorded in docs/libreoffice-setup.md.
"""
from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from udfs.libreoffice.build import build_extension          # noqa: E402
from udfs.libreoffice.install import install_extension      # noqa: E402
from udfs.libreoffice.office import Office                  # noqa: E402
from udfs.registry import Arg, Udf                          # noqa: E402

PROBES = {
    "PROBE_REQ": Udf("PROBE_REQ", repr, "probe", "-", (Arg("x", "x"),), "repr"),
    "PROBE_RNG": Udf("PROBE_RNG", repr, "probe", "-", (Arg("x", "x", range=True),), "repr"),
    "PROBE_OPT": Udf("PROBE_OPT", repr, "probe", "-", (Arg("x", "x", optional=True),), "repr"),
    "PROBE_BOOL": Udf("PROBE_BOOL", repr, "probe", "-", (), "TRUE"),
}
CASES = [("number 4999.9", "A1", "4999.9"), ("integer 7", "A1", "7"), ("text", "A1", '="abc"'),
         ("empty cell", "A1", None), ("date 2024-03-01", "A1", "=DATE(2024;3;1)"), ("TRUE", "A1", "=TRUE()"),
         ("error #DIV/0!", "A1", "=1/0"), ("literal number", None, "5"), ("literal text", None, '"数据"')]


def main() -> None:
    with tempfile.TemporaryDirectory() as d:
        oxt = build_extension(Path(d) / "probe.oxt", registry=PROBES, target="benchmarks.libreoffice_probe")
        t = time.perf_counter()
        install_extension(oxt, Path(d) / "profile")
        print(f"install: {time.perf_counter() - t:.2f} s")
        with Office(Path(d) / "profile") as office:
            print(f"soffice start to UNO: {office.start_seconds:.2f} s")
            ops = [{"op": "new"}]
            for label, ref, content in CASES:
                if ref:
                    ops.append({"op": "set", "cell": "A1", "formula": content} if content else
                               {"op": "set", "cell": "A1"})
                arg = ref or content
                for fn in ("PROBE_REQ", "PROBE_RNG", "PROBE_OPT"):
                    ops.append({"op": "set", "cell": "C1", "formula": f"={fn}({arg})"})
            ops.append({"op": "set", "cell": "C1", "formula": "=PROBE_OPT()"})
            ops += [{"op": "set", "cell": "A1", "value": 1}, {"op": "set", "cell": "A2", "value": 2},
                    {"op": "set", "cell": "C1", "formula": "=PROBE_REQ(A1:B2)"},
                    {"op": "set", "cell": "C1", "formula": "=PROBE_OPT(A1:B2)"},
                    {"op": "set", "cell": "C1", "formula": "=PROBE_BOOL()"}]
            res = office.run(ops)[1:]
            i = 0
            for label, ref, content in CASES:
                if ref:
                    i += 1
                print(f"{label:18} cell: {res[i]!s:30} range: {res[i + 1]!s:24} optional: {res[i + 2]}")
                i += 3
            print(f"{'omitted':18} optional: {res[i]}")
            print(f"{'range A1:B2':18} cell: {res[i + 3]!s:30} optional: {res[i + 4]}")
            print(f"{'returns True':18} cell shows: {res[i + 5]!r}")


if __name__ == "__main__":
    main()
