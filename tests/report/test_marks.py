"""Stored feedback is read back typed, whatever version stored it: an old-shaped row (no "part", a float score,
fillers stored as a list, hedges as a dict, components without scale, an empty tip) reads as the current Feedback
in the exports, progress and cheat sheet; a read-aloud row reads as a Reading; an unreadable one never breaks a
report."""

from __future__ import annotations

from rehearse.core.feedback import Feedback
from rehearse.core.pronunciation import Reading
from rehearse.report import marks
from rehearse.report.export import components, to_markdown
from rehearse.report.progress import progress
from rehearse.store import Store

OLD_TEXT = "Um, I understand. Could we treat the title and the money separately, maybe?"
OLD_ROW = {  # as stored before the feedback said what it was for
    "score": 71.6,
    "components": [{"name": "key_phrases", "weight": 0.6, "score": 80, "detail": "2 of 3 heard"},
                   {"name": "delivery", "weight": 0.4, "score": 60, "detail": ""}],
    "key_phrases": [{"phrase": "title and the money", "hit": True, "start_word": 6, "end_word": 10},
                    {"phrase": "separately", "hit": True, "start_word": 11, "end_word": 11},
                    {"phrase": "when budget opens", "hit": False}],
    "flags": [{"kind": "filler", "severity": "info", "message": "Filler: “um”", "text": "Um,", "start_word": 0,
               "end_word": 0},
              {"kind": "hedge", "severity": "warning", "message": "Hedge: “maybe” weakens it", "text": "maybe",
               "start_word": 12, "end_word": 12}],
    "delivery": {"fillers": ["um"], "hedges": {"maybe": 1}, "duration": 6.0, "target_seconds": 45,
                 "wpm_speaking": 130},
    "tip": "",
}


def stored_run(tmp_path, feedback=OLD_ROW, expects="objection:budget", text=OLD_TEXT):
    store = Store(tmp_path / "h.sqlite3")
    run_id = store.create_run(scenario_path="s.toml", scenario_title="Old", target_role="Lead", mode="drill",
                              persona="busy", seed=None, engine=None)
    store.add_turn(run_id, index=0, role="manager", text="Budget is tight this year.", expects=expects)
    store.add_turn(run_id, index=1, role="user", text=text, expects=expects, feedback=feedback)
    return store, store.run(run_id)


def test_an_old_shaped_row_reads_as_the_typed_feedback(tmp_path):
    _store, run = stored_run(tmp_path)
    turn = run["turns"][1]
    feedback = marks.feedback_of(turn)
    assert isinstance(feedback, Feedback) and feedback.answer_for.to_str() == "objection:budget"
    assert feedback.score == 72 and feedback.tip is None
    assert feedback.delivery["fillers"] == 1 and feedback.delivery["hedges"] == 1  # counted
    assert [f.kind for f in feedback.flags] == ["filler", "hedge"]
    assert marks.score_of(turn) == 71.6  # the score stored with the turn
    assert marks.delivery_line(turn) == "6 s of 45 s; 130 words a minute; 1 filler; 1 hedge"
    assert [p["phrase"] for p in marks.hits(turn)] == ["title and the money", "separately"]
    assert marks.misses(turn) == ["when budget opens"]
    assert marks.notes(turn) == ["Note: Filler: “um” (“Um”)", "Note: Hedge: “maybe” weakens it (“maybe”)"]
    marked = {s.text: s.marks for s in marks.segments(turn)}
    assert marked["Um,"] == {"filler"} and marked["maybe?"] == {"hedge"}
    assert components(turn) == ["key phrases: 80/100 (weight 60%) — 2 of 3 heard", "delivery: 60/100 (weight 40%)"]


def test_reports_read_the_old_row(tmp_path):
    store, run = stored_run(tmp_path)
    text = to_markdown(run)
    assert '### Your answer to the "budget" objection — score 72/100' in text
    assert "- Missed: “when budget opens”" in text and "~~Um,~~" in text
    item = progress(store)["items"][0]
    assert item["latest"]["score"] == 71.6 and item["latest"]["coverage"] == round(2 / 3, 3)
    assert item["latest"]["pace"] == 130


def test_a_read_aloud_row_reads_as_a_reading(tmp_path):
    stored = {"score": 75.0, "sentence": "Can we agree a date?", "heard": "can we agree a day",
              "words": [{"word": "Can", "status": "ok"}, {"word": "we", "status": "ok"},
                        {"word": "agree", "status": "ok"}, {"word": "date", "status": "missed"}],
              "key_phrases": [], "tip": "Say “date” clearly."}
    _store, run = stored_run(tmp_path, stored, "read:0", "can we agree a day")
    turn = run["turns"][1]
    reading = marks.feedback_of(turn)
    assert isinstance(reading, Reading) and reading.practice == ["date"]
    assert marks.flags_of(reading) == [] and marks.delivery_line(turn) == ""
    assert "Tip: Say “date” clearly." in to_markdown(run)


def test_unreadable_feedback_shows_an_empty_one_with_the_stored_score(tmp_path):
    turn = {"expects": "objection:budget", "score": 40.0, "feedback": ["not", "a", "mapping"], "text": "Hm."}
    assert marks.feedback_of(turn) is None
    shown = marks.shown_feedback(turn)
    assert isinstance(shown, Feedback) and shown.score == 40 and shown.key_phrases == [] and shown.flags == []
    assert marks.notes(turn) == [] and marks.coverage(turn) is None
