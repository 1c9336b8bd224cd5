"""Help with key phrases: suggest them from the sentence you plan to say, and try a sentence against them.

:func:`suggest_key_phrases` proposes the few things worth listening for in a planned sentence — the number (as
written: "62%"), the role ("promotion to Senior Engineer") and its distinctive noun phrases ("caching layer") — and
keeps only suggestions that the matcher finds in that same sentence, so a suggestion is always one you can earn.
:func:`try_phrases` says, for a typed (or heard) sentence, which phrases land and why, with the same matcher and the
same rule as the feedback: a phrase said inside a denial does not count.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rehearse.core.matching import Matcher

# Words that end a noun phrase (pronouns, auxiliaries, conjunctions, most prepositions, fillers, vague words).
_BREAKS = frozenset("""
i me my mine we us our ours you your yours he him his she her hers it its they them their theirs this that these
those who whom whose which what when where why how there here am is are was were be been being have has had having do
does did doing will would shall should can could may might must and or but so because as if than then though while
also just really very quite about above across after against along among around at before behind below beneath
beside between beyond by during except for from in inside into like near off on onto out outside over past since
through throughout till until up upon with within without not no never all any each every some such own same other
more most much many few less least only even still yet ago again ever already always often sometimes now today
over-all like um uh er well actually basically okay ok thing things stuff lot lots way ways want wanted would like
talk talked talking think thought feel felt believe know knew get got make made go went say said ask asked asking
let past year years month months week weeks day days time one ones being last next brought took
worth dropped grew fell rose went doubled tripled halved improved increased decreased went came became
""".split())
# Words that may sit inside a phrase but not at its edges.
_JOINERS = frozenset("a an the of to".split())
# Common verbs that start evidence sentences ("I led the migration"): kept as the phrase's first word.
_ACTION_VERBS = frozenset("""
led lead built designed mentored launched shipped cut reduced grew increased ran drove owned created delivered
migrated automated negotiated trained hired managed coached founded rebuilt redesigned saved won closed improved
""".split())
_NUMBER = re.compile(
    r"(?:from\s(?:[$€£]\s?)?\d[\d,]*(?:\.\d+)?\s?%?\sto\s)?(?:[$€£]\s?)?\d[\d,]*(?:\.\d+)?(?:\s?(?:%|percent\b|k\b|m\b|million\b|billion\b|thousand\b|x\b))?"
    r"(?:\s(?:fewer|more|less|faster|percent|hours?|days?|weeks?|months?|years?|people|engineers|customers|clients|"
    r"users|tickets|deals|accounts|leads|milliseconds|seconds|minutes)\b)?",
    re.IGNORECASE)
_WORD = re.compile(r"[A-Za-z][A-Za-z'&+-]*|[$€£]?\d[\d,.%]*|[.,;:!?()\"]")

MAX_SUGGESTIONS = 5


def suggest_key_phrases(sentence: str, target_role: str = "", number: str = "") -> list[str]:
    """Up to five key phrases for ``sentence``, most useful first; each one matches ``sentence`` itself."""
    sentence = (sentence or "").strip()
    if not sentence:
        return []
    out: list[str] = []
    lower = sentence.lower()

    role = target_role.strip()
    if role and role.lower() in lower:
        at = lower.index(role.lower())
        before = lower[:at].rstrip()
        for lead in ("promotion to", "promoted to", "ready for", "move to"):
            if before.endswith(lead):
                out.append(f"{lead} {sentence[at:at + len(role)]}")
                break
        else:
            out.append(sentence[at:at + len(role)])

    number = number.strip()
    if number and number.lower() in lower:
        out.append(number)
    for found in _NUMBER.finditer(sentence):
        text = found.group(0).strip().rstrip(".,")
        if text and not any(text in o or o in text for o in out):
            out.append(text)

    for phrase in _noun_phrases(sentence):
        low = phrase.lower()
        if any(low in o.lower() or o.lower() in low for o in out):
            continue
        out.append(phrase)

    matcher = Matcher(sentence)
    kept = []
    for phrase in out:
        match = matcher.match(phrase)
        if match.hit and not match.negated and phrase not in kept:
            kept.append(phrase)
    return kept[:MAX_SUGGESTIONS]


def _noun_phrases(sentence: str) -> list[str]:
    """Runs of content words between break words, trimmed to at most three words, most distinctive first."""
    words = _WORD.findall(sentence)
    runs: list[list[str]] = []
    run: list[str] = []
    for word in words + ["."]:
        low = word.lower()
        if low in _BREAKS or not word[0].isalpha() or low.endswith("'s") and low[:-2] in _BREAKS:
            if run:
                runs.append(run)
            run = []
            if low in _ACTION_VERBS:
                run = [word]
            continue
        run.append(word)
    scored = []
    for run in runs:
        while run and run[0].lower() in _JOINERS:
            run = run[1:]
        while run and run[-1].lower() in _JOINERS:
            run = run[:-1]
        content = [w for w in run if w.lower() not in _JOINERS]
        if not content or (len(content) == 1 and (len(content[0]) < 6 or content[0].lower() in _ACTION_VERBS)):
            continue
        if len(run) > 4:  # the head noun is at the end of an English noun phrase
            run = run[-3:]
            while run and run[0].lower() in _JOINERS:
                run = run[1:]
        phrase = " ".join(run)
        score = sum(len(w) for w in content) + 4 * sum(w[:1].isupper() for w in content[1:] if w.isalpha())
        score += 6 if len(content) >= 2 else 0
        scored.append((score, phrase))
    scored.sort(key=lambda pair: -pair[0])
    return [phrase for _score, phrase in scored]


@dataclass
class PhraseCheck:
    phrase: str
    ok: bool
    why: str

    @property
    def mark(self) -> str:
        return "✓" if self.ok else "✗"

    def __str__(self) -> str:
        return f"{self.mark} {self.phrase} — {self.why}"


def try_phrases(text: str, phrases: list[str]) -> list[PhraseCheck]:
    """Which of ``phrases`` a sentence earns, and why (the matcher's own reasons, in plain words)."""
    text = (text or "").strip()
    if not text:
        return [PhraseCheck(p, False, "say or type a sentence to try it") for p in phrases]
    matcher = Matcher(text)
    out = []
    for phrase in phrases:
        m = matcher.match(phrase)
        if m.hit and m.negated:
            out.append(PhraseCheck(phrase, False, f"heard “{m.heard.strip('.,;:!?')}”, but after a “not”: it does not count"))
        elif m.hit:
            same = m.heard and m.heard.lower().strip(".,!?") == phrase.lower()
            out.append(PhraseCheck(phrase, True, "said" if same else f"heard as “{m.heard.strip('.,;:!?')}”"))
        elif m.near:
            out.append(PhraseCheck(phrase, False, f"closest was “{m.near.strip('.,;:!?')}”: {m.reason}"))
        else:
            out.append(PhraseCheck(phrase, False, m.reason or "not said"))
    return out
