"""Preparing in the app: a case built in the form and rehearsed, comments kept through a save, problems beside their
fields, the shipped files never written, settings that the next run uses, the guided start, switching mid-run, Help."""

from __future__ import annotations

import html
import shutil

import pytest
from PySide6.QtCore import Qt

from pulse import virtual_mic  # noqa: F401 - a sound device for the manager's voice
from rehearse.paths import SCENARIOS
from rehearse.ui.app import make_app
from rehearse.ui.context import AppContext
from rehearse.ui.main_window import MainWindow

EXAMPLE = SCENARIOS / "example-senior-engineer.toml"
TIMEOUT = 20000


@pytest.fixture
def shipped_bytes():
    before = {p: p.read_bytes() for p in SCENARIOS.glob("*.toml")}
    yield before
    assert {p: p.read_bytes() for p in SCENARIOS.glob("*.toml")} == before, "a shipped scenario was written"


def type_into(editor, path: str, text: str) -> None:
    editor.fields[path].set_text(text)


def click(qtbot, button) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_a_case_made_from_scratch_in_the_form_is_rehearsed(open_window, qtbot, rehearse_home, shipped_bytes):
    window = open_window()
    click(qtbot, window.scenario_bar.new_button)
    editor = window.prepare.editor
    assert editor is not None and editor.isVisible() and editor.doc.path is None
    assert editor.errors  # a new case starts with blanks to fill in
    type_into(editor, "who.name", "Mia")
    type_into(editor, "who.current_role", "Marketing Specialist")
    type_into(editor, "who.target_role", "Senior Marketing Manager")
    type_into(editor, "who.manager", "Priya")
    type_into(editor, "who.persona", "skeptical")
    type_into(editor, "title", "Asking Priya for a promotion to Senior Marketing Manager")
    # pasted from a word processor: curly quotes, a non-breaking space, a smart dash
    type_into(editor, "pitch.intent.say", "I\u2019d like to talk about my promotion to Senior Marketing\u00a0Manager "
                                          "\u2014 I\u2019ve been leading our launches for a year.")
    assert editor.doc.get("pitch.intent.say") == ("I'd like to talk about my promotion to Senior Marketing Manager - "
                                                  "I've been leading our launches for a year.")
    editor.show_section("intent")
    type_into(editor, "pitch.intent.key_phrases", "")
    from rehearse.ui.editor.phrases import Suggestions

    helper = editor.pages["intent"].findChildren(Suggestions)[0]
    click(qtbot, helper.button)
    assert [b.text() for b in helper.buttons][0] == "+ promotion to Senior Marketing Manager"
    click(qtbot, helper.buttons[0])
    assert editor.doc.get("pitch.intent.key_phrases") == ["promotion to Senior Marketing Manager"]

    editor.show_section("evidence")
    ev = "pitch.evidence.items[0]"
    type_into(editor, f"{ev}.what", "ran the spring product launch")
    type_into(editor, f"{ev}.outcome", "qualified leads grew")
    type_into(editor, f"{ev}.number", "40%")
    type_into(editor, f"{ev}.say", "I ran the spring product launch, and qualified leads grew by 40% in one quarter.")
    type_into(editor, f"{ev}.key_phrases", "spring product launch\n40%")
    for _ in range(editor.doc.count("pitch.evidence.items") - 1):  # one piece of evidence is enough for this test
        remove = [b for b in editor.pages["evidence"].findChildren(type(helper.button))
                  if b.text() == "Remove"][-1]
        click(qtbot, remove)
    assert editor.doc.count("pitch.evidence.items") == 1

    editor.show_section("gaps")
    type_into(editor, "pitch.gaps.items[0].gap", "budget ownership")
    type_into(editor, "pitch.gaps.items[0].plan", "own the Q3 events budget with finance")
    type_into(editor, "pitch.gaps.items[0].key_phrases", "budget ownership\nevents budget")
    editor.show_section("ask")
    type_into(editor, "pitch.ask.readiness", "Do you see me as ready for Senior Marketing Manager, and if not, what "
                                             "specifically is missing?")
    type_into(editor, "pitch.ask.timeline", "Can we agree a date to review this before the June cycle?")
    type_into(editor, "pitch.ask.key_phrases", "ready for Senior Marketing Manager\nwhat specifically\nagree a date")
    editor.validate_now()
    assert editor.errors == [], [str(p) for p in editor.errors]
    assert editor.summary.text() == "Ready to rehearse."

    click(qtbot, editor.save_button)
    saved = rehearse_home / "scenarios" / "asking-priya-for-a-promotion-to-senior-marketing-manager.toml"
    assert saved.is_file() and editor.doc.path == saved and not editor.doc.dirty
    text = saved.read_text(encoding="utf-8")
    assert "# The four-part pitch" in text  # the template's coaching comments came along
    # the window now rehearses the new case, with its persona
    assert window.scenario_file.path == saved.resolve()
    assert window.scenario_bar.title.text() == "Asking Priya for a promotion to Senior Marketing Manager"
    view = window.rehearse_view
    assert view.persona_box.currentData() == "skeptical"
    with qtbot.waitSignal(view.prompt_shown, timeout=TIMEOUT):
        click(qtbot, view.start_button)
    assert view.card.name.text() == "Priya"
    view.talk.text.setText("I'd like to talk about my promotion to Senior Marketing Manager. I ran the spring product "
                           "launch and qualified leads grew by 40%.")
    with qtbot.waitSignal(view.feedback_shown, timeout=TIMEOUT) as got:
        qtbot.keyClick(view.talk.text, Qt.Key.Key_Return)
    hits = {p["phrase"] for p in got.args[0]["key_phrases"] if p["hit"]}
    assert {"promotion to Senior Marketing Manager", "spring product launch", "40%"} <= hits
    assert view.session.scenario.who.target_role == "Senior Marketing Manager"


def test_a_comment_survives_an_edit_and_save_in_the_form(open_window, qtbot, tmp_path):
    path = tmp_path / "mine.toml"
    shutil.copyfile(EXAMPLE, path)
    window = open_window(scenario_path=path)
    click(qtbot, window.scenario_bar.form_button)
    editor = window.prepare.editor
    assert editor.doc.path == path.resolve() or editor.doc.path == path
    type_into(editor, "who.name", "Sam")
    assert editor.doc.dirty and "unsaved changes" in editor.where.text()
    assert editor.save_button.shortcut().toString() == "Ctrl+S"
    click(qtbot, editor.save_button)
    after = path.read_text(encoding="utf-8").splitlines()
    before = EXAMPLE.read_text(encoding="utf-8").splitlines()
    assert [(a, b) for a, b in zip(before, after) if a != b] == [('name = "Alex"', 'name = "Sam"')]
    assert 'persona = "skeptical"          # supportive | skeptical | busy' in after
    assert len(after) == len(before)
    qtbot.waitUntil(lambda: window.scenario_file.scenario.who.name == "Sam", timeout=5000)


def test_an_invalid_field_shows_its_message_beside_it_as_you_type(open_window, qtbot, tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text(EXAMPLE.read_text(encoding="utf-8").replace('persona = "skeptical"', 'persona = "grumpy"'),
                    encoding="utf-8")
    window = open_window(scenario_path=path)
    assert window.scenario_bar.problems.isVisible()  # the file has a problem: the form is the way to fix it
    assert window.scenario_bar.form_button.isEnabled()
    click(qtbot, window.scenario_bar.form_button)
    editor = window.prepare.editor
    assert editor.field_problem("who.persona") == "Choose supportive, skeptical or busy."
    type_into(editor, "who.persona", "skeptical")
    editor.validate_now()
    assert editor.errors == [] and editor.summary.text() == "Ready to rehearse."
    field = editor.fields["pitch.evidence.items[0].key_phrases"]
    editor.show_section("evidence")
    type_into(editor, "pitch.evidence.items[0].key_phrases", "migration to OAuth\n???")
    qtbot.waitUntil(lambda: field.problem.isVisible(), timeout=3000)  # no save needed
    assert field.problem.text() == "“???” has nothing the app can listen for: use English words or numbers."
    assert field.problem.parentWidget() is field and field.input.property("problem") == "error"
    assert "2 · Your evidence  ·  1 to fix" == editor.nav.item(2).text()
    assert editor.summary.text() == "1 thing to fix before you can rehearse with it."
    type_into(editor, "who.manager", "")
    qtbot.waitUntil(lambda: editor.field_problem("who.manager") != "", timeout=3000)
    assert editor.field_problem("who.manager") == "Please fill this in."
    type_into(editor, "pitch.evidence.items[1].number", "a lot")
    qtbot.waitUntil(lambda: editor.fields["pitch.evidence.items[1].number"].problem.isVisible(), timeout=3000)
    assert editor.fields["pitch.evidence.items[1].number"].problem.objectName() == "FieldWarning"
    # fixing it clears the message
    type_into(editor, "pitch.evidence.items[0].key_phrases", "migration to OAuth")
    qtbot.waitUntil(lambda: not field.problem.isVisible(), timeout=3000)
    # the unsaved-changes guard: "keep editing" keeps the window open, "discard" closes it unchanged
    editor.ask_unsaved = lambda: "cancel"
    editor.close()
    assert editor.isVisible()
    editor.ask_unsaved = lambda: "discard"
    editor.close()
    assert not editor.isVisible()
    assert "grumpy" in path.read_text(encoding="utf-8")  # discarded: the file is as it was


def test_the_shipped_files_are_never_written(open_window, qtbot, rehearse_home, shipped_bytes):
    window = open_window()
    assert window.scenario_file.path == EXAMPLE.resolve()
    editor = window.prepare.edit_scenario()
    assert "never changed" in editor.notice.text() and "scenarios folder" in editor.where.text()
    type_into(editor, "who.name", "Sam")
    written = editor.save()
    assert written.parent == rehearse_home / "scenarios"
    assert window.scenario_file.path == written.resolve()
    assert 'name = "Sam"' in written.read_text(encoding="utf-8")
    # the template as well (a new scenario starts from it)
    new = window.prepare.new_scenario()
    new.ask_unsaved = lambda: "discard"
    type_into(new, "who.manager", "Kim")
    assert new.save().parent == rehearse_home / "scenarios"
    # "Edit in editor" when nothing can launch an editor: the window says so
    window.scenario_bar.open_url = lambda _url: False
    assert window.scenario_bar.edit() is False
    assert "No text editor could be opened" in window.scenario_bar.problems.text()
    assert str(window.scenario_file.path) in window.scenario_bar.problems.text()


def test_try_it_marks_each_phrase_with_why(open_window, qtbot, tmp_path):
    window = open_window()
    editor = window.prepare.edit_scenario()
    editor.show_section("evidence")
    box = editor.try_boxes[[i for i, b in enumerate(editor.try_boxes)
                            if "62%" in b.phrases()][0]]
    box.set_sentence("I led the migration to OAuth and support tickets dropped by 26%.")
    by = {c.phrase: c for c in box.checks}
    assert by["migration to OAuth"].ok and by["support tickets"].ok
    assert not by["62%"].ok and "heard 26, expected 62" in by["62%"].why
    assert "✗" in box.results.text() and "✓" in box.results.text()


@pytest.mark.slow
def _longer_pause(src, out, pause_s: float = 2.4):
    """``src`` with its longest inner pause stretched to ``pause_s``: longer than any wait the turn-taking rules
    make from a 1 s silence setting (at most 1 s + MID_THOUGHT_EXTRA_S), so that setting always ends the answer
    there."""
    import numpy as np
    import soundfile

    audio, rate = soundfile.read(str(src), dtype="int16")
    frame = rate // 50
    loud = [np.abs(audio[i:i + frame]).max() > 500 for i in range(0, len(audio) - frame, frame)]
    first, last = loud.index(True), len(loud) - 1 - loud[::-1].index(True)
    best, start, run = (0, 0), None, 0
    for i in range(first, last):
        if not loud[i]:
            start = i if start is None else start
            run = i - start + 1
            best = max(best, (run, start))
        else:
            start = None
    length, at = best
    middle = (at + length // 2) * frame
    extra = np.zeros(int(pause_s * rate) - length * frame, dtype="int16")
    soundfile.write(str(out), np.concatenate([audio[:middle], extra, audio[middle:]]), rate, subtype="PCM_16")
    return out


@pytest.mark.slow  # a real speech model (Whisper or the Piper voice)
def test_settings_persist_and_the_next_run_uses_them(open_window, qtbot, rehearse_home, tmp_path):
    """Silence and voice chosen in Settings are saved, read back by the next start of the app (and by the command
    line), and the next run uses them: a 1 s silence ends the answer at the 1.15 s pause of a two-sentence
    recording, 2.75 s keeps both sentences."""
    from rehearse.preferences import load_preferences
    from rehearse.speech.sources import WavFileSource
    from rehearse.ui.settings_dialog import SettingsDialog

    wav = _longer_pause(SCENARIOS.parent.parent / "tests" / "data" / "mic" / "two_sentences.wav",
                        tmp_path / "two_sentences_long_pause.wav")

    def choose(window, silence: float):
        dialog = window.prepare.open_settings()
        assert isinstance(dialog, SettingsDialog)
        qtbot.waitUntil(lambda: dialog.voice_box.count() > 1 or "No voices" in dialog.voice_note.text(),
                        timeout=60000)
        if dialog.voice_box.count() < 2:
            pytest.skip(f"no speech voices here: {dialog.voice_note.text()}")
        dialog.silence_box.setValue(silence)
        dialog.voice_box.setCurrentIndex(dialog.voice_box.count() - 1)
        dialog.rate_box.setValue(150)
        voice = dialog.voice_box.currentData()
        click(qtbot, dialog.save_button)
        assert not dialog.isVisible()
        assert window.ctx.silence_s == silence and window.ctx.voice_name == voice and window.ctx.voice_rate == 150
        return voice

    def holds(silence_s: float) -> set[float]:
        from rehearse.speech.turn_taking import FINISHED_S, MID_THOUGHT_EXTRA_S, STATEMENT_S

        return {min(FINISHED_S, silence_s), min(STATEMENT_S, silence_s), silence_s, silence_s + MID_THOUGHT_EXTRA_S}

    def next_run():
        window = open_window(ctx=AppContext(source_factory=lambda: WavFileSource(wav), voice=False))
        view = window.rehearse_view
        with qtbot.waitSignal(view.prompt_shown, timeout=TIMEOUT):
            view.start()
        with qtbot.waitSignal(view.signals.heard, timeout=120000) as heard:
            view.toggle_talk()
        qtbot.waitUntil(lambda: view.next_button.isVisible(), timeout=TIMEOUT)  # the feedback is all shown
        return window, view, heard.args[0]

    first = open_window()
    assert first.ctx.silence_s == 1.5  # the default
    voice = choose(first, 1.0)
    first.close()
    prefs = load_preferences()  # what the command line reads
    assert (prefs.silence_s, prefs.voice, prefs.rate) == (1.0, voice, 150)

    window, view, answer = next_run()
    assert window.ctx.silence_s == 1.0 and window.ctx.voice_name == voice and window.ctx.voice_rate == 150
    assert view.drive.silence_s == 1.0
    assert view.drive.voice.options() == {"voice": voice, "rate": 150, "device": None}
    # the listener ended the answer on a silence made from the chosen time (turn-taking: shorter after a finished
    # sentence, longer while the text lags behind; speech/turn_taking.turn_silence)
    text = answer.transcript.text.lower()
    assert "promotion" in text and "costs" not in text  # ended at the pause
    assert answer.reason == "silence" and answer.hold_s in holds(1.0), answer.hold_s
    reopened = window.prepare.open_settings()
    assert reopened.silence_box.value() == 1.0 and reopened.voice_box.currentData() == voice
    # the microphone test shows a live level (here the recording stands in for the microphone)
    reopened.mic_test.setChecked(True)
    qtbot.waitUntil(lambda: reopened.peak_db > -45, timeout=10000)
    reopened.mic_test.setChecked(False)
    qtbot.waitUntil(lambda: reopened.jobs["level"] is None, timeout=5000)
    reopened.reject()
    choose(window, 2.75)
    window.close()

    window, view, answer = next_run()
    assert view.drive.silence_s == 2.75
    # a 2.4 s pause ends the answer now only after a finished sentence (turn-taking); otherwise both are heard
    assert answer.reason in ("silence", "end"), answer.reason
    if answer.reason == "silence":
        assert answer.hold_s in holds(2.75), answer.hold_s
        assert "costs" in answer.transcript.text.lower() or answer.hold_s < 2.4


@pytest.mark.slow
def test_say_it_into_a_try_it_box(open_window, qtbot):
    """The try-it box with a spoken sentence: the real recognizer hears the recorded answer, the phrases are marked."""
    from rehearse.speech.sources import WavFileSource

    wav = SCENARIOS.parent.parent / "tests" / "data" / "ui" / "short_pitch.wav"
    window = open_window(ctx=AppContext(source_factory=lambda: WavFileSource(wav), voice=False))
    editor = window.prepare.edit_scenario()
    box = editor.try_boxes[0]  # the intent's
    assert not box.say.isHidden()  # a microphone (here a recording) is there
    click(qtbot, box.say)
    qtbot.waitUntil(lambda: editor.listen_job is None and box.text.text() != "", timeout=120000)
    assert "promotion" in box.text.text().lower()
    by = {c.phrase: c for c in box.checks}
    assert by["promotion to Senior Engineer"].ok, box.results.text()
    assert not box.say.isChecked()


def test_closing_the_window_with_unsaved_changes_in_the_editor_asks(open_window, qtbot, tmp_path):
    path = tmp_path / "mine.toml"
    shutil.copyfile(EXAMPLE, path)
    window = open_window(scenario_path=path)
    editor = window.prepare.edit_scenario()
    type_into(editor, "who.name", "Sam")
    editor.ask_unsaved = lambda: "cancel"
    window.close()
    assert window.isVisible() and editor.isVisible()
    editor.ask_unsaved = lambda: "save"
    window.close()
    assert not window.isVisible() and 'name = "Sam"' in path.read_text(encoding="utf-8")


@pytest.mark.slow
def test_the_run_speaks_in_the_chosen_voice(qtbot, rehearse_home, virtual_mic):
    """The voice chosen in Settings is the one the manager's lines are synthesised and played in (through the test's
    PulseAudio sound device)."""
    from rehearse.ui.settings import save_preferences
    from rehearse.preferences import Preferences
    from rehearse.speech.tts import Speaker

    voices = [v for v in Speaker().voices() if any(str(x).startswith("en") for x in v.languages)]
    if not voices:
        pytest.skip("no English voice here")
    voice = voices[-1].id
    save_preferences(Preferences(voice=voice, rate=140))
    make_app()
    ctx = AppContext(voice=True)
    window = MainWindow(ctx, load_engine=False)
    qtbot.addWidget(window)
    window.show()
    view = window.rehearse_view
    try:
        with qtbot.waitSignal(view.prompt_shown, timeout=TIMEOUT):
            view.start()
        assert view.drive.voice.options()["voice"] == voice and view.drive.voice.options()["rate"] == 140
        qtbot.waitUntil(lambda: view.drive.speech is not None, timeout=10000)
        speech = view.drive.speech
        qtbot.waitUntil(speech.done.is_set, timeout=60000)
        # synthesised in the chosen voice at the chosen speed, and played
        assert speech.error is None, speech.error
        from rehearse.speech.tts import persona_style

        style = persona_style(view.session.persona)  # the manager's pace and pauses go with the line
        assert speech.path == ctx.speaker().cached_path(view.prompt.text, voice, 140, style)
        assert speech.path.is_file()
        default = ctx.speaker().synthesize(view.prompt.text)
        assert default != speech.path and default.read_bytes() != speech.path.read_bytes()
    finally:
        window.close()


def test_the_guided_start_leads_to_your_own_case_or_the_example(open_window, qtbot, rehearse_home, tmp_path):
    from rehearse.ui.first_run import first_run_done

    path = tmp_path / "other.toml"
    shutil.copyfile(EXAMPLE, path)
    window = open_window(scenario_path=path)
    dialog = window.prepare.first_run()
    assert dialog is not None and dialog.isVisible()
    assert "Loading the speech recognizer" in dialog.engine_status.text()
    from rehearse.ui.jobs import EngineState

    window.ctx.set_engine_state(EngineState(recognizer_ok=True, description="Whisper tiny.en"))
    assert dialog.engine_status.text() == "Ready: Whisper tiny.en. ✓"
    click(qtbot, dialog.own_button)
    assert not dialog.isVisible() and first_run_done()
    editor = window.prepare.editor
    assert editor.guided and editor.heading.text() == "Step 1 of 8: Who you are"
    assert editor.next_button.isVisible()
    click(qtbot, editor.next_button)
    assert editor.heading.text() == "Step 2 of 8: Your intent"
    assert "first 30 seconds" in editor.pages["intent"].findChildren(type(editor.heading))[0].text()
    editor.ask_unsaved = lambda: "discard"
    editor.close()
    assert window.prepare.first_run() is None  # once only
    example = window.prepare.first_run(force=True)
    click(qtbot, example.example_button)
    assert window.scenario_file.path == EXAMPLE.resolve()


def test_switching_scenario_mid_run_asks_to_end_it_and_the_new_persona_applies(open_window, qtbot, tmp_path):
    other = tmp_path / "busy.toml"
    other.write_text(EXAMPLE.read_text(encoding="utf-8").replace('persona = "skeptical"', 'persona = "busy"'),
                     encoding="utf-8")
    window = open_window()
    view = window.rehearse_view
    view.persona_box.setCurrentIndex(view.persona_box.findData("supportive"))  # chosen for this scenario's run
    with qtbot.waitSignal(view.prompt_shown, timeout=TIMEOUT):
        view.start()
    asked = []
    window.prepare.confirm_switch = lambda title, path: asked.append(path) or False
    assert window.prepare.open_scenario(other) is False
    assert asked and window.scenario_file.path == EXAMPLE.resolve() and view.session is not None
    window.prepare.confirm_switch = lambda title, path: True
    assert window.prepare.open_scenario(other) is True
    assert window.scenario_file.path == other.resolve()
    assert view.session is None and "ended" in view.card.line.text()
    assert view.persona_box.currentData() == "busy"


def test_help_menu_has_the_pitch_shortcuts_and_about(open_window, qtbot):
    from rehearse.ui import help as help_ui

    window = open_window()
    texts = [a.text() for a in window.prepare.help_menu.actions()]
    assert texts == ["The four-part &pitch", "&Keyboard shortcuts", "&Guided start…", "&About Rehearse"]
    about = help_ui.show_about(window)
    text = about.text.text()
    assert "Whisper tiny.en" in text and "Apache-2.0" in text and "Rehearse</td>" in text
    assert any(html.escape(line.split(":")[0]) in text for line in help_ui.voice_licence_lines())
    assert "Ctrl+Return" in help_ui.show_shortcuts(window).text.text()
    assert "first 30 seconds" in help_ui.show_pitch(window).text.text()


def test_the_first_feedback_shows_its_score_and_drill_rows_fit_their_list(open_window, qtbot):
    from PySide6.QtCore import QPoint

    window = open_window()
    window.resize(1000, 640)  # a small window: the feedback panel is taller than what is left of it
    view = window.rehearse_view
    with qtbot.waitSignal(view.prompt_shown, timeout=TIMEOUT):
        view.start()
    view.talk.text.setText("I'd like to talk about my promotion to Senior Engineer. I led the migration to OAuth and "
                           "support tickets dropped by 62%. I'm still growing in cross-team influence, so I'll lead "
                           "the design review next quarter. Do you see me as ready, and can we agree a date?")
    with qtbot.waitSignal(view.feedback_shown, timeout=TIMEOUT):
        qtbot.keyClick(view.talk.text, Qt.Key.Key_Return)
    qtbot.wait(50)
    top = view.feedback.score.mapTo(view.scroll.viewport(), QPoint(0, 0)).y()
    assert 0 <= top and top + view.feedback.score.height() <= view.scroll.viewport().height()

    drill = window.drill_view
    window.tabs.setCurrentWidget(drill)
    qtbot.waitUntil(lambda: drill.queue.count() > 0, timeout=TIMEOUT)
    qtbot.wait(50)
    width = drill.queue.viewport().width()
    for i in range(drill.queue.count()):
        entry = drill.queue.item(i)
        row = drill.queue.itemWidget(entry)
        assert row.width() <= width
        assert entry.sizeHint().height() >= row.heightForWidth(row.width())
        assert row.title.heightForWidth(row.width() - 24) <= row.title.height() + 1


@pytest.mark.slow
def test_settings_remove_a_model_and_show_the_data_folder(open_window, qtbot, rehearse_home):
    from rehearse.paths import models_dir

    broken = models_dir() / "vosk-model-small-en-us-0.15"
    broken.mkdir(parents=True)
    (broken / "README").write_text("half a model", encoding="utf-8")
    window = open_window()
    dialog = window.prepare.open_settings()
    button = dialog.model_rows["vosk-model-small-en-us-0.15"]
    assert button.text() == "Remove"
    with qtbot.waitSignal(dialog.models_changed, timeout=5000):
        click(qtbot, button)
    assert not broken.exists()
    assert dialog.model_rows["vosk-model-small-en-us-0.15"].text() == "Install…"
    assert "Removed vosk-model-small-en-us-0.15" in dialog.status.text()
    assert str(dialog.folder) == str(rehearse_home)
    if not dialog.show_folder():  # no file manager here: the dialog says where the folder is
        assert str(rehearse_home) in dialog.status.text()
    dialog.reject()


def test_settings_recognizer_choices_are_not_cut_off(open_window, qtbot):
    window = open_window()
    dialog = window.prepare.open_settings()
    qtbot.waitExposed(dialog)
    box = dialog.engine_box
    for i in range(box.count()):  # the text plus the combo's arrow fits in the box as laid out
        assert box.fontMetrics().horizontalAdvance(box.itemText(i)) + 30 <= box.width(), (box.itemText(i), box.width())
    dialog.reject()
