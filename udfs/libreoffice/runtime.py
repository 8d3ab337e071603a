"""What the LibreOffice component calls inside LibreOffice's Python (imported on the first call).

:func:`call` — a ``JIDI_`` function: the SAME safe registry function (``REGISTRY[name].func``, which never
raises) through the SAME adapters as Excel and formulas (:func:`udfs.adapters.from_libreoffice`).
:func:`evaluate_document` — the button 评价当前工作簿: :func:`udfs.host.evaluate`, as Excel's ribbon.
"""
from __future__ import annotations

from typing import Any

from .. import functions  # noqa: F401 — populates REGISTRY
from ..adapters import from_libreoffice, to_libreoffice
from ..host import evaluate
from ..registry import REGISTRY
from . import calc


def call(name: str, args: tuple) -> Any:
    u = REGISTRY[name]
    values = [from_libreoffice(v, a.range, a.optional) for v, a in zip(args, u.args)]
    return to_libreoffice(u.func(*values))


def evaluate_document(ctx, doc) -> tuple[str, bool]:
    """Recalculate ``doc``, check its inputs (sheet!cell, Chinese) and summarise its verdict cells."""
    return evaluate(calc.title(doc), doc.calculateAll, lambda: calc.read_outputs(doc),
                    lambda: calc.input_problems(ctx, doc))
