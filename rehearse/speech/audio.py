"""Reading audio files and converting samples for the recognizers.

WAV files are decoded with ``soundfile`` (libsndfile, bundled in its PyPI wheels): it reads every common WAV —
8-bit unsigned, 16/24/32-bit integer, 32/64-bit float, mono or stereo, WAVE_FORMAT_EXTENSIBLE — which the stdlib
``wave`` module does not (no float, no extensible float). libsndfile quietly accepts a file whose data chunk is cut
short, so :func:`read_wav` checks the RIFF chunk sizes itself and calls such a file truncated.
Resampling uses ``soxr`` (high quality). Everything the recognizers take is 16 kHz mono signed 16-bit little-endian PCM.
"""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np

from rehearse.errors import UserError

ENGINE_RATE = 16000  # what every recognizer takes
# Streaming WAV writers put these in a size field before they know the length.
_PLACEHOLDER_SIZES = (0, 0xFFFFFFFF)


def _check_riff(path: Path, head: bytes, size: int) -> None:
    """Raise UserError if a RIFF/WAVE file declares more data than it holds."""
    if len(head) < 12 or head[:4] not in (b"RIFF", b"RIFX") or head[8:12] != b"WAVE":
        return  # not RIFF WAV: let libsndfile decide what it is
    fmt = "<I" if head[:4] == b"RIFF" else ">I"
    pos = 12
    with path.open("rb") as fh:
        while pos + 8 <= size:
            fh.seek(pos)
            chunk = fh.read(8)
            cid, (length,) = chunk[:4], struct.unpack(fmt, chunk[4:8])
            if cid == b"data":
                if length not in _PLACEHOLDER_SIZES and pos + 8 + length > size:
                    have = size - pos - 8
                    raise UserError(
                        f"{path}: truncated WAV file: the header announces {length} bytes of audio "
                        f"but only {have} are there"
                    )
                return
            pos += 8 + length + (length & 1)
    if pos > size:
        raise UserError(f"{path}: truncated WAV file: it ends inside its header")


def read_wav(path) -> tuple[np.ndarray, int]:
    """Decode an audio file to float32 mono samples in [-1, 1] and its sample rate.

    Stereo (or more channels) is mixed down by averaging. Raises UserError for a missing, empty, truncated or
    non-audio file, with the reason.
    """
    import soundfile

    if not str(path).strip():  # Path("") is the current folder
        raise UserError("(empty file name): give the audio file's name")
    path = Path(path)
    if not path.exists():
        raise UserError(f"{path}: no such file")
    if path.is_dir():
        raise UserError(f"{path}: is a folder, not an audio file")
    size = path.stat().st_size
    if size == 0:
        raise UserError(f"{path}: empty file, not audio")
    with path.open("rb") as fh:
        head = fh.read(12)
    _check_riff(path, head, size)
    try:
        data, rate = soundfile.read(str(path), dtype="float32", always_2d=True)
    except soundfile.LibsndfileError as err:
        reason = str(getattr(err, "error_string", "") or err)
        raise UserError(f"{path}: not a readable audio file ({reason})") from None
    except (RuntimeError, ValueError, TypeError) as err:
        raise UserError(f"{path}: not a readable audio file ({err})") from None
    if data.shape[0] == 0:
        raise UserError(f"{path}: the file holds no audio (0 samples)")
    if rate <= 0:
        raise UserError(f"{path}: invalid sample rate {rate}")
    mono = data[:, 0] if data.shape[1] == 1 else data.mean(axis=1)
    return np.ascontiguousarray(mono, dtype=np.float32), int(rate)


def resample(samples: np.ndarray, from_rate: int, to_rate: int) -> np.ndarray:
    """Resample float32 mono samples with soxr (high quality). Returns float32."""
    samples = np.asarray(samples, dtype=np.float32)
    if from_rate == to_rate or samples.size == 0:
        return samples
    import soxr

    return soxr.resample(samples, from_rate, to_rate, quality="HQ").astype(np.float32, copy=False)


def to_pcm16(samples: np.ndarray) -> bytes:
    """float32 samples in [-1, 1] -> signed 16-bit little-endian PCM bytes (clipped)."""
    clipped = np.clip(np.asarray(samples, dtype=np.float32), -1.0, 1.0)
    return np.round(clipped * 32767.0).astype("<i2").tobytes()


def from_pcm16(pcm: bytes) -> np.ndarray:
    """Signed 16-bit little-endian PCM bytes -> float32 samples in [-1, 1]."""
    usable = len(pcm) - (len(pcm) % 2)
    return np.frombuffer(pcm[:usable], dtype="<i2").astype(np.float32) / 32768.0


def load_pcm16(path, rate: int = ENGINE_RATE) -> bytes:
    """Read an audio file and return it as mono s16le PCM at ``rate`` (16 kHz by default)."""
    samples, file_rate = read_wav(path)
    return to_pcm16(resample(samples, file_rate, rate))
