"""Editing a scenario file field by field: comments and order survive, pasted typography is cleaned, problems are
found as the validator finds them, the shipped files are never written, key phrases are suggested and tried."""

from __future__ import annotations

import tomllib

import pytest

from rehearse.core.loader import validate_text
from rehearse.core.matching import match_phrase
from rehearse.core.pasted import clean_lines, clean_text, clean_toml
from rehearse.core.scenario_doc import ScenarioDocument, copy_path, field_of, is_shipped, parse_path, plain
from rehearse.core.suggest import suggest_key_phrases, try_phrases
from rehearse.errors import UserError
from rehearse.paths import SCENARIOS, user_scenarios_dir

EXAMPLE = SCENARIOS / "example-senior-engineer.toml"
TEMPLATE = SCENARIOS / "promotion.toml"


def test_pasted_typography_is_made_plain():
    assert clean_text("I\u2019m asking for \u201cSenior\u00a0Manager\u201d \u2014 this\u200b cycle\u2026") == \
        "I'm asking for \"Senior Manager\" - this cycle..."
    assert clean_lines("  first\u00a0one \n\n second\u2013two ") == ["first one", "second-two"]


def test_curly_quotes_in_a_file_are_repaired_instead_of_a_syntax_error(tmp_path):
    text = EXAMPLE.read_text(encoding="utf-8").replace('name = "Alex"', "name = \u201cAlex\u201d")
    text = text.replace('manager = "Dana"', "manager =\u00a0\"Dana\"")
    with pytest.raises(tomllib.TOMLDecodeError):
        tomllib.loads(text)
    assert tomllib.loads(clean_toml(text))["who"]["name"] == "Alex"
    report = validate_text(text, "pasted.toml")  # the validator names the cause, not only "Invalid value"
    assert "curly quotes" in str(report.errors[0]) and "pasted.toml:8:" in str(report.errors[0])
    path = tmp_path / "pasted.toml"
    path.write_text(text, encoding="utf-8")
    doc = ScenarioDocument.from_file(path)
    assert doc.repaired and doc.get("who.name") == "Alex" and doc.get("who.manager") == "Dana"
    assert doc.dirty  # the repair is saved with the next save


def test_a_real_syntax_error_is_a_user_error_with_the_line(tmp_path):
    path = tmp_path / "broken.toml"
    path.write_text('title = "x"\n[who\nname = "A"\n', encoding="utf-8")
    with pytest.raises(UserError, match=r"broken.toml:2: TOML syntax error"):
        ScenarioDocument.from_file(path)


def test_comments_and_order_survive_an_edit(tmp_path):
    path = tmp_path / "mine.toml"
    path.write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    doc = ScenarioDocument.from_file(path)
    assert not doc.dirty
    doc.set("who.name", "Mia")
    doc.set("pitch.evidence.items[1].number", "from 900 to 300 milliseconds")
    doc.save()
    after = path.read_text(encoding="utf-8")
    before = EXAMPLE.read_text(encoding="utf-8")
    assert 'persona = "skeptical"          # supportive | skeptical | busy' in after
    assert "# State it in the first 30 seconds." in after
    changed = [(a, b) for a, b in zip(before.splitlines(), after.splitlines()) if a != b]
    assert changed == [('name = "Alex"', 'name = "Mia"'),
                       ('number = "from 900 to 350 milliseconds"', 'number = "from 900 to 300 milliseconds"')]
    assert len(before.splitlines()) == len(after.splitlines())


def test_optional_fields_are_left_out_when_empty_and_lists_are_cleaned():
    doc = ScenarioDocument(EXAMPLE.read_text(encoding="utf-8"))
    assert doc.set("pitch.evidence.items[0].say", "")
    assert "say" not in doc.doc["pitch"]["evidence"]["items"][0]
    doc.set("pitch.intent.key_phrases", ["promotion to Senior\u00a0Engineer", "  ", "this cycle"])
    assert doc.get("pitch.intent.key_phrases") == ["promotion to Senior Engineer", "this cycle"]


def test_items_are_added_removed_and_moved():
    doc = ScenarioDocument(EXAMPLE.read_text(encoding="utf-8"))
    assert doc.count("pitch.evidence.items") == 4
    whats = [doc.get(f"pitch.evidence.items[{i}].what") for i in range(4)]
    doc.move_item("pitch.evidence.items", 3, 0)
    assert [doc.get(f"pitch.evidence.items[{i}].what") for i in range(4)] == [whats[3]] + whats[:3]
    doc.remove_item("pitch.evidence.items", 1)
    assert doc.count("pitch.evidence.items") == 3
    i = doc.add_item("pitch.evidence.items", {"what": "ran the pricing test", "outcome": "revenue grew",
                                              "number": "8%", "key_phrases": ["pricing test", "8%"]})
    assert i == 3
    report = validate_text(doc.text())
    assert report.ok, report.errors
    assert [e.what for e in report.scenario.pitch.evidence.items][-1] == "ran the pricing test"
    assert "# State it in the first 30 seconds." in doc.text()


def test_problems_are_the_validators_and_said_plainly():
    doc = ScenarioDocument.new()
    errors, _warnings = doc.problems()
    paths = {p.path for p in errors}
    assert "who.current_role" in paths and "pitch.evidence.items[0].number" in paths
    assert "who.name" not in paths  # optional, and the template's "<your first name>" was cleared for the form
    empty = next(p for p in errors if p.path == "who.current_role")
    assert plain(empty.message) == "Please fill this in."
    blank = next(p for p in errors if p.path == "title")  # a blank inside a sentence stays, to be completed
    assert plain(blank.message) == "Replace <your target role> with your own words."
    doc.set("who.persona", "grumpy")
    assert any(p.path == "who.persona" and plain(p.message) == "Choose supportive, skeptical or busy."
               for p in doc.problems()[0])
    doc.set("pitch.intent.key_phrases", ["!!!"])
    problem = next(p for p in doc.problems()[0] if p.path.startswith("pitch.intent.key_phrases"))
    assert field_of(problem.path) == "pitch.intent.key_phrases"
    assert "nothing the app can listen for" in plain(problem.message)
    assert plain("has no digits; a number the manager can repeat lands best").startswith("Add a number")
    assert parse_path("objections[2].wordings") == ("objections", 2, "wordings")


def test_the_shipped_files_are_never_written(tmp_path, rehearse_home):
    before = {p: p.read_bytes() for p in SCENARIOS.glob("*.toml")}
    doc = ScenarioDocument.from_file(EXAMPLE)
    assert doc.shipped and is_shipped(TEMPLATE) and not is_shipped(tmp_path / "x.toml")
    doc.set("who.name", "Sam")
    with pytest.raises(UserError, match="never changed"):
        doc.save()
    copy = copy_path(doc.get("title"), user_scenarios_dir())
    assert copy.parent == rehearse_home / "scenarios"
    assert copy.name == "asking-dana-for-a-promotion-to-senior-engineer.toml"
    doc.save(copy)
    assert copy_path(doc.get("title"), user_scenarios_dir()).name.endswith("-2.toml")
    assert {p: p.read_bytes() for p in SCENARIOS.glob("*.toml")} == before
    assert "Sam" in copy.read_text(encoding="utf-8")


SENTENCES = [
    ("I'd like to talk about my promotion to Senior Marketing Manager.", "Senior Marketing Manager", "",
     ["promotion to Senior Marketing Manager"]),
    ("I led the authentication migration to OAuth across all three products, and login-related support tickets "
     "dropped by 62%.", "", "62%", ["62%", "migration to OAuth"]),
    ("I designed the caching layer for the checkout service, which brought peak response time down from 900 to "
     "350 milliseconds.", "", "", ["from 900 to 350 milliseconds", "caching layer"]),
    ("I ran the spring campaign for our new product line, and qualified leads grew by 40% in one quarter.", "", "",
     ["40%", "spring campaign", "new product line", "qualified leads"]),
]


@pytest.mark.parametrize("sentence,role,number,expected", SENTENCES)
def test_key_phrases_are_suggested_from_the_planned_sentence(sentence, role, number, expected):
    got = suggest_key_phrases(sentence, role, number)
    for want in expected:
        assert any(want.lower() in g.lower() for g in got), (want, got)
    assert 1 <= len(got) <= 5
    for phrase in got:  # every suggestion can be earned by saying the sentence
        assert match_phrase(sentence, phrase).hit
        assert len(phrase.split()) <= 5
    assert suggest_key_phrases("") == []


def test_try_it_says_what_lands_and_why():
    checks = try_phrases("I have not led the migration to OAuth, and tickets dropped 26%.",
                         ["migration to OAuth", "62%", "tickets dropped"])
    by = {c.phrase: c for c in checks}
    assert not by["migration to OAuth"].ok and "after a “not”" in by["migration to OAuth"].why
    assert not by["62%"].ok and "heard 26, expected 62" in by["62%"].why
    assert by["tickets dropped"].ok and str(by["tickets dropped"]).startswith("✓ tickets dropped")
    assert all(not c.ok for c in try_phrases("", ["x y"]))
