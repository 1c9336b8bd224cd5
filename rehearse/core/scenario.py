"""The scenario model: who is in the conversation, the four-part pitch, the manager's lines and the objections.

A scenario is read from a TOML file by :func:`rehearse.core.loader.load_scenario`; the format is documented field by
field in ``docs/scenario-format.md``. Everything here is plain data plus a few helpers the conversation, the drills
and the feedback use (filling placeholders, default target lengths, read-aloud sentences).
"""

from __future__ import annotations

import random
import string
from dataclasses import dataclass, field

from rehearse.core.answer_for import AnswerFor
from rehearse.errors import UserError

PERSONAS = ("supportive", "skeptical", "busy")
PARTS = ("intent", "evidence", "gaps", "ask")
PITCH_PARTS = PARTS + ("pitch",)  # "pitch" = the whole four-part pitch in one answer
OUTCOMES = ("yes", "not_yet", "ambiguous")

# Manager reactions the conversation rules pick from. The first four must be in every scenario.
REQUIRED_REACTIONS = ("no_timeline", "gaps_not_named", "no_numbers", "strong")
OPTIONAL_REACTIONS = ("intent_buried", "no_ask", "earned_it", "apologetic", "vague", "too_long")
REACTIONS = REQUIRED_REACTIONS + OPTIONAL_REACTIONS

# Placeholders allowed in manager lines and objection wordings.
PLACEHOLDERS = ("manager", "name", "current_role", "target_role", "gap")

# Target length in seconds when a part gives none (the pitch defaults to the sum of the four parts).
DEFAULT_TARGET_SECONDS = {"intent": 30.0, "evidence": 120.0, "gaps": 60.0, "ask": 30.0, "objection": 45.0}


@dataclass
class Who:
    current_role: str
    target_role: str
    manager: str
    persona: str
    name: str = ""  # the user's own name; optional


@dataclass
class Intent:
    key_phrases: list[str]
    say: str = ""
    target_seconds: float | None = None


@dataclass
class EvidenceItem:
    what: str
    outcome: str
    number: str
    key_phrases: list[str]
    say: str = ""


@dataclass
class Evidence:
    items: list[EvidenceItem]
    target_seconds: float | None = None

    @property
    def key_phrases(self) -> list[str]:
        return _unique(p for item in self.items for p in item.key_phrases)


@dataclass
class Gap:
    gap: str
    plan: str
    key_phrases: list[str]
    say: str = ""


@dataclass
class Gaps:
    items: list[Gap]
    target_seconds: float | None = None

    @property
    def key_phrases(self) -> list[str]:
        return _unique(p for item in self.items for p in item.key_phrases)


@dataclass
class Ask:
    readiness: str
    timeline: str
    key_phrases: list[str]
    target_seconds: float | None = None


@dataclass
class Pitch:
    intent: Intent
    evidence: Evidence
    gaps: Gaps
    ask: Ask


@dataclass
class ManagerLines:
    opening: list[str]
    reactions: dict[str, list[str]]
    outcomes: dict[str, list[str]]


@dataclass
class Objection:
    id: str
    wordings: list[str]
    key_phrases: list[str]
    tip: str
    target_seconds: float | None = None


@dataclass
class Scenario:
    title: str
    who: Who
    pitch: Pitch
    manager: ManagerLines
    objections: list[Objection]
    read_aloud: list[str] = field(default_factory=list)
    path: str = ""  # the file it was loaded from, when any

    # --- lookups -------------------------------------------------------------------------------------------
    @property
    def objection_ids(self) -> list[str]:
        return [o.id for o in self.objections]

    def objection(self, objection_id: str) -> Objection:
        for obj in self.objections:
            if obj.id == objection_id:
                return obj
        raise KeyError(objection_id)

    def part_key_phrases(self, part: str) -> list[str]:
        """The prepared key phrases of one pitch part, or of the whole pitch for ``"pitch"``."""
        if part == "pitch":
            return _unique(p for name in PARTS for p in self.part_key_phrases(name))
        return list(getattr(self.pitch, part).key_phrases)

    def target_seconds(self, answer_for: AnswerFor) -> float:
        """The target length of an answer to a pitch part, the whole pitch or an objection."""
        if answer_for.is_objection:
            value = self.objection(answer_for.id).target_seconds
            return value if value else DEFAULT_TARGET_SECONDS["objection"]
        if not answer_for.is_part:
            raise ValueError(f"no target length for {answer_for}")
        if answer_for.id == "pitch":
            return sum(self.target_seconds(AnswerFor.part(name)) for name in PARTS)
        value = getattr(self.pitch, answer_for.id).target_seconds
        return value if value else DEFAULT_TARGET_SECONDS[answer_for.id]

    def answer_for(self, text: str) -> AnswerFor:
        """What an answer is for, as typed on the command line: a pitch part, ``pitch`` or ``objection:ID``."""
        valid = ", ".join(list(PITCH_PARTS) + [AnswerFor.objection(i).to_str() for i in self.objection_ids])
        try:
            answer_for = AnswerFor.parse(text)
        except ValueError:
            raise UserError(f"unknown part {text!r}; use one of: {valid}") from None
        if answer_for.is_read:
            raise UserError(f"unknown part {text!r}; use one of: {valid}")
        if answer_for.is_objection and answer_for.id not in self.objection_ids:
            raise UserError(
                f"unknown objection {answer_for.id!r}; this scenario has: {', '.join(self.objection_ids)}")
        return answer_for

    # --- placeholders --------------------------------------------------------------------------------------
    def placeholder_values(self, gap: str | None = None) -> dict[str, str]:
        return {
            "manager": self.who.manager,
            "name": self.who.name or "there",  # "Hi {name}," reads "Hi there," without a name
            "current_role": self.who.current_role,
            "target_role": self.who.target_role,
            "gap": gap if gap is not None else self.pitch.gaps.items[0].gap,
        }

    def fill(self, line: str, gap: str | None = None) -> str:
        """``line`` with its placeholders ({manager}, {target_role}, {gap}, …) filled in."""
        return line.format_map(self.placeholder_values(gap))

    def pick(self, lines: list[str], rng: random.Random | None = None, gap: str | None = None) -> str:
        """One variant of ``lines``, chosen with ``rng`` (seed it for repeatable runs), placeholders filled."""
        rng = rng or random.Random()
        return self.fill(rng.choice(lines), gap)

    # --- read-aloud mode -----------------------------------------------------------------------------------
    def read_aloud_sentences(self) -> list[str]:
        """Sentences to read aloud: ``read_aloud`` when the file has it, otherwise derived from the pitch."""
        if self.read_aloud:
            return list(self.read_aloud)
        p = self.pitch
        out = [p.intent.say or f"I'd like to talk about my promotion to {self.who.target_role}."]
        for item in p.evidence.items:
            out.append(item.say or f"{_sentence(item.what)} {_sentence(item.outcome)}")
        for gap in p.gaps.items:
            out.append(gap.say or _sentence(gap.plan))
        out += [p.ask.readiness, p.ask.timeline]
        return [s.strip() for s in out if s.strip()]


def placeholder_names(text: str) -> list[str]:
    """The ``{names}`` used in ``text``; raises ``ValueError`` for malformed braces."""
    names = []
    for _literal, name, spec, conversion in string.Formatter().parse(text):
        if name is None:
            continue
        if spec or conversion or not name.isidentifier():
            raise ValueError(f"bad placeholder {{{name}}}")
        names.append(name)
    return names


def _sentence(text: str) -> str:
    text = text.strip()
    if not text:
        return ""
    text = text[0].upper() + text[1:]
    return text if text[-1] in ".!?" else text + "."


def _unique(items) -> list[str]:
    seen: dict[str, None] = {}
    for item in items:
        seen.setdefault(item, None)
    return list(seen)
