"""WavFileSource: 16 kHz mono s16le chunks of 0.1 s, at real-time pace or as fast as possible."""

import subprocess
import time
from pathlib import Path

import pytest

from rehearse.errors import UserError
from rehearse.speech.audio import load_pcm16
from rehearse.speech.sources import AudioSource, MicrophoneSource, WavFileSource, parse_device

SPEECH = Path(__file__).parents[1] / "data" / "mic" / "two_sentences.wav"


def drain(source) -> list[bytes]:
    chunks = []
    while (chunk := source.read(1.0)) is not None:
        chunks.append(chunk)
    return chunks


def test_both_sources_follow_the_protocol():
    assert isinstance(WavFileSource(SPEECH), AudioSource)
    assert isinstance(MicrophoneSource(), AudioSource)  # constructing does not touch PortAudio


@pytest.mark.perf
def test_fast_file_source_gives_the_whole_file_in_tenths():
    source = WavFileSource(SPEECH)
    source.start()
    started = time.monotonic()
    chunks = drain(source)
    assert time.monotonic() - started < 0.5  # 9 s of audio, not paced
    assert all(len(c) == 3200 for c in chunks[:-1]) and 0 < len(chunks[-1]) <= 3200
    assert b"".join(chunks) == load_pcm16(SPEECH)
    assert source.read() is None  # stays ended


def test_lead_and_pad_add_silence():
    source = WavFileSource(SPEECH, lead_s=0.5, pad_s=1.0)
    source.start()
    pcm = b"".join(drain(source))
    assert pcm[:16000] == bytes(16000) and pcm[-32000:] == bytes(32000)
    assert pcm[16000:-32000] == load_pcm16(SPEECH)
    assert source.duration == pytest.approx(len(load_pcm16(SPEECH)) / 32000 + 1.5)


@pytest.mark.perf
def test_realtime_file_source_keeps_pace(tmp_path):
    short = tmp_path / "one_second.wav"
    subprocess.run(["sox", str(SPEECH), str(short), "trim", "0", "1"], check=True)
    source = WavFileSource(short, realtime=True)
    source.start()
    started = time.monotonic()
    empty = 0
    got = b""
    while (chunk := source.read(0.02)) is not None:
        empty += chunk == b""
        got += chunk
        # never ahead of the clock
        assert len(got) / 32000 <= time.monotonic() - started + 0.01
    assert 0.95 <= time.monotonic() - started < 1.6  # paced (a busy machine may add a little)
    assert empty > 0  # short timeouts return b"" while the next chunk is not due
    assert got == load_pcm16(short)


def test_stop_ends_the_source():
    source = WavFileSource(SPEECH, realtime=True)
    source.start()
    assert source.read(1.0)
    source.stop()
    assert source.read(1.0) is None


def test_any_common_wav_is_resampled(tmp_path):
    stereo = tmp_path / "stereo44.wav"
    subprocess.run(["sox", str(SPEECH), "-r", "44100", "-c", "2", "-b", "24", str(stereo)], check=True)
    source = WavFileSource(stereo)
    source.start()
    pcm = b"".join(drain(source))
    assert abs(len(pcm) - len(load_pcm16(SPEECH))) <= 4


def test_bad_file_is_a_user_error(tmp_path):
    bad = tmp_path / "notes.wav"
    bad.write_text("not audio")
    with pytest.raises(UserError, match="notes.wav"):
        WavFileSource(bad)
    with pytest.raises(UserError, match="no such file"):
        WavFileSource(tmp_path / "missing.wav")


def test_parse_device():
    assert parse_device(None) is None
    assert parse_device("3") == 3
    assert parse_device(" pulse ") == "pulse"
    assert parse_device(2) == 2
