"""Key-phrase matching: did the speaker say a prepared phrase? (first version: exact tokens, fillers skippable)"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from rehearse.core.normalize import ARTICLES, FILLERS, Token, tokenize

__all__ = ["PhraseMatch", "Matcher", "match_phrase", "match_phrases"]


@dataclass
class PhraseMatch:
    phrase: str
    hit: bool
    score: float  # 0..100
    heard: str | None  # the original words that matched (None when no hit)
    start_word: int | None  # index into text.split(); inclusive
    end_word: int | None

    def to_dict(self) -> dict:
        return asdict(self)


class Matcher:
    """Tokenise a text once, then match many phrases against it."""

    def __init__(self, text: str):
        self.text = text
        self.words = text.split()
        self.tokens = tokenize(text)

    def match(self, phrase: str) -> PhraseMatch:
        want = [t.text for t in tokenize(phrase) if t.text not in FILLERS and t.text not in ARTICLES]
        if not want:
            return PhraseMatch(phrase, False, 0.0, None, None, None)
        toks = self.tokens
        for i, tok in enumerate(toks):
            if tok.text != want[0]:
                continue
            j, k = i, 0
            used: list[Token] = []
            while j < len(toks) and k < len(want):
                if toks[j].text == want[k]:
                    used.append(toks[j])
                    k += 1
                elif toks[j].text not in FILLERS and toks[j].text not in ARTICLES:
                    break
                j += 1
            if k == len(want):
                first, last = used[0].first, used[-1].last
                return PhraseMatch(phrase, True, 100.0, " ".join(self.words[first:last + 1]), first, last)
        return PhraseMatch(phrase, False, 0.0, None, None, None)


def match_phrase(text: str, phrase: str) -> PhraseMatch:
    return Matcher(text).match(phrase)


def match_phrases(text: str, phrases: list[str]) -> list[PhraseMatch]:
    matcher = Matcher(text)
    return [matcher.match(p) for p in phrases]
