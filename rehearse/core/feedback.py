"""Feedback on one answer: weighted components, key-phrase coverage, flags that point at words, one tip.

``analyse(scenario, answer_for, transcript)`` returns a :class:`Feedback` (``analyse_part`` and ``analyse_objection``
are the two halves of it). The components and weights
are documented in ``docs/feedback.md``; the score is their weighted mean, and the tip is the one of the component
that loses the most weighted points.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rehearse.core.analysers import content
from rehearse.core.analysers.delivery import analyse_delivery
from rehearse.core.analysers.heard import Component, Flag, Heard
from rehearse.core.answer_for import AnswerFor
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
    answer_for: AnswerFor  # a pitch part, the whole pitch or an objection
    score: int
    components: list[Component]
    key_phrases: list[dict]
    flags: list[Flag]
    tip: str | None
    delivery: dict
    signals: dict
    evidence: list[dict] = field(default_factory=list)  # per evidence item, for evidence and pitch answers
    text: str = ""
    confirmed: dict | None = None  # after a yes: whether the answer confirmed the title, timing and pay

    def to_dict(self) -> dict:
        out = {
            "part": self.answer_for.to_str(), "score": self.score,
            "components": [c.to_dict() for c in self.components],
            "key_phrases": self.key_phrases, "flags": [f.to_dict() for f in self.flags],
            "tip": self.tip, "delivery": self.delivery, "signals": self.signals, "evidence": self.evidence,
            "text": self.text,
        }  # fmt: skip
        if self.confirmed is not None:
            out["confirmed"] = self.confirmed
        return out

    def to_text(self) -> str:
        """Readable feedback: score, components, key phrases ✓/✗, flags with the quoted words, the tip."""
        lines = [f"{self.answer_for.to_str()}: {self.score}/100"]
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


def analyse(scenario: Scenario, answer_for: AnswerFor, transcript: Transcript) -> Feedback:
    """Feedback on an answer to a pitch part, the whole pitch or an objection."""
    if answer_for.is_objection:
        return analyse_objection(scenario, answer_for.id, transcript)
    if answer_for.is_part:
        return analyse_part(scenario, answer_for.id, transcript)
    raise ValueError(f"read-aloud answers are analysed by rehearse.core.pronunciation, not {answer_for}")


def analyse_part(scenario: Scenario, part: str, transcript: Transcript) -> Feedback:
    if part not in PITCH_PARTS:
        valid = ", ".join(list(PITCH_PARTS) + [f"objection:{i}" for i in scenario.objection_ids])
        raise UserError(f"unknown part {part!r}; use one of: {valid}")
    heard = Heard(transcript)
    book = content.PhraseBook(heard)
    phrases = scenario.part_key_phrases(part)
    key_phrases, comp, flags = content.key_phrases(book, phrases, WEIGHTS[part]["key_phrases"])
    return _finish(AnswerFor.part(part), scenario, heard, book, comp, flags, key_phrases)


def analyse_objection(scenario: Scenario, objection_id: str, transcript: Transcript) -> Feedback:
    try:
        objection = scenario.objection(objection_id)
    except KeyError:
        raise UserError(
            f"unknown objection {objection_id!r}; this scenario has: {', '.join(scenario.objection_ids)}"
        ) from None
    heard = Heard(transcript)
    book = content.PhraseBook(heard)
    weight = WEIGHTS["objection"]["key_phrases"]
    key_phrases, comp, flags = content.key_phrases(book, objection.key_phrases, weight)
    if comp.tip:
        comp.tip = f"{objection.tip} {comp.tip}"
    return _finish(AnswerFor.objection(objection_id), scenario, heard, book, comp, flags, key_phrases)


def _finish(answer_for: AnswerFor, scenario, heard, book, key_comp, flags, key_phrases) -> Feedback:
    """Run every analyser. Weighted ones make the score; the others still report their signals, and framing and
    specificity (what was said, whatever the part) their flags and — for "I deserve"-style framing — the tip."""
    kind = answer_for.scored_as
    weights = WEIGHTS[kind]
    components, hidden, signals = [key_comp], [], {}
    evidence_items: list[dict] = []
    results = {
        "evidence": content.evidence(book, scenario, weights.get("evidence", 0)),
        "specificity": content.specificity(heard, weights.get("specificity", 0)),
        "gaps": content.gaps(book, scenario, weights.get("gaps", 0)),
        "ask": content.ask(book, scenario, weights.get("ask", 0)),
        "framing": content.framing(heard, weights.get("framing", 0), reward_level=kind in ("intent", "pitch")),
    }
    if "intent_early" in weights:
        results["intent_early"] = content.intent(book, scenario, weights["intent_early"])
    for name in ("intent_early", "evidence", "specificity", "gaps", "ask", "framing"):
        if name not in results:
            continue
        comp, more_flags, more_signals, *rest = results[name]
        if name == "evidence" and name in weights:
            evidence_items = rest[0]
        signals.update({k: v for k, v in more_signals.items() if name in weights or k not in signals})
        if name in weights:
            components.append(comp)
            flags = flags + more_flags
        elif name in ("framing", "specificity"):
            hidden.append(comp)
            flags = flags + [f for f in more_flags if f.severity != "good"]
    target = scenario.target_seconds(answer_for)
    delivery, comp, f = analyse_delivery(heard, target, weights["delivery"])
    components.append(comp)
    flags = flags + f
    flags.sort(key=lambda fl: (fl.start_word is None, fl.start_word if fl.start_word is not None else 0))
    total = sum(c.weight for c in components)
    score = round(sum(c.weight * c.score for c in components) / total) if total else 0
    losers = [c for c in components if c.tip] + [c for c in hidden if c.tip and c.priority]
    tip = max(losers, key=lambda c: (c.priority, c.weight * (100 - c.score))).tip if losers else None
    if not heard.word_count:
        score, tip = 0, "Nothing was heard: check the microphone, then answer out loud."
    full_signals = {name: bool(signals.get(name, False)) for name in SIGNALS}
    full_signals.update({k: v for k, v in signals.items() if k not in SIGNALS})
    return Feedback(answer_for, int(score), components, key_phrases, flags, tip, delivery, full_signals, evidence_items,
                    heard.text)  # fmt: skip
