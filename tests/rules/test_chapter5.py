"""第五章 第十五条 — revocation for false materials, criminal/serious administrative penalty, or serious dishonesty,
with a two-year ban: an application whose reference date is before revocation + 2 years is barred.
Decision (spec §8): revocation for failing the evaluation (第十四条) carries NO ban.

The boundary tables are data: ``tests/cases/art15_reapplication_ban.yaml`` and ``tests/cases/art15_triggers.yaml``.
"""
from datetime import date

from jidi_xl.rules import ban_end

D = date.fromisoformat


def test_parameter(rs):
    assert rs.p("art15.ban_years") == 2


def test_ban_end_is_the_first_allowed_day(rs):
    assert ban_end(rs, D("2023-03-10")) == D("2025-03-10")
    assert ban_end(rs, D("2024-02-29")) == D("2026-02-28")
