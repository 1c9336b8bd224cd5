"""Remembered app state (window geometry, last scenario, chosen mode) in an INI file in the data directory.

Kept under :func:`rehearse.paths.data_dir`, so ``REHEARSE_HOME`` moves it too and tests never touch the real home.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings

from rehearse.paths import data_dir


def app_settings() -> QSettings:
    return QSettings(str(data_dir() / "settings.ini"), QSettings.Format.IniFormat)
