"""What the matcher compares: normalised words with their traits, the indexed text, and a parsed key phrase."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from rapidfuzz.distance import Indel

from rehearse.core.normalize import ARTICLES, CURRENCIES, FILLERS, NEGATIONS, Token, stem, tokenize

# Words whose near neighbours mean something else: roles, levels, directions, months, comparisons.
STRICT_WORDS = frozenset("""
junior senior staff principal lead distinguished associate intern engineer developer manager director architect
head vp president chief cto ceo executive individual contributor ic management
increase increased decrease decreased more less fewer higher lower up down before after above below faster slower
better worse gain loss lost won next last this previous early late earlier later
january february march april may june july august september october november december
monday tuesday wednesday thursday friday saturday sunday
""".split())
# Of those, the ones that may not even be inserted into a match ("senior staff engineer" is not "senior engineer").
ROLE_WORDS = frozenset("""
junior senior staff principal lead distinguished associate intern engineer developer manager director architect
head vp president chief cto ceo executive ic management
""".split())
FUZZY_MIN = 0.75  # spelling similarity (0..1) from which a word counts as misheard rather than different
STRICT_COST = 1.5


@dataclass(frozen=True, slots=True)
class Term:
    text: str
    key: str
    number: bool
    soft: bool  # filler or article: may be inserted/dropped for a small penalty
    strict: bool  # number, negation, or role/level word
    negation: bool


@lru_cache(maxsize=65536)
def term(text: str, number: bool) -> Term:
    """The matching traits of a normalised word (shared: one object per distinct word)."""
    neg = text in NEGATIONS
    money = text in CURRENCIES  # may go unsaid ("two hundred fifty k" for "$250k"), never be another currency
    return Term(text, text if number else stem(text), number, text in FILLERS or text in ARTICLES or money,
                number or neg or money or text in STRICT_WORDS, neg)


class TextIndex:
    """The text's tokens, with an index from comparison key (and from two-token joins) to positions."""

    def __init__(self, text: str, tokens: list[Token] | None = None):
        tokens = tokenize(text) if tokens is None else tokens
        toks = self.toks = [term(t.text, t.number) for t in tokens]
        self.first = [t.first for t in tokens]  # original word span of each token
        self.last = [t.last for t in tokens]
        positions: dict[str, list[int]] = defaultdict(list)
        self.positions = positions
        joins: list[str | None] = []
        raw_joins: list[str | None] = []
        for i, t in enumerate(toks):
            positions[t.key].append(i)
        for i in range(len(toks) - 1):
            a, b = toks[i], toks[i + 1]
            if a.number or b.number:
                joins.append(None)
                raw_joins.append(None)
                continue
            raw = a.text + b.text
            joined = stem(raw)
            joins.append(joined)
            raw_joins.append(raw)
            positions[joined].append(i)
        joins.append(None)
        raw_joins.append(None)
        self.joins, self.raw_joins = joins, raw_joins
        self.insert_costs = [0.05 if t.soft else (STRICT_COST - 0.1 if t.negation or t.text in ROLE_WORDS else 0.3)
                             for t in toks]
        self.cache: dict = {}  # similarity of (phrase word, text word) pairs, shared by all phrases


class PhraseTokens:
    """A key phrase, tokenised: which words are optional (articles/fillers), strict, and its error budget."""

    def __init__(self, phrase: str):
        self.phrase = phrase
        toks = [term(t.text, t.number) for t in tokenize(phrase)]
        if toks and all(t.soft for t in toks):  # a phrase made only of fillers/articles needs them all
            toks = [Term(t.text, t.key, t.number, False, t.strict, t.negation) for t in toks]
        self.toks = toks
        self.size = sum(1 for t in toks if not t.soft)  # content words
        self.joins = [None if (a.number or b.number) else stem(a.text + b.text) for a, b in zip(toks, toks[1:])]
        self.joins.append(None)
        self.key_positions: dict[str, set[int]] = defaultdict(set)
        for j, t in enumerate(toks):
            if not t.soft:
                self.key_positions[t.key].add(j)
                if self.joins[j] is not None:
                    self.key_positions[self.joins[j]].update((j, j + 1))
        self.strict_set = {j for j, t in enumerate(toks) if t.strict and not t.soft}
        self.exact_set = {j for j in self.strict_set if toks[j].number or toks[j].negation}  # never by sound
        self.content = [j for j, t in enumerate(toks) if not t.soft]
        c = self.size
        self.max_errors = 0 if c <= 1 else max(1, c // 3)  # fuzzy + insertions + drops + substitutions
        self.max_subs = c // 5
        self.max_drops = c // 4


def similarity(a: str, b: str) -> float:
    """Spelling similarity 0..1 as the matcher uses it (a shortened word counts as similar: "tech"/"technical")."""
    sim = Indel.normalized_similarity(a, b)
    if sim < FUZZY_MIN and min(len(a), len(b)) >= 4 and (a.startswith(b) or b.startswith(a)):
        return FUZZY_MIN
    return sim
