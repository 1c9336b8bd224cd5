"""Where to look: the phrase is aligned only in windows of the text that could hold it.

A hit must contain every number and negation of the phrase exactly (a role word exactly or by its very sound), and at least one of any
``max_errors + 1`` of its content words exactly, so windows are anchored on the rarest of those. A window is aligned
only if it holds enough of the phrase's words, and the words it lacks could be misheard ones. A phrase said word for
word is found without any alignment.
"""

from __future__ import annotations

from bisect import bisect_left

from rapidfuzz.distance import Indel
from rapidfuzz.process import extractOne

from rehearse.core.matching_align import Alignment, align_window, judge, substitute
from rehearse.core.matching_sound import sounds_nearby
from rehearse.core.matching_text import FUZZY_MIN, PhraseTokens, TextIndex, similarity

MAX_WINDOWS = 24  # candidate places aligned per phrase, most promising first (a repeated near-miss is not re-tried)


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
    strict = [j for j in ph.content if ph.toks[j].number or ph.toks[j].negation]  # roles may be heard by sound
    if strict:
        j = min(strict, key=lambda j: len(exact[j]))
        return [(k, j) for k in exact[j]]
    rarest = sorted(ph.content, key=lambda j: len(exact[j]))[: ph.max_errors + 1]
    return [(k, j) for j in rarest for k in exact[j]]


def _windows(anchors: list[tuple[int, int]], m: int, slack: int, n: int) -> list[tuple[int, int]]:
    before, after = slack, m + slack + 1
    spans = sorted({(k - j - before, k - j + after) for k, j in anchors})  # clipped to [0, n] below
    out: list[list[int]] = []
    for lo, hi in spans:
        lo = lo if lo > 0 else 0
        hi = hi if hi < n else n
        if out and lo <= out[-1][0] + slack:  # nearly the same place: one window
            if hi > out[-1][1]:
                out[-1][1] = hi
        else:
            out.append([lo, hi])
    return [(lo, hi) for lo, hi in out]


def _potential(hit_k: list[int], hit_j: list[int], lo: int, hi: int) -> set[int]:
    """The content words of the phrase found exactly in text tokens [lo, hi) (``hit_k`` sorted, ``hit_j`` alike)."""
    return set(hit_j[bisect_left(hit_k, lo):bisect_left(hit_k, hi)])


def _densest(hit_k: list[int], hit_j: list[int], span: int) -> int | None:
    """The first start where most distinct phrase words occur within ``span`` tokens (``hit_k`` sorted)."""
    best, best_count = None, 0
    counts: dict[int, int] = {}
    right = 0
    n = len(hit_k)
    for left in range(n):
        here = hit_k[left]
        while right < n and hit_k[right] < here + span:
            j = hit_j[right]
            counts[j] = counts.get(j, 0) + 1
            right += 1
        if len(counts) > best_count and (not left or here != hit_k[left - 1]):
            best, best_count = here, len(counts)
        j = hit_j[left]
        counts[j] -= 1
        if not counts[j]:
            del counts[j]
    return best


def _could_hit(text: TextIndex, ph: PhraseTokens, found: set[int], lo: int, hi: int) -> bool:
    """Cheap necessary conditions for a hit in [lo, hi): every strict word is there, and the words that are not
    there exactly are few enough, or have a similar-looking word nearby (a misheard word)."""
    if not ph.exact_set <= found:
        return False
    missing = [j for j in ph.content if j not in found]
    if len(missing) > ph.max_errors:
        return False
    if any(ph.toks[j].strict and not sounds_nearby(ph.toks[j], text, lo, hi, text.cache) for j in missing):
        return False
    ends = (ph.content[0], ph.content[-1])
    if len(missing) <= ph.max_subs + ph.max_drops and not any(j in ends for j in missing):
        return True
    words = [t.text for t in text.toks[lo:hi]] + [w for w in text.raw_joins[lo:hi] if w]
    unexplained = 0
    for j in missing:
        word = ph.toks[j].text
        if (extractOne(word, words, scorer=Indel.normalized_similarity, score_cutoff=FUZZY_MIN) is None
                and not any(similarity(word, w) >= FUZZY_MIN for w in words if w[:4] == word[:4])
                and not sounds_nearby(ph.toks[j], text, lo, hi, text.cache)):
            if j in ends:  # the first and last words may be misheard, not dropped or swapped
                return False
            unexplained += 1
    return unexplained <= ph.max_subs + ph.max_drops


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
            found = judge(text, ph, [(substitute(P[i], T[start + i], cache)[1], i, start + i) for i in range(m)],
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
    codes = []  # (text position, phrase index) pairs in order, coded as one int each: k * m + j
    for j, pos in enumerate(exact):
        codes += [k * m + j for k in pos]
    codes.sort()
    hit_k, hit_j = [c // m for c in codes], [c % m for c in codes]
    need = ph.size - ph.max_errors
    places = []
    for lo, hi in _windows(_anchors(ph, exact), m, slack, n):
        found = _potential(hit_k, hit_j, lo, hi)
        if len(found) >= need:
            places.append((-len(found), lo, hi, found))
    places.sort(key=lambda p: p[:3])
    best: Alignment | None = None
    aligned = 0
    for _, lo, hi, found in places:  # most promising first; the (costlier) check only until a hit
        if aligned == MAX_WINDOWS:
            break
        if not _could_hit(text, ph, found, lo, hi):
            continue
        aligned += 1
        found = align_window(text, ph, lo, hi, cache)
        if found is not None and (best is None or (found.hit, found.score) > (best.hit, best.score)):
            best = found
            if best.hit:
                break
    if best is not None:
        return best
    # no place could hold a hit: align the places with most of its words, for partial credit and "heard instead"
    start = _densest(hit_k, hit_j, m + slack)
    if start is not None:
        best = align_window(text, ph, max(0, start - slack), min(n, start + m + 2 * slack), cache)
    return best
