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


def call(name: str, args: tuple, ruleset: str | None = None) -> Any:
    """``ruleset``: the key the calling document records (``info_ruleset``); the call is evaluated under it
    (udfs.context). None: the default rule-set. A key this package does not know is the cell's 输入错误."""
    from jidi_xl.errors import RuleSetError
    from jidi_xl.ruleset import load_ruleset

    from .. import context

    u = REGISTRY[name]
    values = [from_libreoffice(v, a.range, a.optional) for v, a in zip(args, u.args)]
    if ruleset is None:
        return to_libreoffice(u.func(*values))
    try:
        rs = load_ruleset(ruleset)
    except RuleSetError as exc:
        return f"输入错误：规则集（定义名称 info_ruleset）：工作簿记录的规则集 {ruleset!r} 无法使用：{exc}"
    with context.using(rs):
        return to_libreoffice(u.func(*values))


def evaluate_document(ctx, doc) -> tuple[str, bool]:
    """Recalculate ``doc``, check its inputs (sheet!cell, Chinese) and summarise its verdict cells."""
    return evaluate(calc.title(doc), doc.calculateAll, lambda: calc.read_outputs(doc),
                    lambda: calc.input_problems(ctx, doc))
