"""Fixtures for the UDF tests: the rule-set, and ``udfs.excel`` built with xlwings' real decorators.

On Linux ``xlwings.func``/``xlwings.arg`` are no-ops and ``xlwings.udfs`` needs pywin32. The fixture
``excel_udfs`` stubs ``pythoncom``, ``pywintypes`` and ``win32com.client``, points ``xlwings.func``/``arg``
at the real ``xlwings.udfs.xlfunc``/``xlarg`` (what they are on Windows), imports a fresh ``udfs.excel``
and hands it over with ``xlwings.udfs``; afterwards everything is put back as it was.
"""
from __future__ import annotations

import importlib
import sys
import types

import pytest

import udfs.functions  # noqa: F401 — populates udfs.registry.REGISTRY before the test modules read it
from jidi_xl.ruleset import load_ruleset

_STUBBED = ("pythoncom", "pywintypes", "win32com", "win32com.client")


def _pywin32_stubs() -> dict[str, types.ModuleType]:
    pythoncom = types.ModuleType("pythoncom")
    pythoncom.CoInitialize = lambda: None
    pywintypes = types.ModuleType("pywintypes")
    pywintypes.com_error = type("com_error", (Exception,), {})
    win32com = types.ModuleType("win32com")
    client = types.ModuleType("win32com.client")
    client.Dispatch = lambda *a, **k: None
    win32com.client = client
    return {"pythoncom": pythoncom, "pywintypes": pywintypes, "win32com": win32com, "win32com.client": client}


@pytest.fixture(scope="session")
def rs():
    return load_ruleset()


@pytest.fixture(scope="session")
def excel_udfs():
    """``(udfs.excel built with the real decorators, xlwings.udfs)``."""
    import udfs
    import xlwings

    saved_modules = {k: sys.modules.get(k) for k in (*_STUBBED, "xlwings.udfs", "udfs.excel")}
    saved_attrs = {k: getattr(xlwings, k) for k in ("func", "arg")}
    saved_excel = getattr(udfs, "excel", None)
    sys.modules.update(_pywin32_stubs())
    try:
        sys.modules.pop("xlwings.udfs", None)
        xlwings_udfs = importlib.import_module("xlwings.udfs")
        xlwings.func, xlwings.arg = xlwings_udfs.xlfunc, xlwings_udfs.xlarg
        sys.modules.pop("udfs.excel", None)
        excel = importlib.import_module("udfs.excel")
        yield excel, xlwings_udfs
    finally:
        for k, v in saved_modules.items():
            if v is None:
                sys.modules.pop(k, None)
            else:
                sys.modules[k] = v
        for k, v in saved_attrs.items():
            setattr(xlwings, k, v)
        if saved_excel is None:
            udfs.__dict__.pop("excel", None)
        else:
            udfs.excel = saved_excel
        if "udfs" in xlwings.__dict__ and saved_modules["xlwings.udfs"] is None:
            del xlwings.udfs
