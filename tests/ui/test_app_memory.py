"""The app sets glibc's malloc up when it starts, before its threads do (see speech/malloc_tuning.py)."""

import os
import subprocess
import sys

import pytest

from rehearse.speech import malloc_tuning


@pytest.mark.skipif(malloc_tuning._glibc() is None, reason="glibc's malloc only (Linux)")
def test_the_app_tunes_the_heap_at_start():
    code = ("from rehearse.speech import malloc_tuning\n"
            "assert malloc_tuning.applied == {}\n"
            "from rehearse.ui.app import make_app\n"
            "make_app()\n"
            "print(malloc_tuning.applied)\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "{'arena_max': 1, 'mmap_threshold': 4194304}"
