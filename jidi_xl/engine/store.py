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
* The cyclic garbage collector is paused while the file is read: unpickling creates ≈300,000 objects, and
  the collections they trigger cost 4× the load itself (3.3 s against 0.6 s, measured under load). What was
  read is not frozen here (:func:`_gc_paused` says why); the owner of a long-lived template freezes it.

The file: a magic line, a JSON header (the key, the payload's size and SHA-256), the pickle. Anything that
does not match — another key (version, template, rule-set…), a wrong size or digest (truncated, corrupt), a
pickle that does not load — is a :class:`CacheMiss` saying why, and the caller rebuilds. Written atomically
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

if TYPE_CHECKING:
    from .compiled import CompiledTemplate
    from .recalc import Recalculator

__all__ = ["CacheMiss", "FORMAT", "environment", "load", "save", "user_cache_dir"]

MAGIC = b"jidi-xl compiled template\n"
FORMAT = 1                       # of the file and of what CompiledTemplate pickles; raise it when either changes
_LEN = struct.Struct(">I")
# function modules whose import is expensive (scipy at module level) and whose functions are pickled by value
_BY_VALUE = ("formulas.functions.stat",)
_ENGINE_DIR = Path(__file__).resolve().parent


class CacheMiss(Exception):
    """The cache file cannot be used; ``str()`` says why (in English: it is logged, not shown to users)."""


def user_cache_dir() -> Path:
    """The program's folder in the user's cache: ``$XDG_CACHE_HOME/jidi-xl`` when set, else
    ``%LOCALAPPDATA%\\jidi-xl\\Cache`` on Windows and ``~/.cache/jidi-xl`` elsewhere (the XDG default; macOS
    tools keep to it too when run from a terminal). Not created here."""
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg:
        return Path(xdg) / "jidi-xl"
    if sys.platform == "win32" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"]) / "jidi-xl" / "Cache"
    return Path.home() / ".cache" / "jidi-xl"


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
        for p in sorted(pkg.rglob("*")):
            if p.suffix in suffixes and "__pycache__" not in p.parts:
                h.update(f"{p.relative_to(pkg.parent).as_posix()}\0".encode() + p.read_bytes() + b"\0")
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
    """The cache file's bytes: header (``key`` and :func:`environment`) and the pickled template, whose UDFs
    (those of ``recalculator``) are written by name."""
    udfs = {id(w): name for name, w in recalculator._wrapped.items()}
    buf = io.BytesIO()
    with _by_value():
        _pickler_class()(buf, udfs).dump(tpl)
    payload = buf.getvalue()
    header = json.dumps({"key": _full_key(key), "size": len(payload), "sha256": hashlib.sha256(payload).hexdigest()},
                        sort_keys=True, ensure_ascii=True).encode()
    return MAGIC + _LEN.pack(len(header)) + header + payload


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


def loads(data: bytes, recalculator: "Recalculator", key: Mapping[str, Any]) -> "CompiledTemplate":
    """The template in ``data`` (from :func:`dumps`), its UDFs bound to ``recalculator``'s. Raises
    :class:`CacheMiss` saying why it cannot be used."""
    from .compiled import CompiledTemplate

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
    payload = memoryview(data)[at + n:]
    if len(payload) != header.get("size") or hashlib.sha256(payload).hexdigest() != header.get("sha256"):
        raise CacheMiss(f"truncated or corrupt ({len(payload)} bytes, header says {header.get('size')})")
    wrapped = recalculator._wrapped

    class _Unpickler(pickle.Unpickler):
        def persistent_load(self, pid):
            if not (isinstance(pid, tuple) and len(pid) == 2 and pid[0] == "udf" and pid[1] in wrapped):
                raise CacheMiss(f"UDF {pid!r} is not one of this engine's")
            return wrapped[pid[1]]

    try:
        with _gc_paused():
            tpl = _Unpickler(io.BytesIO(payload)).load()
    except CacheMiss:
        raise
    except Exception as exc:  # noqa: BLE001 — whatever a bad pickle raises, the answer is: rebuild
        raise CacheMiss(f"unloadable ({type(exc).__name__}: {exc})") from None
    if not isinstance(tpl, CompiledTemplate):
        raise CacheMiss(f"holds a {type(tpl).__name__}, not a CompiledTemplate")
    tpl._rc = recalculator
    return tpl


def load(path: str | os.PathLike, recalculator: "Recalculator", key: Mapping[str, Any]) -> "CompiledTemplate":
    """:func:`loads` of the file at ``path``; a missing or unreadable file is a :class:`CacheMiss` too."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise CacheMiss(f"no file ({exc.strerror or exc})") from None
    return loads(data, recalculator, key)
