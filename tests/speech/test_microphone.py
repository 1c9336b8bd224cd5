"""The real microphone path: PulseAudio virtual microphone -> ALSA -> PortAudio -> sounddevice -> MicrophoneSource
-> listen() -> the built-in Whisper recognizer. Nothing is faked; the "user" is a recording played into the mic."""

import os
import signal
import threading
import time
import wave
from pathlib import Path

import numpy as np
import pytest
import sounddevice  # noqa: F401  imported before the daemon starts on purpose: the fixture must re-scan devices

from pulse import virtual_mic  # noqa: F401  (the fixture)
from rehearse.speech.audio import load_pcm16
from rehearse.speech.listener import listen
from rehearse.speech.recognizer import create_recognizer
from rehearse.speech.sources import MicrophoneError, MicrophoneSource, list_devices

SPEECH = Path(__file__).parents[1] / "data" / "mic" / "two_sentences.wav"
pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def whisper():
    return create_recognizer("whisper")


def samples_of(path) -> np.ndarray:
    with wave.open(str(path)) as w:
        return np.frombuffer(w.readframes(w.getnframes()), "<i2").astype(np.float64)


def best_match(recorded: np.ndarray, original: np.ndarray) -> tuple[int, float]:
    """(lag in samples, normalised correlation) of the original inside the recording."""
    n = 1 << int(np.ceil(np.log2(recorded.size + original.size)))
    corr = np.fft.irfft(np.fft.rfft(recorded, n) * np.conj(np.fft.rfft(original, n)), n)[: recorded.size]
    lag = int(np.argmax(corr))
    piece = recorded[lag:lag + original.size]
    return lag, float(corr[lag] / (np.linalg.norm(piece) * np.linalg.norm(original[: piece.size]) + 1e-9))


def test_virtual_microphone_is_listed(virtual_mic):
    names = {d["name"]: d for d in list_devices()}
    assert virtual_mic.device in names
    assert names[virtual_mic.device]["inputs"] >= 1


def test_answer_through_the_real_audio_stack(virtual_mic, whisper, tmp_path):
    virtual_mic.wait_played()
    source = MicrophoneSource(device=virtual_mic.device)
    spoken = []

    def on_level(db):  # the microphone is open: the user starts 0.5 s later
        if not spoken:
            spoken.append(virtual_mic.play_file(SPEECH, lead_s=0.5))

    partials = []
    heard = listen(source, whisper, tmp_path / "answer.wav", on_level=on_level, on_partial=partials.append)
    rates = {d["name"]: d["default_rate"] for d in list_devices()}
    assert source.device_rate == rates[virtual_mic.device]  # recorded at the device's own rate, then resampled
    assert heard.reason == "silence"
    text = heard.transcript.text.lower()
    for words in ("promotion", "senior engineer", "last year", "migration", "costs", "third"):
        assert words in text
    assert any("promotion" in p.lower() for p in partials)
    assert 0.5 <= heard.latency <= 2.0
    assert heard.duration == pytest.approx(spoken[0] + 1.5, abs=0.8)
    # the WAV holds the user's speech, resampled there and back without damage
    lag, similarity = best_match(samples_of(heard.audio_path), np.frombuffer(load_pcm16(SPEECH), "<i2")
                                 .astype(np.float64))
    assert similarity > 0.95
    assert lag / 16000 == pytest.approx(heard.latency - 0.1, abs=0.3)


def test_managers_voice_before_start_is_not_recorded(virtual_mic, tmp_path):
    """Half-duplex: the listener waits for playback to end; nothing from before start() is in the answer."""
    t = np.arange(16000) / 16000
    manager = np.round(16000 * np.sin(2 * np.pi * 500 * t)).astype("<i2").tobytes()  # 1 s, loud
    source = MicrophoneSource(device=virtual_mic.device)
    for attempt in range(2):  # a fresh stream, then a second answer right after
        virtual_mic.play(manager)
        levels = []
        heard = listen(source, None, tmp_path / f"turn{attempt}.wav", on_level=levels.append, max_s=1.0,
                       wait_for_playback=lambda: virtual_mic.wait_played(settle_s=0.6))
        assert heard.reason == "max"
        assert max(levels) < -60, f"the manager's voice leaked into answer {attempt}"
        assert heard.latency is None


@pytest.mark.perf
def test_microphone_that_stops_sending_audio(virtual_mic, tmp_path):
    """The device goes silent mid-answer (no data at all, as when unplugged): a clear error, the audio kept."""
    source = MicrophoneSource(device=virtual_mic.device, stall_s=1.0)
    timer = threading.Timer(1.0, virtual_mic.pause, args=(3.0,))
    timer.start()
    wav = tmp_path / "cut.wav"
    started = time.monotonic()
    with pytest.raises(MicrophoneError, match="stopped sending audio") as caught:
        listen(source, None, wav)
    assert time.monotonic() - started < 4.0
    assert caught.value.audio_path == wav
    assert samples_of(wav).size / 16000 == pytest.approx(1.0, abs=0.4)
    virtual_mic.wait_played(settle_s=2.5)  # let the pause end before the next test


@pytest.mark.perf
def test_audio_server_dies_mid_answer(tmp_path):
    """A private PulseAudio daemon is killed while recording: PortAudio ends the stream, the listener raises a
    MicrophoneError at once (no hang, no crash) and the answer so far is on disk."""
    from pulse import VirtualMic

    mic = VirtualMic()
    try:
        mic.start()
    except (RuntimeError, OSError) as err:
        pytest.skip(f"no virtual microphone: {err}")
    try:
        source = MicrophoneSource(device=mic.device)
        killer = threading.Timer(1.5, os.kill, args=(mic.proc.pid, signal.SIGKILL))
        killer.start()
        wav = tmp_path / "cut.wav"
        started = time.monotonic()
        with pytest.raises(MicrophoneError, match="was it unplugged") as caught:
            listen(source, None, wav)
        assert time.monotonic() - started < 4.0
        assert caught.value.audio_path == wav
        assert samples_of(wav).size / 16000 == pytest.approx(1.5, abs=0.5)
        assert caught.value.duration == pytest.approx(samples_of(wav).size / 16000)
    finally:
        mic.stop()
