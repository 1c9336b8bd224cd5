"""The prepared key phrases and the moves of one answer, denial-aware.

:class:`PhraseBook` matches each phrase once (:mod:`rehearse.core.matching`) and then asks
:mod:`rehearse.core.analysers.denial` whether the words were said inside a denial: a denied phrase is not a hit
(``hit`` false, ``denied`` set). Every analyser that builds on phrases — the explicit ask, the timeline, the gaps,
the evidence — goes through the book, so a denial earns nothing anywhere.
"""

from __future__ import annotations

from dataclasses import replace

from rapidfuzz import fuzz, process

from rehearse.core.analysers.denial import NEGATION_WORDS, Denial, Denials, how_said
from rehearse.core.analysers.heard import Component, Flag, Heard
from rehearse.core.analysers.moves import MOVES, NEEDS, MoveHit, find_move, move_of_phrase
from rehearse.core.matching import Matcher, PhraseMatch
from rehearse.core.matching_text import TITLE_NOUNS
from rehearse.core.normalize import ARTICLES, FILLERS, stem, tokenize

# common words that say nothing about which gap was meant
STEM_STOP = frozenset("the and for with that this will have been want need more get better into about "
                      "from next team work lead".split())
DENIED_TIPS = {
    "denial": 'You said "{phrase}" inside a denial ("{words}"): it earns nothing. Say it as what you did or what you '
              "ask.",
    "what_if": 'You said "{phrase}" only as a what-if ("{words}"): it earns nothing. Say it plainly, as yours.',
    "someone_else": 'You said "{phrase}" about someone else ("{words}"): it earns nothing. Say it about yourself.',
    "not_done": 'You said "{phrase}" as a plan ("{words}"): evidence is what you have done. Say what you did and its '
                "result.",
    "reported": 'You said "{phrase}" inside what someone else said ("{words}"). Now say it as your own ask, plainly.',
}
MAX_RETRIES = 3  # denied hits of one phrase looked past before it counts as denied
NEAR_MISS = 75.0  # a missed phrase whose closest words are at least this similar (0-100) earns half credit
OWN_WORDS_CREDIT = 0.75  # a prepared phrase whose move was made in other words
BARE_LIST = 0.75  # key phrases covering this share of the answer's words (with 2+ phrases): a recited list
BARE_LIST_CREDIT = 0.5  # what a recited list's phrases earn


class PhraseBook:
    """Matches phrases against one answer, each phrase once; denied phrases are misses."""

    def __init__(self, heard: Heard, scenario=None):
        self.heard = heard
        self.roles = (scenario.who.target_role, scenario.who.current_role) if scenario is not None else ()
        self.matcher = Matcher(heard.text, heard.tokens, self.roles)
        self.denials = Denials(heard)
        self.cache: dict[str, PhraseMatch] = {}
        self.denied: dict[str, Denial] = {}
        self.move_cache: dict[str, MoveHit] = {}
        self.phrase_moves: dict[str, str] = {}  # prepared key phrase -> the move it stands for (see key_phrases)
        self.scenario = scenario
        self.gap_phrases: set[str] = set()
        self.gap_of_phrase: dict[str, str] = {}
        self.role_words: set[str] = set()
        self._own_gaps: dict[str, tuple[int, int]] | None = None
        self.claim_phrases: set[str] = set()  # said by someone else they are no claim (denial.py, someone_else)
        self.done_phrases: set[str] = set()  # evidence: said as a plan or hope they are not done (not_done)
        self.item_claims: dict[str, list[str]] = {}  # an evidence outcome phrase -> its item's "what" phrases
        if scenario is not None:
            self.role_words = {t.text for t in tokenize(scenario.who.target_role)}
            self.claim_phrases = {scenario.who.target_role, *scenario.pitch.intent.key_phrases,
                                  *scenario.pitch.ask.key_phrases}
            for ev in scenario.pitch.evidence.items:
                self.done_phrases.update(ev.key_phrases)
                what = {t.text for t in tokenize(ev.what)}
                claims = [p for p in ev.key_phrases if {t.text for t in tokenize(p)} <= what]
                self.claim_phrases.update(claims)
                for p in ev.key_phrases:
                    if p not in claims:
                        self.item_claims[p] = claims
            for item in scenario.pitch.gaps.items:
                gap_words = {t.text for t in tokenize(item.gap)}
                for p in item.key_phrases:
                    words = {t.text for t in tokenize(p)}
                    if words and words <= gap_words:
                        self.gap_phrases.add(p)
                        self.gap_of_phrase[p] = item.gap
        self._plain_words: list[str] | None = None
        self._window_cache: dict[int, tuple[list[str], list[tuple[int, int]]]] = {}

    def match(self, phrase: str) -> PhraseMatch:
        """The phrase's match; a hit inside a denial is a miss (``denied``) unless it is also said plainly later."""
        if phrase not in self.cache:
            m = self.matcher.match(phrase)
            first_denial = None
            words = list(self.heard.words)
            for _ in range(MAX_RETRIES):
                if not m.hit:
                    break
                d = self.denials.of(m.start_word, m.end_word, negated=m.negated, **self._kinds(phrase))
                if d is None:
                    break
                first_denial = first_denial or (m, d)
                # look again with the denied words blanked out (the word count, so the indexes, stay the same)
                words[m.start_word : m.end_word + 1] = ["·"] * (m.end_word - m.start_word + 1)
                m = Matcher(" ".join(words), roles=self.roles).match(phrase)
                if m.hit:
                    m = replace(m, heard=self.heard.quote(m.start_word, m.end_word))
            if first_denial is not None and not (m.hit and self.denials.of(
                    m.start_word, m.end_word, negated=m.negated, **self._kinds(phrase)) is None):
                m, d = first_denial
                self.denied[phrase] = d
                m = replace(m, hit=False, reason=f'{d.how}: "{d.text}"')
            elif m.hit and phrase in self.item_claims:
                m = self._with_its_item(phrase, m)
            self.cache[phrase] = m
        return self.cache[phrase]

    def _with_its_item(self, phrase: str, m: PhraseMatch) -> PhraseMatch:
        """An evidence outcome ("support tickets", "62%") in the sentence where its item's work was denied or said
        of someone else ("My colleague led the migration to OAuth, and support tickets dropped 62%") goes with it."""
        for claim in self.item_claims[phrase]:
            self.match(claim)
            d = self.denied.get(claim)
            if d is not None and self.denials.same_sentence(d.end_word, m.start_word):
                self.denied[phrase] = d
                return replace(m, hit=False, reason=f'{d.how}: "{d.text}"')
        return m

    def _kinds(self, phrase: str) -> dict:
        return {"gap": phrase in self.gap_phrases, "claim": phrase in self.claim_phrases,
                "done": phrase in self.done_phrases}

    def any_hit(self, phrases: list[str]) -> PhraseMatch | None:
        hits = [m for m in (self.match(p) for p in phrases) if m.hit]
        return min(hits, key=lambda m: m.start_word) if hits else None

    def move(self, move: str) -> MoveHit:
        if move not in self.move_cache:
            self.move_cache[move] = find_move(self, move)
        return self.move_cache[move]

    def own_words_gaps(self) -> dict[str, tuple[int, int]]:
        """Gaps named in other words (gap -> word span), see :func:`_own_words_gaps`."""
        if self._own_gaps is None:
            items = self.scenario.pitch.gaps.items if self.scenario is not None else []
            self._own_gaps = _own_words_gaps(self, items)
        return self._own_gaps

    def tokens_plain(self, first_tok: int, last_tok: int, **kinds) -> bool:
        """True when a word-list find (token span) was not said inside a denial (``claim``/``done``: nor by
        someone else / as a plan, see :meth:`Denials.of`)."""
        return self.denials.tokens_denied(first_tok, last_tok, **kinds) is None

    def closest(self, phrase: str) -> dict | None:
        """The words of the answer most like ``phrase`` (what was heard instead)."""
        size = len(phrase.split())
        if not self.heard.words or not size:
            return None
        windows, spans = [], []
        for width in sorted({max(1, size - 1), size, size + 1}):
            more_windows, more_spans = self._windows(width)
            windows += more_windows
            spans += more_spans
        best = process.extractOne(_plain(phrase), windows, scorer=fuzz.ratio, processor=None)
        if not best:
            return None
        first, last = spans[best[2]]
        return {"text": self.heard.quote(first, last), "start_word": first, "end_word": last,
                "similarity": round(best[1], 1)}

    def _windows(self, width: int) -> tuple[list[str], list[tuple[int, int]]]:
        """Every run of ``width`` words, simplified for comparison (computed once per width)."""
        if width not in self._window_cache:
            if self._plain_words is None:
                self._plain_words = [_plain(w) for w in self.heard.words]
            words = self._plain_words
            spans = [(i, min(len(words), i + width) - 1) for i in range(max(1, len(words) - width + 1))]
            self._window_cache[width] = ([" ".join(words[a : b + 1]) for a, b in spans], spans)
        return self._window_cache[width]


def key_phrases(book: PhraseBook, phrases: list[str], weight: float, moves=(),
                tip_prefix: str = "") -> tuple[list[dict], Component, list[Flag]]:  # fmt: skip
    """Coverage of the prepared key phrases: a hit earns 1, a denied phrase 0, a phrase whose move was made in
    other words ``OWN_WORDS_CREDIT``, a near miss ½; a recited list of phrases earns half."""
    heard = book.heard
    results, flags, credits = [], [], []

    def mark_denied(entry: dict, phrase: str, denial: Denial, first: int, last: int) -> None:
        """Show ``phrase`` as said, but denied (or not claimed), with the words from the denial to the phrase."""
        first, last = min(denial.start_word, first), max(denial.end_word, last)
        entry["denied"] = {**denial.to_dict(), "said": heard.quote(first, last)}
        flags.append(heard.flag("denied", "warning", f'said, but {denial.how}: "{phrase}" earns nothing here',
                                first, last))  # fmt: skip

    if moves:  # a phrase heard plainly makes the move it stands for (moves.find_move)
        book.phrase_moves = {p: mv for p in phrases if (mv := move_of_phrase(p, moves))}
        book.move_cache.clear()
    for phrase in phrases:
        m = book.match(phrase)
        entry = m.to_dict()
        entry["closest"] = None
        entry["denied"] = None
        entry["own_words"] = None
        credit = 0.0
        denial = book.denied.get(phrase)
        if m.hit:
            credit = 1.0
        elif denial is not None:
            mark_denied(entry, phrase, denial, m.start_word, m.end_word)
        else:
            move = move_of_phrase(phrase, moves) if moves and _strict_words_said(book, phrase) else None
            made = book.move(move) if move else None
            gap_span = book.own_words_gaps().get(book.gap_of_phrase.get(phrase, ""))
            if gap_span is not None and not (made is not None and made.made):
                made = MoveHit("name_gap", True, heard.quote(*gap_span), *gap_span)
            if made is not None and made.made and (made.via_phrase is not None or _taken(book, phrases, made)):
                made = None  # the words of another prepared phrase are that phrase's: one span credits one phrase
            if made is not None and made.made:
                credit = OWN_WORDS_CREDIT
                entry["own_words"] = made.to_dict()
                flags.append(heard.flag("own_words", "good", f"you made the move in your own words — your prepared "
                                        f'phrase is "{phrase}"', made.start_word, made.end_word))  # fmt: skip
            else:
                near = book.closest(phrase)
                entry["closest"] = near
                near_denial = None
                unclaimed = False
                if near and near["similarity"] >= NEAR_MISS and not phrase_has_cue(phrase):
                    a, b = near["start_word"], near["end_word"]
                    near_denial = book.denials.inside(a, b)  # "You're not right" for "you're right"
                    # like words inside a denial or a what-if earn nothing, but were not the phrase: no ⊘ for them
                    unclaimed = near_denial is None and book.denials.of(a, b, **book._kinds(phrase)) is not None
                if near_denial is not None:  # "You're not right" is no near miss of "you're right"
                    mark_denied(entry, phrase, near_denial, a, b)
                elif (near and near["similarity"] >= NEAR_MISS and not unclaimed
                      and not _other_role_in(book, phrase, near["text"])):
                    credit = 0.5
                    flags.append(heard.flag("near_miss", "info", f'heard this instead of "{phrase}"',
                                            near["start_word"], near["end_word"]))  # fmt: skip
        credits.append(credit)
        results.append(entry)
    recited = _recited(book, [r for r in results if r["hit"]])
    if recited:
        credits = [c * BARE_LIST_CREDIT for c in credits]
        flags.append(heard.flag("bare_list", "warning", "a list of your key phrases, not sentences: say each one as "
                                "part of what you did or what you ask", 0, heard.word_count - 1))  # fmt: skip
    hits = sum(1 for r in results if r["hit"])
    denied = [r["phrase"] for r in results if r["denied"]]
    own = [r["phrase"] for r in results if r["own_words"]]
    missed = [r["phrase"] for r in results if not r["hit"] and not r["denied"] and not r["own_words"]]
    score = 100.0 * sum(credits) / len(phrases) if phrases else 100.0
    tip, priority = None, 0
    if denied:
        r = next(r for r in results if r["denied"])
        tip = DENIED_TIPS.get(r["denied"].get("kind"), DENIED_TIPS["denial"]).format(
            phrase=r["phrase"], words=r["denied"]["text"])
        priority = 1
    elif recited:
        tip = "Don't recite your key phrases as a list: put each one in a sentence about what you did or ask."
    elif missed:
        tip = f'{tip_prefix}Say your key phrase "{missed[0]}"' + (f" (and {len(missed) - 1} more)." if
                                                                   len(missed) > 1 else ".")  # fmt: skip
    detail = f"{hits} of {len(phrases)} key phrases"
    if own:
        detail += f"; in your own words: {', '.join(own)}"
    by_how: dict[str, list[str]] = {}
    for r in results:
        if r["denied"]:
            by_how.setdefault(how_said(r["denied"]), []).append(r["phrase"])
    for how, said in by_how.items():  # "said, but denied: …; said, but only as a what-if: …"
        detail += f"; said, but {how}: {', '.join(said)}"
    if missed:
        detail += f"; missed: {', '.join(missed)}"
    return results, Component("key_phrases", weight, score, detail, tip, priority=priority), flags


ROLE_NOUNS = TITLE_NOUNS | {"staff"}  # the matcher's nouns that name a role, and "staff" ("promotion to Staff")


def _other_role_in(book: PhraseBook, phrase: str, near: str) -> bool:
    """The near words name another role than the phrase's ("promotion to Senior Manager" for "promotion to Senior
    Engineer"): a different role is a miss, never a near one."""
    mine = {t.text for t in tokenize(phrase)}
    if not mine & (book.role_words | ROLE_NOUNS):
        return False
    return any(t.text in ROLE_NOUNS and t.text not in mine for t in tokenize(near))


def _taken(book: PhraseBook, phrases: list[str], made: MoveHit) -> bool:
    """True when a move's words are (inside) another prepared phrase's hit ("agree a date" credits that phrase, not
    "promotion cycle" in other words too)."""
    for p in phrases:
        m = book.match(p)
        if m.hit and m.start_word <= made.end_word and made.start_word <= m.end_word:
            return True
    return False


def phrase_has_cue(phrase: str) -> bool:
    """A prepared phrase that itself holds a negation ("no later than", "not just") is compared as it is."""
    return any(t.text in NEGATION_WORDS for t in tokenize(phrase))


def _own_words_gaps(book: PhraseBook, items) -> dict[str, tuple[int, int]]:  # noqa: D401
    """Gaps named in other words: a "name a gap" or "plan" move, and at least two words of that gap and its plan
    in the answer (not denied). Returns gap -> the move's word span."""
    made = [book.move(m) for m in ("name_gap", "plan")]
    made = [m for m in made if m.made]
    if not made:
        return {}
    out = {}
    elsewhere = _elsewhere_words(book)
    gap_words = {item.gap: {stem(t.text) for t in tokenize(f"{item.gap} {item.plan}") if len(t.text) > 2
                            and t.text not in STEM_STOP} - elsewhere for item in items}
    for move in made:  # the gap's words must be near the move (within its sentence or so), not anywhere
        lo, hi = move.start_word - 15, move.end_word + 25
        said = {stem(t.text) for i, t in enumerate(book.heard.tokens)
                if lo <= t.first <= hi and len(t.text) > 2 and t.text not in STEM_STOP and book.tokens_plain(i, i)}
        for item in items:
            if item.gap not in out and len(gap_words[item.gap] & said) >= 2:
                out[item.gap] = (move.start_word, move.end_word)
    return out


def _elsewhere_words(book: PhraseBook) -> set[str]:
    """Stems of the evidence and the roles: a gap's plan that mentions them ("present the OAuth migration at the
    all-hands") is not named by talking about the evidence ("I led the migration to OAuth")."""
    scenario = book.scenario
    if scenario is None:
        return set()
    text = " ".join([scenario.who.target_role, scenario.who.current_role]
                    + [f"{e.what} {e.outcome} {' '.join(e.key_phrases)}" for e in scenario.pitch.evidence.items])
    return {stem(t.text) for t in tokenize(text)}


def _strict_words_said(book: PhraseBook, phrase: str) -> bool:
    """A phrase's numbers and role words must be in the answer for its move to count in other words: "a promotion to
    Senior Manager" is not the move "promotion to Senior Engineer"."""
    said = {t.text for t in book.heard.tokens}
    strict = {t.text for t in tokenize(phrase) if t.number or t.text in book.role_words}
    return strict <= said


def _recited(book: PhraseBook, hits: list[dict]) -> bool:
    """Two or more phrases that make up nearly all of the answer's words: a list, not an answer."""
    if len(hits) < 2:
        return False
    words = [i for i, t in enumerate(book.heard.tokens) if t.text not in FILLERS and t.text not in ARTICLES]
    if not words:
        return False
    covered = set()
    for h in hits:
        for i in words:
            tok = book.heard.tokens[i]
            if h["start_word"] <= tok.first and tok.last <= h["end_word"]:
                covered.add(i)
    return len(covered) / len(words) >= BARE_LIST


def moves(book: PhraseBook, move_ids, weight: float, lead_tip: str = "",
          recited: bool = False) -> tuple[Component, list[Flag], dict]:  # fmt: skip
    """The moves the answer calls for, made in any words (never inside a denial); a recited list of key phrases
    (``recited``) makes them only by half."""
    heard = book.heard
    made, missing, flags = [], [], []
    for move in move_ids:
        hit = book.move(move)
        if hit.made:
            made.append(hit)
            flags.append(heard.flag("move", "good", MOVES[move].label, hit.start_word, hit.end_word))
        else:
            missing.append(hit)
            if hit.denied_by:
                flags.append(heard.flag("denied", "warning", f"said, but {hit.denied_how}: {MOVES[move].label}",
                                        hit.start_word, hit.end_word))  # fmt: skip
    score = 100.0 * len(made) / len(move_ids) if move_ids else 100.0
    if recited:
        score *= BARE_LIST_CREDIT
    tip = None
    if missing:
        # never ask for a move that was just made: the tip names only what is missing
        # a move that needs another one first ("put a date on the plan" needs the plan) waits for it
        first = [m for m in missing if NEEDS.get(m.move) not in {x.move for x in missing}]
        tip = lead_tip if not made and lead_tip else " ".join(MOVES[m.move].tip for m in first)
    detail = (f"{len(made)} of {len(move_ids)} moves"
              + (f"; made: {', '.join(MOVES[m.move].label for m in made)}" if made else "")
              + (f"; missing: {', '.join(MOVES[m.move].label for m in missing)}" if missing else ""))
    signals = {"moves_made": [m.move for m in made], "moves_missing": [m.move for m in missing]}
    return Component("moves", weight, score, detail, tip), flags, signals


def _plain(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum() or ch.isspace())
