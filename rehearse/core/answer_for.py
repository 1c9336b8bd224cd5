"""What one answer is for: a part of the pitch, an objection, or a sentence read aloud.

    AnswerFor.part("evidence")      the evidence part (or "pitch": the whole four-part pitch in one answer)
    AnswerFor.objection("budget")   the answer to the "budget" objection
    AnswerFor.read(2)               reading the third prepared sentence aloud

The conversation, the scorers, the store and the reports pass this value around; it becomes text only where it is
stored or typed: :meth:`AnswerFor.to_str` (``"evidence"``, ``"objection:budget"``, ``"read:2"``) and
:meth:`AnswerFor.parse` for what the store and the command line hand back.
"""

from __future__ import annotations

from dataclasses import dataclass

PART_NAMES = ("pitch", "intent", "evidence", "gaps", "ask")
KINDS = ("part", "objection", "read")

PART_LABELS = {"pitch": "the whole pitch", "intent": "your intent", "evidence": "your evidence",
               "gaps": "your gaps and plans", "ask": "the ask"}
PART_TITLES = {"pitch": "Your pitch", "intent": "Intent", "evidence": "Evidence", "gaps": "Gaps", "ask": "The ask"}
# What the built-in objections are called on screen and in reports (any other id: its words, "_" as spaces).
OBJECTION_NAMES = {"not_yet": "not yet", "what_about_gap": "what about your gap", "timing": "timing",
                   "budget": "budget", "vague_encouragement": "vague encouragement",
                   "process": "who else decides", "why_now": "why now"}


def objection_name(objection_id: str) -> str:
    """An objection in plain words: ``what_about_gap`` -> ``what about your gap``, ``office_move`` -> ``office
    move``."""
    return OBJECTION_NAMES.get(objection_id) or " ".join(objection_id.replace("_", " ").replace("-", " ").split())


@dataclass(frozen=True)
class AnswerFor:
    kind: str  # part | objection | read
    id: str  # the part's name, the objection's id, or the sentence's index (as text)

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"unknown kind of answer {self.kind!r}")
        if self.kind == "part" and self.id not in PART_NAMES:
            raise ValueError(f"unknown part {self.id!r}: use one of {', '.join(PART_NAMES)}")
        if self.kind == "read" and not self.id.isdigit():
            raise ValueError(f"a read-aloud answer needs a sentence number, not {self.id!r}")
        if self.kind == "objection" and not self.id:
            raise ValueError("an objection answer needs the objection's id")

    # ---- making one
    @classmethod
    def part(cls, name: str) -> AnswerFor:
        return cls("part", name)

    @classmethod
    def objection(cls, objection_id: str) -> AnswerFor:
        return cls("objection", objection_id)

    @classmethod
    def read(cls, index: int) -> AnswerFor:
        return cls("read", str(int(index)))

    # ---- asking
    @property
    def is_part(self) -> bool:
        return self.kind == "part"

    @property
    def is_objection(self) -> bool:
        return self.kind == "objection"

    @property
    def is_read(self) -> bool:
        return self.kind == "read"

    @property
    def index(self) -> int:
        """The sentence's index (read-aloud answers only)."""
        if not self.is_read:
            raise ValueError(f"{self.to_str()} is not a read-aloud answer")
        return int(self.id)

    @property
    def scored_as(self) -> str:
        """The row of the feedback's weights: the part's name, or "objection"."""
        return self.id if self.is_part else self.kind

    # ---- in words
    def label(self) -> str:
        """Plain words: ``the "budget" objection``, ``your evidence``, ``reading sentence 3``."""
        if self.is_objection:
            return f'the "{objection_name(self.id)}" objection'
        if self.is_read:
            return f"reading sentence {self.index + 1}"
        return PART_LABELS[self.id]

    def title(self, text: str = "") -> str:
        """A few words for a list of answers: ``Objection: what about your gap``, ``Evidence``, ``Read: <the sentence>``."""
        if self.is_objection:
            return "Objection: " + objection_name(self.id)
        if self.is_read:
            return "Read: " + (text if len(text) <= 50 else text[:47] + "…")
        return PART_TITLES[self.id]

    # ---- as text (the store, the command line, JSON)
    def to_str(self) -> str:
        return self.id if self.is_part else f"{self.kind}:{self.id}"

    @classmethod
    def parse(cls, text: str) -> AnswerFor:
        """``"evidence"``, ``"objection:budget"`` or ``"read:2"``; raises ValueError for anything else."""
        kind, sep, rest = str(text).partition(":")
        if sep:
            if kind not in ("objection", "read"):
                raise ValueError(f"unknown kind of answer {text!r}")
            return cls(kind, rest)
        return cls("part", kind)
