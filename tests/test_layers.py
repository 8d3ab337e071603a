"""Layers that read one way (issue 10, item 6): every import of every module of the package, read with ``ast``
(function-local imports included), goes downwards only; test-only tooling is not imported at start-up.

The layers, bottom up (``jidi_xl/pipeline/__init__.py`` explains them):

    base       jidi_xl (the package), jidi_xl.errors
    engine     jidi_xl.engine — generic .xlsx machinery: nothing of the rules, the UDFs or the workbook
    rules      the rules layer: case, values, results, ruleset, rules, evaluate, calendar, the field
               catalogue and readings; the verdict text ``jidi_xl.report`` (the package's ``__init__`` only,
               which the workbook layer reads for ``stars_text``)
    udfs       the UDF core: registry, functions, adapters, tables, context
    workbooks  layout, generator, reader, expected values, the standard workbook's package limits
    hosts      the UDFs' hosts: udfs.host (the evaluate button of every host reads the workbook), udfs.excel,
               udfs.libreoffice (the extension built from the registry, the copy LibreOffice binds)
    pipeline   jidi_xl.pipeline — the engine joined to the registry, the workbook and the LibreOffice host
    faces      jidi_xl.report.* (check, batch, documents), jidi_xl.cli, jidi_xl.regenerate, udfs.gen_docs,
               udfs.addin (install, bundle, doctor), jidi_xl_addin
    tooling    jidi_xl.synth — the case synthesiser of the examples, the benchmark and the tests: it may read
               the rules layer; of the package only ``jidi_xl.regenerate`` (which rebuilds the examples) may
               import it

A new module must be placed in :data:`LAYER_OF` (the test says so): where a module sits is a decision.
"""
from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("jidi_xl", "udfs", "workbooks")
SINGLE_MODULES = ("jidi_xl_addin",)

# module (exact) or package (prefix, ending in ".") -> layer; the longest match wins
LAYER_OF: dict[str, str] = {
    "jidi_xl": "base", "jidi_xl.errors": "base",
    "jidi_xl.engine": "engine", "jidi_xl.engine.": "engine",
    **{m: "rules" for m in ("jidi_xl.calendar", "jidi_xl.values", "jidi_xl.case", "jidi_xl.results",
                            "jidi_xl.ruleset", "jidi_xl.rules", "jidi_xl.rules.", "jidi_xl.evaluate",
                            "jidi_xl.fields", "jidi_xl.checks", "jidi_xl.texts", "jidi_xl.catalogue", "jidi_xl.catalogue.", "jidi_xl.readings",
                            "jidi_xl.report")},
    "udfs": "udfs", **{f"udfs.{m}": "udfs" for m in ("registry", "functions", "adapters", "tables", "context")},
    "workbooks": "workbooks", "workbooks.": "workbooks",
    "jidi_xl.pipeline": "pipeline", "jidi_xl.pipeline.": "pipeline",
    **{m: "hosts" for m in ("udfs.host", "udfs.excel", "udfs.libreoffice", "udfs.libreoffice.")},
    **{m: "faces" for m in ("jidi_xl.report.", "jidi_xl.cli", "jidi_xl.regenerate", "udfs.gen_docs", "udfs.addin",
                            "udfs.addin.", "jidi_xl_addin")},
    "jidi_xl.synth": "tooling",
}

BELOW_PIPELINE = {"base", "engine", "rules", "udfs", "workbooks"}
MAY_IMPORT: dict[str, set[str]] = {
    "base": {"base"},
    "engine": {"base", "engine"},
    "rules": {"base", "rules"},
    "udfs": {"base", "rules", "udfs"},
    "workbooks": BELOW_PIPELINE,
    "hosts": BELOW_PIPELINE | {"hosts"},
    "pipeline": BELOW_PIPELINE | {"hosts", "pipeline"},
    "faces": BELOW_PIPELINE | {"hosts", "pipeline", "faces"},
    "tooling": {"base", "rules", "tooling"},
}
# the one module of the package above the tooling that may use it: it rebuilds the examples from the synthesiser
MAY_IMPORT_TOOLING = {"jidi_xl.regenerate"}
# inside the rules layer: the rules read the case, the results and the rule-set (and the shared helpers), never
# the evaluation that runs them nor the verdict text
RULES_MAY_NOT = ("jidi_xl.evaluate", "jidi_xl.report")

# not the package's: imported at start-up by no command (tests/, hypothesis, pytest, the hostile corpus…)
TEST_ONLY = ("tests", "hypothesis", "pytest", "_pytest", "make_corpus", "faces", "conftest", "jidi_xl.synth")
ENTRY_POINTS = ("jidi_xl.cli", "jidi_xl.report.batch", "jidi_xl.report.check", "jidi_xl.pipeline.standard",
                "jidi_xl.pipeline.crosscheck", "workbooks.reader", "workbooks.generate", "udfs.functions",
                "udfs.libreoffice")


def layer(module: str) -> str | None:
    best = None
    for key, value in LAYER_OF.items():
        hit = module == key or (key.endswith(".") and module.startswith(key))
        if hit and (best is None or len(key) > len(best[0])):
            best = (key, value)
    return best[1] if best else None


def _module_files() -> dict[str, Path]:
    out: dict[str, Path] = {}
    for pkg in PACKAGES:
        for p in sorted((ROOT / pkg).rglob("*.py")):
            parts = list(p.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts = parts[:-1]
            out[".".join(parts)] = p
    for m in SINGLE_MODULES:
        if (ROOT / f"{m}.py").exists():
            out[m] = ROOT / f"{m}.py"
    return out


MODULES = _module_files()


def _imports(module: str, path: Path) -> list[tuple[int, str]]:
    """(line, imported project module) for every import in the file, at any depth (function-local too)."""
    is_pkg = path.name == "__init__.py"
    package = module if is_pkg else module.rpartition(".")[0]
    found: list[tuple[int, str]] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            for a in node.names:            # ``from pkg import module`` imports the submodule
                sub = f"{target}.{a.name}"
                found.append((node.lineno, sub if sub in MODULES else target))
    return [(line, m) for line, m in found if m.split(".")[0] in PACKAGES + SINGLE_MODULES]


def test_every_module_has_a_layer():
    unplaced = [m for m in MODULES if layer(m) is None]
    assert not unplaced, f"place these modules in a layer (tests/test_layers.py, LAYER_OF): {unplaced}"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_go_downwards(module):
    mine = layer(module)
    if mine is None:
        pytest.fail(f"{module}: not placed in a layer (LAYER_OF)")
    wrong = []
    for line, target in _imports(module, MODULES[module]):
        theirs = layer(target)
        if theirs is None:
            wrong.append(f"{MODULES[module].relative_to(ROOT)}:{line}: {target} (no layer)")
        elif theirs == "tooling" and module in MAY_IMPORT_TOOLING:
            continue
        elif theirs not in MAY_IMPORT[mine]:
            wrong.append(f"{MODULES[module].relative_to(ROOT)}:{line}: {mine} imports {target} ({theirs})")
        elif module.startswith("jidi_xl.rules") and target.startswith(RULES_MAY_NOT):
            wrong.append(f"{MODULES[module].relative_to(ROOT)}:{line}: a rule imports {target}")
    assert not wrong, "imports against the layering:\n" + "\n".join(wrong)


def test_the_engine_knows_no_rule_udf_or_workbook():
    """The headline of item 6, said plainly: nothing under jidi_xl/engine imports the rules, udfs or workbooks."""
    bad = [(m, line, t) for m in MODULES if layer(m) == "engine" for line, t in _imports(m, MODULES[m])
           if layer(t) not in ("base", "engine")]
    assert not bad
    assert sum(layer(m) == "engine" for m in MODULES) >= 10


@pytest.mark.parametrize("entry", ENTRY_POINTS)
def test_no_test_tooling_at_start_up(entry):
    """Importing a command or an engine entry point loads nothing of the tests' tooling."""
    code = f"import json, sys, {entry}; print(json.dumps(sorted(sys.modules)))"
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    loaded = json.loads(proc.stdout.strip().splitlines()[-1])
    leaked = sorted(m for m in loaded if any(m == t or m.startswith(t + ".") for t in TEST_ONLY))
    assert not leaked, f"import {entry} loads test-only tooling: {leaked}"


def test_every_test_folder_is_a_package():
    """Each folder of tests/ is a package (``__init__.py``), so pytest imports every ``conftest.py`` under a
    name of its own (``tests.workbook.conftest``, ``tests.rules.conftest``…), never as the one top-level
    ``conftest`` whose functions a process pool could not pickle by name (the PicklingError of
    ``pytest tests/workbook/test_workbook_formulas.py tests/rules/test_art17.py``); the same holds for test
    modules of the same name in two folders. A folder added without one fails here."""
    tests = ROOT / "tests"
    missing = sorted(str(d.relative_to(ROOT)) for d in [tests, *tests.rglob("*")]
                     if d.is_dir() and d.name != "__pycache__" and any(d.glob("*.py"))
                     and not (d / "__init__.py").exists())
    assert not missing, f"add an empty __init__.py to: {missing}"


def test_marker_table_names_real_tests():
    """Every entry of the marker table (tests/conftest.py) is a folder, module or test function that exists."""
    from tests.conftest import MARKS

    gone = []
    for key in MARKS:
        path, _, test = key.partition("::")
        p = ROOT / path
        if not p.exists():
            gone.append(key)
        elif test and test not in {n.name for n in ast.walk(ast.parse(p.read_text(encoding="utf-8")))
                                   if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))}:
            gone.append(key)
    assert not gone, f"tests/conftest.py MARKS names tests that do not exist: {gone}"
