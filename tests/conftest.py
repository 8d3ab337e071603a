"""The markers ``libreoffice`` and ``slow`` (declared in pyproject.toml) of the tests written before them.

:data:`MARKS` is the one table: a test folder (``tests/crosscheck/``), a module, or ``module::test`` (every
parametrisation of it) → its markers. New tests mark themselves (``@pytest.mark.slow``); this table marks the
existing ones without editing their files (several belong to the parallel branches of issue 10).
``tests/test_layers.py::test_marker_table_names_real_tests`` keeps it from naming tests that are gone.

    python3 -m pytest -m "not slow and not libreoffice"     # the quick part
    python3 -m pytest -m libreoffice                        # only what starts LibreOffice

``libreoffice``: the test starts soffice (each of these is skipped, with the reason, where LibreOffice is not
installed). ``slow``: measured above ~20 s on the 2-core machine (``--durations``, 2026-12-01, shared by
five sessions, so the figures are high), for the test
itself rather than a fixture shared with quick tests (deselecting those would save nothing: the workbook
folder's books are built once for the session by whichever test comes first).
"""
from __future__ import annotations

import pytest

MARKS: dict[str, tuple[str, ...]] = {
    # LibreOffice as the second engine, the extension, the screenshot (measured: the module's checker 126 s,
    # the CLI over template and samples 60 s, a difference 38 s, the screenshot 16 s)
    "tests/crosscheck/test_crosscheck_standard.py": ("libreoffice", "slow"),
    "tests/crosscheck/test_crosscheck_cli.py::test_template_and_every_sample_agree": ("libreoffice", "slow"),
    "tests/crosscheck/test_crosscheck_cli.py::test_a_difference_is_printed_and_exits_1": ("libreoffice", "slow"),
    "tests/crosscheck/test_screenshot.py": ("libreoffice",),
    "tests/libreoffice/": ("libreoffice",),
    "tests/engine/test_engine_libreoffice.py": ("libreoffice",),
    "tests/engine/test_engine_crosscheck.py::test_every_formula_cell_agrees": ("libreoffice",),
    "tests/engine/test_engine_crosscheck.py::test_a_wrong_engine_value_is_reported": ("libreoffice",),
    "tests/engine/test_engine_crosscheck.py::test_a_cell_the_engine_lacks_is_reported": ("libreoffice",),
    "tests/engine/test_engine_crosscheck.py::test_a_run_that_did_not_recalculate_is_refused": ("libreoffice",),
    "tests/udfs/test_udf_parity.py::test_libreoffice_is_the_third_runtime": ("libreoffice",),
    "tests/report/test_report_batch.py::test_the_summary_prints_on_a4_with_each_chart_whole_on_one_page":
        ("libreoffice",),
    # slow (measured): the property test ≈ 9 min; Excel-saved variants 13–32 s each; the template compile 10–14 s
    "tests/property/": ("slow",),
    "tests/engine/test_engine_excel_saved.py::test_excel_saved_variant_same_values": ("slow",),
    "tests/engine/test_engine_recalc.py::test_compile_template_matches_full_recalc": ("slow",),
    "tests/engine/test_engine_recalc.py::test_compile_template_timing": ("slow",),
    # doctor runs the installed add-in's checks in fresh processes: 22–30 s each
    "tests/setup/test_setup_doctor.py::test_output_survives_a_gbk_console": ("slow",),
    "tests/setup/test_setup_doctor.py::test_a_broken_setup_shows_a_named_cross_and_the_fix": ("slow",),
    "tests/setup/test_setup_doctor.py::test_on_linux_the_excel_checks_are_skipped_and_named": ("slow",),
}


def _applies(key: str, nodeid: str) -> bool:
    if key.endswith("/"):
        return nodeid.startswith(key)
    if "::" not in key:
        return nodeid == key or nodeid.startswith(key + "::")
    return nodeid == key or nodeid.startswith(key + "[") or nodeid.startswith(key + "::")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        for key, marks in MARKS.items():
            if _applies(key, item.nodeid):
                for m in marks:
                    item.add_marker(getattr(pytest.mark, m))
