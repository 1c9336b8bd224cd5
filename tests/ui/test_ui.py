"""The desktop app without speech models: window, scenario file handling, settings, typed answers, panels."""

from __future__ import annotations

import html
import shutil
import time

import pytest

from rehearse.core.feedback import Feedback
from rehearse.paths import SCENARIOS
from rehearse.report import marks
from rehearse.ui.app import make_app
from rehearse.ui.feedback_panel import FeedbackPanel, highlighted_transcript
from rehearse.ui.talk_panel import IDLE, LISTENING, OFF, TalkPanel
from rehearse.ui.threads import running_threads

EXAMPLE = SCENARIOS / "example-senior-engineer.toml"


@pytest.mark.perf
def test_window_appears_quickly_with_the_example_scenario(open_window, rehearse_home):
    started = time.perf_counter()
    window = open_window()
    assert time.perf_counter() - started < 1.0
    assert window.windowTitle() == "Rehearse"
    assert window.scenario_file.path == EXAMPLE.resolve()
    assert window.scenario_bar.title.text() == "Asking Dana for a promotion to Senior Engineer"
    assert window.rehearse_view.start_button.isEnabled()
    assert "Loading the speech recognizer" in window.engine_banner.text()
    # no voice: a clear banner, and the manager's lines stay on screen
    assert window.voice_banner.isVisible()
    assert "Read the manager's line" in window.voice_banner.text()


def test_geometry_and_tab_are_remembered_under_rehearse_home(open_window, rehearse_home, qtbot):
    window = open_window()
    window.resize(760, 540)
    window.tabs.setCurrentIndex(1)
    window.close()
    assert (rehearse_home / "settings.ini").is_file()
    again = open_window()
    assert (again.width(), again.height()) == (760, 540)
    assert again.tabs.currentIndex() == 1


def test_closing_stops_every_thread(open_window):
    window = open_window()
    window.close()
    assert window.closed_cleanly
    assert not running_threads()


def test_invalid_scenario_shows_problems_and_reloads_when_fixed(open_window, tmp_path, qtbot):
    path = tmp_path / "mine.toml"
    good = EXAMPLE.read_text(encoding="utf-8")
    path.write_text(good.replace('persona = "skeptical"', 'persona = "grumpy"'), encoding="utf-8")
    window = open_window(scenario_path=path)
    problems = window.scenario_bar.problems
    assert problems.isVisible()
    assert f"{path}:" in problems.text() and "persona" in problems.text()
    assert not window.rehearse_view.start_button.isEnabled() or window.rehearse_view.scenario is None
    # fixing the file on disk (as an editor would: write a new file and move it over) reloads it
    fixed = tmp_path / "mine.toml.new"
    fixed.write_text(good.replace("Asking Dana", "Asking Robin"), encoding="utf-8")
    shutil.move(fixed, path)
    qtbot.waitUntil(lambda: not problems.isVisible(), timeout=5000)
    assert window.scenario_bar.title.text() == "Asking Robin for a promotion to Senior Engineer"
    assert window.rehearse_view.scenario.title.startswith("Asking Robin")
    # breaking it again keeps the last good version in use and says so
    path.write_text(good + "\n[who\n", encoding="utf-8")
    qtbot.waitUntil(lambda: problems.isVisible(), timeout=5000)
    assert "last good version stays in use" in problems.text()
    assert window.rehearse_view.scenario.title.startswith("Asking Robin")


def test_talk_panel_states_and_timer():
    make_app()
    panel = TalkPanel()
    panel.set_state(IDLE)
    assert panel.talk.isEnabled() and panel.text.isEnabled()
    panel.set_target(45)
    assert panel.timer.text() == "0:00 / 0:45"
    panel.set_state(LISTENING)
    assert panel.talk.text() == "Stop" and panel.talk.isChecked() and not panel.text.isEnabled()
    panel.set_level(-30.0)
    assert panel.level.value() == 50
    panel.set_state(OFF)
    assert not panel.talk.isEnabled() and panel.level.value() == 0


def test_feedback_panel_shows_chips_flags_and_tip():
    make_app()
    panel = FeedbackPanel()
    feedback = {
        "score": 64.4,
        "components": [{"name": "key_phrases", "weight": 0.5, "score": 50, "detail": "1 of 2 key phrases"}],
        "key_phrases": [
            {"phrase": "this cycle", "hit": True, "score": 100, "heard": "this cycle", "start_word": 5, "end_word": 6},
            {"phrase": "62%", "hit": False, "score": 40, "heard": None, "start_word": None, "end_word": None,
             "closest": {"text": "sixty", "similarity": 80}},
        ],
        "flags": [{"kind": "hedge", "severity": "warning", "message": "Hedge", "text": "I think maybe",
                   "start_word": 0, "end_word": 2, "start": 0.1, "end": 0.9}],
        "tip": "Say the number.",
        "delivery": {"duration": 12.0, "target_seconds": 30, "wpm_speaking": 140},
    }
    # stored by an older version (no "part", a float score): read back typed, as the history view reads it
    typed = marks.feedback_of({"expects": "intent", "feedback": feedback})
    assert isinstance(typed, Feedback) and typed.score == 64 and typed.flags[0].text == "I think maybe"
    panel.show_feedback(typed, "I think maybe I want it this cycle")
    assert panel.score.text() == "64"
    assert panel.chip_texts() == ["✓  this cycle", "✗  62%  —  heard “sixty”"]
    assert "Fillers and hedges</b>: “I think maybe”" in panel.flags.text()
    assert "Say the number." in panel.tip.text()
    assert "12 s of 30 s" in panel.delivery.text()
    marked = highlighted_transcript("I think maybe I want it", Feedback.from_dict({"flags": feedback["flags"]}, "intent"))
    assert marked.count("<span") == 1 and ">I think maybe</span> I want it" in marked


def test_a_typed_pitch_answer_goes_through_the_session(open_window, qtbot, rehearse_home):
    """Without microphone or voice: read the line, type the answer, get feedback stored in the history."""
    window = open_window()
    view = window.rehearse_view
    with qtbot.waitSignal(view.prompt_shown, timeout=10000):
        qtbot.mouseClick(view.start_button, pytest.importorskip("PySide6.QtCore").Qt.MouseButton.LeftButton)
    assert view.card.line.text() == view.prompt.text and view.card.name.text() == "Dana"
    assert view.talk.state == IDLE
    view.talk.text.setText("I'd like to talk about my promotion to Senior Engineer this cycle.")
    with qtbot.waitSignal(view.feedback_shown, timeout=10000) as got:
        qtbot.keyClick(view.talk.text, pytest.importorskip("PySide6.QtCore").Qt.Key.Key_Return)
    feedback = got.args[0]
    assert view.feedback.isVisible()
    assert view.feedback.score.text() == str(round(feedback["score"]))
    assert any(text.startswith("✓  promotion to Senior Engineer") for text in view.feedback.chip_texts())
    assert view.next_button.isVisible() and not view.again_button.isVisible()  # pitch moves on
    # the turn is in the history
    from rehearse.store.db import Store

    with Store() as store:
        run = store.run(view.session.run_id)
    user_turns = [t for t in run["turns"] if t["role"] == "user"]
    assert user_turns[0]["text"].startswith("I'd like to talk about my promotion")


def test_the_summary_next_step_is_the_follow_up_when_the_last_answer_did_what_the_tip_asks(open_window, qtbot,
                                                                                            rehearse_home):
    from PySide6.QtCore import Qt

    window = open_window()
    view = window.rehearse_view
    with qtbot.waitSignal(view.prompt_shown, timeout=10000):
        qtbot.mouseClick(view.start_button, Qt.MouseButton.LeftButton)
    # the same answer to every line: no gaps named, so the manager ends with "not yet", which it answers fully
    answer = "What specifically would you need to see from me, and can we agree a date to review it by March?"
    for _ in range(12):
        view.talk.text.setText(answer)
        with qtbot.waitSignal(view.feedback_shown, timeout=10000):
            qtbot.keyClick(view.talk.text, Qt.Key.Key_Return)
        qtbot.waitUntil(view.next_button.isEnabled, timeout=10000)
        qtbot.keyClick(view.next_button, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: view.talk.state == IDLE or view.summary is not None, timeout=10000)
        if view.summary is not None:
            break
    assert view.summary is not None and view.summary["outcome"] == "not_yet"
    # the manager's closing line is shown once: in the conversation above, with the answer to it
    closing = [t for t in view.session.turns if t["role"] == "manager"][-1]["text"]
    assert view.log.exchanges and html.escape(closing) in view.log.exchanges[-1].line.text()
    assert not view.card.isVisible()
    # what each answer was for, in plain words (no objection ids)
    titles = [what for what, _score in view.answers]
    assert titles[0] == "Your pitch" and all("_" not in t and "what about gap" not in t for t in titles)
    assert "Objection: not yet" in titles
    details = view.summary_panel.details.text()
    assert "Send Dana a short written follow-up within 24 hours" in details
    assert "Ask what specifically is missing" not in details  # the last answer just did


def test_without_a_microphone_talk_is_off_and_typing_is_offered(open_window, qtbot, rehearse_home):
    from PySide6.QtCore import Qt

    from rehearse.ui.jobs import EngineState

    window = open_window()
    window.ctx.set_engine_state(EngineState(recognizer_ok=True, description="Whisper tiny.en", microphone_ok=False,
                                            microphone_error="the system lists no audio input device"))
    assert "No microphone found" in window.mic_banner.text()
    view = window.rehearse_view
    with qtbot.waitSignal(view.prompt_shown, timeout=10000):
        qtbot.mouseClick(view.start_button, Qt.MouseButton.LeftButton)
    assert view.talk.state == IDLE
    assert not view.talk.talk.isEnabled() and view.talk.text.isEnabled() and view.talk.import_wav.isEnabled()
    assert "No microphone: type your answer" in view.talk.status.text()
    view.talk._space()  # Space does not try to listen
    assert not view.listening and view.talk.state == IDLE
    assert not window.drill_view.talk.microphone_ok


def test_a_760_px_window_needs_no_sideways_scrolling(open_window, qtbot, rehearse_home):
    """Rows wrap (Rehearse's choices, long key-phrase chips), Drill's list and talk panel fit side by side, and
    Compare puts its two answers one above the other when they do not fit beside each other."""
    from PySide6.QtWidgets import QScrollArea

    from rehearse.core.feedback import analyse_objection
    from rehearse.core.loader import load_scenario
    from rehearse.core.transcript import Transcript

    window = open_window()
    window.resize(760, 540)

    def sideways(page):
        qtbot.wait(100)
        return [type(area.parent()).__name__ for area in page.findChildren(QScrollArea)
                if area.isVisible() and area.horizontalScrollBar().isVisible()]

    assert (window.width(), window.height()) == (760, 540)
    assert sideways(window.rehearse_view) == []
    assert window.rehearse_view.start_button.isVisible()
    window.tabs.setCurrentWidget(window.drill_view)
    assert sideways(window.drill_view) == []
    window.tabs.setCurrentWidget(window.history_view)
    history = window.history_view
    scenario = load_scenario(EXAMPLE)
    texts = ("We can agree a date by the end of the quarter, and I'd like the criteria in writing.",
             "What specifically would you need to see from me, and can we agree a date to review it?")
    turns = [{"run_id": i + 1, "expects": "objection:not_yet", "text": text, "started_at": "2026-11-30T10:00:00",
              "feedback": analyse_objection(scenario, "not_yet", Transcript(text=text)).to_dict()}
             for i, text in enumerate(texts)]
    history.compare._loaded(turns, "objection:not_yet")
    history.stack.setCurrentWidget(history.compare)
    assert sideways(history.compare) == []
    window.resize(1300, 800)
    qtbot.wait(100)
    assert history.compare.left.y() == history.compare.right.y()  # side by side when there is room


def test_keyboard_switches_views_and_mutes_the_voice(open_window, qtbot):
    from PySide6.QtCore import Qt

    window = open_window()
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow, timeout=3000)
    qtbot.keyClick(window, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentWidget() is window.drill_view
    qtbot.keyClick(window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentWidget() is window.rehearse_view
    assert not window.ctx.muted
    qtbot.keyClick(window, Qt.Key.Key_M, Qt.KeyboardModifier.ControlModifier)
    assert window.ctx.muted and window.mute_action.isChecked()
    window.close()
    assert open_window().ctx.muted  # remembered


def test_the_panels_follow_a_dark_palette(open_window, qtbot):
    from rehearse.ui.style import dark_palette, set_palette

    window = open_window()
    card = window.rehearse_view.card

    def lightness():
        return card.grab().toImage().pixelColor(card.width() // 2, card.height() - 6).lightness()

    light = lightness()
    app = make_app()
    original = app.palette()
    try:
        set_palette(app, dark_palette())
        qtbot.wait(50)
        assert lightness() < 80 < light
    finally:
        set_palette(app, original)


def test_the_last_scenario_is_reopened_and_a_missing_one_falls_back(open_window, tmp_path):
    mine = tmp_path / "mine.toml"
    mine.write_text(EXAMPLE.read_text(encoding="utf-8").replace("Asking Dana", "Asking Kim"), encoding="utf-8")
    window = open_window()
    assert window.scenario_file.open(mine)
    window.close()
    again = open_window()
    assert again.scenario_file.path == mine.resolve()
    assert again.scenario_bar.title.text().startswith("Asking Kim")
    again.close()
    mine.unlink()
    third = open_window()
    assert third.scenario_file.path == EXAMPLE.resolve()
    assert not third.scenario_bar.problems.isVisible()


def test_the_shortcuts_help_lists_every_shortcut_of_the_window(open_window):
    from PySide6.QtGui import QAction, QKeySequence, QShortcut

    from rehearse.ui.help import SHORTCUTS

    window = open_window()
    window.history_view.review  # the reopened-run page, made when first shown, has its own
    listed = {QKeySequence(keys).toString() for _group, rows in SHORTCUTS for keys, _what in rows}
    used = {a.shortcut().toString() for a in window.findChildren(QAction) if not a.shortcut().isEmpty()}
    used |= {s.key().toString() for s in window.findChildren(QShortcut) if not s.key().isEmpty()}
    assert used and used <= listed, sorted(used - listed)


def test_feedback_panel_component_rows_show_what_counted():
    """A "nothing wrong found" component scaled by content shows its counted score and says why."""
    make_app()
    panel = FeedbackPanel()
    panel.show_feedback(Feedback.from_dict({"score": 3, "components": [
        {"name": "specificity", "weight": 5, "score": 100, "detail": "0 vague claims", "scale": 0.0},
        {"name": "evidence", "weight": 20, "score": 50, "detail": "2 of 4 evidence items heard", "scale": 1.0},
    ]}, "evidence"), "Okay sure.")
    bar, detail = panel.components.itemAtPosition(0, 1).widget(), panel.components.itemAtPosition(0, 2).widget()
    assert bar.value() == 0 and detail.text().startswith("0  ·")
    assert "counts as far as the answer has content" in detail.toolTip()
    assert "counts as far" in bar.accessibleName()
    bar, detail = panel.components.itemAtPosition(1, 1).widget(), panel.components.itemAtPosition(1, 2).widget()
    assert bar.value() == 50 and detail.text() == "50  ·  2 of 4 evidence items heard"
