"""The manager's branching in pitch mode: what the manager does next, given what was heard so far.

Pure and seeded: the same signals, persona and ``random.Random(seed)`` give the same move. The rules:

1. The manager reacts to the first thing missing from the pitch, in this order, each at most once:
   no explicit ask -> ``no_ask``; evidence without numbers -> ``no_numbers`` ("can you quantify that?");
   gaps not named -> ``gaps_not_named`` ("what about <gap>?"); no timeline asked -> ``no_timeline`` (vague
   encouragement). Then, with nothing of that missing: intent buried late -> ``intent_buried``; "I've earned
   it" reasoning -> ``earned_it``; an apologetic tone -> ``apologetic``; impressions instead of facts -> ``vague``.
2. When nothing is missing, a skeptical manager (always) or a busy one (sometimes) raises one of the scenario's
   objections before deciding.
3. Then the outcome: a strong pitch (ask, numbers, gaps and timeline all heard) gets ``yes`` with a
   persona-weighted chance, otherwise ``not_yet`` with conditions; a pitch that never pinned down a timeline
   ends ``ambiguous``; anything else ``not_yet``. The number of reactions is bounded per persona; when the
   budget is spent the manager decides with what was heard.
4. After the outcome the user answers once more (confirming title, timeline and compensation after a yes, or
   pinning down criteria and a review date otherwise), and the conversation ends.
5. The manager reacts to what was heard: the signals are denial-aware (a phrase said inside a denial is not heard);
   a line's opening praise ("That's a strong list.") is said only when the answer earned it
   (:func:`praise_earned`); "what about {gap}" asks about a gap the user has not named in any answer so far, never
   one just named, and is not asked at all once every gap was named.
"""

from __future__ import annotations

import random
import re
import string
from dataclasses import dataclass, field

from rehearse.core.analysers.words import find, load_list
from rehearse.core.answer_for import AnswerFor
from rehearse.core.matching import match_phrase
from rehearse.core.normalize import tokenize

PERSONAS = ("supportive", "skeptical", "busy")
DEFAULT_PERSONA = "supportive"
SIGNALS = ("asked_timeline", "named_gaps", "evidence_with_numbers", "explicit_ask", "intent_early", "earned_it",
           "apologetic")
OUTCOMES = ("yes", "not_yet", "ambiguous")


@dataclass(frozen=True)
class PersonaRules:
    max_reactions: int  # reactions + objections the manager raises before deciding
    p_yes: float  # chance a strong pitch gets a yes (otherwise a not-yet with conditions)
    p_objection: float  # chance the manager raises an objection when nothing is missing


PERSONA_RULES = {
    "supportive": PersonaRules(max_reactions=3, p_yes=0.8, p_objection=0.0),
    "skeptical": PersonaRules(max_reactions=4, p_yes=0.4, p_objection=1.0),
    "busy": PersonaRules(max_reactions=2, p_yes=0.6, p_objection=0.3),
}

# (signal that must be True, reaction key when it is not, the pitch part an answer to it is scored as)
MISSING_RULES = (
    ("explicit_ask", "no_ask", "ask"),
    ("evidence_with_numbers", "no_numbers", "evidence"),
    ("named_gaps", "gaps_not_named", "gaps"),
    ("asked_timeline", "no_timeline", "ask"),
)
# Weaker issues, raised only when none of the above is missing: (signal, value that is a problem, key, part).
MANNER_RULES = (
    ("intent_early", False, "intent_buried", "intent"),
    ("earned_it", True, "earned_it", "evidence"),
    ("apologetic", True, "apologetic", "intent"),
    ("vague", True, "vague", "evidence"),
)
REACTION_PART = ({key: part for _signal, key, part in MISSING_RULES}
                 | {key: part for _signal, _bad, key, part in MANNER_RULES})
STRONG_SIGNALS = tuple(signal for signal, _key, _part in MISSING_RULES)
# What the user's answer to an outcome is scored as (the ask: role, timeline, compensation / criteria).
OUTCOME_EXPECTS = {"yes": AnswerFor.part("ask"), "not_yet": AnswerFor.part("ask"), "ambiguous": AnswerFor.part("ask")}


@dataclass(frozen=True)
class Move:
    """The manager's next move. ``kind``: reaction | objection | outcome | end."""

    kind: str
    key: str = ""  # reaction key, objection id or outcome
    expects: AnswerFor | None = None  # what the user's answer is scored as; None when the conversation ends


@dataclass
class PitchState:
    """What the manager knows so far. Signals are merged over the user's answers (once heard, stays heard)."""

    signals: dict[str, bool] = field(default_factory=dict)
    raised: list[str] = field(default_factory=list)  # reaction keys and objection ids raised so far, in order
    objections: list[str] = field(default_factory=list)  # the objection ids among them
    outcome: str | None = None
    ended: bool = False
    answers: int = 0  # answers heard so far
    asked_later: bool = False  # an answer after the first asked plainly: "what are you asking me for?" is moot

    def hear(self, signals: dict | None) -> None:
        self.answers += 1
        self.asked_later = self.asked_later or (self.answers > 1 and (signals or {}).get("explicit_ask") is True)
        for name, value in (signals or {}).items():
            if not isinstance(value, bool):
                continue  # counts and positions (e.g. intent_word) are details, not signals
            if name in ("apologetic", "earned_it", "vague"):
                # Manner is about the latest answer: a better answer replaces it.
                self.signals[name] = bool(value)
            else:
                self.signals[name] = bool(self.signals.get(name)) or bool(value)

    @property
    def exchanges(self) -> int:
        return len(self.raised)


def persona_rules(persona: str | None) -> PersonaRules:
    return PERSONA_RULES.get(persona or DEFAULT_PERSONA, PERSONA_RULES[DEFAULT_PERSONA])


def missing(signals: dict) -> list[tuple[str, str]]:
    """(reaction key, part) for each thing a strong pitch has that this one lacks, in the order raised."""
    return [(key, part) for signal, key, part in MISSING_RULES if not signals.get(signal)]


def is_strong(signals: dict) -> bool:
    return all(signals.get(s) for s in STRONG_SIGNALS)


def decide_outcome(signals: dict, persona: str | None, rng: random.Random) -> str:
    if is_strong(signals):
        return "yes" if rng.random() < persona_rules(persona).p_yes else "not_yet"
    if not signals.get("asked_timeline"):
        return "ambiguous"
    return "not_yet"


def next_move(state: PitchState, persona: str | None, rng: random.Random, *,
              reactions: set[str] | None = None, objection_ids: list[str] = ()) -> Move:
    """The manager's next move after the user's latest answer (``state`` already holds what was heard).

    ``reactions``: the reaction keys the scenario has lines for (None: all); keys without a line are skipped.
    ``objection_ids``: the scenario's objections the manager may raise.
    """
    if state.ended:
        return Move("end")
    if state.outcome is not None:
        return Move("end")
    rules = persona_rules(persona)
    if state.exchanges < rules.max_reactions:
        for key, part in missing(state.signals):
            if key not in state.raised and (reactions is None or key in reactions):
                return Move("reaction", key, AnswerFor.part(part))
        if not missing(state.signals):
            for signal, bad, key, part in MANNER_RULES:
                if key == "intent_buried" and state.asked_later:
                    continue  # never ask what the user is asking for right after they said it
                if (signal in state.signals and bool(state.signals[signal]) == bad and key not in state.raised
                        and (reactions is None or key in reactions)):
                    return Move("reaction", key, AnswerFor.part(part))
        fresh = [oid for oid in objection_ids if oid not in state.objections]
        if not state.objections and fresh and not missing(state.signals) and rng.random() < rules.p_objection:
            oid = rng.choice(fresh)
            return Move("objection", oid, AnswerFor.objection(oid))
    outcome = decide_outcome(state.signals, persona, rng)
    return Move("outcome", outcome, OUTCOME_EXPECTS[outcome])


def apply(state: PitchState, move: Move) -> None:
    """Record that the manager made ``move``."""
    if move.kind == "reaction":
        state.raised.append(move.key)
    elif move.kind == "objection":
        state.raised.append(move.key)
        state.objections.append(move.key)
    elif move.kind == "outcome":
        state.outcome = move.key
    elif move.kind == "end":
        state.ended = True


PRAISE_SCORE = 70  # an answer earns the manager's praise from this score on


def praise_earned(score: int | None) -> bool:
    """True when the answer the manager reacts to earned a word of praise (its score is at least PRAISE_SCORE)."""
    return score is not None and score >= PRAISE_SCORE


def without_unearned_praise(text: str, earned: bool) -> str:
    """``text`` without its opening sentences of praise (``assets/words/praise.txt``) unless ``earned``.

    "That's a strong list. What about cross-team influence, though?" after an answer that scored 10 becomes "What
    about cross-team influence, though?". A line that is nothing but praise is left as it is.
    """
    if earned:
        return text
    sentences = [s for s in re.split(r"(?<=[.!?])\s+", text.strip()) if s]
    while len(sentences) > 1 and find(tokenize(sentences[0]), load_list("praise")):
        sentences.pop(0)
    return " ".join(sentences)


class _Keep(dict):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def fill(template: str, values: dict[str, str]) -> str:
    """Fill ``{gap}``, ``{target_role}``, ``{manager}``... placeholders; unknown ones are left as written."""
    try:
        return string.Formatter().vformat(template, (), _Keep(values))
    except (ValueError, IndexError):
        return template


def pick(variants, rng: random.Random) -> str:
    """One of a line's variants (a string or a list of strings), chosen by the seeded RNG."""
    if isinstance(variants, str):
        return variants
    variants = list(variants)
    if not variants:
        return ""
    return variants[0] if len(variants) == 1 else rng.choice(variants)


# --- lines and tips the scenario file does not carry -----------------------------------------------------------

# The manager's prompt for each part when the user gives the pitch part by part.
PART_PROMPTS = {
    "evidence": "Go on. What have you done that shows it?",
    "gaps": "And where do you think you still need to grow?",
    "ask": "Okay. What would you like to happen next?",  # neutral: it must not sound as if the intent was unclear
}

# A reaction or outcome that is, in substance, one of the usual objections: when the scenario has an objection
# with this id, the user's answer to it is scored with that objection's strong-response phrases.
REACTION_OBJECTIONS = {
    "no_timeline": "vague_encouragement",
    "gaps_not_named": "what_about_gap",
    "not_yet": "not_yet",
    "ambiguous": "timing",
}

# What a good answer to each outcome does.
OUTCOME_TIPS = {
    "yes": "Confirm the title ({target_role}), when it takes effect, and the compensation.",
    "not_yet": "Ask what specifically is missing, and agree a date to review it together.",
    "ambiguous": "Don't leave it open: ask for a decision date and what it depends on.",
}

# After the last answer made every move the last line called for: the next step is the written follow-up.
FOLLOW_UP_TIP = ("Send {manager} a short written follow-up within 24 hours: your ask, your evidence, the criteria "
                 "you agreed and the review date.")


def closing_tip(tip: str | None, moves: list[dict] | None, manager: str = "your manager") -> str | None:
    """The run's last advice: ``tip`` (what a good answer to the last line does), unless the answer to that line
    already made some of the moves it asks for (a tip never asks for what the user just did). ``moves``: that
    answer's moves (``Feedback.moves``), made or missing. All made: the written follow-up to ``manager``; some made:
    only the missing ones; none made, or no moves known: ``tip``."""
    if not moves:
        return tip
    missing = [str(m.get("label") or m.get("move")) for m in moves if not m.get("made")]
    if not missing:
        return FOLLOW_UP_TIP.format(manager=manager)
    if len(missing) == len(moves):
        return tip
    return "Next time also " + " and ".join(missing) + "."


def answer_expects(move: Move, objection_ids) -> AnswerFor:
    """What the user's answer to ``move`` is scored as: its objection when the scenario has a matching one."""
    oid = REACTION_OBJECTIONS.get(move.key) if move.kind in ("reaction", "outcome") else None
    if oid and oid in objection_ids:
        return AnswerFor.objection(oid)
    return move.expects or AnswerFor.part("ask")


# --- after a yes: did the user confirm the details? ---------------------------------------------------------------

TIMELINE_WORDS = frozenset(
    "when date start starts starting effective from cycle month months quarter week weeks year review deadline "
    "january february march april may june july august september october november december".split())
COMPENSATION_WORDS = frozenset(
    "salary compensation pay raise band money bonus equity increase package comp level".split())


def confirmation(text: str, target_role: str) -> dict:
    """What an answer to a yes confirmed: the title (the target role named), the timing, the compensation."""
    words = {t.text for t in tokenize(text)}
    return {
        "title": bool(target_role) and match_phrase(text, target_role).hit,
        "timeline": bool(words & TIMELINE_WORDS),
        "compensation": bool(words & COMPENSATION_WORDS),
    }


def confirmation_tip(confirmed: dict) -> str | None:
    """A tip naming what a yes still needs confirmed; None when everything was."""
    missing_items = [name for name in ("title", "timeline", "compensation") if not confirmed.get(name)]
    if not missing_items:
        return None
    names = {"title": "the title", "timeline": "when it takes effect", "compensation": "the compensation"}
    listed = [names[m] for m in missing_items]
    joined = listed[0] if len(listed) == 1 else ", ".join(listed[:-1]) + " and " + listed[-1]
    return f"Before you leave the room, confirm {joined}."
