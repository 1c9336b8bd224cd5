"""What to mark in a stored user turn: key-phrase hits, fillers, hedges and other flags, word by word.

Everything here reads the stored dicts defensively (older runs may lack keys). Word indexes in ``key_phrases``
and ``flags`` are into ``text.split()`` and inclusive at both ends.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

MARK_KINDS = ("hit", "filler", "hedge", "flag")
SENTENCE_END = re.compile(r"[.!?]+[\"')\]]*$")


@dataclass
class Segment:
    """A run of consecutive words with the same marks."""

    text: str
    marks: frozenset = field(default_factory=frozenset)


def turn_text(turn: dict) -> str:
    """What the user said: the turn text, or the transcript's text when the turn text is empty."""
    text = turn.get("text") or ""
    if not text.strip():
        text = ((turn.get("transcript") or {}).get("text")) or ""
    return text


def feedback_of(turn: dict) -> dict:
    feedback = turn.get("feedback")
    return feedback if isinstance(feedback, dict) else {}


def _span(item: dict, n_words: int) -> range | None:
    start, end = item.get("start_word"), item.get("end_word")
    if not isinstance(start, int):
        return None
    if not isinstance(end, int) or end < start:
        end = start
    start, end = max(0, start), min(n_words - 1, end)
    return range(start, end + 1) if start <= end else None


def word_marks(turn: dict) -> tuple[list[str], list[set[str]]]:
    """The turn's words and, for each, the set of marks on it (``hit``, ``filler``, ``hedge``, ``flag``)."""
    words = turn_text(turn).split()
    marks: list[set[str]] = [set() for _ in words]
    feedback = feedback_of(turn)
    for phrase in feedback.get("key_phrases") or []:
        if isinstance(phrase, dict) and phrase.get("hit"):
            for i in _span(phrase, len(words)) or ():
                marks[i].add("hit")
    for flag in feedback.get("flags") or []:
        if not isinstance(flag, dict):
            continue
        kind = str(flag.get("kind") or "")
        mark = kind if kind in ("filler", "hedge") else "flag"
        span = _span(flag, len(words)) or range(0)
        # Other flags mark words only when they point at a few of them (not "too fast" over the whole answer)
        # and are a problem, not praise.
        if mark == "flag" and (flag.get("severity") == "good" or len(span) > max(8, len(words) // 3)):
            continue
        for i in span:
            marks[i].add(mark)
    return words, marks


def segments(turn: dict) -> list[Segment]:
    """The user's words grouped into runs with the same marks (for rendering)."""
    words, marks = word_marks(turn)
    out: list[Segment] = []
    for word, mark in zip(words, marks):
        frozen = frozenset(mark)
        if out and out[-1].marks == frozen:
            out[-1].text += " " + word
        else:
            out.append(Segment(word, frozen))
    return out


def misses(turn: dict) -> list[str]:
    return [p.get("phrase", "") for p in feedback_of(turn).get("key_phrases") or []
            if isinstance(p, dict) and not p.get("hit")]


def hits(turn: dict) -> list[dict]:
    return [p for p in feedback_of(turn).get("key_phrases") or [] if isinstance(p, dict) and p.get("hit")]


def coverage(turn: dict) -> float | None:
    """Share of the turn's key phrases that were heard (0..1), None when it had none."""
    phrases = [p for p in feedback_of(turn).get("key_phrases") or [] if isinstance(p, dict)]
    if not phrases:
        return None
    return sum(1 for p in phrases if p.get("hit")) / len(phrases)


def sentences(turn: dict, *, drop: tuple[str, ...] = ("filler",)) -> list[tuple[str, range]]:
    """The turn split into sentences: ``(clean text, range of word indexes)``.

    Sentences end at ``.!?``; text without punctuation (some recognizers give none) is one sentence. Words marked
    with a kind in ``drop`` (e.g. fillers, hedges) are left out of the clean text.
    """
    words, marks = word_marks(turn)
    out: list[tuple[str, range]] = []
    start = 0
    for i, word in enumerate(words):
        if SENTENCE_END.search(word) or i == len(words) - 1:
            kept = [w for j, w in enumerate(words[start:i + 1], start)
                    if not marks[j].intersection(drop)]
            text = tidy(" ".join(kept))
            if text:
                out.append((text, range(start, i + 1)))
            start = i + 1
    return out


def tidy(text: str) -> str:
    """Capitalise, drop stray commas left by removed fillers, and end with a full stop."""
    text = re.sub(r"\s+,", ",", text)
    text = re.sub(r",\s*,+", ",", text)
    text = re.sub(r"^[,;:\s]+|[,;:\s]+$", "", text)
    if not text:
        return ""
    text = text[0].upper() + text[1:]
    if not re.search(r"[.!?]$", text):
        text += "."
    return text


PART_LABELS = {
    "pitch": "the whole pitch",
    "intent": "your intent",
    "evidence": "your evidence",
    "gaps": "your gaps and plans",
    "ask": "the ask",
}


def expects_label(expects: str | None) -> str:
    """Plain words for what an answer was scored as: ``objection:budget`` -> ``the "budget" objection``."""
    if not expects:
        return "an answer"
    if expects.startswith("objection:"):
        return f'the "{expects.split(":", 1)[1].replace("_", " ")}" objection'
    if expects.startswith("read:") and expects[5:].isdigit():
        return f"reading sentence {int(expects[5:]) + 1}"
    if expects.startswith("read"):
        return "reading aloud"
    return PART_LABELS.get(expects, expects.replace("_", " "))


def outcome_label(outcome: str | None) -> str:
    if not outcome:
        return "no outcome"
    return {"not_yet": "not yet", "yes": "yes", "ambiguous": "no clear answer"}.get(outcome, outcome.replace("_", " "))
