"""The Linux bundle really installs: a fresh venv, pip with no index and no pip configuration, then the
installed ``jidi-xl`` runs ``doctor``, ``evaluate`` and ``check``; ``doctor`` from that venv names a wrong
xlwings version with the fix. Nothing imports this worktree (``PYTHONPATH`` is removed)."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import xlwings

from udfs.addin import bundle

pytestmark = [pytest.mark.bundle,
              pytest.mark.skipif(not sys.platform.startswith("linux"), reason="install.sh is the Linux bundle's")]
OTHER_XLWINGS = "0.37.7"         # any released version other than the pin; its wheel is kept in the wheel cache


@pytest.fixture(scope="module")
def installed(bundle_of, tmp_path_factory):
    import os

    root = bundle_of("linux")
    venv = tmp_path_factory.mktemp("venv") / "jidi-xl"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "PYTHON"))}
    # an index that does not exist: had anything tried the network, it would fail here
    env.update(JIDI_VENV=str(venv), JIDI_PYTHON=sys.executable, PIP_INDEX_URL="http://127.0.0.1:9/simple")
    r = subprocess.run(["sh", str(root / "install.sh")], capture_output=True, text=True, env=env, timeout=600)
    return root, venv, env, r


def _run(venv: Path, env: dict, *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([str(venv / "bin" / "jidi-xl"), *args], capture_output=True, text=True, env=env,
                          timeout=300, cwd=cwd)


def test_install_script_succeeds_offline(installed):
    root, venv, _, r = installed
    assert r.returncode == 0, r.stdout + r.stderr
    assert "全部通过" in r.stdout and "安装完成" in r.stdout
    assert (venv / "bin" / "jidi-xl").is_file()
    site = next((venv / "lib").glob("python3.*/site-packages"))
    assert (site / "jidi_xl").is_dir() and not (site / "jidi_xl.pth").exists()    # a real install, not editable


def test_installed_cli_evaluates_and_checks(installed, tmp_path):
    root, venv, env, _ = installed
    r = _run(venv, env, "evaluate", str(root / "examples" / "01_general_track_pass.json"), cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert "符合" in r.stdout
    r = _run(venv, env, "check", str(root / "workbooks" / "samples"), cwd=tmp_path)
    assert r.returncode == 0, r.stdout + r.stderr
    assert r.stdout.count("✔") == 14
    py = venv / "bin" / "python"
    where = subprocess.run([str(py), "-c", "import jidi_xl, udfs; print(jidi_xl.__file__, udfs.__file__)"],
                           capture_output=True, text=True, env=env, cwd=tmp_path).stdout
    assert str(venv) in where and "excel-setup" not in where.replace(str(venv), "")


def test_installed_doctor_with_addin_passes_all_then_names_a_wrong_xlwings(installed, tmp_path):
    root, venv, env, _ = installed
    env = {**env, "USERPROFILE": str(tmp_path / "home")}
    xl = tmp_path / "XLSTART"
    assert _run(venv, env, "addin", "install", "--xlstart", str(xl), cwd=tmp_path).returncode == 0
    good = _run(venv, env, "doctor", "--xlstart", str(xl), cwd=tmp_path)
    assert good.returncode == 0, good.stdout
    assert "全部通过：运行 7 项检查" in good.stdout and str(venv / "bin" / "python") in good.stdout

    extra = bundle.DEFAULT_CACHE / "test-extra"
    if not list(extra.glob(f"xlwings-{OTHER_XLWINGS}-*.whl")):      # once per machine (1.6 MB)
        got = bundle._download(bundle.PLATFORMS["linux"], "3.11", [f"xlwings=={OTHER_XLWINGS}", "--no-deps"],
                               extra, [], offline=False)
        assert got.returncode == 0, got.stderr
    pip = subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--no-index", "--no-deps",
                          "--find-links", str(extra), f"xlwings=={OTHER_XLWINGS}"],
                         capture_output=True, text=True, env=env)
    assert pip.returncode == 0, pip.stderr
    try:
        bad = _run(venv, env, "doctor", "--xlstart", str(xl), cwd=tmp_path)
        assert bad.returncode == 2, bad.stdout
        line = next(ln for ln in bad.stdout.splitlines() if ln.startswith("✘ "))
        assert line.startswith("✘ xlwings 与加载项 DLL 版本：")
        assert f"xlwings64-{xlwings.__version__}.dll" in line and OTHER_XLWINGS in line
        fix = bad.stdout.splitlines()[bad.stdout.splitlines().index(line) + 1]
        assert fix.startswith("    修复：") and f"xlwings=={xlwings.__version__}" in fix
    finally:                                   # the module's venv stays good for the other tests
        subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--no-index", "--no-deps",
                        "--find-links", str(root / "wheelhouse"), f"xlwings=={xlwings.__version__}"], env=env)
