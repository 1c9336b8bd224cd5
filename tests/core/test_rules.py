"""The manager's branching, tested as rules: signals + persona + seed -> next move."""

import random

import pytest

from rehearse.core.answer_for import AnswerFor
from rehearse.core import rules
from rehearse.core.rules import Move, PitchState, next_move

ALL_GOOD = {"asked_timeline": True, "named_gaps": True, "evidence_with_numbers": True, "explicit_ask": True,
            "intent_early": True, "earned_it": False, "apologetic": False}


def signals(**changes):
    return {**ALL_GOOD, **changes}


def state_with(sig, raised=()):
    state = PitchState()
    state.hear(sig)
    state.raised.extend(raised)
    return state


@pytest.mark.parametrize(
    "sig, raised, persona, expected",
    [
        # no timeline asked -> vague encouragement, the answer scored as the ask
        (signals(asked_timeline=False), [], "supportive", Move("reaction", "no_timeline", AnswerFor.part("ask"))),
        (signals(named_gaps=False), [], "supportive", Move("reaction", "gaps_not_named", AnswerFor.part("gaps"))),
        (signals(evidence_with_numbers=False), [], "busy", Move("reaction", "no_numbers", AnswerFor.part("evidence"))),
        (signals(explicit_ask=False), [], "skeptical", Move("reaction", "no_ask", AnswerFor.part("ask"))),
        # several things missing: the order is ask, numbers, gaps, timeline
        (signals(asked_timeline=False, named_gaps=False, evidence_with_numbers=False), [], "supportive",
         Move("reaction", "no_numbers", AnswerFor.part("evidence"))),
        (signals(asked_timeline=False, named_gaps=False), ["gaps_not_named"], "supportive",
         Move("reaction", "no_timeline", AnswerFor.part("ask"))),
        # manner issues only once nothing is missing
        (signals(intent_early=False), [], "supportive", Move("reaction", "intent_buried", AnswerFor.part("intent"))),
        (signals(earned_it=True), [], "supportive", Move("reaction", "earned_it", AnswerFor.part("evidence"))),
        (signals(apologetic=True), [], "supportive", Move("reaction", "apologetic", AnswerFor.part("intent"))),
        (signals(apologetic=True, named_gaps=False), [], "supportive", Move("reaction", "gaps_not_named", AnswerFor.part("gaps"))),
        # nothing missing, supportive: straight to the outcome (seed 1 -> yes)
        (signals(), [], "supportive", Move("outcome", "yes", AnswerFor.part("ask"))),
        # still no timeline after the reaction -> ambiguous
        (signals(asked_timeline=False), ["no_timeline"], "supportive", Move("outcome", "ambiguous", AnswerFor.part("ask"))),
        (signals(named_gaps=False), ["gaps_not_named"], "supportive", Move("outcome", "not_yet", AnswerFor.part("ask"))),
        # the busy manager's budget is two exchanges
        (signals(asked_timeline=False, named_gaps=False, evidence_with_numbers=False),
         ["no_numbers", "gaps_not_named"], "busy", Move("outcome", "ambiguous", AnswerFor.part("ask"))),
    ],
)
def test_next_move_table(sig, raised, persona, expected):
    state = state_with(sig, raised)
    move = next_move(state, persona, random.Random(1), objection_ids=[])
    assert move == expected


def test_skeptical_manager_raises_an_objection_once_then_decides():
    state = state_with(signals())
    rng = random.Random(3)
    move = next_move(state, "skeptical", rng, objection_ids=["budget", "too_soon"])
    assert move.kind == "objection" and move.key in ("budget", "too_soon")
    assert move.expects == AnswerFor.objection(move.key)
    rules.apply(state, move)
    move2 = next_move(state, "skeptical", rng, objection_ids=["budget", "too_soon"])
    assert move2.kind == "outcome"
    rules.apply(state, move2)
    assert state.outcome == move2.key
    assert next_move(state, "skeptical", rng) == Move("end")


def test_reactions_without_a_line_are_skipped():
    state = state_with(signals(explicit_ask=False, named_gaps=False))
    move = next_move(state, "supportive", random.Random(0), reactions={"no_timeline", "gaps_not_named"})
    assert move == Move("reaction", "gaps_not_named", AnswerFor.part("gaps"))


def test_same_seed_same_conversation_and_persona_weights_the_outcome():
    def outcome(persona, seed):
        return next_move(state_with(signals()), persona, random.Random(seed)).key

    assert [outcome("supportive", s) for s in range(20)] == [outcome("supportive", s) for s in range(20)]
    yes = {p: sum(rules.decide_outcome(signals(), p, random.Random(s)) == "yes" for s in range(400))
           for p in rules.PERSONAS}
    assert yes["supportive"] > yes["busy"] > yes["skeptical"]
    # a weak pitch never gets a yes, whatever the persona or seed
    for p in rules.PERSONAS:
        for s in range(50):
            assert rules.decide_outcome(signals(named_gaps=False), p, random.Random(s)) == "not_yet"


def test_a_full_walk_is_bounded_and_merges_what_was_heard():
    state = PitchState()
    state.hear(signals(asked_timeline=False, evidence_with_numbers=False, apologetic=True))
    rng = random.Random(5)
    seen = []
    for _ in range(10):
        move = next_move(state, "supportive", rng)
        rules.apply(state, move)
        seen.append(move.key)
        if move.kind != "reaction":
            break
        # the user fixes exactly what was asked about
        if move.key == "no_numbers":
            state.hear({"evidence_with_numbers": True, "apologetic": False})
        if move.key == "no_timeline":
            state.hear({"asked_timeline": True, "apologetic": False})
    assert seen[:2] == ["no_numbers", "no_timeline"]
    assert seen[-1] in ("yes", "not_yet")  # strong now; apologetic cleared by the later answers
    assert len(seen) <= rules.PERSONA_RULES["supportive"].max_reactions + 1


def test_fill_and_pick():
    assert rules.fill("What about {gap}, {name}?", {"gap": "mentoring"}) == "What about mentoring, {name}?"
    assert rules.pick(["a", "b", "c"], random.Random(2)) == rules.pick(["a", "b", "c"], random.Random(2))
    assert rules.pick("only", random.Random(0)) == "only"


@pytest.mark.parametrize(
    "text, confirmed",
    [
        ("Great. So Senior Engineer from March, with the new salary band?",
         {"title": True, "timeline": True, "compensation": True}),
        ("Thank you, I really appreciate it.", {"title": False, "timeline": False, "compensation": False}),
        ("So it's senior engineer, and what about the pay?", {"title": True, "timeline": False, "compensation": True}),
    ],
)
def test_confirming_a_yes(text, confirmed):
    assert rules.confirmation(text, "Senior Engineer") == confirmed


def test_confirmation_tip_names_what_is_missing():
    assert rules.confirmation_tip({"title": True, "timeline": True, "compensation": True}) is None
    assert rules.confirmation_tip({"title": True, "timeline": False, "compensation": False}) == \
        "Before you leave the room, confirm when it takes effect and the compensation."


def test_praise_only_when_earned():
    line = "That's a strong list. What about cross-team influence, though?"
    assert rules.without_unearned_praise(line, earned=False) == "What about cross-team influence, though?"
    assert rules.without_unearned_praise(line, earned=True) == line
    assert rules.without_unearned_praise("Thanks, that's well prepared. I can work with that.", False) == (
        "I can work with that.")
    # a line with no praise, or nothing but praise, is left as it is
    assert rules.without_unearned_praise("What about {gap}?", False) == "What about {gap}?"
    assert rules.without_unearned_praise("That's a clear case.", False) == "That's a clear case."
    assert not rules.praise_earned(10) and rules.praise_earned(85)
    assert not rules.praise_earned(None)


def test_the_closing_tip_never_asks_for_what_the_last_answer_just_did():
    from rehearse.core.feedback import analyse_objection
    from rehearse.core.loader import load_scenario
    from rehearse.core.transcript import Transcript
    from rehearse.paths import SCENARIOS

    scenario = load_scenario(SCENARIOS / "example-senior-engineer.toml")
    tip = rules.OUTCOME_TIPS["not_yet"]

    def moves(text):
        return analyse_objection(scenario, "not_yet", Transcript(text=text)).to_dict()["moves"]

    both = moves("What specifically would you need to see from me, and can we agree a date to review it?")
    assert all(m["made"] for m in both) and len(both) == 2
    follow_up = rules.closing_tip(tip, both, "Dana")
    assert follow_up.startswith("Send Dana a short written follow-up within 24 hours")
    date_only = moves("Okay. Can we agree a date to look at it again, say the end of March?")
    assert {m["move"]: m["made"] for m in date_only} == {"ask_specifics": False, "ask_date": True}
    assert rules.closing_tip(tip, date_only, "Dana") == "Next time also ask what specifically is missing."
    assert rules.closing_tip(tip, moves("Okay, thanks."), "Dana") == tip  # nothing done: the whole tip
    assert rules.closing_tip(tip, None, "Dana") == tip  # no answer to the line


def test_the_manager_never_asks_what_the_user_is_asking_for_after_they_asked():
    import random

    from rehearse.core.rules import PitchState, next_move

    first = {"intent_early": False, "explicit_ask": True, "asked_timeline": True, "named_gaps": True,
             "evidence_with_numbers": True}
    state = PitchState()
    state.hear(first)
    assert next_move(state, "supportive", random.Random(1)).key == "intent_buried"
    state = PitchState()
    state.hear(first)
    state.hear({"explicit_ask": True, "asked_timeline": True})  # a later answer asks again, plainly
    assert next_move(state, "supportive", random.Random(1)).key != "intent_buried"
