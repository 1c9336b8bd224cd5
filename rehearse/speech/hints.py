"""The scenario's words as hints for Whisper (faster-whisper's ``hotwords``), made safe to give.

Whisper hinted with "Senior Engineer, OAuth, login-related" writes them as prepared instead of "seen your engineer"
or "Logan-related". Hinted with whole phrases, it also wrote phrases that were not said when the audio was unclear
("I have, yet, led a cross-team project" for "I haven't yet led …", "$20 million", "by 17%"): every such invention
came from a number or a negation in the hint. So numbers and negations are never hinted, and the small words at a
phrase's edges are trimmed (docs/benchmarks.md measures both designs).
"""

from __future__ import annotations

__all__ = ["hint_terms", "hotwords_text", "HOTWORDS_MAX_TOKENS"]

# Whisper's prompt budget for the scenario's words (faster-whisper puts them before the prompt).
HOTWORDS_MAX_TOKENS = 60


# Never hinted: numbers and negations (a hint must not turn "26%" into "62%" or "haven't" into "have"), nor the
# small words at a phrase's edges ("I have led a cross-team project" hints "led a cross-team project").
_NOT_HINTED = frozenset("""zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen
fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred thousand
million billion first second third half not no never none nothing nobody cannot without""".split())
_EDGE_WORDS = frozenset("""i i'm i've i'd i'll we we're we've you you're my our your me us he she they it it's the a
an to of for in on at by with and or but so is am are was were be been have has had do does did will would can could
should this that these those there what from about into over up as if when how why who where which""".split())


def hint_terms(term: str) -> list[str]:
    """One vocabulary term as Whisper is hinted with it: split where a number or negation is left out, the small
    words at each piece's edges trimmed ("from 40 minutes to 12 minutes" hints "minutes")."""
    pieces: list[list[str]] = [[]]
    for w in str(term).split():
        bare = w.lower().strip(",.;:!?")
        if any(c.isdigit() or c in "%$€£" for c in w) or bare in _NOT_HINTED or bare.endswith(("n't", "n’t")):
            pieces.append([])
        else:
            pieces[-1].append(w)
    out: list[str] = []
    for words in pieces:
        while words and words[0].lower().strip(",.;:!?") in _EDGE_WORDS:
            words.pop(0)
        while words and words[-1].lower().strip(",.;:!?") in _EDGE_WORDS:
            words.pop()
        piece = " ".join(words).strip(" ,.;")
        if piece and piece not in out:
            out.append(piece)
    return out


def hotwords_text(vocabulary, max_chars: int = HOTWORDS_MAX_TOKENS * 3) -> str | None:
    """The scenario's vocabulary as one hint string for Whisper ("Senior Engineer, OAuth, login-related …"):
    each term once (see :func:`hint_terms`), in order, up to ``max_chars`` (about ``HOTWORDS_MAX_TOKENS`` tokens);
    None if there is none."""
    seen: set[str] = set()
    out: list[str] = []
    size = 0
    for term in (piece for t in vocabulary or () for piece in hint_terms(t)):
        if term.lower() in seen or size + len(term) + 2 > max_chars:
            continue
        seen.add(term.lower())
        out.append(term)
        size += len(term) + 2
    return ", ".join(out) or None
