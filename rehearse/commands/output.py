"""What the commands share for printing: ``--json`` output. ``rehearse.cli`` assembles the commands and never the
other way round, so anything two commands share lives here (or further down), not in ``cli.py``."""

from __future__ import annotations

import json
import sys


def print_json(data) -> None:
    """``data`` as indented JSON on stdout (UTF-8 as is, not escaped), one trailing newline."""
    json.dump(data, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")
