"""Polite turn-taking on recorded answers (tests/data/turns/, Festival voice, made by scripts/make_turn_answers.py):
thinking pauses of 1.2-2.0 s in the middle of a sentence never end the answer; nor do 1.0-1.8 s pauses between the
sentences of a long answer (tests/data/turns/long/); a finished question ends it after 0.8 s; the last window is
decoded while the silence is timed, so the final transcript is ready when it ends."""

import json
import threading
from pathlib import Path

import pytest
from instant_whisper import InstantWhisper

from rehearse.speech.listener import listen
from rehearse.speech.sources import WavFileSource
from rehearse.speech.turn_taking import (FINISHED_S, LONG_ANSWER_S, LONG_STATEMENT_S, MID_THOUGHT_EXTRA_S,
                                         PAUSE_MARGIN_S, STATEMENT_S, list_open, turn_silence)
from rehearse.speech.whisper_engine import WhisperRecognizer

TURNS = Path(__file__).parents[1] / "data" / "turns"
ANSWERS = json.loads((TURNS / "answers.json").read_text())
PAUSED = [name for name, a in ANSWERS.items() if a["pauses"]]
# (the held-out long answers, turns/long/heldout/, are only measured: scripts/bench_turns.py, docs/benchmarks.md)
LONG = json.loads((TURNS / "long" / "answers.json").read_text())


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


@pytest.mark.parametrize("text", [
    "There are three reasons I think I'm ready.",
    "I have a couple of examples.",
    "I understand that the budget is tight this year.",
    "You're right, that is a gap.",
    "I'd like to talk about my promotion to senior engineer.",
    "First, I already lead the design reviews for our team.",
    "Some context first. First of all, I rebuilt the release process. Second, I took over the backlog.",
])
def test_a_sentence_that_announces_more_waits_as_mid_thought(text):
    assert turn_silence(text, 1.5) == pytest.approx(1.5 + MID_THOUGHT_EXTRA_S)


def test_a_list_is_open_until_its_last_item_is_announced():
    assert list_open("First, I lead the reviews. Second, I mentor two engineers.")
    assert not list_open("First, I lead the reviews. Finally, I cut our costs by a third.")
    assert not list_open("It was the first time we shipped on a Friday.")  # "first" inside a sentence


def test_a_long_answer_waits_longer_after_a_statement_but_not_after_the_ask():
    statement = "Failures went from twelve a week to one a month."
    assert turn_silence(statement, 1.5, speech_s=LONG_ANSWER_S - 1) == STATEMENT_S  # a short answer: quick
    assert turn_silence(statement, 1.5, speech_s=LONG_ANSWER_S + 1) == LONG_STATEMENT_S
    assert turn_silence("Do you see me as ready for the senior role?", 1.5, speech_s=30) == 1.5
    # the close of the pitch: the ask and its timeline, an invitation to answer
    assert turn_silence("Can we agree on a review date in March?", 1.5, speech_s=30) == FINISHED_S
    assert turn_silence("What would you need to see from me, and by when?", 1.5, speech_s=30) == FINISHED_S
    assert turn_silence("So I'm asking you to support my promotion this cycle.", 1.5, speech_s=30) == STATEMENT_S


def test_text_that_does_not_look_finished_never_waits_less_than_a_finished_sentence():
    """Whisper's live text may stop short of the sentence's last word ("…brought response time down to 350"):
    in a long answer that waits at least as long as a finished statement would (the bench's 50 s pitch was cut
    there, at a 1.4 s pause, before)."""
    assert turn_silence("which brought peak response time down to 350", 1.5, speech_s=26) == LONG_STATEMENT_S
    assert turn_silence("I rebuilt the pipeline, wrote the runbooks,", 1.5, speech_s=26) == LONG_STATEMENT_S
    assert turn_silence("which brought peak response time down to 350", 1.5, speech_s=3) == 1.5


def test_a_user_who_has_paused_long_and_gone_on_gets_that_pause_again():
    statement = "I wrote the runbook for the support team last month."
    assert turn_silence(statement, 1.5, longest_pause_s=0.4) == STATEMENT_S  # short breaks change nothing
    assert turn_silence(statement, 1.5, longest_pause_s=1.6) == pytest.approx(1.6 + PAUSE_MARGIN_S)
    assert turn_silence("Is that fair?", 1.5, longest_pause_s=1.6) == 1.5  # a question: the setting at most
    # never past the longest wait
    assert turn_silence(statement, 1.5, longest_pause_s=5.0) == pytest.approx(1.5 + MID_THOUGHT_EXTRA_S)


# --- on recorded answers ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def instant():
    rec = InstantWhisper()
    yield rec
    rec.close()


def hear(rec, name, tmp_path, folder=TURNS, file=None, **kw):
    source = WavFileSource(folder / (file or f"{name}.wav"), pad_s=3.5, **kw)
    return listen(source, rec, tmp_path / f"{name}.wav", silence_s=1.5)


@pytest.mark.slow  # a real speech model (Whisper or the Piper voice)
@pytest.mark.parametrize("name", list(LONG))
def test_pauses_between_the_sentences_of_a_long_answer_do_not_end_it(instant, name, tmp_path):
    """1.0-1.8 s between the points of a 14-33 s answer (a breath, the next point): the whole answer is heard, and
    its end still comes within the longest wait (0.8 s when it closes with the ask)."""
    answer = LONG[name]
    heard = hear(instant, name, tmp_path, folder=TURNS / "long", file=answer["file"])
    end = answer["speech_ends"][-1]
    assert heard.reason == "silence"
    assert heard.duration > end, (heard.duration, answer["speech_ends"], heard.transcript.text)
    assert heard.duration - end <= 1.5 + MID_THOUGHT_EXTRA_S + 0.2
    if name == "long_pitch_ask":  # "Can we agree on a review date in March?": the close of a pitch
        assert heard.hold_s == FINISHED_S
    last_word = answer["text"].rstrip(".?").split()[-1]
    assert last_word.lower() in heard.transcript.text.lower(), heard.transcript.text


@pytest.mark.slow  # a real speech model (Whisper or the Piper voice)
@pytest.mark.parametrize("name", PAUSED)
def test_thinking_pauses_mid_sentence_do_not_end_the_answer(instant, name, tmp_path):
    answer = ANSWERS[name]
    heard = hear(instant, name, tmp_path)
    assert heard.reason == "silence"
    assert heard.duration > answer["speech_ends"][-1] + 0.7, (heard.duration, heard.transcript.text)
    last_words = answer["text"].rstrip(".?").split()[-2:]
    assert " ".join(last_words).lower() in heard.transcript.text.lower().rstrip(".?")
    # and the end is not slow: the silence setting, or a long answer's wait after its last sentence (9 s of speech
    # and more: 2.1 s, where it was 1.5 s before long answers were given time between their points)
    wait = LONG_STATEMENT_S if heard.speech_end - heard.latency >= LONG_ANSWER_S else 1.5
    assert heard.duration - answer["speech_ends"][-1] <= wait + 0.2
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
