"""MicrophoneSource when the hardware is missing or goes away, with a fake ``sounddevice`` module.

Only the hardware edge is fake here (PortAudio's device list and stream); the real PortAudio path is tested in
test_microphone.py with a PulseAudio virtual microphone.
"""

import sys
import threading
import time
import wave

import numpy as np
import pytest

from rehearse.cli import main
from rehearse.errors import UserError
from rehearse.speech.listener import listen
from rehearse.speech.sources import MicrophoneError, MicrophoneSource, list_devices


class PortAudioError(Exception):
    pass


class FakeStream:
    def __init__(self, sd, device, samplerate, channels, dtype, blocksize, callback, finished_callback):
        if channels not in sd.channel_options:
            raise PortAudioError("Invalid number of channels")
        self.sd, self.rate, self.channels = sd, samplerate, channels
        self.callback, self.finished_callback = callback, finished_callback
        self.active = False
        self.started = threading.Event()
        sd.streams.append(self)

    def start(self):
        if self.sd.fail_start:
            raise PortAudioError("Device unavailable")
        self.active = True
        self.started.set()

    def push(self, samples: np.ndarray, status=0):
        """What the audio thread would do: hand a block to the callback."""
        block = np.repeat(samples.astype("<i2")[:, None], self.channels, axis=1)
        self.callback(block.tobytes(), len(samples), None, status)

    def vanish(self):
        """The device goes away: PortAudio stops the stream and calls the finished callback."""
        self.active = False
        self.finished_callback()

    def abort(self):
        if self.active:
            self.active = False
            self.finished_callback()

    def close(self):
        self.closed = True


class FakeSd:
    def __init__(self, devices=None, default=(0, 1), channel_options=(1, 2), fail_start=False):
        self.PortAudioError = PortAudioError
        self.devices = devices if devices is not None else [
            {"name": "USB Mic", "hostapi": 0, "max_input_channels": 2, "max_output_channels": 0,
             "default_samplerate": 48000.0},
            {"name": "Speakers", "hostapi": 0, "max_input_channels": 0, "max_output_channels": 2,
             "default_samplerate": 44100.0},
        ]
        self.default = type("Default", (), {"device": list(default)})()
        self.channel_options = channel_options
        self.fail_start = fail_start
        self.streams: list[FakeStream] = []

    def query_hostapis(self):
        return [{"name": "ALSA"}]

    def query_devices(self, device=None, kind=None):
        if kind is None:
            return self.devices
        if device is None:
            device = self.default.device[0 if kind == "input" else 1]
            if device < 0:
                raise PortAudioError(f"Error querying device {device}")
        if isinstance(device, str):
            found = [d for d in self.devices if device in d["name"] and d["max_input_channels"] > 0]
            if not found:
                raise ValueError(f"No input device matching {device!r}")
            return found[0]
        if not 0 <= device < len(self.devices):
            raise PortAudioError(f"Error querying device {device}")
        return self.devices[device]

    def RawInputStream(self, **kwargs):  # noqa: N802 (sounddevice's name)
        return FakeStream(self, **kwargs)


def tone(seconds, rate, freq=300.0, amp=8000):
    t = np.arange(int(seconds * rate)) / rate
    return np.round(amp * np.sin(2 * np.pi * freq * t)).astype(np.int16)


def push_seconds(stream, seconds, freq=300.0, amp=8000):
    samples = tone(seconds, stream.rate, freq, amp)
    block = stream.rate // 50
    for pos in range(0, samples.size, block):
        stream.push(samples[pos:pos + block])


class NoPortAudio:
    """An import hook that makes ``import sounddevice`` fail as it does without libportaudio2."""

    def find_spec(self, name, path=None, target=None):
        if name == "sounddevice":
            raise OSError("PortAudio library not found")
        return None


@pytest.fixture
def no_portaudio(monkeypatch):
    monkeypatch.delitem(sys.modules, "sounddevice", raising=False)
    monkeypatch.setattr(sys, "meta_path", [NoPortAudio()] + sys.meta_path)


def test_no_portaudio_library(no_portaudio, capsys):
    with pytest.raises(MicrophoneError, match="PortAudio library is not installed.*libportaudio2"):
        MicrophoneSource().start()
    with pytest.raises(MicrophoneError, match="libportaudio2"):
        list_devices()
    assert issubclass(MicrophoneError, UserError)
    assert main(["devices"]) == 2
    assert "libportaudio2" in capsys.readouterr().err


def test_no_input_device():
    sd = FakeSd(devices=[], default=(-1, -1))
    with pytest.raises(MicrophoneError, match="No microphone found"):
        MicrophoneSource(sd=sd).start()
    with pytest.raises(MicrophoneError, match="No microphone 'Webcam'.*rehearse devices"):
        MicrophoneSource(device="Webcam", sd=FakeSd()).start()
    with pytest.raises(MicrophoneError, match="has no input channels"):
        MicrophoneSource(device=1, sd=FakeSd()).start()


def test_device_busy_at_start():
    sd = FakeSd(fail_start=True)
    with pytest.raises(MicrophoneError, match="Cannot start recording from 'USB Mic'.*unavailable"):
        MicrophoneSource(sd=sd).start()
    assert sd.streams[0].closed


def test_records_at_the_device_rate_and_resamples_stereo_only_devices():
    sd = FakeSd(channel_options=(2,))  # a device that will not open in mono
    mic = MicrophoneSource(sd=sd)
    mic.start()
    stream = sd.streams[-1]
    assert (mic.device_rate, stream.channels) == (48000, 2)
    push_seconds(stream, 1.0)
    pcm = b""
    while len(pcm) < 28000:
        chunk = mic.read(0.5)
        assert chunk and len(chunk) == 3200
        pcm += chunk
    mic.stop()
    assert mic.read(0.1) is None
    samples = np.frombuffer(pcm, "<i2").astype(float)
    # a 300 Hz tone at 16 kHz: same loudness, same pitch (zero crossings per second)
    steady = samples[2000:]
    assert np.sqrt(np.mean(steady ** 2)) == pytest.approx(8000 / np.sqrt(2), rel=0.05)
    crossings = np.count_nonzero(np.diff(np.signbit(steady).astype(int))) / (steady.size / 16000)
    assert crossings == pytest.approx(600, rel=0.03)


def test_start_drops_what_was_captured_before():
    """Half-duplex: a stream kept open during the manager's line; start() forgets what it captured."""
    sd = FakeSd()
    mic = MicrophoneSource(sd=sd)
    mic.start()
    stream = sd.streams[-1]
    push_seconds(stream, 0.5, freq=1000, amp=20000)  # the manager's voice from the speakers
    mic.start()  # the user's turn begins
    assert len(sd.streams) == 1  # same stream, not reopened
    push_seconds(stream, 0.5, freq=300, amp=3000)
    pcm = mic.read(0.5) + mic.read(0.5)
    assert np.abs(np.frombuffer(pcm, "<i2")).max() < 3500  # none of the loud manager audio


def test_overflow_status_is_counted_not_fatal():
    sd = FakeSd()
    mic = MicrophoneSource(sd=sd)
    mic.start()
    stream = sd.streams[-1]
    stream.push(tone(0.1, 48000), status=2)  # paInputOverflow
    stream.push(tone(0.1, 48000))
    assert mic.read(0.5)
    assert mic.overflows == 1


@pytest.mark.perf
def test_stalled_device_is_an_error_after_stall_s():
    sd = FakeSd()
    mic = MicrophoneSource(sd=sd, stall_s=0.3)
    mic.start()
    started = time.monotonic()
    with pytest.raises(MicrophoneError, match="stopped sending audio"):
        while True:
            mic.read(0.05)
    assert 0.3 <= time.monotonic() - started < 1.0
    assert sd.streams[-1].closed


def test_device_disappears_mid_answer_keeps_the_recording(tmp_path):
    sd = FakeSd()
    mic = MicrophoneSource(sd=sd)

    def user():
        while not sd.streams:
            time.sleep(0.01)
        stream = sd.streams[-1]
        stream.started.wait(5)
        push_seconds(stream, 1.0)
        stream.vanish()

    thread = threading.Thread(target=user)
    thread.start()
    wav = tmp_path / "answer.wav"
    with pytest.raises(MicrophoneError, match="stopped \\(was it unplugged\\?\\)") as caught:
        listen(mic, None, wav, silence_s=1.5)
    thread.join()
    assert caught.value.audio_path == wav
    with wave.open(str(wav)) as w:
        assert w.getframerate() == 16000
        assert w.getnframes() / 16000 == pytest.approx(1.0, abs=0.05)
    assert caught.value.duration == pytest.approx(1.0, abs=0.05)
