"""Sound-alike steps of the matcher's alignment: phrase words heard as other words that sound the same.

One or two phrase words may be aligned with one to three text words when they sound alike
(:mod:`rehearse.core.soundalike`): "data" / "day to", "senior" / "see in your", "weighs in" / "ways and". The
strictness of the matcher stays: numbers and negations never take part (they must be heard exactly), nor may any
strict text word (a role, a level, a direction: "junior" is never a sound-alike of "senior"); a strict phrase word
(a role) only matches words with the very same consonants ("see in your" for "senior", not "sooner"). A sound-alike
costs like a misheard word (one error of the phrase's budget) unless the pronunciations are identical.
"""

from __future__ import annotations

from functools import lru_cache

from rehearse.core.matching_text import PhraseTokens, Term, TextIndex
from rehearse.core.soundalike import group_phones, phones, same_consonants, sound_similarity

MIN_WORD = 0.85  # one word for one word (spelling handles most of these already)
MIN_GROUP = 0.8  # a split or a merge ("day to" / "data")
MAX_PHRASE, MAX_TEXT = 2, 3


def may_sound(t: Term) -> bool:
    """Whether a phrase word may be matched by sound at all (never numbers, negations, fillers/articles)."""
    return not (t.number or t.negation or t.soft)


def swappable(t: Term) -> bool:
    """Whether a word may trade places with its neighbour in a match (never strict words: "from 6 to 90")."""
    return not (t.strict or t.soft)


def _text_ok(t: Term) -> bool:
    return not (t.strict or t.number or t.negation)


def block_similarity(ph: PhraseTokens, j: int, a: int, text: TextIndex, k: int, b: int, cache: dict) -> float:
    """How alike phrase words [j, j+a) and text words [k, k+b) sound (0: not allowed or not alike enough)."""
    key = ("sound", tuple([t.text for t in ph.toks[j:j + a]]), tuple([t.text for t in text.toks[k:k + b]]))
    found = cache.get(key)
    if found is None:
        found = cache[key] = _similarity(ph.toks[j:j + a], text.toks[k:k + b])
    return found


def _similarity(P: list[Term], T: list[Term]) -> float:
    if not all(may_sound(p) for p in P) or not all(_text_ok(t) for t in T) or T[0].soft or T[-1].soft:
        return 0.0
    pw, tw = tuple(p.text for p in P), tuple(t.text for t in T)
    if {p.key for p in P} & {t.key for t in T}:  # a word heard as itself is aligned as itself, not by sound
        return 0.0
    gp, gt = group_phones(pw), group_phones(tw)
    if not gp or not gt or not any(x[:1] == y[:1] for x in gp for y in gt):  # they must start alike
        return 0.0
    sim = sound_similarity(pw, tw)
    if sim < (MIN_WORD if len(P) == len(T) == 1 else MIN_GROUP):
        return 0.0
    if any(p.strict for p in P) and not same_consonants(pw, tw):
        return 0.0
    return sim


@lru_cache(maxsize=65536)
def _heads(word: str) -> frozenset[str]:
    """The first sounds of a word (empty when the dictionary does not know it)."""
    return frozenset(p[0] for p in phones(word) if p)


def _may_start(p: Term, t: Term) -> bool:
    """Cheap gate: a sound-alike step from phrase word p may start at text word t."""
    return (may_sound(p) and _text_ok(t) and not t.soft and p.key != t.key
            and not _heads(p.text).isdisjoint(_heads(t.text)))


def _text_heads(text: TextIndex) -> list[frozenset[str] | None]:
    """For each text word, its first sounds, or None where no sound-alike step may start (computed once a text)."""
    heads = text.sound_heads
    if heads is None:
        heads = text.sound_heads = [None if (t.soft or not _text_ok(t)) else _heads(t.text) for t in text.toks]
    return heads


def sound_starts(p: Term, text: TextIndex, lo: int, hi: int) -> list[bool]:
    """For text words [lo, hi): whether a sound-alike step from phrase word p may start there (as ``_may_start``)."""
    if not may_sound(p):
        return [False] * (hi - lo)
    mine, key, toks = _heads(p.text), p.key, text.toks
    if not mine:
        return [False] * (hi - lo)
    heads = _text_heads(text)
    return [h is not None and not mine.isdisjoint(h) and toks[k].key != key
            for k, h in zip(range(lo, hi), heads[lo:hi])]


def sound_blocks(ph: PhraseTokens, j: int, text: TextIndex, k: int, hi: int, cache: dict, gate: bool = True):
    """(phrase words, text words, cost) of each sound-alike step from phrase word j at text position k (``gate``:
    check first that one may start there; False when the caller has, with :func:`sound_starts`)."""
    if gate and not _may_start(ph.toks[j], text.toks[k]):
        return
    m = len(ph.toks)
    for a in range(1, MAX_PHRASE + 1):
        if j + a > m:
            break
        for b in range(1, MAX_TEXT + 1):
            if k + b > hi:
                break
            sim = block_similarity(ph, j, a, text, k, b, cache)
            if sim:
                yield a, b, (0.03 * a if sim >= 0.99 else 0.1 + (1.0 - sim))


def sounds_nearby(word: Term, text: TextIndex, lo: int, hi: int, cache: dict) -> bool:
    """Whether some 1-3 text words in [lo, hi) sound like ``word`` (for the search's cheap checks)."""
    if not may_sound(word):
        return False
    mine = _heads(word.text)
    if not mine:
        return False
    heads, toks, key = _text_heads(text), text.toks, word.key
    ph = None
    for k in range(lo, hi):
        h = heads[k]
        if h is None or mine.isdisjoint(h) or toks[k].key == key:
            continue
        ph = ph or _single(word)
        for b in range(1, min(MAX_TEXT, hi - k) + 1):
            if block_similarity(ph, 0, 1, text, k, b, cache):
                return True
    return False


class _single(PhraseTokens):
    """A one-word phrase made from a Term (no re-tokenising)."""

    def __init__(self, t: Term):  # noqa: D107 - only what block_similarity reads
        self.toks = [t]
