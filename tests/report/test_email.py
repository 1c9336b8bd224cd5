"""The follow-up email draft: the ask, the evidence as heard, and where the run landed."""

import pytest
from store_samples import SCENARIO, store_pitch_run

from rehearse.core.loader import load_scenario
from rehearse.store import Store
from rehearse.report.email import DATE_RE, date_phrase, draft_email, email_text


@pytest.fixture
def store(tmp_path):
    return Store(tmp_path / "h.sqlite3")


@pytest.fixture(scope="module")
def scenario():
    return load_scenario(SCENARIO)


def body_section(body: str, title: str) -> list[str]:
    lines = body.splitlines()
    start = lines.index(title) + 1
    end = next((i for i in range(start, len(lines)) if not lines[i]), len(lines))
    return lines[start:end]


def asked(run: dict) -> dict:
    """The run with the feedback of its pitch saying it heard the explicit ask."""
    run["turns"][1]["feedback"]["signals"] = {"explicit_ask": True}
    return run


def test_not_yet_run_quotes_prepared_evidence_and_offers_what_only_the_user_proposed(store, scenario):
    draft = draft_email(asked(store.run(store_pitch_run(store, "not_yet"))), scenario)
    assert draft["subject"] == "Promotion to Senior Engineer: agreed criteria and review date"
    body = draft["body"]
    assert body.startswith("Hi Dana,\n") and body.rstrip().endswith("Best regards,\nAlex")
    assert "I asked to be promoted from Software Engineer to Senior Engineer." in body
    # each evidence item heard, in the scenario's prepared words (not the recognizer's, hedges never quoted)
    assert body_section(body, "The evidence I shared") == [
        f"- {scenario.pitch.evidence.items[0].say}", f"- {scenario.pitch.evidence.items[1].say}"]
    assert body_section(body, "Where I am still growing") == [f"- {scenario.pitch.gaps.items[0].say}"]
    # the manager said "not this cycle" and no criteria: what the user proposed is offered, not claimed as agreed
    assert body_section(body, "Where we landed") == [
        "You felt I am not quite ready yet. I suggested this as what would get me there; could you confirm it, or "
        "tell me what you would add?",
        "- Lead the API design review with the payments team next quarter.",
        "- Present the OAuth migration at the engineering all-hands.",
        "I suggested we review my progress on March 15th; could you confirm that works for you?",
    ]
    assert "agreed" not in body_section(body, "Where we landed")[-1]
    assert "um" not in body.split() and "[" not in body and draft["blanks"] == []
    assert email_text(draft).startswith("Subject: Promotion to Senior Engineer: agreed criteria and review date\n\n")


def test_an_agreement_is_stated_only_when_the_manager_made_it(store, scenario):
    run = store.run(store_pitch_run(store, "not_yet"))
    run["turns"][2]["text"] = ("Not this cycle. I'd like to see you lead a cross-team project, and let's review it "
                               "in six weeks.")
    lines = body_section(draft_email(run, scenario)["body"], "Where we landed")
    assert lines == ["You felt I am not quite ready yet, and we agreed on what would get me there:",
                     "- Lead a cross-team project.",
                     "We agreed to review my progress against these in six weeks."]


def test_yes_run_confirms_what_the_manager_said(store, scenario):
    draft = draft_email(store.run(store_pitch_run(store, "yes")), scenario)
    assert draft["subject"] == "Promotion to Senior Engineer: summary and next steps"
    assert body_section(draft["body"], "Where we landed") == [
        "You agreed to support my promotion to Senior Engineer. To confirm the details:",
        "- Title: Senior Engineer",
        "- Effective date: this cycle",  # the manager's words
        "- Compensation: [compensation]",  # only the user talked about the salary band
    ]
    assert [b["blank"] for b in draft["blanks"]] == ["[compensation]"]


def test_nothing_flagged_and_no_recognizer_error_reaches_the_draft(store, scenario):
    pitch = ("Sorry, I know you're busy. I've been here five years, so I deserve it. I led the migration to OAuth "
             "and Logan related support tickets dropped by 62%. I worked really hard on the caching layer for the "
             "check out service, down to 350 millisocans. I'm not saying I need to work on public speaking.")
    run = store.run(store_pitch_run(store, "not_yet", pitch=pitch))
    from rehearse.core.feedback import analyse_part
    from rehearse.core.transcript import Transcript

    run["turns"][1]["feedback"] = analyse_part(scenario, "pitch", Transcript(text=pitch)).to_dict()
    body = draft_email(run, scenario)["body"]
    for bad in ("Sorry", "busy", "five years", "deserve", "Logan", "check out", "millisocans", "worked really hard",
                "public speaking"):
        assert bad not in body, bad
    assert f"- {scenario.pitch.evidence.items[0].say}" in body
    assert f"- {scenario.pitch.evidence.items[1].say}" in body


def test_unknown_facts_become_marked_blanks_with_reasons(store):
    run = store.run(store_pitch_run(store, "not_yet", final_answer="Okay, thank you for your time.",
                                    pitch="Um, I would like a promotion. I work very hard."))
    draft = draft_email(run, scenario=None)  # the scenario file is gone: no names
    body = draft["body"]
    assert body.startswith("Hi [manager's name],")
    assert "- [your evidence]" in body and "- [agreed criteria]" in body and "[" in body
    # nobody agreed a review: the draft asks for one instead of stating an agreement (with a blank date)
    assert "Could we agree a date to review my progress against these, ideally [review date]?" in body
    assert "We agreed" not in body
    assert body.rstrip().endswith("[your name]")
    blanks = {b["blank"]: b["why"] for b in draft["blanks"]}
    assert set(blanks) == {"[manager's name]", "[your name]", "[your evidence]", "[agreed criteria]",
                           "[review date]"}
    assert all(blanks.values())
    # every bracket in the text is explained
    import re

    assert set(re.findall(r"\[[^\]]+\]", body)) == set(blanks)


def test_yes_without_date_or_money_marks_them(store, scenario):
    run = store.run(store_pitch_run(store, "yes", final_answer="Thank you so much, I appreciate it."))
    run["turns"][2]["text"] = "You're ready. I'll put you forward."  # no date in the manager's line either
    draft = draft_email(run, scenario)
    assert "- Effective date: [effective date]\n" in draft["body"]
    assert "- Compensation: [compensation]" in draft["body"]
    # a date only the user proposed is a suggestion to confirm
    run = store.run(store_pitch_run(store, "yes"))
    run["turns"][2]["text"] = "You're ready. I'll put you forward."
    assert ("- Effective date: [effective date] (I suggested at the start of the next quarter; could you confirm?)"
            in draft_email(run, scenario)["body"])


def test_compensation_clause_drops_the_run_up(store, scenario):
    run = store.run(store_pitch_run(store, "yes"))
    run["turns"][2]["text"] = "I'll put you forward this cycle. Okay, and the new salary band applies from then."
    assert "- Compensation: The new salary band applies from then." in draft_email(run, scenario)["body"]


def test_no_decision_asks_for_a_date(store, scenario):
    draft = draft_email(store.run(store_pitch_run(store, "ambiguous")), scenario)
    assert draft["subject"] == "Promotion to Senior Engineer: following up on our conversation"
    assert "We did not reach a decision yet. Could we agree on a date to come back to it, ideally on March 15th?" \
        in draft["body"]


def test_summary_criteria_from_the_session_take_precedence(store, scenario):
    run = store.run(store_pitch_run(store, "not_yet"))
    run["summary"] = {"criteria": ["lead one cross-team project", "present at the all-hands"],
                      "review_date": "1 March 2027"}
    lines = body_section(draft_email(run, scenario)["body"], "Where we landed")
    assert lines[1:] == ["- Lead one cross-team project.", "- Present at the all-hands.",
                         "We agreed to review my progress against these on 1 March 2027."]


@pytest.mark.parametrize("text, found, phrase", [
    ("can we review this on March 15th, before", "March 15th", "on March 15th"),
    ("let's check in by the end of the quarter", "the end of the quarter", "at the end of the quarter"),
    ("review it in three months", "in three months", "in three months"),
    ("decide in Q3 2027 please", "Q3 2027", "in Q3 2027"),
    ("meet again next quarter", "next quarter", "next quarter"),
    ("before 2027-03-01 ok", "2027-03-01", "on 2027-03-01"),
    ("sometime in March", "in March", "in March"),
    ("starting from March 1st, 2027", "from March 1st, 2027", "from March 1st, 2027"),
    ("by mid-March", "mid-March", "mid-March"),
    ("let's look at it at the next cycle", "the next cycle", "in the next cycle"),
])
def test_dates_are_found_and_phrased(text, found, phrase):
    assert DATE_RE.search(text).group(0) == found
    assert date_phrase(found) == phrase


@pytest.mark.parametrize("text", ["I may need to march on and mentor two engineers",
                                  "I mentored two engineers who shipped features", "we decided it together"])
def test_no_date_in_plain_talk(text):
    assert DATE_RE.search(text) is None


def test_the_ask_sentence_follows_the_denial_aware_explicit_ask_signal(store, scenario):
    from rehearse.core.feedback import analyse_part
    from rehearse.core.transcript import Transcript

    denial = ("I'm not asking for a promotion to Senior Engineer. I don't think I'm operating at the senior level "
              "yet, I just wanted to talk.")
    run = store.run(store_pitch_run(store, "not_yet", pitch=denial))
    run["turns"][1]["feedback"] = analyse_part(scenario, "pitch", Transcript(text=denial)).to_dict()
    assert run["turns"][1]["feedback"]["signals"]["explicit_ask"] is False
    section = body_section(draft_email(run, scenario)["body"], "What I asked for")
    assert section == ["We talked about my promotion from Software Engineer to Senior Engineer."]
    # feedback stored without signals does not claim an ask either
    section = body_section(draft_email(store.run(store_pitch_run(store, "not_yet")), scenario)["body"],
                           "What I asked for")
    assert section == ["We talked about my promotion from Software Engineer to Senior Engineer."]
    # a real ask is said to be one
    ask = "I'm asking for a promotion to Senior Engineer this cycle."
    run = store.run(store_pitch_run(store, "not_yet", pitch=ask))
    run["turns"][1]["feedback"] = analyse_part(scenario, "pitch", Transcript(text=ask)).to_dict()
    assert body_section(draft_email(run, scenario)["body"], "What I asked for") == [
        "I asked to be promoted from Software Engineer to Senior Engineer."]


# --- a new user's runs (Festival voice through Whisper, `rehearse run --answers`), 2026-12-01 -----------------------

def _scored_run(store, scenario, pitch: str, final_answer: str | None = None) -> dict:
    """A stored not-yet run whose pitch feedback is the real analyser's."""
    from rehearse.core.feedback import analyse_part
    from rehearse.core.transcript import Transcript

    run = store.run(store_pitch_run(store, "not_yet", pitch=pitch, final_answer=final_answer))
    run["turns"][1]["feedback"] = analyse_part(scenario, "pitch", Transcript(text=pitch)).to_dict()
    return run


def test_denied_evidence_never_reaches_the_draft(store, scenario):
    run = _scored_run(store, scenario, "I'm asking for a promotion to Senior Engineer. I did not lead the migration "
                      "to OAuth, my colleague did it. I only helped a little with the support tickets.")
    body = draft_email(run, scenario)["body"]
    assert "62%" not in body and "OAuth" not in body.split("Where we landed")[0]
    assert body_section(body, "The evidence I shared") == ["- [your evidence]"]


def test_evidence_without_its_number_is_a_blank_not_the_prepared_number(store, scenario):
    run = _scored_run(store, scenario, "I'm asking for a promotion to Senior Engineer. I led the migration to OAuth "
                      "and support tickets went down by 26%. I designed the caching layer for checkout, from 900 "
                      "to 350 milliseconds.")
    draft = draft_email(run, scenario)
    lines = body_section(draft["body"], "The evidence I shared")
    assert "62%" not in draft["body"] and "26%" not in draft["body"]
    assert lines[0] == f"- {scenario.pitch.evidence.items[1].say}"  # said with its number: the prepared sentence
    assert lines[1] == ("- I led the authentication migration to OAuth across all three products: "
                        "[result, with its number].")
    assert any(b["blank"] == "[result, with its number]" and "number" in b["why"] for b in draft["blanks"])


def test_a_refused_plan_is_not_offered_and_a_gap_without_a_plan_is_a_blank(store, scenario):
    run = _scored_run(store, scenario, "I'm asking for a promotion to Senior Engineer. I never did a design review "
                      "and I won't do it next quarter either, cross-team influence is not my thing.")
    draft = draft_email(run, scenario)
    growth = body_section(draft["body"], "Where I am still growing")
    assert "design review" not in draft["body"].split("Where we landed")[0]
    assert growth == ["- Cross-team influence: [your plan for it]."]
    assert any(b["blank"] == "[your plan for it]" for b in draft["blanks"])


def test_the_review_date_is_the_one_proposed_for_the_review(store, scenario):
    answer = ("If I lead the design review with the payments team next quarter, could we put a review date in the "
              "calendar, for example in March?")
    run = _scored_run(store, scenario, "I'm asking for a promotion to Senior Engineer.", final_answer=answer)
    lines = body_section(draft_email(run, scenario)["body"], "Where we landed")
    assert lines[-1] == "I suggested we review my progress in March; could you confirm that works for you?"


def test_a_follow_up_question_is_no_ask_for_the_promotion(scenario):
    from rehearse.core.feedback import analyse_objection
    from rehearse.core.transcript import Transcript

    fb = analyse_objection(scenario, "timing", Transcript(text=(
        "Thank you, but what's specifically do I need to show and by when? Could you put it in writing?")))
    assert fb.signals["explicit_ask"] is False


def test_a_plan_is_what_it_is_not_only_its_date_and_may_come_in_a_later_answer(store, scenario):
    # "next quarter" alone is no plan ("My plan is to do something about it … next quarter or so")
    run = _scored_run(store, scenario, "I'm asking for a promotion to Senior Engineer. I could maybe work on "
                      "cross-team influence. My plan is to do something about it, probably next quarter or so.")
    growth = body_section(draft_email(run, scenario)["body"], "Where I am still growing")
    assert growth == ["- Cross-team influence: [your plan for it]."]
    # the gap named in the pitch, its plan in a later answer: the prepared sentence
    run = _scored_run(store, scenario, "I'm asking for a promotion to Senior Engineer. I want to get better at "
                      "public speaking.")
    from rehearse.core.feedback import analyse_part
    from rehearse.core.transcript import Transcript

    later = "I've signed up to present the OAuth migration at the all-hands."
    run["turns"][3]["text"], run["turns"][2]["text"] = later, "And where do you think you still need to grow?"
    run["turns"][3]["feedback"] = analyse_part(scenario, "gaps", Transcript(text=later)).to_dict()
    run["outcome"] = None
    growth = body_section(draft_email(run, scenario)["body"], "Where I am still growing")
    assert growth == [f"- {scenario.pitch.gaps.items[1].say}"]
