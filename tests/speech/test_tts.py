"""Text to speech with the real Piper voice (the default) and pyttsx3 + espeak-ng (system voices) in worker
processes; playback to a fake and to PulseAudio. Piper's own behaviour (streaming, fallback, personas) is in
test_tts_piper.py."""

import json
import os
import shutil
import subprocess
import sys
import threading
import time
import wave

import numpy as np
import pytest

from rehearse.cli import main
from rehearse.errors import UserError
from rehearse.speech.tts import Speaker, TTSUnavailable, Voice, check_wav

LINE = "Thanks for coming in. What would you like to talk about today?"


@pytest.fixture(scope="module")
def cache(tmp_path_factory):
    return tmp_path_factory.mktemp("tts-cache")


@pytest.fixture(scope="module")
def speaker(cache):
    speaker = Speaker(cache=cache)
    yield speaker
    speaker.close()


def read_wav(path):
    with wave.open(str(path), "rb") as wav:
        params = wav.getframerate(), wav.getnchannels(), wav.getsampwidth()
        samples = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2")
    return params, samples


@pytest.mark.slow  # a real speech model (Whisper or the Piper voice)
def test_synthesize_writes_a_checked_wav(speaker):
    path = speaker.synthesize(LINE)
    (rate, channels, width), samples = read_wav(path)
    assert (rate, channels, width) == (22050, 1, 2)
    assert 2.0 < len(samples) / rate < 8.0  # eleven words at about 200 words per minute
    rms = np.sqrt(np.mean(samples.astype(np.float64) ** 2))
    assert rms > 300  # speech, not silence
    assert path.parent == speaker.cache and not [p for p in speaker.cache.iterdir() if p.name.startswith(".")]


@pytest.mark.perf
def test_cache_hit_is_instant_and_identical(speaker, cache):
    first = speaker.synthesize(LINE)
    data = first.read_bytes()
    no_worker = Speaker(cache=cache, python="/nonexistent/python")  # a hit must not need the worker at all
    started = time.perf_counter()
    again = no_worker.synthesize("  " + LINE + "\n")
    assert time.perf_counter() - started < 0.05
    assert again == first and again.read_bytes() == data
    with pytest.raises(TTSUnavailable, match="cannot start the speech worker"):
        no_worker.synthesize("A line that is not cached yet.")


def test_same_line_gives_the_same_audio(tmp_path):
    """Fresh syntheses of one line match exactly (espeak-ng once drifted to its own default rate when busy)."""
    lines = ["Let us talk about the budget.", "What is your timeline?"]
    runs = [[Speaker(cache=tmp_path / str(i), voice="system").synthesize(line).read_bytes() for line in lines]
            for i in range(3)]
    assert runs[0] == runs[1] == runs[2]


def test_rate_and_voice_change_the_speech(speaker):
    normal = speaker.synthesize("I have led three projects this year.")
    slow = speaker.synthesize("I have led three projects this year.", rate=120)
    us = speaker.synthesize("I have led three projects this year.", voice="en-us")
    assert len({normal, slow, us}) == 3
    assert len(read_wav(slow)[1]) > 1.3 * len(read_wav(normal)[1])
    assert check_wav(us)["frames"] > 0


def test_user_mistakes_are_user_errors_not_missing_backend(speaker):
    with pytest.raises(UserError, match="unknown voice 'no-such-voice'") as err:
        speaker.synthesize("Hello.", voice="no-such-voice")
    assert not isinstance(err.value, TTSUnavailable)
    with pytest.raises(UserError, match="nothing to say"):
        speaker.synthesize("   ")
    with pytest.raises(UserError, match="between 60 and 500"):
        speaker.synthesize("Hello.", rate=5)


def test_voices(speaker):
    voices = speaker.voices()
    assert voices and all(isinstance(v, Voice) and v.id and v.name for v in voices)
    assert voices[0].id == "piper:joe" and voices[0].kind == "piper"  # the natural voice first, then the system's
    assert any("en-us" in v.languages for v in voices if v.kind == "system")
    assert speaker.available()


@pytest.mark.parametrize("driver, why", [("no_such_driver", "No module named"), ("dummy", "save_to_file")])
def test_no_backend_is_reported_clearly(tmp_path, driver, why):
    """The real worker process with a driver that cannot speak: a clear TTSUnavailable, never a crash."""
    broken = Speaker(cache=tmp_path, env=dict(os.environ, REHEARSE_TTS_DRIVER=driver), voice="system")
    if driver != "dummy":
        assert broken.available() is False and "espeak-ng" in broken.last_problem
    with pytest.raises(TTSUnavailable, match=f"not available.*{why}.*espeak-ng") as err:
        broken.synthesize("Hello.")
    assert isinstance(err.value, UserError)
    assert list(tmp_path.iterdir()) == []


def test_worker_timeout_is_reported(tmp_path):
    with pytest.raises(TTSUnavailable, match="did not finish within"):
        Speaker(cache=tmp_path, timeout=0.001, voice="system").synthesize("Hello.")
    assert list(tmp_path.iterdir()) == []


def test_check_wav_refuses_empty_silent_and_garbage(tmp_path):
    def write(name, frames):
        with wave.open(str(tmp_path / name), "wb") as wav:
            wav.setnchannels(1), wav.setsampwidth(2), wav.setframerate(22050)
            wav.writeframes(frames)
        return tmp_path / name

    with pytest.raises(TTSUnavailable, match="empty"):
        check_wav(write("empty.wav", b""))
    with pytest.raises(TTSUnavailable, match="silence"):
        check_wav(write("silent.wav", bytes(4000)))
    (tmp_path / "junk.wav").write_bytes(b"not a wav at all")
    with pytest.raises(TTSUnavailable, match="no usable audio"):
        check_wav(tmp_path / "junk.wav")


@pytest.mark.slow  # a real speech model (Whisper or the Piper voice)
def test_prefetch_synthesizes_ahead_without_duplicates(tmp_path):
    speaker = Speaker(cache=tmp_path, voice="system")
    runs = []
    real = speaker._run_worker
    speaker._run_worker = lambda request: runs.append(request["text"]) or real(request)  # one piece per line here
    lines = ["Why do you think you are ready?", "What would change in your role?"]
    thread = speaker.prefetch(lines)
    first = speaker.synthesize(lines[0])  # waits for the prefetch of this line instead of running a second job
    thread.join(30)
    assert sorted(runs) == sorted(lines)
    assert first == speaker.cached_path(lines[0]) and speaker.cached_path(lines[1]).is_file()


class FakeSd:
    """Stands in for the sounddevice module at the hardware edge: an output stream that takes samples at real-time
    pace (as a sound card does) and reports a fixed output latency."""

    class PortAudioError(Exception):
        pass

    def __init__(self, fail=False):
        self.fail, self.streams = fail, []

    def OutputStream(self, samplerate, channels, dtype, device=None, latency=None):
        if self.fail:
            raise self.PortAudioError("Error querying device -1")
        stream = FakeStream(samplerate, channels, dtype, device, latency)
        self.streams.append(stream)
        return stream


class FakeStream:
    latency = 0.03

    def __init__(self, samplerate, channels, dtype, device, latency):
        self.samplerate, self.channels, self.dtype, self.device, self.asked = samplerate, channels, dtype, device, latency
        self.blocks, self.events = [], []

    def start(self):
        self.events.append("start")

    def write(self, block):
        self.blocks.append(block)
        time.sleep(len(block) / self.samplerate)
        return False

    def stop(self):
        self.events.append("stop")

    def abort(self):
        self.events.append("abort")

    def close(self):
        self.events.append("close")


@pytest.mark.slow  # a real speech model (Whisper or the Piper voice)
@pytest.mark.perf
def test_play_to_a_fake_device(speaker):
    path = speaker.synthesize(LINE)
    samples = read_wav(path)[1]
    sd = FakeSd()
    started = time.monotonic()
    assert speaker.play(path, sd=sd, device="speakers") is True
    took = time.monotonic() - started
    (stream,), = [sd.streams]
    data = np.concatenate(stream.blocks)
    assert stream.samplerate == 22050 and stream.channels == 1 and stream.device == "speakers"
    assert stream.asked == "low" and data.dtype == np.int16 and np.array_equal(data[:, 0], samples)
    assert max(len(b) for b in stream.blocks) <= 0.05 * 22050  # short blocks: a stop is noticed quickly
    assert stream.events == ["start", "stop", "close"]
    duration = len(samples) / 22050
    assert duration + stream.latency <= took < duration + stream.latency + 0.5  # waits out the output latency


@pytest.mark.perf
def test_play_stops_when_asked(speaker):
    path = speaker.synthesize(LINE)  # about 4 s long
    sd, stop = FakeSd(), threading.Event()
    threading.Timer(0.1, stop.set).start()
    started = time.monotonic()
    assert speaker.play(path, sd=sd, stop_event=stop) is False
    assert time.monotonic() - started < 0.5
    assert sd.streams[0].events == ["start", "abort", "close"]


def test_play_without_a_device_is_a_clear_error(speaker):
    with pytest.raises(TTSUnavailable, match="no usable audio output device"):
        speaker.play(speaker.synthesize(LINE), sd=FakeSd(fail=True))


@pytest.mark.slow  # a real speech model (Whisper or the Piper voice)
def test_cli_say_to_file_and_voices(tmp_path, capsys):
    out = tmp_path / "line.wav"
    assert main(["say", "I", "am", "ready", "for", "this", "-o", str(out), "--rate", "180", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["path"] == str(out) and report["sample_rate"] == 22050 and report["cached"] is False
    assert check_wav(out)["frames"] == report["frames"]
    assert main(["say", "I am ready for this", "-o", str(out), "--rate", "180", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["cached"] is True

    assert main(["voices", "--lang", "en", "--json"]) == 0
    voices = json.loads(capsys.readouterr().out)
    assert voices and all(any(lang.startswith("en") for lang in v["languages"]) for v in voices)


def rehearse_cli(args, env):
    return subprocess.run([sys.executable, "-m", "rehearse", *args], capture_output=True, text=True, env=env,
                          timeout=60)


def test_cli_say_without_backend_exits_2(tmp_path):
    env = dict(os.environ, REHEARSE_HOME=str(tmp_path), REHEARSE_TTS_DRIVER="no_such_driver",
               REHEARSE_PIPER_MODEL=str(tmp_path / "missing.onnx"))  # neither Piper nor a system voice
    done = rehearse_cli(["say", "Hello", "-o", str(tmp_path / "x.wav")], env)
    assert done.returncode == 2 and "espeak-ng" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.slow  # a real speech model (Whisper or the Piper voice)
def test_cli_say_without_output_device_exits_2(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("PULSE_SERVER", "XDG_RUNTIME_DIR", "DISPLAY")}
    env.update(REHEARSE_HOME=str(tmp_path), XDG_RUNTIME_DIR=str(tmp_path))  # no sound server to find here
    probe = subprocess.run([sys.executable, "-c", "import sounddevice as sd; "
                            "print(sum(d['max_output_channels'] > 0 for d in sd.query_devices()))"],
                           capture_output=True, text=True, env=env)
    if probe.returncode == 0 and probe.stdout.strip() not in ("", "0"):
        pytest.skip("this machine has a sound output device, so `say` would really play")
    done = rehearse_cli(["say", "Hello"], env)
    assert done.returncode == 2, done.stderr
    assert "cannot play sound" in done.stderr and "Traceback" not in done.stderr


@pytest.fixture(scope="module")
def pulse(tmp_path_factory):
    """A private PulseAudio daemon with a null sink (started here, stopped by its pid)."""
    if not (shutil.which("pulseaudio") and shutil.which("parec") and shutil.which("pactl")):
        pytest.skip("pulseaudio and pulseaudio-utils are not installed")
    runtime = tmp_path_factory.mktemp("pulse-runtime")
    env = dict(os.environ, XDG_RUNTIME_DIR=str(runtime))
    env.pop("PULSE_SERVER", None)
    daemon = subprocess.Popen(
        ["pulseaudio", "-n", "--daemonize=no", "--exit-idle-time=-1", "--disable-shm=yes",
         "--load=module-native-protocol-unix", "--load=module-null-sink sink_name=nullsink"],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            if subprocess.run(["pactl", "info"], env=env, capture_output=True).returncode == 0:
                break
            time.sleep(0.05)
        else:
            pytest.skip("PulseAudio did not start here")
        subprocess.run(["pactl", "set-default-sink", "nullsink"], env=env, check=True)
        yield env
    finally:
        daemon.terminate()
        daemon.wait(5)


def wait_until(condition, timeout=10.0) -> bool:
    """Wait for ``condition()`` to hold (a condition, not a fixed sleep); the caller's asserts then check it."""
    deadline = time.monotonic() + timeout
    while not condition() and time.monotonic() < deadline:
        time.sleep(0.02)
    return condition()


def wait_until_recording_from_the_sink(capture):
    """parec has captured 0.3 s from the null sink's monitor: the capture is flowing and settled, so nothing played
    from now on is missed (counted in audio, not in wall time, which a busy machine stretches)."""
    assert wait_until(lambda: capture.exists() and capture.stat().st_size >= 2 * 22050 * 0.3), "parec never started"


def loud_samples(capture) -> int:
    return int((np.abs(np.fromfile(capture, dtype="<i2")) > 1000).sum()) if capture.exists() else 0


@pytest.mark.slow
def test_real_playback_through_portaudio_and_pulseaudio(pulse, tmp_path):
    """`rehearse say` plays through sounddevice/PortAudio to PulseAudio's null sink; we record its monitor."""
    capture = tmp_path / "capture.raw"
    env = dict(pulse, REHEARSE_HOME=str(tmp_path))
    with open(capture, "wb") as sink:
        recorder = subprocess.Popen(["parec", "-d", "nullsink.monitor", "--raw", "--format=s16le",
                                     "--rate=22050", "--channels=1"], env=env, stdout=sink)
        try:
            wait_until_recording_from_the_sink(capture)
            done = rehearse_cli(["say", "I would like to talk about my promotion.", "--device", "pulse"], env)
            wait_until(lambda: loud_samples(capture) > 22050 * 0.5)
        finally:
            recorder.terminate()
            recorder.wait(5)
    assert done.returncode == 0, done.stderr
    heard = np.fromfile(capture, dtype="<i2")
    assert (np.abs(heard) > 1000).sum() > 22050 * 0.5  # at least half a second of loud samples arrived


PLAY_TIMED = """
import json, sys, time, wave
from pathlib import Path
from rehearse.speech.tts import Speaker
path = Path(sys.argv[1])
with wave.open(str(path), "rb") as wav:
    duration = wav.getnframes() / wav.getframerate()
speaker = Speaker()
speaker.play(path, device="pulse")  # warm-up: PortAudio and the PulseAudio stream are set up once
started = time.monotonic()
speaker.play(path, device="pulse")
print(json.dumps({"duration": duration, "took": time.monotonic() - started}))
"""


@pytest.mark.slow
@pytest.mark.perf
def test_play_returns_soon_after_the_line_ends_through_pulseaudio(pulse, speaker, tmp_path):
    """Turn-taking latency: play() returns within 0.6 s of the line's end through PortAudio + PulseAudio, and not
    before the whole line has gone through the sink (half duplex: the microphone opens only after it).

    A recorder on the sink's monitor asks for 20 ms latency, as a sound card's sink follows its clients: with
    nobody asking, PulseAudio's null sink renders 2 s ahead and cannot rewind for a new stream, so any client
    (paplay too) takes about 2 s longer there — that is the test rig, not the player."""
    wav = speaker.synthesize("Why do you think you are ready for the senior role?")
    samples = read_wav(wav)[1]
    capture = tmp_path / "capture.raw"
    with open(capture, "wb") as sink:
        recorder = subprocess.Popen(["parec", "-d", "nullsink.monitor", "--raw", "--format=s16le", "--rate=22050",
                                     "--channels=1", "--latency-msec=20"], env=pulse, stdout=sink)
        try:
            wait_until_recording_from_the_sink(capture)
            done = subprocess.run([sys.executable, "-c", PLAY_TIMED, str(wav)], capture_output=True, text=True,
                                  env=pulse, timeout=60)
            wait_until(lambda: loud_samples(capture) >= 2 * (np.abs(samples) > 1000).sum() * 0.98)
        finally:
            recorder.terminate()
            recorder.wait(5)
    assert done.returncode == 0, done.stderr
    timing = json.loads(done.stdout.strip().splitlines()[-1])
    assert timing["duration"] - 0.05 <= timing["took"] <= timing["duration"] + 0.6, timing
    loud = (np.abs(samples) > 1000).sum()
    heard = (np.abs(np.fromfile(capture, dtype="<i2")) > 1000).sum()
    assert heard >= 2 * loud * 0.98, (heard, loud)  # both plays were heard to the end, nothing cut off
