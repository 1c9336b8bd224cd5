"""What a recognizer heard (text plus, when spoken, word timings) and the answer it belongs to.

One type from the recognizers through the analysers and the session to the store: a :class:`Transcript` of
:class:`Word` s, inside an :class:`Answer` (its recording, when it was spoken). The store keeps ``to_dict()``.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path


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


@dataclass
class Answer:
    """One answer as the session scores and stores it: the transcript and, when it was spoken, its recording.

    :func:`rehearse.speech.listener.listen` returns one; a typed answer is ``Answer(Transcript(text))``.
    """

    transcript: Transcript
    audio_path: Path | None = None  # the WAV recording (None: typed)
    latency: float | None = None  # seconds from the start of listening until the user spoke; None: not spoken
    duration: float | None = None  # seconds recorded
    reason: str = "typed"  # why recording stopped: silence | stop | max | end (the source ran out) | typed
    finish_s: float = 0.0  # seconds from the end of recording until the final transcript was ready
    speech_end: float | None = None  # seconds into the recording of the last voiced audio (turn-taking)
    hold_s: float | None = None  # the silence that ended it, when reason is "silence" (turn-taking)

    def to_dict(self) -> dict:
        return {
            "transcript": self.transcript.to_dict(),
            "audio_path": None if self.audio_path is None else str(self.audio_path),
            "duration": None if self.duration is None else round(self.duration, 3),
            "latency": None if self.latency is None else round(self.latency, 3),
            "reason": self.reason,
            "finish_s": round(self.finish_s, 3),
        }
