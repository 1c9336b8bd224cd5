"""The screenshot tour's preparing part: the guided start, the scenario editor (a marketing case being built, and a
problem shown beside its field) and Settings. Driven like a user would, through the real widgets."""

from __future__ import annotations


def prepare_steps(tour):
    w = tour.window
    ctx = tour.ctx
    tour.answer_wav, tour.realtime = tour.answer_wav.with_name("short_pitch.wav"), True

    dialog = w.prepare.first_run(force=True)
    dialog.resize(760, 620)
    yield 2500  # the recorded voice plays into the level meter
    tour.grab_widget(dialog, "07-guided-start")
    dialog.own_button.click()
    editor = w.prepare.editor
    editor.resize(1040, 860)
    yield 300
    fill = {
        "who.name": "Mia", "who.current_role": "Marketing Specialist", "who.target_role": "Senior Marketing Manager",
        "who.manager": "Priya", "title": "Asking Priya for a promotion to Senior Marketing Manager",
        "pitch.intent.say": "I'd like to talk about my promotion to Senior Marketing Manager. For the past year I've "
                            "been leading our product launches end to end.",
        "pitch.evidence.items[0].what": "ran the spring product launch",
        "pitch.evidence.items[0].outcome": "qualified leads grew",
        "pitch.evidence.items[0].number": "40% in one quarter",
        "pitch.evidence.items[0].say": "I ran the spring product launch, and qualified leads grew by 40% in one "
                                       "quarter.",
        "pitch.evidence.items[0].key_phrases": "spring product launch",
    }
    for path, text in fill.items():
        editor.fields[path].set_text(text)
    editor.show_section("evidence")
    yield 300
    from rehearse.ui.editor.phrases import Suggestions

    helper = editor.pages["evidence"].findChildren(Suggestions)[0]
    helper.suggest()
    yield 200
    if helper.buttons:
        helper.buttons[0].click()
    yield 300
    tour.grab_widget(editor, "08-editor")

    editor.show_section("intent")
    editor.fields["pitch.intent.key_phrases"].set_text("promotion to Senior Marketing Manager\nleading our launches\n…")
    box = editor.try_boxes[0]
    box.set_sentence("I'd like to talk about my promotion to Senior Marketing Manager, but I haven't been leading "
                     "our launches.")
    yield 600
    tour.grab_widget(editor, "09-editor-problems")
    editor.ask_unsaved = lambda: "discard"
    editor.close()

    settings = w.prepare.open_settings()
    settings.resize(760, 900)
    for _ in range(100):
        if settings.voice_box.count() > 1 or "No voices" in settings.voice_note.text():
            break
        yield 100
    settings.silence_box.setValue(2.0)
    yield 300
    tour.grab_widget(settings, "10-settings")
    settings.reject()
    del ctx
