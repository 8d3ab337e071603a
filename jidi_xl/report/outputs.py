"""Writing outputs safely: atomically, under a lock, and with faults that blame the output, not the applicant.

* :func:`atomic_target` — every output (summary, recalculated copy, journal entry) is first written to a
  hidden temporary name in the *same* folder (``.~jidi-…``) and then renamed over its final name with
  ``os.replace`` — atomic on POSIX and Windows within one file system, so a reader (or a batch killed midway)
  sees the old file or the new one, never half of one. Leftover temporaries of a killed run are removed by
  :func:`remove_stale_temporaries` the next time the folder is written under its lock.
* :class:`OutputLock` — one writer per output folder: an OS advisory lock (``fcntl.flock``, ``msvcrt.locking``
  on Windows) on ``.jidi-xl.lock``. The OS releases it when its holder dies, even by SIGKILL, so there is no
  stale lock to clean up by hand.
* :class:`OutputError` — an ``OSError`` met while writing, turned into a Chinese sentence that names the
  output path and what to do (the applicant's workbook is never blamed for a full disk).
"""
from __future__ import annotations

import contextlib
import errno
import os
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

TEMP_PREFIX = ".~jidi-"            # hidden temporary names: never taken for a result
LOCK_NAME = ".jidi-xl.lock"


class OutputError(Exception):
    """An output could not be written; the message (Chinese) names the path and what to do."""


def describe_os_error(exc: OSError, path: str | os.PathLike, what: str = "输出文件") -> str:
    """A Chinese one-line explanation of ``exc`` met while writing ``path``, with the remedy."""
    p = os.fspath(path)
    code = exc.errno
    if code in (errno.EACCES, errno.EPERM, errno.EROFS):
        why, todo = "没有写入权限（文件夹只读或文件被占用）", "请用 -o 指定一个可写的位置，或修改文件夹权限、关闭占用该文件的程序"
    elif code in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        why, todo = "磁盘空间已满（或超出文件大小限制）", "请清理磁盘空间或用 -o 换到其他磁盘"
    elif code in (errno.ENOTDIR, errno.EEXIST) or (code == errno.ENOENT and _under_a_file(p)):
        why, todo = "路径中有一段是文件而不是文件夹", "请用 -o 指定一个文件夹中的路径"
    elif code == errno.EISDIR:
        why, todo = "该路径是一个文件夹", "请用 -o 指定文件名，例如 out/summary.xlsx"
    else:
        why, todo = f"写入失败（{exc.strerror or exc}）", "请检查输出位置后重试"
    return f"无法写入{what} {p}：{why}；{todo}。输入工作簿未受影响。"


def _under_a_file(p: str) -> bool:
    q = Path(p).parent
    while q != q.parent:
        if q.exists():
            return q.is_file()
        q = q.parent
    return False


def temp_name(dst: str | os.PathLike) -> Path:
    """A fresh hidden temporary name beside ``dst`` keeping its suffix (XlsxWriter and zip writers care)."""
    dst = Path(dst)
    # os.urandom, what secrets.token_hex draws from, without importing secrets (hmac, ≈8 ms of a cold recalc)
    return dst.with_name(f"{TEMP_PREFIX}{os.urandom(4).hex()}-{dst.name}")


@contextlib.contextmanager
def atomic_target(dst: str | os.PathLike, what: str = "输出文件", durable: bool = False) -> Iterator[Path]:
    """Yield a temporary path beside ``dst``; when the block ends without error, rename it onto ``dst``.

    On any error the temporary (and a writer's own ``.part`` beside it) is removed and ``dst`` is untouched;
    an ``OSError`` becomes :class:`OutputError`. ``durable`` also fsyncs the file before the rename (the
    summary: survives a power cut, not only a killed process)."""
    dst = Path(dst)
    tmp = temp_name(dst)
    try:
        yield tmp
        if durable:
            with open(tmp, "rb") as fh:
                with contextlib.suppress(OSError):
                    os.fsync(fh.fileno())
        os.replace(tmp, dst)
    except OSError as exc:
        if exc.filename is not None and not _about(exc, tmp, dst):
            raise                            # e.g. reading the input failed: not an output fault
        raise OutputError(describe_os_error(exc, dst, what)) from exc
    finally:
        for leftover in (tmp, tmp.with_name(tmp.name + ".part")):
            with contextlib.suppress(OSError):
                leftover.unlink()


def _about(exc: OSError, *paths: Path) -> bool:
    names = {os.fspath(f) for f in (exc.filename, exc.filename2) if f is not None}
    mine = {os.fspath(p) for p in paths} | {os.fspath(p) + ".part" for p in paths}
    return bool(names & mine) or any(Path(n) in [*p.parents] for n in names for p in paths)


def write_bytes_atomic(dst: str | os.PathLike, data: bytes, what: str = "输出文件") -> None:
    with atomic_target(dst, what) as tmp:
        tmp.write_bytes(data)


def make_dir(path: str | os.PathLike, what: str = "输出文件夹") -> Path:
    path = Path(path)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(describe_os_error(exc, path, what)) from exc
    if not path.is_dir():
        raise OutputError(describe_os_error(OSError(errno.ENOTDIR, "not a directory"), path, what))
    return path


def probe_writable(folder: str | os.PathLike, what: str = "输出文件夹") -> None:
    """Fail early (before any work) when ``folder`` cannot take a new file."""
    with atomic_target(Path(folder) / ".jidi-xl-probe", what) as tmp:
        tmp.write_bytes(b"jidi-xl")
    with contextlib.suppress(OSError):
        (Path(folder) / ".jidi-xl-probe").unlink()


def remove_stale_temporaries(folder: str | os.PathLike, recursive: bool = True) -> int:
    """Remove the ``.~jidi-…`` temporaries a killed run left in ``folder``; call it under the lock."""
    n = 0
    if not os.path.isdir(folder):
        return 0
    walk: Iterable[tuple[str, list[str], list[str]]] = (
        os.walk(os.fspath(folder)) if recursive else [(os.fspath(folder), [], os.listdir(folder))])
    for root, _dirs, files in walk:
        for f in files:
            p = os.path.join(root, f)
            if f.startswith(TEMP_PREFIX) and os.path.isfile(p):
                with contextlib.suppress(OSError):
                    os.unlink(p)
                    n += 1
    return n


_HELD_LOCK_FDS: set[int] = set()


def _close_inherited_locks() -> None:
    """In a forked child (a batch worker): close the lock descriptors it inherited. The lock belongs to the open
    file, so closing a copy keeps the parent's lock; but a worker that outlives a killed parent no longer holds the
    folder, and the next run (``--resume``) is not refused as if the dead batch still ran."""
    for fd in list(_HELD_LOCK_FDS):
        with contextlib.suppress(OSError):
            os.close(fd)
    _HELD_LOCK_FDS.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_close_inherited_locks)


class OutputLock:
    """An exclusive, non-blocking lock on an output folder, held for the life of the ``with`` block.

    A second batch into the same folder gets :class:`OutputError` at once, with who holds the lock. Only this
    process holds it: forked workers close their copy (:func:`_close_inherited_locks`)."""

    def __init__(self, folder: str | os.PathLike):
        self.path = Path(folder) / LOCK_NAME
        self._fd: int | None = None

    def __enter__(self) -> "OutputLock":
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise OutputError(describe_os_error(exc, self.path, "锁文件")) from exc
        if not _try_lock(fd):
            holder = ""
            with contextlib.suppress(OSError, UnicodeDecodeError):
                os.lseek(fd, 0, os.SEEK_SET)
                holder = os.read(fd, 200).decode("utf-8").strip()
            os.close(fd)
            raise OutputError(f"输出文件夹 {self.path.parent} 正被另一个批量评价使用（{holder or '锁文件 ' + str(self.path)}）；"
                              "请等它结束，或用 -o 指定另一个输出文件夹。")
        with contextlib.suppress(OSError):
            os.ftruncate(fd, 0)
            os.lseek(fd, 0, os.SEEK_SET)
            os.write(fd, f"进程 {os.getpid()}，开始于 {time.strftime('%Y-%m-%d %H:%M:%S')}".encode("utf-8"))
        self._fd = fd
        _HELD_LOCK_FDS.add(fd)
        return self

    def __exit__(self, *exc) -> None:
        if self._fd is not None:
            _HELD_LOCK_FDS.discard(self._fd)
            os.close(self._fd)       # closing releases the lock; the file stays (deleting it would race)
            self._fd = None


def _try_lock(fd: int) -> bool:
    try:
        import fcntl
    except ImportError:              # Windows
        import msvcrt
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)     # type: ignore[attr-defined]  # (Windows only)
            return True
        except OSError:
            return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return True
    except BlockingIOError:
        return False


class AtomicCopyEngine:
    """The engine as :func:`process_workbook` sees it, writing the recalculated copy atomically; a fault while
    writing is kept aside (``fault``) rather than raised, so that it can never read as the applicant's error."""

    def __init__(self, engine):
        self._engine = engine
        self.fault: str | None = None
        self.result = None

    def __getattr__(self, name):
        return getattr(self._engine, name)

    def recalc(self, path):
        self.result, how = self._engine.recalc(path)
        return self.result, how

    def recalc_to(self, src, dst):
        from ..engine.xlsxwrite import write_cached_values

        if Path(src).resolve() == Path(dst).resolve():
            raise ValueError("输出文件不能覆盖输入文件 (the output must not overwrite the input)")
        result, how = self.recalc(src)
        written = None
        if result.values:
            try:
                make_dir(Path(dst).parent, "重算后工作簿的文件夹")
                with atomic_target(dst, "重算后的工作簿") as tmp:
                    written = write_cached_values(src, tmp, result.values)
            except OutputError as exc:
                self.fault = str(exc)
        return result, how, written
