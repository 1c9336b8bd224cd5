"""What the commands share for printing: ``--json`` output. ``rehearse.cli`` assembles the commands and never the
other way round, so anything two commands share lives here (or further down), not in ``cli.py``."""

from __future__ import annotations

import json
import math
import sys


def _finite(value):
    """``value`` with every NaN or infinity replaced by null: JSON has no such numbers (json.dump would print them
    bare, and a strict reader rejects the whole document)."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


def print_json(data) -> None:
    """``data`` as indented JSON on stdout (UTF-8 as is, not escaped), one trailing newline; never a bare NaN or
    Infinity (they become null)."""
    json.dump(_finite(data), sys.stdout, indent=2, ensure_ascii=False, allow_nan=False)
    sys.stdout.write("\n")
