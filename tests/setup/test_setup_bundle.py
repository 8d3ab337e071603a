"""``jidi-xl bundle``: contents, completeness of the wheelhouse for the target, and the install scripts' text."""
from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
import xlwings
from click.testing import CliRunner

from jidi_xl.cli import main
from udfs.addin import bundle, doctor
from udfs.addin import install as inst

pytestmark = pytest.mark.bundle
PLATFORMS = ["windows", "linux"]


def _manifest(root: Path) -> dict:
    return json.loads((root / "MANIFEST.json").read_text(encoding="utf-8"))


def test_supported_pythons_come_from_requires_python():
    assert bundle.python_versions() == ["3.11"]
    assert bundle.python_versions(">=3.10,<3.13") == ["3.10", "3.11", "3.12"]


@pytest.mark.parametrize("key", PLATFORMS)
def test_manifest_lists_every_file_with_its_hash(bundle_of, key):
    root = bundle_of(key)
    m = _manifest(root)
    listed = {f["path"]: f for f in m["files"]}
    on_disk = {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()} - {"MANIFEST.json"}
    assert set(listed) == on_disk
    for rel, f in listed.items():
        data = (root / rel).read_bytes()
        assert (len(data), hashlib.sha256(data).hexdigest()) == (f["bytes"], f["sha256"]), rel
    assert m["total_bytes"] == sum(f["bytes"] for f in m["files"])
    expected = {inst.ADDIN.name, "安装说明.txt", bundle.PLATFORMS[key].script, m["project_wheel"],
                "workbooks/jidi_evaluation.xlsx", "docs/excel-setup.md"}
    assert expected <= on_disk
    assert (root / inst.ADDIN.name).read_bytes() == inst.ADDIN.read_bytes()
    assert len([p for p in on_disk if p.startswith("workbooks/samples/")]) == 14
    assert len([p for p in on_disk if p.startswith("examples/")]) == 14


@pytest.mark.parametrize("key", PLATFORMS)
def test_wheelhouse_is_complete_for_the_target(bundle_of, key):
    """Every requirement, walked with the target's markers, has a compatible wheel; and pip agrees, offline."""
    root = bundle_of(key)
    plat = bundle.PLATFORMS[key]
    m = _manifest(root)
    for py in m["python_versions"]:
        assert bundle.missing(root / "wheelhouse", plat, py) == []
        r = bundle.verify_offline(root / "wheelhouse", plat, py, m["version"])
        assert r.returncode == 0, r.stderr
        assert f"jidi-xl-{m['version']}" in r.stdout


def test_windows_wheelhouse_has_what_pip_misses_from_linux(bundle_of):
    """pip evaluates markers for the host: these Windows-only requirements are added by the marker walk."""
    names = {bundle.canonicalize_name(n) for n in bundle.wheels_in(bundle_of("windows") / "wheelhouse")}
    assert {"pywin32", "colorama", "win-unicode-console"} <= names
    linux = {bundle.canonicalize_name(n) for n in bundle.wheels_in(bundle_of("linux") / "wheelhouse")}
    assert not ({"pywin32", "colorama", "win-unicode-console"} & linux)


def test_windows_xlwings_wheel_ships_the_dlls_the_addin_names(bundle_of):
    names = doctor.vba_dll_names(inst.ADDIN)
    whl, = (bundle_of("windows") / "wheelhouse").glob(f"xlwings-{xlwings.__version__}-*win_amd64.whl")
    with zipfile.ZipFile(whl) as z:
        dlls = {Path(n).name for n in z.namelist() if n.endswith(".dll")}
    assert {names["dll64"], names["dll32"]} <= dlls      # 64- and 32-bit Office both find theirs


@pytest.mark.parametrize("remove, lacking", [
    ("pywin32-*", "pywin32>=224"),
    ("colorama-*", "colorama"),
    ("scipy-*", "scipy"),
    ("jidi_xl-*", "jidi-xl"),
])
def test_missing_names_a_removed_wheel(bundle_of, tmp_path, remove, lacking):
    src = bundle_of("windows") / "wheelhouse"
    for w in src.glob("*.whl"):
        if not w.match(remove):
            shutil.copy(w, tmp_path / w.name)
    got = bundle.missing(tmp_path, bundle.PLATFORMS["windows"], "3.11")
    assert got == ([lacking] if lacking != "jidi-xl" else ["jidi-xl"])


def test_a_wheel_of_another_platform_does_not_count(bundle_of, tmp_path):
    for w in (bundle_of("windows") / "wheelhouse").glob("*.whl"):
        shutil.copy(w, tmp_path / w.name)
    assert "numpy" in " ".join(bundle.missing(tmp_path, bundle.PLATFORMS["linux"], "3.11"))


def test_a_dependency_without_wheel_is_named(tmp_path):
    r = bundle._download(bundle.PLATFORMS["windows"], "3.11", ["ezodf"], tmp_path / "d", [tmp_path], offline=True)
    assert r.returncode != 0
    assert bundle._no_wheel(r.stderr) == ["ezodf"]


def _cmd(root: Path) -> str:
    raw = (root / "install.cmd").read_bytes()
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")       # CRLF only
    return raw.decode("gbk")                                                 # cmd's code page on a Chinese PC


def test_install_cmd_references_only_files_of_the_bundle(bundle_of):
    root = bundle_of("windows")
    text = _cmd(root)
    refs = re.findall(r'%HERE%([^"%*]+)"', text)
    assert refs, "the script names bundle files through %HERE%"
    for ref in refs:
        assert (root / ref.replace("\\", "/")).exists(), ref
    pip_lines = [ln for ln in text.splitlines() if " -m pip " in ln]
    assert pip_lines and all("--no-index" in ln for ln in pip_lines)
    assert any('--find-links "%HERE%wheelhouse"' in ln for ln in pip_lines)
    assert 'set "PIP_CONFIG_FILE=NUL"' in text and "set PIP_ " in text      # the PC's pip configuration is ignored
    assert "://" not in text and "http" not in text.lower()
    assert "addin install" in text and text.index("addin install") < text.index(" doctor ")
    assert "%LOCALAPPDATA%" in text and "runas" not in text.lower()
    assert text.count("(") == text.count(")")


def test_install_sh_references_only_files_of_the_bundle(bundle_of):
    root = bundle_of("linux")
    text = (root / "install.sh").read_text(encoding="utf-8")
    for ref in re.findall(r'\$HERE/([^"]+)"', text):
        assert (root / ref).exists(), ref
    assert all("--no-index" in ln for ln in text.splitlines() if " -m pip " in ln)
    assert "://" not in text
    assert subprocess.run(["sh", "-n", str(root / "install.sh")]).returncode == 0


@pytest.mark.parametrize("key", PLATFORMS)
def test_guide_is_chinese_text_notepad_reads(bundle_of, key):
    raw = (bundle_of(key) / "安装说明.txt").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    text = raw[3:].decode("utf-8")
    assert "离线" in text and "卸载" in text
    if key == "windows":
        assert "解除锁定" in text and "Unblock-File" in text and "ImportPythonUDFsToAddin" in text


def test_cli_refuses_a_non_empty_output(tmp_path):
    (tmp_path / "x").write_text("keep")
    r = CliRunner().invoke(main, ["bundle", "--linux", "-o", str(tmp_path)])
    assert r.exit_code == 2
    assert "不为空" in r.output and (tmp_path / "x").read_text() == "keep"


def test_cli_needs_a_platform(tmp_path):
    r = CliRunner().invoke(main, ["bundle", "-o", str(tmp_path / "b")])
    assert r.exit_code == 2 and "--windows" in r.output


def test_bundle_names_a_dependency_that_has_no_wheel(bundle_of, project_wheel, tmp_path, monkeypatch):
    """ezodf (formulas[excel]) is published as source only: without its entry in SDIST_ONLY the command says so."""
    cache = tmp_path / "cache"
    (cache / "linux").mkdir(parents=True)
    for w in (bundle_of("linux") / "wheelhouse").glob("*.whl"):
        if not w.name.startswith(("ezodf-", "jidi_xl-")):
            shutil.copy(w, cache / "linux" / w.name)
    monkeypatch.setattr(bundle, "SDIST_ONLY", {})
    with pytest.raises(bundle.BundleError) as err:
        bundle.make_bundle("linux", tmp_path / "out", cache, project_wheel)
    assert "ezodf" in str(err.value) and "SDIST_ONLY" in str(err.value) and "没有适用于" in str(err.value)
    assert not (tmp_path / "out").exists()
