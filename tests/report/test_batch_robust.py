"""The batch loses nothing: every file accounted for, atomic outputs, kill and resume, one writer per folder,
output faults that blame the output, a dying worker that costs one file. Real batches over small folders of
sample copies and junk; the faults of ``JIDI_XL_TEST_WORKER_FAULT`` happen inside real pool workers."""
from __future__ import annotations

import contextlib
import hashlib
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner

from jidi_xl.cli import main
from jidi_xl.report.batch import FAULT_ENV
from jidi_xl.report.outputs import LOCK_NAME, TEMP_PREFIX, OutputError, OutputLock
from workbooks import SAMPLES_DIR, TEMPLATE_PATH

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = sorted(SAMPLES_DIR.glob("*.xlsx"))


def digest_tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in folder.rglob("*") if p.is_file() and not any(q.is_symlink() for q in [p, *p.parents])}


def books(folder: Path, n: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for p in SAMPLES[:n]:
        shutil.copy(p, folder / p.name)
    return folder


def cli(*args, **env):
    res = CliRunner(env=env or None).invoke(main, [str(a) for a in args])
    assert "Traceback" not in res.output, res.output
    assert res.exception is None or isinstance(res.exception, SystemExit), res.output
    return res


def subprocess_cli(*args, env=None, preexec_fn=None, **kw):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONDONTWRITEBYTECODE": "1", **(env or {})}
    return subprocess.Popen([sys.executable, "-m", "jidi_xl.cli", *map(str, args)], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, preexec_fn=preexec_fn, **kw)


def summary_sheets(summary: Path) -> tuple[dict[str, tuple], dict[str, tuple]]:
    wb = openpyxl.load_workbook(summary)
    rows = {r[0]: r for r in wb["汇总"].iter_rows(min_row=2, values_only=True) if r[0]}
    other = {r[0]: r for r in wb["无法评价的文件"].iter_rows(min_row=2, values_only=True) if r[0] and r[0] != "（无）"}
    return rows, other


def assert_no_half_written_output(out: Path) -> None:
    """Every visible output is whole; temporaries (hidden, removed by the next run) are all that may be left."""
    for p in out.rglob("*"):
        if not p.is_file() or p.name.startswith(TEMP_PREFIX):
            continue
        assert not p.name.endswith(".part"), p
        assert p.stat().st_size > 0 or p.name == LOCK_NAME, p
        if p.suffix == ".xlsx":
            with zipfile.ZipFile(p) as z:
                assert z.testzip() is None, p


# ------------------------------------------------------------------ every file accounted for

def test_every_file_under_the_folder_is_in_the_summary(tmp_path):
    src = books(tmp_path / "in", 2)
    sub = src / "朝阳区"
    sub.mkdir()
    shutil.copy(SAMPLES[2], sub / SAMPLES[2].name)                       # a subfolder: evaluated, relative path
    shutil.copy(SAMPLES[3], src / ".hidden_submission.xlsx")            # a hidden name: a workbook like any other
    shutil.copy(SAMPLES[4], src / "UPPER_CASE.XLSX")                    # the extension in capitals
    (src / f"~${SAMPLES[0].name}").write_bytes(b"\x06user  ")          # Excel's lock file: listed as skipped
    (src / "notes.txt").write_text("说明", encoding="utf-8")
    shutil.copy(ROOT / "examples" / "01_general_track_pass.json", src / "case.json")
    (src / "empty.xlsx").write_bytes(b"")
    os.mkfifo(src / "pipe.xlsx")                                        # would block a reader forever
    (src / "gone.xlsx").symlink_to(tmp_path / "nowhere.xlsx")           # a dangling link
    (src / "elsewhere").symlink_to(sub, target_is_directory=True)       # a link to a folder: not followed
    before = digest_tree(src)
    odd = {"pipe.xlsx": "不是普通文件", "gone.xlsx": "链接指向的文件不存在", "elsewhere/": "未进入"}
    summary = tmp_path / "out" / "summary.xlsx"
    res = cli("batch", src, "-o", summary, "-j", "2")
    assert res.exit_code == 2, res.output                                # files that could not be evaluated
    assert digest_tree(src) == before                                    # inputs byte-identical
    rows, other = summary_sheets(summary)
    evaluated = {SAMPLES[0].name, SAMPLES[1].name, f"朝阳区/{SAMPLES[2].name}", ".hidden_submission.xlsx",
                 "UPPER_CASE.XLSX"}
    assert set(rows) == evaluated
    assert set(rows) | set(other) == set(before) | set(odd)              # nothing lost
    assert all(why in other[name][1] for name, why in odd.items())
    assert other[f"~${SAMPLES[0].name}"][1].startswith("Excel/WPS 临时锁定文件") and other[f"~${SAMPLES[0].name}"][2] == "已跳过"
    assert "请用 jidi-xl evaluate" in other["case.json"][1]
    assert ".txt" in other["notes.txt"][1]
    assert {other[k][2] for k in ("case.json", "notes.txt", "empty.xlsx")} == {"无法评价"}
    assert (tmp_path / "out" / "summary_recalculated" / "朝阳区" / SAMPLES[2].name).is_file()
    assert "已跳过 2" in res.output and "无法评价 5" in res.output
    assert_no_half_written_output(tmp_path / "out")


def test_a_clean_folder_exits_0_and_only_skipped_files_do_not_change_that(tmp_path):
    src = books(tmp_path / "in", 3)
    (src / "Thumbs.db").write_bytes(b"\0" * 10)
    res = cli("batch", src, "-o", tmp_path / "out" / "s.xlsx", "-j", "1")
    assert res.exit_code == 0, res.output
    rows, other = summary_sheets(tmp_path / "out" / "s.xlsx")
    assert len(rows) == 3 and other["Thumbs.db"][2] == "已跳过"


# ------------------------------------------------------------------ a worker that dies, a file that stalls or swells

@pytest.mark.parametrize("fault, timeout, reason", [
    ("abort", "60", "两次异常终止"),      # the worker is killed (SIGABRT): retried alone, then blamed alone
    ("hang", "10", "处理超时"),           # the per-file time limit (generous: the machine may be loaded)
    ("memory", "60", "内存超出限制"),     # the worker's address-space limit
])
def test_a_hostile_file_costs_only_itself(tmp_path, fault, timeout, reason):
    src = books(tmp_path / "in", 4)
    culprit = SAMPLES[1].name
    summary = tmp_path / "out" / "s.xlsx"
    res = cli("batch", src, "-o", summary, "-j", "2", "--timeout", timeout, **{FAULT_ENV: f"{fault}:{culprit}"})
    assert res.exit_code == 2, res.output
    rows, other = summary_sheets(summary)
    assert len(rows) + len(other) == 4, res.output
    assert set(rows) == {p.name for p in SAMPLES[:4]} - {culprit}, res.output
    assert list(other) == [culprit] and reason in other[culprit][1]
    assert all(str(r[13]).startswith("一致") for r in rows.values())


# ------------------------------------------------------------------ killed midway, then resumed

def _journal_entries(out: Path) -> int:
    return len([p for p in (out / ".s.journal").glob("*.json") if p.name != "journal.json"])


def test_a_killed_batch_leaves_no_half_written_output_and_resume_finishes_the_rest(tmp_path):
    src = books(tmp_path / "in", 5)
    before = digest_tree(src)
    out = tmp_path / "out"
    # the 4th file stalls, so that the batch is certainly midway when it is killed
    proc = subprocess_cli("batch", src, "-o", out / "s.xlsx", "-j", "1", start_new_session=True,
                          env={FAULT_ENV: f"hang:{SAMPLES[3].name}"})
    try:
        deadline = time.monotonic() + 90
        while _journal_entries(out) < 3 and time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.1)
        assert _journal_entries(out) == 3, proc.communicate(timeout=5)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)        # the batch and its workers, as a power cut or `kill -9` would
        proc.wait()
    assert not (out / "s.xlsx").exists()               # no summary rather than a half-written one
    assert_no_half_written_output(out)

    res = cli("batch", src, "-o", out / "s.xlsx", "-j", "2", "--resume")
    assert res.exit_code == 0, res.output
    assert "沿用上次结果 3" in res.output              # the three finished files are not redone
    rows, other = summary_sheets(out / "s.xlsx")
    assert set(rows) == {p.name for p in SAMPLES[:5]} and not other
    assert not list(out.rglob(TEMP_PREFIX + "*"))      # the killed run's temporaries are gone
    assert digest_tree(src) == before

    # a changed input is redone; the others are taken from the journal
    shutil.copy(SAMPLES[6], src / SAMPLES[0].name)
    res = cli("batch", src, "-o", out / "s.xlsx", "-j", "1", "--resume")
    assert res.exit_code == 0 and "沿用上次结果 4" in res.output, res.output
    rows, _ = summary_sheets(out / "s.xlsx")
    assert rows[SAMPLES[0].name][2] == "不符合认定条件"     # now the content of 07_fail_reapplication_ban


# ------------------------------------------------------------------ one writer per output folder

def test_a_second_batch_into_the_same_folder_is_refused(tmp_path):
    src = books(tmp_path / "in", 2)
    out = tmp_path / "out"
    first = subprocess_cli("batch", src, "-o", out / "s.xlsx", "-j", "1", "--timeout", "60", start_new_session=True,
                           env={FAULT_ENV: f"hang:{SAMPLES[0].name}"})
    try:
        deadline = time.monotonic() + 60
        while not list((out / ".s.journal").glob("*.started")) and time.monotonic() < deadline:
            time.sleep(0.1)
        res = cli("batch", src, "-o", out / "other.xlsx", "-j", "1")
        assert res.exit_code == 2, res.output
        assert "正被另一个批量评价使用" in res.output and f"进程 {first.pid}" in res.output
        assert not (out / "other.xlsx").exists()
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(first.pid, signal.SIGKILL)
        first.wait()


def _run_then_sleep(running) -> None:
    running.set()
    time.sleep(60)


def test_a_worker_that_outlives_its_batch_does_not_hold_the_folder(tmp_path):
    # the lock is the batch's alone: a forked worker that is still dying (or orphaned) when the batch is gone
    # must not make the next run, e.g. --resume after a kill, refuse the folder as "in use"
    import multiprocessing
    ctx = multiprocessing.get_context("fork")
    running = ctx.Event()
    with OutputLock(tmp_path):
        worker = ctx.Process(target=_run_then_sleep, args=(running,))
        worker.start()
        assert running.wait(30)                            # the worker is past its start-up (the fork hooks)
        with pytest.raises(OutputError, match="正被另一个批量评价使用"):
            OutputLock(tmp_path).__enter__()              # while the batch runs, the folder is held
    try:
        with OutputLock(tmp_path):                         # the batch has ended, its worker still lives
            assert worker.is_alive()
    finally:
        worker.kill()
        worker.join()


# ------------------------------------------------------------------ output faults blame the output

def _mount_tmpfs(path: Path, options: str) -> bool:
    path.mkdir()
    return subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(path)], capture_output=True).returncode == 0


@pytest.fixture
def mounts():
    done: list[Path] = []
    yield done
    for p in done:
        subprocess.run(["umount", str(p)], capture_output=True)


def _readonly(tmp_path, mounts):
    ro = tmp_path / "ro"
    if os.geteuid() == 0:                         # root ignores permissions: a read-only file system
        if not _mount_tmpfs(ro, "size=1m,ro"):
            pytest.skip("cannot mount a read-only tmpfs here")
        mounts.append(ro)
    else:
        ro.mkdir()
        ro.chmod(0o555)
    return ro / "s.xlsx", None, "没有写入权限"


def _full_tmpfs(tmp_path, mounts):
    full = tmp_path / "full"
    if not _mount_tmpfs(full, "size=100k"):
        pytest.skip("cannot mount a tmpfs here")
    mounts.append(full)
    return full / "s.xlsx", None, "磁盘空间已满"


def _file_size_limit(tmp_path, mounts):
    # the engine's own temporary copy of the template must fit, a recalculated sample (larger: it has data) not
    size = TEMPLATE_PATH.stat().st_size + 1024
    assert all(p.stat().st_size > size for p in SAMPLES[:3])

    def limit():                                  # Python ignores SIGXFSZ: a write past the limit fails with EFBIG
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))
    return tmp_path / "out" / "s.xlsx", limit, "磁盘空间已满"


def _under_a_file(tmp_path, mounts):
    (tmp_path / "a_file").write_text("x", encoding="utf-8")
    return tmp_path / "a_file" / "s.xlsx", None, "是文件而不是文件夹"


@pytest.mark.parametrize("setup", [_readonly, _full_tmpfs, _file_size_limit, _under_a_file],
                         ids=lambda f: f.__name__.strip("_"))
def test_an_output_fault_names_the_output_not_the_applicant(tmp_path, mounts, setup):
    src = books(tmp_path / "in", 3)
    before = digest_tree(src)
    summary, preexec, why = setup(tmp_path, mounts)
    proc = subprocess_cli("batch", src, "-o", summary, "-j", "1", preexec_fn=preexec)
    out, err = (s.decode("utf-8") for s in proc.communicate(timeout=180))
    assert proc.returncode == 2, out + err
    assert why in err and str(summary.parent) in err and "输入工作簿未受影响" in err
    assert "无法评价" not in out + err and "Traceback" not in out + err
    assert digest_tree(src) == before
    if summary.parent.is_dir():
        assert_no_half_written_output(summary.parent)


def test_recalc_output_fault(tmp_path):
    (tmp_path / "a_file").write_text("x", encoding="utf-8")
    res = cli("recalc", SAMPLES[0], "-o", tmp_path / "a_file" / "x.xlsx")
    assert res.exit_code == 2 and "是文件而不是文件夹" in res.output and "无法评价" not in res.output
    assert re.search(r"a_file", res.output)
