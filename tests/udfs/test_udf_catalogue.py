"""docs/udfs.md is exactly what udfs/gen_docs.py generates from the registry."""
from __future__ import annotations

from udfs import gen_docs, tables
from udfs.registry import REGISTRY


def test_committed_catalogue_is_generated():
    assert gen_docs.DOC.read_text(encoding="utf-8") == gen_docs.render(), "run: python -m udfs.gen_docs"


def test_catalogue_covers_every_function_and_column():
    text = gen_docs.render()
    for name, u in REGISTRY.items():
        assert f"### {name}\n" in text and u.description in text
        for a in u.args:
            assert a.doc in text
    columns = [c for _, attr, _ in gen_docs.TABLES for c in getattr(tables, attr)]
    assert columns == [*tables.ROSTER_COLUMNS, *tables.PENALTY_COLUMNS, *tables.STAFF_COLUMNS, *tables.REVOCATION_COLUMNS]
    assert set(gen_docs.COLUMN_VALUES) <= set(columns)      # a renamed column cannot keep a stale description
    assert "输入错误：" in text and "内部错误：" in text
