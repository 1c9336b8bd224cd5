"""Where Rehearse keeps things: shipped assets and the user's data directory."""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path

from rehearse.errors import UserError


def find_assets() -> Path:
    """The shipped assets (scenarios, word lists, desktop entry, icon).

    Installed from a wheel they are package data, ``rehearse/_assets`` (the build copies the top-level ``assets/``
    folder there); run from a source checkout (``scripts/run``, an editable install) they are that ``assets/``
    folder itself.
    """
    packaged = resources.files("rehearse").joinpath("_assets")
    if packaged.is_dir():
        return Path(str(packaged))  # a wheel installs unpacked: the package data are files on disk
    return Path(__file__).resolve().parent.parent / "assets"


ASSETS = find_assets()
SCENARIOS = ASSETS / "scenarios"
WORDS = ASSETS / "words"


def data_dir() -> Path:
    """The user data directory. ``REHEARSE_HOME`` overrides everything (tests, portable use)."""
    home = os.environ.get("REHEARSE_HOME")
    if home:
        path = Path(home).expanduser()
    else:
        import platformdirs

        path = Path(platformdirs.user_data_dir("rehearse", "Rehearse"))
    return ensure_folder(path)


def user_scenarios_dir() -> Path:
    """The user's own scenarios (the editor saves new ones and copies of the shipped ones here)."""
    return ensure_folder(data_dir() / "scenarios")


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
