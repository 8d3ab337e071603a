"""Three-valued results that explain themselves (spec §0).

Every rule returns a :class:`Result`: its outcome (PASS / FAIL / REVIEW), the article it applies,
the figures it compared and a one-line Chinese reason. Combined verdicts follow spec §0: FAIL if any
part fails, else REVIEW if any part is open, else PASS.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from enum import Enum
from typing import Any, Iterable


class Outcome(str, Enum):
    PASS = "PASS"
    FAIL = "FAIL"
    REVIEW = "REVIEW"

    @property
    def zh(self) -> str:
        return {"PASS": "符合", "FAIL": "不符合", "REVIEW": "待核实"}[self.value]

    @classmethod
    def parse(cls, text: str) -> "Outcome":
        """Accept the code or its Chinese label."""
        for o in cls:
            if text in (o.value, o.zh):
                return o
        raise ValueError(text)


def combine(outcomes: Iterable[Outcome]) -> Outcome:
    """Spec §0: FAIL if any part is FAIL, else REVIEW if any is REVIEW, else PASS."""
    seen = set(outcomes)
    if Outcome.FAIL in seen:
        return Outcome.FAIL
    if Outcome.REVIEW in seen:
        return Outcome.REVIEW
    return Outcome.PASS


@dataclass(frozen=True)
class Override:
    """A reviewer's decision on one condition; never erases the computed value (spec §0)."""

    rule: str
    outcome: Outcome
    justification: str
    reviewer: str = ""


@dataclass(frozen=True)
class Result:
    rule: str                 # stable id, e.g. "art6_4"
    article: str              # e.g. "第六条第（四）项"
    title: str                # short Chinese name of the condition
    outcome: Outcome
    figures: str              # what was compared, e.g. "6200 ≥ 5000 m²"
    reason: str               # one line, Chinese
    value: Any = None         # the computed quantity (count, ratio, date…) for reports and UDFs
    parts: tuple["Result", ...] = ()
    computed: Outcome | None = None   # the computed outcome when an override replaced it
    override: Override | None = None
    placeholder: bool = False         # uses parameters still awaiting the year's notice

    def part(self, rule_id: str) -> "Result":
        """A sub-result by its rule id (parts are matched by id, never by position)."""
        found = [p for p in self.parts if p.rule == rule_id]
        if len(found) != 1:
            raise KeyError(f"{self.rule} has {len(found)} parts {rule_id!r}; parts: {[p.rule for p in self.parts]}")
        return found[0]

    @property
    def overridden(self) -> bool:
        return self.override is not None

    def with_override(self, ov: Override) -> "Result":
        return replace(
            self,
            outcome=ov.outcome,
            computed=self.outcome,
            override=ov,
            reason=f"{self.reason}（复核人改判为{ov.outcome.zh}：{ov.justification}）",
        )

    def to_dict(self) -> dict:
        d: dict[str, Any] = {
            "rule": self.rule,
            "article": self.article,
            "title": self.title,
            "outcome": self.outcome.value,
            "outcome_zh": self.outcome.zh,
            "figures": self.figures,
            "reason": self.reason,
        }
        if self.value is not None:
            d["value"] = _jsonable(self.value)
        if self.override is not None:
            d["override"] = {
                "computed_outcome": self.computed.value if self.computed else None,
                "outcome": self.override.outcome.value,
                "justification": self.override.justification,
                "reviewer": self.override.reviewer,
            }
        if self.placeholder:
            d["placeholder_parameters"] = True
        if self.parts:
            d["parts"] = [p.to_dict() for p in self.parts]
        return d


def _jsonable(v: Any) -> Any:
    from datetime import date
    from fractions import Fraction

    if isinstance(v, Fraction):
        return float(v)
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, dict):
        return {k: _jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_jsonable(x) for x in v]
    if isinstance(v, Enum):
        return v.value
    return v


def pct(x) -> str:
    """A ratio as a percentage with one decimal (display only; comparisons stay exact)."""
    return f"{float(x) * 100:.1f}%"


def apply_override(computed: Outcome, override: Outcome | None, justification: str | None) -> Outcome:
    """Spec §0 for the workbook: an override replaces the outcome only with a written justification."""
    if override is None:
        return computed
    if not justification or len(justification.strip()) < 4:
        raise ValueError("改判须填写不少于4个字的理由 (an override needs a written justification)")
    return override


def outcome_of(text) -> Outcome:
    """An outcome from a cell's text; anything unrecognised (an input error…) counts as REVIEW, never PASS."""
    try:
        return Outcome.parse(str(text).strip())
    except ValueError:
        return Outcome.REVIEW
