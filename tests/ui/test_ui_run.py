"""Whole runs through the window: recorded answers (a WavFileSource in place of the microphone), the built-in
Whisper recognizer, the real session engine and store. Asserts what the panels show."""

from __future__ import annotations

import os
import re
import time
import wave
from pathlib import Path

import pytest
from PySide6.QtCore import QElapsedTimer, QObject, Qt, QTimer

from rehearse.core import scheduling
from rehearse.core.answer_for import AnswerFor
from rehearse.store.db import Store
from rehearse.ui.app import make_app
from rehearse.ui.context import AppContext
from rehearse.ui.main_window import VOSK_HINT, MainWindow
from rehearse.ui.talk_panel import IDLE
from rehearse.ui.threads import running_threads
from rehearse.ui.widgets import OUTCOMES

pytestmark = pytest.mark.slow
ANSWERS = Path(__file__).parents[1] / "data" / "ui"
PITCH, OBJECTION, WEAK = ANSWERS / "short_pitch.wav", ANSWERS / "objection.wav", ANSWERS / "weak.wav"
LONG = ANSWERS / "pitch.wav"  # 41 s: long enough to close the window in the middle of it
RUN_TIMEOUT = 90_000


class GapMeter(QObject):
    """Ticks every 5 ms on the UI thread and records each time between two ticks, with the CPU time the UI thread
    itself used in it (a long gap with little CPU means the thread was waiting to be scheduled, not working)."""

    def __init__(self):
        super().__init__()
        self.clock = QElapsedTimer()
        self.timer = QTimer(self)
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.setInterval(5)
        self.timer.timeout.connect(self.tick)
        self.gaps: list[tuple[int, float]] = []  # (ms between ticks, ms of UI-thread CPU in it)
        self._cpu = 0.0

    def start(self):
        self.clock.start()
        self._cpu = time.thread_time()
        self.timer.start()

    def tick(self):
        cpu = time.thread_time()
        self.gaps.append((self.clock.restart(), (cpu - self._cpu) * 1000))
        self._cpu = cpu

    def stop(self) -> tuple[int, float]:
        """(largest gap, most CPU the UI thread used within one gap), in ms."""
        self.timer.stop()
        return max(g for g, _ in self.gaps), max(c for _, c in self.gaps)


@pytest.fixture
def app_window(open_window):
    """A window whose answers come from WAV files: ``choose_wav(window)`` picks the file for each answer."""
    def make(choose_wav, realtime=False, seed=11, load_engine=False):
        from rehearse.speech.sources import WavFileSource

        made = {}
        make_app()
        ctx = AppContext(source_factory=lambda: WavFileSource(choose_wav(made["window"]), realtime=realtime),
                         voice=False)
        ctx.seed = seed
        made["window"] = open_window(ctx=ctx, load_engine=load_engine)
        return made["window"]

    return make


def pitch_answers(window) -> Path:
    """The strong pitch for the opening; the objection answer for everything the manager says after it."""
    prompt = window.rehearse_view.prompt
    return PITCH if prompt.answer_for == AnswerFor.part("pitch") else OBJECTION


def answer_by_voice(qtbot, view) -> dict:
    """Press Space like a user, let the recording play in, and return the feedback the panel shows."""
    with qtbot.waitSignal(view.feedback_shown, timeout=RUN_TIMEOUT) as got:
        qtbot.keyClick(view.talk.talk, Qt.Key.Key_Space)
        assert view.listening and view.talk.state == "listening"
    return got.args[0]


def test_full_pitch_run_by_voice(app_window, qtbot):
    window = app_window(pitch_answers, load_engine=True)
    view = window.rehearse_view
    # as in the app, the recognizer is loaded in the background when the window opens, before a run starts
    qtbot.waitUntil(lambda: window.ctx.engine_state is not None, timeout=RUN_TIMEOUT)
    with qtbot.waitSignal(view.prompt_shown, timeout=RUN_TIMEOUT):
        qtbot.mouseClick(view.start_button, Qt.MouseButton.LeftButton)
    assert view.prompt.answer_for == AnswerFor.part("pitch")
    assert view.card.name.text() == "Dana" and view.card.line.text() == view.prompt.text
    assert view.talk.state == IDLE and view.talk.timer.text().endswith("/ 4:00")

    feedback = answer_by_voice(qtbot, view)
    # the pitch: key phrases as chips, the score with its components, one tip
    chips = view.feedback.chip_texts()
    assert "✓  promotion to Senior Engineer" in chips
    assert "✓  support tickets" in chips
    assert any(chip.startswith("✗") for chip in chips)  # the short pitch leaves some prepared phrases out
    assert view.feedback.score.text() == str(round(feedback["score"]))
    assert view.feedback.components.count() >= 3 * len(feedback["components"]) > 0
    assert view.feedback.tip.text()
    assert "migration to OAuth" in view.feedback.transcript.text()

    answers = 1
    while True:
        qtbot.keyClick(view.next_button, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)  # Continue
        qtbot.waitUntil(lambda: view.talk.state == IDLE or view.summary is not None, timeout=RUN_TIMEOUT)
        if view.summary is not None:
            break
        assert view.card.line.text() == view.prompt.text  # the manager reacts
        answer_by_voice(qtbot, view)
        answers += 1
        assert answers < 12

    summary = view.summary
    assert view.summary_panel.isVisible()
    assert view.summary_panel.outcome.text() == OUTCOMES[summary["outcome"]]
    assert f"over {answers} answer" in view.summary_panel.details.text()
    with Store() as store:
        run = store.run(view.session.run_id)
    users = [t for t in run["turns"] if t["role"] == "user"]
    assert len(users) == answers
    assert all(t["audio_exists"] for t in users)
    assert run["status"] == "complete"


def test_the_ui_thread_is_never_blocked_during_an_answer(app_window, qtbot):
    """An answer arriving in real time (as from a microphone) while Whisper transcribes it phrase by phrase, then
    the scoring and the feedback panel: the UI thread keeps ticking every few milliseconds throughout."""
    window = app_window(lambda _w: OBJECTION, realtime=True, load_engine=True)
    view = window.rehearse_view
    qtbot.waitUntil(lambda: window.ctx.engine_state is not None, timeout=RUN_TIMEOUT)
    with qtbot.waitSignal(view.prompt_shown, timeout=RUN_TIMEOUT):
        view.start()
    meter = GapMeter()
    meter.start()
    with qtbot.waitSignal(view.feedback_shown, timeout=RUN_TIMEOUT):
        qtbot.keyClick(view.talk.talk, Qt.Key.Key_Space)
    qtbot.wait(200)
    largest, busiest = meter.stop()
    assert view.feedback.transcript.text().startswith("I hear you.")
    assert len(meter.gaps) > 7.8 / 0.006 * 0.8  # it really ticked all along
    long_gaps = sorted((g, round(c)) for g, c in meter.gaps if g > 30)
    # the UI thread never works for 50 ms at a stretch: everything long runs elsewhere
    assert busiest < 50, f"the UI thread was busy for {busiest:.0f} ms; long gaps (ms, CPU ms): {long_gaps}"
    # and it never waits 50 ms — unless other programs crowd the CPU (a shared test machine), which the app
    # cannot help; then the check above is the one that speaks for the app
    load = os.getloadavg()[0]
    if load < (os.cpu_count() or 1):
        assert largest < 50, f"the UI thread waited {largest} ms (load {load:.1f}); long gaps: {long_gaps}"


def test_drill_by_voice_with_again_and_next(app_window, qtbot):
    answers = {"next": OBJECTION}
    window = app_window(lambda _w: answers["next"])
    window.tabs.setCurrentIndex(1)
    drill = window.drill_view
    qtbot.waitUntil(lambda: drill.queue.count() == 7, timeout=10000)
    assert all(drill.item_texts()[i].endswith("New — not practised yet") for i in range(7))

    with qtbot.waitSignal(drill.prompt_shown, timeout=RUN_TIMEOUT):
        qtbot.mouseClick(drill.start_button, Qt.MouseButton.LeftButton)
    first = drill.prompt.answer_for
    assert first.is_objection
    assert drill.queue.currentItem().data(Qt.ItemDataRole.UserRole) == first.id
    assert drill.card.hint.text().startswith("Hint: ")  # the objection's tip

    feedback = answer_by_voice(qtbot, drill)
    assert drill.again_button.isVisible() and drill.next_button.isVisible()
    assert drill.again_button.text() == "&Again" and drill.next_button.text() == "&Next"
    oid = first.id
    # the queue now shows this objection's mastery
    qtbot.waitUntil(lambda: any(f"Last score {round(feedback['score'])}" in drill.item_texts()[i]
                                for i in range(drill.queue.count())), timeout=10000)

    # Again: the same objection, answered weakly this time from an imported recording
    with qtbot.waitSignal(drill.prompt_shown, timeout=RUN_TIMEOUT):
        qtbot.mouseClick(drill.again_button, Qt.MouseButton.LeftButton)
    assert drill.prompt.answer_for == first
    with qtbot.waitSignal(drill.feedback_shown, timeout=RUN_TIMEOUT) as got:
        drill.import_wav(str(WEAK))
    weak = got.args[0]
    assert "deserve" in drill.feedback.transcript.text()
    assert weak["score"] < feedback["score"]
    qtbot.waitUntil(lambda: any("2 tries" in drill.item_texts()[i] for i in range(drill.queue.count())),
                    timeout=10000)

    # Next through the rest of the queue
    seen = {oid}
    while True:
        qtbot.mouseClick(drill.next_button, Qt.MouseButton.LeftButton)
        qtbot.waitUntil(lambda: drill.talk.state == IDLE or drill.summary is not None, timeout=RUN_TIMEOUT)
        if drill.summary is not None:
            break
        seen.add(drill.prompt.answer_for.id)
        answer_by_voice(qtbot, drill)
    assert len(seen) == 7
    assert drill.summary_panel.outcome.text().startswith("Drill done")
    qtbot.waitUntil(lambda: all("Last score" in drill.item_texts()[i] for i in range(7)), timeout=10000)
    # just practised, so nothing is due now — except an answer rated "again" (FSRS): its relearning step is
    # minutes, which a slow test machine can pass (the same recorded answer does not answer every objection)
    for text in drill.item_texts():
        score = int(re.search(r"Last score (\d+)", text).group(1))
        assert not text.endswith("due now") or score < scheduling.RATING_BANDS[0][0], text


@pytest.mark.perf
def test_closing_mid_answer_keeps_the_partial_answer_and_stops_everything(app_window, qtbot):
    window = app_window(lambda _w: LONG, realtime=True)
    view = window.rehearse_view
    with qtbot.waitSignal(view.prompt_shown, timeout=RUN_TIMEOUT):
        view.start()
    qtbot.keyClick(view.talk.talk, Qt.Key.Key_Space)
    assert view.talk.state == "listening"
    qtbot.waitUntil(lambda: view.talk.level.value() > 0, timeout=10000)
    # the live transcript shows the first phrase while the answer goes on
    qtbot.waitUntil(lambda: "promotion" in view.talk.partial.text().lower(), timeout=20000)
    assert view.talk.state == "listening" and view.talk.elapsed() >= 2.5
    run_id = view.session.run_id
    started = time.perf_counter()
    window.close()
    # the recognizer finishes the words said so far (a few seconds; more on a crowded machine)
    assert time.perf_counter() - started < 60
    assert window.closed_cleanly and not running_threads()
    with Store() as store:
        run = store.run(run_id)
    users = [t for t in run["turns"] if t["role"] == "user"]
    assert len(users) == 1
    assert users[0]["audio_exists"]
    with wave.open(users[0]["audio"]) as wav:
        seconds = wav.getnframes() / wav.getframerate()
    assert 2.5 <= seconds < 20  # what was said before closing, not the whole 41 s recording
    assert users[0]["text"].lower().startswith("i'd like to talk about my promotion")


def test_engine_state_is_shown_with_the_vosk_offer(app_window, qtbot):
    window = app_window(pitch_answers, load_engine=True)
    qtbot.waitUntil(lambda: window.ctx.engine_state is not None, timeout=30000)
    assert window.ctx.engine_state.recognizer_ok
    assert window.engine_banner.text() == VOSK_HINT
    assert window.install_button.isVisible()


def test_starting_over_mid_answer_keeps_that_answer_in_its_own_run(app_window, qtbot):
    window = app_window(lambda _w: LONG, realtime=True)
    view = window.rehearse_view
    with qtbot.waitSignal(view.prompt_shown, timeout=RUN_TIMEOUT):
        view.start()
    first_run = view.session.run_id
    qtbot.keyClick(view.talk.talk, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: view.talk.elapsed() > 2.0, timeout=10000)
    with qtbot.waitSignal(view.prompt_shown, timeout=RUN_TIMEOUT):
        qtbot.mouseClick(view.start_button, Qt.MouseButton.LeftButton)
    assert view.session.run_id != first_run and view.talk.state == IDLE

    def stored():
        with Store() as store:
            return [t for t in store.run(first_run)["turns"] if t["role"] == "user"]

    qtbot.waitUntil(lambda: len(stored()) == 1, timeout=RUN_TIMEOUT)
    assert stored()[0]["audio_exists"]
    with Store() as store:
        assert not [t for t in store.run(view.session.run_id)["turns"] if t["role"] == "user"]


def test_the_manager_speaks_or_the_window_says_why_not(qtbot):
    """The real voice path: the line is synthesised in the TTS process and played through PortAudio. On a machine
    with a sound card it plays; on one without (like a test server) the banner says so and the line stays on screen."""
    make_app()
    ctx = AppContext(voice=True)
    window = MainWindow(ctx, load_engine=False)
    qtbot.addWidget(window)
    window.show()
    view = window.rehearse_view
    try:
        with qtbot.waitSignal(view.prompt_shown, timeout=RUN_TIMEOUT):
            view.start()
        qtbot.waitUntil(lambda: view.drive.speech is not None, timeout=10000)
        speech = view.drive.speech
        assert speech.text == view.prompt.text
        qtbot.waitUntil(speech.done.is_set, timeout=60000)
        if speech.error is not None:
            qtbot.waitUntil(window.voice_banner.isVisible, timeout=10000)
            assert "voice is not available" in window.voice_banner.text()
            assert str(speech.error).split(" (")[0] in window.voice_banner.text()
            assert not ctx.voice_enabled and not view.card.replay.isEnabled()
            assert view.card.line.text() == view.prompt.text
        else:
            assert Path(speech.path).is_file()  # synthesised and played to the end
            assert not window.voice_banner.isVisible()
    finally:
        window.close()


def test_a_missing_microphone_is_announced_up_front(qtbot):
    """The real check through PortAudio: the banner appears exactly when the system lists no audio input."""
    from rehearse.ui.jobs import microphone_present

    make_app()
    window = MainWindow(AppContext(voice=False), load_engine=True)
    qtbot.addWidget(window)
    window.show()
    try:
        qtbot.waitUntil(lambda: window.ctx.engine_state is not None, timeout=RUN_TIMEOUT)
        present, _why = microphone_present()
        assert window.ctx.engine_state.microphone_ok is present
        assert window.mic_banner.isVisible() is (not present)
        if not present:
            assert window.mic_banner.text().startswith("No microphone found")
            assert "import WAV" in window.mic_banner.text()
    finally:
        window.close()


def test_one_part_at_a_time_says_which_part_comes_next(open_window, rehearse_home):
    """A new user in "one part at a time" could not tell which part the manager's line asked for."""
    from types import SimpleNamespace

    from rehearse.core.answer_for import AnswerFor
    from rehearse.session.conversation import Prompt

    view = open_window().rehearse_view
    view.session = SimpleNamespace(by_part=True, persona="skeptical")
    view.show_prompt(Prompt(2, "manager", "Go on. What have you done that shows it?", AnswerFor.part("evidence"),
                            120.0, kind="part"))
    assert view.card.persona.text() == "· skeptical  ·  now: your evidence"
    view.show_prompt(Prompt(0, "manager", "Hi Alex, what's on your mind?", AnswerFor.part("intent"), 30.0,
                            kind="opening"))
    assert "now: your intent" in view.card.persona.text()
    view.session = SimpleNamespace(by_part=False, persona="skeptical")
    view.show_prompt(Prompt(0, "manager", "Hi Alex, what's on your mind?", AnswerFor.part("pitch"), 120.0,
                            kind="opening"))
    assert view.card.persona.text() == "· skeptical"
