"""Subcommand: ``rehearse install-desktop [--remove]``: Rehearse in the Linux desktop's application menu.

Writes the desktop entry (``assets/desktop/rehearse.desktop`` with the command filled in) to
``$XDG_DATA_HOME/applications/rehearse.desktop`` and the icon to
``$XDG_DATA_HOME/icons/hicolor/scalable/apps/rehearse.svg`` (``XDG_DATA_HOME`` defaults to ``~/.local/share``), as
the freedesktop.org specifications say. The entry starts this installation's ``rehearse`` (by absolute path, so it
works when the virtual environment is not on ``PATH``). Nothing is written outside the user's data folder.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from rehearse.errors import UserError
from rehearse.paths import ASSETS

APP_ID = "rehearse"
TEMPLATE = ASSETS / "desktop" / "rehearse.desktop"
ICON = ASSETS / "desktop" / "rehearse.svg"


def register(sub) -> None:
    """Add this module's subcommand to the rehearse parser."""
    p = sub.add_parser(
        "install-desktop",
        help="add Rehearse (with its icon) to the Linux desktop's application menu",
        description="Write a desktop entry to $XDG_DATA_HOME/applications (default ~/.local/share/applications) and "
        "the icon to $XDG_DATA_HOME/icons/hicolor, so Rehearse opens from the application menu. --remove takes them "
        "away again.",
    )
    p.add_argument("--remove", action="store_true", help="remove the desktop entry and icon instead")
    p.add_argument("--json", action="store_true", help='print {"desktop_file", "icon", "exec", "removed"}')
    p.set_defaults(func=cmd_install_desktop)


def data_home() -> Path:
    """``$XDG_DATA_HOME``, or ``~/.local/share`` when it is unset, empty or relative (the spec says to ignore it)."""
    value = os.environ.get("XDG_DATA_HOME", "")
    if value and os.path.isabs(value):
        return Path(value)
    return Path.home() / ".local" / "share"


def desktop_file_path() -> Path:
    return data_home() / "applications" / f"{APP_ID}.desktop"


def icon_path() -> Path:
    return data_home() / "icons" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg"


def launch_command() -> list[str]:
    """How to start this installation's app: its ``rehearse`` script, else this Python with ``-m rehearse``."""
    script = Path(sys.executable).parent / "rehearse"
    if script.is_file() and os.access(script, os.X_OK):
        return [str(script.absolute())]
    return [str(Path(sys.executable).absolute()), "-m", "rehearse"]


def quote_exec_arg(arg: str) -> str:
    """One argument of a desktop entry's Exec key, quoted as the Desktop Entry Specification requires."""
    if arg == "":
        return '""'
    reserved = set(" \t\n\"'\\><~|&;$*?#()`=")
    if not any(c in reserved for c in arg):
        return arg.replace("%", "%%")
    escaped = "".join("\\" + c if c in '"`$\\' else c for c in arg).replace("%", "%%")
    return f'"{escaped}"'


def desktop_entry(command: list[str]) -> str:
    """The desktop entry's text: the shipped template with its Exec line filled in (comment lines dropped)."""
    exec_line = " ".join(quote_exec_arg(a) for a in command)
    # the specification's string escapes: a backslash in a value is written twice
    exec_line = exec_line.replace("\\", "\\\\")
    lines = [line for line in TEMPLATE.read_text(encoding="utf-8").splitlines() if not line.startswith("#")]
    text = "\n".join(lines).replace("@EXEC@", exec_line) + "\n"
    return text


def _write(path: Path, data: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.name}.tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except OSError as err:
        raise UserError(f"{path}: cannot write ({err.strerror or err})") from None


def _refresh_menu(applications: Path) -> None:
    """Ask the desktop to re-read the menu when its tool is installed (optional: menus also notice by themselves)."""
    tool = shutil.which("update-desktop-database")
    if tool:
        subprocess.run([tool, "-q", str(applications)], capture_output=True, timeout=30, check=False)


def cmd_install_desktop(args) -> int:
    desktop, icon = desktop_file_path(), icon_path()
    command = launch_command()
    if args.remove:
        removed = []
        for path in (desktop, icon):
            try:
                path.unlink()
                removed.append(str(path))
            except FileNotFoundError:
                pass
            except OSError as err:
                raise UserError(f"{path}: cannot remove ({err.strerror or err})") from None
        result = {"desktop_file": str(desktop), "icon": str(icon), "exec": None, "removed": removed}
        message = ("Removed " + " and ".join(removed)) if removed else "Rehearse was not in the application menu."
    else:
        _write(icon, ICON.read_bytes())
        _write(desktop, desktop_entry(command).encode("utf-8"))
        _refresh_menu(desktop.parent)
        result = {"desktop_file": str(desktop), "icon": str(icon), "exec": command, "removed": []}
        message = (f"Wrote {desktop} and {icon}: Rehearse is in the application menu (it runs "
                   f"{' '.join(command)}). `rehearse install-desktop --remove` takes it away.")
    if args.json:
        json.dump(result, sys.stdout, indent=2, ensure_ascii=False)
        sys.stdout.write("\n")
    else:
        print(message)
    return 0
