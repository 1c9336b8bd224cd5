"""Helpers for the hardening tests: the CLI in a subprocess (so a hang, a crash or a traceback is seen as such),
WAV files with crafted headers, and real file-system faults (a tiny tmpfs, a read-only bind mount) where the
machine allows mounting; tests that need them skip otherwise."""

from __future__ import annotations

import contextlib
import os
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def cli(*argv, timeout: float = 60, home=None, input=None, env=None, prefix=()) -> subprocess.CompletedProcess:
    """``python -m rehearse ARGV`` in a subprocess; a hang fails the test after ``timeout`` seconds."""
    full_env = {**os.environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1", "QT_QPA_PLATFORM": "offscreen",
                **(env or {})}
    if home is not None:
        full_env["REHEARSE_HOME"] = str(home)
    return subprocess.run([*prefix, sys.executable, "-m", "rehearse", *map(str, argv)], capture_output=True,
                          text=True, timeout=timeout, env=full_env, input=input)


def assert_clean_error(result: subprocess.CompletedProcess, *words: str) -> None:
    """Exit 2, no traceback, and each of ``words`` in the message."""
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr, result.stderr
    for word in words:
        assert word in result.stderr, result.stderr


def wav_bytes(rate: int = 16000, channels: int = 1, bits: int = 16, frames: int = 1600, fmt: int = 1,
              data: bytes | None = None, data_size: int | None = None) -> bytes:
    """A RIFF/WAVE file with any header values (even impossible ones)."""
    block = channels * bits // 8
    if data is None:
        data = bytes(frames * block)
    fmt_chunk = struct.pack("<HHIIHH", fmt, channels, rate, (rate * block) & 0xFFFFFFFF, block, bits)
    size = len(data) if data_size is None else data_size
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt_chunk)) + fmt_chunk + b"data" + struct.pack("<I", size) + data
    return b"RIFF" + struct.pack("<I", len(body)) + body


def can_mount() -> bool:
    return sys.platform.startswith("linux") and os.geteuid() == 0 and shutil.which("mount") is not None


@contextlib.contextmanager
def tiny_tmpfs(folder: Path, size: str = "64k"):
    """A tmpfs of ``size`` mounted on ``folder`` (a real full disk); skips the test when mounting is not allowed."""
    folder.mkdir(parents=True, exist_ok=True)
    if not can_mount() or subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(folder)],
                                         capture_output=True).returncode != 0:
        pytest.skip("cannot mount a tmpfs here (needs root)")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], capture_output=True)


@contextlib.contextmanager
def read_only(folder: Path):
    """``folder`` bind-mounted read-only onto itself (EROFS even for root); skips when mounting is not allowed."""
    if not can_mount() or subprocess.run(["mount", "--bind", str(folder), str(folder)],
                                         capture_output=True).returncode != 0:
        pytest.skip("cannot bind-mount here (needs root)")
    try:
        if subprocess.run(["mount", "-o", "remount,bind,ro", str(folder)], capture_output=True).returncode != 0:
            pytest.skip("cannot remount read-only here")
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], capture_output=True)


def fill(folder: Path) -> None:
    """Fill the file system holding ``folder`` to the last byte."""
    for name, step in ((".filler", 4096), (".filler2", 1)):
        try:
            fd = os.open(folder / name, os.O_WRONLY | os.O_CREAT, 0o644)
        except OSError:
            return  # not even an inode left
        try:
            while True:
                os.write(fd, b"\0" * step)
        except OSError:
            pass
        finally:
            os.close(fd)


def unprivileged_prefix() -> tuple:
    """A command prefix that runs without the power to ignore file permissions (root drops CAP_DAC_*)."""
    if os.geteuid() != 0:
        return ()
    if shutil.which("capsh") is None:
        pytest.skip("running as root without capsh: cannot make a file unreadable")
    return ("capsh", "--drop=cap_dac_override,cap_dac_read_search", "--", "-c", '"$0" "$@"')
