"""The rule-set of the current evaluation, set by the host that evaluates a workbook.

Every ``JIDI_`` function reads its rule-set through :func:`udfs.functions.rs`, which asks this module. The host
sets it before formulas are calculated, from the rule-set the workbook records (its ``info_ruleset`` cell on
the 参数 sheet, e.g. ``bj-2022@2025``):

* the headless engine: :mod:`jidi_xl.pipeline.standard` (and the generator, for the book it is writing);
* LibreOffice: :mod:`udfs.libreoffice.component` hands the document's key to the runtime with each call;
* Excel: :mod:`udfs.excel` reads the calling book's ``info_ruleset`` (xlwings' ``caller``).

A :class:`contextvars.ContextVar`, so that a value set for one evaluation never leaks into another thread's or
task's, and :func:`using` restores the previous one.

One evaluation (a ``with using(…)`` block: the headless engine enters one per workbook) also carries a scratch
memo (:func:`memo`) where a function keeps what it derived from a range, so that the ~9 cells that read the same
roster convert it once per workbook, not once per call (:func:`udfs.adapters.identity` keys it by the range's
stored arrays, which the memo keeps alive, so a key can never be taken by another array).

Decision — a bare call with no host: when no host has set a rule-set (a UDF called from Python, a test, a
notebook), :func:`current` returns the package's default rule-set (``bj-2022`` without a notice), the same one a
JSON case without ``ruleset`` gets; :func:`is_set` tells the two apart. A host that *has* a workbook always sets
the workbook's own, so a workbook is never computed under the default behind its back.
"""
from __future__ import annotations

import contextlib
from contextvars import ContextVar, Token
from typing import Iterator

from jidi_xl.ruleset import DEFAULT_RULESET, RuleSet, load_ruleset

_CURRENT: ContextVar[RuleSet | None] = ContextVar("jidi_xl_ruleset", default=None)
_MEMO: ContextVar[dict | None] = ContextVar("jidi_xl_evaluation_memo", default=None)


def current() -> RuleSet:
    """The rule-set of the current evaluation; the default rule-set when no host has set one (see above)."""
    rs = _CURRENT.get()
    return rs if rs is not None else load_ruleset(DEFAULT_RULESET)


def is_set() -> bool:
    return _CURRENT.get() is not None


def set_ruleset(rs: RuleSet | str) -> Token:
    """Set the rule-set (an object or a key such as ``"bj-2022@2025"``); returns the token to reset it with."""
    return _CURRENT.set(load_ruleset(rs) if isinstance(rs, str) else rs)


def reset(token: Token) -> None:
    _CURRENT.reset(token)


def memo() -> dict | None:
    """The scratch memo of the current evaluation (a fresh dict per :func:`using` block); None outside one."""
    return _MEMO.get()


@contextlib.contextmanager
def using(rs: RuleSet | str) -> Iterator[RuleSet]:
    """``with using(rs): …`` evaluates under ``rs`` and restores what was there before."""
    obj = load_ruleset(rs) if isinstance(rs, str) else rs
    token = _CURRENT.set(obj)
    scratch = _MEMO.set({})
    try:
        yield obj
    finally:
        _MEMO.reset(scratch)
        _CURRENT.reset(token)
