"""The drive loop as the app uses it (interactive, on its own thread), with the real session, core and store.

Answers here are typed, or come from a microphone that is not there; spoken answers through the loop are tested in
test_e2e.py (the command line) and test_ui_run.py (the window).
"""

import queue
from pathlib import Path

import pytest

from rehearse.core.answer_for import AnswerFor
from rehearse.core.feedback import Feedback
from rehearse.core.loader import load_scenario
from rehearse.errors import UserError
from rehearse.session.conversation import Session
from rehearse.session.drive import Drive
from rehearse.store.db import Store

SCENARIO = Path(__file__).parents[1] / "data" / "answers" / "senior-engineer.toml"
GOOD = "What specifically is missing for the next level? Can we set a review date?"


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "history.sqlite3") as s:
        yield s


class Events:
    def __init__(self):
        self.queue = queue.Queue()
        self.seen = []

    def __call__(self, event):
        self.queue.put(event)

    def next(self, kind, timeout=30):
        """The next event of this kind (the ones before it are kept in ``seen``)."""
        while True:
            event = self.queue.get(timeout=timeout)
            self.seen.append(event)
            if event.kind == kind:
                return event


def drill(store, events, **options):
    scenario = load_scenario(SCENARIO)
    return Drive(lambda: Session(scenario, "drill", store=store, max_items=2, seed=1), interactive=True,
                 on_event=events, speak=False, **options)


def test_typed_answers_again_and_next_then_the_run_ends(store):
    events = Events()
    drive = drill(store, events)
    drive.start()
    session = events.next("started").data["session"]
    first = events.next("prompt").data["prompt"]
    assert first.answer_for == AnswerFor.objection("not_yet")

    drive.type_answer("Okay. I work really hard.")
    weak = events.next("feedback").data["result"]
    assert isinstance(weak.feedback, Feedback) and weak.answer.transcript.text == "Okay. I work really hard."
    assert weak.prompt is first and not weak.done

    drive.again()
    again = events.next("prompt").data["prompt"]
    assert again.answer_for == first.answer_for and again.index > first.index
    drive.type_answer(GOOD)
    strong = events.next("feedback").data["result"]
    assert strong.feedback.score > weak.feedback.score

    drive.go_on()
    second = events.next("prompt").data["prompt"]
    assert second.answer_for.is_objection and second.answer_for != first.answer_for
    drive.type_answer(GOOD)
    assert events.next("feedback").data["done"] is True
    drive.go_on()
    summary = events.next("finished").data["summary"]
    assert drive.join(10) and summary["complete"] and summary["answers"] == 3
    run = store.run(session.run_id)
    assert run["status"] == "complete" and [t["expects"] for t in run["turns"] if t["role"] == "user"] == \
        ["objection:not_yet", "objection:not_yet", second.answer_for.to_str()]
    assert not any(e.kind == "stopped" for e in events.seen)


def test_a_missing_microphone_is_reported_and_typing_still_works_then_stop_stores_it_incomplete(store):
    def no_microphone():
        raise UserError("No microphone found")

    events = Events()
    drive = drill(store, events, source_factory=no_microphone)
    drive.start()
    session = events.next("started").data["session"]
    events.next("prompt")
    drive.talk()
    assert events.next("listen_failed").data["message"] == "No microphone found"
    drive.type_answer(GOOD)
    assert events.next("feedback").data["result"].feedback.score > 0
    drive.stop()
    assert events.next("stopped").data["reason"] == "cancelled"
    assert events.next("finished").data["summary"]["complete"] is False
    assert drive.join(10)
    run = store.run(session.run_id)
    assert run["status"] == "incomplete" and [t["role"] for t in run["turns"]] == ["manager", "user"]


def test_a_drill_left_after_its_last_answer_is_complete(store):
    """The user answers every objection served and leaves (closes the window, starts over) without asking for the
    summary: the drill ended normally, so the run is complete — neither incomplete nor interrupted."""
    events = Events()
    drive = drill(store, events)
    drive.start()
    session = events.next("started").data["session"]
    for _ in range(2):
        events.next("prompt")
        drive.type_answer(GOOD)
        done = events.next("feedback").data["done"]
        if not done:
            drive.go_on()
    assert done
    drive.stop()
    assert events.next("finished").data["summary"]["complete"] is True
    assert drive.join(10) and store.run(session.run_id)["status"] == "complete"


def test_a_read_aloud_left_after_its_last_sentence_is_complete(store):
    events = Events()
    scenario = load_scenario(SCENARIO)
    drive = Drive(lambda: Session(scenario, "read", store=store, max_items=1), interactive=True, on_event=events,
                  speak=False)
    drive.start()
    session = events.next("started").data["session"]
    prompt = events.next("prompt").data["prompt"]
    drive.type_answer(prompt.text)
    assert events.next("feedback").data["done"] is True
    drive.stop()
    assert drive.join(10) and store.run(session.run_id)["status"] == "complete"


def test_a_session_that_cannot_be_made_is_reported(store):
    events = Events()
    scenario = load_scenario(SCENARIO)
    drive = Drive(lambda: Session(scenario, "karaoke", store=store), interactive=True, on_event=events,
                  speak=False)
    drive.start()
    failed = events.next("failed")
    assert "mode" in failed.data["message"] and isinstance(failed.data["error"], UserError)
    assert drive.join(10)


def test_each_line_is_spoken_in_the_voice_asked_for_at_that_moment(tmp_path):
    """The voice, speed and output are asked before each line (Settings can change them mid-run)."""
    from rehearse.session.voice import ManagerVoice

    class Recorder:
        def __init__(self):
            self.calls = []

        def synthesize(self, text, voice=None, rate=None):
            self.calls.append(("synth", text, voice, rate))
            path = tmp_path / f"{len(self.calls)}.wav"
            path.write_bytes(b"RIFF")
            return path

        def play(self, path, stop_event=None, device=None):
            self.calls.append(("play", path.name, device))
            return True

    speaker, lost = Recorder(), []
    choice = {"voice": "en-a", "rate": 150, "device": None}
    voice = ManagerVoice(lost.append, speaker=speaker, options=lambda: dict(choice))
    voice.say("Hello.", wait=True)
    choice.update(voice="en-b", rate=None, device="pulse")
    voice.say("Go on.", wait=True)
    assert speaker.calls == [("synth", "Hello.", "en-a", 150), ("play", "1.wav", None),
                             ("synth", "Go on.", "en-b", None), ("play", "3.wav", "pulse")]
    assert voice.speech.done.is_set() and voice.speech.error is None and not lost


def test_a_voice_that_fails_is_reported_once_and_the_lines_go_on_silently(tmp_path):
    from rehearse.session.voice import ManagerVoice

    class Broken:
        calls = 0

        def synthesize(self, text, voice=None, rate=None):
            Broken.calls += 1
            raise RuntimeError("no voice here")

    lost = []
    voice = ManagerVoice(lost.append, speaker=Broken())
    voice.say("Hello.", wait=True)
    voice.say("Go on.", wait=True)
    assert [str(e) for e in lost] == ["no voice here"] and Broken.calls == 1 and not voice.enabled()
