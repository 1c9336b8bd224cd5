"""Keep the C heap small in processes that run Whisper or Piper (glibc only; elsewhere these do nothing).

glibc's malloc gives each thread that allocates its own arena (up to 8 per core), and a freed block stays in the
arena it came from. A decode of Whisper allocates and frees tens of megabytes (the encoder's attention over 30 s
of audio alone is 54 MB); with two CTranslate2 workers and their OpenMP threads each freeing into its own arena,
that memory cannot be reused across threads and stays resident: measured on 28 s windows (docs/benchmarks.md,
"Quick benchmark"), two concurrent decodes peaked at ~460 MB with glibc's defaults against ~340 MB with one arena
and the free memory handed back after each decode.

- :func:`limit_arenas` (``mallopt(M_ARENA_MAX, n)``): call it at process start, before the threads that decode
  exist; threads started later share the arenas there are. :func:`fix_mmap_threshold` keeps blocks of 4 MB and
  more out of the heap; :func:`tune_heap` does both.
- :func:`release_free_memory` (``malloc_trim(0)``): returns the free pages of every arena to the system; called
  after each decode.
- :func:`one_call_at_a_time`: Whisper's encoder, run by one of the two CTranslate2 workers at a time, so two
  encoders' scratch memory (~60 MB each) is never held at once; the rest of the decodes still run side by side.

Together they took the app's peak in the quick benchmark from 561 MB to less than 470 (docs/benchmarks.md).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import sys
import threading

M_ARENA_MAX = -8  # glibc's malloc.h
M_MMAP_THRESHOLD = -3
DEFAULT_ARENAS = 1
MMAP_THRESHOLD = 4 << 20  # blocks this large get pages of their own, returned the moment they are freed

_lock = threading.Lock()
_libc = None
_looked = False
applied: dict[str, int] = {}  # what was set in this process (for tests and the bench's details)


def _glibc():
    """glibc's handle, or None (macOS, Windows, musl: nothing to tune)."""
    global _libc, _looked
    with _lock:
        if not _looked:
            _looked = True
            if sys.platform.startswith("linux"):
                try:
                    libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
                    libc.gnu_get_libc_version  # glibc only
                    libc.mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
                    libc.mallopt.restype = ctypes.c_int
                    libc.malloc_trim.argtypes = [ctypes.c_size_t]
                    libc.malloc_trim.restype = ctypes.c_int
                    _libc = libc
                except (OSError, AttributeError):
                    _libc = None
        return _libc


def _mallopt(name: str, option: int, value: int) -> bool:
    """``mallopt(option, value)`` once per value; True when glibc took the setting (recorded in ``applied``)."""
    libc = _glibc()
    if libc is None or value < 1:
        return False
    if applied.get(name) == value:
        return True
    ok = libc.mallopt(option, int(value)) == 1
    if ok:
        applied[name] = value
    return ok


def limit_arenas(count: int = DEFAULT_ARENAS) -> bool:
    """Let at most ``count`` malloc arenas exist in this process; True when glibc took the setting."""
    return _mallopt("arena_max", M_ARENA_MAX, count)


def fix_mmap_threshold(size: int = MMAP_THRESHOLD) -> bool:
    """Give every block of ``size`` bytes or more its own pages (``mallopt(M_MMAP_THRESHOLD, size)``), so a
    decode's large buffers never stay in the heap after it; True when glibc took the setting. (glibc's default
    raises the threshold up to 32 MB as large blocks are freed, after which they stay in the heap and fragment it.
    A threshold of 256 KB kept even less, but doubled the system time of a decode in page faults.)"""
    return _mallopt("mmap_threshold", M_MMAP_THRESHOLD, size)


def tune_heap() -> bool:
    """What a process that decodes sets at its start: one arena, large blocks in pages of their own."""
    arenas = limit_arenas()
    threshold = fix_mmap_threshold()
    return arenas and threshold


def release_free_memory() -> bool:
    """Hand the heap's free pages back to the system (``malloc_trim(0)``); True when there is glibc to ask."""
    libc = _glibc()
    if libc is None:
        return False
    libc.malloc_trim(0)
    applied["trims"] = applied.get("trims", 0) + 1
    return True


def one_call_at_a_time(obj, name: str) -> None:
    """Replace ``obj.name`` (a method) on this instance by one that lets one caller in at a time."""
    method = getattr(obj, name)
    lock = threading.Lock()

    def one_at_a_time(*args, **kwargs):
        with lock:
            return method(*args, **kwargs)

    one_at_a_time.__name__ = "one_at_a_time"
    setattr(obj, name, one_at_a_time)
