"""The alignment behind key-phrase matching: an in-order, local edit alignment of phrase tokens to text tokens.

Operations and what they cost (lower is better; the score is derived from the credit each phrase word earns):
  exact word                      0       credit 1
  same stem / split or merged     0.03    credit 0.97   ("tickets"/"ticket", "o auth"/"oauth", "follow up"/"followup")
  another tense or number         0.03    credit 0.97   ("demonstrated"/"demonstrate"; not for strict words)
  misheard (similar spelling)     ~0.1-0.35 credit ~0.7-0.9 (counts against the error budget)
  other substitution              1       credit 0      (budget; only in phrases of 5+ words, not the first/last)
  extra filler/article in text    0.05    -0.05
  extra small word in text        0.15    -0.15         (half an error: prepositions, pronouns, "be" — MINOR_WORDS)
  extra other word in text        0.3     -0.3          (budget)
  phrase article/filler not said  0.05    -0.05
  phrase word not said            1       credit 0      (budget; only in phrases of 4+ words, not the first/last)
Budget: one error per three content words (at least one from two words on). Numbers, negations and contrast words
(roles, levels, directions, months — ``STRICT_WORDS``) are "strict": never swapped, misheard or dropped; a negation or
a role word is never inserted either. A strict violation costs ~1.5 and makes the alignment a miss, but it still
scores partial credit so a miss can say what was heard instead.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rapidfuzz.distance import Indel

from rehearse.core.matching_text import (FUZZY_MIN, MINOR_WORDS, ROLE_WORDS, STRICT_COST, PhraseTokens, Term, TextIndex,
                                         inflected, similarity)
from rehearse.core.matching_sound import block_similarity, may_sound, sound_blocks, sound_starts, swappable
from rehearse.core.normalize import ARTICLES, CURRENCIES, FILLERS, NEGATIONS, stem

_NEG_LOOKBACK_SKIP = FILLERS | ARTICLES | frozenset("yet ever even always really actually".split())
_NEG_BEFORE = NEGATIONS - {"no", "none", "nothing", "nobody"}

EXACT, STEM, JOIN, PJOIN, FUZZY, SUB, INS, DEL = "exact", "stem", "join", "pjoin", "fuzzy", "sub", "ins", "del"
SWAP = "swap"  # two neighbouring phrase words said the other way round ("specifically what" for "what specifically")
SOUND = "sound"  # phrase words heard as other words that sound alike: written "sound:A:B" (A phrase, B text words)
SWAP_COST = 0.35


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


def substitute(p: Term, t: Term, cache: dict) -> tuple[float, str, float]:
    """(cost, op, credit) for aligning phrase token p with text token t."""
    row = cache.get(p.text)
    if row is None:
        row = cache[p.text] = {}
    found = row.get(t.text)
    if found is None:
        found = row[t.text] = _compare(p, t)
    return found


def _compare(p: Term, t: Term) -> tuple[float, str, float]:
    if p.text == t.text:
        return 0.0, EXACT, 1.0
    if p.key == t.key and not p.number:
        return 0.03, STEM, 0.97
    if (p.text == "1" and t.text == "ones") or (p.text == "ones" and t.text == "1"):  # "one on one"/"one-on-ones"
        return 0.03, STEM, 0.97
    if (p.strict and t.strict) or p.number or t.number or p.negation or t.negation:
        return STRICT_COST, "strict", 0.0
    if (p.text[:3] == t.text[:3] and not (p.strict or t.strict or p.soft or t.soft)
            and inflected(p.text, t.text)):  # "demonstrated" for "demonstrate"
        return 0.03, STEM, 0.97
    sim = similarity(p.text, t.text) if len(p.text) >= 4 and len(t.text) >= 3 else 0.0
    return (0.1 + (1 - sim), FUZZY, 0.9 * sim) if sim >= FUZZY_MIN else (1.0, SUB, 0.0)


def _join_cost(p: Term, text: TextIndex, k: int, cache: dict) -> float | None:
    """Cost of phrase token p against text tokens k, k+1 written as one word ("o auth", "had count")."""
    if text.joins[k] == p.key:
        return 0.03
    raw = text.raw_joins[k]
    if p.strict or p.soft or abs(len(raw) - len(p.text)) > 3 or text.toks[k].strict or text.toks[k + 1].strict:
        return None
    key = (p.text, raw)
    sim = cache.get(key)
    if sim is None:
        sim = cache[key] = Indel.normalized_similarity(p.text, text.raw_joins[k]) if len(p.text) >= 5 else 0.0
    return 0.1 + (1 - sim) if sim >= 0.8 else None


def _delete_cost(p: Term) -> float:
    if p.soft:
        return 0.05
    return STRICT_COST if p.strict else 1.0


def align_window(text: TextIndex, ph: PhraseTokens, lo: int, hi: int, cache: dict) -> Alignment | None:
    """Best local alignment of the whole phrase inside text tokens [lo, hi)."""
    P, W = ph.toks, text.toks[lo:hi]
    wkeys = [t.key for t in W]
    wjoins = text.joins[lo:hi]
    m, w = len(P), hi - lo
    inf = float("inf")
    ins = text.insert_costs[lo:hi]
    titled = ph.title
    # inside a title ("Senior _ Manager") only a filler or article may come between its words
    ins_title = [c if t.soft else max(c, STRICT_COST - 0.1) for c, t in zip(ins, W)] if titled else ins
    cost = [[inf] * (w + 1) for _ in range(m + 1)]
    back: list[list[tuple | None]] = [[None] * (w + 1) for _ in range(m + 1)]
    cost[0] = [0.0] * (w + 1)
    for j in range(m + 1):
        row = cost[j]
        brow = back[j]
        ins_row = ins_title if (j in titled and j - 1 in titled) else ins
        if j == m:  # the whole phrase is aligned: only extra text words after it remain to weigh
            for k in range(w):
                here = row[k]
                if here != inf:
                    c = here + ins_row[k]
                    if c < row[k + 1]:
                        row[k + 1], brow[k + 1] = c, (j, k, INS)
            break
        p = P[j]
        nxt, bnxt = cost[j + 1], back[j + 1]
        nxt2, bnxt2 = (cost[j + 2], back[j + 2]) if j + 2 <= m else (None, None)
        title = j in titled and not p.soft
        dcost = STRICT_COST if title else _delete_cost(p)
        row_cache = cache.get(p.text)
        if row_cache is None:
            row_cache = cache[p.text] = {}
        subs = [row_cache.get(t.text) or substitute(p, t, cache) for t in W]
        if title:  # a word of a title is never swapped for another word
            subs = [(STRICT_COST, op, cr) if op == SUB else (c, op, cr) for c, op, cr in subs]
        sub_cost = [c for c, _, _ in subs]
        pjoin = ph.joins[j] if j + 1 < m else None
        pkey = p.key
        fuzzy_join = not (p.strict or p.soft) and len(p.text) >= 5
        swap_key = P[j + 1].key if (j + 1 < m and swappable(p) and swappable(P[j + 1])) else None
        sound_ok = sound_starts(p, text, lo, hi) if may_sound(p) else None
        for k in range(w + 1):
            here = row[k]
            if here == inf:
                continue
            c = here + dcost
            if c < nxt[k]:
                nxt[k], bnxt[k] = c, (j, k, DEL)
            if k < w:
                sc = here + sub_cost[k]
                if sc < nxt[k + 1]:
                    nxt[k + 1], bnxt[k + 1] = sc, (j, k, subs[k][1])
                jk = wjoins[k]
                if jk is not None and k + 1 < w and (jk == pkey or fuzzy_join):
                    jc = 0.03 if jk == pkey else _join_cost(p, text, lo + k, cache)
                    if jc is not None and here + jc < nxt[k + 2]:
                        nxt[k + 2], bnxt[k + 2] = here + jc, (j, k, JOIN)
                if pjoin is not None and pjoin == wkeys[k] and here + 0.03 < nxt2[k + 1]:
                    nxt2[k + 1], bnxt2[k + 1] = here + 0.03, (j, k, PJOIN)
                if (swap_key is not None and k + 1 < w and wkeys[k + 1] == pkey and wkeys[k] == swap_key
                        and here + SWAP_COST < nxt2[k + 2]):
                    nxt2[k + 2], bnxt2[k + 2] = here + SWAP_COST, (j, k, SWAP)
                if sound_ok is not None and sound_ok[k]:
                    for a, b, c in sound_blocks(ph, j, text, lo + k, hi, cache, False):
                        if here + c < cost[j + a][k + b]:
                            cost[j + a][k + b], back[j + a][k + b] = here + c, (j, k, f"{SOUND}:{a}:{b}")
                if j:  # extra text word inside the match (not before it: the start is free)
                    c = here + ins_row[k]
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
    return judge(text, ph, ops, last[end], cache)


def judge(text: TextIndex, ph: PhraseTokens, ops: list[tuple[str, int, int]], total: float,
           cache: dict) -> Alignment | None:
    P, T = ph.toks, text.toks
    credit = 0.0
    penalty = 0.0
    errors = subs = drops = minor = 0
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
            if reason is None and j in ph.title:
                reason = f"not heard: {P[j].text} (part of the role)"
            if reason is None and (P[j].strict or j in ends):
                reason = f"not heard: {P[j].text}"
            first_problem = first_problem or f"missing word: {P[j].text}"
            continue
        used.append(k)
        if op == INS:
            t = T[k]
            penalty += text.insert_costs[k] if t.text in MINOR_WORDS else 0.05 if t.soft else 0.3
            if t.text in MINOR_WORDS:
                minor += 1
            elif not t.soft:
                errors += 1
            if t.negation and reason is None:
                reason = f"negated: heard {t.text!r}"
            elif not t.soft and j in ph.title and j - 1 in ph.title and reason is None:
                reason = f"extra word changes the role: {t.text}"
            elif t.text in ROLE_WORDS and reason is None:
                reason = f"extra word changes the meaning: {t.text}"
            continue
        if op == SWAP:  # two words said the other way round: both heard, one error
            used.append(k + 1)
            errors += 1
            credit += (0.0 if P[j].soft else 0.9) + (0.0 if P[j + 1].soft else 0.9)
            first_problem = first_problem or f"heard {T[k].text} {T[k + 1].text} the other way round"
            continue
        if op.startswith(SOUND):  # words that sound like the phrase's ("day to" for "data")
            a, b = (int(x) for x in op.split(":")[1:])
            used.extend(range(k, k + b))
            sim = block_similarity(ph, j, a, text, k, b, cache)
            if sim < 0.99:
                errors += 1
                first_problem = first_problem or (f"heard {' '.join(t.text for t in T[k:k + b])} for "
                                                  f"{' '.join(t.text for t in P[j:j + a])}")
            credit += sum(0.0 if t.soft else (0.97 if sim >= 0.99 else 0.9 * sim) for t in P[j:j + a])
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
        _, sop, sc = substitute(P[j], T[k], cache)
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
            if reason is None and j in ph.title:
                reason = f"different word in the role: heard {T[k].text}, expected {P[j].text}"
            if reason is None and j in ends:  # the phrase's first and last words anchor it: no swapping them
                reason = f"different word: heard {T[k].text}, expected {P[j].text}"
            first_problem = first_problem or f"heard {T[k].text} for {P[j].text}"
    if not used:
        return None
    if reason is None:
        reason = _other_currency(P, T, ops, max(used))
    size = max(ph.size, 1)
    score = max(0.0, min(100.0, 100.0 * (credit - penalty) / size))
    errors += (minor + 1) // 2  # small words slipped in: two count as one error
    if reason is None:
        if errors > ph.max_errors or subs > ph.max_subs or drops > ph.max_drops:
            reason = f"too different: {first_problem or 'extra words'} and more"
    first_tok = min(used)
    hit = reason is None
    if not hit:
        score = min(score, 69.0)
    return Alignment(hit, round(score, 1), text.first[first_tok], max(text.last[k] for k in used), total, reason, ops,
                     _negated_before(T, first_tok, ph))


def _negated_before(T: list[Term], first: int, ph: PhraseTokens) -> str | None:
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


def _other_currency(P: list[Term], T: list[Term], ops: list[tuple[str, int, int]], last: int) -> str | None:
    """A currency the phrase has but the match left unsaid must not be another one just after it ("$250k" is not
    "250k euros")."""
    for op, j, _ in ops:
        if op == DEL and P[j].text in CURRENCIES:
            nxt = T[last + 1] if last + 1 < len(T) else None
            if nxt is not None and nxt.text in CURRENCIES and stem(nxt.text) != stem(P[j].text):
                return f"different currency: heard {nxt.text}, expected {P[j].text}"
    return None
