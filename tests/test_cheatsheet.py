"""The cheat sheet: the best answer so far to each part and objection, cleaned of fillers, beside what was
prepared — from answers scored by the real feedback engine and stored in a real history."""

from __future__ import annotations

import json

import pytest
from pypdf import PdfReader

from rehearse.cli import main
from rehearse.core.loader import load_scenario
from rehearse.core.transcript import Transcript
from rehearse.paths import SCENARIOS
from rehearse.report.cheatsheet import cheatsheet, to_html
from rehearse.session.conversation import Answer, Session
from rehearse.store.db import Store

EXAMPLE = SCENARIOS / "example-senior-engineer.toml"
GOOD_EVIDENCE = ("Um, so I led the migration to OAuth and support tickets fell by sixty two percent. "
                 "I also, uh, mentored two engineers who now lead their own projects.")
WEAK_EVIDENCE = "I have been here for five years and I work really hard."
FLAGGED_BUDGET = ("I understand the budget is tight. I deserve it after all these years. Could we agree on a "
                  "review date in three months to look at it again?")


def answer(session, text):
    session.next_prompt()
    return session.submit(Answer(Transcript(text=text)))


@pytest.fixture
def history(rehearse_home):
    scenario = load_scenario(EXAMPLE)
    with Store() as store:
        for text in (WEAK_EVIDENCE, GOOD_EVIDENCE):
            session = Session(scenario, "pitch", store=store, seed=1, by_part=True, scenario_path=EXAMPLE)
            answer(session, "I'm asking for a promotion to Senior Engineer.")
            answer(session, text)
            session.finish(complete=False)
        drill = Session(scenario, "drill", store=store, seed=2, scenario_path=EXAMPLE, max_items=1)
        prompt = drill.next_prompt()
        drill.submit(Answer(Transcript(text=FLAGGED_BUDGET)))
        drill.finish()
        turns = store.user_turns(str(EXAMPLE))
    return scenario, turns, prompt.answer_for.to_str()


def test_best_answer_cleaned_beside_the_prepared_sentences(history):
    scenario, turns, drilled = history
    sheet = cheatsheet(scenario, turns)
    sections = {s["expects"]: s for s in sheet["sections"]}
    # every part and every objection has a row; the whole pitch only when practised as one answer
    assert list(sections)[:4] == ["intent", "evidence", "gaps", "ask"]
    assert {f"objection:{o}" for o in scenario.objection_ids} <= set(sections)
    evidence = sections["evidence"]
    assert evidence["prepared"]["sentences"] == [i.say or f"{i.what} — {i.outcome} ({i.number})"
                                                 for i in scenario.pitch.evidence.items]
    best = evidence["best"]
    said = " ".join(text for text, _heard in best["sentences"])
    assert "OAuth" in said and "five years" not in said  # the better attempt, not the weak one
    assert "Um" not in said and "uh" not in said.split() and "uh," not in said  # fillers removed
    assert best["score"] == max(t["score"] for t in turns if t["expects"] == "evidence")
    assert sections["gaps"]["best"] is None  # never answered
    html = to_html(sheet)
    assert "Not answered yet" in html
    assert "<b>" in html  # key phrases said are bold
    assert "Key phrases:" in html and scenario.pitch.evidence.items[0].key_phrases[0] in html


def test_flagged_sentences_are_not_quoted(history):
    scenario, turns, drilled = history
    sheet = cheatsheet(scenario, turns)
    section = next(s for s in sheet["sections"] if s["expects"] == drilled)
    said = " ".join(text for text, _ in section["best"]["sentences"])
    assert "deserve" not in said
    assert section["best"]["left_out"] >= 1
    assert "review date" in said
    assert "left out (flagged in the feedback)" in to_html(sheet)


def test_cheatsheet_command_writes_one_page_pdf_and_html(history, tmp_path, capsys):
    out = tmp_path / "sheet.pdf"
    assert main(["cheatsheet", str(EXAMPLE), "-o", str(out)]) == 0
    assert "Wrote" in capsys.readouterr().out
    reader = PdfReader(str(out))
    assert len(reader.pages) == 1
    text = " ".join(reader.pages[0].extract_text().split())
    assert "Cheat sheet" in text and "OAuth" in text and "deserve" not in text
    assert main(["cheatsheet", str(EXAMPLE), "-o", str(tmp_path / "sheet.html"), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["format"] == "html" and (tmp_path / "sheet.html").read_text().count("<tr>") >= 8


def test_cheatsheet_command_bad_input(tmp_path, capsys):
    assert main(["cheatsheet", str(EXAMPLE), "-o", str(tmp_path / "sheet.docx")]) == 2
    assert "use .pdf or .html" in capsys.readouterr().err
    assert main(["cheatsheet", str(tmp_path / "missing.toml"), "-o", str(tmp_path / "s.pdf")]) == 2
    assert not (tmp_path / "s.pdf").exists()


def test_a_non_answer_is_never_shown_as_the_best_answer(rehearse_home):
    """Heard from the microphone: "Okay, sure, whatever you think." (score 0) stood on the sheet as "your best
    answer so far" to the evidence and to three objections."""
    scenario = load_scenario(EXAMPLE)
    with Store() as store:
        session = Session(scenario, "pitch", store=store, seed=1, by_part=True, scenario_path=EXAMPLE)
        answer(session, "I'm asking for a promotion to Senior Engineer.")
        assert answer(session, "Okay, sure, whatever you think.").feedback.score <= 30
        session.finish(complete=False)
        turns = store.user_turns(str(EXAMPLE))
    sheet = cheatsheet(scenario, turns)
    evidence = next(s for s in sheet["sections"] if s["expects"] == "evidence")
    assert evidence["best"]["weak"] and evidence["best"]["sentences"] == []
    html = to_html(sheet)
    assert "whatever you think" not in html and "No answer worth taking to the meeting yet" in html
