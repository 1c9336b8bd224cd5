"""The C heap settings that keep a spoken run's memory down: one malloc arena, large blocks in pages of their own,
free pages handed back after a decode, Whisper's encoder run by one worker at a time. Checked on glibc itself (in
fresh processes, since these settings cannot be undone), not by reading our own code back."""

import subprocess
import sys
import textwrap
import threading
import time

import pytest

from rehearse.speech import malloc_tuning

GLIBC = malloc_tuning._glibc() is not None
needs_glibc = pytest.mark.skipif(not GLIBC, reason="glibc's malloc only (Linux)")

ARENAS = """
import ctypes, os, sys, threading
from rehearse.speech import malloc_tuning
if sys.argv[1] == "limit":
    assert malloc_tuning.limit_arenas(1)
libc = ctypes.CDLL("libc.so.6")
libc.malloc.restype = ctypes.c_void_p
start = threading.Barrier(6)
def work():
    start.wait()  # all at once, so glibc would give each its own arena
    for _ in range(200):
        libc.malloc(4000)
threads = [threading.Thread(target=work) for _ in range(6)]
[t.start() for t in threads]
[t.join() for t in threads]
sys.stderr.flush()
libc.malloc_stats()  # one "Arena N:" block per arena, on stderr
"""


def run_python(code: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code), *args], capture_output=True, text=True,
                          timeout=60)


@needs_glibc
def test_the_arena_limit_makes_threads_share_one_arena():
    free = run_python(ARENAS, "free")
    limited = run_python(ARENAS, "limit")
    assert free.returncode == 0 and limited.returncode == 0, free.stderr + limited.stderr
    assert free.stderr.count("Arena ") >= 3  # glibc's default: threads that allocate at once get arenas of their own
    assert limited.stderr.count("Arena ") == 1


TRIM = """
import ctypes, sys
from rehearse.speech import malloc_tuning
libc = ctypes.CDLL("libc.so.6")
libc.malloc.restype = ctypes.c_void_p
libc.free.argtypes = [ctypes.c_void_p]
def rss_mb():
    return next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmRSS")) / 1024
blocks = [libc.malloc(2000) for _ in range(40000)]  # 80 MB of small blocks: in the heap, not mmapped
for b in blocks:
    ctypes.memset(b, 1, 2000)
for b in blocks[:-1]:
    libc.free(b)  # the last one pins the top of the heap: only malloc_trim(0) gives the rest back
before = rss_mb()
assert malloc_tuning.release_free_memory()
print(before - rss_mb(), malloc_tuning.applied["trims"])
"""


@needs_glibc
def test_release_free_memory_gives_freed_heap_pages_back():
    done = run_python(TRIM)
    assert done.returncode == 0, done.stderr
    dropped, trims = done.stdout.split()
    assert float(dropped) > 50 and trims == "1"


THRESHOLD = """
import ctypes, sys
from rehearse.speech import malloc_tuning
if sys.argv[1] == "fixed":
    assert malloc_tuning.fix_mmap_threshold()
libc = ctypes.CDLL("libc.so.6")
libc.malloc.restype = ctypes.c_void_p
libc.free.argtypes = [ctypes.c_void_p]
def rss_mb():
    return next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmRSS")) / 1024
before = rss_mb()
for _ in range(2):  # glibc's default: the first 6 MB block is mapped, and its free raises the threshold past 6 MB
    block = libc.malloc(6 << 20)
    ctypes.memset(block, 1, 6 << 20)
    libc.free(block)
print(round(rss_mb() - before, 1))
"""


@needs_glibc
def test_large_blocks_go_back_to_the_system_when_freed():
    default = run_python(THRESHOLD, "default")
    fixed = run_python(THRESHOLD, "fixed")
    assert default.returncode == 0 and fixed.returncode == 0, default.stderr + fixed.stderr
    assert float(default.stdout) > 5  # the second block stayed in the heap after its free
    assert float(fixed.stdout) < 1


def test_without_glibc_nothing_is_set(monkeypatch):
    monkeypatch.setattr(malloc_tuning, "_glibc", lambda: None)
    monkeypatch.setattr(malloc_tuning, "applied", {})
    assert malloc_tuning.limit_arenas() is False
    assert malloc_tuning.fix_mmap_threshold() is False
    assert malloc_tuning.tune_heap() is False
    assert malloc_tuning.release_free_memory() is False
    assert malloc_tuning.applied == {}


class SlowEncoder:
    """Stands in for faster-whisper's model.encode: records how many calls run at the same time."""

    def __init__(self):
        self.running = self.most = 0
        self.lock = threading.Lock()

    def encode(self, features):
        with self.lock:
            self.running += 1
            self.most = max(self.most, self.running)
        time.sleep(0.05)
        with self.lock:
            self.running -= 1
        return ("encoded", features)


def test_the_encoder_runs_one_call_at_a_time_and_returns_its_result():
    model = SlowEncoder()
    malloc_tuning.one_call_at_a_time(model, "encode")
    results = []
    threads = [threading.Thread(target=lambda i=i: results.append(model.encode(i))) for i in range(4)]
    [t.start() for t in threads]
    [t.join() for t in threads]
    assert model.most == 1
    assert sorted(results) == [("encoded", i) for i in range(4)]


@pytest.mark.slow
def test_the_real_model_decodes_side_by_side_and_hands_memory_back():
    """Two decodes at once on the shared model (as the final and a live decode run) both hear the answer; the
    process has one arena and trims after each decode."""
    import numpy as np

    from pathlib import Path

    from rehearse.speech.audio import load_pcm16
    from rehearse.speech.whisper_engine import decode, load_whisper_model

    model = load_whisper_model()
    assert model.encode.__name__ == "one_at_a_time"
    pcm = load_pcm16(Path(__file__).parents[1] / "data" / "audio" / "answer.wav")
    samples = np.frombuffer(pcm, dtype="<i2").astype(np.float32) / 32768.0
    trims = malloc_tuning.applied.get("trims", 0)
    heard = {}
    threads = [threading.Thread(target=lambda k=k: heard.__setitem__(k, decode(model, samples))) for k in "ab"]
    [t.start() for t in threads]
    [t.join() for t in threads]
    for words in heard.values():
        assert "promotion" in [w.word.strip(".,?!").lower() for w in words]
    if GLIBC:
        assert malloc_tuning.applied.get("arena_max") == 1
        assert malloc_tuning.applied.get("mmap_threshold") == 4 << 20
        assert malloc_tuning.applied["trims"] >= trims + 2
