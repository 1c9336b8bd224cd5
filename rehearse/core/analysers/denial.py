"""Denials: was a phrase said inside a denial, a refusal or a negated clause?

"I'm not here to ask for a promotion to Senior Engineer" says the key phrase word for word and means the opposite.
The matcher reports a negation just before a hit (``PhraseMatch.negated``); this module decides, for the feedback,
whether the words were *denied*, looking at the whole clause:

- a clause runs from the last sentence stop (``. ! ? ; :``), comma, "but", "so", "because", "although", "and I / and
  we …" to the next; fillers between a comma and the words do not end it ("I'm not, um, operating at …"), nor does
  a comma before "or" ("I don't need X, or Y");
- a denial cue earlier in the clause, at most ``SCOPE`` words before the phrase, denies it: "not", "no", "never",
  "nothing", "nobody", "none", "neither", "nor", "without" and the patterns of ``assets/words/denials.txt``
  ("far from", "instead of", "no need", "rather than" …); so does a negated verb straight after the phrase
  ("support tickets didn't drop 62%");
- not a denial: "not only / not just", "if not", "or not", "why not", "no doubt", "can't wait", an interjection "no,
  I …", and a negative question ("don't you think …", "can't we agree a date?", "why don't we …").

Not the user's own claim either, reported as a denial of another ``kind``:

- ``what_if``: a hypothetical before the words in their clause (``assets/words/hypotheticals.txt``: "if I were
  asking for a promotion …", "if I asked what specifically …"); a plain condition ("if I lead the design review, could
  we …") is not one;
- ``someone_else`` (claims only: the ask, the role, the level, what you did): another person as the subject
  (``assets/words/others.txt``: "my colleague Sam asked for a promotion …", "he is operating at …") with no "I" or
  "we" between;
- ``not_done`` (evidence only): a plan or hope before the words (``assets/words/future.txt``: "next year I hope to
  lead the migration …");
- a refusal after the words ("we could propose a date, but I'd rather not") takes them back like "never mind";
- ``reported``: a "not" in someone else's reported words ("you told me I was not ready for a promotion …",
  ``assets/words/reported.txt``) still leaves the words unclaimed, but it is their no, not the user's denial.

Gaps are different: a gap is *named* with a negation ("I'm not yet confident at public speaking"). For a gap's own
words, negation denies only when it denies having the gap ("I don't have a problem with public speaking", "public
speaking isn't a gap for me", "I never worry about …").
"""

from __future__ import annotations

from dataclasses import dataclass

from rehearse.core.analysers.heard import Heard
from rehearse.core.analysers.words import find, load_list
from rehearse.core.normalize import FILLERS

SCOPE = 12  # tokens a denial reaches forward within its clause
NEGATION_WORDS = frozenset("not no never nothing none nobody neither nor without".split())
SUBJECTS = frozenset("i you we it they he she this that there".split())
AUXILIARIES = frozenset("do does did can could would will should shall is are was were have has had am might must "
                        "why".split())
CLAUSE_STARTS = frozenset("but so because although though however whereas whilst".split())
# not only, no doubt, can't wait, not long ago, no later than, no less than …
NOT_A_DENIAL_AFTER = frozenset("only just merely doubt question wait bad long later sooner less fewer matter".split())
NOT_A_DENIAL_BEFORE = frozenset("if or why".split())  # if not, or not, why not
STRONG_STOPS = (".", "!", "?", ";", ":", "—", "–")
# "I will tell you about the migration": these after "will" introduce what was done, they do not plan it
INTRODUCING = frozenset("tell talk show explain start walk give share describe mention say begin focus".split())
FIRST_PERSON = frozenset(("i", "we"))
# Denying a gap rather than naming it: these in the clause make a negated gap a denial.
GAP_DENIAL_WORDS = frozenset("problem problems issue issues gap gaps weakness weaknesses worry worried concern "
                             "concerned struggle need needed trouble fine".split())
# Admitting a gap: "not yet", "not my strength", "not confident", "not much".
GAP_ADMISSION_WORDS = frozenset("yet strength strengths strong good great confident comfortable experienced enough "
                                "much easy natural best".split())


@dataclass(frozen=True)
class Denial:
    """The cue that denied a phrase: its words, as heard, and their word indexes (inclusive)."""

    text: str
    start_word: int
    end_word: int
    kind: str = "denial"  # denial | what_if | someone_else | not_done | reported (see the module docstring)

    def to_dict(self) -> dict:
        return {"text": self.text, "start_word": self.start_word, "end_word": self.end_word, "kind": self.kind}

    @property
    def how(self) -> str:
        """How the words were said, for messages: "said, but {how}"."""
        return KIND_WORDS.get(self.kind, "denied")


KIND_WORDS = {"denial": "denied", "what_if": "only as a what-if", "someone_else": "about someone else",
              "not_done": "as a plan, not as done", "reported": "as someone else's no"}


def how_said(denied: dict | None) -> str:
    """"denied", "only as a what-if" … for a stored ``key_phrases[i].denied`` (older rows have no kind)."""
    return KIND_WORDS.get((denied or {}).get("kind") or "denial", "denied")


class Denials:
    """Denial scopes of one answer, computed once: ``Denials(heard).of(first_word, last_word)``."""

    def __init__(self, heard: Heard):
        self.heard = heard
        toks = heard.tokens
        self.texts = [t.text for t in toks]
        n = len(toks)
        # clause boundaries: stops[i] is "strong" / "comma" when a boundary follows token i
        self.stops: list[str | None] = [None] * n
        for i, t in enumerate(toks):
            last_of_word = i + 1 >= n or toks[i + 1].first != t.first
            if last_of_word and 0 <= t.last < len(heard.words):
                word = heard.words[t.last].rstrip("\"')]”’")
                if word.endswith(STRONG_STOPS):
                    self.stops[i] = "strong"
                elif word.endswith(","):
                    self.stops[i] = "comma"
        # a comma around nothing but fillers ("not, um, operating") does not end a clause
        self.soft_commas: set[int] = set()
        bounds = [-1] + [i for i, stop in enumerate(self.stops) if stop] + [n - 1]
        for a, b, c in zip(bounds, bounds[1:], bounds[2:]):
            if self.stops[b] == "comma" and (all(t in FILLERS for t in self.texts[a + 1 : b + 1])
                                             or all(t in FILLERS for t in self.texts[b + 1 : c + 1])):
                self.soft_commas.add(b)
            elif self.stops[b] == "comma" and b + 1 < n and self.texts[b + 1] in ("or", "nor"):
                self.soft_commas.add(b)  # "I don't need X, or Y": the denial carries on over "or"
        self.cues: dict[int, int] = {}  # token index of a cue -> its first token
        for i, text in enumerate(self.texts):
            if text in NEGATION_WORDS and not self._excepted(i):
                self.cues[i] = i
        for f in find(toks, load_list("denials")):
            self.cues[f.last_token] = f.first_token
        self.retractions = find(toks, load_list("retractions"))
        # cues of the other kinds: last token -> first token
        self.kind_cues = {kind: {f.last_token: f.first_token for f in find(toks, load_list(name))}
                          for kind, name in (("what_if", "hypotheticals"), ("someone_else", "others"),
                                             ("not_done", "future"), ("reported", "reported"))}
        for last, first in list(self.kind_cues["not_done"].items()):  # "I will tell you about …" introduces
            if self.texts[first] == "will" and last + 1 < n and self.texts[last + 1] in INTRODUCING:
                del self.kind_cues["not_done"][last]
        self._word_tok: dict[int, int] = {}
        for i, t in enumerate(toks):
            for w in range(t.first, t.last + 1):
                self._word_tok.setdefault(w, i)

    # ------------------------------------------------------------------ rules
    def _excepted(self, i: int) -> bool:
        texts = self.texts
        after = texts[i + 1] if i + 1 < len(texts) else ""
        before = texts[i - 1] if i > 0 else ""
        if after in NOT_A_DENIAL_AFTER or before in NOT_A_DENIAL_BEFORE:
            return True
        if texts[i] == "without" and self._clause_start(i) == i:
            return True  # "Without the caching layer, checkout would …": a counterfactual, not a denial
        if texts[i] == "no" and (after in SUBJECTS or self.stops[i] is not None):
            return True  # "No, I'm asking …" / "no i am asking"
        if texts[i] == "not" and after in SUBJECTS and (before in AUXILIARIES or before == "why"):
            return True  # "don't you think", "can't we", "isn't it"
        if texts[i] == "not" and before in AUXILIARIES and i >= 2 and texts[i - 2] == "why":
            return True  # "why don't we"
        return False

    def _clause_start(self, i: int) -> int:
        """First token of the clause holding token ``i``."""
        k = i - 1
        while k >= 0:
            if self.stops[k] == "strong" or (self.stops[k] == "comma" and k not in self.soft_commas):
                return k + 1
            text = self.texts[k]
            if text in CLAUSE_STARTS:
                return k
            if text == "and" and k + 1 < len(self.texts) and self.texts[k + 1] in SUBJECTS:
                return k
            k -= 1
        return 0

    def _cue_before(self, first_tok: int) -> int | None:
        start = max(self._clause_start(first_tok), first_tok - SCOPE)
        for k in range(first_tok - 1, start - 1, -1):
            if k in self.cues:
                return k
        return None

    def _negated_after(self, last_tok: int) -> int | None:
        """A negated verb straight after the phrase: "<phrase> didn't drop", "<phrase> wasn't mine"."""
        k = last_tok + 1
        seen = 0
        while k < len(self.texts) and seen <= 2 and self.stops[k - 1] is None:
            text = self.texts[k]
            if text in ("not", "never") and k in self.cues:
                return k
            if text not in AUXILIARIES and text not in FILLERS and text not in ("really", "actually"):
                return None
            seen += 1
            k += 1
        return None

    # ------------------------------------------------------------------ queries
    def of(self, first_word: int | None, last_word: int | None = None, *, negated: bool = False,
           gap: bool = False, claim: bool = False, done: bool = False) -> Denial | None:
        """The denial covering words ``first_word..last_word``, or None when they were said plainly.

        ``negated``: the matcher saw a negation just before (used when the clause rules find no cue, e.g. across a
        stop the recognizer put in). ``gap``: the words name a gap (see the module docstring). ``claim``: the words
        claim something of the user (someone else saying them is no claim); ``done``: the words are evidence (a
        plan or hope is no evidence).
        """
        if first_word is None or first_word not in self._word_tok:
            return None
        first_tok = self._word_tok[first_word]
        last_tok = self._word_tok.get(last_word if last_word is not None else first_word, first_tok)
        cue = self._cue_before(first_tok)
        if cue is None:
            cue = self._negated_after(last_tok)
        if cue is None and negated:  # the matcher saw a negation just before: within the sentence, not across it
            for k in range(first_tok - 1, max(-1, first_tok - 4), -1):
                if self.stops[k] == "strong":
                    break
                if k in self.cues:
                    cue = k
                    break
        if cue is None:
            other = self._kind_before(first_tok, claim=claim, done=done)
            if other is not None:
                kind, a_tok, b_tok = other
                a, b = self.heard.tokens[a_tok].first, self.heard.tokens[b_tok].last
                return Denial(self.heard.quote(a, b) or "", a, b, kind)
            taken_back = self._retracted(last_tok)
            if taken_back is not None:
                a, b = self.heard.token_span(taken_back.first_token, taken_back.last_token)
                return Denial(self.heard.quote(a, b) or "", a, b)
            return None
        if gap and not self._denies_gap(cue, first_tok, last_tok):
            return None
        first = self.cues.get(cue, cue)
        a, b = self.heard.tokens[first].first, self.heard.tokens[cue].last
        reported = self._reported_before(first)
        if reported is not None:  # "you told me I was not ready for …": the manager's no, not the user's
            a = self.heard.tokens[reported].first
            return Denial(self.heard.quote(a, b) or "", a, b, "reported")
        return Denial(self.heard.quote(a, b) or "", a, b)

    def _kind_before(self, first_tok: int, *, claim: bool, done: bool) -> tuple[str, int, int] | None:
        """A what-if (always), someone else (``claim``) or a plan (``done``) earlier in the clause: (kind, first
        token, last token of the cue)."""
        kinds = ["what_if"] + (["someone_else"] if claim else []) + (["not_done"] if done else [])
        start = max(self._clause_start(first_tok), first_tok - SCOPE)
        sentence = max(self._sentence_start(first_tok), first_tok - 2 * SCOPE)
        for k in range(first_tok - 1, sentence - 1, -1):
            for kind in kinds:
                if k < start and kind != "what_if":
                    continue  # a what-if reaches to the end of its sentence ("If the timing were better, I would …")
                if k in self.kind_cues[kind]:
                    if kind == "someone_else" and FIRST_PERSON & set(self.texts[k + 1 : first_tok]):
                        continue  # "they told me I'm operating at …": the claim is the user's again
                    return kind, self.kind_cues[kind][k], k
        return None

    def _sentence_start(self, i: int) -> int:
        k = i - 1
        while k >= 0 and self.stops[k] != "strong":
            k -= 1
        return k + 1

    def same_sentence(self, a_word: int, b_word: int) -> bool:
        """True when words ``a_word`` and ``b_word`` are in one sentence."""
        a, b = sorted((self._word_tok.get(a_word, 0), self._word_tok.get(b_word, 0)))
        return all(self.stops[k] != "strong" for k in range(a, b))

    def _reported_before(self, cue_tok: int) -> int | None:
        """First token of a reporting frame ("you told me") earlier in the cue's sentence, if any."""
        for k in range(cue_tok - 1, self._sentence_start(cue_tok) - 1, -1):
            if k in self.kind_cues["reported"]:
                return self.kind_cues["reported"][k]
        return None

    def inside(self, first_word: int, last_word: int) -> Denial | None:
        """A denial cue among the words themselves: a near miss "You're not right" for "you're right" is a denial
        of it, not something like it."""
        if first_word not in self._word_tok:
            return None
        a_tok, b_tok = self._word_tok[first_word], self._word_tok.get(last_word, self._word_tok[first_word])
        for k in range(a_tok, b_tok + 1):
            if k in self.cues:
                first = self.cues[k]
                a, b = self.heard.tokens[first].first, self.heard.tokens[k].last
                return Denial(self.heard.quote(a, b) or "", a, b)
        return None

    def _retracted(self, last_tok: int):
        """A retraction ("never mind", "scratch that") opening the next sentence, or right after in the same one."""
        end = last_tok
        while end < len(self.texts) - 1 and self.stops[end] != "strong":
            end += 1
        for r in self.retractions:  # said on its own ("Never mind." / "scratch that,"), not "never mind the day"
            alone = r.last_token == len(self.texts) - 1 or self.stops[r.last_token] is not None
            if alone and last_tok < r.first_token <= end + 3:
                return r
        return None

    def _denies_gap(self, cue: int, first_tok: int, last_tok: int) -> bool:
        lo = min(cue, first_tok)
        hi = max(cue, last_tok)
        lo = self._clause_start(lo)
        end = hi
        while end + 1 < len(self.texts) and self.stops[end] is None and end - hi < 6:
            end += 1
        words = set(self.texts[lo : end + 1])
        if words & GAP_ADMISSION_WORDS:
            return False
        return bool(words & GAP_DENIAL_WORDS) or self.texts[cue] in ("never",)

    def denied_clause(self, first_tok: int, last_tok: int) -> tuple[int, int]:
        """Word span of the denial around a word-list find (tokens ``first_tok..last_tok``): from the start of the
        clause holding the denying cue to the end of the find's clause (a few words on at most), e.g. "I don't
        think I'm operating at the senior level" for the find "I'm operating at"."""
        denial = self.tokens_denied(first_tok, last_tok)
        lo = first_tok
        if denial is not None:
            lo = min(lo, self._word_tok.get(denial.start_word, first_tok))
        lo = self._clause_start(lo)
        hi = max(last_tok, self._word_tok.get(denial.end_word, last_tok) if denial is not None else last_tok)
        end = hi
        while end + 1 < len(self.texts) and self.stops[end] is None and end - hi < SCOPE:
            end += 1
        return self.heard.tokens[lo].first, self.heard.tokens[end].last

    def tokens_denied(self, first_tok: int, last_tok: int, **kinds) -> Denial | None:
        """Like :meth:`of`, for a token span (word-list finds)."""
        toks = self.heard.tokens
        return self.of(toks[first_tok].first, toks[last_tok].last, **kinds)
