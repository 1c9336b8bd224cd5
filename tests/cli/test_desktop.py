"""`rehearse install-desktop`: a desktop entry and an icon under the XDG data folder."""

from __future__ import annotations

import configparser
import json
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from rehearse.cli import main
from rehearse.commands.desktop import desktop_entry, quote_exec_arg


def read_entry(path: Path) -> dict[str, str]:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # keys are case-sensitive
    parser.read_string(path.read_text(encoding="utf-8"))
    assert parser.sections() == ["Desktop Entry"]
    return dict(parser["Desktop Entry"])


def test_install_writes_the_entry_and_icon_under_xdg_data_home(tmp_path, monkeypatch, capsys):
    data = tmp_path / "xdg-data"
    monkeypatch.setenv("XDG_DATA_HOME", str(data))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert main(["install-desktop", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    desktop = data / "applications" / "rehearse.desktop"
    icon = data / "icons" / "hicolor" / "scalable" / "apps" / "rehearse.svg"
    assert result["desktop_file"] == str(desktop) and result["icon"] == str(icon)
    assert not (tmp_path / "home").exists()  # nothing written outside XDG_DATA_HOME
    entry = read_entry(desktop)
    assert entry["Type"] == "Application" and entry["Name"] == "Rehearse" and entry["Icon"] == "rehearse"
    assert entry["Terminal"] == "false" and "@" not in entry["Exec"]
    assert shlex.split(entry["Exec"]) == result["exec"]
    # it starts this installation: the rehearse script beside this Python (or this Python with -m rehearse)
    assert Path(result["exec"][0]).parent == Path(sys.executable).parent
    assert icon.read_bytes().startswith(b"<?xml") and b"<svg" in icon.read_bytes()
    if shutil.which("desktop-file-validate"):  # installed by scripts/setup --test
        check = subprocess.run(["desktop-file-validate", str(desktop)], capture_output=True, text=True)
        assert check.returncode == 0 and check.stdout == "", check.stdout + check.stderr


def test_the_entry_opens_the_app(tmp_path, monkeypatch, capsys):
    """The Exec line, run as a launcher would (without a display here), reaches the app's own start-up."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert main(["install-desktop"]) == 0
    assert "application menu" in capsys.readouterr().out
    command = shlex.split(read_entry(tmp_path / "applications" / "rehearse.desktop")["Exec"])
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "REHEARSE_HOME": str(tmp_path / "r")}
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60, cwd=tmp_path)
    assert done.returncode == 2 and "no display to open the app on" in done.stderr, done.stderr


def test_default_is_home_local_share_and_a_relative_xdg_data_home_is_ignored(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_DATA_HOME", "relative/dir")  # the spec: relative paths are invalid, ignore them
    assert main(["install-desktop"]) == 0
    assert (tmp_path / ".local" / "share" / "applications" / "rehearse.desktop").is_file()
    assert (tmp_path / ".local" / "share" / "icons" / "hicolor" / "scalable" / "apps" / "rehearse.svg").is_file()


def test_install_again_replaces_and_remove_takes_both_away(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    desktop = tmp_path / "applications" / "rehearse.desktop"
    assert main(["install-desktop"]) == 0
    desktop.write_text("old")
    assert main(["install-desktop"]) == 0
    assert desktop.read_text().startswith("[Desktop Entry]")
    assert sorted(p.name for p in desktop.parent.iterdir() if p.name.startswith(".")) == []  # no temporary left
    capsys.readouterr()
    assert main(["install-desktop", "--remove"]) == 0
    assert "Removed" in capsys.readouterr().out
    assert not desktop.exists() and not list((tmp_path / "icons").rglob("rehearse.svg"))
    assert main(["install-desktop", "--remove"]) == 0
    assert "was not in the application menu" in capsys.readouterr().out


def test_an_unwritable_data_folder_is_a_user_error(tmp_path, monkeypatch, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("XDG_DATA_HOME", str(blocker))
    assert main(["install-desktop"]) == 2
    err = capsys.readouterr().err
    assert "cannot write" in err and "Traceback" not in err


@pytest.mark.parametrize("arg, quoted", [
    ("/usr/bin/rehearse", "/usr/bin/rehearse"),
    ("/home/a b/venv/bin/rehearse", '"/home/a b/venv/bin/rehearse"'),
    ('/opt/x"y$z`w', '"/opt/x\\"y\\$z\\`w"'),
    ("/opt/100%/rehearse", "/opt/100%%/rehearse"),
])
def test_exec_arguments_are_quoted_as_the_specification_says(arg, quoted):
    assert quote_exec_arg(arg) == quoted


def test_a_path_with_spaces_and_a_backslash_survives_the_entry(tmp_path):
    odd = "/tmp/my venv\\x/bin/rehearse"
    exec_value = next(line for line in desktop_entry([odd, "-m", "rehearse"]).splitlines()
                      if line.startswith("Exec="))[len("Exec="):]
    # a launcher first undoes the string escapes (\\ -> \), then the Exec quoting
    unescaped = exec_value.replace("\\\\", "\\")
    assert shlex.split(unescaped) == [odd, "-m", "rehearse"]


def test_the_app_window_carries_the_icon_and_names_the_entry(qapp):
    from rehearse.ui.app import make_app

    app = make_app()
    assert app.desktopFileName() == "rehearse"
    icon = app.windowIcon()
    assert not icon.isNull() and not icon.pixmap(64, 64).isNull()  # the SVG was read (Qt's SVG plug-in)
    image = icon.pixmap(64, 64).toImage()
    assert image.pixelColor(32, 4).blue() > image.pixelColor(32, 4).red()  # the blue tile, not a blank
