"""Remembered app state (window geometry, last scenario, chosen mode) and the user's preferences, in an INI file in
the data directory.

Kept under :func:`rehearse.paths.data_dir`, so ``REHEARSE_HOME`` moves it too and tests never touch the real home.
The preferences (microphone, output, voice and speed, silence, recognizer) are written here by the Settings dialog
and read back — by the app and, without Qt, by the command line — through :mod:`rehearse.preferences`.
"""

from __future__ import annotations

from PySide6.QtCore import QSettings

from rehearse.paths import data_dir
from rehearse.preferences import KEYS, Preferences, load_preferences


def app_settings() -> QSettings:
    return QSettings(str(data_dir() / "settings.ini"), QSettings.Format.IniFormat)


def save_preferences(prefs: Preferences) -> None:
    settings = app_settings()
    for name, key in KEYS.items():
        value = getattr(prefs, name)
        if value is None or value == "":
            settings.remove(key)
        else:
            settings.setValue(key, value)
    settings.sync()


def apply_to_context(ctx) -> Preferences:
    """Put the saved preferences into the app's shared context: the next answer and the next line use them."""
    prefs = load_preferences()
    ctx.silence_s = prefs.silence_s
    ctx.input_device = prefs.input_device
    ctx.output_device = prefs.output_device
    ctx.voice_name = prefs.voice
    ctx.voice_rate = prefs.rate
    ctx.engine = prefs.engine
    return prefs
