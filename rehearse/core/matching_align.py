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

from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache

from rapidfuzz.distance import Indel
from rapidfuzz.process import extractOne

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


@dataclass(frozen=True, slots=True)
class _Tok:
    text: str
    key: str
    number: bool
    soft: bool  # filler or article: may be inserted/dropped for a small penalty
    strict: bool  # number, negation, or role/level word
    negation: bool


@lru_cache(maxsize=65536)
@lru_cache(maxsize=65536)
def _word(text: str, number: bool) -> _Tok:
    """The matching traits of a normalised word (shared: one object per distinct word)."""
    neg = text in NEGATIONS
    return _Tok(text, text if number else stem(text), number, text in FILLERS or text in ARTICLES,
                number or neg or text in STRICT_WORDS, neg)


class TextIndex:
    """The text's tokens, with an index from comparison key (and from two-token joins) to positions."""

    def __init__(self, text: str):
        tokens = tokenize(text)
        toks = self.toks = [_word(t.text, t.number) for t in tokens]
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
        self.insert_costs = [0.05 if t.soft else (STRICT_COST if t.negation or (t.strict and not t.number) else 0.3)
                             for t in toks]
        self.cache: dict = {}  # similarity of (phrase word, text word) pairs, shared by all phrases


class PhraseTokens:
    """A key phrase, tokenised: which words are optional (articles/fillers), strict, and its error budget."""

    def __init__(self, phrase: str):
        self.phrase = phrase
        toks = [_word(t.text, t.number) for t in tokenize(phrase)]
        if toks and all(t.soft for t in toks):  # a phrase made only of fillers/articles needs them all
            toks = [_Tok(t.text, t.key, t.number, False, t.strict, t.negation) for t in toks]
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
        self.content = [j for j, t in enumerate(toks) if not t.soft]
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
    negated_by: str | None = None  # a negation word just before the match


def _substitute(p: _Tok, t: _Tok, cache: dict) -> tuple[float, str, float]:
    """(cost, op, credit) for aligning phrase token p with text token t."""
    key = (p.text, t.text)
    cached = cache.get(key)
    if cached is not None:
        return cached
    if p.text == t.text:
        cached = (0.0, EXACT, 1.0)
    elif p.key == t.key and not p.number:
        cached = (0.03, STEM, 0.97)
    elif (p.strict and t.strict) or p.number or t.number or p.negation or t.negation:
        cached = (STRICT_COST, "strict", 0.0)
    else:
        sim = _similarity(p.text, t.text) if len(p.text) >= 4 and len(t.text) >= 3 else 0.0
        cached = (0.1 + (1 - sim), FUZZY, 0.9 * sim) if sim >= FUZZY_MIN else (1.0, SUB, 0.0)
    cache[key] = cached
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
    P, W = ph.toks, text.toks[lo:hi]
    joins = text.joins
    m, w = len(P), hi - lo
    inf = float("inf")
    ins = text.insert_costs[lo:hi]
    cost = [[inf] * (w + 1) for _ in range(m + 1)]
    back: list[list[tuple | None]] = [[None] * (w + 1) for _ in range(m + 1)]
    cost[0] = [0.0] * (w + 1)
    for j in range(m + 1):
        row = cost[j]
        brow = back[j]
        if j < m:
            p = P[j]
            nxt, bnxt = cost[j + 1], back[j + 1]
            dcost = _delete_cost(p)
            subs = [_substitute(p, t, cache) for t in W]
            pjoin = ph.joins[j] if j + 1 < m else None
            pkey = p.key
            fuzzy_join = not (p.strict or p.soft) and len(p.text) >= 5
        for k in range(w + 1):
            here = row[k]
            if here == inf:
                continue
            if j < m:
                c = here + dcost
                if c < nxt[k]:
                    nxt[k], bnxt[k] = c, (j, k, DEL)
                if k < w:
                    sc = here + subs[k][0]
                    if sc < nxt[k + 1]:
                        nxt[k + 1], bnxt[k + 1] = sc, (j, k, subs[k][1])
                    jk = joins[lo + k]
                    if jk is not None and k + 1 < w and (jk == pkey or fuzzy_join):
                        jc = 0.03 if jk == pkey else _join_cost(p, text, lo + k, cache)
                        if jc is not None and here + jc < nxt[k + 2]:
                            nxt[k + 2], bnxt[k + 2] = here + jc, (j, k, JOIN)
                    if pjoin is not None and pjoin == W[k].key and here + 0.03 < cost[j + 2][k + 1]:
                        cost[j + 2][k + 1], back[j + 2][k + 1] = here + 0.03, (j, k, PJOIN)
            if j and k < w:  # extra text word inside the match (not before it: the start is free)
                c = here + ins[k]
                if c < row[k + 1]:
                    row[k + 1], brow[k + 1] = c, (j, k, INS)
    last = cost[m]
    end = min(range(w + 1), key=last.__getitem__)
    if last[end] == inf:
        return None
    ops: list[tuple[str, int, int]] = []
    j, k = m, end
    while j > 0:
        pj, pk, op = back[j][k]
        ops.append((op, pj, lo + pk))
        j, k = pj, pk
    ops.reverse()
    return _judge(text, ph, ops, last[end], cache)


def _judge(text: TextIndex, ph: PhraseTokens, ops: list[tuple[str, int, int]], total: float,
           cache: dict) -> Alignment | None:
    P, T = ph.toks, text.toks
    credit = 0.0
    penalty = 0.0
    errors = subs = drops = 0
    reason = None
    first_problem = None  # the first tolerated error, to explain a miss when there are too many
    ends = (ph.content[0], ph.content[-1]) if ph.content else ()
    used: list[int] = []
    for op, j, k in ops:
        if op == DEL:
            if P[j].soft:
                penalty += 0.05
                continue
            drops += 1
            errors += 1
            if reason is None and (P[j].strict or j in ends):
                reason = f"not heard: {P[j].text}"
            first_problem = first_problem or f"missing word: {P[j].text}"
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
            first_problem = first_problem or f"heard {T[k].text} for {P[j].text}"
        elif sop == SUB:
            subs += 1
            errors += 1
            if reason is None and j in ends:  # the phrase's first and last words anchor it: no swapping them
                reason = f"different word: heard {T[k].text}, expected {P[j].text}"
            first_problem = first_problem or f"heard {T[k].text} for {P[j].text}"
    if not used:
        return None
    size = max(ph.size, 1)
    score = max(0.0, min(100.0, 100.0 * (credit - penalty) / size))
    if reason is None:
        if errors > ph.max_errors or subs > ph.max_subs or drops > ph.max_drops:
            reason = f"too different: {first_problem or 'extra words'} and more"
    first_tok = min(used)
    hit = reason is None
    if not hit:
        score = min(score, 69.0)
    return Alignment(hit, round(score, 1), text.first[first_tok], max(text.last[k] for k in used), total, reason, ops,
                     _negated_before(T, first_tok, ph))


def _negated_before(T: list[_Tok], first: int, ph: PhraseTokens) -> str | None:
    """A negation just before the match ("haven't led …") may flip a phrase that has none of its own. It is reported,
    not held against the match: the phrase was said word for word, and only the caller knows if it matters."""
    if any(t.negation for t in ph.toks):
        return None
    k, seen = first - 1, 0
    while k >= 0 and seen < 2:
        t = T[k]
        if t.text in _NEG_BEFORE:
            return t.text
        if t.text not in _NEG_LOOKBACK_SKIP:
            seen += 1
        k -= 1
    return None


def _exact_positions(text: TextIndex, ph: PhraseTokens) -> list[list[int]]:
    """For each content word of the phrase: the text positions where it (or its join) occurs exactly."""
    out: list[list[int]] = []
    empty: list[int] = []
    get = text.positions.get
    for j, p in enumerate(ph.toks):
        if p.soft:
            out.append(empty)
        elif ph.joins[j] is not None and ph.joins[j] in text.positions:
            out.append(get(p.key, empty) + text.positions[ph.joins[j]])
        else:
            out.append(get(p.key, empty))
    return out


def _anchors(ph: PhraseTokens, exact: list[list[int]]) -> list[tuple[int, int]]:
    """Positions any hit must overlap: every hit contains each strict word (numbers, roles, negations) exactly, and
    at least one of any ``max_errors + 1`` content words exactly."""
    strict = [j for j in ph.content if ph.toks[j].strict]
    if strict:
        j = min(strict, key=lambda j: len(exact[j]))
        return [(k, j) for k in exact[j]]
    rarest = sorted(ph.content, key=lambda j: len(exact[j]))[: ph.max_errors + 1]
    return [(k, j) for j in rarest for k in exact[j]]


def _windows(anchors: list[tuple[int, int]], m: int, slack: int, n: int) -> list[tuple[int, int]]:
    spans = sorted({(max(0, k - j - slack), min(n, k + (m - j) + slack + 1)) for k, j in anchors})
    out: list[list[int]] = []
    for lo, hi in spans:
        if out and lo <= out[-1][0] + slack:  # nearly the same place: one window
            out[-1][1] = max(out[-1][1], hi)
        else:
            out.append([lo, hi])
    return [(lo, hi) for lo, hi in out]


def _potential(hit_k: list[int], hit_j: list[int], lo: int, hi: int) -> set[int]:
    """The content words of the phrase found exactly in text tokens [lo, hi) (``hit_k`` sorted, ``hit_j`` alike)."""
    return set(hit_j[bisect_left(hit_k, lo):bisect_left(hit_k, hi)])


def _densest(hit_k: list[int], hit_j: list[int], span: int, top: int) -> list[tuple[int, int]]:
    """The ``top`` starts (-count, position) where most distinct phrase words occur within ``span`` tokens."""
    best: list[tuple[int, int]] = []
    counts: dict[int, int] = {}
    right = 0
    n = len(hit_k)
    for left in range(n):
        while right < n and hit_k[right] < hit_k[left] + span:
            counts[hit_j[right]] = counts.get(hit_j[right], 0) + 1
            right += 1
        if not left or hit_k[left] != hit_k[left - 1]:
            best.append((-len(counts), hit_k[left]))
        j = hit_j[left]
        counts[j] -= 1
        if not counts[j]:
            del counts[j]
    best.sort()
    return best[:top]


def _could_hit(text: TextIndex, ph: PhraseTokens, found: set[int], lo: int, hi: int) -> bool:
    """Cheap necessary conditions for a hit in [lo, hi): every strict word is there, and the words that are not
    there exactly are few enough, or have a similar-looking word nearby (a misheard word)."""
    if not ph.strict_set <= found:
        return False
    missing = [j for j in ph.content if j not in found]
    if len(missing) > ph.max_errors:
        return False
    ends = (ph.content[0], ph.content[-1])
    if len(missing) <= ph.max_subs + ph.max_drops and not any(j in ends for j in missing):
        return True
    words = [t.text for t in text.toks[lo:hi]] + [w for w in text.raw_joins[lo:hi] if w]
    unexplained = 0
    for j in missing:
        word = ph.toks[j].text
        if (extractOne(word, words, scorer=Indel.normalized_similarity, score_cutoff=FUZZY_MIN) is None
                and not any(_similarity(word, w) >= FUZZY_MIN for w in words if w[:4] == word[:4])):
            if j in ends:  # the first and last words may be misheard, not dropped or swapped
                return False
            unexplained += 1
    return unexplained <= ph.max_subs + ph.max_drops


def _similarity(a: str, b: str) -> float:
    """Spelling similarity 0..1 as the matcher uses it (a shortened word counts as similar: "tech"/"technical")."""
    sim = Indel.normalized_similarity(a, b)
    if sim < FUZZY_MIN and min(len(a), len(b)) >= 4 and (a.startswith(b) or b.startswith(a)):
        return FUZZY_MIN
    return sim


def _verbatim(text: TextIndex, ph: PhraseTokens, exact: list[list[int]], cache: dict) -> Alignment | None:
    """Fast path: the phrase's words, in order, word for word (up to plural/possessive), with nothing between."""
    if not ph.content:
        return None
    j = min(ph.content, key=lambda j: len(exact[j]))
    P, T, m = ph.toks, text.toks, len(ph.toks)
    keys = [p.key for p in P]
    for k in exact[j]:
        start = k - j
        if start < 0 or start + m > len(T) or T[k].key != keys[j]:
            continue
        if all(T[start + i].key == keys[i] for i in range(m)):
            found = _judge(text, ph, [(_substitute(P[i], T[start + i], cache)[1], i, start + i) for i in range(m)],
                           0.0, cache)
            if found is not None and found.hit:
                return found
    return None


def align(text: TextIndex, ph: PhraseTokens) -> Alignment | None:
    """The best alignment of the phrase in the text: a hit if there is one, else the closest miss (or None).

    Only windows around anchors are aligned, and only those that hold enough of the phrase's words to be a hit;
    the first (best-placed) perfect hit ends the search.
    """
    if not ph.toks or not text.toks:
        return None
    m, n = len(ph.toks), len(text.toks)
    slack = 2 + ph.max_errors
    exact = _exact_positions(text, ph)
    cache = text.cache
    quick = _verbatim(text, ph, exact, cache)
    if quick is not None:
        return quick
    hits = sorted((k, j) for j, pos in enumerate(exact) for k in pos)
    hit_k, hit_j = [k for k, _ in hits], [j for _, j in hits]
    scored = []
    for lo, hi in _windows(_anchors(ph, exact), m, slack, n):
        found = _potential(hit_k, hit_j, lo, hi)
        if len(found) >= ph.size - ph.max_errors and _could_hit(text, ph, found, lo, hi):
            scored.append((-len(found), lo, hi))
    scored.sort()
    best: Alignment | None = None
    for _, lo, hi in scored:
        found = _align_window(text, ph, lo, hi, cache)
        if found is not None and (best is None or (found.hit, found.score) > (best.hit, best.score)):
            best = found
            if best.hit:
                break
    if best is not None:
        return best
    # no place could hold a hit: align the places with most of its words, for partial credit and "heard instead"
    for _, start in _densest(hit_k, hit_j, m + slack, 2):
        found = _align_window(text, ph, max(0, start - slack), min(n, start + m + 2 * slack), cache)
        if found is not None and (best is None or found.score > best.score):
            best = found
    return best
