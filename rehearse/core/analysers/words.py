"""Editable word lists (``assets/words/*.txt``) and finding their patterns in what was heard.

A list is one pattern a line, ``#`` comments (a ``#`` at the start of a line or after a space). A pattern is words
plus a little syntax, so that a list catches a habit in its many forms rather than one literal sentence:

- ``*`` stands for one to three words: ``i have been here * years`` catches "I've been here for almost six years";
- ``(a|b c|)`` is one of the alternatives, an empty one making it optional: ``i (know|realise) you are (busy|swamped)``;
- ``<n>`` is any number: ``been here <n> years`` catches "been here 5 years" and "been here five years".

Words are compared as normalised tokens (lower case, contractions expanded, numbers as digits), exactly — not
fuzzily: these lists catch habits ("um", "I deserve"), where a near miss is a different word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from rehearse.core.assets import WORDS as WORDS_DIR
from rehearse.core.normalize import Token, tokenize

LISTS = ("fillers", "hedges", "vague_claims", "earned_it", "already_doing", "apologetic", "asks", "timeline",
         "denials", "retractions", "praise", "hypotheticals", "others", "future",
         "reported")
WILDCARD_MAX = 3
_PIECES = re.compile(r"\(|\)|\||\*|<n>|[^\s()|*<]+|<")


@dataclass(frozen=True)
class Pattern:
    phrase: str
    elems: tuple  # ("lit", tokens) | ("alt", (elems, ...)) | ("gap",) | ("num",)
    size: int  # the fewest tokens it can match

    @property
    def parts(self) -> tuple[tuple[str, ...], ...]:
        """The literal token runs (for callers that only need the words)."""
        return tuple(e[1] for e in self.elems if e[0] == "lit")


@dataclass(frozen=True)
class Found:
    phrase: str  # the list entry that matched
    first_token: int
    last_token: int


def _parse(pieces: list[str], pos: int, close: bool) -> tuple[list, int]:
    """Elements up to the end (or the closing parenthesis when ``close``); returns (elements, next position)."""
    elems: list = []
    words: list[str] = []

    def flush():
        if words:
            toks = tuple(t.text for t in tokenize(" ".join(words)))
            if toks:
                elems.append(("lit", toks))
            words.clear()

    while pos < len(pieces):
        p = pieces[pos]
        if p == "(":
            flush()
            alts, pos = _alternatives(pieces, pos + 1)
            elems.append(("alt", alts))
            continue
        if p in (")", "|"):
            if not close:
                raise ValueError(f"unexpected {p!r}")
            break
        if p in ("*", "<n>"):
            flush()
        if p == "*":
            elems.append(("gap",))
        elif p == "<n>":
            elems.append(("num",))
        else:
            words.append(p)
        pos += 1
    flush()
    return elems, pos


def _alternatives(pieces: list[str], pos: int) -> tuple[tuple, int]:
    alts = []
    while True:
        elems, pos = _parse(pieces, pos, close=True)
        alts.append(tuple(elems))
        if pos >= len(pieces):
            raise ValueError("unclosed (")
        if pieces[pos] == ")":
            return tuple(alts), pos + 1
        pos += 1  # "|"


def _min_size(elems) -> int:
    n = 0
    for e in elems:
        if e[0] == "lit":
            n += len(e[1])
        elif e[0] in ("gap", "num"):
            n += 1
        else:
            n += min(_min_size(a) for a in e[1])
    return n


def compile_phrase(phrase: str) -> Pattern | None:
    """A list entry as a pattern; None when it is empty, malformed, or starts or ends with a wildcard."""
    try:
        elems, _ = _parse(_PIECES.findall(phrase), 0, close=False)
    except ValueError:
        return None
    if not elems or elems[0][0] == "gap" or elems[-1][0] == "gap":
        return None
    if any(a[0] == "gap" and b[0] == "gap" for a, b in zip(elems, elems[1:])):
        return None
    size = _min_size(elems)
    return Pattern(phrase, tuple(elems), size) if size else None


def parse_list(text: str) -> list[Pattern]:
    out = []
    for line in text.splitlines():
        line = re.split(r"(?:^|\s)#", line, maxsplit=1)[0].strip()
        pattern = compile_phrase(line) if line else None
        if pattern is not None:
            out.append(pattern)
    return out


@lru_cache(maxsize=None)
def load_list(name: str, directory: str | None = None) -> tuple[Pattern, ...]:
    """The patterns of one word list, read once (cached). ``directory`` overrides ``assets/words``."""
    path = Path(directory) / f"{name}.txt" if directory else WORDS_DIR / f"{name}.txt"
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return ()
    return tuple(parse_list(text))


def _ends(elems, k: int, texts: list[str], numbers: list[bool]):
    """Every token index just past a match of ``elems`` starting at ``k`` (shortest wildcards first)."""
    if not elems:
        yield k
        return
    e, rest = elems[0], elems[1:]
    kind = e[0]
    if kind == "lit":
        toks = e[1]
        if tuple(texts[k : k + len(toks)]) == toks:
            yield from _ends(rest, k + len(toks), texts, numbers)
    elif kind == "num":
        if k < len(texts) and numbers[k]:
            yield from _ends(rest, k + 1, texts, numbers)
    elif kind == "gap":
        for gap in range(1, WILDCARD_MAX + 1):
            if k + gap < len(texts) or (not rest and k + gap <= len(texts)):
                yield from _ends(rest, k + gap, texts, numbers)
    else:
        for alt in e[1]:
            yield from _ends(tuple(alt) + rest, k, texts, numbers)


def match_at(pattern: Pattern, texts: list[str], numbers: list[bool], start: int) -> int | None:
    """Index of the last token when ``pattern`` matches at ``start`` (the shortest match), else None."""
    for end in _ends(pattern.elems, start, texts, numbers):
        if end > start:
            return end - 1
    return None


def _firsts(elems) -> frozenset | None:
    """The tokens a match can start with; None when it can start with any number (or anything)."""
    if not elems:
        return frozenset()
    e, rest = elems[0], elems[1:]
    if e[0] == "lit":
        return frozenset([e[1][0]])
    if e[0] != "alt":
        return None
    out: set = set()
    for alt in e[1]:
        sub = _firsts(tuple(alt) + tuple(rest))
        if sub is None:
            return None
        out |= sub
    return frozenset(out)


@lru_cache(maxsize=None)
def first_tokens(pattern: Pattern) -> frozenset | None:
    return _firsts(pattern.elems)


def find(tokens: list[Token], patterns, taken: set[int] | None = None) -> list[Found]:
    """Non-overlapping occurrences of ``patterns`` in ``tokens``, longest patterns first, in text order.

    ``taken`` (token indexes already claimed by another list) is respected and updated.
    """
    texts, numbers, starts, results = _index(tokens)
    key = tuple(patterns) if taken is None else None
    if key is not None and key in results:
        return list(results[key])
    found = _find(texts, numbers, starts, patterns, set() if taken is None else taken)
    if key is not None:
        results[key] = tuple(found)
    return found


_RECENT: list = []  # (token list, its index) for the last few token lists: the analysers of one answer share them
_RECENT_SIZE = 8


def _index(tokens: list[Token]):
    """Token texts, number flags, positions by text and a result cache, for ``tokens`` (by identity; an entry keeps
    its list alive, and the list of entries is replaced whole, so threads never see a half-built one)."""
    recent = _RECENT[:]
    for entry in recent:
        if entry[0] is tokens:
            return entry[1]
    texts = [t.text for t in tokens]
    numbers = [t.number for t in tokens]
    starts: dict[str, list[int]] = {}
    for i, text in enumerate(texts):
        starts.setdefault(text, []).append(i)
    entry = (tokens, (texts, numbers, starts, {}))
    _RECENT[:] = [entry] + recent[: _RECENT_SIZE - 1]
    return entry[1]


def _find(texts, numbers, starts, patterns, taken: set[int]) -> list[Found]:
    found: list[Found] = []
    everywhere = range(len(texts))
    for pattern in sorted(patterns, key=lambda p: -p.size):
        firsts = first_tokens(pattern)
        where = everywhere if firsts is None else sorted(i for f in firsts for i in starts.get(f, ()))
        for start in where:
            if start in taken:
                continue
            end = match_at(pattern, texts, numbers, start)
            if end is None or any(i in taken for i in range(start, end + 1)):
                continue
            taken.update(range(start, end + 1))
            found.append(Found(pattern.phrase, start, end))
    return sorted(found, key=lambda f: f.first_token)
