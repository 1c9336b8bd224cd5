"""Stored feedback read back typed: ``Feedback.from_dict`` / ``core.feedback.from_stored``, tolerant of the shapes
older versions stored, and the same values the session had before the store serialised them."""

import json

import pytest
from store_samples import PITCH, PITCH_PHRASES, feedback_for, store_pitch_run

from rehearse.core.analysers.heard import Component, Flag
from rehearse.core.answer_for import AnswerFor
from rehearse.core.feedback import Feedback, analyse, from_stored
from rehearse.core.loader import load_scenario
from rehearse.core.pronunciation import Reading, reading_feedback
from rehearse.core.transcript import Transcript
from rehearse.store import Store

SCENARIO = load_scenario("assets/scenarios/example-senior-engineer.toml")


def through_json(feedback) -> dict:
    return json.loads(json.dumps(feedback.to_dict()))


@pytest.mark.parametrize("answer_for", [AnswerFor.part("evidence"), AnswerFor.part("pitch"),
                                        AnswerFor.objection(SCENARIO.objection_ids[0])])
def test_a_stored_feedback_reads_back_as_it_was(answer_for):
    fb = analyse(SCENARIO, answer_for, Transcript(PITCH))
    back = Feedback.from_dict(through_json(fb))
    assert back.to_dict() == fb.to_dict()
    assert back.answer_for == answer_for and back.score == fb.score
    assert all(isinstance(c, Component) for c in back.components) and back.components
    assert all(isinstance(f, Flag) for f in back.flags)
    assert [f.kind for f in back.flags] == [f.kind for f in fb.flags]


def test_the_first_stored_shape_reads_as_the_current_one():
    # as the first version stored it: no moves, gaps or content score; components without tip or scale
    old = {"part": "evidence", "score": 61.6,
           "components": [{"name": "key_phrases", "weight": 25, "score": 50.0, "detail": "2 of 4 heard"},
                          "junk"],
           "key_phrases": [{"phrase": "62%", "hit": True, "score": 100, "heard": "62%", "start_word": 3,
                            "end_word": 3}],
           "flags": [{"kind": "filler", "severity": "info", "message": "Filler", "text": "um", "start_word": 1,
                      "end_word": 1}, {"kind": "hedge", "severity": "warning", "message": "Hedge",
                                        "start_word": "x"}],
           "tip": "", "delivery": {"fillers": ["um", "uh"], "hedges": {"maybe": 2, "I think": 1}, "duration": 30},
           "signals": {"explicit_ask": False}, "evidence": [], "text": "so um we cut 62% of tickets"}
    fb = Feedback.from_dict(old)
    assert fb.answer_for == AnswerFor.part("evidence") and fb.score == 62 and fb.tip is None
    assert fb.components == [Component("key_phrases", 25.0, 50.0, "2 of 4 heard")]
    assert fb.flags[0] == Flag("filler", "info", "Filler", "um", 1, 1)
    assert fb.flags[1].start_word is None  # a broken index is dropped, not trusted
    assert fb.delivery["fillers"] == 2 and fb.delivery["hedges"] == 3 and fb.delivery["duration"] == 30
    assert fb.moves == [] and fb.gaps == {} and fb.content_score == 0.0 and fb.confirmed is None
    json.dumps(fb.to_dict())  # and it can be stored again


def test_what_it_was_for_comes_from_the_turn_when_the_feedback_does_not_say():
    data = feedback_for(PITCH, PITCH_PHRASES)  # the samples store no "part"
    assert "part" not in data
    fb = Feedback.from_dict(data, "objection:budget")
    assert fb.answer_for == AnswerFor.objection("budget")
    assert fb.key_phrases == data["key_phrases"] and fb.delivery["fillers"] == data["delivery"]["fillers"]
    with pytest.raises(ValueError, match="says not what it was for"):
        Feedback.from_dict(data)
    with pytest.raises(ValueError):
        Feedback.from_dict(data, "read:1")  # a read-aloud answer is a Reading, not a Feedback
    assert from_stored(data) is None and from_stored(None, "pitch") is None and from_stored({}, "pitch") is None
    assert from_stored("not a dict", "pitch") is None


def test_a_stored_reading_reads_back_as_a_reading():
    sentence = "Login support tickets dropped by sixty two percent."
    reading = reading_feedback(sentence, Transcript("login support tickets dropped by sixty percent"))
    data = json.loads(json.dumps(reading.to_dict()))
    back = from_stored(data, "read:0")
    assert isinstance(back, Reading)
    assert back.to_dict() == reading.to_dict()
    assert back.score == reading.score < 100 and back.practice == reading.practice
    assert isinstance(from_stored(data), Reading)  # runs that stored no expects: told by its shape


def test_every_user_turn_of_a_stored_run_reads_back_typed(tmp_path):
    store = Store(tmp_path / "h.sqlite3")
    run = store.run(store_pitch_run(store, "not_yet"))
    user = [t for t in run["turns"] if t["role"] == "user"]
    typed = [from_stored(t["feedback"], t["expects"]) for t in user]
    assert [fb.answer_for.to_str() for fb in typed] == ["pitch", "ask"]
    assert [fb.score for fb in typed] == [round(t["feedback"]["score"]) for t in user]
    assert typed[0].delivery["fillers"] == 1 and any(f.kind == "hedge" for f in typed[0].flags)


def test_the_session_stores_what_reads_back_equal(tmp_path):
    from rehearse.core.transcript import Answer
    from rehearse.session.conversation import Session

    store = Store(tmp_path / "h.sqlite3")
    session = Session(SCENARIO, mode="drill", store=store, seed=1, max_items=1)
    session.next_prompt()
    result = session.submit(Answer(Transcript("What specifically would you need to see from me, and can we agree "
                                              "a date in March to review it?")))
    turn = [t for t in store.run(session.run_id)["turns"] if t["role"] == "user"][0]
    back = from_stored(turn["feedback"], turn["expects"])
    assert back.to_dict() == result.feedback.to_dict() and back.answer_for == result.prompt.answer_for
