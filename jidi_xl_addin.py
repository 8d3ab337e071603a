"""Entry point of the Excel add-in ``udfs/addin/jidi_xl_addin.xlam``.

The add-in's ribbon button runs xlwings' ``RibbonMyAddin.RunMain``, which executes
``import jidi_xl_addin; jidi_xl_addin.main()`` — the module named after the .xlam file. It is a top-level
module so that ``pip install jidi-xl`` makes it importable wherever the add-in is opened from.
"""
from udfs.excel import main

__all__ = ["main"]
