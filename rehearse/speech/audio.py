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
from rehearse.fileio import check_regular, why

ENGINE_RATE = 16000  # what every recognizer takes
# Streaming WAV writers put these in a size field before they know the length.
_PLACEHOLDER_SIZES = (0, 0xFFFFFFFF)


def _check_riff(path: Path, head: bytes, size: int) -> None:
    """Raise UserError if a RIFF/WAVE file declares more data than it holds."""
    if len(head) < 12 or head[:4] not in (b"RIFF", b"RIFX") or head[8:12] != b"WAVE":
        return  # not RIFF WAV: let libsndfile decide what it is
    fmt = "<I" if head[:4] == b"RIFF" else ">I"
    pos = 12
    with path.open("rb") as fh:  # (the caller has opened it already: readable)
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


MIN_RATE, MAX_RATE = 8000, 192000  # sample rates accepted: telephone quality up to studio recordings
MAX_SECONDS = 2 * 3600  # longer than any answer; bounds the memory a file can make us use
MAX_READ_SAMPLES = 48000 * 20 * 60  # read_wav keeps the whole file: at most 20 min at 48 kHz (230 MB)
BLOCK_FRAMES = 1 << 16  # frames decoded at a time when streaming


def wav_info(path):
    """Check an audio file without decoding its samples; returns ``soundfile.info``.

    UserError (with the reason) for: no name, missing, a folder, a FIFO or device, unreadable (permissions), empty,
    truncated, not audio, a sample rate outside 8–192 kHz, or longer than two hours.
    """
    import soundfile

    if not str(path).strip():  # Path("") is the current folder
        raise UserError("(empty file name): give the audio file's name")
    path = Path(path)
    size = check_regular(path, what="audio file")
    if size == 0:
        raise UserError(f"{path}: empty file, not audio")
    try:
        with path.open("rb") as fh:
            head = fh.read(12)
    except OSError as err:
        raise UserError(f"{path}: cannot read the audio file: {why(err)}") from None
    _check_riff(path, head, size)
    try:
        info = soundfile.info(str(path))
    except soundfile.LibsndfileError as err:
        reason = str(getattr(err, "error_string", "") or err)
        raise UserError(f"{path}: not a readable audio file ({reason})") from None
    except (RuntimeError, ValueError, TypeError, OSError) as err:
        raise UserError(f"{path}: not a readable audio file ({err})") from None
    if not MIN_RATE <= info.samplerate <= MAX_RATE:
        raise UserError(f"{path}: unsupported sample rate {info.samplerate} Hz (Rehearse reads "
                        f"{MIN_RATE // 1000}–{MAX_RATE // 1000} kHz audio); save it again at 16 or 48 kHz")
    if not 1 <= info.channels <= 32:
        raise UserError(f"{path}: unsupported number of channels ({info.channels})")
    if info.frames <= 0:
        raise UserError(f"{path}: the file holds no audio (0 samples)")
    if info.frames / info.samplerate > MAX_SECONDS:
        raise UserError(f"{path}: too long ({info.frames / info.samplerate / 3600:.1f} hours of audio; at most "
                        f"{MAX_SECONDS // 3600} hours)")
    return info


def iter_samples(path, rate: int | None = None, block_frames: int = BLOCK_FRAMES):
    """Decode an audio file block by block: float32 mono blocks in [-1, 1], resampled to ``rate`` if given.

    Memory stays bounded by the block size whatever the file's length. Checks the file first (:func:`wav_info`);
    NaN samples become silence and infinities are clipped, so a broken float file cannot poison the recognizer.
    """
    import soundfile

    info = wav_info(path)
    stream = None
    if rate is not None and rate != info.samplerate:
        import soxr

        stream = soxr.ResampleStream(info.samplerate, rate, 1, dtype="float32", quality="HQ")
    try:
        with soundfile.SoundFile(str(path)) as snd:
            while True:
                block = snd.read(block_frames, dtype="float32", always_2d=True)
                last = len(block) < block_frames
                mono = block[:, 0] if block.shape[1] == 1 else block.mean(axis=1, dtype=np.float32)
                mono = np.nan_to_num(np.ascontiguousarray(mono, dtype=np.float32), nan=0.0, posinf=1.0,
                                     neginf=-1.0)
                if stream is not None:
                    mono = stream.resample_chunk(mono, last=last)
                if len(mono):
                    yield mono
                if last:
                    return
    except soundfile.LibsndfileError as err:
        reason = str(getattr(err, "error_string", "") or err)
        raise UserError(f"{path}: not a readable audio file ({reason})") from None
    except (RuntimeError, ValueError, TypeError) as err:
        raise UserError(f"{path}: not a readable audio file ({err})") from None
    except OSError as err:
        raise UserError(f"{path}: cannot read the audio file: {why(err)}") from None


def read_wav(path) -> tuple[np.ndarray, int]:
    """Decode an audio file to float32 mono samples in [-1, 1] and its sample rate.

    Stereo (or more channels) is mixed down by averaging. Raises UserError for a missing, empty, truncated or
    non-audio file, with the reason, and for one too long to hold in memory (stream those with
    :func:`iter_samples`).
    """
    info = wav_info(path)
    if info.frames > MAX_READ_SAMPLES:
        raise UserError(f"{path}: too long to read at once ({info.frames / info.samplerate / 60:.0f} min)")
    blocks = list(iter_samples(path))
    mono = np.concatenate(blocks) if blocks else np.zeros(0, np.float32)
    if mono.size == 0:
        raise UserError(f"{path}: the file holds no audio (0 samples)")
    return np.ascontiguousarray(mono, dtype=np.float32), int(info.samplerate)


def resample(samples: np.ndarray, from_rate: int, to_rate: int) -> np.ndarray:
    """Resample float32 mono samples with soxr (high quality). Returns float32.

    Rates outside 8–192 kHz are refused (ValueError): soxr asked to go from 1 Hz to 16 kHz allocates 16,000 times
    the input and can crash the process.
    """
    samples = np.asarray(samples, dtype=np.float32)
    if from_rate == to_rate or samples.size == 0:
        return samples
    for r in (from_rate, to_rate):
        if not MIN_RATE <= r <= MAX_RATE:
            raise ValueError(f"sample rate {r} Hz is outside {MIN_RATE}–{MAX_RATE} Hz")
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
    """Read an audio file and return it as mono s16le PCM at ``rate`` (16 kHz by default).

    Decoded and resampled block by block, so only the result (2 bytes a sample at ``rate``) is held in memory.
    """
    out = bytearray()
    for block in iter_samples(path, rate):
        out += to_pcm16(block)
    if not out:
        raise UserError(f"{path}: the file holds no audio (0 samples)")
    return bytes(out)


def iter_pcm16(path, rate: int = ENGINE_RATE):
    """:func:`iter_samples` as s16le PCM blocks at ``rate`` (for streaming a long file into a recognizer)."""
    for block in iter_samples(path, rate):
        yield to_pcm16(block)
