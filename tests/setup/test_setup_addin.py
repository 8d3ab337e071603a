"""``jidi-xl addin install|uninstall`` against a temporary Windows profile (paths taken from the environment)."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from jidi_xl.cli import main
from udfs.addin import install as inst


@pytest.fixture
def profile(tmp_path, monkeypatch) -> dict[str, Path]:
    """A Windows profile standing in a temp folder: USERPROFILE and APPDATA as Windows sets them."""
    home, appdata = tmp_path / "Users" / "张三", tmp_path / "Users" / "张三" / "AppData" / "Roaming"
    appdata.mkdir(parents=True)
    monkeypatch.setenv("USERPROFILE", str(home))
    monkeypatch.setenv("APPDATA", str(appdata))
    return {"home": home, "xlstart": appdata / "Microsoft" / "Excel" / "XLSTART",
            "conf": home / ".myaddin" / "myaddin.conf"}


def _files(root: Path) -> set[str]:
    return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}


def test_target_is_taken_from_the_environment(profile):
    t = inst.target()
    assert (t.xlstart, t.config, t.explicit) == (profile["xlstart"], profile["conf"], False)
    assert t.addin == profile["xlstart"] / "jidi_xl_addin.xlam"


@pytest.mark.parametrize("missing, named", [("USERPROFILE", "USERPROFILE"), ("APPDATA", "APPDATA")])
def test_a_missing_variable_is_named(profile, monkeypatch, missing, named):
    monkeypatch.delenv(missing)
    with pytest.raises(inst.SetupError, match=named):
        inst.target()


def test_install_then_uninstall_puts_and_removes_exactly_the_files(profile):
    home = profile["home"]
    before = _files(home)
    out = inst.install(inst.target())
    assert _files(home) - before == {"AppData/Roaming/Microsoft/Excel/XLSTART/jidi_xl_addin.xlam",
                                      ".myaddin/myaddin.conf"}
    assert profile["xlstart"].joinpath("jidi_xl_addin.xlam").read_bytes() == inst.ADDIN.read_bytes()
    raw = profile["conf"].read_bytes().decode("utf-8")
    assert raw == f'"INTERPRETER_WIN","{inst.interpreter()}"\r\n"UDF MODULES","udfs.excel"\r\n'   # VBA Write # form
    assert inst.read_config(profile["conf"]) == [("INTERPRETER_WIN", str(inst.interpreter())),
                                                 ("UDF MODULES", "udfs.excel")]
    assert len(out.done) == 2 and "导入函数" in out.notes[0]
    inst.uninstall(inst.target())
    assert _files(home) == before
    assert not (home / ".myaddin").exists()


def test_other_keys_of_the_config_file_are_kept(profile):
    profile["conf"].parent.mkdir(parents=True)
    profile["conf"].write_text('"PYTHONPATH","D:\\\\work"\r\n"interpreter_win","C:\\\\old\\\\pythonw.exe"\r\n', encoding="utf-8")
    inst.install(inst.target())
    pairs = inst.read_config(profile["conf"])
    assert pairs[0] == ("PYTHONPATH", "D:\\\\work")
    assert inst.config_value(pairs, "Interpreter_Win") == str(inst.interpreter())     # replaced, any case
    assert len(pairs) == 3
    inst.uninstall(inst.target())
    assert inst.read_config(profile["conf"]) == [("PYTHONPATH", "D:\\\\work")]


def test_install_is_repeatable(profile):
    inst.install(inst.target())
    inst.install(inst.target())
    assert len(inst.read_config(profile["conf"])) == 2


def test_cli_with_xlstart_installs_and_uninstalls(profile, tmp_path):
    xl = tmp_path / "XLSTART"
    r = CliRunner().invoke(main, ["addin", "install", "--xlstart", str(xl)])
    assert r.exit_code == 0, r.output
    assert "✔ 已复制加载项" in r.output and (xl / "jidi_xl_addin.xlam").is_file() and profile["conf"].is_file()
    r = CliRunner().invoke(main, ["addin", "uninstall", "--xlstart", str(xl)])
    assert r.exit_code == 0, r.output
    assert not (xl / "jidi_xl_addin.xlam").exists() and not profile["conf"].exists()
    r = CliRunner().invoke(main, ["addin", "uninstall", "--xlstart", str(xl)])
    assert r.exit_code == 0 and "无需删除" in r.output


@pytest.mark.skipif(sys.platform.startswith("win"), reason="the no-Excel path")
@pytest.mark.parametrize("command", ["install", "uninstall"])
def test_without_excel_says_what_it_would_do_and_why_not(profile, command):
    r = CliRunner().invoke(main, ["addin", command])
    assert r.exit_code == 2
    assert "不是 Windows" in r.output and "将要做的是" in r.output
    assert str(profile["xlstart"] / "jidi_xl_addin.xlam") in r.output and str(profile["conf"]) in r.output
    assert not profile["xlstart"].exists() and not profile["conf"].exists()


@pytest.mark.skipif(sys.platform.startswith("win"), reason="the no-Excel path")
def test_without_excel_or_profile_names_the_windows_places(monkeypatch):
    monkeypatch.delenv("USERPROFILE", raising=False)
    monkeypatch.delenv("APPDATA", raising=False)
    r = CliRunner().invoke(main, ["addin", "install"])
    assert r.exit_code == 2
    assert "%APPDATA%\\Microsoft\\Excel\\XLSTART\\jidi_xl_addin.xlam" in r.output
    assert "%USERPROFILE%\\.myaddin\\myaddin.conf" in r.output


def test_dry_run_with_xlstart_changes_nothing(profile, tmp_path):
    r = CliRunner().invoke(main, ["addin", "install", "--dry-run", "--xlstart", str(tmp_path / "X")])
    assert r.exit_code == 0 and "未执行" in r.output
    assert not (tmp_path / "X").exists() and not profile["conf"].exists()
