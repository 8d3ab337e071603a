"""The recognition verdict (spec §6): every 第六条 item and 第七条 met, and no 第十五条 ban."""
from __future__ import annotations

from typing import Iterable, Sequence

from ..results import Outcome, Result, combine
from ..ruleset import RuleSet
from .chapter5 import ART15
from .common import zh_count
from .declare import VERDICT, Rule

RECOGNITION = Rule("recognition", "第六条、第七条、第十五条", "认定结论", role=VERDICT)
VERDICT_ZH = {Outcome.PASS: "符合认定条件（建议认定）", Outcome.FAIL: "不符合认定条件", Outcome.REVIEW: "待核实"}


def failing(items: Iterable[tuple[str, Outcome]], outcome: Outcome) -> list[str]:
    """Articles of the parts that make the verdict what it is (the FAIL ones, or the REVIEW ones), in the given order.

    ``items`` are (article, outcome) pairs — from Results, or from a workbook's cells (JIDI_FAILING_ARTICLES)."""
    if outcome is Outcome.PASS:
        return []
    return [a for a, o in items if o is outcome]


def failing_articles(results: Sequence[Result], outcome: Outcome) -> list[str]:
    """:func:`failing` over Results."""
    return failing(((r.article, r.outcome) for r in results), outcome)


@RECOGNITION
def recognition_verdict(rs: RuleSet, conditions: Sequence[Result], rules: Sequence[Rule]) -> Result:
    """示范基地必须同时具备以下基本条件

    The verdict over ``conditions``, the results of the declarations ``rules`` (``RULES.conditions``, matched
    by id). Its reason is formatted from the declarations: the 第六条 items by count, the others by article
    and title, and the 第十五条 ban last.
    """
    got = {r.rule for r in conditions}
    if got != {r.id for r in rules}:
        raise ValueError(f"recognition conditions {sorted(got)} do not match the declared {[r.id for r in rules]}")
    outcome = combine(r.outcome for r in conditions)
    arts = failing_articles(conditions, outcome)
    if outcome is Outcome.PASS:
        basic = [r for r in rules if r.basic]
        heads = list(dict.fromkeys(r.article.split("第（")[0] for r in basic))
        others = [f"{r.article}{r.title}" for r in rules if not r.basic and r is not ART15]
        reason = (f"{'、'.join(heads)}{zh_count(len(basic))}项基本条件、" + "、".join(others)
                  + f"均符合，且不在{ART15.title}期内")
    else:
        reason = f"{'不符合' if outcome is Outcome.FAIL else '待核实'}：{'、'.join(arts)}"
    return RECOGNITION.result(outcome, f"{sum(r.outcome is Outcome.PASS for r in conditions)}/{len(conditions)} 项符合",
                              reason, value=VERDICT_ZH[outcome])
