"""The manager's natural voice: the real Piper "joe" voice in its worker process — streaming sentence by sentence,
the persona's pace and pauses, the cache, falling back to the system voice with a notice, and the line reaching
PulseAudio's sink through PortAudio."""

import json
import os
import subprocess
import sys
import threading
import time

import numpy as np
import pytest

from pulse import virtual_mic  # noqa: F401  (the PulseAudio daemon with a null sink)
from rehearse.errors import UserError
from rehearse.speech.piper_voice import PIPER_VOICE_ID, licence_lines, length_scale
from rehearse.speech.tts import (Speaker, TTSUnavailable, VoiceStyle, persona_style, read_wav_int16,
                                 split_segments)
from test_tts import FakeSd

pytestmark = pytest.mark.slow

THREE = ("Thanks for coming in today. I read your notes before the meeting. "
         "What would you like to talk about first?")


@pytest.fixture(scope="module")
def speaker(tmp_path_factory):
    speaker = Speaker(cache=tmp_path_factory.mktemp("piper-cache"))
    yield speaker
    speaker.close()


def loud_runs(samples: np.ndarray, rate: int, quiet_s: float) -> int:
    """How many stretches of at least ``quiet_s`` seconds of near-silence lie between sounds."""
    frame = rate // 100
    levels = np.abs(samples[: len(samples) // frame * frame].astype(np.int32)).reshape(-1, frame).max(axis=1)
    quiet, count, started = 0, 0, False
    for loud in levels > 300:
        if loud:
            if started and quiet >= quiet_s * 100:
                count += 1
            started, quiet = True, 0
        else:
            quiet += 1
    return count


def test_piper_is_the_default_voice_and_speaks_clearly(speaker):
    path = speaker.synthesize("Budget is really tight this year.")
    data, rate = read_wav_int16(path)
    assert rate == 22050 and 1.0 < len(data) / rate < 4.0
    assert np.sqrt(np.mean(data.astype(np.float64) ** 2)) > 500
    assert speaker.notice is None and speaker.cached_path("Budget is really tight this year.") == path
    assert speaker.available()


def test_whisper_hears_the_piper_line_word_for_word(speaker):
    from rehearse.speech.audio import load_pcm16
    from rehearse.speech.whisper_engine import WhisperRecognizer

    line = "Budget is really tight this year. What would you say to waiting six months?"
    rec = WhisperRecognizer()
    rec.accept(load_pcm16(speaker.synthesize(line)))
    heard = rec.finish().text.lower()
    assert "budget is really tight this year" in heard and "waiting six months" in heard


def test_cache_is_keyed_by_text_voice_rate_and_style(speaker):
    line = "Tell me more about the migration."
    plain = speaker.synthesize(line)
    assert speaker.synthesize(line) == plain
    slow = speaker.synthesize(line, rate=150)
    system = speaker.synthesize(line, voice="en-us")
    busy = speaker.synthesize(line, style=persona_style("busy"))
    assert len({plain, slow, system, busy}) == 4
    # 150 words a minute stretches the speech by 230/150 (the silence around it is not stretched, and Piper's
    # timing varies a little from run to run: 1.29-1.4x measured)
    assert len(read_wav_int16(slow)[0]) > 1.2 * len(read_wav_int16(plain)[0])
    assert length_scale(None) == 1.0 and length_scale(115) == 2.0


def test_persona_pace_and_pauses(speaker):
    line = "I hear you. I think it's not yet the right time."
    assert [s for s, _ in split_segments(line, persona_style("skeptical"))] == [
        "I hear you.", "I think it's", "not yet the right time."]
    busy = read_wav_int16(speaker.synthesize(line, style=persona_style("busy")))[0]
    skeptical = read_wav_int16(speaker.synthesize(line, style=persona_style("skeptical")))[0]
    assert len(skeptical) > 1.3 * len(busy)  # slower, and pausing
    assert loud_runs(skeptical[:, 0], 22050, 0.6) >= 1  # the hesitation before "not yet"
    assert loud_runs(busy[:, 0], 22050, 0.3) == 0  # the busy manager does not pause like that


def test_speak_starts_after_the_first_sentence(tmp_path):
    """Playback begins while the later sentences are still being synthesised."""
    speaker = Speaker(cache=tmp_path)
    produced = []
    real = speaker.piper.stream

    def stream(text, scale):
        for samples in real(text, scale):
            yield samples
            produced.append(time.monotonic())

    speaker.piper.stream = stream
    speaker.piper.load()
    sd = FakeSd()
    started = time.monotonic()
    try:
        assert speaker.speak(THREE, sd=sd) is True
    finally:
        speaker.close()
    first_write = started + speaker.first_audio_s
    assert len(produced) == 3 and first_write < produced[-1]  # heard before the last sentence was ready
    assert speaker.cached_path(THREE).is_file()  # and the whole line is cached for next time
    played = np.concatenate(sd.streams[0].blocks)[:, 0]
    assert len(played) == len(read_wav_int16(speaker.cached_path(THREE))[0])


def test_prefetched_line_plays_at_once_and_stop_is_prompt(speaker):
    lines = ["Walk me through the numbers.", "Who else should weigh in on this?"]
    speaker.prefetch(lines).join(60)
    assert all(speaker.cached_path(line).is_file() for line in lines)
    assert speaker.speak(lines[0], sd=FakeSd()) is True
    assert speaker.first_audio_s < 0.2
    stop = threading.Event()
    threading.Timer(0.2, stop.set).start()
    started = time.monotonic()
    assert speaker.speak(THREE + " Take your time.", sd=FakeSd(), stop_event=stop) is False
    assert time.monotonic() - started < 3.0


def test_broken_piper_falls_back_to_the_system_voice_with_a_notice(tmp_path, monkeypatch):
    junk = tmp_path / "broken.onnx"
    junk.write_bytes(b"not a model")
    (tmp_path / "broken.onnx.json").write_text("{}")
    monkeypatch.setenv("REHEARSE_PIPER_MODEL", str(junk))
    speaker = Speaker(cache=tmp_path / "cache")
    notices = []
    speaker.on_notice = notices.append
    try:
        assert speaker.available() is True  # the system voice works
        path = speaker.synthesize("We can revisit this in March.")
    finally:
        speaker.close()
    assert len(notices) == 1 and "system voice speaks instead" in notices[0] and "could not be loaded" in notices[0]
    assert speaker.notice == notices[0]
    data, rate = read_wav_int16(path)
    assert len(data) / rate > 1.0  # espeak-ng said it


def test_a_line_no_voice_can_say_is_a_clear_error(speaker):
    notices = []
    speaker.on_notice = notices.append
    try:
        with pytest.raises(TTSUnavailable, match="no voice could say"):
            speaker.synthesize("...")
    finally:
        speaker.on_notice = None
    assert notices and "produced no sound" in notices[0]
    speaker.notice = None
    with pytest.raises(UserError, match="nothing to say"):
        speaker.synthesize("  ")


def test_licences_are_stated():
    text = " ".join(licence_lines())
    assert "GPL-3.0" in text and "CC0" in text and "joe" in text and "MPL-2.0" in text
    readme = open(os.path.join(os.path.dirname(__file__), "..", "..", "README.md"), encoding="utf-8").read()
    assert "CC0" in readme and "piper-tts" in readme


def cli(args, env):
    return subprocess.run([sys.executable, "-m", "rehearse", *args], capture_output=True, text=True, env=env,
                          timeout=120)


def test_cli_voices_lists_both_kinds_and_say_takes_either(tmp_path):
    env = dict(os.environ, REHEARSE_HOME=str(tmp_path))
    done = cli(["voices", "--lang", "en", "--json"], env)
    assert done.returncode == 0, done.stderr
    voices = json.loads(done.stdout)
    assert voices[0]["id"] == PIPER_VOICE_ID and {v["kind"] for v in voices} == {"piper", "system"}
    for voice in ("joe", "en-us"):
        out = tmp_path / f"{voice}.wav"
        done = cli(["say", "Let us look at the numbers.", "--voice", voice, "-o", str(out), "--json"], env)
        assert done.returncode == 0, done.stderr
        assert json.loads(done.stdout)["frames"] > 0 and out.is_file()


def test_cli_say_with_broken_piper_prints_a_note(tmp_path):
    env = dict(os.environ, REHEARSE_HOME=str(tmp_path), REHEARSE_PIPER_MODEL=str(tmp_path / "none.onnx"))
    done = cli(["say", "Hello there.", "-o", str(tmp_path / "x.wav")], env)
    assert done.returncode == 0, done.stderr
    assert "Note: The manager's natural voice is not available" in done.stderr and "Traceback" not in done.stderr


def test_piper_line_reaches_the_pulseaudio_sink(virtual_mic, tmp_path):
    """`rehearse say` with the default (Piper) voice plays through PortAudio into the test's PulseAudio null sink;
    a recorder on the sink's monitor hears the line."""
    capture = tmp_path / "sink.raw"
    env = dict(virtual_mic.env, REHEARSE_HOME=str(tmp_path))
    line = "I would like to understand what specifically is missing."
    with open(capture, "wb") as sink:
        recorder = subprocess.Popen(["parec", "-d", "nullsink.monitor", "--raw", "--format=s16le", "--rate=22050",
                                     "--channels=1", "--latency-msec=20"], env=env, stdout=sink)
        try:
            time.sleep(0.3)
            done = cli(["say", line, "--device", "pulse", "--json"], env)
            time.sleep(0.3)
        finally:
            recorder.terminate()
            recorder.wait(5)
    assert done.returncode == 0, done.stderr
    report = json.loads(done.stdout)
    assert report["voice"] == PIPER_VOICE_ID and "notice" not in report
    spoken = read_wav_int16(report["path"])[0][:, 0]
    heard = np.fromfile(capture, dtype="<i2")
    assert (np.abs(heard) > 1000).sum() >= 0.9 * (np.abs(spoken) > 1000).sum()
    # the same line, not just some sound: the recognizer hears its words in what the sink received
    from rehearse.speech.audio import resample, to_pcm16
    from rehearse.speech.whisper_engine import WhisperRecognizer

    rec = WhisperRecognizer()
    rec.accept(to_pcm16(resample(heard.astype(np.float32) / 32768.0, 22050, 16000)))
    text = rec.finish().text.lower()
    assert "understand what specifically is missing" in text, text


def test_voice_style_key_changes_with_every_field():
    keys = {str(VoiceStyle().key()), str(VoiceStyle(speed=1.1).key()), str(VoiceStyle(sentence_pause_s=0.1).key()),
            str(VoiceStyle(pause_before=("but",), pause_before_s=0.5).key())}
    assert len(keys) == 4
