"""Feedback on one answer: weighted components, key-phrase coverage, flags that point at words, one tip.

``analyse_part(scenario, part, transcript)`` (part: intent | evidence | gaps | ask | pitch) and
``analyse_objection(scenario, objection_id, transcript)`` return a :class:`Feedback`. The components and weights
are documented in ``docs/feedback.md``; the score is their weighted mean, and the tip is the one of the component
that loses the most weighted points.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rehearse.core.analysers import content
from rehearse.core.analysers.delivery import analyse_delivery
from rehearse.core.analysers.heard import Component, Flag, Heard
from rehearse.core.scenario import PITCH_PARTS, Scenario
from rehearse.core.transcript import Transcript
from rehearse.errors import UserError

# Component weights per kind of answer (each row sums to 100).
WEIGHTS = {
    "intent": {"key_phrases": 30, "intent_early": 30, "framing": 15, "delivery": 25},
    "evidence": {"key_phrases": 25, "evidence": 35, "specificity": 15, "delivery": 25},
    "gaps": {"key_phrases": 35, "gaps": 40, "delivery": 25},
    "ask": {"key_phrases": 25, "ask": 50, "delivery": 25},
    "pitch": {"key_phrases": 15, "intent_early": 15, "evidence": 20, "specificity": 5, "gaps": 10, "ask": 15,
              "framing": 10, "delivery": 10},
    "objection": {"key_phrases": 50, "framing": 15, "specificity": 10, "delivery": 25},
}
SIGNALS = ("asked_timeline", "named_gaps", "evidence_with_numbers", "explicit_ask", "intent_early", "earned_it",
           "apologetic", "already_doing", "vague")


@dataclass
class Feedback:
    part: str  # intent | evidence | gaps | ask | pitch | objection:ID
    score: int
    components: list[Component]
    key_phrases: list[dict]
    flags: list[Flag]
    tip: str | None
    delivery: dict
    signals: dict
    evidence: list[dict] = field(default_factory=list)  # per evidence item, for evidence and pitch answers
    text: str = ""

    def to_dict(self) -> dict:
        return {
            "part": self.part, "score": self.score,
            "components": [c.to_dict() for c in self.components],
            "key_phrases": self.key_phrases, "flags": [f.to_dict() for f in self.flags],
            "tip": self.tip, "delivery": self.delivery, "signals": self.signals, "evidence": self.evidence,
            "text": self.text,
        }  # fmt: skip

    def to_text(self) -> str:
        """Readable feedback: score, components, key phrases ✓/✗, flags with the quoted words, the tip."""
        lines = [f"{self.part}: {self.score}/100"]
        for c in self.components:
            lines.append(f"  {c.name:<13} {c.score:5.0f}  (weight {c.weight:g})  {c.detail}")
        if self.key_phrases:
            lines.append("Key phrases:")
            for kp in self.key_phrases:
                if kp["hit"]:
                    lines.append(f'  ✓ {kp["phrase"]}  — heard "{kp["heard"]}"')
                else:
                    near = kp.get("closest")
                    instead = f'  — closest: "{near["text"]}"' if near and near["similarity"] >= 60 else ""
                    lines.append(f'  ✗ {kp["phrase"]}{instead}')
        shown = [f for f in self.flags if f.kind not in ("filler", "hedge") or f.severity != "info"]
        fillers = [f for f in self.flags if f.kind in ("filler", "hedge")]
        if shown or fillers:
            lines.append("Flags:")
            marks = {"good": "+", "info": "·", "warning": "!", "problem": "✗"}
            for f in shown:
                quote = f.text if not f.text or len(f.text) <= 60 else f.text[:57] + "…"
                where = f' "{quote}"' if quote else ""
                when = f" at {f.start:.1f}s" if f.start is not None else ""
                lines.append(f"  {marks.get(f.severity, '-')} {f.kind}:{where}{when} — {f.message}")
            if fillers:
                quoted = ", ".join(f'"{f.text}"' for f in fillers[:12])
                lines.append(f"  · fillers and hedges: {quoted}")
        if self.tip:
            lines.append(f"Tip: {self.tip}")
        return "\n".join(lines)


def analyse(scenario: Scenario, part: str, transcript: Transcript) -> Feedback:
    """``part`` as on the command line: a pitch part, ``pitch`` or ``objection:ID``."""
    if part.startswith("objection:"):
        return analyse_objection(scenario, part.split(":", 1)[1], transcript)
    return analyse_part(scenario, part, transcript)


def analyse_part(scenario: Scenario, part: str, transcript: Transcript) -> Feedback:
    if part not in PITCH_PARTS:
        valid = ", ".join(list(PITCH_PARTS) + [f"objection:{i}" for i in scenario.objection_ids])
        raise UserError(f"unknown part {part!r}; use one of: {valid}")
    weights = WEIGHTS[part]
    heard = Heard(transcript)
    book = content.PhraseBook(heard)
    key_phrases, comp, flags = content.key_phrases(book, scenario.part_key_phrases(part), weights["key_phrases"])
    components: list[Component] = [comp]
    signals: dict = {}
    evidence_items: list[dict] = []

    def add(comp, more_flags, more_signals):
        components.append(comp)
        flags.extend(more_flags)
        signals.update(more_signals)

    if "intent_early" in weights:
        add(*content.intent(book, scenario, weights["intent_early"]))
    if "evidence" in weights:
        comp, f, s, evidence_items = content.evidence(book, scenario, weights["evidence"])
        add(comp, f, s)
    if "specificity" in weights:
        add(*content.specificity(heard, weights["specificity"]))
    if "gaps" in weights:
        add(*content.gaps(book, scenario, weights["gaps"]))
    if "ask" in weights:
        add(*content.ask(book, scenario, weights["ask"]))
    if "framing" in weights:
        add(*content.framing(heard, weights["framing"], reward_level=part in ("intent", "pitch")))
    return _finish(part, scenario.target_seconds(part), heard, book, components, flags, signals, key_phrases,
                   evidence_items, weights)  # fmt: skip


def analyse_objection(scenario: Scenario, objection_id: str, transcript: Transcript) -> Feedback:
    try:
        objection = scenario.objection(objection_id)
    except KeyError:
        raise UserError(
            f"unknown objection {objection_id!r}; this scenario has: {', '.join(scenario.objection_ids)}"
        ) from None
    part = f"objection:{objection_id}"
    weights = WEIGHTS["objection"]
    heard = Heard(transcript)
    book = content.PhraseBook(heard)
    key_phrases, comp, flags = content.key_phrases(book, objection.key_phrases, weights["key_phrases"])
    if comp.tip:
        comp.tip = f"{objection.tip} {comp.tip}"
    components = [comp]
    signals: dict = {}
    for comp, more_flags, more_signals in (content.specificity(heard, weights["specificity"]),
                                           content.framing(heard, weights["framing"], reward_level=False)):
        components.append(comp)
        flags.extend(more_flags)
        signals.update(more_signals)
    # the ask-related signals still matter to the rules after an objection (e.g. "did they ask for a date?")
    _, _, ask_signals = content.ask(book, scenario, 0)
    signals.setdefault("asked_timeline", ask_signals["asked_timeline"])
    return _finish(part, scenario.target_seconds(part), heard, book, components, flags, signals, key_phrases, [],
                   weights)  # fmt: skip


def _finish(part, target, heard, book, components, flags, signals, key_phrases, evidence_items, weights) -> Feedback:
    delivery, comp, f = analyse_delivery(heard, target, weights["delivery"])
    components.append(comp)
    flags = flags + f
    flags.sort(key=lambda fl: (fl.start_word is None, fl.start_word if fl.start_word is not None else 0))
    total = sum(c.weight for c in components)
    score = round(sum(c.weight * c.score for c in components) / total) if total else 0
    losers = [c for c in components if c.tip]
    tip = max(losers, key=lambda c: (c.priority, c.weight * (100 - c.score))).tip if losers else None
    if not heard.word_count:
        score, tip = 0, "Nothing was heard: check the microphone, then answer out loud."
    full_signals = {name: bool(signals.get(name, False)) for name in SIGNALS}
    full_signals.update({k: v for k, v in signals.items() if k not in SIGNALS})
    return Feedback(part, int(score), components, key_phrases, flags, tip, delivery, full_signals, evidence_items,
                    heard.text)  # fmt: skip
