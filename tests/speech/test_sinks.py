"""WavWriter: a WAV that is valid on disk while it is written, and survives the process being killed."""

import os
import signal
import subprocess
import sys
import time
import wave

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rehearse.errors import UserError
from rehearse.speech.audio import read_wav
from rehearse.speech.sinks import WavWriter


def pattern(start: int, n: int) -> bytes:
    """Recognisable int16 samples: a ramp that continues across chunks."""
    return ((np.arange(start, start + n) % 2000) - 1000).astype("<i2").tobytes()


def test_header_is_valid_after_every_write(tmp_path):
    path = tmp_path / "a.wav"
    writer = WavWriter(path, 16000)
    with wave.open(str(path)) as w:  # a valid empty WAV right away
        assert (w.getnframes(), w.getframerate(), w.getnchannels(), w.getsampwidth()) == (0, 16000, 1, 2)
    for i in range(5):
        writer.write(pattern(i * 1600, 1600))
        with wave.open(str(path)) as w:  # read while the writer is still open
            assert w.getnframes() == (i + 1) * 1600
    assert writer.duration == pytest.approx(0.5)
    writer.close()
    writer.close()  # twice is fine
    samples, rate = read_wav(path)
    assert rate == 16000
    expected = np.frombuffer(pattern(0, 8000), "<i2") / 32768.0
    assert np.allclose(samples, expected, atol=1e-6)


def test_split_frames_are_joined(tmp_path):
    data = pattern(0, 1000)
    with WavWriter(tmp_path / "b.wav") as writer:
        writer.write(data[:333])  # an odd number of bytes: half a sample waits
        writer.write(data[333:])
    with wave.open(str(tmp_path / "b.wav")) as w:
        assert w.readframes(1000) == data


def test_other_rates_and_channels(tmp_path):
    with WavWriter(tmp_path / "c.wav", rate=44100, channels=2) as writer:
        writer.write(pattern(0, 882))
    with wave.open(str(tmp_path / "c.wav")) as w:
        assert (w.getframerate(), w.getnchannels(), w.getnframes()) == (44100, 2, 441)


def test_unwritable_path_is_a_user_error(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(UserError, match="cannot write the recording"):
        WavWriter(blocker / "sub" / "a.wav")


def test_write_after_close_is_refused(tmp_path):
    writer = WavWriter(tmp_path / "d.wav")
    writer.close()
    with pytest.raises(ValueError):
        writer.write(b"\0\0")


CHILD = """
import sys, time
import numpy as np
from rehearse.speech.sinks import WavWriter
writer = WavWriter(sys.argv[1], 16000)
i = 0
while True:
    writer.write(((np.arange(i * 1600, (i + 1) * 1600) % 2000) - 1000).astype("<i2").tobytes())
    i += 1
    print(i, flush=True)
    time.sleep(0.1)
"""


def test_killed_mid_recording_leaves_a_readable_wav(tmp_path):
    path = tmp_path / "crash.wav"
    proc = subprocess.Popen([sys.executable, "-c", CHILD, str(path)], stdout=subprocess.PIPE, text=True)
    written = 0
    deadline = time.monotonic() + 30
    while written < 15 and time.monotonic() < deadline:  # 1.5 s of audio acknowledged by the child
        written = int(proc.stdout.readline())
    os.kill(proc.pid, signal.SIGKILL)  # no chance to close the file
    proc.wait()
    assert written == 15
    with wave.open(str(path)) as w:
        frames = w.getnframes()
        data = w.readframes(frames)
    # everything the child had finished writing is there (and the header says so)
    assert frames >= written * 1600
    assert data == pattern(0, frames)
    samples, rate = read_wav(path)  # the project's own strict reader accepts it too
    assert rate == 16000 and samples.size == frames


@settings(max_examples=30, deadline=None)
@given(sizes=st.lists(st.integers(min_value=0, max_value=5000), max_size=20))
def test_any_chunking_gives_the_same_file(tmp_path_factory, sizes):
    data = pattern(0, sum(sizes) // 2 + 1)[: sum(sizes)]
    path = tmp_path_factory.mktemp("w") / "h.wav"
    with WavWriter(path) as writer:
        pos = 0
        for size in sizes:
            writer.write(data[pos:pos + size])
            pos += size
    with wave.open(str(path)) as w:
        assert w.readframes(w.getnframes()) == data[: len(data) - len(data) % 2]
