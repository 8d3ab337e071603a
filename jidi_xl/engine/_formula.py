"""Small helpers over Excel formula *text* (as stored in the file, no leading '=').

Everything here is position preserving: :func:`mask` blanks the inside of
string literals (and optionally of quoted sheet/book names) without changing
the length, so regular expressions run on the masked text give offsets that
are valid in the original formula.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_MASK_CHAR = "\x00"


def mask(formula: str, quoted_names: bool = False) -> str:
    """Blank string-literal contents ("..."), and with *quoted_names* also the
    contents of '...' names, keeping every offset unchanged."""
    out = []
    i, n = 0, len(formula)
    while i < n:
        ch = formula[i]
        if ch == '"' or ch == "'":
            j = i + 1
            while j < n:
                if formula[j] == ch:
                    if j + 1 < n and formula[j + 1] == ch:  # doubled quote
                        j += 2
                        continue
                    break
                j += 1
            inner = formula[i + 1:j]
            if ch == '"' or quoted_names:
                inner = _MASK_CHAR * len(inner)
            out.append(ch + inner + (ch if j < n else ""))
            i = j + 1
            continue
        out.append(ch)
        i += 1
    return "".join(out)


# An external-book qualifier directly in front of a function call:
#   [1]!NAME(      'C:\dir\x.xlam'!NAME(     '[1]'!NAME(      x.xlam!NAME(
_RE_QUALIFIED_CALL = re.compile(
    r"""(?<![\w.\]'])
        (?P<qual>\[\d+\]|'(?:[^']|'')*'|[\w.\\~$-]+\.xla[m]?)
        !
        (?P<name>(?:_xludf\.)?[A-Za-z_][\w.]*)
        (?=\s*\()""",
    re.X | re.I,
)


@dataclass(frozen=True)
class QualifiedCall:
    start: int            # offset of the qualifier
    end: int              # offset of the function name (qualifier + '!' end)
    qualifier: str
    name: str             # function name as written (may carry _xludf.)


def qualified_calls(formula: str) -> list[QualifiedCall]:
    """Function calls prefixed by an external-book qualifier."""
    m = mask(formula)
    return [QualifiedCall(x.start("qual"), x.start("name"), formula[x.start("qual"):x.end("qual")],
                          formula[x.start("name"):x.end("name")])
            for x in _RE_QUALIFIED_CALL.finditer(m)]


def bare_function_name(name: str) -> str:
    """'[1]!_xludf.Jidi_X' -> 'JIDI_X' (qualifier and _xludf./_xlfn./_xlws. removed)."""
    if "!" in name:
        name = name.rpartition("!")[2]
    name = name.strip().upper()
    for p in ("_XLUDF.", "_XLFN.", "_XLWS."):
        while name.startswith(p):
            name = name[len(p):]
    return name


def strip_qualifiers(formula: str, should_strip) -> tuple[str, int]:
    """Remove the book qualifier of calls whose name satisfies *should_strip*.

    *should_strip* receives the upper-cased bare name. Returns (new formula,
    number of qualifiers removed).
    """
    calls = [c for c in qualified_calls(formula) if should_strip(bare_function_name(c.name))]
    if not calls:
        return formula, 0
    parts, pos = [], 0
    for c in calls:
        parts.append(formula[pos:c.start])
        pos = c.end
    parts.append(formula[pos:])
    return "".join(parts), len(calls)


_RE_BOOK_INDEX = re.compile(r"\[(\d+)\]")


def external_book_indexes(formula: str) -> set[int]:
    """Indexes N of every ``[N]`` outside string literals (conservative: a
    structured reference column named "1" also counts)."""
    return {int(x.group(1)) for x in _RE_BOOK_INDEX.finditer(mask(formula))}


# Spill reference operator: A1#, Sheet1!$B$2#, name#  (not an error literal
# like #REF!, which follows an operator, '(' ',' or '!').
_RE_SPILL = re.compile(r"(?<=[A-Za-z0-9_$)\]])#(?![A-Za-z0-9_/])")


def spill_positions(formula: str) -> list[int]:
    return [x.start() for x in _RE_SPILL.finditer(mask(formula, quoted_names=True))]


def remove_positions(text: str, positions: list[int]) -> str:
    if not positions:
        return text
    s = set(positions)
    return "".join(ch for i, ch in enumerate(text) if i not in s)


# A call spelled with a dotted programmatic prefix, as LibreOffice writes calls to its add-ins into an
# xlsx (``ORG.JIDIXL.FUNCTIONS.JIDI_X(``): two or more dotted words before the function name.
_RE_PREFIXED_CALL = re.compile(
    r"""(?<![\w.!\]'])
        (?P<prefix>(?:[A-Za-z][A-Za-z0-9]*\.){2,})
        (?P<name>[A-Za-z_][\w]*)
        (?=\s*\()""",
    re.X,
)
_RE_BARE_CALL = re.compile(r"(?<![\w.!\]'])(?P<name>[A-Za-z_][\w.]*)(?=\s*\()")


def strip_programmatic_prefixes(formula: str, should_strip) -> tuple[str, int]:
    """``ORG.JIDIXL.FUNCTIONS.JIDI_X(`` → ``JIDI_X(`` for names satisfying *should_strip* (upper-cased
    bare name); ``_xludf.``/``_xlfn.`` are not prefixes of this kind. Returns (formula, count)."""
    m = mask(formula)
    calls = [x for x in _RE_PREFIXED_CALL.finditer(m)
             if not x.group("prefix").upper().startswith(("_XL",)) and should_strip(x.group("name").upper())]
    if not calls:
        return formula, 0
    parts, pos = [], 0
    for x in calls:
        parts.append(formula[pos:x.start("prefix")])
        pos = x.start("name")
    parts.append(formula[pos:])
    return "".join(parts), len(calls)


def rename_calls(formula: str, mapping: dict[str, str]) -> tuple[str, int]:
    """Rename bare calls ``NAME(`` whose upper-cased name (``_xludf.`` dropped) is a key of *mapping*."""
    m = mask(formula)
    calls = [x for x in _RE_BARE_CALL.finditer(m) if bare_function_name(x.group("name")) in mapping]
    if not calls:
        return formula, 0
    parts, pos = [], 0
    for x in calls:
        parts.append(formula[pos:x.start("name")])
        parts.append(mapping[bare_function_name(x.group("name"))])
        pos = x.end("name")
    parts.append(formula[pos:])
    return "".join(parts), len(calls)
