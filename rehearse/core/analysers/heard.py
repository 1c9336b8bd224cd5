"""What was heard, prepared once for every analyser: words, normalised tokens, timings, and flags pointing at words."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from functools import cached_property

from rehearse.core.normalize import Token, tokenize
from rehearse.core.transcript import Transcript

ESTIMATE_WPM = 140.0  # used to estimate length when there are no timings (typed answers)


@dataclass
class Flag:
    kind: str  # e.g. filler, hedge, vague_claim, earned_it, apologetic, already_doing, intent_buried, long_pause
    severity: str  # "good" | "info" | "warning" | "problem"
    message: str
    text: str | None = None  # the words it came from, as heard
    start_word: int | None = None  # index into text.split(); inclusive
    end_word: int | None = None
    start: float | None = None  # seconds, when the transcript has word timings
    end: float | None = None

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "Flag":
        """A stored flag; missing fields take their defaults, unknown ones are left out."""
        return cls(kind=str(data.get("kind") or ""), severity=str(data.get("severity") or "info"),
                   message=str(data.get("message") or ""), text=data.get("text"),
                   start_word=_int(data.get("start_word")), end_word=_int(data.get("end_word")),
                   start=_number(data.get("start")), end=_number(data.get("end")))


class Heard:
    """A transcript with its whitespace words, tokens and (when they line up) per-word timings."""

    def __init__(self, transcript: Transcript):
        self.transcript = transcript
        self.text = transcript.text or ""
        self.words = self.text.split()
        timed = transcript.words
        self.timings = list(timed) if timed and len(timed) == len(self.words) else None

    @cached_property
    def tokens(self) -> list[Token]:
        return tokenize(self.text)

    @property
    def word_count(self) -> int:
        return len(self.words)

    @property
    def duration(self) -> float | None:
        """Seconds of audio: the transcript's duration, else the end of the last timed word."""
        if self.transcript.duration:
            return float(self.transcript.duration)
        if self.transcript.words:
            return float(self.transcript.words[-1].end)
        return None

    @property
    def seconds(self) -> float:
        """Duration when known, otherwise estimated from the word count at a typical pace."""
        known = self.duration
        return known if known is not None else self.word_count / ESTIMATE_WPM * 60.0

    def time_of_word(self, index: int) -> float | None:
        return self.timings[index].start if self.timings and 0 <= index < len(self.timings) else None

    def quote(self, first: int | None, last: int | None) -> str | None:
        if first is None or last is None:
            return None
        return " ".join(self.words[first : last + 1])

    def flag(self, kind: str, severity: str, message: str, first: int | None = None, last: int | None = None) -> Flag:
        """A flag pointing at words ``first..last`` (inclusive), with their times when known."""
        start = end = None
        if self.timings and first is not None and last is not None:
            start, end = self.timings[first].start, self.timings[last].end
        return Flag(kind, severity, message, self.quote(first, last), first, last, start, end)

    def sentence_span(self, first: int, last: int) -> tuple[int, int]:
        """Word indexes of the sentence(s) holding words ``first..last``: out to the nearest ``.``, ``!`` or ``?``
        (a closing quote or bracket after it still ends the sentence)."""
        words = self.words

        def ends(i: int) -> bool:
            return words[i].rstrip("\"')").endswith((".", "!", "?"))

        while first > 0 and not ends(first - 1):
            first -= 1
        while last < len(words) - 1 and not ends(last):
            last += 1
        return first, last

    def token_span(self, a: int, b: int) -> tuple[int, int]:
        """Original word indexes covered by tokens ``a..b``."""
        return self.tokens[a].first, self.tokens[b].last


SCALED_NOTE = "counts as far as the answer has content"


@dataclass
class Component:
    """One scored part of the feedback. ``tip`` is what would raise this score most (None at 100)."""

    name: str
    weight: float
    score: float  # 0..100
    detail: str
    tip: str | None = None
    priority: int = 0  # 1 when the tip is about something that hurts the conversation (e.g. "I deserve")
    scale: float = 1.0  # how much of "nothing wrong found" counts: only as far as the answer has content

    @property
    def counted(self) -> float:
        """The score that counts: the clean part scaled by ``scale``, what was found wrong in full."""
        return max(0.0, 100.0 * self.scale - (100.0 - self.score))

    @property
    def scaled(self) -> bool:
        """True when the score was scaled down because the answer has little content."""
        return self.scale < 0.995 and round(self.counted) < round(self.score)

    def shown_detail(self) -> str:
        """The detail, saying why the counted score is lower than what was found when it was scaled down."""
        if not self.scaled:
            return self.detail
        why = f"would be {self.score:.0f} on its own; {SCALED_NOTE}"
        return f"{self.detail} ({why})" if self.detail else why

    def to_dict(self) -> dict:
        score, scale = round(self.score, 1), round(self.scale, 2)
        counted = max(0.0, 100.0 * scale - (100.0 - score))  # from the stored values: it reads back the same
        return {"name": self.name, "weight": self.weight, "score": score, "detail": self.detail,
                "tip": self.tip, "scale": scale, "counted": round(counted, 1)}

    @classmethod
    def from_dict(cls, data: dict) -> "Component":
        """A stored component (older runs stored no tip or scale)."""
        scale = _number(data.get("scale"))
        return cls(name=str(data.get("name") or ""), weight=_number(data.get("weight")) or 0.0,
                   score=_number(data.get("score")) or 0.0, detail=str(data.get("detail") or ""),
                   tip=data.get("tip") or None, scale=1.0 if scale is None else scale)


def _number(value) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def _int(value) -> int | None:
    return int(value) if isinstance(value, int) and not isinstance(value, bool) else None
