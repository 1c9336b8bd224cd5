"""The moves each answer calls for, recognised in the user's own words as well as through the prepared phrases.

A *move* is what a good answer does: after "not yet", ask what specifically is missing and ask for a review date;
after "timing", propose a date; after vague praise, ask what exactly, by when, in writing. Each move is a word list
of patterns in ``assets/words/moves/<move>.txt`` (editable; same syntax as the other lists), so "what exactly
would you need to see" is the move "ask what specifically" even when the prepared phrase "what specifically" was
not said. A move said inside a denial ("I don't need to know what specifically") is not made.
"""

from __future__ import annotations

from dataclasses import dataclass

from rehearse.core.analysers.words import WORDS_DIR, Pattern, find, load_list
from rehearse.core.normalize import tokenize

MOVES_DIR = WORDS_DIR / "moves"


@dataclass(frozen=True)
class MoveSpec:
    id: str
    label: str  # what the move is, for "you made the move …" and details
    tip: str  # what to do when it is missing
    lists: tuple[str, ...] = ()  # other lists in assets/words whose patterns count as this move


MOVES = {m.id: m for m in (
    MoveSpec("ask_promotion", "ask for the promotion", "Ask for the promotion in so many words.", ("asks",)),
    MoveSpec("ask_specifics", "ask what specifically is missing", "Ask what specifically is missing."),
    MoveSpec("ask_date", "ask for a date", "Ask for a date to review it together.", ("timeline",)),
    MoveSpec("propose_date", "propose a date", "Propose a concrete date to decide, instead of leaving it open."),
    MoveSpec("check_in", "offer to check in", "Offer to check in before then."),
    MoveSpec("in_writing", "ask for it in writing", "Ask to have it in writing."),
    MoveSpec("acknowledge", "acknowledge the point", "Acknowledge the point in one sentence first."),
    MoveSpec("plan", "give your plan", "Give your plan for it."),
    MoveSpec("plan_date", "put a date on the plan", "Put a date on your plan."),
    MoveSpec("separate_money", "separate the title from the money",
             "Separate the title from the money."),
    MoveSpec("ask_budget_timing", "ask when the budget decision is made", "Ask when the budget decision is made."),
    MoveSpec("ask_who", "ask who else weighs in", "Ask who else weighs in on the decision."),
    MoveSpec("ask_what_they_need", "ask what they need to see", "Ask what each of them needs to see."),
    MoveSpec("offer_draft", "offer to draft the case", "Offer to draft the promotion case yourself."),
    MoveSpec("already_level", "show you already work at the next level",
             "Answer with the work you already do at the next level.", ("already_doing",)),
    MoveSpec("name_gap", "name a gap", "Name your gap before your manager does."),
)}

# The moves each objection calls for (by the usual objection ids; a scenario's other objections have none).
OBJECTION_MOVES = {
    "not_yet": ("ask_specifics", "ask_date"),
    "vague_encouragement": ("ask_specifics", "ask_date", "in_writing"),
    "timing": ("propose_date", "check_in"),
    "budget": ("separate_money", "ask_budget_timing"),
    "process": ("ask_who", "ask_what_they_need", "offer_draft"),
    "what_about_gap": ("acknowledge", "plan", "plan_date"),
    "why_now": ("already_level",),
}
# Moves a pitch part's key phrases may stand for (the part's own components score the rest).
PART_MOVES = {
    "intent": ("ask_promotion", "already_level"),
    "ask": ("ask_promotion", "ask_specifics", "ask_date", "propose_date"),
    "gaps": ("name_gap", "plan", "plan_date"),
    "pitch": ("ask_promotion", "already_level", "ask_specifics", "ask_date", "name_gap", "plan", "plan_date"),
    "evidence": (),
}


@dataclass
class MoveHit:
    move: str
    made: bool
    text: str | None = None  # the words it was made with (or denied in)
    start_word: int | None = None
    end_word: int | None = None
    denied_by: str | None = None  # the denial's words, when only denied attempts were heard
    via_phrase: str | None = None  # made by saying this prepared key phrase (not in other words)
    denied_how: str = "denied"  # how the denied attempt was said ("only as a what-if" …)

    def to_dict(self) -> dict:
        return {"move": self.move, "label": MOVES[self.move].label, "made": self.made, "text": self.text,
                "start_word": self.start_word, "end_word": self.end_word, "denied_by": self.denied_by,
                "via_phrase": self.via_phrase}


def patterns(move: str) -> tuple[Pattern, ...]:
    spec = MOVES[move]
    out = load_list(move, str(MOVES_DIR))
    for name in spec.lists:
        out = out + load_list(name)
    return out


# Moves that only count once another is made: a date is a plan's date only when there is a plan ("can we review
# it by March?" puts no date on a plan nobody gave).
NEEDS = {"plan_date": "plan"}


def find_move(book, move: str) -> MoveHit:
    """The first place ``move`` was made (not denied) in the answer; else a prepared key phrase standing for it heard
    plainly (``book.phrase_moves``: the recognizer's "What's specifically is missing" is the phrase "what
    specifically", so the move is made even where its patterns miss the words around it); else the first denied
    attempt, if any."""
    heard = book.heard
    if move in NEEDS and not book.move(NEEDS[move]).made:
        return MoveHit(move, False)
    denied = None
    for f in find(heard.tokens, patterns(move)):
        first, last = heard.token_span(f.first_token, f.last_token)
        d = book.denials.of(first, last, claim=True)  # a move is the user's: "they will draft the case" is none
        vague = _vague_for(move, heard, first, last)
        if d is None and vague is not None:  # "agree a date sometime, no pressure" puts no date on anything
            if denied is None:
                denied = MoveHit(move, False, heard.quote(first, last), first, last, vague,
                                 denied_how=f'only vaguely ("{vague}")')
            continue
        if d is None:
            return MoveHit(move, True, heard.quote(first, last), first, last)
        if denied is None:
            denied = MoveHit(move, False, heard.quote(first, last), first, last, d.text, denied_how=d.how)
    for phrase, stands_for in book.phrase_moves.items():
        m = book.match(phrase) if stands_for == move else None
        if m is not None and m.hit:
            if _vague_for(move, heard, m.start_word, m.end_word) is not None:
                continue
            return MoveHit(move, True, m.heard, m.start_word, m.end_word, via_phrase=phrase)
    return denied or MoveHit(move, False)


DATED = ("ask_date", "propose_date", "plan_date")  # moves about a date: a vague time in the sentence unmakes them
VAGUE_TIME = ("sometime", "someday", "eventually", "whenever", "at some point", "one day", "some time")


VAGUE_PLAN = ("do something", "something about it", "work on it", "figure it out", "figure something out",
              "look into it", "see what i can do", "try to improve", "do better", "improve it")


def _vague_for(move: str, heard, first: int, last: int) -> str | None:
    """What makes this move vague in the sentence around words first..last: a vague time ("sometime", "at some
    point") for a date move, an empty plan ("do something about it") for a plan."""
    vague = VAGUE_TIME if move in DATED else VAGUE_PLAN if move == "plan" else ()
    if not vague:
        return None
    a, b = heard.sentence_span(first, last)
    text = " " + " ".join(t.text for t in heard.tokens if a <= t.first and t.last <= b) + " "
    return next((v for v in vague if f" {v} " in text), None)


def move_of_phrase(phrase: str, candidates) -> str | None:
    """The move a prepared key phrase stands for ("what specifically" -> ask_specifics), among ``candidates``."""
    tokens = tokenize(phrase)
    best, covered = None, 0
    for move in candidates:  # the move whose patterns cover most of the phrase ("promotion cycle" is a date)
        found = find(tokens, patterns(move))
        n = len({i for f in found for i in range(f.first_token, f.last_token + 1)})
        if n > covered:
            best, covered = move, n
    return best
