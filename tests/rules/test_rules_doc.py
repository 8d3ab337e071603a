"""docs/rules.md is exactly what jidi_xl/rules/docs.py generates from the rule declarations and the readings."""
from __future__ import annotations

from jidi_xl.readings import READINGS
from jidi_xl.rules import RULES, docs


def test_committed_page_is_generated():
    assert docs.DOC.read_text(encoding="utf-8") == docs.render(), "run: python -m jidi_xl.rules.docs"


def test_page_lists_every_rule_and_reading():
    page = docs.render()
    for r in RULES:
        assert f"| `{r.id}` | {r.article} | {r.title} |" in page
    for k, rd in READINGS.items():
        assert f"| `{k}` | {rd.section} |" in page


def test_check_mode_reports_a_stale_page(tmp_path, monkeypatch, capsys):
    stale = tmp_path / "rules.md"
    stale.write_text("stale\n", encoding="utf-8")
    monkeypatch.setattr(docs, "DOC", stale)
    assert docs.main(["--check"]) == 1
    assert "out of date" in capsys.readouterr().err
    assert docs.main([]) == 0 and docs.main(["--check"]) == 0
