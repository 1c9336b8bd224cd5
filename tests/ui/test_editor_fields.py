"""The scenario editor's form edits the target lengths and the read-aloud sentences: typed as a person would, checked
beside the field, saved back into the TOML with its comments."""

from __future__ import annotations

import shutil

import pytest

from rehearse.core.loader import load_scenario
from rehearse.core.scenario_doc import ScenarioDocument
from rehearse.paths import SCENARIOS
from rehearse.ui.app import make_app
from rehearse.ui.editor.fields import parse_seconds
from rehearse.ui.editor.window import ScenarioEditor

EXAMPLE = SCENARIOS / "example-senior-engineer.toml"


@pytest.fixture
def editor(qtbot, tmp_path):
    make_app()
    path = tmp_path / "mine.toml"
    shutil.copyfile(EXAMPLE, path)
    editor = ScenarioEditor(ScenarioDocument.from_file(path))
    editor.ask_unsaved = lambda: "discard"
    qtbot.addWidget(editor)
    editor.show()
    return editor


@pytest.mark.parametrize("typed, value", [("40", 40), ("45 s", 45), ("7.5", 7.5), ("1:30", 90), ("90 seconds", 90),
                                          ("", None), ("  ", None), ("abc", "abc"), ("-5", "-5"), ("nan", "nan")])
def test_what_a_seconds_field_reads(typed, value):
    assert parse_seconds(typed) == value


def test_target_seconds_and_read_aloud_are_edited_and_saved_with_the_comments(editor, qtbot):
    path = editor.doc.path
    assert editor.fields["pitch.intent.target_seconds"].input.text() == "30"  # as the file has it
    assert editor.fields["objections[0].target_seconds"].input.placeholderText() == "45 (the default)"
    editor.show_section("read_aloud")
    editor.fields["pitch.intent.target_seconds"].set_text("40")
    editor.fields["pitch.evidence.target_seconds"].set_text("2:30")
    editor.fields["objections[0].target_seconds"].set_text("50 s")
    editor.fields["pitch.gaps.target_seconds"].set_text("")  # back to the default: left out of the file
    sentences = ["I lead the checkout team's design reviews.", "Can we agree a date to review this?"]
    editor.fields["read_aloud"].set_text("\n".join(sentences))
    editor.validate_now()
    assert editor.errors == []
    assert editor.save() == path
    text = path.read_text(encoding="utf-8")
    before = EXAMPLE.read_text(encoding="utf-8")
    comments = [line for line in before.splitlines() if line.lstrip().startswith("#")]
    assert comments and all(line in text.splitlines() for line in comments)  # tomlkit kept every comment
    scenario = load_scenario(path)
    assert scenario.pitch.intent.target_seconds == 40 and scenario.pitch.evidence.target_seconds == 150
    assert scenario.pitch.gaps.target_seconds is None  # the default (60 s) applies
    assert scenario.objections[0].target_seconds == 50 and scenario.objections[1].target_seconds is None
    assert scenario.read_aloud == sentences
    assert scenario.read_aloud_sentences() == sentences
    # opened again, the form shows what was saved
    again = ScenarioEditor(ScenarioDocument.from_file(path))
    qtbot.addWidget(again)
    assert again.fields["pitch.evidence.target_seconds"].input.text() == "150"
    assert again.fields["read_aloud"].value() == sentences


@pytest.mark.parametrize("typed", ["abc", "0", "-5", "nan", "inf"])
def test_a_length_that_is_no_positive_number_is_shown_beside_its_field(editor, qtbot, typed):
    field = editor.fields["pitch.ask.target_seconds"]
    editor.show_section("ask")
    field.set_text(typed)
    qtbot.waitUntil(lambda: field.problem.isVisible(), timeout=3000)
    assert field.problem.text() == "Give a number of seconds above 0."
    assert field.input.property("problem") == "error"
    assert "4 · The ask  ·  1 to fix" == editor.nav.item(4).text()
    field.set_text("35")
    qtbot.waitUntil(lambda: not field.problem.isVisible(), timeout=3000)
    assert editor.errors == []
