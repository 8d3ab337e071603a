"""Small helpers shared by the rules: anniversaries and conjunctions of reviewer flags."""
from __future__ import annotations

from datetime import date
from typing import Mapping

from ..results import Outcome, Result, combine


def add_years(d: date, years: int) -> date:
    """Anniversary arithmetic (spec §2): 02-29 plus whole years lands on 02-28 in a common year."""
    try:
        return d.replace(year=d.year + years)
    except ValueError:
        return d.replace(year=d.year + years, day=28)


def flags(rule: str, article: str, title: str, items: Mapping[str, bool | None]) -> Result:
    """A condition that is the conjunction of reviewer-confirmed yes/no items.

    Each item: True → met, False → not met, None → not yet confirmed (REVIEW, never a silent PASS).
    """
    outcome = combine(Outcome.PASS if v else Outcome.FAIL if v is False else Outcome.REVIEW for v in items.values())
    shown = "；".join(f"{k}：{'是' if v else '否' if v is False else '未填'}" for k, v in items.items())
    missing = [k for k, v in items.items() if v is None]
    failed = [k for k, v in items.items() if v is False]
    if outcome is Outcome.PASS:
        reason = f"{title}各项均已具备"
    elif outcome is Outcome.FAIL:
        reason = f"不具备：{'、'.join(failed)}"
    else:
        reason = f"尚未填写/确认：{'、'.join(missing)}"
    return Result(rule, article, title, outcome, shown, reason, value=dict(items))


def num(x: float | int) -> str:
    """A number for the figures column: integers without a decimal point."""
    if isinstance(x, float) and x.is_integer():
        x = int(x)
    return f"{x:,}" if isinstance(x, int) else f"{x:,.2f}".rstrip("0").rstrip(".")
