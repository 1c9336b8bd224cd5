"""The alignment behind key-phrase matching: an in-order, local edit alignment of phrase tokens to text tokens.

Operations and what they cost (lower is better; the score is derived from the credit each phrase word earns):
  exact word                      0       credit 1
  same stem / split or merged     0.03    credit 0.97   ("tickets"/"ticket", "o auth"/"oauth", "follow up"/"followup")
  misheard (similar spelling)     ~0.1-0.35 credit ~0.7-0.9 (counts against the error budget)
  other substitution              1       credit 0      (budget; only in long phrases)
  extra filler/article in text    0.05    -0.05
  extra other word in text        0.3     -0.3          (budget)
  phrase article/filler not said  0.05    -0.05
  phrase word not said            1       credit 0      (budget; only in phrases of 4+ words)
Numbers, negations and role/level words are "strict": never fuzzily swapped, dropped or inserted. A strict violation
costs 1.5 and makes the alignment a miss, but it still scores partial credit so a miss can say what was heard instead.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from rapidfuzz.distance import Indel

from rehearse.core.normalize import ARTICLES, FILLERS, NEGATIONS, Token, stem, tokenize

# Words whose near neighbours mean something else: roles, levels, directions, months, comparisons.
STRICT_WORDS = frozenset("""
junior senior staff principal lead distinguished associate intern engineer developer manager director architect
head vp president chief cto ceo executive individual contributor ic management
increase increased decrease decreased more less fewer higher lower up down before after above below faster slower
better worse gain loss lost won next last this previous early late earlier later
january february march april may june july august september october november december
monday tuesday wednesday thursday friday saturday sunday
""".split())
_NEG_LOOKBACK_SKIP = FILLERS | ARTICLES | frozenset("yet ever even always really actually".split())
_NEG_BEFORE = NEGATIONS - {"no", "none", "nothing", "nobody"}

EXACT, STEM, JOIN, PJOIN, FUZZY, SUB, INS, DEL = "exact", "stem", "join", "pjoin", "fuzzy", "sub", "ins", "del"
FUZZY_MIN = 0.75
STRICT_COST = 1.5


@dataclass(slots=True)
class _Tok:
    text: str
    key: str
    number: bool
    soft: bool  # filler or article: may be inserted/dropped for a small penalty
    strict: bool  # number, negation, or role/level word
    negation: bool
    first: int
    last: int


def _prepare(tokens: list[Token]) -> list[_Tok]:
    out = []
    for t in tokens:
        neg = t.text in NEGATIONS
        out.append(_Tok(t.text, t.text if t.number else stem(t.text), t.number, t.text in FILLERS or
                        t.text in ARTICLES, t.number or neg or t.text in STRICT_WORDS, neg, t.first, t.last))
    return out


class TextIndex:
    """The text's tokens, with an index from comparison key (and from two-token joins) to positions."""

    def __init__(self, text: str):
        self.toks = _prepare(tokenize(text))
        self.positions: dict[str, list[int]] = defaultdict(list)
        self.joins: list[str | None] = []
        self.raw_joins: list[str | None] = []
        for i, t in enumerate(self.toks):
            self.positions[t.key].append(i)
        for i in range(len(self.toks) - 1):
            a, b = self.toks[i], self.toks[i + 1]
            joined = None if (a.number or b.number) else stem(a.text + b.text)
            self.joins.append(joined)
            self.raw_joins.append(None if joined is None else a.text + b.text)
            if joined is not None:
                self.positions[joined].append(i)
        self.joins.append(None)
        self.raw_joins.append(None)


class PhraseTokens:
    """A key phrase, tokenised: which words are optional (articles/fillers), strict, and its error budget."""

    def __init__(self, phrase: str):
        self.phrase = phrase
        toks = _prepare(tokenize(phrase))
        if toks and all(t.soft for t in toks):
            for t in toks:  # a phrase made only of fillers/articles needs them all
                t.soft = False
        self.toks = toks
        self.size = sum(1 for t in toks if not t.soft)  # content words
        self.joins = [None if (a.number or b.number) else stem(a.text + b.text) for a, b in zip(toks, toks[1:])]
        self.joins.append(None)
        c = self.size
        self.max_errors = 0 if c <= 1 else max(1, c // 3)  # fuzzy + insertions + drops + substitutions
        self.max_subs = c // 5
        self.max_drops = c // 4


@dataclass
class Alignment:
    hit: bool
    score: float
    first_word: int
    last_word: int
    cost: float
    reason: str | None = None
    ops: list[tuple[str, int, int]] = field(default_factory=list)  # (op, phrase index, text index)


def _substitute(p: _Tok, t: _Tok, cache: dict) -> tuple[float, str, float]:
    """(cost, op, credit) for aligning phrase token p with text token t."""
    if p.text == t.text:
        return 0.0, EXACT, 1.0
    if p.key == t.key and not p.number:
        return 0.03, STEM, 0.97
    if p.strict or t.strict:
        if p.strict and t.strict or p.number or t.number or p.negation or t.negation:
            return STRICT_COST, "strict", 0.0
    cached = cache.get((p.text, t.text))
    if cached is None:
        sim = Indel.normalized_similarity(p.text, t.text) if len(p.text) >= 4 and len(t.text) >= 3 else 0.0
        cached = (0.1 + (1 - sim), FUZZY, 0.9 * sim) if sim >= FUZZY_MIN else (1.0, SUB, 0.0)
        cache[(p.text, t.text)] = cached
    return cached


def _join_cost(p: _Tok, text: TextIndex, k: int, cache: dict) -> float | None:
    """Cost of phrase token p against text tokens k, k+1 written as one word ("o auth", "had count")."""
    if text.joins[k] == p.key:
        return 0.03
    if p.strict or p.soft or text.toks[k].strict or text.toks[k + 1].strict:
        return None
    key = ("+", p.text, text.raw_joins[k])
    sim = cache.get(key)
    if sim is None:
        sim = cache[key] = Indel.normalized_similarity(p.text, text.raw_joins[k]) if len(p.text) >= 5 else 0.0
    return 0.1 + (1 - sim) if sim >= 0.8 else None


def _insert_cost(t: _Tok) -> float:
    if t.soft:
        return 0.05
    if t.negation or (t.strict and not t.number):
        return STRICT_COST
    return 0.3


def _delete_cost(p: _Tok) -> float:
    if p.soft:
        return 0.05
    return STRICT_COST if p.strict else 1.0


def _align_window(text: TextIndex, ph: PhraseTokens, lo: int, hi: int, cache: dict) -> Alignment | None:
    """Best local alignment of the whole phrase inside text tokens [lo, hi)."""
    P, T = ph.toks, text.toks
    m, w = len(P), hi - lo
    inf = float("inf")
    cost = [[inf] * (w + 1) for _ in range(m + 1)]
    back: list[list[tuple | None]] = [[None] * (w + 1) for _ in range(m + 1)]
    for k in range(w + 1):
        cost[0][k] = 0.0
    for j in range(m + 1):
        row = cost[j]
        for k in range(w + 1):
            here = row[k]
            if here == inf:
                continue
            if j < m:
                p = P[j]
                c = here + _delete_cost(p)
                if c < cost[j + 1][k]:
                    cost[j + 1][k], back[j + 1][k] = c, (j, k, DEL)
                if k < w:
                    t = T[lo + k]
                    sc, op, _ = _substitute(p, t, cache)
                    if here + sc < cost[j + 1][k + 1]:
                        cost[j + 1][k + 1], back[j + 1][k + 1] = here + sc, (j, k, op)
                    if k + 1 < w and text.joins[lo + k] is not None:
                        jc = _join_cost(p, text, lo + k, cache)
                        if jc is not None and here + jc < cost[j + 1][k + 2]:
                            cost[j + 1][k + 2], back[j + 1][k + 2] = here + jc, (j, k, JOIN)
                    if j + 1 < m and ph.joins[j] is not None and ph.joins[j] == t.key:
                        if here + 0.03 < cost[j + 2][k + 1]:
                            cost[j + 2][k + 1], back[j + 2][k + 1] = here + 0.03, (j, k, PJOIN)
            if 0 < j and k < w:  # extra text word inside the match (not before it: the start is free)
                c = here + _insert_cost(T[lo + k])
                if c < row[k + 1]:
                    row[k + 1], back[j][k + 1] = c, (j, k, INS)
    end = min(range(w + 1), key=lambda k: cost[m][k])
    if cost[m][end] == inf:
        return None
    ops: list[tuple[str, int, int]] = []
    j, k = m, end
    while j > 0:
        pj, pk, op = back[j][k]
        ops.append((op, pj, lo + pk))
        j, k = pj, pk
    ops.reverse()
    return _judge(text, ph, ops, cost[m][end], cache)


def _judge(text: TextIndex, ph: PhraseTokens, ops: list[tuple[str, int, int]], total: float,
           cache: dict) -> Alignment | None:
    P, T = ph.toks, text.toks
    credit = 0.0
    penalty = 0.0
    errors = subs = drops = 0
    reason = None
    used: list[int] = []
    for op, j, k in ops:
        if op == DEL:
            if P[j].soft:
                penalty += 0.05
                continue
            drops += 1
            errors += 1
            if P[j].strict and reason is None:
                reason = f"not heard: {P[j].text}"
            elif reason is None:
                reason = f"missing word: {P[j].text}"
            continue
        used.append(k)
        if op == INS:
            t = T[k]
            penalty += 0.05 if t.soft else 0.3
            if not t.soft:
                errors += 1
            if t.negation and reason is None:
                reason = f"negated: heard {t.text!r}"
            elif t.strict and not t.number and reason is None:
                reason = f"extra word changes the meaning: {t.text}"
            continue
        if op == PJOIN:  # two phrase words written as one ("followup")
            credit += (0.0 if P[j].soft else 0.97) + (0.0 if P[j + 1].soft else 0.97)
            continue
        if op == JOIN:
            used.append(k + 1)
            jc = _join_cost(P[j], text, k, cache)
            if jc is not None and jc > 0.03:  # misheard across a split ("had count" for "headcount")
                errors += 1
                credit += 0.9 * (1.1 - jc)
            else:
                credit += 0.97
            continue
        _, sop, sc = _substitute(P[j], T[k], cache)
        credit += sc if not P[j].soft else 0.0
        if sop == "strict":
            if reason is None:
                kind = "number" if (P[j].number or T[k].number) else "word"
                reason = f"different {kind}: heard {T[k].text}, expected {P[j].text}"
        elif sop == FUZZY:
            errors += 1
        elif sop == SUB:
            subs += 1
            errors += 1
    if not used:
        return None
    size = max(ph.size, 1)
    score = max(0.0, min(100.0, 100.0 * (credit - penalty) / size))
    if reason is None:
        if errors > ph.max_errors or subs > ph.max_subs or drops > ph.max_drops:
            reason = "too different: too many words missing, extra or misheard"
    first_tok, last_tok = min(used), max(used)
    if reason is None:
        reason = _negated_before(T, first_tok, ph)
    hit = reason is None
    if not hit:
        score = min(score, 69.0)
    return Alignment(hit, round(score, 1), T[first_tok].first, max(T[k].last for k in used), total, reason, ops)


def _negated_before(T: list[_Tok], first: int, ph: PhraseTokens) -> str | None:
    """A negation just before the match ("haven't led …") flips a phrase that has none of its own."""
    if any(t.negation for t in ph.toks):
        return None
    k, seen = first - 1, 0
    while k >= 0 and seen < 2:
        t = T[k]
        if t.text in _NEG_BEFORE:
            return f"negated: heard {t.text!r} before it"
        if t.text not in _NEG_LOOKBACK_SKIP:
            seen += 1
        k -= 1
    return None


def _anchor_positions(text: TextIndex, ph: PhraseTokens) -> list[tuple[int, int]]:
    """(text position, phrase position) of exact hits of the phrase's rarer words (enough to catch any hit)."""
    P = ph.toks
    cands = []
    for j, p in enumerate(P):
        if p.soft and ph.size:
            continue
        keys = [p.key]
        if ph.joins[j] is not None:
            keys.append(ph.joins[j])
        pos = [(k, j) for key in keys for k in text.positions.get(key, ())]
        cands.append((len(pos), j, pos))
    cands.sort()
    need = ph.max_errors + 1
    out: list[tuple[int, int]] = []
    for _, _, pos in cands[:need]:
        out.extend(pos)
    if not out:  # partial credit for misses: any word of the phrase
        for _, _, pos in cands[need:]:
            out.extend(pos)
    return out


def align(text: TextIndex, ph: PhraseTokens) -> Alignment | None:
    """The best alignment of the phrase in the text: a hit if there is one, else the closest miss (or None)."""
    if not ph.toks or not text.toks:
        return None
    m = len(ph.toks)
    slack = 2 + ph.max_errors
    windows: list[list[int]] = []
    for k, j in sorted(_anchor_positions(text, ph)):
        lo, hi = max(0, k - j - slack), min(len(text.toks), k + (m - j) + slack + 1)
        if windows and lo <= windows[-1][1]:
            windows[-1][1] = max(windows[-1][1], hi)
        else:
            windows.append([lo, hi])
    cache: dict = {}
    best: Alignment | None = None
    for lo, hi in windows:
        found = _align_window(text, ph, lo, hi, cache)
        if found is None:
            continue
        if best is None or (found.hit, found.score) > (best.hit, best.score):
            best = found
    return best
