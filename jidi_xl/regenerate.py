"""``jidi-xl regenerate [--check]``: rebuild every generated file of the checkout, or (``--check``) write nothing
and list each file that differs from what its generator makes now.

One table, :data:`TARGETS`: each generated file (or family of files) with the generator that makes it, as a
function returning ``{path: bytes}`` — nothing is written by a generator itself, so ``--check`` and a rebuild
compare and write the same bytes. The generators keep their own commands (shown beside each target, and
still usable alone); this module only gathers them.

In order (a later target reads what an earlier one makes):

0. the case format's JSON Schema ``jidi_xl/schema/case.schema.json`` (``python -m jidi_xl.fields``, from the
   field catalogue);
1. the example cases ``examples/*.json`` (``examples/make_examples.py``, data from :mod:`jidi_xl.synth`);
2. the standard workbook and one sample per example (``python -m workbooks.generate``);
3. the pages generated from declarations: ``docs/workbook.md`` (``python -m workbooks.docs``),
   ``docs/udfs.md`` (``python -m udfs.gen_docs``), ``docs/rules.md`` (``python -m jidi_xl.rules.docs``) and the generated blocks of ``docs/case-format.md`` and
   ``docs/report-format.md`` (``docs/make_docs.py``);
4. the Excel add-in ``udfs/addin/jidi_xl_addin.xlam`` (``python -m udfs.addin.build_addin``).

Not here, on purpose (written down where the choice is made):

* ``examples/expected/results.json`` — the expected verdicts are the examples' test oracle, written by a
  person from the Measures; generating them from the engine would make ``tests/test_examples.py`` check the
  engine against itself;
* ``benchmarks/results.json`` and the screenshots/sample report of ``docs/`` — measurements and pictures of
  one run on one machine (LibreOffice under Xvfb, fonts), not byte-reproducible;
* the LibreOffice extension — built on demand (``jidi-xl addin build --libreoffice``), never committed.

A rebuild writes only the files whose bytes change (each atomically: a temporary name, then a rename) and
removes a sample workbook whose example case is gone, as ``python -m workbooks.generate`` does.
"""
from __future__ import annotations

import importlib.util
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Callable

from udfs import gen_docs
from jidi_xl import fields
from jidi_xl.rules import docs as rules_docs
from jidi_xl.ruleset import load_ruleset
from udfs.addin import build_addin
from workbooks import SAMPLES_DIR, TEMPLATE_PATH
from workbooks import docs as workbook_docs
from workbooks.generate import example_cases, sample_bytes, template_bytes

ROOT = Path(__file__).resolve().parent.parent


class NotACheckout(Exception):
    """The package runs from an installation without the checkout's examples/ and docs/ folders."""


@dataclass(frozen=True)
class Target:
    name: str                                         # Chinese, with English beside it
    command: str                                      # the generator's own command
    build: Callable[[Path], dict[Path, bytes]]        # checkout root -> {file: the bytes it should hold}
    extra: Callable[[Path, set[Path]], list[Path]] | None = None   # files of the family that no longer belong


def _script(root: Path, relative: str) -> ModuleType:
    """A generator script of the checkout (``docs/``, ``examples/`` are folders of scripts, not packages)."""
    path = root / relative
    if not path.is_file():
        raise NotACheckout(f"{path} 不存在 (not found): regenerate 只能在 jidi-xl 的源码目录中运行 "
                           "(run it in a checkout of jidi-xl, not an installed copy)")
    spec = importlib.util.spec_from_file_location(f"_jidi_regen_{path.stem}", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _examples(root: Path) -> dict[Path, bytes]:
    mk = _script(root, "examples/make_examples.py")
    return {root / "examples" / f"{stem}.json": (mk.dumps(case) + "\n").encode("utf-8")
            for stem, case in mk.examples().items()}


def _workbooks(root: Path) -> dict[Path, bytes]:
    out = {TEMPLATE_PATH: template_bytes()}
    for path, sid in example_cases(root / "examples"):
        out[SAMPLES_DIR / f"{sid}.xlsx"] = sample_bytes(path)
    return out


def _stale_samples(root: Path, wanted: set[Path]) -> list[Path]:
    return [p for p in sorted(SAMPLES_DIR.glob("*.xlsx")) if p not in wanted]


def _schema(root: Path) -> dict[Path, bytes]:
    return {fields.SCHEMA_PATH: fields.schema_text(load_ruleset()).encode("utf-8")}


def _rules_page(root: Path) -> dict[Path, bytes]:
    return {rules_docs.DOC: rules_docs.render().encode("utf-8")}


def _workbook_page(root: Path) -> dict[Path, bytes]:
    return {workbook_docs.DOC_PATH: workbook_docs.render().encode("utf-8")}


def _udf_page(root: Path) -> dict[Path, bytes]:
    return {gen_docs.DOC: gen_docs.render().encode("utf-8")}


def _doc_blocks(root: Path) -> dict[Path, bytes]:
    md = _script(root, "docs/make_docs.py")
    return {path: md.fill(path.read_text(encoding="utf-8"), new).encode("utf-8")
            for path, new in md.generated().items()}


def _addin(root: Path) -> dict[Path, bytes]:
    return {build_addin.ADDIN: build_addin.build()}


TARGETS: tuple[Target, ...] = (
    Target("案例格式的 JSON Schema (jidi_xl/schema/case.schema.json)", "python -m jidi_xl.fields", _schema),
    Target("示例案例 (example cases)", "python examples/make_examples.py", _examples),
    Target("标准评价工作簿及示例工作簿 (standard workbook and samples)", "python -m workbooks.generate", _workbooks,
           _stale_samples),
    Target("工作簿说明 (docs/workbook.md)", "python -m workbooks.docs", _workbook_page),
    Target("函数目录 (docs/udfs.md)", "python -m udfs.gen_docs", _udf_page),
    Target("规则与解读 (docs/rules.md)", "python -m jidi_xl.rules.docs", _rules_page),
    Target("文档中的生成段落 (generated blocks of docs/*.md)", "python docs/make_docs.py", _doc_blocks),
    Target("Excel 加载项 (udfs/addin/jidi_xl_addin.xlam)", "python -m udfs.addin.build_addin", _addin),
)


@dataclass
class Outcome:
    differing: list[tuple[Path, str]]      # (file, what: 内容不同 / 缺失 / 多余), in target order
    written: list[Path]
    removed: list[Path]


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def regenerate(check: bool, root: Path = ROOT, targets: tuple[Target, ...] = TARGETS,
               progress: Callable[[str], None] | None = None) -> Outcome:
    """Build every target; with ``check`` write nothing, else write what changed. Raises :class:`NotACheckout`."""
    if not (root / "examples").is_dir() or not (root / "docs").is_dir():
        raise NotACheckout(f"{root} 不是 jidi-xl 的源码目录（缺少 examples/ 或 docs/）"
                           "(not a checkout: examples/ or docs/ missing)")
    out = Outcome([], [], [])
    for t in targets:
        if progress:
            progress(f"{t.name} …")
        files = t.build(root)
        for path, data in files.items():
            have = path.read_bytes() if path.is_file() else None
            if have == data:
                continue
            if check:
                out.differing.append((path, "缺失 missing" if have is None else "内容不同 differs"))
            else:
                _write_atomically(path, data)
                out.written.append(path)
        for path in (t.extra(root, set(files)) if t.extra else []):
            if check:
                out.differing.append((path, "多余 no longer generated"))
            else:
                path.unlink()
                out.removed.append(path)
    return out
