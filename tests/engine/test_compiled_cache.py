"""The compiled template kept on disk (``jidi_xl.engine.store``, ``StandardEngine`` in ``jidi_xl.pipeline.standard``).

Real files throughout: the standard template really compiled and written to a cache folder under ``tmp_path``,
the file then read back, truncated, corrupted or written under another key; real samples recalculated through
the compiled template read from disk, built afresh, and (for a copy that is not clean) the full path; two real
``jidi-xl recalc`` processes racing on one empty cache folder. Speed is a benchmark's business
(``benchmarks/bench_batch.py``, the cold recalc); here only what makes it possible is asserted: a cold
process that finds the cache imports neither scipy nor openpyxl.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from python_calamine import CalamineWorkbook

from jidi_xl.engine import compiled, store
from jidi_xl.engine.recalc import Recalculator
from jidi_xl.pipeline.standard import StandardEngine
from udfs.registry import formulas_functions
from workbooks import SAMPLES_DIR, TEMPLATE_PATH

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = sorted(SAMPLES_DIR.glob("*.xlsx"))
BOOKS = [TEMPLATE_PATH, *SAMPLES]
SAMPLE = SAMPLES_DIR / "09_evaluation_fair.xlsx"


def _outcome(result) -> tuple:
    """Everything a recalculation says about a book: every formula cell's value, the error cells, the cells not
    computed and the UDFs that raised."""
    return (result.values, sorted(map(str, result.errors)), sorted(result.missing), sorted(map(str, result.udf_failures)))


def _no_error_values(result) -> None:
    assert not result.errors and not result.missing and not result.udf_failures, result.summary()


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """An engine that compiled the template and wrote it into an empty cache folder (``<xdg>/jidi-xl/compiled``,
    where ``XDG_CACHE_HOME=<xdg>`` finds it), and that folder's XDG root."""
    xdg = tmp_path_factory.mktemp("xdg")
    engine = StandardEngine(cache=xdg / "jidi-xl" / "compiled")
    engine._compiled_template()
    assert engine.compiled_from == "built" and engine.cache_path.is_file(), engine.cache_note
    return engine, xdg


@pytest.fixture(scope="module")
def reference(built):
    """The results of every book through the template compiled in this process."""
    engine, _ = built
    out = {}
    for book in BOOKS:
        result, how = engine.recalc(book)
        assert how == "template"
        _no_error_values(result)
        out[book.name] = _outcome(result)
    return out


def test_a_fresh_engine_reads_the_cache_and_gives_the_same_results(built, reference):
    engine, _ = built
    again = StandardEngine(cache=engine.cache_dir)
    for book in BOOKS:
        result, how = again.recalc(book)
        assert (how, again.compiled_from) == ("template", "cache"), again.cache_note
        assert _outcome(result) == reference[book.name], book.name


@pytest.mark.parametrize("book", [SAMPLE, SAMPLES_DIR / "12_art17_late_filing.xlsx"], ids=lambda p: p.stem)
def test_the_cached_template_agrees_with_the_full_path(built, reference, book):
    full, how = StandardEngine(fast=False, cache=False).recalc(book)
    assert how == "full"
    assert _outcome(full) == reference[book.name]


# -- a file that cannot be used is a miss, saying why ------------------------------------------------

def _header_only(data: bytes, key: dict, payload: bytes, pipe: bytes = b"") -> bytes:
    """A file with a valid header for ``key`` around the parts ``payload`` and ``pipe`` (their sizes and digests
    right)."""
    import hashlib

    parts = [{"size": len(x), "sha256": hashlib.sha256(x).hexdigest()} for x in (payload, pipe)]
    head = json.dumps({"key": store._full_key(key), "parts": parts}, sort_keys=True).encode()
    return store.MAGIC + store._LEN.pack(len(head)) + head + payload + pipe


def _parts(data: bytes) -> tuple[int, int, int]:
    """Where the parts of a cache file start (part 1, part 2) and end."""
    n = store._LEN.unpack_from(data, len(store.MAGIC))[0]
    at = len(store.MAGIC) + store._LEN.size + n
    first, _ = (p["size"] for p in json.loads(data[len(store.MAGIC) + store._LEN.size:at])["parts"])
    return at, at + first, len(data)


def _flip(data: bytes, at: int) -> bytes:
    return data[:at] + bytes([data[at] ^ 0xFF]) + data[at + 1:]


MISSES = [
    # (case, how the file is made from the good one's bytes and key, what the key asked for is, the reason given)
    ("another program version", lambda d, k: d, lambda k: {**k, "program": "0" * 64}, "stale (program"),
    ("another template", lambda d, k: d, lambda k: {**k, "template_sha256": "1" * 64}, "stale (template_sha256"),
    ("another rule-set key", lambda d, k: d, lambda k: {**k, "ruleset": "bj-2022@2099"}, "stale (ruleset"),
    ("other rule-set data files", lambda d, k: d, lambda k: {**k, "ruleset_data": "2" * 64}, "stale (ruleset_data"),
    ("a key field fewer", lambda d, k: d, lambda k: {x: v for x, v in k.items() if x != "ruleset"}, "stale (ruleset"),
    ("truncated", lambda d, k: d[:-4096], lambda k: k, "truncated or corrupt"),
    ("one byte of the pipe changed", lambda d, k: _flip(d, len(d) - 5000), lambda k: k, "the pipe's digest differs"),
    ("one byte of the plan changed", lambda d, k: _flip(d, _parts(d)[0] + 5000), lambda k: k, "the plan's digest differs"),
    ("a part cut out", lambda d, k: d[:_parts(d)[1]], lambda k: k, "truncated or corrupt"),
    ("cut inside the header", lambda d, k: d[:len(store.MAGIC) + 40], lambda k: k, "unreadable header"),
    ("empty", lambda d, k: b"", lambda k: k, "magic"),
    ("another file", lambda d, k: TEMPLATE_PATH.read_bytes(), lambda k: k, "magic"),
    ("header not JSON", lambda d, k: store.MAGIC + store._LEN.pack(3) + b"{{{" + d[-100:], lambda k: k,
     "unreadable header"),
    ("a pickle that does not load", lambda d, k: _header_only(d, k, b"\x80\x05garbage."), lambda k: k, "unloadable"),
    ("a pickle of something else", lambda d, k: _header_only(d, k, __import__("pickle").dumps({"a": 1})), lambda k: k,
     "not a CompiledTemplate"),
    ("a format-1 file (one pickle)", lambda d, k: _format1(d, k), lambda k: k, "stale (format"),
]


def _format1(data: bytes, key: dict) -> bytes:
    """What the previous format wrote: one pickle, the key's format 1."""
    import hashlib

    payload = data[_parts(data)[0]:]
    head = json.dumps({"key": {**store._full_key(key), "format": 1}, "size": len(payload),
                       "sha256": hashlib.sha256(payload).hexdigest()}, sort_keys=True).encode()
    return store.MAGIC + store._LEN.pack(len(head)) + head + payload


@pytest.mark.parametrize("case, make, asked, reason", MISSES, ids=[m[0] for m in MISSES])
def test_an_unusable_cache_file_is_a_miss_that_says_why(built, tmp_path, case, make, asked, reason):
    engine, _ = built
    path = tmp_path / engine.cache_path.name
    path.write_bytes(make(engine.cache_path.read_bytes(), engine.cache_key))
    with pytest.raises(store.CacheMiss) as caught:
        store.load(path, engine.recalculator, asked(engine.cache_key))
    assert reason in str(caught.value)


def test_another_library_version_is_a_miss(built, monkeypatch):
    engine, _ = built
    monkeypatch.setattr(store, "_ENV", {**store.environment(), "formulas": "0.0.0"})
    with pytest.raises(store.CacheMiss, match=r"stale \(formulas"):
        store.load(engine.cache_path, engine.recalculator, engine.cache_key)


def test_a_udf_the_reader_lacks_is_a_miss(built):
    engine, _ = built
    fewer = Recalculator({k: f for k, f in formulas_functions().items() if k != "JIDI_GRADE"})
    with pytest.raises(store.CacheMiss, match="JIDI_GRADE"):
        store.load(engine.cache_path, fewer, engine.cache_key)


def test_a_missing_file_is_a_miss(tmp_path, built):
    engine, _ = built
    with pytest.raises(store.CacheMiss, match="no file"):
        store.load(tmp_path / "nothing.pickle", engine.recalculator, engine.cache_key)


# -- …and is rebuilt, with the same results ---------------------------------------------------------

def _stale(engine: StandardEngine, good: bytes) -> None:
    tpl = store.loads(good, engine.recalculator, engine.cache_key)
    store.save(engine.cache_path, tpl, engine.recalculator, {**engine.cache_key, "program": "an older version"})


REBUILDS = [
    # (case, what is at the engine's cache path, the note, whether a good file is there afterwards)
    ("truncated", lambda e, good: e.cache_path.write_bytes(good[: len(good) // 2]), "truncated or corrupt", True),
    ("written by another version", _stale, "stale (program", True),
    ("folder not writable", None, "not written", False),
]


@pytest.mark.parametrize("case, spoil, note, kept", REBUILDS, ids=[r[0] for r in REBUILDS])
def test_a_stale_or_corrupt_cache_is_rebuilt_with_the_same_results(built, reference, tmp_path, case, spoil, note, kept):
    engine, _ = built
    good = engine.cache_path.read_bytes()
    if spoil is None:
        (tmp_path / "a file").write_text("not a folder")
        fresh = StandardEngine(cache=tmp_path / "a file" / "compiled")   # mkdir fails: the engine goes on
    else:
        fresh = StandardEngine(cache=tmp_path / "compiled")
        fresh.cache_path.parent.mkdir(parents=True)
        spoil(fresh, good)
    result, how = fresh.recalc(SAMPLE)
    assert (how, fresh.compiled_from) == ("template", "built")
    assert note in fresh.cache_note
    assert _outcome(result) == reference[SAMPLE.name]
    if kept:
        assert store.load(fresh.cache_path, fresh.recalculator, fresh.cache_key) is not None
        assert [p.name for p in fresh.cache_path.parent.iterdir()] == [fresh.cache_path.name]   # no temporary left
    else:
        assert not fresh.cache_path.exists()


# -- the file's two parts: a cold call reads the plan; schedula's pipe only when a call needs it -------------

def _from_file(built) -> StandardEngine:
    """A fresh engine whose compiled template was read from the cache file."""
    engine, _ = built
    again = StandardEngine(cache=engine.cache_dir)
    again._compiled_template()
    assert again.compiled_from == "cache", again.cache_note
    return again


def _flat_cells(tpl) -> list:
    plan = compiled._PLANS[tpl._fn]
    return [step[1] for step in plan[0] if isinstance(step[1], compiled._FlatCell)]


def test_reading_the_file_unpickles_the_plan_not_the_pipe(built):
    again = _from_file(built)
    tpl = again._compiled_template()
    source = tpl._fn._source
    assert source.fn is None and source.data is not None
    at, mid, end = _parts(again.cache_path.read_bytes())
    # the plan is a fraction of the file (≈0.9 of 3.3 MB: the single-cell wrappers of the flat run are closures, held
    # by value)
    assert (mid - at) * 2 < end - mid, (mid - at, end - mid)
    cells = _flat_cells(tpl)
    assert len(cells) > 200 and all(isinstance(c.cw, store._LazyCell) for c in cells)
    result, how = again.recalc(SAMPLE)
    _no_error_values(result)
    assert how == "template" and source.fn is None                   # a clean copy runs flat: part 2 stays unread


@pytest.mark.parametrize("book", BOOKS, ids=lambda p: p.stem)
def test_a_call_the_plan_hands_back_runs_schedulas_pipe_from_the_file(built, reference, book):
    """``JIDI_XL_SCHEDULA_PIPE=1``'s switch: every call is schedula's run of the pipe, read from part 2."""
    again = _from_file(built)
    old, compiled._FLAT = compiled._FLAT, False
    try:
        result, how = again.recalc(book)
    finally:
        compiled._FLAT = old
    assert how == "template" and again._compiled_template()._fn._source.fn is not None
    assert _outcome(result) == reference[book.name]


@pytest.mark.parametrize("book", [TEMPLATE_PATH, SAMPLE, SAMPLES_DIR / "12_art17_late_filing.xlsx"], ids=lambda p: p.stem)
def test_a_cell_the_plan_hands_back_runs_schedulas_cell_from_the_file(built, reference, book):
    """Every formula cell handed back by the flat run (its steps emptied: "output not reached") is computed by its
    own schedula run, read from part 2 — and the results are the flat run's."""
    again = _from_file(built)
    tpl = again._compiled_template()
    for cell in _flat_cells(tpl):
        cell.steps = []
    result, how = again.recalc(book)
    assert how == "template" and tpl._fn._source.fn is not None
    assert _outcome(result) == reference[book.name]


def test_a_pipe_that_fails_to_load_when_needed_says_so_and_the_file_is_removed(built, tmp_path):
    """Part 2 whole (its digest right) but not loadable: the call that needs it fails saying so, and the file goes,
    so that the next process rebuilds it."""
    engine, _ = built
    data = engine.cache_path.read_bytes()
    at, mid, _end = _parts(data)
    path = tmp_path / engine.cache_path.name
    path.write_bytes(_header_only(data, engine.cache_key, data[at:mid], b"\x80\x05garbage."))
    tpl = store.load(path, engine.recalculator, engine.cache_key)
    with pytest.raises(RuntimeError, match="does not load"):
        _ = tpl._fn.dsp
    assert not path.exists()


# -- a copy that is not clean takes the full path --------------------------------------------------

def test_a_copy_that_is_not_clean_takes_the_full_path_with_the_same_results(built, reference, tmp_path):
    """The same sample with one UDF call written the way Excel stores it (``_xludf.JIDI_…``): the structure check
    accepts it, its fingerprint is not the template's, so it is loaded whole — and computes the same."""
    engine, _ = built
    with zipfile.ZipFile(SAMPLE) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    changed = None
    for name, data in parts.items():
        if name.startswith("xl/worksheets/") and b"<f>JIDI_" in data:
            parts[name], changed = data.replace(b"<f>JIDI_", b"<f>_xludf.JIDI_", 1), name
            break
    assert changed
    book = tmp_path / SAMPLE.name
    with zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
    assert not engine.is_template_copy(book)
    result, how = engine.recalc(book)
    assert how == "full"
    assert _outcome(result) == reference[SAMPLE.name]


# -- processes ---------------------------------------------------------------------------------------

def _env(xdg: Path) -> dict[str, str]:
    return {**os.environ, "XDG_CACHE_HOME": str(xdg), "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get(
        "PYTHONPATH", "")]).rstrip(os.pathsep)}


def _cells(path: Path) -> dict[str, list]:
    wb = CalamineWorkbook.from_path(str(path))
    return {name: wb.get_sheet_by_name(name).to_python() for name in wb.sheet_names}


@pytest.mark.slow
def test_two_processes_racing_on_an_empty_cache_both_succeed(tmp_path):
    """Two cold ``jidi-xl recalc`` on one empty cache folder, started together: both build the compiled template
    and write it (temporary file + rename); both exit 0 with the same copy, and the file left is whole."""
    xdg = tmp_path / "xdg"
    procs = [subprocess.Popen([sys.executable, "-m", "jidi_xl.cli", "recalc", str(SAMPLE), "-o", str(tmp_path / f"{k}.xlsx")],
                              cwd=ROOT, env=_env(xdg), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
             for k in range(2)]
    outs = [p.communicate(timeout=300)[0] for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    assert all("模板快速路径" in o for o in outs), outs
    assert _cells(tmp_path / "0.xlsx") == _cells(tmp_path / "1.xlsx")
    files = list((xdg / "jidi-xl" / "compiled").iterdir())
    assert len(files) == 1 and files[0].suffix == ".pickle", files      # no temporary file left behind
    engine = StandardEngine(cache=files[0].parent)
    assert store.load(files[0], engine.recalculator, engine.cache_key) is not None


COLD = """
import json, sys
import jidi_xl.cli as cli
code = None
try:
    cli.main(["recalc", sys.argv[1], "-o", sys.argv[2]], standalone_mode=False)
except SystemExit as exc:
    code = exc.code
print(json.dumps({"code": code, "loaded": sorted(m for m in ("scipy", "openpyxl", "weasyprint") if m in sys.modules)}))
"""


def test_a_cold_process_that_finds_the_cache_imports_neither_scipy_nor_openpyxl(built, tmp_path):
    """What a cold ``recalc`` of a template copy no longer pays for: scipy (formulas' statistics module imports it;
    the cache holds those functions by value) and openpyxl (the lint, which a template copy does not need)."""
    engine, xdg = built
    mtime = engine.cache_path.stat().st_mtime_ns
    out = tmp_path / "out.xlsx"
    proc = subprocess.run([sys.executable, "-c", COLD, str(SAMPLE), str(out)], cwd=ROOT, env=_env(xdg),
                          capture_output=True, text=True, timeout=300)
    lines = proc.stdout.strip().splitlines()
    assert proc.returncode == 0 and lines, proc.stdout + proc.stderr
    report = json.loads(lines[-1])
    assert report == {"code": 0, "loaded": []}, proc.stdout + proc.stderr
    assert any("模板快速路径" in line for line in lines), proc.stdout
    assert engine.cache_path.stat().st_mtime_ns == mtime                 # read, not rebuilt
    assert _cells(out)                                                   # a copy was written
