"""``jidi-xl regenerate [--check]``: every generated file of the checkout is what its generator makes now, and
the check lists what differs without writing (the machinery on a small real target in a temporary folder)."""
from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from jidi_xl.cli import main
from jidi_xl.regenerate import TARGETS, NotACheckout, Target, regenerate


@pytest.mark.slow
def test_the_checkout_is_current():
    """Every generated file committed is byte for byte what ``jidi-xl regenerate`` would write (≈1–3 min:
    the template and every sample are generated and recalculated)."""
    res = CliRunner().invoke(main, ["regenerate", "--check"])
    assert res.exit_code == 0, res.output
    assert "全部生成文件均为最新" in res.output


def _tree(tmp_path: Path) -> Path:
    for d in ("examples", "docs"):
        (tmp_path / d).mkdir()
    (tmp_path / "docs" / "same.md").write_bytes(b"same\n")
    (tmp_path / "docs" / "stale.md").write_bytes(b"old\n")
    (tmp_path / "docs" / "gone.md").write_bytes(b"no longer generated\n")
    return tmp_path


def _target(root: Path) -> Target:
    return Target("测试 (test)", "-", lambda r: {r / "docs" / "same.md": b"same\n", r / "docs" / "stale.md": b"new\n",
                                                r / "docs" / "new.md": b"made\n"},
                  lambda r, wanted: [p for p in sorted((r / "docs").glob("*.md")) if p not in wanted])


def test_check_lists_every_difference_and_writes_nothing(tmp_path):
    root = _tree(tmp_path)
    before = {p.name: p.read_bytes() for p in (root / "docs").iterdir()}
    res = regenerate(True, root, (_target(root),))
    assert [(p.name, what.split()[0]) for p, what in res.differing] == [
        ("stale.md", "内容不同"), ("new.md", "缺失"), ("gone.md", "多余")]
    assert {p.name: p.read_bytes() for p in (root / "docs").iterdir()} == before
    assert res.written == [] and res.removed == []


def test_a_rebuild_writes_what_changed_then_the_check_is_clean(tmp_path):
    root = _tree(tmp_path)
    same = root / "docs" / "same.md"
    mtime = same.stat().st_mtime_ns
    res = regenerate(False, root, (_target(root),))
    assert sorted(p.name for p in res.written) == ["new.md", "stale.md"]
    assert [p.name for p in res.removed] == ["gone.md"]
    assert (root / "docs" / "stale.md").read_bytes() == b"new\n"
    assert same.stat().st_mtime_ns == mtime                      # an unchanged file is not rewritten
    assert not list((root / "docs").glob(".*.tmp"))
    assert regenerate(True, root, (_target(root),)).differing == []


def test_outside_a_checkout_it_says_so(tmp_path):
    with pytest.raises(NotACheckout, match="源码目录"):
        regenerate(True, tmp_path, (_target(tmp_path),))


def test_every_generator_with_a_check_of_its_own_is_a_target():
    """The generators the tests check one by one (``--check`` of each) are all gathered here."""
    commands = {t.command for t in TARGETS}
    assert {"python -m workbooks.generate", "python -m workbooks.docs", "python -m udfs.gen_docs",
            "python docs/make_docs.py", "python -m udfs.addin.build_addin",
            "python examples/make_examples.py"} <= commands
