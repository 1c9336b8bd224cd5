"""What a recognizer heard: text plus (optional) word timings. Shared by speech, core and session."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True)
class Word:
    word: str
    start: float  # seconds from the start of the answer
    end: float
    conf: float | None = None  # 0..1 when the engine gives it


@dataclass
class Transcript:
    text: str
    words: list[Word] = field(default_factory=list)
    duration: float | None = None  # seconds of audio, when known

    def to_dict(self) -> dict:
        return {"text": self.text, "words": [asdict(w) for w in self.words], "duration": self.duration}

    @classmethod
    def from_dict(cls, data: dict) -> "Transcript":
        return cls(
            text=data.get("text", ""),
            words=[Word(**w) for w in data.get("words", [])],
            duration=data.get("duration"),
        )
