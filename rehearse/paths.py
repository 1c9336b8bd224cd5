"""Where Rehearse keeps things: shipped assets and the user's data directory."""

from __future__ import annotations

import os
from pathlib import Path

ASSETS = Path(__file__).resolve().parent.parent / "assets"
SCENARIOS = ASSETS / "scenarios"


def data_dir() -> Path:
    """The user data directory. ``REHEARSE_HOME`` overrides everything (tests, portable use)."""
    home = os.environ.get("REHEARSE_HOME")
    if home:
        path = Path(home).expanduser()
    else:
        import platformdirs

        path = Path(platformdirs.user_data_dir("rehearse", "Rehearse"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def models_dir() -> Path:
    path = data_dir() / "models"
    path.mkdir(parents=True, exist_ok=True)
    return path


def cache_dir() -> Path:
    path = data_dir() / "cache"
    path.mkdir(parents=True, exist_ok=True)
    return path
