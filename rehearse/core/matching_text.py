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
# The words that name a role ("Marketing Manager", "Product Designer"): a run of them, with a level or role word,
# is a title, and every word of a title must be heard ("Senior Manager" is not "Senior Marketing Manager").
TITLE_NOUNS = frozenset("""
engineer developer manager director architect designer scientist analyst researcher consultant specialist officer
lead head vp president chief cto ceo cfo coo executive administrator coordinator strategist writer editor producer
accountant advisor adviser owner partner principal fellow
""".split())
# Small words a recognizer or a speaker slips into a phrase without changing what it says: prepositions, pronouns,
# forms of "be" ("saved about $400,000 in the year", "shipped it to the mobile checkout"). Inserted, two of them
# count as one error (one alone still counts one); never a strict word ("this", "up", "after") or a negation.
MINOR_WORDS = frozenset("""
about at by for from in into of on onto out to with
i me my we us our you your he him his she her it its they them their
be is am are was were been
""".split()) - STRICT_WORDS - NEGATIONS
LEVEL_WORDS = frozenset("junior senior staff principal lead distinguished associate chief head".split())
MINOR_COST = 0.15  # a small word slipped into a phrase, against 0.3 for another word
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
    insert_cost: float = 0.3  # said inside a match where the phrase has no word


@lru_cache(maxsize=65536)
def term(text: str, number: bool) -> Term:
    """The matching traits of a normalised word (shared: one object per distinct word)."""
    neg = text in NEGATIONS
    money = text in CURRENCIES  # may go unsaid ("two hundred fifty k" for "$250k"), never be another currency
    soft = text in FILLERS or text in ARTICLES or money
    insert = 0.05 if soft else (STRICT_COST - 0.1 if neg or text in ROLE_WORDS else
                                MINOR_COST if text in MINOR_WORDS else 0.3)
    return Term(text, text if number else stem(text), number, soft, number or neg or money or text in STRICT_WORDS,
                neg, insert)


class TextIndex:
    """The text's tokens, with an index from comparison key (and from two-token joins) to positions."""

    def __init__(self, text: str, tokens: list[Token] | None = None):
        tokens = tokenize(text) if tokens is None else tokens
        toks = self.toks = [term(word, number) for word, _, _, number in tokens]
        self.first = [t[1] for t in tokens]  # original word span of each token
        self.last = [t[2] for t in tokens]
        positions: dict[str, list[int]] = defaultdict(list)
        self.positions = positions
        for i, t in enumerate(toks):
            positions[t.key].append(i)
        # two neighbouring words written together ("o auth" -> "oauth"), never across a number
        raw_joins: list[str | None] = [None if a.number or b.number else a.text + b.text for a, b in zip(toks, toks[1:])]
        joins = [raw if raw is None or raw[-1] != "s" else stem(raw) for raw in raw_joins]  # stem() only changes -s
        for i, joined in enumerate(joins):
            if joined is not None:
                positions[joined].append(i)
        joins.append(None)
        raw_joins.append(None)
        self.joins, self.raw_joins = joins, raw_joins
        self.insert_costs = [t.insert_cost for t in toks]
        self.cache: dict = {}  # similarity of (phrase word, text word) pairs, shared by all phrases
        self.sound_heads: list | None = None  # first sounds of each word, for sound-alike steps (when first needed)


class PhraseTokens:
    """A key phrase, tokenised: which words are optional (articles/fillers), strict, and its error budget."""

    def __init__(self, phrase: str, roles: tuple[str, ...] = ()):
        self.phrase = phrase
        tokens = tokenize(phrase)
        toks = [term(t.text, t.number) for t in tokens]
        if toks and all(t.soft for t in toks):  # a phrase made only of fillers/articles needs them all
            toks = [Term(t.text, t.key, t.number, False, t.strict, t.negation, t.insert_cost) for t in toks]
        self.toks = toks
        self.size = sum(1 for t in toks if not t.soft)  # content words
        self.joins = [None if (a.number or b.number) else stem(a.text + b.text) for a, b in zip(toks, toks[1:])]
        self.joins.append(None)
        self.strict_set = {j for j, t in enumerate(toks) if t.strict and not t.soft}
        self.exact_set = {j for j in self.strict_set if toks[j].number or toks[j].negation}  # never by sound
        self.content = [j for j, t in enumerate(toks) if not t.soft]
        self.title = title_positions(phrase, tokens, toks) | role_positions(toks, roles)
        c = self.size
        self.max_errors = 0 if c <= 1 else max(1, c // 3)  # fuzzy + insertions + drops + substitutions
        self.max_subs = c // 5
        self.max_drops = c // 4


@lru_cache(maxsize=4096)
def phrase_tokens(phrase: str, roles: tuple[str, ...] = ()) -> PhraseTokens:
    """The parsed phrase, shared: a scenario's phrases are matched turn after turn (never changed by the matcher)."""
    return PhraseTokens(phrase, roles)


@lru_cache(maxsize=65536)
def inflected(a: str, b: str) -> bool:
    """Whether one word is the other with a regular ending ("demonstrate"/"demonstrated", "follow"/"followed",
    "ship"/"shipped", "make"/"making"): the same word said in another tense or number. Stems of four letters or
    more only ("rat" is not "rating")."""
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) < 4 or not long.startswith(short[:-1]) or short == long:
        return False
    if long.startswith(short):
        rest = long[len(short):]
        return rest in ("s", "es", "ed", "d", "ing") or (rest[:1] == short[-1] and rest[1:] in ("ed", "ing"))
    return short.endswith("e") and long == short[:-1] + "ing"  # "make"/"making"


def similarity(a: str, b: str) -> float:
    """Spelling similarity 0..1 as the matcher uses it (a shortened word counts as similar: "tech"/"technical")."""
    sim = Indel.normalized_similarity(a, b)
    if sim < FUZZY_MIN and min(len(a), len(b)) >= 4 and (a.startswith(b) or b.startswith(a)):
        return FUZZY_MIN
    return sim


def title_positions(phrase: str, tokens: list[Token], toks: list[Term]) -> frozenset[int]:
    """Indexes of the phrase's tokens that belong to a role's title, which may not be dropped, swapped for another
    word or have a word put inside them: a run of two or more capitalised words with a role or level word in it
    ("Senior Marketing Manager", "Principal Product Designer"), or, written in any case, a level word followed
    within three words by a role noun ("senior marketing manager", "lead data engineer")."""
    words = phrase.split()
    caps = [any(words[i][:1].isupper() for i in range(t.first, t.last + 1)) for t in tokens]
    roleish = [t.text in TITLE_NOUNS or t.text in LEVEL_WORDS or stem(t.text) in TITLE_NOUNS for t in toks]
    out: set[int] = set()
    j, n = 0, len(toks)
    while j < n:  # capitalised runs (articles inside end them: "the Senior Manager" starts at "Senior")
        if not caps[j] or toks[j].soft or toks[j].number:
            j += 1
            continue
        end = j
        while end + 1 < n and caps[end + 1] and not toks[end + 1].soft and not toks[end + 1].number:
            end += 1
        if end > j and any(roleish[i] for i in range(j, end + 1)):
            out.update(range(j, end + 1))
        j = end + 1
    for j, t in enumerate(toks):  # level word ... role noun, in any case
        if t.text not in LEVEL_WORDS:
            continue
        for end in range(j + 1, min(n, j + 4)):
            if toks[end].number or toks[end].negation:
                break
            if toks[end].text in TITLE_NOUNS or stem(toks[end].text) in TITLE_NOUNS:
                out.update(i for i in range(j, end + 1) if not toks[i].soft)
                break
    return frozenset(out)


def role_positions(toks: list[Term], roles: tuple[str, ...]) -> frozenset[int]:
    """Indexes of the phrase's tokens that spell one of ``roles`` (the scenario's target and current role), in any
    case: "promotion to marketing manager" with the target role Marketing Manager."""
    out: set[int] = set()
    for role in roles:
        keys = [r.key for r in (term(t.text, t.number) for t in tokenize(role)) if not r.soft]
        if not keys:
            continue
        content = [j for j, t in enumerate(toks) if not t.soft]
        for i in range(len(content) - len(keys) + 1):
            span = content[i:i + len(keys)]
            if [toks[j].key for j in span] == keys:
                out.update(span)
    return frozenset(out)
