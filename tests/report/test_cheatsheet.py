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


def long_answer(phrases: list[str]) -> str:
    """A long, well-scored answer: every key phrase in its own sentence, then the evidence with numbers."""
    said = " ".join(f"I want to be clear about {p}, because it matters to me and to the team." for p in phrases)
    return (said + " I led the migration to OAuth across all three products, and support tickets dropped by 62%. "
            "I designed the caching layer for the checkout service, which brought response time down to 350 "
            "milliseconds. I mentored two engineers who shipped on their own in their first month, and I ran the "
            "incident reviews that led to 40% fewer repeat incidents over the last two quarters of the year.")


@pytest.mark.parametrize("whole_pitch", [False, True])
def test_twelve_rows_fit_one_page(tmp_path, whole_pitch):
    """4 parts and 8 objections (and the whole pitch as a 13th row), each with a long best answer: the PDF is still
    one A4 page; each row quotes less as rows grow."""
    from rehearse.core.answer_for import AnswerFor
    from rehearse.core.feedback import analyse
    from rehearse.report.cheatsheet import write_cheatsheet

    extra = ('\n[[objections]]\nid = "freeze"\nwordings = ["There is a promotion freeze until next year, you '
             'know."]\nkey_phrases = ["when the freeze ends", "in writing", "review date"]\n'
             'tip = "Ask when the freeze ends and for the criteria in writing, with a review date."\n')
    path = tmp_path / "eight.toml"
    path.write_text(EXAMPLE.read_text(encoding="utf-8") + extra, encoding="utf-8")
    scenario = load_scenario(path)
    assert len(scenario.objections) == 8
    turns = []
    targets = [AnswerFor.part(p) for p in ("pitch",) * whole_pitch + ("intent", "evidence", "gaps", "ask")]
    targets += [AnswerFor.objection(o.id) for o in scenario.objections]
    for n, target in enumerate(targets):
        expects = target.to_str()
        text = long_answer(scenario.part_key_phrases(expects) if not target.is_objection
                           else list(scenario.objection(target.id).key_phrases))
        fb = analyse(scenario, target, Transcript(text=text)).to_dict()
        turns.append({"run_id": n + 1, "started_at": "2026-11-30T10:00:00", "expects": expects, "text": text,
                      "score": fb["score"], "feedback": fb})
    sheet = cheatsheet(scenario, turns)
    rows = [s for s in sheet["sections"] if s["best"] is not None and not s["best"].get("weak")]
    assert len(sheet["sections"]) == 12 + whole_pitch and len(rows) == 12 + whole_pitch
    assert all(s["best"]["sentences"] for s in rows)
    out = write_cheatsheet(sheet, tmp_path / "sheet.pdf")
    reader = PdfReader(str(out))
    assert len(reader.pages) == 1, reader.pages[-1].extract_text()[:300]
    text = " ".join(reader.pages[0].extract_text().split())
    assert "There is a promotion freeze" in text and "Why now?" in text  # the last rows are on it
    quoted = [sum(len(t.split()) for t, _ in s["best"]["sentences"]) for s in rows]
    assert max(quoted) < 70  # tighter than a sheet with few rows


def test_the_sheet_states_credit_in_the_prepared_words_and_marks_the_recognizers_text(rehearse_home):
    """Like the follow-up email: what the sheet states as said is the prepared key phrase ("migration to OAuth"),
    ticked; the recognizer's own words ("Logan related", a misheard "login-related") appear only inside the quote
    marked as what the recognizer heard; a phrase inside a denial is neither ticked nor quoted."""
    scenario = load_scenario(EXAMPLE)
    heard = ("I led the migration to OAuth across all three products and Logan related support tickets dropped by "
             "62%. I'm not saying I mentored two engineers.")
    with Store() as store:
        session = Session(scenario, "pitch", store=store, seed=1, by_part=True, scenario_path=EXAMPLE)
        answer(session, "I'm asking for a promotion to Senior Engineer.")
        fb = answer(session, heard).feedback
        session.finish(complete=False)
        turns = store.user_turns(str(EXAMPLE))
    assert fb.score > 30
    sheet = cheatsheet(scenario, turns)
    evidence = next(s for s in sheet["sections"] if s["expects"] == "evidence")
    credited = evidence["best"]["credited"]
    assert {"migration to OAuth", "support tickets", "62%"} <= set(credited["phrases"])
    assert "mentored two engineers" not in credited["phrases"]  # said inside a denial
    said = " ".join(text for text, _ in evidence["best"]["sentences"])
    assert "mentored" not in said  # the denied sentence is left out of the quote
    page = to_html(sheet)
    assert "✓ migration to OAuth" in page and "✓ mentored two engineers" not in page
    at = page.index("Logan")
    opened = page.rindex("The recognizer heard: “", 0, at) + len("The recognizer heard: “")
    assert "”" not in page[opened:at]  # the misheard words only inside the marked quote
    assert page.count("Logan") == 1
