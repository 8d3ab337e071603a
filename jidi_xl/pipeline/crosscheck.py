"""The cross-check of standard workbooks: the generic :class:`~jidi_xl.engine.crosscheck.CrossChecker` with
the ``JIDI_`` LibreOffice extension built from the one UDF registry (:mod:`udfs.libreoffice`) installed in
its private profile. Here, above the engine, because the engine imports nothing of ``udfs``."""
from __future__ import annotations

import atexit
import functools
import shutil
import tempfile
from pathlib import Path
from typing import Any

from udfs import libreoffice as ulo

from ..engine.crosscheck import CrossChecker

__all__ = ["standard_checker"]


@functools.lru_cache(maxsize=1)
def _built_extension() -> Path:
    """The LibreOffice extension, built once per process (``udfs.libreoffice``) into a temp folder."""
    d = Path(tempfile.mkdtemp(prefix="jidi_oxt_"))
    atexit.register(shutil.rmtree, d, True)
    return Path(ulo.build_extension(d / "jidi.oxt"))


def standard_checker(**kw: Any) -> CrossChecker:
    """A :class:`CrossChecker` for standard workbooks: the ``JIDI_`` extension installed into the private
    profile, the copies made by ``udfs.libreoffice.libreoffice_copy`` (LibreOffice 7.4's xlsx import does
    not bind the functions' compatibility names; that copy makes the calls bind to the add-in)."""
    oxt = _built_extension()
    return CrossChecker(make_copy=ulo.libreoffice_copy, install=lambda profile: ulo.install_extension(oxt, profile),
                        **kw)
