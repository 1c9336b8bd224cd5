"""Polite turn-taking on recorded answers (tests/data/turns/, Festival voice, made by scripts/make_turn_answers.py):
thinking pauses of 1.2-2.0 s in the middle of a sentence never end the answer; a finished question ends it after
0.8 s; the last window is decoded while the silence is timed, so the final transcript is ready when it ends."""

import json
import threading
from concurrent.futures import wait
from pathlib import Path

import pytest

from rehearse.speech.endpoint import FINISHED_S, MID_THOUGHT_EXTRA_S, STATEMENT_S, turn_silence
from rehearse.speech.listener import listen
from rehearse.speech.sources import WavFileSource
from rehearse.speech.whisper_engine import WhisperRecognizer

TURNS = Path(__file__).parents[1] / "data" / "turns"
ANSWERS = json.loads((TURNS / "answers.json").read_text())
PAUSED = [name for name, a in ANSWERS.items() if a["pauses"]]


# --- the rules, on text ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("Can we agree on a review date?", FINISHED_S),
    ("I am asking for a promotion to senior engineer.", STATEMENT_S),
    ("I think I am ready because", 1.5 + MID_THOUGHT_EXTRA_S),
    ("I think I am ready because...", 1.5 + MID_THOUGHT_EXTRA_S),
    ("The support tickets dropped by.", 1.5 + MID_THOUGHT_EXTRA_S),  # Whisper's full stop after a fragment
    ("So, um", 1.5 + MID_THOUGHT_EXTRA_S),
    ("I led the migration of the", 1.5 + MID_THOUGHT_EXTRA_S),
    ("Both of them.", 1.5),  # too short to be taken for a finished statement
    ("Over the last year I have been mentoring.", 1.5),  # a verb waiting for its object
    ("I rebuilt the pipeline, wrote the runbooks,", 1.5),
    ("", 1.5),
])
def test_rules_on_fresh_text(text, expected):
    assert turn_silence(text, 1.5, fresh=True) == pytest.approx(expected)


def test_text_behind_the_speech_never_shortens_the_wait():
    assert turn_silence("Can we agree on a review date?", 1.5, fresh=False) == 1.5 + MID_THOUGHT_EXTRA_S
    assert turn_silence("", 1.5, fresh=False) == 1.5 + MID_THOUGHT_EXTRA_S


def test_a_short_silence_setting_is_never_lengthened_by_a_finished_sentence():
    assert turn_silence("Can we agree on a review date?", 0.6) == 0.6
    assert turn_silence("I am asking for a promotion to senior engineer.", 1.0) == 1.0


# --- on recorded answers ---------------------------------------------------------------------------------------

class InstantWhisper(WhisperRecognizer):
    """The real Whisper, but each decode is waited for before the next audio: the freshest possible live text,
    which is the worst case for cutting an answer off (a slow machine only makes the text later and the wait
    longer). Counts the decodes finish() has to start."""

    def _settle(self):
        wait([job for job in self._closed + self._open if not job.cancelled()])

    def accept(self, pcm):
        super().accept(pcm)
        self._settle()

    def flush(self):
        super().flush()
        self._settle()

    def finish(self):
        before = len(self._closed) + len(self._open)
        self.finish_decodes = 0
        tail = self._splitter.tail(len(self._audio) // 2)
        if tail is not None and tail[1] - tail[0] >= 320:
            self.finish_decodes = 1
        result = super().finish()
        self.jobs_before_finish = before
        return result


@pytest.fixture(scope="module")
def instant():
    rec = InstantWhisper()
    yield rec
    rec.close()


def hear(rec, name, tmp_path, **kw):
    source = WavFileSource(TURNS / f"{name}.wav", pad_s=3.5, **kw)
    return listen(source, rec, tmp_path / f"{name}.wav", silence_s=1.5)


@pytest.mark.slow  # a real speech model (Whisper or the Piper voice)
@pytest.mark.parametrize("name", PAUSED)
def test_thinking_pauses_mid_sentence_do_not_end_the_answer(instant, name, tmp_path):
    answer = ANSWERS[name]
    heard = hear(instant, name, tmp_path)
    assert heard.reason == "silence"
    assert heard.duration > answer["speech_ends"][-1] + 0.7, (heard.duration, heard.transcript.text)
    last_words = answer["text"].rstrip(".?").split()[-2:]
    assert " ".join(last_words).lower() in heard.transcript.text.lower().rstrip(".?")
    assert heard.duration - answer["speech_ends"][-1] <= 1.5 + 0.2  # and the end was not slower than before
    assert instant.finish_decodes == 0  # the final pass was decoded while the silence was timed


@pytest.mark.slow  # a real speech model (Whisper or the Piper voice)
def test_a_finished_question_ends_after_a_short_silence(instant, tmp_path):
    answer = ANSWERS["finished_question"]
    heard = hear(instant, "finished_question", tmp_path)
    assert heard.reason == "silence" and heard.hold_s == FINISHED_S
    assert heard.duration - answer["speech_ends"][-1] == pytest.approx(FINISHED_S, abs=0.15)
    assert heard.transcript.text.endswith("?") and instant.finish_decodes == 0


@pytest.mark.slow  # a real speech model (Whisper or the Piper voice)
def test_turn_taking_off_waits_the_setting_whatever_was_said(instant, tmp_path):
    answer = ANSWERS["finished_question"]
    source = WavFileSource(TURNS / "finished_question.wav", pad_s=3.5)
    heard = listen(source, instant, tmp_path / "q.wav", silence_s=1.5, turn_taking=False)
    assert heard.duration - answer["speech_ends"][-1] == pytest.approx(1.5, abs=0.15)


@pytest.mark.slow
@pytest.mark.parametrize("name", ["pause_after_because", "finished_question"])
def test_at_speaking_pace_with_the_real_decoder(name, tmp_path):
    """Real time, real decoding thread: no cut-off, and the end comes within the longest hold of the speech end."""
    rec = WhisperRecognizer()
    try:
        answer = ANSWERS[name]
        heard = hear(rec, name, tmp_path, realtime=True)
    finally:
        rec.close()
    gap = heard.duration - answer["speech_ends"][-1]
    assert heard.reason == "silence" and 0.7 <= gap <= 1.5 + MID_THOUGHT_EXTRA_S + 0.2, gap
    assert answer["text"].split()[-1].rstrip(".?").lower() in heard.transcript.text.lower()


@pytest.mark.slow  # a real speech model (Whisper or the Piper voice)
def test_space_still_ends_the_answer_at_once(tmp_path):
    """The stop (Space in the app) ends the answer in the middle of a thinking pause, without waiting."""
    stop = threading.Event()
    source = WavFileSource(TURNS / "pause_after_because.wav", pad_s=3.5, realtime=True)
    first_end = ANSWERS["pause_after_because"]["speech_ends"][0]
    rec = WhisperRecognizer()
    threading.Timer(first_end + 0.4, stop.set).start()
    try:
        heard = listen(source, rec, tmp_path / "stop.wav", silence_s=1.5, stop_event=stop)
    finally:
        rec.close()
    assert heard.reason == "stop"
    assert heard.duration <= first_end + 0.4 + 0.2  # the recording ended when Space was pressed
    assert "because" in heard.transcript.text.lower()


@pytest.mark.slow  # a real speech model (Whisper or the Piper voice)
def test_a_resumed_answer_supersedes_the_early_decode(tmp_path):
    """flush() decodes at the pause; when the user goes on, the final text is the whole window decoded again."""
    rec = InstantWhisper()
    try:
        heard = hear(rec, "pause_before_object", tmp_path)
    finally:
        rec.close()
    text = heard.transcript.text.lower()
    assert "migration of the" in text and "billing system to the new platform" in text
    assert text.count("migration") == 1  # the early decode's words are not kept beside the final ones
