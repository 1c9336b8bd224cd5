"""Feedback you can trust: denials earn nothing, scores measure answering, moves in the user's own words, flags from
patterns with the words they came from."""

import pytest

from rehearse.core.analysers.denial import Denials
from rehearse.core.analysers.heard import Heard
from rehearse.core.answer_for import AnswerFor
from rehearse.core.feedback import analyse, analyse_objection, analyse_part
from rehearse.core.loader import load_scenario
from rehearse.core.matching import Matcher
from rehearse.core.transcript import Transcript
from rehearse.paths import SCENARIOS


@pytest.fixture(scope="module")
def scenario():
    return load_scenario(SCENARIOS / "example-senior-engineer.toml")


def typed(text):
    return Transcript(text=text)


def kp(fb, phrase):
    return next(k for k in fb.key_phrases if k["phrase"] == phrase)


def denied(text, phrase, gap=False):
    m = Matcher(text).match(phrase)
    assert m.hit, (text, phrase)
    return Denials(Heard(typed(text))).of(m.start_word, m.end_word, negated=m.negated, gap=gap)


# --- denial scope --------------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text, phrase, cue", [
    ("I'm not here to ask for a promotion to Senior Engineer", "promotion to Senior Engineer", "not"),
    ("I don't think I'm operating at the senior level", "operating at the senior level", "don't"),
    ("I'm not, um, operating at the senior level", "operating at the senior level", "not,"),
    ("There's no need to agree a date or to talk about the promotion cycle.", "promotion cycle", "no need"),
    ("I wasn't involved, and support tickets didn't drop 62%.", "62%", "didn't"),
    ("Far from operating at the senior level, I'm learning", "operating at the senior level", "Far from"),
    ("I never led the migration to OAuth", "migration to OAuth", "never"),
    ("The title and the money separately? No, never mind.", "title and the money", "never mind."),
    ("I led the migration to OAuth, scratch that, it was Sam.", "migration to OAuth", "scratch that,"),
])
def test_phrases_inside_a_denial_are_denied(text, phrase, cue):
    d = denied(text, phrase)
    assert d is not None and d.text == cue


@pytest.mark.parametrize("text, phrase", [
    ("Do you see me as ready for Senior Engineer, and if not, what specifically is missing?", "what specifically"),
    ("do you see me as ready for senior engineer and if not what specifically is missing", "what specifically"),
    ("I'm not only operating at the senior level, I'm leading it", "operating at the senior level"),
    ("Can't we agree a date before March?", "agree a date"),
    ("Why don't we agree a date?", "agree a date"),
    ("No, I'm asking for a promotion to Senior Engineer", "promotion to Senior Engineer"),
    ("I didn't lead it alone, but I ran the incident reviews", "incident reviews"),
    ("Not long ago I led the migration to OAuth", "migration to OAuth"),
    ("Can we agree a date no later than the promotion cycle?", "promotion cycle"),
    ("Without the caching layer, checkout would still take 900 ms", "caching layer"),
    ("Repeat incidents fell by no less than 40% fewer", "40% fewer"),
    ("I understand it's not yet. What specifically would you need to see?", "what specifically"),
    ("Can we agree a date? Never mind the exact day, the month is fine.", "agree a date"),
])
def test_negation_elsewhere_is_not_a_denial(text, phrase):
    assert denied(text, phrase) is None


def test_a_gap_is_named_with_a_negation_and_denied_only_when_the_gap_is(scenario):
    assert denied("I'm not yet confident at public speaking", "public speaking", gap=True) is None
    assert denied("I haven't had much cross-team influence yet", "cross-team influence", gap=True) is None
    assert denied("I don't have a problem with cross-team influence", "cross-team influence", gap=True)
    assert denied("Public speaking is never something I worry about", "public speaking", gap=True)
    honest = analyse_part(scenario, "gaps", typed("I'm not yet confident at public speaking, so I'll present at "
                                                  "the all-hands."))
    assert honest.signals["named_gaps"] and honest.gaps["named"] == ["public speaking"]
    denial = analyse_part(scenario, "gaps", typed("I don't have a problem with cross-team influence, and I won't "
                                                  "do the design review next quarter."))
    assert not denial.signals["named_gaps"] and denial.gaps["skipped"] == ["cross-team influence", "public speaking"]


def test_denied_phrases_earn_nothing_and_are_shown_with_their_words(scenario):
    fb = analyse_part(scenario, "intent", typed(
        "I'm not here to ask for a promotion to Senior Engineer, and I don't think I'm operating at the senior "
        "level, certainly not this cycle."))
    entry = kp(fb, "promotion to Senior Engineer")
    assert not entry["hit"] and entry["denied"]["text"] == "not"
    assert entry["denied"]["said"] == "not here to ask for a promotion to Senior Engineer,"
    assert "said, but denied" in fb.to_text()
    assert [f.text for f in fb.flags if f.kind == "denied"][0].startswith("not here")
    # the signals built on phrases follow: no ask, no next-level framing, no timeline
    assert not fb.signals["explicit_ask"] and not fb.signals["already_doing"] and not fb.signals["asked_timeline"]
    assert fb.score <= 10
    assert "inside a denial" in fb.tip


def test_a_refused_ask_is_no_ask(scenario):
    fb = analyse_part(scenario, "ask", typed(
        "I'm not saying I'm ready for Senior Engineer, I don't need to know what specifically is missing, and we "
        "don't need to agree a date before the promotion cycle."))
    assert not any(k["hit"] for k in fb.key_phrases)
    assert not fb.signals["explicit_ask"] and not fb.signals["asked_timeline"]
    assert fb.score <= 10


def test_denied_evidence_number_is_no_number(scenario):
    fb = analyse_part(scenario, "evidence", typed(
        "I wasn't involved in the migration to OAuth, and support tickets didn't drop 62%."))
    assert not fb.signals["evidence_with_numbers"]


def test_a_number_from_something_else_is_no_evidence(scenario):
    # "4 seconds" and "40%" of page load are not the mentoring item's "2 engineers in 4 weeks" nor the incident
    # reviews' "40% fewer repeat incidents": a number alone never earns an item it was not said about
    fb = analyse_part(scenario, "evidence", typed(
        "Over the last year I cut page load time from 4 seconds to 1.2 seconds, and load time fell 40%."))
    assert not any(d["heard"] or d["with_number"] for d in fb.evidence), fb.evidence
    assert not fb.signals["evidence_with_numbers"]
    assert next(c.score for c in fb.components if c.name == "evidence") == 0
    # the same numbers said about the items still count, with or without a prepared phrase
    said = analyse_part(scenario, "evidence", typed(
        "Login support tickets dropped by 62%. The two engineers I onboarded shipped features within 4 weeks."))
    assert [d["with_number"] for d in said.evidence] == [True, False, True, False]


def test_asking_for_a_date_is_no_answer_to_a_gap(scenario):
    # "agree" in "can we agree a date" acknowledges nothing, and "by March" is no plan's date when no plan was given
    fb = analyse_objection(scenario, "what_about_gap", typed(
        "What specifically would you need to see from me, and can we agree a date to review it by March?"))
    assert not any(m["made"] for m in fb.to_dict()["moves"])
    assert fb.score <= 30
    answered = analyse_objection(scenario, "what_about_gap", typed(
        "I agree, that's my gap. I'll lead the design review with the payments team by March."))
    assert all(m["made"] for m in answered.to_dict()["moves"]) and answered.score >= 70


# --- scores measure answering ------------------------------------------------------------------------------------

@pytest.mark.parametrize("part", ["intent", "evidence", "gaps", "ask", "pitch", "objection:not_yet",
                                  "objection:timing", "objection:budget", "objection:process"])
@pytest.mark.parametrize("text", ["Okay sure.", "Whatever you think.", "Okay, I guess that's fine. Whatever you think.",
                                  "The weather has been lovely and I watched a good film last night."])
def test_non_answers_score_at_most_30(scenario, part, text):
    fb = analyse(scenario, AnswerFor.parse(part), typed(text))
    assert fb.score <= 30, (part, text, fb.score)
    assert fb.content_score < 20


def test_framing_lowers_every_part(scenario):
    for part, clean, framed in [
        ("intent", "I'm asking for a promotion to Senior Engineer this cycle.",
         "I've been here five years, so I'm asking for a promotion to Senior Engineer this cycle."),
        ("ask", "Do you see me as ready for Senior Engineer? Can we agree a date?",
         "Sorry to bother you. Do you see me as ready for Senior Engineer? Can we agree a date?"),
        ("gaps", "My gap is public speaking, so I'll present at the all-hands.",
         "It's my turn, honestly. My gap is public speaking, so I'll present at the all-hands."),
        ("objection:not_yet", "What specifically is missing, and can we set a review date?",
         "I deserve it. What specifically is missing, and can we set a review date?"),
    ]:
        answer_for = AnswerFor.parse(part)
        a, b = analyse(scenario, answer_for, typed(clean)), analyse(scenario, answer_for, typed(framed))
        assert a.score >= b.score + 6, (part, a.score, b.score)


def test_a_hedged_ask_is_flagged_with_its_words(scenario):
    fb = analyse_part(scenario, "ask", typed("I was wondering if maybe I could be considered for Senior Engineer?"))
    assert fb.signals["hedged_ask"]
    assert any(f.kind == "hedged_ask" and f.text for f in fb.flags)


def test_a_complete_pitch_is_not_too_short(scenario):
    text = ("I'd like to talk about my promotion to Senior Engineer. Over the past year I've been operating at the "
            "senior level. I led the migration to OAuth, and login support tickets dropped by 62%. I designed the "
            "caching layer for checkout, which brought response time from 900 to 350 milliseconds. I mentored two "
            "engineers, and both shipped in their first month. I run the incident reviews, with 40% fewer repeat "
            "incidents. One area I'm growing is cross-team influence, so I'll lead the design review next quarter, "
            "and I'll work on public speaking at the all-hands. Do you see me as ready for Senior Engineer, and if "
            "not, what specifically is missing? Can we agree a date before the promotion cycle?")
    fb = analyse_part(scenario, "pitch", typed(text))
    assert 100 <= len(text.split()) <= 160
    assert not [f for f in fb.flags if f.kind == "too_short"]
    assert fb.score >= 90
    short = analyse_part(scenario, "pitch", typed("I'd like a promotion to Senior Engineer. Can we agree a date?"))
    assert [f for f in short.flags if f.kind == "too_short"]


def test_a_recited_list_of_phrases_is_flagged_and_earns_half(scenario):
    fb = analyse_objection(scenario, "not_yet", typed("What specifically. Review date. Next level."))
    assert any(f.kind == "bare_list" for f in fb.flags)
    good = analyse_objection(scenario, "not_yet", typed(
        "I understand. What specifically would you need to see at the next level, and can we set a review date?"))
    assert good.score >= fb.score + 20


# --- moves in the user's own words ---------------------------------------------------------------------------------

def test_a_move_in_other_words_is_credited_and_said_so(scenario):
    fb = analyse_objection(scenario, "not_yet", typed(
        "What exactly would you need to see, and can we put a date on the calendar?"))
    entry = kp(fb, "what specifically")
    assert not entry["hit"] and entry["own_words"]["move"] == "ask_specifics"
    assert entry["own_words"]["text"] == "What exactly"
    assert any(f.kind == "own_words" and 'your prepared phrase is "what specifically"' in f.message
               for f in fb.flags)
    assert {m["move"] for m in fb.moves if m["made"]} == {"ask_specifics", "ask_date"}
    assert fb.score >= 70
    okay = analyse_objection(scenario, "not_yet", typed("Okay sure."))
    assert fb.score >= okay.score + 50
    # the tip never asks for what was just done
    assert "specifically" not in (fb.tip or "") and "date" not in (fb.tip or "").lower()


@pytest.mark.parametrize("oid, text, move", [
    ("timing", "How about we decide by the end of March?", "propose_date"),
    ("budget", "Can we decouple the title from the salary?", "separate_money"),
    ("budget", "And when will the budget decision be made?", "ask_budget_timing"),
    ("vague_encouragement", "Thanks. Can you send me that by email?", "in_writing"),
    ("process", "Who else is involved in deciding?", "ask_who"),
    ("process", "I'm happy to write up the case.", "offer_draft"),
    ("what_about_gap", "Fair point, I'm going to run the payments design review.", "plan"),
])
def test_moves_of_each_objection(scenario, oid, text, move):
    fb = analyse_objection(scenario, oid, typed(text))
    assert move in {m["move"] for m in fb.moves if m["made"]}, fb.moves
    assert move not in fb.signals.get("moves_missing", [])


@pytest.mark.parametrize("text", [
    # Whisper's words for a user who said "What specifically is missing?" (screenshot 04 of the last session)
    "What's specifically is missing? Can we set a review date in March?",
    "Specifically what, in your view, is missing? And can we agree a review date?",
])
def test_a_prepared_phrase_said_makes_its_move(scenario, text):
    """A prepared key phrase heard plainly makes the move it stands for, even when the move's own patterns miss the
    words around it: the tip and the manager never ask for what was just said."""
    fb = analyse_objection(scenario, "not_yet", typed(text))
    assert kp(fb, "what specifically")["hit"]
    made = {m["move"]: m for m in fb.moves if m["made"]}
    assert set(made) == {"ask_specifics", "ask_date"}, fb.moves
    assert "specifically" in made["ask_specifics"]["text"].lower()
    assert "specifically" not in (fb.tip or "").lower()
    assert all(m["made"] for m in fb.moves)


def test_a_denied_prepared_phrase_makes_no_move(scenario):
    fb = analyse_objection(scenario, "not_yet", typed(
        "I don't need to know what specifically is missing, and no review date either."))
    assert not kp(fb, "what specifically")["hit"]
    assert not any(m["made"] for m in fb.moves)


def test_a_tip_names_only_the_missing_move(scenario):
    fb = analyse_objection(scenario, "not_yet", typed("Understood. What exactly is missing, in your view?"))
    assert "date" in fb.tip.lower() and "specifically" not in fb.tip.lower()
    none = analyse_objection(scenario, "not_yet", typed("I will keep going as I am, that is all."))
    assert none.tip.startswith(scenario.objection("not_yet").tip)


def test_a_move_inside_a_denial_is_not_made(scenario):
    fb = analyse_objection(scenario, "vague_encouragement", typed(
        "I don't need to know what exactly, or by when, and it doesn't need to be in writing."))
    assert not any(m["made"] for m in fb.moves)
    assert fb.score <= 30


def test_an_own_words_ask_for_another_role_is_not_the_prepared_one(scenario):
    fb = analyse_part(scenario, "intent", typed("I'd like a promotion to Senior Manager this cycle."))
    assert kp(fb, "promotion to Senior Engineer")["own_words"] is None


# --- flags from patterns, each with its words ------------------------------------------------------------------------

@pytest.mark.parametrize("part, text, kind, words", [
    ("intent", "Sorry, um, I was wondering, maybe we could talk about my promotion to Senior Engineer?",
     "apologetic", ["Sorry,", "I was wondering,"]),
    ("intent", "I know you're really busy, but I'd like a promotion to Senior Engineer.", "apologetic",
     ["I know you're really busy,"]),
    ("evidence", "I helped a lot on the migration to OAuth and did a lot of stuff for checkout.", "vague_claim",
     ["helped a lot", "did a lot of stuff"]),
    ("intent", "It's my turn for a promotion to Senior Engineer; I've been with the company for 6 years.",
     "earned_it", ["It's my turn", "I've been with the company for 6 years."]),
])
def test_pattern_flags_quote_their_words(scenario, part, text, kind, words):
    fb = analyse_part(scenario, part, typed(text))
    assert [f.text for f in fb.flags if f.kind == kind] == words


def test_a_gap_named_in_other_words_credits_its_phrase_and_the_tip_asks_for_the_other_gap(scenario):
    fb = analyse_part(scenario, "gaps", typed(
        "Working with other teams is where I need to grow; I've offered to run the API review with payments next "
        "quarter."))
    assert fb.gaps["named"] == ["cross-team influence"]
    assert kp(fb, "cross-team influence")["own_words"] is not None
    assert "public speaking" in fb.tip and "cross-team" not in fb.tip


def test_a_timeline_phrase_is_not_an_ask_in_other_words(scenario):
    fb = analyse_part(scenario, "ask", typed("Am I ready for Senior Engineer? What specifically is missing?"))
    assert kp(fb, "promotion cycle")["own_words"] is None


# --- the cases the issue reported ----------------------------------------------------------------------------------

def test_the_reported_decoys_no_longer_win(scenario):
    honest = analyse_part(scenario, "intent", typed(
        "I'd like to talk about my promotion to Senior Engineer. Over the past year I've been operating at the "
        "senior level, and I'd like us to make that official this cycle."))
    decoy = analyse_part(scenario, "intent", typed(
        "I'm not here to ask for a promotion to Senior Engineer… I don't think I'm operating at the senior level."))
    assert decoy.score < honest.score and decoy.score <= 10  # was 98 against 90
    refusal = analyse_part(scenario, "ask", typed(
        "I'm not saying I'm ready for Senior Engineer, and we don't need to agree a date."))
    assert refusal.score <= 10  # was 100
    not_yet = analyse_objection(scenario, "not_yet", typed(
        "I don't need to know what specifically, I don't want a review date, and I'm not at the next level."))
    assert not_yet.score <= 10  # was 89
    okay = analyse_objection(scenario, "not_yet", typed("Okay, I guess that's fine. Whatever you think."))
    own = analyse_objection(scenario, "not_yet", typed(
        "What exactly would you need to see, and can we put a date on the calendar?"))
    assert okay.score <= 30 and own.score >= okay.score + 40  # were 39 and 42-46
    deserve = analyse_part(scenario, "ask", typed(
        "I deserve to be a Senior Engineer. Do you see me as ready for Senior Engineer?"))
    level = analyse_part(scenario, "ask", typed(
        "I'm already operating at the senior level. Do you see me as ready for Senior Engineer?"))
    assert level.score > deserve.score  # were 91/91


def test_a_phrase_denied_once_and_then_said_plainly_counts(scenario):
    fb = analyse_objection(scenario, "not_yet", typed(
        "I don't need to know what specifically. But what specifically would you need to see? Can we set a review "
        "date?"))
    entry = kp(fb, "what specifically")
    assert entry["hit"] and entry["denied"] is None and entry["start_word"] == 8
    assert fb.text.split()[8] == "what"


@pytest.mark.parametrize("text", [
    # a new user's own words, as Whisper heard them from the microphone (Festival voice, `rehearse run`)
    "That's fair. Which exact things would you need to see from me before you'd say yes? And could we put a check "
    "in on the calendar, say in six weeks to look at them together?",
    "Which specific areas would you want to see from me? Could we book a follow-up in six weeks?",
])
def test_not_yet_moves_in_a_new_users_words(scenario, text):
    fb = analyse_objection(scenario, "not_yet", typed(text))
    assert {m["move"] for m in fb.moves if m["made"]} == {"ask_specifics", "ask_date"}, fb.moves
    assert "specifically" not in (fb.tip or "") and "date" not in (fb.tip or "").lower()


def test_a_check_in_declined_is_not_asking_for_a_date(scenario):
    fb = analyse_objection(scenario, "not_yet", typed("We don't need to put a check in on the calendar."))
    assert "ask_date" not in {m["move"] for m in fb.moves if m["made"]}


@pytest.mark.parametrize("part, text, start", [
    ("intent", "I've been here five years, so I'd like a promotion to Senior Engineer this cycle.",
     'Drop "I\'ve been here five years":'),
    ("intent", "Sorry to bother you, I'd like to talk about my promotion to Senior Engineer.",
     'Skip "Sorry to bother you":'),
])
def test_a_framing_tip_quotes_the_words_without_the_clause_comma(scenario, part, text, start):
    fb = analyse_part(scenario, part, typed(text))
    assert fb.tip.startswith(start), fb.tip


def test_the_role_inside_earned_it_framing_is_no_explicit_ask(scenario):
    """Heard from the microphone as the answer to "what are you hoping happens next?": credited "explicit ask: yes"
    (the role alone), and the email then said "I asked to be promoted"."""
    fb = analyse_part(scenario, "ask", typed(
        "I've been here five years, so I deserve it. It's my turn to be a Senior Engineer. I worked really hard."))
    assert fb.signals["explicit_ask"] is False
    plain = analyse_part(scenario, "ask", typed("I've been here five years. I'd like to be a Senior Engineer."))
    assert plain.signals["explicit_ask"] is True  # the framing is flagged; a separate sentence still asks
    framed_ask = analyse_part(scenario, "ask", typed("I've been here five years, so I want a promotion to Senior "
                                                     "Engineer."))
    assert framed_ask.signals["explicit_ask"] is True and framed_ask.signals["earned_it"]  # asked, framing flagged


@pytest.mark.parametrize("text, words", [
    ("I'm not asking for a promotion. I don't think I'm operating at the senior level yet.",
     "I don't think I'm operating at the senior level yet."),
    ("Honestly, I'm not operating at the senior level, so I'd like to grow.", "I'm not operating at the senior level,"),
])
def test_a_denied_level_flag_quotes_the_denying_words(scenario, text, words):
    """The note "you said you are not working at the next level" quotes the denial, not just "I'm operating at"."""
    fb = analyse_part(scenario, "pitch", typed(text))
    flag = next(f for f in fb.flags if f.kind == "denied_level")
    assert flag.text == words
    heard = text.split()
    assert " ".join(heard[flag.start_word : flag.end_word + 1]) == words


@pytest.mark.parametrize("text", ["I think the timing is good because the team is growing.", "Okay, sure."])
def test_the_why_now_tip_warns_about_nothing_that_was_not_said(scenario, text):
    """No time was mentioned: the tip must not warn "not with time served" (the template scenario's tip is the same
    sentence, checked below)."""
    fb = analyse_objection(scenario, "why_now", typed(text))
    assert fb.tip and "time served" not in fb.tip.lower()
    for comp in fb.components:
        assert "time served" not in (comp.tip or "").lower()
    template = (SCENARIOS / "promotion.toml").read_text(encoding="utf-8")
    assert "time served" not in template


def test_the_breakdown_shows_what_counted_and_why_it_was_scaled(scenario):
    """"specificity 100/100 — 0 vague claims" on an empty answer misleads: the row shows the counted score and why."""
    fb = analyse_part(scenario, "pitch", typed("Okay, I guess that is fine. Whatever you think."))
    spec = next(c for c in fb.components if c.name == "specificity")
    assert spec.score == 100 and spec.scale < 1 and spec.counted == 0
    line = next(line for line in fb.to_text().splitlines() if line.strip().startswith("specificity"))
    assert line.split()[1] == "0"
    assert "counts as far as the answer has content" in line and "100" in line
    stored = fb.to_dict()["components"]
    row = next(c for c in stored if c["name"] == "specificity")
    assert row["score"] == 100 and row["counted"] == 0 and row["scale"] == spec.scale  # --json: fields added only
    # a full answer's rows are unscaled: no note
    full = analyse_part(scenario, "pitch", typed(scenario.pitch.intent.say + " " + " ".join(
        item.say for item in scenario.pitch.evidence.items)))
    assert all(c.scale == 1 or "counts as far" in full.to_text() for c in full.components)
    for c in full.components:
        if c.scale >= 1:
            text = next(line for line in full.to_text().splitlines() if line.strip().startswith(c.name))
            assert "counts as far" not in text


# --- not the user's own claim: what-ifs, someone else, plans offered as evidence, refusals (new user, 2026-12-01) -

@pytest.mark.parametrize("part, text", [
    ("intent", "If I were asking for a promotion to Senior Engineer, what would you want to see? But I am not asking "
               "this cycle."),
    ("intent", "My colleague Sam asked for a promotion to Senior Engineer this cycle, and I think he is operating at "
               "the senior level."),
    ("pitch", "Sam deserves a promotion to Senior Engineer this cycle, not me. He led the migration to OAuth."),
])
def test_a_what_if_or_someone_elses_ask_earns_nothing(scenario, part, text):
    fb = analyse_part(scenario, part, typed(text))
    assert fb.signals["explicit_ask"] is False, fb.flags
    assert not kp(fb, "promotion to Senior Engineer")["hit"]
    assert fb.score <= 30, fb.components


def test_a_move_inside_a_what_if_is_not_made(scenario):
    fb = analyse_objection(scenario, "not_yet", typed(
        "If I asked what specifically is missing, you would not tell me anyway."))
    assert "ask_specifics" not in {m["move"] for m in fb.moves if m["made"]}
    assert fb.score <= 30


def test_evidence_is_what_was_done_not_a_hope(scenario):
    hope = analyse_part(scenario, "evidence", typed(
        "Next year I hope to lead the migration to OAuth and cut support tickets by 62%."))
    done = analyse_part(scenario, "evidence", typed(
        "I led the migration to OAuth and support tickets dropped by 62%."))
    assert not kp(hope, "migration to OAuth")["hit"] and kp(done, "migration to OAuth")["hit"]
    assert hope.signals["evidence_items_heard"] == 0
    assert done.score >= hope.score + 20


@pytest.mark.parametrize("part, text", [
    ("intent", "I'm asking for a promotion to Senior Engineer. They told me I'm operating at the senior level."),
    ("intent", "If I get the promotion to Senior Engineer this cycle, I will keep leading the platform work."),
    ("evidence", "I mentored two engineers and both shipped features in their first month."),
    ("gaps", "I will lead the design review with the payments team next quarter to build cross-team influence."),
])
def test_plain_claims_with_other_people_or_plans_still_count(scenario, part, text):
    fb = analyse_part(scenario, part, typed(text))
    assert not any(k.get("denied") for k in fb.key_phrases), fb.key_phrases


def test_a_refusal_after_the_words_takes_them_back(scenario):
    fb = analyse_objection(scenario, "timing", typed("We could propose a date, but I would rather not."))
    assert "propose_date" not in {m["move"] for m in fb.moves if m["made"]}
    assert fb.score <= 30


@pytest.mark.parametrize("part, text", [
    ("objection:what_about_gap", "Okay, I understand."),
    ("ask", "Promotion."),
    ("objection:not_yet", "Fine, what specifically?"),
])
def test_a_one_liner_scores_at_most_30(scenario, part, text):
    fb = analyse(scenario, AnswerFor.parse(part), typed(text))
    assert fb.score <= 30, fb.components
    assert any(f.kind == "too_short" for f in fb.flags)


def test_a_recited_list_scores_at_most_40_whatever_else_it_hits(scenario):
    fb = analyse_part(scenario, "intent", typed(
        "Senior Engineer. This cycle. Operating at the senior level. Promotion to Senior Engineer."))
    assert any(f.kind == "bare_list" for f in fb.flags)
    assert fb.score <= 40
    said = analyse_part(scenario, "intent", typed(
        "I'm asking for a promotion to Senior Engineer this cycle: I'm already operating at the senior level."))
    assert said.score >= fb.score + 40


def test_a_near_miss_with_a_negation_in_it_is_a_denial_not_half_credit(scenario):
    fb = analyse_objection(scenario, "what_about_gap", typed("You're not right about that. I have no plan."))
    entry = kp(fb, "you're right")
    assert not entry["hit"] and entry["denied"] is not None
    assert not any(f.kind == "near_miss" and "you're right" in f.message for f in fb.flags)
    assert fb.score <= 10


def test_the_pace_tip_names_numbers_only_when_there_are_numbers(scenario):
    from rehearse.core.transcript import Word

    text = ("I'd like to talk about my promotion to Senior Engineer, I'm already operating at the senior level and "
            "I would like to make it official this cycle if you agree")
    words = text.split()
    fast = Transcript(text=text, words=[Word(w, i * 0.25, i * 0.25 + 0.2, 0.9) for i, w in enumerate(words)],
                      duration=len(words) * 0.25)
    fb = analyse_part(scenario, "intent", fast)
    tips = [c.tip for c in fb.components if c.name == "delivery"]
    assert tips and "number" not in tips[0] and "Slow down" in tips[0]


def test_a_gap_named_without_a_plan_is_flagged_and_the_tip_asks_for_the_plan(scenario):
    fb = analyse_part(scenario, "gaps", typed("My weakness is public speaking. I know this."))
    assert any(f.kind == "gap_without_plan" and "public speaking" in f.message for f in fb.flags)
    assert fb.tip.startswith("Give your plan for public speaking")
    planned = analyse_part(scenario, "gaps", typed(
        "My weakness is public speaking, so I will present the OAuth migration at the all-hands."))
    assert not any(f.kind == "gap_without_plan" for f in planned.flags)


@pytest.mark.parametrize("text, said", [
    ("I want to ask for a promotion to Senior Manager this cycle.", "Senior Manager"),
    ("I'd like to be promoted to Staff Engineer.", "Staff Engineer."),
])
def test_an_ask_for_another_role_is_no_ask_and_says_so(scenario, text, said):
    fb = analyse_part(scenario, "intent", typed(text))
    assert fb.signals["explicit_ask"] is False
    assert any(f.kind == "wrong_role" and said.rstrip(".") in f.message for f in fb.flags), fb.flags
    assert "Senior Engineer" in fb.tip
    right = analyse_part(scenario, "intent", typed(text.replace(said.rstrip("."), "Senior Engineer")))
    assert right.signals["explicit_ask"] is True and right.score >= fb.score + 30


def test_the_managers_reported_no_is_not_the_users_denial(scenario):
    fb = analyse_part(scenario, "intent", typed(
        "Last year you told me I was not ready for a promotion to Senior Engineer. This year I'm asking for a "
        "promotion to Senior Engineer this cycle."))
    assert kp(fb, "promotion to Senior Engineer")["hit"]  # said plainly later: it counts
    fb = analyse_part(scenario, "intent", typed(
        "Last year you told me I was not ready for a promotion to Senior Engineer. This year I'm asking again."))
    entry = kp(fb, "promotion to Senior Engineer")
    assert not entry["hit"] and entry["denied"]["kind"] == "reported"
    assert "inside a denial" not in fb.tip and "someone else said" in fb.tip


@pytest.mark.parametrize("text", [
    "Someday maybe we could agree a date, I don't know.",
    "Am I ready for Senior Engineer? Perhaps we could agree a date sometime, no pressure.",
])
def test_a_date_sometime_is_no_timeline(scenario, text):
    fb = analyse_part(scenario, "ask", typed(text))
    assert fb.signals["asked_timeline"] is False
    assert not any(k.get("own_words") for k in fb.key_phrases)  # one span credits one phrase at most


def test_one_span_credits_one_prepared_phrase(scenario):
    fb = analyse_part(scenario, "ask", typed("Am I ready for Senior Engineer? Can we agree a date for it?"))
    assert kp(fb, "agree a date")["hit"] and not kp(fb, "promotion cycle")["own_words"]


# --- a second new user, in the window (2026-12-01) ----------------------------------------------------------------

def test_someone_elses_evidence_credits_nothing_in_its_sentence(scenario):
    fb = analyse_part(scenario, "evidence", typed(
        "My colleague Sam led the migration to OAuth, and support tickets dropped by 62 percent. He also mentored "
        "two engineers in their first month."))
    assert not any(k["hit"] for k in fb.key_phrases), [(k["phrase"], k["hit"]) for k in fb.key_phrases]
    assert fb.signals["evidence_items_heard"] == 0
    assert fb.score <= 30


def test_a_what_if_reaches_to_the_end_of_its_sentence(scenario):
    fb = analyse_objection(scenario, "timing", typed(
        "If the timing were better, I would propose a date in March to check in."))
    assert not any(k["hit"] for k in fb.key_phrases)
    assert fb.score <= 30
    fb = analyse_part(scenario, "pitch", typed(
        "If I were asking for a promotion to Senior Engineer, I would say I'm operating at the senior level."))
    assert not kp(fb, "operating at the senior level")["hit"]
    assert not any(f.kind == "already_doing" for f in fb.flags)


def test_a_near_miss_is_never_said_to_be_a_what_if(scenario):
    fb = analyse_part(scenario, "ask", typed("If I were asking for a promotion, what would you say?"))
    for phrase in ("promotion cycle", "ready for Senior Engineer"):
        assert kp(fb, phrase)["denied"] is None, kp(fb, phrase)


def test_an_empty_plan_is_no_plan(scenario):
    fb = analyse_objection(scenario, "what_about_gap", typed(
        "You're right. My plan is to do something about it at some point, probably next quarter or so."))
    assert "plan" not in {m["move"] for m in fb.moves if m["made"]}
    assert "Put a date on your plan" not in (fb.tip or "")


def test_talking_about_the_evidence_names_no_gap_whose_plan_mentions_it(scenario):
    """The screenshot's pitch: "public speaking" was credited in other words from "I led the migration to OAuth"
    and "One area I'm still growing is cross team influence" (its plan is to present the OAuth migration)."""
    fb = analyse_part(scenario, "pitch", typed(
        "I'd like to talk about my promotion to Senior Engineer. I led the migration to OAuth and support tickets "
        "dropped by 62%. One area I'm still growing is cross team influence, so I will lead the design review next "
        "quarter."))
    assert fb.gaps["named"] == ["cross-team influence"]
    assert kp(fb, "public speaking")["own_words"] is None
