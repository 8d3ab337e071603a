"""Hypothesis profile and the one engine of the property tests.

The profile ``jidi-ci`` keeps the runs deterministic in CI and leaves no example database behind
(``derandomize=True``, ``database=None``); no deadline, since a generated case with a 150-firm roster takes
longer than hypothesis' default 200 ms through three faces. Loaded here, it applies to tests/property only
(the rest of the suite has no hypothesis tests).
"""
from __future__ import annotations

import pytest
from hypothesis import settings

settings.register_profile("jidi-ci", database=None, derandomize=True, deadline=None, print_blob=True)
settings.load_profile("jidi-ci")


@pytest.fixture(scope="module")
def engine():
    """One StandardEngine, its template compiled once for the whole module."""
    from jidi_xl.pipeline.standard import StandardEngine

    eng = StandardEngine()
    eng._compiled_template()
    return eng
