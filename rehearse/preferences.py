"""The user's preferences (chosen in the app's Settings), read without Qt so the command line uses them too.

The app stores them with ``QSettings`` in ``settings.ini`` in the data folder (:func:`rehearse.ui.settings.
app_settings`); this module reads the same file with :mod:`configparser`. A command-line flag always wins over a
preference, and a preference over the built-in default. Nothing here writes the file.
"""

from __future__ import annotations

import configparser
import math
from dataclasses import dataclass

from rehearse.paths import data_dir

DEFAULT_SILENCE_S = 1.5
ENGINES = ("auto", "whisper", "vosk")

# (group/key in settings.ini) for each preference
KEYS = {
    "silence_s": "listen/silence_s",
    "input_device": "audio/input_device",
    "output_device": "audio/output_device",
    "voice": "voice/name",
    "rate": "voice/rate",
    "engine": "speech/engine",
}


@dataclass
class Preferences:
    silence_s: float = DEFAULT_SILENCE_S
    input_device: str | None = None  # None: the system's default microphone
    output_device: str | None = None  # None: the system's default output
    voice: str | None = None  # None: the speech engine's default voice
    rate: int | None = None  # words per minute; None: the voice's own pace
    engine: str = "auto"


def _unquote(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] == '"':
        value = value[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    return value


def load_preferences() -> Preferences:
    """The preferences saved by the app; anything missing or unreadable is the default."""
    prefs = Preferences()
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.optionxform = str
    try:
        parser.read(data_dir() / "settings.ini", encoding="utf-8")
    except (configparser.Error, UnicodeDecodeError, OSError):
        return prefs
    raw = {}
    for name, key in KEYS.items():
        group, option = key.split("/")
        if parser.has_option(group, option):
            text = _unquote(parser.get(group, option))
            if text and not text.startswith("@"):
                raw[name] = text
    try:
        silence = float(raw.get("silence_s", DEFAULT_SILENCE_S))
        if 0 < silence < math.inf:
            prefs.silence_s = silence
    except ValueError:
        pass
    try:
        rate = int(float(raw["rate"])) if "rate" in raw else None
        prefs.rate = rate if rate and 60 <= rate <= 500 else None
    except ValueError:
        pass
    prefs.input_device = raw.get("input_device")
    prefs.output_device = raw.get("output_device")
    prefs.voice = raw.get("voice")
    if raw.get("engine") in ENGINES:
        prefs.engine = raw["engine"]
    return prefs
