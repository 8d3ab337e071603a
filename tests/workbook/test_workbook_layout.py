"""The layout is consistent with the rules, the UDF table contracts and itself."""
from __future__ import annotations

from jidi_xl.rules import RULE_IDS
from udfs.tables import PENALTY_COLUMNS, REVOCATION_COLUMNS, ROSTER_COLUMNS, STAFF_COLUMNS
from workbooks.layout import KINDS, LAYOUT, OVERRIDABLE, ROSTER_FIELDS, list_for


def test_every_overridable_rule_has_an_override_row():
    assert [c.rule for c, _ in OVERRIDABLE] == RULE_IDS


def test_table_blocks_follow_the_udf_column_contracts():
    for block, cols in (("in_roster", ROSTER_COLUMNS), ("in_staff", STAFF_COLUMNS),
                        ("in_penalties", PENALTY_COLUMNS), ("in_revocations", REVOCATION_COLUMNS)):
        n = LAYOUT[block]
        assert n.ncols == len(cols), block
        heads = {s.value for s in LAYOUT.statics if s.sheet == n.sheet and s.row == n.row - 1
                 and n.col <= s.col < n.col + n.ncols}
        assert heads == set(cols), block
    assert LAYOUT["in_roster"].nrows == 1000 and len(ROSTER_FIELDS) == 9


def test_input_cells_do_not_overlap_and_have_known_kinds():
    seen: dict[tuple, str] = {}
    for n in LAYOUT.inputs():
        assert n.kind in KINDS, (n.name, n.kind)
        if n.kind in ("group", "table"):
            continue
        for r, c in n.cells():
            assert (n.sheet, r, c) not in seen, (n.name, seen.get((n.sheet, r, c)))
            seen[(n.sheet, r, c)] = n.name
    formulas = {(f.sheet, f.row, f.col) for f in LAYOUT.formulas}
    assert not formulas & set(seen)


def test_group_names_cover_their_member_cells():
    for group, first, k in (("in_art6_1_flags", "in_independent_legal_person", 3), ("in_art6_3_flags", "in_project_approval_complete", 3),
                            ("in_art6_6_flags", "in_governance_structure", 4), ("in_art6_7_flags", "in_management_rules", 5),
                            ("in_art6_10_flags", "in_station_office", 4), ("in_service_functions", "in_sf_startup_coaching", 8),
                            ("in_encouraged", "in_enc_high_growth", 4), ("in_leading", "in_leading_1", 2)):
        g, f = LAYOUT[group], LAYOUT[first]
        assert (g.sheet, g.row, g.col, g.nrows) == (f.sheet, f.row, f.col, k), group


def test_every_enumerated_kind_has_a_list():
    for n in LAYOUT.inputs():
        if n.kind == "bool" or n.kind.startswith("code:") or n.kind in ("sector", "outcome"):
            assert list_for(n.kind) in LAYOUT.names, n.name


def test_names_are_valid_excel_names():
    import re
    for name in LAYOUT.names:
        assert re.fullmatch(r"(in|out|lst|info)_[a-z0-9_]+", name), name
        assert not re.fullmatch(r"[A-Za-z]{1,3}\d+", name)          # not a cell reference
