"""The ``rehearse`` command. Every capability is scriptable; most commands print ``--json``.

With no arguments it opens the desktop app. Each group of subcommands lives in ``rehearse/commands/`` and
registers itself through ``register(subparsers)``; what commands share (``print_json``) is in
``rehearse/commands/output.py``: commands never import this module. A command handler returns an exit code and raises
:class:`rehearse.errors.UserError` for user mistakes, which are printed here without a traceback (exit 2).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys

from rehearse import __version__
from rehearse.errors import UserError

COMMAND_MODULES = [
    "rehearse.commands.scenario",
    "rehearse.commands.matching",
    "rehearse.commands.transcribe",
    "rehearse.commands.models",
    "rehearse.commands.voice",
    "rehearse.commands.audio",
    "rehearse.commands.run",
    "rehearse.commands.history",
    "rehearse.commands.review",
    "rehearse.commands.desktop",
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rehearse",
        description="Rehearse asking for a promotion, out loud and offline. With no command, opens the app.",
    )
    parser.add_argument("--version", action="version", version=f"rehearse {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv:
        if sys.platform.startswith("linux") and not any(
                os.environ.get(v) for v in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")):
            # Qt would abort the process (core dump) when it finds no display
            print("rehearse: no display to open the app on (DISPLAY is not set); the commands work without one: "
                  "see `rehearse --help`", file=sys.stderr)
            return 2
        from rehearse.ui.app import run_app

        return run_app()
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except UserError as err:
        print(str(err), file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt:
        print("rehearse: cancelled", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
