"""Where Rehearse keeps things: shipped assets and the user's data directory."""

from __future__ import annotations

import os
from pathlib import Path

from rehearse.errors import UserError

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
    return ensure_folder(path)


def models_dir() -> Path:
    return ensure_folder(data_dir() / "models")


def cache_dir() -> Path:
    return ensure_folder(data_dir() / "cache")


def ensure_folder(path: Path) -> Path:
    """Create ``path`` if needed; a UserError (not a traceback) when it is a file or cannot be created."""
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        from rehearse.fileio import why as plain

        why = "it is a file, not a folder" if isinstance(err, FileExistsError) else plain(err)
        raise UserError(f"{path}: Rehearse cannot use this folder ({why}); move what is in the way, or set "
                        "REHEARSE_HOME to a folder you can write") from None
    return path
