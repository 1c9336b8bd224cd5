"""Key-phrase matching: did the speaker say a prepared phrase?

The text (what a recognizer heard) is tokenised once (:mod:`rehearse.core.normalize`) and indexed; each phrase is
then aligned only against small windows around its rarer words. The alignment (:mod:`rehearse.core.matching_search`, :mod:`rehearse.core.matching_align`)
is in order and local — the phrase's words scattered over a sentence never match — and tolerates what recognizers
do: fillers and articles inserted, words split or merged ("o auth"), a misheard word per ~3 words, two small words
slipped in for one ("saved about $400,000 in the year"), another tense or number ("demonstrated"). Numbers,
negations and role/level words must agree exactly, and a title ("Senior Marketing Manager", or the scenario's role)
keeps every word: none dropped, swapped or added inside it.

    >>> m = match_phrase("we cut login related tickets by sixty two percent", "62%")
    >>> m.hit, m.heard, m.start_word, m.end_word
    (True, 'sixty two percent', 6, 8)
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from rehearse.core.matching_align import Alignment
from rehearse.core.matching_search import align
from rehearse.core.matching_text import TextIndex, phrase_tokens
from rehearse.core.normalize import Token

__all__ = ["PhraseMatch", "Matcher", "match_phrase", "match_phrases"]


@dataclass
class PhraseMatch:
    """Whether ``phrase`` was heard. Word indexes are into ``text.split()``, ``end_word`` inclusive.

    ``heard``/``start_word``/``end_word`` are None when there is no hit. For a miss, ``near`` (and
    ``near_start``/``near_end``) give the closest words that were heard instead, if any, and ``reason`` says why
    they did not count (e.g. "different number: heard 26, expected 62"). ``negated`` is set on a hit that follows
    a negation the phrase does not have ("I haven't led a project" for "led a project"): the words were said, but
    the speaker may have meant the opposite.
    """

    phrase: str
    hit: bool
    score: float  # 0..100: how much of the phrase came across
    heard: str | None
    start_word: int | None
    end_word: int | None
    near: str | None = None
    near_start: int | None = None
    near_end: int | None = None
    reason: str | None = None
    negated: bool = False

    def to_dict(self) -> dict:
        return asdict(self)


class Matcher:
    """Tokenise and index a text once, then match many phrases against it: ``Matcher(text).match(phrase)``.

    A caller that already has ``tokenize(text)`` may pass it as ``tokens`` to save normalising the text twice.
    ``roles`` (the scenario's target and current role) are titles: where a phrase spells one, every word of it must
    be heard, as in a title written with capitals ("Senior Marketing Manager" is not "Senior Manager").
    """

    def __init__(self, text: str, tokens: list[Token] | None = None, roles: tuple[str, ...] = ()):
        self.text = text
        self.roles = tuple(r for r in roles if r)
        self.words = text.split()
        self.index = TextIndex(text, tokens)
        self._cache: dict[str, PhraseMatch] = {}

    def match(self, phrase: str) -> PhraseMatch:
        cached = self._cache.get(phrase)
        if cached is None:
            cached = self._cache[phrase] = self._match(phrase)
        copy = PhraseMatch.__new__(PhraseMatch)  # a copy: callers may change theirs
        copy.__dict__.update(cached.__dict__)
        return copy

    def match_all(self, phrases: list[str]) -> list[PhraseMatch]:
        return [self.match(p) for p in phrases]

    def _span_text(self, first: int, last: int) -> str:
        return " ".join(self.words[first:last + 1])

    def _match(self, phrase: str) -> PhraseMatch:
        ptoks = phrase_tokens(phrase, self.roles)
        best: Alignment | None = align(self.index, ptoks)
        if best is None:
            return PhraseMatch(phrase, False, 0.0, None, None, None, reason="none of its words were heard"
                               if ptoks.size else "the phrase has no words")
        first, last = best.first_word, best.last_word
        if best.hit:
            return PhraseMatch(phrase, True, best.score, self._span_text(first, last), first, last,
                               negated=best.negated_by is not None)
        return PhraseMatch(phrase, False, best.score, None, None, None, near=self._span_text(first, last),
                           near_start=first, near_end=last, reason=best.reason)


def match_phrase(text: str, phrase: str) -> PhraseMatch:
    """Match one phrase against ``text``."""
    return Matcher(text).match(phrase)


def match_phrases(text: str, phrases: list[str]) -> list[PhraseMatch]:
    """Match each phrase against ``text`` (tokenised once)."""
    return Matcher(text).match_all(phrases)
