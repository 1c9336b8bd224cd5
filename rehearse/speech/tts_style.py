"""The persona in the manager's voice: pace and pauses, and the segments a line is spoken in."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class VoiceStyle:
    """How a persona speaks: ``speed`` (1.0 the voice's own pace), the pause between sentences, and a longer pause
    before the words it hesitates on ("not yet")."""

    speed: float = 1.0
    sentence_pause_s: float = 0.25
    pause_before: tuple[str, ...] = ()
    pause_before_s: float = 0.0

    def key(self) -> list:
        return [self.speed, self.sentence_pause_s, list(self.pause_before), self.pause_before_s]


PERSONA_STYLES = {
    "supportive": VoiceStyle(speed=0.92, sentence_pause_s=0.3),
    "busy": VoiceStyle(speed=1.06, sentence_pause_s=0.08),
    "skeptical": VoiceStyle(speed=0.86, sentence_pause_s=0.45,
                            pause_before=("not yet", "i'm not sure", "i am not sure"),
                            pause_before_s=0.7),
}
DEFAULT_STYLE = VoiceStyle()


def persona_style(persona: str | None) -> VoiceStyle:
    return PERSONA_STYLES.get(persona or "", DEFAULT_STYLE)


_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"')\]]*\s+(?=\S)")


def split_segments(text: str, style: VoiceStyle = DEFAULT_STYLE) -> list[tuple[str, float]]:
    """The pieces a line is spoken in, each with the pause before it: its sentences, and within a sentence a new
    piece before each word the style hesitates on (the first piece has no pause)."""
    pieces: list[tuple[str, float]] = []
    hesitate = re.compile(r"\b(" + "|".join(re.escape(w) for w in style.pause_before) + r")\b", re.IGNORECASE) \
        if style.pause_before else None
    for sentence in (s.strip() for s in _SENTENCE_END.split(text.strip())):
        if not sentence:
            continue
        cuts = [m.start() for m in hesitate.finditer(sentence) if m.start() > 0] if hesitate else []
        parts = [sentence[a:b].strip() for a, b in zip([0, *cuts], [*cuts, len(sentence)])]
        for i, part in enumerate(p for p in parts if p):
            pause = style.sentence_pause_s if i == 0 else 0.0
            if hesitate and hesitate.match(part):
                pause = max(pause, style.pause_before_s)
            pieces.append((part, pause if pieces else 0.0))
    return pieces
