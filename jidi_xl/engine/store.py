"""The compiled template kept on disk: a :class:`~.compiled.CompiledTemplate` written to a cache file once and read
back by a later process, so that a cold process does not load and compile the template again. Part of the
generic engine: the caller says what the file is keyed by (a mapping of plain values); this module adds what
the pickled objects depend on (Python, formulas, schedula, numpy, cloudpickle, the engine's own source).

How it is serialised, and why (measured on this 2-core machine, the standard template: 283 formula cells,
286 function nodes in the compiled pipe):

* ``formulas``/``schedula`` objects are built for pickling — ``ExcelModel.__getstate__`` keeps only the
  dispatcher, ``DispatchPipe.__getstate__``/``__setstate__`` drop and rebuild the pipe — but a cell's
  function is a closure (``formulas.functions.wrap_func`` & co.), which the standard pickle refuses
  ("Can't pickle <function bypass>: it's not the same object"). **cloudpickle** (a well-kept library, the
  one Dask and Ray use) pickles closures by value and everything importable by reference. (dill would do
  as well — schedula's own ``save_dispatcher`` uses it —; cloudpickle was chosen as the one already on this
  machine, pinned in ``pyproject.toml``.) ``ExcelModel.to_dict``/``from_dict`` would re-parse every formula:
  that is the load we want to skip.
* The UDFs are **not** in the file: each wrapped UDF is written as a persistent id (its name) and bound,
  when the file is read, to the UDF of the reading process's :class:`~.recalc.Recalculator` — the cache
  holds no rule code, and a UDF the reader does not have is a miss, never a stale function.
* ``formulas.functions.stat`` (``COUNTIF``, ``COUNTA``…) imports scipy.stats, scipy.linalg and
  scipy.interpolate at module level: measured ≈1 s of a cold start, more than everything else together, for
  functions none of which the template's formulas call into scipy for. Its functions are pickled by value
  (``cloudpickle.register_pickle_by_value``, for the dump only), so reading the file does not import scipy.
  The full path still imports it (formulas' ``get_functions`` imports every function module).
* A schedula ``Solution`` (an ``OrderedDict``) unpickles through ``Solution()``, which builds a throw-away
  ``Dispatcher`` and a second ``Solution`` and initialises a workflow — 1,135 of each in this template,
  half the loading time. It is rebuilt here with ``__new__`` and its saved state (what ``__init__`` would
  have overwritten anyway), with the same finaliser ``__init__`` registers.
* The cyclic garbage collector is paused while the file is read: unpickling creates ≈300,000 objects (the
  whole template; the flat plan alone a sixth of the containers), and the collections they trigger cost 4× the
  load itself (3.3 s against 0.6 s, measured under load). What was
  read is not frozen here (:func:`_gc_paused` says why); the owner of a long-lived template freezes it.

Two pickles in one file, so that a cold call reads a quarter of it (format 2; measured on the standard
template, warm imports: the whole template unpickled in 205–220 ms, the first part alone in 25–30 ms):

1. **the flat plan** — the template's own state (input feeds, output cells…) and the plan that
   ``CompiledTemplate._run_flat`` runs (:func:`.compiled._flat_template`: the steps of the compiled pipe, each
   formula cell a ``_FlatCell`` with its formula's operators). What the plan would otherwise drag in — each
   ``_FlatCell``'s schedula run of its cell (``cw``, for the calls it does not run flat) and the compiled
   ``DispatchPipe`` itself (``CompiledTemplate._fn``, for the calls the plan does not run) — is written as a
   *reference* to part 2: :class:`_LazyCell` (the function node's id in the pipe) and :class:`_LazyPipe`.
   A ``_FlatCell``'s argument parser (formulas' ``Cell._args``, a method of the cell whose ``func`` is that
   schedula run) is bound to a copy of the cell that keeps only what ``_args`` reads of ``func``: its
   ``inputs`` (:class:`_CellInputs`) — formulas' own code still parses the arguments.
2. **the compiled pipe** — schedula's ``DispatchPipe`` whole, as format 1 held it: unpickled (≈0.2 s) only
   when a call needs schedula's own run — a cell or a whole call the plan hands back (``_NotFlat``),
   ``JIDI_XL_SCHEDULA_PIPE=1``, an attribute of the pipe asked for — once per process, then kept. Its values
   are schedula's, exactly as before (``tests/engine/test_compiled_cache.py`` runs both).

The file: a magic line, a JSON header (the key; each part's size and SHA-256), the two pickles. Anything that
does not match — another key (version, template, rule-set…), a wrong size or digest of either part (truncated,
corrupt), a first part that does not load — is a :class:`CacheMiss` saying why, and the caller rebuilds. Both
digests are checked when the file is read (2 ms for 2.7 MB), so part 2 is read later from bytes already known
whole; should it still fail to load then (nothing the key covers has changed, so it cannot, short of a bug),
the call fails saying so and the file is removed, so that the next process rebuilds it. Written atomically
(a temporary file in the same folder, then ``os.replace``): a reader sees the old file or the new one, never
half of one; two processes racing both write complete files and the last rename wins.

Trust: a pickle can run code when loaded. The file lives in the user's own cache folder, written by this
program for this user; whoever can write there can equally change the user's shell start-up files, so it
is trusted like the program itself (and a digest mismatch, i.e. any change by anything else, is refused).
"""
from __future__ import annotations

import contextlib
import gc
import hashlib
import io
import json
import os
import pickle
import struct
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator, Mapping

from .. import user_cache_dir  # noqa: F401 — part of this module's interface (declared in the package)

if TYPE_CHECKING:
    from .compiled import CompiledTemplate
    from .recalc import Recalculator

__all__ = ["CacheMiss", "FORMAT", "environment", "load", "save", "user_cache_dir"]

MAGIC = b"jidi-xl compiled template\n"
FORMAT = 2                       # of the file and of what CompiledTemplate pickles; raise it when either changes
_LEN = struct.Struct(">I")
# function modules whose import is expensive (scipy at module level) and whose functions are pickled by value
_BY_VALUE = ("formulas.functions.stat",)
_ENGINE_DIR = Path(__file__).resolve().parent


class CacheMiss(Exception):
    """The cache file cannot be used; ``str()`` says why (in English: it is logged, not shown to users)."""


def _sources_digest(folder: Path, pattern: str = "*.py") -> str:
    h = hashlib.sha256()
    for p in sorted(folder.glob(pattern)):
        h.update(p.name.encode() + b"\0" + p.read_bytes() + b"\0")
    return h.hexdigest()


def tree_digest(*packages: Path, suffixes: tuple[str, ...] = (".py", ".yaml")) -> str:
    """A digest of every file with one of ``suffixes`` under each package folder, by relative path and content:
    what a file made from the program (a compiled template, a generated workbook) is keyed by, so that a changed
    program never reuses it."""
    h = hashlib.sha256()
    for pkg in packages:
        found = []
        # os.walk with __pycache__ pruned, not Path.rglob: rglob listed every file of every folder (the samples,
        # the bytecode) as Path objects, 5 of a cold process's 11 ms here (measured)
        for root, dirs, files in os.walk(pkg):
            dirs[:] = [d for d in dirs if d != "__pycache__"]
            rel = Path(root).relative_to(pkg.parent)
            found += [(rel.parts + (f,), Path(root) / f) for f in files if os.path.splitext(f)[1] in suffixes]
        for parts, p in sorted(found):
            h.update(f"{'/'.join(parts)}\0".encode() + p.read_bytes() + b"\0")
    return h.hexdigest()


_ENV: dict[str, Any] | None = None


def environment() -> dict[str, Any]:
    """What a pickled compiled template depends on besides what the caller keys it by: the file format, the
    interpreter, the libraries whose objects it holds and the engine's own source (every module of this
    package, hashed: an edit of the engine is a new version even when the package version is not)."""
    global _ENV
    if _ENV is None:
        import cloudpickle
        import numpy
        import schedula
        from formulas import _version as fv

        _ENV = {"format": FORMAT, "python": sys.version.split()[0], "implementation": sys.implementation.name,
                "formulas": fv.__version__, "schedula": schedula.__version__, "numpy": numpy.__version__,
                "cloudpickle": cloudpickle.__version__, "engine": _sources_digest(_ENGINE_DIR)}
    return _ENV


# -- writing --------------------------------------------------------------------------------------------

def _new_solution(cls):
    """A schedula Solution without running ``__init__`` (its state follows); with the finaliser ``__init__``
    registers (it releases the solution's executors when it is freed)."""
    from schedula.utils.asy import EXECUTORS
    from schedula.utils.imp import finalize

    obj = cls.__new__(cls)
    finalize(obj, EXECUTORS.pop_active, id(obj))
    return obj


def _pickler_class():
    import cloudpickle
    from schedula.utils.sol import Solution

    class _Pickler(cloudpickle.CloudPickler):
        def __init__(self, file, udfs: Mapping[int, str]):
            super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
            self._udfs = udfs

        def persistent_id(self, obj):
            name = self._udfs.get(id(obj))
            return None if name is None else ("udf", name)

        def reducer_override(self, obj):
            if isinstance(obj, Solution):
                return _new_solution, (type(obj),), obj.__dict__, None, iter(obj.items())
            return super().reducer_override(obj)

    return _Pickler


# -- the two parts (module docstring) ---------------------------------------------------------------------

class _PipeSource:
    """Part 2 of a file read by :func:`loads`: the compiled pipe's pickle, unpickled when first asked for (then
    kept, and the bytes dropped). Shared by the template's :class:`_LazyPipe` and the plan's :class:`_LazyCell`
    (which must not hold the lazy pipe itself: it is the key of the plan's weak dictionary, ``compiled._PLANS``)."""

    def __init__(self) -> None:
        self.data: bytes | memoryview | None = None
        self.wrapped: Mapping[str, Any] = {}
        self.path: Path | None = None
        self.fn: Any = None

    def __reduce__(self):
        return _PipeSource, ()            # the bytes are attached by loads, never pickled

    def pipe(self):
        if self.fn is None:
            if self.data is None:
                raise RuntimeError("compiled pipe not attached (a _LazyPipe not made by jidi_xl.engine.store.loads)")
            try:
                self.fn = _unpickle(self.data, self.wrapped)
            except Exception as exc:
                # the digest was right when the file was read: not a damaged file; rebuild it next time
                if self.path is not None:
                    with contextlib.suppress(OSError):
                        os.unlink(self.path)
                raise RuntimeError(f"the compiled template's pipe (part 2 of {self.path}) does not load "
                                   f"({type(exc).__name__}: {exc}); the file was removed, run again to rebuild it") from exc
            self.data = None
        return self.fn

    def function(self, node_id: str):
        """The function of node ``node_id`` of the compiled pipe (a formula cell's schedula run)."""
        return self.pipe().dsp.nodes[node_id]["function"]


class _LazyPipe:
    """Stands for ``CompiledTemplate._fn`` (schedula's ``DispatchPipe``) in part 1: called, or asked for an
    attribute, it is the pipe of part 2."""

    def __init__(self, source: _PipeSource):
        self._source = source

    def __reduce__(self):
        return _LazyPipe, (self._source,)

    def __call__(self, *args, **kwargs):
        return self._source.pipe()(*args, **kwargs)

    def __getattr__(self, name: str):
        if name.startswith("__") or name == "_source":
            raise AttributeError(name)
        return getattr(self._source.pipe(), name)


class _LazyCell:
    """Stands for a ``_FlatCell``'s ``cw`` (formulas' ``CellWrapper``: schedula's run of that cell) in part 1."""

    def __init__(self, source: _PipeSource, node_id: str):
        self._source, self.node_id = source, node_id

    def __reduce__(self):
        return _LazyCell, (self._source, self.node_id)

    def __call__(self, *args, **kwargs):
        return self._source.function(self.node_id)(*args, **kwargs)


class _CellInputs:
    """What formulas' ``Cell._args`` reads of the cell's ``func``: its ``inputs`` (an ordered mapping of input
    names to ranges); nothing else of the compiled cell."""

    def __init__(self, inputs):
        self.inputs = inputs


def _light_parser(flat, cw):
    """``flat.parse_args`` without what it would drag into part 1: formulas' ``Cell._args`` bound to a copy of its
    cell whose ``func`` (the cell's ``CellWrapper``) is replaced by its ``inputs``; None when the parser is not that
    (then it is pickled as it is: correct, only heavier)."""
    import copy
    import types

    from formulas.cell import Cell

    pa = getattr(flat, "parse_args", None)
    cell = getattr(pa, "__self__", None)
    if not (isinstance(pa, types.MethodType) and isinstance(cell, Cell) and cell.func is cw
            and pa.__func__ is Cell._args):
        return None
    light = copy.copy(cell)
    light.func = _CellInputs(cw.inputs)
    return types.MethodType(Cell._args, light)


def _dump_parts(tpl: "CompiledTemplate", udfs: Mapping[int, str]) -> tuple[bytes, bytes]:
    """(part 1, part 2) of ``tpl``'s file: the template with its flat plan, its pipe and cells as references; the
    pipe."""
    import copyreg

    from .compiled import _FlatCell, _flat_template

    fn = tpl._fn
    if isinstance(fn, _LazyPipe):            # a template read from a file, written again
        fn = fn._source.pipe()
    if fn is None:
        raise TypeError("只有 method='compile' 的模板可以保存 (only a compiled pipe can be pickled)")
    Base = _pickler_class()
    full = io.BytesIO()
    Base(full, udfs).dump(fn)
    plan = _flat_template(fn)
    node_of = {}                             # id(function) -> its node id in the pipe
    for (_, _, (v, sol)), _nxt, _dsp in fn.pipe:
        node = sol.nodes[v]
        if node["type"] == "function":
            node_of[id(node["function"])] = v
    source = _PipeSource()

    class _Light(Base):  # type: ignore[misc,valid-type]
        def reducer_override(self, obj):
            if obj is fn or obj is tpl._fn:
                return _LazyPipe, (source,)
            if type(obj) is _FlatCell:
                state = dict(obj.__dict__)
                cw = state.get("cw")
                if id(cw) in node_of:
                    parser = _light_parser(obj, cw)
                    state["cw"] = _LazyCell(source, node_of[id(cw)])
                    if parser is not None:
                        state["parse_args"] = parser
                return copyreg.__newobj__, (_FlatCell,), state  # type: ignore[attr-defined]  # (in copyreg, untyped)
            return super().reducer_override(obj)

    light = io.BytesIO()
    _Light(light, udfs).dump((tpl, plan))
    return light.getvalue(), full.getvalue()


@contextlib.contextmanager
def _by_value() -> Iterator[None]:
    import cloudpickle

    added = []
    for name in _BY_VALUE:
        mod = sys.modules.get(name)
        if mod is not None and name not in cloudpickle.list_registry_pickle_by_value():
            cloudpickle.register_pickle_by_value(mod)
            added.append(mod)
    try:
        yield
    finally:
        for mod in added:
            cloudpickle.unregister_pickle_by_value(mod)


def dumps(tpl: "CompiledTemplate", recalculator: "Recalculator", key: Mapping[str, Any]) -> bytes:
    """The cache file's bytes: header (``key`` and :func:`environment`; each part's size and digest) and the two
    parts (module docstring), whose UDFs (those of ``recalculator``) are written by name."""
    udfs = {id(w): name for name, w in recalculator._wrapped.items()}
    with _by_value():
        parts = _dump_parts(tpl, udfs)
    header = json.dumps({"key": _full_key(key), "parts": [{"size": len(p), "sha256": hashlib.sha256(p).hexdigest()}
                                                          for p in parts]},
                        sort_keys=True, ensure_ascii=True).encode()
    return MAGIC + _LEN.pack(len(header)) + header + b"".join(parts)


def save(path: str | os.PathLike, tpl: "CompiledTemplate", recalculator: "Recalculator",
         key: Mapping[str, Any]) -> Path:
    """Write the cache file atomically (temporary file in the same folder, then rename); creates the folder.
    Raises OSError when it cannot be written (the caller goes on with the template it has)."""
    path = Path(path)
    data = dumps(tpl, recalculator, key)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    return path


# -- reading --------------------------------------------------------------------------------------------

def _full_key(key: Mapping[str, Any]) -> dict[str, Any]:
    out = {**environment(), **key}
    return json.loads(json.dumps(out, sort_keys=True))      # as the header stores it (tuples become lists…)


def _difference(want: Mapping[str, Any], got: Any) -> str | None:
    if not isinstance(got, dict):
        return "no key in the header"
    for k in sorted(set(want) | set(got)):
        if want.get(k) != got.get(k):
            return f"{k}: file {got.get(k)!r}, now {want.get(k)!r}"
    return None


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """The collector off while the file is read (the ≈300,000 objects unpickling creates would trigger
    collections that cost 4× the load). Not frozen afterwards (``gc.freeze``): a process may make and drop
    many engines (tests run the commands in one process), and frozen cyclic garbage would never be freed —
    measured: the hostile corpus's ≈100 in-process commands climbed to 514 MB. Where the template lives as long
    as the process, its owner freezes it: the batch's parent before it forks, and the one-workbook commands run
    without the collector altogether (``jidi_xl.cli.entry``)."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _unpickle(data: bytes | memoryview, wrapped: Mapping[str, Any]) -> Any:
    """One part's pickle, its UDFs bound to ``wrapped`` (name -> the reading process's wrapped UDF)."""

    class _Unpickler(pickle.Unpickler):
        def persistent_load(self, pid):
            if not (isinstance(pid, tuple) and len(pid) == 2 and pid[0] == "udf" and pid[1] in wrapped):
                raise CacheMiss(f"UDF {pid!r} is not one of this engine's")
            return wrapped[pid[1]]

    with _gc_paused():
        return _Unpickler(io.BytesIO(data)).load()


def loads(data: bytes, recalculator: "Recalculator", key: Mapping[str, Any],
          path: str | os.PathLike | None = None) -> "CompiledTemplate":
    """The template in ``data`` (from :func:`dumps`), its UDFs bound to ``recalculator``'s: part 1 unpickled, part 2
    kept to be unpickled when a call needs it (``path``: the file it came from, removed should part 2 then fail to
    load). Raises :class:`CacheMiss` saying why it cannot be used."""
    from .compiled import _PLANS, CompiledTemplate

    if not data.startswith(MAGIC) or len(data) < len(MAGIC) + _LEN.size:
        raise CacheMiss("not a compiled-template file (magic)")
    at = len(MAGIC) + _LEN.size
    (n,) = _LEN.unpack_from(data, len(MAGIC))
    try:
        header = json.loads(data[at:at + n])
    except ValueError:
        raise CacheMiss("unreadable header") from None
    if not isinstance(header, dict):
        raise CacheMiss("unreadable header")
    why = _difference(_full_key(key), header.get("key"))
    if why:
        raise CacheMiss(f"stale ({why})")
    view = memoryview(data)[at + n:]
    parts = header.get("parts")
    if not (isinstance(parts, list) and all(isinstance(p, dict) for p in parts)):
        parts = []
    sizes = [p.get("size") for p in parts]
    if len(sizes) != 2 or not all(isinstance(z, int) and z >= 0 for z in sizes) or sum(sizes) != len(view):
        raise CacheMiss(f"truncated or corrupt ({len(view)} bytes, header says {sizes or parts!r})")
    light, full = view[:sizes[0]], view[sizes[0]:]
    for part, (what, p) in zip((light, full), zip(("plan", "pipe"), parts)):
        if hashlib.sha256(part).hexdigest() != p.get("sha256"):
            raise CacheMiss(f"truncated or corrupt (the {what}'s digest differs)")
    wrapped = recalculator._wrapped
    try:
        got = _unpickle(light, wrapped)
    except CacheMiss:
        raise
    except Exception as exc:  # noqa: BLE001 — whatever a bad pickle raises, the answer is: rebuild
        raise CacheMiss(f"unloadable ({type(exc).__name__}: {exc})") from None
    tpl, plan = got if isinstance(got, tuple) and len(got) == 2 else (got, None)
    if not isinstance(tpl, CompiledTemplate):
        raise CacheMiss(f"holds a {type(tpl).__name__}, not a CompiledTemplate")
    lazy = tpl._fn
    if not isinstance(lazy, _LazyPipe):
        raise CacheMiss(f"its pipe is a {type(lazy).__name__}, not a reference to the file's second part")
    lazy._source.data, lazy._source.wrapped = full, wrapped
    lazy._source.path = Path(path) if path is not None else None
    _PLANS[lazy] = plan                    # None: no flat plan, every call is schedula's (as _run_flat decides)
    tpl._rc = recalculator
    return tpl


def load(path: str | os.PathLike, recalculator: "Recalculator", key: Mapping[str, Any]) -> "CompiledTemplate":
    """:func:`loads` of the file at ``path``; a missing or unreadable file is a :class:`CacheMiss` too."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise CacheMiss(f"no file ({exc.strerror or exc})") from None
    return loads(data, recalculator, key, path)
