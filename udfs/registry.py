"""The one registry of ``JIDI_`` functions, feeding both Excel (xlwings, ``udfs/excel.py``) and the
headless engine (formulas, :func:`formulas_functions`).

Each entry is a thin adapter: convert the cell values (``adapters``/``tables``), call a ``jidi_xl``
rule, convert the answer back. The error contract is the same in both runtimes and never raises:

* bad input → the text ``输入错误：<字段>：<what to do>`` (a condition showing it counts as 待核实
  in every verdict, never as 符合);
* an unexpected failure → ``内部错误：<exception>`` (a bug to report).
"""
from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import Any, Callable

from jidi_xl.errors import RuleSetError
from jidi_xl.readings import reading as _reading
from jidi_xl.results import Result
from jidi_xl.rules import RULES

from .adapters import UdfInputError, scalar, to_excel

CATEGORY = "示范基地评价 (jidi-xl)"
INPUT_ERROR = "输入错误："
INTERNAL_ERROR = "内部错误："


@dataclass(frozen=True)
class Arg:
    name: str
    doc: str
    range: bool = False        # a multi-cell range (xlwings: ndim=2)
    optional: bool = False


@dataclass(frozen=True)
class Udf:
    name: str
    func: Callable[..., Any]   # safe: never raises
    description: str           # Chinese, for the function wizard
    rule: str | None           # the rule it computes (an id of jidi_xl.rules.RULES, or of a declared part)
    args: tuple[Arg, ...]
    returns: str
    raw: Callable[..., Any] | None = field(repr=False, default=None)
    reading: str | None = None  # the reading (jidi_xl.readings) it applies, cited beside the article

    @property
    def article(self) -> str:
        """The catalogue's 依据 column, derived from the rule's declaration (and the reading's spec section)."""
        cites = [RULES.find(self.rule).article] if self.rule else []
        if self.reading:
            cites.append(_reading(self.reading).cite)
        return "；".join(cites)


REGISTRY: dict[str, Udf] = {}


def udf(name: str, description: str, rule: str | None, returns: str, *args: Arg, reading: str | None = None):
    """Register ``fn`` as the Excel function ``name``, wrapped in the error contract.

    ``rule`` names the rule it computes (an id declared in ``jidi_xl.rules.RULES``; the article comes from there),
    ``reading`` the reading of ``jidi_xl.readings`` it applies; a function of the spec's machinery (combining
    outcomes, overrides) names only its reading. An unknown id is an error at import, never a blank column.
    """
    if rule is None and reading is None:
        raise ValueError(f"{name}: a UDF names the rule (or the reading) it computes")
    if rule is not None:
        RULES.find(rule)
    if reading is not None:
        _reading(reading)

    def deco(fn):
        @functools.wraps(fn)
        def safe(*a):
            try:
                return to_excel(fn(*a))
            except UdfInputError as exc:
                return f"{INPUT_ERROR}{exc.field}：{exc.message}"
            except RuleSetError as exc:
                return f"{INPUT_ERROR}{exc}"
            except Exception as exc:  # noqa: BLE001 — the contract: never raise into a cell
                return f"{INTERNAL_ERROR}{type(exc).__name__}: {exc}"
        if name in REGISTRY:
            raise ValueError(f"duplicate UDF {name}")
        REGISTRY[name] = Udf(name, safe, description, rule, tuple(args), returns, fn, reading)
        return fn
    return deco


PARTS = {
    "outcome": "outcome", "结果": "outcome", "figures": "figures", "数据": "figures", "reason": "reason",
    "理由": "reason", "article": "article", "依据": "article", "title": "title", "条件": "title", "value": "value", "值": "value",
}
PART_ARG = Arg("part", "返回内容：结果（默认）/数据/理由/依据/值", optional=True)


def pick(r: Result, part: Any) -> Any:
    """One facet of a rule result for one cell; ``part`` may also name a key of a dict value."""
    p = scalar(part, "part") if part is not None else None
    if p is None:
        return r.outcome.zh
    key = PARTS.get(str(p).strip())
    if key == "outcome":
        return r.outcome.zh
    if key is not None:
        v = getattr(r, key)
        if key == "value" and isinstance(v, dict):
            raise UdfInputError("part", f"该条件的值含多项，请改用其中一项：{'/'.join(v)}")
        return v
    if isinstance(r.value, dict) and str(p) in r.value:
        return r.value[str(p)]
    raise UdfInputError("part", f"未知的返回内容 {p!r}；可选：结果/数据/理由/依据/值")


def _compile_pass_guard(fn: Callable[..., Any]) -> Callable[..., Any]:
    """formulas-only: while compiling, ``formulas`` calls a function whose arguments are defined names with
    ranges that have no value yet (``RangeValueError``). The error contract would turn that into the text
    ``内部错误：…``, which formulas then freezes as a constant; instead the function sits that pass out
    (``schedula.NONE``), as formulas' own functions do (``wrap_ranges_func``)."""
    import schedula as sh
    from formulas.errors import RangeValueError
    from formulas.ranges import Ranges

    @functools.wraps(fn)
    def guarded(*args):
        try:
            for a in args:
                if isinstance(a, Ranges):
                    _ = a.value         # read for its effect: RangeValueError while the range has no value yet
        except RangeValueError:
            return sh.NONE
        return fn(*args)
    return guarded


def formulas_functions() -> dict[str, Callable[..., Any]]:
    """The registry as the mapping the headless engine registers into ``formulas`` before loading."""
    from . import functions  # noqa: F401 — populates REGISTRY

    return {name: _compile_pass_guard(u.func) for name, u in REGISTRY.items()}
