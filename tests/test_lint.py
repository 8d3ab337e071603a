"""ruff and mypy on the package, with the configuration of ``pyproject.toml`` ([tool.ruff], [tool.mypy]):
every file must be clean (the list of files still pending after issue 10's branches is empty and gone)."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ["jidi_xl", "udfs", "workbooks"]

def _run(args: list[str]) -> str:
    proc = subprocess.run([sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=600)
    return proc.stdout + proc.stderr


def _by_file(output: str, pattern: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for line in output.splitlines():
        m = re.match(pattern, line)
        if m:
            out.setdefault(m.group(1), []).append(line)
    return out


def _check(tool: str, found: dict[str, list[str]]) -> None:
    assert not found, f"{tool}:\n" + "\n".join(line for lines in found.values() for line in lines)


def test_ruff():
    pytest.importorskip("ruff")                    # pinned in the test extra
    out = _run(["ruff", "check", *PACKAGE, "--output-format", "concise", "--no-cache"])
    _check("ruff", _by_file(out, r"^([\w/.]+\.py):\d+:\d+: "))


@pytest.mark.slow
def test_mypy():
    """(≈30–60 s without a cache.)"""
    pytest.importorskip("mypy")
    out = _run(["mypy", "--no-incremental"])       # files and options: [tool.mypy]
    assert "error: " not in out or ": error:" in out, out[-2000:]      # a crash or a config error, not findings
    _check("mypy", _by_file(out, r"^([\w/.]+\.py):\d+: error: "))
