"""listen(): one answer from a source into a WAV file and the recognizer (the real built-in Whisper)."""

import threading
import time
import wave
from pathlib import Path

import pytest

from rehearse.core.transcript import Answer
from rehearse.speech.audio import load_pcm16
from rehearse.speech.listener import listen
from rehearse.speech.recognizer import create_recognizer
from rehearse.speech.sources import MicrophoneError, WavFileSource

SPEECH = Path(__file__).parents[1] / "data" / "mic" / "two_sentences.wav"


@pytest.fixture(scope="module")
def whisper():
    return create_recognizer("whisper")


def wav_bytes(path) -> bytes:
    with wave.open(str(path)) as w:
        return w.readframes(w.getnframes())


class Recorded:
    """Wraps a source and notes when it was started/stopped; can fail after N chunks like a dying device."""

    def __init__(self, inner, fail_after=None):
        self.inner, self.fail_after = inner, fail_after
        self.rate = inner.rate
        self.started_at = self.stopped_at = None
        self.chunks = 0

    def start(self):
        self.started_at = time.monotonic()
        self.inner.start()

    def read(self, timeout=None):
        if self.fail_after is not None and self.chunks >= self.fail_after:
            raise MicrophoneError("The microphone 'USB Mic' stopped (was it unplugged?)")
        chunk = self.inner.read(timeout)
        self.chunks += bool(chunk)
        return chunk

    def stop(self):
        self.stopped_at = time.monotonic()
        self.inner.stop()


@pytest.mark.slow
def test_answer_is_heard_recorded_and_ends_on_silence(tmp_path, whisper):
    source = WavFileSource(SPEECH, lead_s=1.0, pad_s=4.0)
    # fed faster than real time the live text lags behind, so turn-taking would wait for it: test the fixed silence
    heard = listen(source, whisper, tmp_path / "a.wav", turn_taking=False)
    assert isinstance(heard, Answer) and heard.reason == "silence"
    text = heard.transcript.text.lower()
    for word in ("promotion", "senior engineer", "migration", "third"):
        assert word in text
    assert heard.transcript.words and heard.transcript.words[0].start >= 0.9  # times from the start of the answer
    speech_s = len(load_pcm16(SPEECH)) / 32000
    assert heard.latency == pytest.approx(1.1, abs=0.2)  # the file's own 0.1 s lead-in + ours
    assert heard.duration == pytest.approx(1.0 + speech_s + 1.5, abs=0.3)  # stopped 1.5 s after the last word
    recorded = wav_bytes(heard.audio_path)
    full = bytes(32000) + load_pcm16(SPEECH)
    assert recorded == (full + bytes(128000))[: len(recorded)]  # exactly what the source gave
    assert heard.to_dict()["transcript"]["text"] == heard.transcript.text


@pytest.mark.slow
@pytest.mark.perf
def test_live_answer_gives_partials_levels_and_a_fast_final(tmp_path, whisper):
    """At real-time pace, as from a microphone: partial text while speaking, ≥ 20 levels a second."""
    partials, levels, level_times = [], [], []

    def on_level(db):
        levels.append(db)
        level_times.append(time.monotonic())

    source = WavFileSource(SPEECH, realtime=True, lead_s=0.5, pad_s=3.0)
    started = time.monotonic()
    heard = listen(source, whisper, tmp_path / "b.wav", on_partial=partials.append, on_level=on_level)
    elapsed = time.monotonic() - started
    assert heard.reason == "silence"
    assert "promotion" in heard.transcript.text.lower()
    # the first sentence was shown before the answer ended (Whisper transcribes each phrase at its pause)
    assert any("promotion" in p.lower() for p in partials)
    assert partials[-1] != "" and len(set(partials)) == len(partials)  # called only when the text changes
    assert len(levels) / heard.duration >= 20  # 25 per second of audio
    assert len(levels) / elapsed >= 20  # and per second of wall time, as they come
    gaps = [b - a for a, b in zip(level_times, level_times[1:])]
    assert max(gaps) < 1.0  # steady, not bunched at the end
    assert min(levels) < -80 and max(levels) > -30  # silence and speech are both visible
    assert heard.finish_s >= 0  # its speed is measured in scripts/bench_audio.py, not here


@pytest.mark.perf
def test_stop_event_ends_the_answer(tmp_path):
    stop = threading.Event()
    threading.Timer(0.5, stop.set).start()
    source = Recorded(WavFileSource(SPEECH, realtime=True))
    heard = listen(source, None, tmp_path / "c.wav", stop_event=stop)
    assert heard.reason == "stop"
    assert 0.3 <= heard.duration <= 0.8
    assert heard.transcript.text == "" and heard.transcript.duration == heard.duration
    assert source.stopped_at is not None


def test_max_length(tmp_path):
    heard = listen(WavFileSource(SPEECH), None, tmp_path / "d.wav", max_s=2.0)
    assert heard.reason == "max" and heard.duration == pytest.approx(2.0, abs=0.1)


def test_without_until_silence_pauses_do_not_stop(tmp_path):
    heard = listen(WavFileSource(SPEECH, pad_s=3.0), None, tmp_path / "e.wav", until_silence=False)
    assert heard.reason == "end"
    assert heard.duration == pytest.approx(len(load_pcm16(SPEECH)) / 32000 + 3.0, abs=0.01)


def test_half_duplex_waits_for_the_managers_playback(tmp_path):
    finished = threading.Event()
    played = []

    def playback():  # the manager's line, still playing when listen() is called
        time.sleep(0.4)
        played.append(time.monotonic())
        finished.set()

    threading.Thread(target=playback).start()
    source = Recorded(WavFileSource(SPEECH))
    listen(source, None, tmp_path / "f.wav", wait_for_playback=finished, max_s=0.5)
    assert source.started_at >= played[0]
    # a callable works too (e.g. a blocking play())
    source = Recorded(WavFileSource(SPEECH))
    listen(source, None, tmp_path / "g.wav", wait_for_playback=lambda: played.append(time.monotonic()), max_s=0.5)
    assert source.started_at >= played[1]


@pytest.mark.slow
def test_source_failure_keeps_the_partial_recording(tmp_path, whisper):
    source = Recorded(WavFileSource(SPEECH), fail_after=20)
    wav = tmp_path / "h.wav"
    with pytest.raises(MicrophoneError, match="unplugged") as caught:
        listen(source, whisper, wav)
    assert caught.value.audio_path == wav
    assert caught.value.duration == pytest.approx(2.0)
    assert wav_bytes(wav) == load_pcm16(SPEECH)[:64000]
    assert source.stopped_at is not None
    # the recognizer is ready for the next answer
    heard = listen(WavFileSource(SPEECH, pad_s=2.0), whisper, tmp_path / "i.wav")
    assert "promotion" in heard.transcript.text.lower()


def test_source_that_cannot_start_leaves_no_file(tmp_path):
    class Broken(Recorded):
        def start(self):
            raise MicrophoneError("No microphone found")

    wav = tmp_path / "j.wav"
    with pytest.raises(MicrophoneError):
        listen(Broken(WavFileSource(SPEECH)), None, wav)
    assert not wav.exists()


def test_recognizer_failure_still_tells_where_the_recording_is(tmp_path):
    class Failing:
        def reset(self):
            pass

        def accept(self, pcm):
            pass

        def partial(self):
            return ""

        def finish(self):
            raise RuntimeError("decoder crashed")

    wav = tmp_path / "k.wav"
    with pytest.raises(RuntimeError, match="decoder crashed") as caught:
        listen(WavFileSource(SPEECH, pad_s=2.0), Failing(), wav)
    assert caught.value.audio_path == wav
    assert wav_bytes(wav).startswith(load_pcm16(SPEECH))
