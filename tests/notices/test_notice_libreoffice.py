"""LibreOffice's add-in evaluates a notice's workbook under the rule-set the document records (info_ruleset):
a real LibreOffice with the extension installed into a private profile."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from jidi_xl.cli import main
from jidi_xl.pipeline.standard import StandardEngine
from jidi_xl.ruleset import DEFAULT_RULESET, known_notices
from udfs.libreoffice import build_extension

from ..libreoffice.available import pytestmark  # noqa: F401 — skipped where LibreOffice is not installed
from .test_notice_workbooks import retag

YEAR = known_notices()[0]
KEY = f"{DEFAULT_RULESET}@{YEAR}"


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    from udfs.libreoffice.office import Office

    d = tmp_path_factory.mktemp("lo-notice")
    oxt = build_extension(d / "jidi.oxt")
    r = CliRunner().invoke(main, ["addin", "install", "--libreoffice", "--profile", str(d / "profile"), "--oxt", str(oxt)])
    assert r.exit_code == 0, r.output
    o = Office(d / "profile")
    yield o
    o.close()


@pytest.fixture(scope="module")
def book(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("lo-book") / f"{YEAR}.xlsx"
    r = CliRunner().invoke(main, ["workbook", "--notice", str(YEAR), "-o", str(path)])
    assert r.exit_code == 0, r.output
    return path


NAMES = ["out_recognition_verdict", "out_grade", "out_art6_4", "out_trimmed_mean", "out_n", "out_art7_count"]


def test_a_notice_workbook_computes_in_libreoffice_as_headless(office, book, tmp_path):
    copy = tmp_path / "copy.xlsx"
    shutil.copyfile(book, copy)
    got = office.run([{"op": "load", "path": str(copy)}, {"op": "recalc"}, {"op": "read_named", "names": NAMES},
                      {"op": "close"}])[2]
    from workbooks.layout import LAYOUT

    result, _ = StandardEngine(fast=False).recalc(book)
    for n in NAMES:
        nm = LAYOUT[n]
        assert (got[n] or "") == (result.values.get((nm.sheet, nm.ref)) or ""), n
    assert not any(str(v).startswith("输入错误") for v in got.values())


def test_libreoffice_reads_the_documents_recorded_notice(office, book, tmp_path):
    """The same workbook recording a notice the package does not know: every JIDI_ cell says so in LibreOffice
    (the add-in read the document's info_ruleset, not a default)."""
    bad = tmp_path / "bad.xlsx"
    retag(book, bad, KEY, f"{DEFAULT_RULESET}@2031")
    got = office.run([{"op": "load", "path": str(bad)}, {"op": "recalc"}, {"op": "read_named", "names": NAMES},
                      {"op": "close"}])[2]
    for n in ("out_trimmed_mean", "out_n", "out_art7_count"):       # cells that call a JIDI_ function unguarded
        assert str(got[n]).startswith("输入错误") and "2031" in str(got[n]), (n, got[n])
