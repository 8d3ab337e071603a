"""Every declared rule quotes its clause, and every quote is the text of the Measures (issue 10 item 2).

The quote is the first paragraph of the rule function's docstring (or the ``quote=`` of a declared part).
Comparison, after normalising both sides the same way:

* Unicode NFKC (full-width ``（）：，；`` → ASCII, the ideographic space ``\\u3000`` → a space);
* every whitespace character removed (the docstring wraps lines; the text has indents and stray spaces);
* the converter's markers removed from the text (``[bookmark: …]``, ``[footnoteRef:1]``, and the footnote
  body's ``[1:`` … ``]`` frame, so footnote 1 reads as plain text);
* quotation marks ``“”"`` removed (the docstrings may quote with either kind);
* the quote split at ``……`` (an omission): its pieces must all occur in the text, **in that order**.

A rule whose clause comes from another document (``source``, e.g. 工信部联企业〔2011〕300号, whose text the
project does not ship) must still quote something, but is not compared.
"""
from __future__ import annotations

import re
import unicodedata

import pytest

from jidi_xl.rules import RULES
from jidi_xl.rules.declare import MEASURES
from workbooks import MEASURES_PATH


def normalise(text: str) -> str:
    text = re.sub(r"\[bookmark:[^\]]*\]", "", text)
    text = re.sub(r"\[footnoteRef:\d+\]", "", text)
    text = re.sub(r"\[\d+:", "", text)
    text = unicodedata.normalize("NFKC", text)
    text = re.sub(r"\s+", "", text)
    return re.sub("[“”\"]", "", text)


TEXT = normalise(MEASURES_PATH.read_text(encoding="utf-8"))


def _declarations():
    for r in RULES:
        yield pytest.param(r, id=r.id)
        for p in r.parts:
            if p.quote is not None:
                yield pytest.param(p, id=f"{r.id}:{p.id}:{p.article}")


def find_in_order(pieces: list[str], text: str) -> str | None:
    """The first piece that is not found after the previous one, or None when all are."""
    at = 0
    for piece in pieces:
        i = text.find(piece, at)
        if i < 0:
            return piece
        at = i + len(piece)
    return None


@pytest.mark.parametrize("rule", list(_declarations()))
def test_every_rule_quotes_its_clause_verbatim(rule):
    quote = rule.clause
    assert quote, f"{rule.id}: the docstring's first paragraph must quote the clause"
    if rule.source != MEASURES:
        return
    pieces = [normalise(p) for p in quote.split("……") if normalise(p)]
    assert pieces
    assert find_in_order(pieces, TEXT) is None, f"{rule.id} ({rule.article}): not in the Measures: {find_in_order(pieces, TEXT)!r}"


def test_the_quote_checker_rejects_a_misquote():
    """The comparison is not vacuous: one changed number, or pieces out of order, is caught."""
    assert find_in_order([normalise("基地建筑总面积不少于5000平方米")], TEXT) is None
    assert find_in_order([normalise("基地建筑总面积不少于6000平方米")], TEXT) is not None
    assert find_in_order([normalise("公共服务空间不少于500平方米"), normalise("基地建筑总面积")], TEXT) is not None


def test_the_quote_of_an_item_lies_in_its_article():
    """A quote of 第六条第（四）项 is found after the heading 第六条 and before 第七条 (the citation fits the quote)."""
    zh = "一二三四五六七八九十"
    heads = {f"第{n}条": TEXT.find(normalise(f"第{n}条")) for n in
             [*zh, "十一", "十二", "十三", "十四", "十五", "十六", "十七", "十八", "十九"]}
    order = sorted((i, h) for h, i in heads.items() if i >= 0)
    for r in RULES:
        if r.source != MEASURES or "、" in r.article:
            continue
        head = re.match(r"第[一二三四五六七八九十]+条", r.article)[0]
        start = heads[head]
        end = next((i for i, _ in order if i > start), len(TEXT))
        first = normalise(r.clause.split("……")[0])
        assert start <= TEXT.find(first, start) < end, (r.id, r.article)
