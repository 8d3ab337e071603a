"""Small helpers shared by the rules: conjunctions of reviewer flags, numbers for the figures column."""
from __future__ import annotations

from typing import Mapping

from ..readings import add_years  # noqa: F401 — old public name (the reading lives in jidi_xl.readings)
from ..results import Outcome, Result, combine
from .declare import Rule


def flags(rule: Rule, items: Mapping[str, bool | None]) -> Result:
    """A condition that is the conjunction of reviewer-confirmed yes/no items (a Result of ``rule``).

    Each item: True → met, False → not met, None → not yet confirmed (REVIEW, never a silent PASS).
    """
    outcome = combine(Outcome.PASS if v else Outcome.FAIL if v is False else Outcome.REVIEW for v in items.values())
    shown = "；".join(f"{k}：{'是' if v else '否' if v is False else '未填'}" for k, v in items.items())
    missing = [k for k, v in items.items() if v is None]
    failed = [k for k, v in items.items() if v is False]
    if outcome is Outcome.PASS:
        reason = f"{rule.title}各项均已具备"
    elif outcome is Outcome.FAIL:
        reason = f"不具备：{'、'.join(failed)}"
    else:
        reason = f"尚未填写/确认：{'、'.join(missing)}"
    return rule.result(outcome, shown, reason, value=dict(items))


def num(x: float | int) -> str:
    """A number for the figures column: integers without a decimal point."""
    if isinstance(x, float) and x.is_integer():
        x = int(x)
    return f"{x:,}" if isinstance(x, int) else f"{x:,.2f}".rstrip("0").rstrip(".")


ZH_DIGITS = "零一二三四五六七八九"


def zh_count(n: int) -> str:
    """A small count in Chinese numerals (十项, 三项): user texts say counts the way the Measures do."""
    if n < 10:
        return ZH_DIGITS[n]
    if n < 20:
        return "十" + (ZH_DIGITS[n - 10] if n > 10 else "")
    if n < 100:
        return ZH_DIGITS[n // 10] + "十" + (ZH_DIGITS[n % 10] if n % 10 else "")
    return str(n)


def zh_years(n: int) -> str:
    """A number of years as the Measures write it: 两年 (not 二年) for 2."""
    return "两" if n == 2 else zh_count(n)
