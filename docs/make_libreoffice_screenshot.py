"""Screenshot of LibreOffice Calc's GUI with a sample workbook open and the jidi-xl extension installed.

``python docs/make_libreoffice_screenshot.py [SAMPLE.xlsx] [-o docs/libreoffice-results.png]`` starts Xvfb, a
private LibreOffice profile with the extension (``udfs.libreoffice``), opens the LibreOffice copy of the
sample (``libreoffice_copy``: its ``JIDI_`` calls bound to the add-in), shows its 评价结果 sheet, reads through
UNO that the toolbar entry 评价当前工作簿 is there and that the results sheet holds computed values (no
``#NAME?`` nor any other error value), and saves the screen as a PNG. ``tests/crosscheck/test_screenshot.py``
runs the same function. Needs the GUI build (``libreoffice-calc``), ``xvfb``, ``imagemagick`` and a CJK font
(``fonts-noto-cjk``): ``.ci/run`` installs them.
"""
from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEFAULT_SAMPLE = "01_general_track_pass.xlsx"
DEFAULT_PNG = ROOT / "docs" / "libreoffice-results.png"
RESULTS_SHEET = "评价结果"


@dataclass
class Shot:
    png: Path
    toolbar_items: list[tuple[str, str]] = field(default_factory=list)   # (label, toolbar) of our buttons
    results_cells: int = 0                      # formula cells of the results sheet
    results_errors: list[str] = field(default_factory=list)               # "评价结果!D8: #NAME?"
    verdict: str | None = None                  # out_recognition_verdict as LibreOffice computed it


def _toolbar_items(frame, extension_id: str) -> list[tuple[str, str]]:
    """(label, toolbar) of every button on a VISIBLE toolbar of the frame added by the extension, read from the
    layout manager and the toolbar window's accessibility tree (what is on screen; an add-on toolbar has no
    item settings to read)."""
    found = []
    lm = frame.LayoutManager
    for el in lm.getElements():
        url = el.ResourceURL
        if f"/toolbar/addon_{extension_id}" not in url or not lm.isElementVisible(url):
            continue
        ac = el.getRealInterface().getAccessibleContext()
        for i in range(ac.getAccessibleChildCount()):
            found.append((ac.getAccessibleChild(i).getAccessibleContext().getAccessibleName(), url))
    return found


def take(sample: Path, png: Path, *, settle: float = 3.0) -> Shot:
    from jidi_xl.pipeline.crosscheck import _built_extension
    from jidi_xl.engine import libreoffice as lo
    from jidi_xl.engine.uno_session import UnoSession, screenshot, virtual_display
    from udfs import libreoffice as ulo
    from workbooks.reader import defined_names

    work = Path(tempfile.mkdtemp(prefix="jidi_shot_"))
    try:
        book = ulo.libreoffice_copy(sample, work / sample.name)
        profile = work / "profile"
        lo.make_profile(profile)
        ulo.install_extension(_built_extension(), profile)
        with virtual_display() as display, UnoSession(profile, headless=False, env={"DISPLAY": display}) as s:
            doc = s.open(book, hidden=False)
            doc.frame.getContainerWindow().setPosSize(0, 0, 1600, 1000, 15)
            doc.activate_sheet(RESULTS_SHEET)
            doc.calculate_all()
            time.sleep(settle)                   # let the window paint
            shot = Shot(Path(png))
            shot.toolbar_items = _toolbar_items(doc.frame, ulo.EXTENSION_ID)
            cells = [c for c in doc.formula_cells() if c.sheet == RESULTS_SHEET]
            shot.results_cells = len(cells)
            shot.results_errors = [f"{c.sheet}!{c.address}: {c.value}" for c in cells if c.is_error]
            sheet, r1, c1, *_ = defined_names(sample)["out_recognition_verdict"]
            from jidi_xl.engine._ooxml import a1
            shot.verdict = doc.cell(sheet, a1(r1 + 1, c1 + 1)).value     # defined_names is 0-based
            Path(png).parent.mkdir(parents=True, exist_ok=True)
            screenshot(display, png)
            doc.close()
        return shot
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    from workbooks import SAMPLES_DIR

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("sample", nargs="?", type=Path, default=SAMPLES_DIR / DEFAULT_SAMPLE)
    ap.add_argument("-o", "--output", type=Path, default=DEFAULT_PNG)
    a = ap.parse_args(argv)
    shot = take(a.sample, a.output)
    print(f"{shot.png}: toolbar {shot.toolbar_items}, {shot.results_cells} result formulas, "
          f"errors {shot.results_errors or 'none'}, verdict {shot.verdict!r}")
    return 0 if shot.toolbar_items and not shot.results_errors else 1


if __name__ == "__main__":
    sys.exit(main())
