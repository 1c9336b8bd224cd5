"""Biasing the real Whisper with the scenario's words (hot words), and Whisper's word pieces joined as written."""

from pathlib import Path

import pytest

from rehearse.core.loader import load_scenario
from rehearse.core.matching import match_phrase
from rehearse.core.transcript import Word
from rehearse.core.answer_for import AnswerFor
from rehearse.core.vocabulary import scenario_vocabulary
from rehearse.speech.audio import load_pcm16
from rehearse.speech.recognizer import create_recognizer
from rehearse.speech.hints import hint_terms, hotwords_text
from rehearse.speech.whisper_engine import _add_word

ANSWERS = Path(__file__).parents[1] / "data" / "answers"
SCENARIO = ANSWERS / "senior-engineer.toml"
# what the Festival voice says in the committed answers (scripts/make_answers.py)
SPOKEN = {
    "close": "Thank you. So the title is Senior Engineer, from the next cycle, with the new salary band. "
             "What specifically is still missing, and can we set a review date?",
    "drill_timing": "I'd like to propose a date: the end of March. Can we check in then and decide?",
    "drill_not_yet": "I understand. What specifically is missing for the next level? Can we set a review date?",
    "ask_timeline": "Thank you. What specifically do I need to show, and by when? Can we agree a date to review it?",
}
EXPECTS = {"close": "ask", "drill_timing": "objection:timing", "drill_not_yet": "objection:not_yet",
           "ask_timeline": "ask"}


def transcribe(name: str, vocabulary=()) -> str:
    rec = create_recognizer("whisper", vocabulary=vocabulary)
    try:
        pcm = load_pcm16(ANSWERS / f"{name}.wav")
        for i in range(0, len(pcm), 3200):
            rec.accept(pcm[i:i + 3200])
        return rec.finish().text
    finally:
        rec.close()


def all_phrases(scenario) -> list[str]:
    return scenario.part_key_phrases("pitch") + [p for o in scenario.objections for p in o.key_phrases]


@pytest.mark.slow
def test_the_scenarios_words_are_heard_as_written():
    scenario = load_scenario(SCENARIO)
    plain = transcribe("close")
    biased = transcribe("close", scenario_vocabulary(scenario, AnswerFor.part("ask")))
    assert "Senior Engineer" not in plain  # Whisper alone hears "seen your engineer" here
    assert "Senior Engineer" in biased, biased


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(SPOKEN))
def test_biasing_invents_no_phrase(name):
    """With the whole scenario's vocabulary as hot words, no key phrase is heard that the speaker did not say."""
    scenario = load_scenario(SCENARIO)
    biased = transcribe(name, scenario_vocabulary(scenario, AnswerFor.parse(EXPECTS[name])))
    for phrase in all_phrases(scenario):
        if match_phrase(biased, phrase).hit:
            assert match_phrase(SPOKEN[name], phrase).hit, (phrase, biased)


def test_read_aloud_is_never_biased():
    scenario = load_scenario(SCENARIO)
    assert scenario_vocabulary(scenario, AnswerFor.read(0)) == []
    assert scenario_vocabulary(None, AnswerFor.part("ask")) == []


def test_the_vocabulary_puts_the_part_first_then_roles_names_and_jargon():
    scenario = load_scenario(SCENARIO)
    vocab = scenario_vocabulary(scenario, AnswerFor.objection("not_yet"))
    assert vocab[:len(scenario.objection("not_yet").key_phrases)] == scenario.objection("not_yet").key_phrases
    assert {"Senior Engineer", "Dana", "OAuth"} <= set(vocab)
    assert "One" not in vocab and "Over" not in vocab  # a capital at the start of a sentence is not jargon
    assert len({v.lower() for v in vocab}) == len(vocab)
    hot = hotwords_text(vocab)
    assert hot.startswith("specifically, review date, next level, Senior Engineer") and len(hot) <= 180


def test_hotwords_text_keeps_order_drops_repeats_and_fits_the_budget():
    assert hotwords_text([]) is None
    assert hotwords_text(["Senior Engineer", " senior  engineer ", "OAuth"]) == "Senior Engineer, OAuth"
    long = hotwords_text([f"phrase {c * 3}" for c in "abcdefghijklmnopqrstuvwxyz"], max_chars=60)
    assert len(long) <= 60 and long.startswith("phrase aaa, phrase bbb")


def test_hints_leave_out_numbers_negations_and_edge_words():
    """A hint must never push Whisper towards a number or a negation it did not hear."""
    assert hint_terms("I have led a cross-team project") == ["led a cross-team project"]
    assert hint_terms("from 40 minutes to 12 minutes") == ["minutes"]
    assert hint_terms("onboarded fourteen new engineers") == ["onboarded", "new engineers"]
    assert hint_terms("I'm not leaving") == ["leaving"]
    assert hint_terms("I haven't led a project") == ["led a project"]
    assert hint_terms("62%") == [] and hint_terms("$1.2 million") == []
    assert hint_terms("promotion to Senior Engineer") == ["promotion to Senior Engineer"]


def join(raw_words):
    words: list[Word] = []
    for i, raw in enumerate(raw_words):
        _add_word(words, raw, float(i), float(i) + 0.5, 0.9 - 0.1 * i)
    return words


def test_word_pieces_are_joined_as_written():
    words = join([" We", " cut", " login", "-related", " tickets", " by", " 99", ".9", "%"])
    assert [w.word for w in words] == ["We", "cut", "login-related", "tickets", "by", "99.9%"]
    piece = words[2]
    assert (piece.start, piece.end) == (2.0, 3.5) and piece.conf == pytest.approx(0.6)  # the less sure piece
    assert [w.word for w in join([" a", " cold", "-hearted", " reply."])] == ["a", "cold-hearted", "reply."]
    # a word with its own space stays a word, even when it starts with punctuation
    assert [w.word for w in join([" He", " said", " -", " no"])] == ["He", "said", "-", "no"]
    assert [w.word for w in join(["-first", " word"])] == ["-first", "word"]


@pytest.mark.slow
def test_whispers_transcripts_have_no_loose_pieces():
    text = transcribe("pitch_strong")
    assert not any(w[0] in "-.%,'" for w in text.split()), text
