"""Read-aloud analysis: which words of a sentence the recognizer heard wrong, or only with low confidence.

The user reads a sentence they prepared; the words that did not come through become a list to practise (useful
for people speaking English as a second language). Expected and heard text are normalised the same way the
matcher does it (:func:`rehearse.core.normalize.tokenize`: case, punctuation, contractions, "62%" == "sixty two
percent"), aligned with :class:`difflib.SequenceMatcher`, and every word of the sentence is marked:

- ``ok``: heard as written, with good confidence;
- ``unclear``: heard as written but the recognizer was unsure (word confidence below ``conf_threshold``);
- ``misheard``: something else was heard in its place (``heard`` says what; ``similarity`` 0-100 how close);
- ``missed``: nothing was heard for it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from difflib import SequenceMatcher

from rapidfuzz import fuzz

from rehearse.core.matching import match_phrases
from rehearse.core.normalize import ARTICLES, FILLERS, stem, tokenize
from rehearse.core.transcript import Transcript

CONF_THRESHOLD = 0.6
# Short function words: recognizers drop or blur them in fluent speech, and nobody needs to practise saying them,
# so they never make the practice list ("Practise: and." helps no one). They still count in the score.
FUNCTION_WORDS = frozenset(
    "a an the and or but nor so of to in on at by for with from as if than then that this these those it its "
    "is are was were be been am do did has have had i me my we us our you your he him his she her they them their "
    "not no".split())
STATUS_RANK = {"ok": 0, "unclear": 1, "misheard": 2, "missed": 3}


@dataclass
class WordCheck:
    word: str  # the word as written in the sentence (punctuation stripped)
    status: str  # ok | unclear | misheard | missed
    heard: str | None = None
    conf: float | None = None
    similarity: float | None = None
    start: float | None = None
    end: float | None = None


@dataclass
class Reading:
    sentence: str
    heard: str
    words: list[WordCheck]
    extra: list[str] = field(default_factory=list)  # heard words that are not in the sentence
    key_phrases: list[dict] = field(default_factory=list)  # the sentence as one key phrase (see reading_feedback)
    tip: str | None = None

    @property
    def score(self) -> float:
        """Share of the sentence's words that came through clearly, 0-100."""
        if not self.words:
            return 0.0
        return round(100.0 * sum(w.status == "ok" for w in self.words) / len(self.words), 1)

    @property
    def practice(self) -> list[str]:
        """Words to practise, in sentence order, once each (short function words left out)."""
        out: dict[str, None] = {}
        for w in self.words:
            if w.status != "ok" and w.word.lower() not in ARTICLES and w.word.lower() not in FUNCTION_WORDS:
                out.setdefault(w.word, None)
        return list(out)

    def to_dict(self) -> dict:
        return {
            "score": self.score,
            "sentence": self.sentence,
            "heard": self.heard,
            "words": [asdict(w) for w in self.words],
            "practice": self.practice,
            "extra": self.extra,
            "key_phrases": self.key_phrases,
            "tip": self.tip,
        }

    @classmethod
    def from_dict(cls, data: dict) -> "Reading":
        """A stored reading (``to_dict()``); ``score`` and ``practice`` are worked out again from the words."""
        fields = {f for f in WordCheck.__dataclass_fields__}
        words = [WordCheck(**{k: v for k, v in w.items() if k in fields}) for w in data.get("words") or []
                 if isinstance(w, dict) and "word" in w and "status" in w]
        return cls(sentence=str(data.get("sentence") or ""), heard=str(data.get("heard") or ""), words=words,
                   extra=[str(w) for w in data.get("extra") or []],
                   key_phrases=[p for p in data.get("key_phrases") or [] if isinstance(p, dict)],
                   tip=data.get("tip") or None)


def _display(word: str) -> str:
    return word.strip(".,;:!?\"'()[]{}…“”‘’")


def _heard_words(transcript: Transcript) -> tuple[list[str], list]:
    """The heard words (whitespace words) and, parallel to them, the recognizer's Word (or None)."""
    if transcript.words:
        words, timed = [], []
        for w in transcript.words:
            for piece in w.word.split():
                words.append(piece)
                timed.append(w)
        return words, timed
    words = transcript.text.split()
    return words, [None] * len(words)


def _key(token_text: str) -> str:
    return stem(token_text)


def analyse_reading(sentence: str, transcript: Transcript, conf_threshold: float = CONF_THRESHOLD) -> Reading:
    """Compare what was heard with the sentence the user meant to read."""
    written = sentence.split()
    heard_words, timed = _heard_words(transcript)
    expected = tokenize(sentence)
    heard = [t for t in tokenize(" ".join(heard_words)) if t.text not in FILLERS or t.text in
             {e.text for e in expected}]

    status: list[str] = ["ok"] * len(written)
    info: list[dict] = [{} for _ in written]
    covered = [False] * len(written)
    extra: list[str] = []

    def mark(exp_tok, new_status: str, **details) -> None:
        for i in range(exp_tok.first, exp_tok.last + 1):
            covered[i] = True
            if STATUS_RANK[new_status] >= STATUS_RANK[status[i]]:
                status[i] = new_status
                info[i] = {k: v for k, v in details.items() if v is not None}

    def timing(heard_tok) -> dict:
        spans = [timed[i] for i in range(heard_tok.first, heard_tok.last + 1) if timed[i] is not None]
        if not spans:
            return {}
        confs = [w.conf for w in spans if w.conf is not None]
        return {"conf": min(confs) if confs else None, "start": spans[0].start, "end": spans[-1].end}

    def heard_text(heard_tok) -> str:
        return " ".join(_display(w) for w in heard_words[heard_tok.first:heard_tok.last + 1])

    matcher = SequenceMatcher(None, [_key(t.text) for t in expected], [_key(t.text) for t in heard], autojunk=False)
    for op, a1, a2, b1, b2 in matcher.get_opcodes():
        if op == "equal":
            for e, h in zip(expected[a1:a2], heard[b1:b2]):
                t = timing(h)
                low = t.get("conf") is not None and t["conf"] < conf_threshold
                mark(e, "unclear" if low else "ok", heard=heard_text(h), **t)
        elif op == "replace":
            exp, got = expected[a1:a2], heard[b1:b2]
            for i, e in enumerate(exp):
                if i < len(got):
                    h = got[i]
                    mark(e, "misheard", heard=heard_text(h), similarity=round(fuzz.ratio(e.text, h.text), 1),
                         **timing(h))
                else:
                    mark(e, "missed")
            extra += [heard_text(h) for h in got[len(exp):]]
        elif op == "delete":
            for e in expected[a1:a2]:
                mark(e, "missed")
        elif op == "insert":
            extra += [heard_text(h) for h in heard[b1:b2]]

    words = []
    for i, raw in enumerate(written):
        word = _display(raw)
        if not word:
            continue
        if not covered[i]:
            # punctuation-only or dropped by normalisation: nothing to hear, nothing to practise
            continue
        words.append(WordCheck(word=word, status=status[i], **info[i]))
    return Reading(sentence=sentence, heard=" ".join(heard_words), words=words, extra=extra)


def reading_feedback(sentence: str, transcript: Transcript) -> Reading:
    """The feedback on reading ``sentence`` aloud: the word-by-word check, the sentence matched as a key phrase,
    and a tip naming the words to practise."""
    reading = analyse_reading(sentence, transcript)
    reading.key_phrases = [m.to_dict() for m in match_phrases(transcript.text, [sentence])]
    if reading.practice:
        reading.tip = f"Practise: {', '.join(reading.practice)}."
    elif all(w.status == "ok" for w in reading.words):
        reading.tip = "Every word came through clearly."
    else:  # only small function words ("and", "of") did not come through: nothing worth practising
        reading.tip = "The words that carry the meaning came through clearly."
    return reading
