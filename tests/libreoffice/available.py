"""Whether this machine can start LibreOffice with Debian's Python (what the extension's tests need)."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from udfs.libreoffice.build import LibreOfficeMissing, program_dir

try:
    program_dir()
    HAVE_LO = shutil.which("soffice") is not None and Path("/usr/bin/python3").exists()
except LibreOfficeMissing:
    HAVE_LO = False
#: ``from tests.libreoffice.available import pytestmark`` skips a module where LibreOffice is not installed.
pytestmark = pytest.mark.skipif(not HAVE_LO, reason="LibreOffice not installed (.ci/run installs it)")
