"""Editable word lists (``assets/words/*.txt``) and finding their phrases in what was heard.

A list is one phrase a line, ``#`` comments; ``*`` in a phrase stands for one to three words. Phrases are compared
as normalised tokens (lower case, contractions expanded, numbers as digits), exactly — not fuzzily: these lists
catch habits ("um", "I deserve"), where a near miss is a different word.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from rehearse.core.normalize import Token, tokenize


def _words_dir() -> Path:
    """``words/`` of the shipped assets: package data in an installed wheel, else the checkout's ``assets/``.

    The same rule as ``rehearse.paths.find_assets`` (core imports nothing outside core but errors).
    """
    packaged = resources.files("rehearse").joinpath("_assets", "words")
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[3] / "assets" / "words"


WORDS_DIR = _words_dir()
LISTS = ("fillers", "hedges", "vague_claims", "earned_it", "already_doing", "apologetic", "asks", "timeline")
WILDCARD_MAX = 3


@dataclass(frozen=True)
class Pattern:
    phrase: str
    parts: tuple[tuple[str, ...], ...]  # token runs between wildcards

    @property
    def size(self) -> int:
        return sum(len(p) for p in self.parts)


@dataclass(frozen=True)
class Found:
    phrase: str  # the list entry that matched
    first_token: int
    last_token: int


def compile_phrase(phrase: str) -> Pattern | None:
    """A list entry as token runs; None when it is empty or starts/ends with (or doubles) a wildcard."""
    parts = tuple(tuple(t.text for t in tokenize(piece)) for piece in phrase.split("*"))
    return Pattern(phrase, parts) if all(parts) else None


def parse_list(text: str) -> list[Pattern]:
    out = []
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
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


def find(tokens: list[Token], patterns, taken: set[int] | None = None) -> list[Found]:
    """Non-overlapping occurrences of ``patterns`` in ``tokens``, longest phrases first, in text order.

    ``taken`` (token indexes already claimed by another list) is respected and updated.
    """
    texts = [t.text for t in tokens]
    starts: dict[str, list[int]] = {}
    for i, text in enumerate(texts):
        starts.setdefault(text, []).append(i)
    taken = set() if taken is None else taken
    found: list[Found] = []
    for pattern in sorted(patterns, key=lambda p: -p.size):
        for start in starts.get(pattern.parts[0][0], ()):
            end = _match_at(texts, start, pattern.parts)
            if end is None or any(i in taken for i in range(start, end + 1)):
                continue
            taken.update(range(start, end + 1))
            found.append(Found(pattern.phrase, start, end))
    return sorted(found, key=lambda f: f.first_token)


def _match_at(texts: list[str], start: int, parts: tuple[tuple[str, ...], ...]) -> int | None:
    """Index of the last token when ``parts`` (with 1..3 wildcard words between them) match at ``start``."""
    first, rest = parts[0], parts[1:]
    if tuple(texts[start : start + len(first)]) != first:
        return None
    pos = start + len(first)
    if not rest:
        return pos - 1
    for gap in range(1, WILDCARD_MAX + 1):
        end = _match_at(texts, pos + gap, rest) if pos + gap < len(texts) else None
        if end is not None:
            return end
    return None
