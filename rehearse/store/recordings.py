"""Recordings on disk: where a turn's WAV goes, and reading what is there even after a crash.

Layout: ``<store dir>/recordings/<run_id>/turn-<NN>.wav``. A recording cut short by a crash usually has a WAV header
whose sizes are wrong (zero or larger than the file); :func:`wav_info` measures such files from the bytes actually
on disk and :func:`repair_header` rewrites the sizes so that any player opens the file.
"""

from __future__ import annotations

import os
import re
import struct
from pathlib import Path

from rehearse.paths import ensure_folder

TURN_FILE = re.compile(r"^turn-(\d+)\.wav$")


def recordings_root(store_dir: Path) -> Path:
    return Path(store_dir) / "recordings"


def recording_path(store_dir: Path, run_id: int, turn_index: int) -> Path:
    """``<store_dir>/recordings/<run_id>/turn-<NN>.wav``; the folder is created."""
    folder = ensure_folder(recordings_root(store_dir) / str(int(run_id)))
    return folder / f"turn-{int(turn_index):02d}.wav"


def _chunks(data: bytes):
    """Yield (chunk_id, offset_of_payload, declared_size) for a RIFF/WAVE byte string."""
    pos = 12
    while pos + 8 <= len(data):
        cid, size = struct.unpack_from("<4sI", data, pos)
        yield cid, pos + 8, size
        pos += 8 + size + (size & 1)


def _data_size(data: bytes, offset: int, size: int) -> tuple[int, bool]:
    """The audio bytes of the data chunk at ``offset`` and whether its declared size is stale.

    Stale means a recorder was cut short: the size is 0, runs past the end of the file, or the data chunk is the
    last one the RIFF header knows of while the file goes on (frames appended after the header was last written).
    """
    present = len(data) - offset
    riff_end = struct.unpack_from("<I", data, 4)[0] + 8
    if size == 0 or size > present:
        return present, True
    if offset + size >= riff_end and len(data) > offset + size:
        return present, True
    return size, False


def wav_info(path: Path) -> dict | None:
    """``{"bytes", "rate", "channels", "sample_width", "duration", "header_ok"}`` for a PCM WAV, tolerant of a
    truncated file (the duration then comes from the audio bytes present). None when it is not a WAV file."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        return None
    fmt = None
    audio_bytes = None
    header_ok = struct.unpack_from("<I", data, 4)[0] == len(data) - 8
    for cid, offset, size in _chunks(data):
        if cid == b"fmt " and offset + 16 <= len(data):
            _tag, channels, rate, _brate, _align, bits = struct.unpack_from("<HHIIHH", data, offset)
            fmt = (channels, rate, bits // 8)
        elif cid == b"data":
            audio_bytes, stale = _data_size(data, offset, size)
            header_ok = header_ok and not stale
            break
    if fmt is None or audio_bytes is None:
        return None
    channels, rate, width = fmt
    frame = max(1, channels * width)
    duration = (audio_bytes // frame) / rate if rate else 0.0
    return {
        "bytes": len(data),
        "rate": rate,
        "channels": channels,
        "sample_width": width,
        "duration": round(duration, 3),
        "header_ok": header_ok,
    }


def repair_header(path: Path) -> bool:
    """Rewrite the RIFF and data sizes of a WAV cut short by a crash. Returns True when something was fixed."""
    path = Path(path)
    data = bytearray(path.read_bytes())
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        return False
    patches = []  # (offset, 4 bytes): only the size fields are rewritten, in place, never the audio
    for cid, offset, size in _chunks(bytes(data)):
        if cid == b"data":
            audio, stale = _data_size(bytes(data), offset, size)
            if stale:
                patches.append((offset - 4, struct.pack("<I", audio)))
            break
    if struct.unpack_from("<I", data, 4)[0] != len(data) - 8:
        patches.append((4, struct.pack("<I", len(data) - 8)))
    if patches:
        with path.open("r+b") as fh:
            for offset, value in patches:
                fh.seek(offset)
                fh.write(value)
            fh.flush()
            os.fsync(fh.fileno())
    return bool(patches)


def run_recordings(store_dir: Path, run_id: int) -> list[dict]:
    """Every ``turn-NN.wav`` in a run's folder: ``{"turn_index", "path", "duration", "bytes", "header_ok"}``."""
    folder = recordings_root(store_dir) / str(int(run_id))
    found = []
    if folder.is_dir():
        for item in sorted(folder.iterdir()):
            match = TURN_FILE.match(item.name)
            if not match:
                continue
            info = wav_info(item) or {}
            found.append(
                {
                    "turn_index": int(match.group(1)),
                    "path": str(item),
                    "duration": info.get("duration"),
                    "bytes": item.stat().st_size,
                    "header_ok": info.get("header_ok", False),
                }
            )
    return found


def delete_run_folder(store_dir: Path, run_id: int) -> int:
    """Remove ``recordings/<run_id>/`` and everything in it; returns how many recordings were in it."""
    import shutil

    folder = recordings_root(store_dir) / str(int(run_id))
    if not folder.is_dir():
        return 0
    count = sum(1 for item in folder.iterdir() if TURN_FILE.match(item.name))
    shutil.rmtree(folder)
    return count


# ----------------------------------------------------------------------------------- "this run is still going"
# A process running a rehearsal holds an advisory lock on <run folder>/.running until finish_run. The system drops
# the lock when the process dies, so an unfinished run whose lock is free was interrupted (no stale pids to trust).
LOCK_NAME = ".running"


def _lock_path(store_dir: Path, run_id: int) -> Path:
    return recordings_root(store_dir) / str(int(run_id)) / LOCK_NAME


def hold_run_lock(store_dir: Path, run_id: int) -> int | None:
    """Take the run's lock; returns the file descriptor to keep open (None where locks are not available)."""
    try:
        import fcntl
    except ImportError:  # not POSIX: unfinished runs are simply shown as interrupted
        return None
    path = _lock_path(store_dir, run_id)
    ensure_folder(path.parent)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    return fd


def release_run_lock(store_dir: Path, run_id: int, fd: int | None) -> None:
    if fd is None:
        return
    import fcntl

    _lock_path(store_dir, run_id).unlink(missing_ok=True)
    fcntl.flock(fd, fcntl.LOCK_UN)
    os.close(fd)


def run_is_live(store_dir: Path, run_id: int) -> bool:
    """True while some process (this one included) holds the run's lock."""
    try:
        import fcntl
    except ImportError:
        return False
    try:
        fd = os.open(_lock_path(store_dir, run_id), os.O_RDONLY)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    except OSError:
        return False
    finally:
        os.close(fd)  # closing also drops our own shared lock
    return False
