"""jidi-xl: the 2022 Beijing 小型微型企业创业创新示范基地 Measures as code (README.md)."""
from __future__ import annotations

import os
import sys
from pathlib import Path


def user_cache_dir() -> Path:
    """The program's folder in the user's cache: ``$XDG_CACHE_HOME/jidi-xl`` when set, else
    ``%LOCALAPPDATA%\\jidi-xl\\Cache`` on Windows and ``~/.cache/jidi-xl`` elsewhere (the XDG default; macOS
    tools keep to it too when run from a terminal). Not created here. What is kept there: the compiled template
    (:mod:`jidi_xl.engine.store`), the parsed parameter files (:mod:`jidi_xl.ruleset`), generated workbooks of
    the notices (:mod:`workbooks.limits`). Here, at the bottom of the layers, so that each of them can ask."""
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg:
        return Path(xdg) / "jidi-xl"
    if sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"]) / "jidi-xl" / "Cache"
    return Path.home() / ".cache" / "jidi-xl"
