"""User-facing texts that state a number of law take it from the rule-set (issue 10 item 4).

A text that names a threshold is written as a template with the parameter's path in braces —
``"建筑总面积不少于 {art6_4.min_building_area_m2} 平方米"`` — and :func:`fill` formats it for a rule-set, so a new
rule-set or notice changes the text with the number. Ratios (exact fractions in the data) are shown as
percentages (``{art6_9.min_satisfaction}`` → ``90%``); whole numbers as digits, or — ``{art15.ban_years:zh}`` — in Chinese
numerals as the Measures write them (两年, 三项; ``jidi_xl.rules.common.zh_years``, as the rules' reasons do). Only dotted lower-case paths are
templates, so a brace in other text is left alone; an unknown path is an error at build time (a test builds
every text), never a stale text.

Decision: the texts of the ``JIDI_`` function catalogue (``@udf`` descriptions) are declared at import, before
any rule-set is chosen, and are baked into the add-in and the LibreOffice extension, which serve every
rule-set; so they state no number at all ("不少于规则集门槛"), and docs/udfs.md lists the thresholds of the
rule-set it was generated for.
"""
from __future__ import annotations

import re
from fractions import Fraction
from typing import Any

from .rules.common import zh_count, zh_years

__all__ = ["TEMPLATE", "figure", "fill", "zh_count"]

#: ``{art6_4.min_building_area_m2}``: a parameter path (at least one dot, lower case, digits, underscores)
TEMPLATE = re.compile(r"\{([a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+)(:zh)?\}")


def figure(value: Any, zh: bool = False) -> str:
    """A parameter's value as a user reads it: a ratio as a percentage, a whole number as digits (``zh``: in
    Chinese numerals, 两 for 2)."""
    if isinstance(value, Fraction):
        pct = value * 100
        return f"{pct.numerator}%" if pct.denominator == 1 else f"{float(pct):g}%"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool):
        return zh_years(value) if zh else f"{value:,}"          # 5,000 — as the rules' 数据 write it
    return str(value)


def fill(rs: Any, text: str) -> str:
    """``text`` with every ``{param.path}`` replaced by the rule-set's figure."""
    if "{" not in text:
        return text
    return TEMPLATE.sub(lambda m: figure(rs.p(m.group(1)), zh=bool(m.group(2))), text)
