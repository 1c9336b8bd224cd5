"""The scenario model's helpers and the editable word lists."""

import random

import pytest

from rehearse.core.answer_for import AnswerFor
from rehearse.core.analysers.words import LISTS, WORDS_DIR, find, load_list, parse_list
from rehearse.core.loader import load_scenario
from rehearse.core.normalize import tokenize
from rehearse.core.scenario import placeholder_names
from rehearse.paths import SCENARIOS


@pytest.fixture(scope="module")
def scenario():
    return load_scenario(SCENARIOS / "example-senior-engineer.toml")


def test_placeholders_are_filled(scenario):
    assert scenario.fill("What about {gap}, {name}?") == "What about cross-team influence, Alex?"
    assert scenario.fill("What about {gap}?", gap="public speaking") == "What about public speaking?"
    line = scenario.pick(scenario.manager.outcomes["yes"], random.Random(3))
    assert line in [scenario.fill(x) for x in scenario.manager.outcomes["yes"]] and "{" not in line


def test_every_shipped_line_fills_cleanly(scenario):
    lines = scenario.manager.opening + [x for v in scenario.manager.reactions.values() for x in v]
    lines += [x for v in scenario.manager.outcomes.values() for x in v]
    lines += [w for o in scenario.objections for w in o.wordings]
    for line in lines:
        assert "{" not in scenario.fill(line)


def test_placeholder_names():
    assert placeholder_names("Hi {name}, about {gap}") == ["name", "gap"]
    for bad in ("oops {", "{}", "{0}", "{gap!r}", "{gap:>3}"):
        with pytest.raises(ValueError):
            placeholder_names(bad)


def test_target_seconds_and_key_phrases(scenario):
    assert scenario.target_seconds(AnswerFor.part("intent")) == 30
    assert scenario.target_seconds(AnswerFor.part("pitch")) == 30 + 120 + 60 + 30
    assert scenario.target_seconds(AnswerFor.objection("not_yet")) == 45
    assert scenario.target_seconds(AnswerFor.objection("timing")) == 45  # default
    assert "62%" in scenario.part_key_phrases("evidence")
    pitch = scenario.part_key_phrases("pitch")
    assert len(pitch) == len(set(pitch)) and "what specifically" in pitch


def test_read_aloud_derived_from_the_pitch(scenario):
    sentences = scenario.read_aloud_sentences()
    assert sentences[0].startswith("I'd like to talk about my promotion to Senior Engineer")
    assert any("62%" in s for s in sentences)
    assert sentences[-1] == scenario.pitch.ask.timeline
    scenario_copy = load_scenario(SCENARIOS / "example-senior-engineer.toml")
    scenario_copy.read_aloud = ["One.", "Two."]
    assert scenario_copy.read_aloud_sentences() == ["One.", "Two."]


def test_every_word_list_ships_and_parses():
    for name in LISTS:
        assert (WORDS_DIR / f"{name}.txt").exists(), name
        assert len(load_list(name)) >= 4, name


def test_word_list_format_comments_and_wildcards():
    patterns = parse_list("# comment\nI deserve   # trailing comment\n\n* bad\nbad *\ni have been here * years\n")
    assert [p.phrase for p in patterns] == ["I deserve", "i have been here * years"]
    found = find(tokenize("Honestly I've been here for almost six years, and I DESERVE it."), patterns)
    assert [f.phrase for f in found] == ["i have been here * years", "I deserve"]
    # more than three words in the wildcard do not match
    assert not find(tokenize("I have been here with the whole team for years"), patterns[1:])


def test_word_lists_can_be_edited(tmp_path):
    (tmp_path / "fillers.txt").write_text("okay so\n")
    custom = load_list("fillers", str(tmp_path))
    assert [f.phrase for f in find(tokenize("Okay so, um, here goes"), custom)] == ["okay so"]
    assert load_list("missing", str(tmp_path)) == ()


def test_overlapping_lists_claim_words_once():
    taken: set[int] = set()
    tokens = tokenize("I'm sorry to bother you")
    first = find(tokens, load_list("apologetic"), taken)
    assert [" ".join(t.text for t in tokens[f.first_token:f.last_token + 1]) for f in first] == [
        "i am sorry to bother you"] or [f.first_token for f in first] == [2]
    assert find(tokens, load_list("apologetic"), taken) == []
