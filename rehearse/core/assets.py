"""Where core finds the shipped assets (word lists, the scenario template) without importing :mod:`rehearse.paths`
(core imports nothing outside core but :mod:`rehearse.errors`).

The same rule as ``rehearse.paths.find_assets``: package data in an installed wheel (``rehearse/_assets``, copied
from the top-level ``assets/`` at build time), else the checkout's ``assets/`` folder.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path


def assets_dir() -> Path:
    packaged = resources.files("rehearse").joinpath("_assets")
    if packaged.is_dir():
        return Path(str(packaged))  # a wheel installs unpacked: the package data are files on disk
    return Path(__file__).resolve().parents[2] / "assets"


ASSETS = assets_dir()
WORDS = ASSETS / "words"
SCENARIOS = ASSETS / "scenarios"
