"""The scenario's own words, handed to the recognizer so it hears them: roles, names, jargon, key phrases.

A general recognizer writes "see in your engineer" for "Senior Engineer" and "Logan-related" for "login-related";
told the words the conversation is about, Whisper writes them as prepared (``hotwords``, see
:mod:`rehearse.speech.whisper_engine`). The part being answered comes first (its key phrases), then the roles and
names, then the jargon of the prepared sentences (words the pronunciation dictionary does not know, or written with
capitals inside a sentence: "OAuth", "API"), then the other parts' key phrases. The recognizer takes what fits its
budget, in this order. Read-aloud answers get none: biasing would hide the very words a reader needs to practise.
Biasing was measured not to invent phrases that were not said (docs/benchmarks.md).
"""

from __future__ import annotations

import re

from rehearse.core.answer_for import AnswerFor
from rehearse.core.scenario import Scenario

__all__ = ["scenario_vocabulary"]

_WORD = re.compile(r"[A-Za-z][A-Za-z0-9'-]*[A-Za-z0-9]")


def scenario_vocabulary(scenario: Scenario | None, answer_for: AnswerFor | None = None) -> list[str]:
    """The words to bias the recognizer with for an answer to ``answer_for`` (a pitch part, the whole pitch or an
    objection; a read-aloud answer gets none), most important first, each once."""
    if scenario is None or (answer_for is not None and answer_for.is_read):
        return []
    out: list[str] = []
    if answer_for is not None and answer_for.is_objection:
        try:
            out += scenario.objection(answer_for.id).key_phrases
        except KeyError:
            pass
    elif answer_for is not None and answer_for.is_part:
        out += scenario.part_key_phrases(answer_for.id)
    who = scenario.who
    out += [who.target_role, who.current_role, who.manager, who.name]
    out += _jargon(scenario)
    out += scenario.part_key_phrases("pitch")
    for objection in scenario.objections:
        out += objection.key_phrases
    seen: set[str] = set()
    unique = []
    for term in out:
        term = " ".join(str(term or "").split())
        if term and term.lower() not in seen:
            seen.add(term.lower())
            unique.append(term)
    return unique


def _jargon(scenario: Scenario) -> list[str]:
    """Words of the prepared sentences a general recognizer may not know: not in the pronunciation dictionary, or
    capitalised inside a sentence ("OAuth", "API", "Kubernetes")."""
    from rehearse.core.soundalike import phones

    p = scenario.pitch
    texts = [p.intent.say] + [f"{i.what}. {i.outcome}. {i.say}" for i in p.evidence.items]
    texts += [f"{g.gap}. {g.plan}. {g.say}" for g in p.gaps.items]
    who = scenario.who
    known = {w.lower() for name in (who.target_role, who.current_role, who.manager, who.name) for w in name.split()}
    found: list[str] = []
    for text in texts:
        text = text or ""
        for m in _WORD.finditer(text):
            word = m.group(0)
            if word.lower() in known:
                continue
            starts_sentence = not text[:m.start()].rstrip() or text[:m.start()].rstrip()[-1] in ".!?:;"
            inner_capital = not starts_sentence and any(c.isupper() for c in word) and not word.startswith("I'")
            unknown = "-" not in word and not phones(word.lower())
            if inner_capital or unknown:
                found.append(word)
    return found
