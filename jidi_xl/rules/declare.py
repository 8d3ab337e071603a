"""Rule declarations: each rule's identity — id, citation, title — written once (issue 10 item 2).

A :class:`Rule` is declared once, at module level beside the function that computes it::

    ART6_4 = Rule("art6_4", "第六条第（四）项", "场地面积", role=CONDITION, basic=True)

    @ART6_4
    def art6_4_area(rs, …):
        \"\"\"基地建筑总面积不少于5000平方米……公共服务空间不少于500平方米。

        (notes in English after the first paragraph)
        \"\"\"
        ...
        return ART6_4.result(Outcome.PASS, figures, reason)

* The **first paragraph of the function's docstring is the quote** of the clause it applies, verbatim from
  the Measures, ``……`` marking an omission (``tests/rules/test_clause_quotes.py`` checks every quote against
  ``workbooks/measures-2022.txt``). A rule whose source is another document (``source=``) quotes that document.
* Every :class:`~jidi_xl.results.Result` of a rule is made by ``RULE.result(...)``; the parts of a rule are
  declared the same way (``RULE.part("成立时间")``), so no id/article/title string is ever typed twice.
* :data:`RULES` is the ordered registry (recognition conditions in article order, then the evaluation's rules,
  then the rest); ``RULE_IDS`` and every list of conditions are derived from it, and outputs are matched by id.
* A rule reads its inputs from a case through ``from_case``, wired with :func:`reads_case` beside the rule in
  its own module, which also declares the case paths it reads (``@reads_case(ART15, "revocations")`` over a
  function that prepares them, or :func:`wire` — ``wire(ART6_8, "staff.members", …)`` — when the rule's own
  function takes them as they are; both → :attr:`Rule.reads`). So a field's case path is written in its catalogue declaration and its rule only:
  ``jidi_xl/evaluate.py`` names none, a second rule that reads the same field reads it through the first
  rule's declaration, and tests reach a field as ``RULES["art6_4"].reads[0]``. A new rule is its declaration,
  its function and that wiring — ``RULES.register`` (or
  ``RULES.extended`` for one ``with`` block) puts it in every derived list. ``udfs.registry.udf`` names a rule id,
  and the UDF catalogue's article column is read from here.
* Where a rule reads what the text leaves open, it calls :mod:`jidi_xl.readings` (one place, each reading with
  its spec section), and every number it shows a user is formatted from the rule-set's parameters.
"""
from __future__ import annotations

import contextlib
import inspect
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator

from .. import fields
from ..results import Outcome, Result

MEASURES = "京经信发〔2022〕38号"

# roles of a declaration in the results
CONDITION = "condition"      # a part of the recognition verdict (spec §6)
EVALUATION = "evaluation"    # a step of the annual evaluation (spec §7, §8)
VERDICT = "verdict"          # a combined verdict
INFO = "info"                # reported, not a condition (第八条, 第十七条 filings, firm size, …)
PART = "part"                # a sub-result of another rule


@dataclass(eq=False)
class Rule:
    """One rule of the Measures: its identity and where its Results come from."""

    id: str
    article: str
    title: str
    role: str = INFO
    overridable: bool = False     # a reviewer may override it (spec §0); derived into RULE_IDS
    basic: bool = False           # a 第六条 basic condition, re-checked at the evaluation's 12-31 (spec §7 step 2)
    source: str = MEASURES        # the document its clause is quoted from
    parent: "Rule | None" = None
    func: Callable[..., Any] | None = field(default=None, repr=False)
    from_case: Callable[..., Result] | None = field(default=None, repr=False)   # (case, reference date) → Result
    quote: str | None = field(default=None, repr=False)
    parts: list["Rule"] = field(default_factory=list, repr=False)   # declared sub-results
    reads: tuple[str, ...] = ()   # the case paths ``from_case`` reads, in its arguments' order (:func:`reads_case`)

    def __post_init__(self) -> None:
        if self.role not in (CONDITION, EVALUATION, VERDICT, INFO, PART):
            raise ValueError(f"rule {self.id}: unknown role {self.role!r}")
        if not self.id or not self.article or not self.title:
            raise ValueError(f"rule {self.id!r}: id, article and title are all required")

    # -- the function that computes it ---------------------------------------------------------
    def __call__(self, fn: Callable[..., Any]) -> Callable[..., Any]:
        """Decorator: ``fn`` computes this rule; its docstring's first paragraph is the quoted clause."""
        if self.func is not None:
            raise ValueError(f"rule {self.id} already has a function ({self.func.__name__})")
        self.func = fn
        fn.rule = self   # type: ignore[attr-defined]
        return fn

    @property
    def clause(self) -> str | None:
        """The quoted clause: the first paragraph of the function's docstring (or the ``quote=`` of a part)."""
        if self.quote is not None:
            return self.quote
        doc = (self.func.__doc__ or "") if self.func else ""
        first = doc.strip().split("\n\n", 1)[0]
        return "".join(line.strip() for line in first.splitlines()) or None   # Chinese: lines join without a space

    # -- results ------------------------------------------------------------------------------
    def result(self, outcome: Outcome, figures: str, reason: str, *, title: str | None = None, **kw: Any) -> Result:
        """A Result of this rule. ``title`` only for a title that depends on the data (第十七条: 名称变更备案)."""
        return Result(self.id, self.article, title or self.title, outcome, figures, reason, **kw)

    def part(self, title: str, *, id: str | None = None, article: str | None = None, quote: str | None = None) -> "Rule":
        """A sub-result of this rule: the parent's id and article unless given (given ones are still declared once)."""
        p = Rule(id or self.id, article or self.article, title, role=PART, source=self.source, parent=self,
                 quote=quote)
        self.parts.append(p)
        return p


class Registry:
    """The ordered registry of rule declarations; ids are unique; a typo in an id is an error."""

    def __init__(self, rules: list[Rule]):
        self._rules: list[Rule] = []
        self._ids: list[str] = []             # RULE_IDS: a list kept in place, so importers see registrations
        for r in rules:
            self.register(r)

    def register(self, rule: Rule, *, before: str | None = None) -> Rule:
        if rule.role == PART:
            raise ValueError(f"{rule.id}: a part is registered through its parent rule")
        if any(r.id == rule.id for r in self._rules):
            raise ValueError(f"duplicate rule id {rule.id!r}")
        at = len(self._rules) if before is None else self._rules.index(self[before])
        self._rules.insert(at, rule)
        self._refresh()
        return rule

    def unregister(self, rule_id: str) -> None:
        self._rules.remove(self[rule_id])
        self._refresh()

    @contextlib.contextmanager
    def extended(self, rule: Rule, *, before: str | None = None) -> Iterator[Rule]:
        """A registry with one more rule for the ``with`` block (tests; a trial rule-set)."""
        self.register(rule, before=before)
        try:
            yield rule
        finally:
            self.unregister(rule.id)

    def _refresh(self) -> None:
        self._ids[:] = [r.id for r in self._rules if r.overridable]

    # -- reading ------------------------------------------------------------------------------
    def __iter__(self) -> Iterator[Rule]:
        return iter(list(self._rules))

    def __len__(self) -> int:
        return len(self._rules)

    def __contains__(self, rule_id: object) -> bool:
        return any(r.id == rule_id for r in self._rules)

    def __getitem__(self, rule_id: str) -> Rule:
        for r in self._rules:
            if r.id == rule_id:
                return r
        raise KeyError(f"no rule {rule_id!r}; declared: {', '.join(r.id for r in self._rules)}")

    def get(self, rule_id: str) -> Rule | None:
        return next((r for r in self._rules if r.id == rule_id), None)

    def find(self, rule_id: str) -> Rule:
        """A registered rule, or a declared part of one with an id of its own (``art6_5_concentration``)."""
        for r in self._rules:
            if r.id == rule_id:
                return r
            for p in r.parts:
                if p.id == rule_id:
                    return p
        raise KeyError(f"no rule or part {rule_id!r}; declared: {', '.join(r.id for r in self._rules)}")

    @property
    def ids(self) -> list[str]:
        """Every overridable rule id, in registry order (``RULE_IDS``; the same list object throughout)."""
        return self._ids

    @property
    def conditions(self) -> list[Rule]:
        """The parts of the recognition verdict, in article order (spec §6)."""
        return [r for r in self._rules if r.role == CONDITION]

    @property
    def basic(self) -> list[Rule]:
        """The 第六条 basic conditions (recognition, and the evaluation's basic-threshold re-check)."""
        return [r for r in self._rules if r.basic]

    def by_role(self, role: str) -> list[Rule]:
        return [r for r in self._rules if r.role == role]


def by_id(results: list[Result]) -> dict[str, Result]:
    """Results keyed by rule id (outputs are matched by id, never by position)."""
    out: dict[str, Result] = {}
    for r in results:
        if r.rule in out:
            raise ValueError(f"two results for rule {r.rule}")
        out[r.rule] = r
    return out


def reader(path: str) -> Callable[[Any], Any]:
    """How a rule takes the catalogued case path ``path`` from a case: a ``date`` field as a :class:`date`; the
    penalty record, the staff list and the roster as the case parsed them (``None`` when not entered);
    anything else as entered (``None`` when absent or null). A path the catalogue lacks is a ``KeyError``."""
    node = fields.find(path)
    if path == fields.ROSTER.path:      # the parsed firms; an absent or null roster is "not entered" (None)
        return lambda case: case.firms if case.get(path) is not None else None
    typed = {fields.PENALTIES.path: "penalties", fields.STAFF.path: "staff"}
    if path in typed:                   # as the case parsed them (None: not entered)
        attr = typed[path]
        return lambda case: getattr(case, attr)
    if isinstance(node, fields.Field) and node.type == "date":
        return lambda case: case.date(path)
    return lambda case: case.get(path)


def reads_case(rule: Rule, *paths: str) -> Callable[[Callable[..., Result]], Callable[..., Result]]:
    """Wire ``rule`` to a case, declaring the case paths it reads (:attr:`Rule.reads`, each one of the field
    catalogue, ``jidi_xl/fields.py`` — an unknown path is an error at import).

    The wiring is ``fn(case, reference date, *values) -> Result``, ``values`` each path read by :func:`reader`
    in order (for an evaluation rule, the date is the evaluation's 12-31). Declared beside the rule;
    :mod:`jidi_xl.evaluate` calls it through ``rule.from_case``."""
    readers = [reader(p) for p in paths]

    def deco(fn: Callable[..., Result]) -> Callable[..., Result]:
        if rule.from_case is not None:
            raise ValueError(f"rule {rule.id} already reads a case")
        rule.reads = tuple(paths)

        def from_case(case: Any, ref: Any) -> Result:
            return fn(case, ref, *(r(case) for r in readers))

        rule.from_case = from_case if readers else fn
        return fn
    return deco


def wire(rule: Rule, *paths: str, ref: bool = False) -> None:
    """The plain wiring of a rule whose function takes ``(rs, [reference date,] *values)``: it reads ``paths``
    (:func:`reads_case`, so :attr:`Rule.reads`) and passes their values to the rule's own function in that order.
    ``ref``: the function takes the reference date after the rule-set. A function whose parameters do not take
    that many values is an error at import, naming the rule."""
    fn = rule.func
    if fn is None:
        raise ValueError(f"rule {rule.id}: declare its function (@{rule.id.upper()}) before wiring it")
    try:
        inspect.signature(fn).bind(None, *([None] if ref else []), *paths)
    except TypeError as exc:
        raise TypeError(f"rule {rule.id}: {fn.__name__} does not take the values of {', '.join(paths)}: {exc}") from None
    if ref:
        reads_case(rule, *paths)(lambda case, at, *values: fn(case.ruleset, at, *values))
    else:
        reads_case(rule, *paths)(lambda case, at, *values: fn(case.ruleset, *values))
