"""Half-duplex with a real echo path: the microphone hears the speakers (PulseAudio's null-sink monitor is the
default source), the manager's line is made by the real TTS (pyttsx3/espeak-ng) and played with sounddevice.
Listening while it plays records the manager (the control); listen(wait_for_playback=...) records none of it."""

import subprocess
import threading
import time

import pytest

from pulse import VirtualMic
from rehearse.speech.listener import listen
from rehearse.speech.sources import MicrophoneSource

pytestmark = pytest.mark.slow
LINE = "Why do you think you are ready for the senior role?"


@pytest.fixture(scope="module")
def echo_room():
    room = VirtualMic()
    try:
        room.start()
        subprocess.run(["pactl", "set-default-source", "nullsink.monitor"], env=room.env, check=True,
                       capture_output=True, timeout=10)
    except (RuntimeError, OSError, subprocess.SubprocessError) as err:
        room.stop()
        pytest.skip(f"no virtual microphone: {err}")
    yield room
    room.stop()


@pytest.fixture(scope="module")
def manager_line(echo_room):
    from rehearse.speech.tts import Speaker, TTSUnavailable

    speaker = Speaker()
    try:
        return speaker, speaker.synthesize(LINE)
    except TTSUnavailable as err:
        pytest.skip(f"no text to speech: {err}")


def test_listening_during_playback_would_record_the_manager(echo_room, manager_line, tmp_path):
    speaker, wav = manager_line
    levels = []
    player = threading.Thread(target=speaker.play, args=(wav,), kwargs={"device": echo_room.device})

    def on_level(db):
        levels.append(db)
        if len(levels) == 1:
            player.start()

    heard = listen(MicrophoneSource(device=echo_room.device), None, tmp_path / "echo.wav", on_level=on_level,
                   max_s=3.0)
    player.join()
    assert max(levels) > -30  # the echo path is real: the manager's voice reaches the microphone
    assert heard.latency is not None


def test_half_duplex_listener_never_records_the_manager(echo_room, manager_line, tmp_path):
    speaker, wav = manager_line
    for turn in range(2):
        levels = []
        played = []

        def manager_speaks():
            speaker.play(wav, device=echo_room.device)
            played.append(time.monotonic())

        heard = listen(MicrophoneSource(device=echo_room.device), None, tmp_path / f"turn{turn}.wav",
                       on_level=levels.append, max_s=1.5, wait_for_playback=manager_speaks)
        assert played, "the listener did not wait for the playback"
        assert len(levels) >= 30
        assert max(levels) < -60, f"turn {turn}: the manager's voice was recorded"
        assert heard.latency is None and heard.reason == "max"
