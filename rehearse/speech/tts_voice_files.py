"""What the manager's voice shares with its parts: the error when nothing can be heard, a voice's description,
the cache key of a spoken line, and reading and checking the WAV files the voices write.

Kept apart from :mod:`rehearse.speech.tts` so the playback side (:mod:`rehearse.speech.tts_play`) can use them
without importing the Speaker (no import circle)."""

from __future__ import annotations

import hashlib
import json
import wave
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from rehearse.errors import UserError
from rehearse.speech.tts_style import DEFAULT_STYLE, VoiceStyle

CACHE_VERSION = 2
INSTALL_HINT = "Install espeak-ng (Debian/Ubuntu: sudo apt-get install espeak-ng)"


class TTSUnavailable(UserError):
    """The manager cannot be heard: no voice could say the line (Piper and the system voice both failed) or there
    is no sound output. Callers show the line as text and go on."""


@dataclass(frozen=True)
class Voice:
    id: str
    name: str
    languages: list[str]
    kind: str = "system"  # "piper" (the built-in natural voice) | "system" (pyttsx3)

    def to_dict(self) -> dict:
        return asdict(self)


def cache_key(text: str, voice: str | None, rate: int | None, style: VoiceStyle | None = None) -> str:
    blob = json.dumps([CACHE_VERSION, text, voice, rate, (style or DEFAULT_STYLE).key()], ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:40]


def check_wav(path: Path) -> dict:
    """Raise TTSUnavailable unless ``path`` is a valid WAV with sound in it; return its format."""
    try:
        with wave.open(str(path), "rb") as wav:
            info = {"sample_rate": wav.getframerate(), "channels": wav.getnchannels(), "sample_width": wav.getsampwidth(),
                    "frames": wav.getnframes()}
            frames = wav.readframes(info["frames"])
    except (OSError, EOFError, wave.Error) as err:
        raise TTSUnavailable(f"speech synthesis produced no usable audio ({err})") from None
    if info["frames"] == 0:
        raise TTSUnavailable("speech synthesis produced an empty recording")
    if info["sample_width"] == 2 and not np.frombuffer(frames, dtype="<i2").any():
        raise TTSUnavailable("speech synthesis produced only silence")
    return info


def write_wav(path: Path, samples: np.ndarray, rate: int) -> None:
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(np.asarray(samples, dtype="<i2").tobytes())


def read_wav_int16(path: Path) -> tuple[np.ndarray, int]:
    with wave.open(str(path), "rb") as wav:
        rate, channels, width = wav.getframerate(), wav.getnchannels(), wav.getsampwidth()
        frames = wav.readframes(wav.getnframes())
    if width != 2:
        raise UserError(f"{path}: only 16-bit WAV can be played")
    return np.frombuffer(frames, dtype="<i2").reshape(-1, channels), rate
