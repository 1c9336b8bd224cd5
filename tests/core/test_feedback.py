"""Feedback analysers on the shipped example scenario: every analyser, flags pointing at words, scores, tips."""

import pytest

from rehearse.core.answer_for import AnswerFor
from rehearse.core.feedback import WEIGHTS, analyse, analyse_objection, analyse_part
from rehearse.core.loader import load_scenario
from rehearse.core.transcript import Transcript, Word
from rehearse.errors import UserError
from rehearse.paths import SCENARIOS


@pytest.fixture(scope="module")
def scenario():
    return load_scenario(SCENARIOS / "example-senior-engineer.toml")


def typed(text: str) -> Transcript:
    return Transcript(text=text)


def timed(text: str, wpm: float = 140.0, pauses: dict[int, float] | None = None, start: float = 0.3) -> Transcript:
    """A transcript with word timings: each word takes 60/wpm seconds; pauses[i] adds silence after word i."""
    per_word = 60.0 / wpm
    t, words = start, []
    for i, w in enumerate(text.split()):
        words.append(Word(w, round(t, 3), round(t + per_word * 0.85, 3), 0.9))
        t += per_word + (pauses or {}).get(i, 0.0)
    return Transcript(text=text, words=words, duration=round(t + 0.3, 3))


def flags_of(fb, kind):
    return [f for f in fb.flags if f.kind == kind]


def points_at_its_words(fb):
    words = fb.text.split()
    for f in fb.flags:
        if f.start_word is not None:
            assert f.text == " ".join(words[f.start_word : f.end_word + 1]), f
    return True


STRONG_INTENT = ("I'd like to talk about my promotion to Senior Engineer. Over the past year I've been operating at "
                 "the senior level, and I'd like us to make that official this cycle.")


def test_strong_intent_scores_high_with_every_phrase(scenario):
    fb = analyse_part(scenario, "intent", typed(STRONG_INTENT))
    d = fb.to_dict()
    assert [kp["hit"] for kp in d["key_phrases"]] == [True, True, True]
    assert d["signals"]["intent_early"] and d["signals"]["explicit_ask"] and d["signals"]["already_doing"]
    assert not d["signals"]["earned_it"] and not d["signals"]["apologetic"]
    assert d["score"] >= 90
    assert {c["name"] for c in d["components"]} == set(WEIGHTS["intent"])
    assert points_at_its_words(fb)


def test_buried_intent_is_flagged_and_costs_points(scenario):
    context = " ".join(["So last spring we had a lot going on with the platform and the team grew."] * 6)
    fb = analyse_part(scenario, "intent", typed(context + " Anyway I would like a promotion to Senior Engineer."))
    [flag] = flags_of(fb, "intent_buried")
    assert flag.severity == "warning" and flag.start_word > 75
    assert flag.text == fb.text.split()[flag.start_word]  # "promotion", where the ask finally came
    assert not fb.signals["intent_early"] and fb.signals["explicit_ask"]
    comp = next(c for c in fb.components if c.name == "intent_early")
    assert 30 <= comp.score < 100
    assert "first sentence" in comp.tip


def test_intent_by_time_when_there_are_timings(scenario):
    text = "Thanks for the time. I wanted to talk about a promotion to Senior Engineer."
    early = analyse_part(scenario, "intent", timed(text))
    late = analyse_part(scenario, "intent", timed(text, pauses={3: 40.0}))
    assert early.signals["intent_early"] and not late.signals["intent_early"]
    [flag] = flags_of(late, "intent_buried")
    assert flag.start is not None and flag.start > 30 and "s of context" in flag.message


def test_no_intent_at_all(scenario):
    fb = analyse_part(scenario, "intent", typed("The weather has been nice and the team is doing fine."))
    assert flags_of(fb, "no_intent") and not fb.signals["explicit_ask"]
    assert next(c for c in fb.components if c.name == "intent_early").score == 0


def test_earned_it_and_apologetic_framing(scenario):
    text = ("Sorry to bother you, I know this might be presumptuous, but I've been here for five years and I "
            "deserve a promotion to Senior Engineer.")
    fb = analyse_part(scenario, "intent", typed(text))
    earned = [f.text for f in flags_of(fb, "earned_it")]
    sorry = [f.text for f in flags_of(fb, "apologetic")]
    assert earned == ["I've been here for five years", "deserve"] or earned == [
        "I've been here for five years", "I deserve"]
    assert sorry[0] == "Sorry to bother you," and any("presumptuous" in s for s in sorry)
    assert fb.signals["earned_it"] and fb.signals["apologetic"]
    assert next(c for c in fb.components if c.name == "framing").score == 0
    assert fb.tip.startswith('Drop "I\'ve been here for five years"')
    assert points_at_its_words(fb)


def test_evidence_items_with_numbers_in_both_recognizer_styles(scenario):
    whisper = "I led the migration to OAuth and login support tickets dropped by 62%."
    vosk = "i led the migration to oauth and login support tickets dropped by sixty two percent"
    for text in (whisper, vosk):
        fb = analyse_part(scenario, "evidence", typed(text))
        first = fb.evidence[0]
        assert first["heard"] and first["with_number"], text
        [good] = [f for f in flags_of(fb, "evidence_number") if "OAuth" in f.message]
        assert good.text in ("62%.", "sixty two") and good.severity == "good"
        assert fb.signals["evidence_with_numbers"]
        assert fb.signals["evidence_items_with_numbers"] == 1


def test_evidence_without_number_and_a_different_number(scenario):
    fb = analyse_part(scenario, "evidence", typed("I led the migration to OAuth and support tickets dropped a lot."))
    assert fb.evidence[0] == {**fb.evidence[0], "heard": True, "with_number": False}
    [flag] = flags_of(fb, "no_number")
    assert "62%" in flag.message and flag.text == "migration to OAuth"
    assert "62%" in fb.tip
    wrong = analyse_part(scenario, "evidence", typed("After the migration to OAuth tickets dropped by 26%."))
    assert not wrong.evidence[0]["with_number"]


def test_evidence_partial_credit(scenario):
    none = analyse_part(scenario, "evidence", typed("I have done many things this year."))
    one = analyse_part(scenario, "evidence", typed("I led the migration to OAuth; tickets fell 62%."))
    two = analyse_part(scenario, "evidence", typed(
        "I led the migration to OAuth; tickets fell 62%. The caching layer took checkout to 350 milliseconds."))
    scores = [next(c.score for c in fb.components if c.name == "evidence") for fb in (none, one, two)]
    assert scores == [0, 25, 50]
    assert not none.signals["evidence_with_numbers"]


def test_vague_claims_flagged(scenario):
    fb = analyse_part(scenario, "evidence", typed("I worked really hard all year and did really good work."))
    vague = [f.text for f in flags_of(fb, "vague_claim")]
    assert vague == ["worked really hard", "really good work."]
    assert fb.signals["vague"]
    assert next(c for c in fb.components if c.name == "specificity").score == 40
    assert points_at_its_words(fb)


def test_gaps_named_with_partial_credit(scenario):
    fb = analyse_part(scenario, "gaps", typed(
        "I'm still building cross-team influence, so I'll lead the design review next quarter."))
    assert fb.signals["named_gaps"]
    [named] = flags_of(fb, "gap_named")
    assert named.text == "cross-team influence,"
    [missing] = flags_of(fb, "gap_not_named")
    assert "public speaking" in missing.message and missing.start_word is None
    assert next(c for c in fb.components if c.name == "gaps").score == 50
    assert "public speaking" in fb.tip
    nothing = analyse_part(scenario, "gaps", typed("I think I am ready."))
    assert not nothing.signals["named_gaps"]


def test_ask_and_timeline(scenario):
    both = analyse_part(scenario, "ask", typed(
        "Do you see me as ready for Senior Engineer? Can we agree a date before the promotion cycle?"))
    assert both.signals["explicit_ask"] and both.signals["asked_timeline"]
    assert next(c for c in both.components if c.name == "ask").score == 100
    no_date = analyse_part(scenario, "ask", typed("Do you see me as ready for Senior Engineer?"))
    assert no_date.signals["explicit_ask"] and not no_date.signals["asked_timeline"]
    assert flags_of(no_date, "no_timeline")
    assert no_date.tip == f'Ask for a timeline: "{scenario.pitch.ask.timeline}"'
    neither = analyse_part(scenario, "ask", typed("So yeah, that's all from me."))
    assert not neither.signals["explicit_ask"] and neither.tip.startswith("Ask directly")


def test_key_phrase_misses_show_what_was_heard_instead(scenario):
    fb = analyse_part(scenario, "ask", typed("Am I ready for senior manager? What specifically is missing?"))
    by_phrase = {kp["phrase"]: kp for kp in fb.key_phrases}
    hit = by_phrase["what specifically"]
    assert hit["hit"] and hit["heard"] == "What specifically" and hit["closest"] is None
    miss = by_phrase["ready for Senior Engineer"]
    assert not miss["hit"] and miss["heard"] is None
    assert miss["closest"]["text"] == "ready for senior manager?" and miss["closest"]["similarity"] > 75
    # another role is a miss, never a near one: it is shown, but earns nothing
    assert flags_of(fb, "near_miss") == []
    comp = next(c for c in fb.components if c.name == "key_phrases")
    assert comp.score == pytest.approx(100 * 1 / 4)
    # a near miss of the same role (a recognizer's slip) earns half credit and is flagged, pointing at the words
    fb = analyse_part(scenario, "ask", typed("Am I rated for senior engineer? What specifically is missing?"))
    assert flags_of(fb, "near_miss")[0].text == "rated for senior engineer?"
    comp = next(c for c in fb.components if c.name == "key_phrases")
    assert comp.score == pytest.approx(100 * (1 + 0.5) / 4)


def test_objection_strong_response_phrases(scenario):
    good = analyse_objection(scenario, "not_yet", typed(
        "I understand. What specifically would you need to see at the next level? Can we set a review date?"))
    weak = analyse_objection(scenario, "not_yet", typed("Okay, I understand, I'll keep working hard."))
    assert all(kp["hit"] for kp in good.key_phrases)
    assert good.score > weak.score + 30
    assert weak.tip.startswith(scenario.objection("not_yet").tip)
    assert {c.name for c in good.components} == set(WEIGHTS["objection"])
    assert good.answer_for == AnswerFor.objection("not_yet") and good.signals["asked_timeline"]
    budget = analyse(scenario, AnswerFor.parse("objection:budget"), typed("x"))
    assert budget.answer_for.is_objection and budget.to_dict()["part"] == "objection:budget"


def test_unknown_part_and_objection_list_valid_ones(scenario):
    with pytest.raises(UserError, match="intent, evidence, gaps, ask, pitch, objection:not_yet"):
        analyse_part(scenario, "intro", typed("x"))
    with pytest.raises(UserError, match="not_yet, what_about_gap, timing, budget"):
        analyse_objection(scenario, "nope", typed("x"))


def test_fillers_and_hedges_per_minute(scenario):
    text = "Um, I think, uh, I'm maybe ready for, you know, a promotion to Senior Engineer this cycle, um."
    fb = analyse_part(scenario, "intent", timed(text, wpm=120))
    d = fb.delivery
    assert d["fillers"] == 4 and d["hedges"] == 2
    minutes = d["duration"] / 60
    assert d["fillers_per_min"] == pytest.approx(4 / minutes, abs=0.1)
    assert [f.text for f in flags_of(fb, "filler")] == ["Um,", "uh,", "know,", "um."] or \
        [f.text for f in flags_of(fb, "filler")][0] == "Um,"
    assert next(c for c in fb.components if c.name == "delivery").score < 80
    assert points_at_its_words(fb)


def test_pace_and_pauses_from_timings(scenario):
    fast = analyse_part(scenario, "intent", timed(STRONG_INTENT, wpm=220))
    assert fast.delivery["wpm_speaking"] == pytest.approx(220 / 0.85 * 0.85, rel=0.2)
    assert flags_of(fast, "pace") and "faster" in flags_of(fast, "pace")[0].message
    steady = analyse_part(scenario, "intent", timed(STRONG_INTENT, wpm=140))
    assert not flags_of(steady, "pace") and 120 <= steady.delivery["wpm_speaking"] <= 165
    paused = analyse_part(scenario, "intent", timed(STRONG_INTENT, wpm=140, pauses={5: 2.0, 12: 1.5, 20: 0.6}))
    pauses = paused.delivery["pauses"]
    assert [p["after_word"] for p in pauses] == [5, 12]
    assert [f.start_word for f in flags_of(paused, "long_pause")] == [5, 12]
    flag = flags_of(paused, "long_pause")[0]
    assert flag.end - flag.start == pytest.approx(2.0 + 60 / 140 * 0.15, abs=0.01)
    # speaking-time pace ignores the pauses; total-time pace does not
    assert paused.delivery["wpm_speaking"] > paused.delivery["wpm_total"]


def test_typed_answers_have_no_pace_but_an_estimated_length(scenario):
    fb = analyse_part(scenario, "intent", typed(STRONG_INTENT))
    d = fb.delivery
    assert d["wpm_speaking"] is None and d["wpm_total"] is None and d["duration"] is None and d["pauses"] == []
    assert d["words"] == len(STRONG_INTENT.split()) and d["target_seconds"] == 30
    assert d["estimated_seconds"] == pytest.approx(d["words"] / 140 * 60, abs=0.1)


def test_too_long_answer(scenario):
    long = analyse_part(scenario, "intent", timed(" ".join([STRONG_INTENT] * 4)))
    [flag] = flags_of(long, "too_long")
    assert "30 s target" in flag.message and flag.start_word == 0


def test_score_is_the_weighted_mean_and_tip_from_the_biggest_loss(scenario):
    fb = analyse_part(scenario, "ask", typed("Do you see me as ready for Senior Engineer?"))
    comps = fb.components
    expected = sum(c.weight * max(0, 100 * c.scale - (100 - c.score)) for c in comps) / sum(c.weight for c in comps)
    assert fb.score == round(expected)
    # framing and delivery count only as far as there is content (here: the ask without a timeline)
    content = [c for c in comps if c.name in ("key_phrases", "ask")]
    share = sum(c.weight * c.score for c in content) / sum(c.weight for c in content)
    assert all(c.scale == pytest.approx(min(1.0, share / 60)) for c in comps if c.name in ("framing", "delivery"))
    worst = max((c for c in comps if c.tip), key=lambda c: (c.priority, c.weight * (100 - c.score)))
    assert fb.tip == worst.tip


def test_pitch_combines_every_part(scenario):
    text = ("I'd like to talk about my promotion to Senior Engineer; I've been operating at the senior level. "
            "I led the migration to OAuth and support tickets fell 62%. I'm still growing my cross-team influence, "
            "so I'll lead the design review next quarter. Are you ready to put me forward this cycle, and by when "
            "could we decide?")
    fb = analyse_part(scenario, "pitch", typed(text))
    assert {c.name for c in fb.components} == set(WEIGHTS["pitch"])
    s = fb.signals
    assert s["intent_early"] and s["evidence_with_numbers"] and s["named_gaps"] and s["explicit_ask"]
    assert s["asked_timeline"]
    assert fb.delivery["target_seconds"] == 240
    assert points_at_its_words(fb)


def test_empty_answer(scenario):
    fb = analyse_part(scenario, "evidence", typed(""))
    assert fb.score == 0 and "Nothing was heard" in fb.tip
    assert fb.delivery["words"] == 0


def test_to_dict_has_the_agreed_shape(scenario):
    import json

    d = analyse_part(scenario, "pitch", timed(STRONG_INTENT)).to_dict()
    json.dumps(d)
    assert {"score", "components", "key_phrases", "flags", "tip", "delivery", "signals"} <= set(d)
    assert set(d["components"][0]) >= {"name", "weight", "score", "detail"}
    assert set(d["key_phrases"][0]) >= {"phrase", "hit", "score", "heard", "start_word", "end_word"}
    assert set(d["flags"][0]) == {"kind", "severity", "message", "text", "start_word", "end_word", "start", "end"}
    assert set(d["delivery"]) >= {"fillers", "fillers_per_min", "hedges", "hedges_per_min", "wpm_speaking",
                                  "wpm_total", "pauses", "duration", "target_seconds", "words"}
    assert set(d["signals"]) >= {"asked_timeline", "named_gaps", "evidence_with_numbers", "explicit_ask",
                                 "intent_early", "earned_it", "apologetic"}
    assert all(isinstance(v, bool) for k, v in d["signals"].items() if not k.startswith("evidence_items"))
    assert isinstance(d["score"], int) and 0 <= d["score"] <= 100


def test_timings_that_do_not_line_up_are_ignored(scenario):
    t = timed(STRONG_INTENT)
    t.words = t.words[:-2]
    fb = analyse_part(scenario, "intent", t)
    assert all(f.start is None for f in fb.flags)
    assert fb.delivery["wpm_speaking"] is None and fb.delivery["duration"] == t.duration


def test_earned_it_is_flagged_in_any_part_and_leads_the_tip(scenario):
    fb = analyse_part(scenario, "ask", typed(
        "I deserve it. Do you see me as ready for Senior Engineer? Can we agree a date this cycle?"))
    assert [f.text for f in flags_of(fb, "earned_it")] == ["I deserve"]
    assert fb.signals["earned_it"]
    framing = next(c for c in fb.components if c.name == "framing")  # framing lowers every part's score …
    assert framing.score <= 55
    assert fb.tip.startswith('Drop "I deserve"')  # … and is the most useful thing to fix
    clean = analyse_part(scenario, "ask", typed(
        "I'm already operating at the senior level. Do you see me as ready for Senior Engineer? Can we agree a date "
        "this cycle?"))
    assert clean.score >= fb.score + 8


def test_every_answer_reports_what_it_contained(scenario):
    # an objection answer that names the gap and asks for a date updates those signals for the rules
    fb = analyse_objection(scenario, "what_about_gap", typed(
        "You're right about cross-team influence; my plan is to lead the design review. Can we check in by March?"))
    assert fb.signals["named_gaps"] and fb.signals["asked_timeline"]
    assert not flags_of(fb, "gap_not_named")  # flags only for what this kind of answer is scored on
    evidence = analyse_part(scenario, "evidence", typed("The OAuth migration cut tickets 62%. When can we decide?"))
    assert evidence.signals["asked_timeline"] and evidence.signals["evidence_with_numbers"]
    assert not flags_of(evidence, "timeline")


def _vosk_style(text: str) -> str:
    """How Vosk prints the same words: lower case, no punctuation, numbers as words."""
    import re

    from num2words import num2words

    text = re.sub(r"(\d+)%", lambda m: num2words(int(m.group(1))).replace("-", " ") + " percent", text)
    text = re.sub(r"\d+", lambda m: num2words(int(m.group(0))).replace("-", " "), text)
    return " ".join(re.sub(r"[^\w' ]", " ", text.lower()).split())


@pytest.mark.parametrize("part,text", [
    ("intent", "Sorry to bother you. I've been here 5 years and I deserve a promotion to Senior Engineer."),
    ("evidence", "I led the migration to OAuth and support tickets fell 62%. I worked really hard on checkout."),
    ("gaps", "I'm still growing my cross-team influence, so I'll lead the design review next quarter."),
    ("ask", "Do you see me as ready for Senior Engineer? Can we agree a date before the promotion cycle?"),
    ("objection:not_yet", "What specifically is missing? Can we set a review date?"),
])
def test_both_recognizer_styles_give_the_same_verdict(scenario, part, text):
    whisper = analyse(scenario, AnswerFor.parse(part), typed(text))
    vosk = analyse(scenario, AnswerFor.parse(part), typed(_vosk_style(text)))
    assert vosk.signals == whisper.signals
    assert [kp["hit"] for kp in vosk.key_phrases] == [kp["hit"] for kp in whisper.key_phrases]
    assert sorted(f.kind for f in vosk.flags) == sorted(f.kind for f in whisper.flags)
    assert abs(vosk.score - whisper.score) <= 2


def test_the_target_role_keeps_every_word_in_the_feedback(scenario):
    """The scenario's target role is a title even where a key phrase writes it in lower case: "promotion to manager"
    does not earn the phrase "promotion to marketing manager" when the role is Marketing Manager."""
    import copy
    sc = copy.deepcopy(scenario)
    sc.who.target_role = "Marketing Manager"
    sc.pitch.intent.key_phrases = ["promotion to marketing manager"]
    missed = analyse_part(sc, "intent", typed("I'd like to talk about my promotion to manager this cycle.")).to_dict()
    assert [kp["hit"] for kp in missed["key_phrases"]] == [False]
    said = analyse_part(sc, "intent", typed("I'd like to talk about my promotion to marketing manager this cycle."))
    assert [kp["hit"] for kp in said.to_dict()["key_phrases"]] == [True]
