"""LibreOffice's GUI under Xvfb, once: a sample open with the extension installed; the toolbar entry 评价当前工作簿
is there (read through UNO's layout manager), the results sheet holds computed values (no #NAME? nor any other
error value, read through UNO), and the screenshot is a real picture of the screen. ``docs/libreoffice-results.png``
is made by the same function (``python docs/make_libreoffice_screenshot.py``)."""
from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path

import pytest

from workbooks import SAMPLES_DIR

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(not all(shutil.which(x) for x in ("soffice", "Xvfb", "import")),
                                reason="needs LibreOffice's GUI build, xvfb and imagemagick (.ci/run installs them)")


def _maker():
    spec = importlib.util.spec_from_file_location("make_libreoffice_screenshot",
                                                  ROOT / "docs" / "make_libreoffice_screenshot.py")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod                 # its dataclasses look their module up
    spec.loader.exec_module(mod)
    return mod


def test_gui_shows_toolbar_and_computed_results(tmp_path):
    mod = _maker()
    png = tmp_path / "shot.png"
    shot = mod.take(SAMPLES_DIR / mod.DEFAULT_SAMPLE, png)
    assert shot.toolbar_items and all(label == "评价当前工作簿" for label, _ in shot.toolbar_items), shot.toolbar_items
    assert shot.results_cells > 0 and shot.results_errors == []
    assert shot.verdict == "符合认定条件（建议认定）"
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 50_000     # a painted screen, not a blank one
