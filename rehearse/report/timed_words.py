"""When each word of a stored answer was spoken: the recognizer's word timings mapped onto ``text.split()``.

Feedback marks (key phrases, fillers, flags) index the words of the turn's text split on whitespace; the
recognizer's timed words may be split differently ("o auth" in one timed word, "62%" as one or two). The two
sequences are aligned on their normalised letters, so every text word gets the time of the timed word(s) it came
from, and a text word with no counterpart gets none (``None``) rather than a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from difflib import SequenceMatcher

_NOT_WORD = re.compile(r"[^\w%$]+")


@dataclass(frozen=True)
class TimedWord:
    index: int  # into text.split()
    text: str
    start: float | None
    end: float | None


def _norm(word: str) -> str:
    return _NOT_WORD.sub("", word.lower())


def timed_words(text: str, transcript: dict | None) -> list[TimedWord]:
    """Each word of ``text`` (whitespace-split) with its start and end in seconds (None when not known)."""
    words = text.split()
    pieces: list[tuple[str, float, float]] = []
    for item in (transcript or {}).get("words") or []:
        if not isinstance(item, dict):
            continue
        try:
            start, end = float(item["start"]), float(item["end"])
        except (KeyError, TypeError, ValueError):
            continue
        for piece in str(item.get("word", "")).split():
            pieces.append((piece, start, end))
    times: list[tuple[float | None, float | None]] = [(None, None)] * len(words)
    if pieces:
        if [_norm(w) for w in words] == [_norm(p[0]) for p in pieces]:
            times = [(p[1], p[2]) for p in pieces]
        else:
            matcher = SequenceMatcher(None, [_norm(w) for w in words], [_norm(p[0]) for p in pieces],
                                      autojunk=False)
            for op, a1, a2, b1, b2 in matcher.get_opcodes():
                if op == "equal" or (op == "replace" and a2 - a1 == b2 - b1):
                    for i, j in zip(range(a1, a2), range(b1, b2)):
                        times[i] = (pieces[j][1], pieces[j][2])
                elif op == "replace":  # n text words from m timed words: share the span evenly
                    start, end = pieces[b1][1], pieces[b2 - 1][2]
                    step = (end - start) / (a2 - a1)
                    for k, i in enumerate(range(a1, a2)):
                        times[i] = (round(start + k * step, 3), round(start + (k + 1) * step, 3))
    return [TimedWord(i, w, s, e) for i, (w, (s, e)) in enumerate(zip(words, times))]


def word_at(words: list[TimedWord], seconds: float) -> int | None:
    """The index of the word being spoken at ``seconds`` (the last one started by then), None before the first."""
    current = None
    for word in words:
        if word.start is None:
            continue
        if word.start <= seconds + 1e-6:
            current = word.index
        else:
            break
    return current
