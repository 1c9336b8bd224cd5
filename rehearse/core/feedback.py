"""Feedback on one answer: weighted components, key-phrase coverage, flags that point at words, one tip.

``analyse(scenario, answer_for, transcript)`` returns a :class:`Feedback` (``analyse_part`` and ``analyse_objection``
are the two halves of it). The components and weights are documented in ``docs/feedback.md``. The score is their
weighted mean, where the components that only say "nothing wrong found" (framing, specificity, delivery) count in
proportion to the answer's content: an empty, off-topic or one-line answer cannot score on them. The tip is the one
of the component that loses the most weighted points (problems that hurt the conversation first); it never asks for
a move that was just made.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rehearse.core.analysers import content
from rehearse.core.analysers.delivery import analyse_delivery
from rehearse.core.analysers.denial import how_said
from rehearse.core.analysers.heard import Component, Flag, Heard
from rehearse.core.answer_for import AnswerFor
from rehearse.core.normalize import FILLERS
from rehearse.core.analysers.moves import OBJECTION_MOVES, PART_MOVES
from rehearse.core.pronunciation import Reading
from rehearse.core.scenario import PITCH_PARTS, Scenario
from rehearse.core.transcript import Transcript
from rehearse.errors import UserError

# Component weights per kind of answer (each row sums to 100). Content (the prepared phrases and the moves the part
# calls for) carries most of the weight; framing counts in every part.
WEIGHTS = {
    "intent": {"key_phrases": 35, "intent_early": 30, "framing": 20, "delivery": 15},
    "evidence": {"key_phrases": 25, "evidence": 40, "specificity": 15, "framing": 10, "delivery": 10},
    "gaps": {"key_phrases": 35, "gaps": 35, "framing": 15, "delivery": 15},
    "ask": {"key_phrases": 25, "ask": 40, "framing": 20, "delivery": 15},
    "pitch": {"key_phrases": 15, "intent_early": 10, "evidence": 20, "specificity": 5, "gaps": 10, "ask": 15,
              "framing": 15, "delivery": 10},
    "objection": {"key_phrases": 30, "moves": 35, "framing": 15, "specificity": 5, "delivery": 15},
}
CONTENT = ("key_phrases", "intent_early", "evidence", "gaps", "ask", "moves")
CONTENT_FULL = 60.0  # content score from which framing, specificity and delivery count in full
# Fewer words than this is "too short" for the part, whatever its target length.
ONE_LINER_WORDS = 5  # an answer of fewer words (fillers aside) scores at most ONE_LINER_MAX
ONE_LINER_MAX = 30
RECITED_MAX = 40  # a recited list of key phrases (flag bare_list) scores at most this
MIN_WORDS = {"intent": 10, "evidence": 20, "gaps": 12, "ask": 10, "pitch": 60, "objection": 10}
SIGNALS = ("asked_timeline", "named_gaps", "evidence_with_numbers", "explicit_ask", "intent_early", "earned_it",
           "apologetic", "already_doing", "vague", "hedged_ask")


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
    moves: list[dict] = field(default_factory=list)  # for objections: each move, made (with its words) or missing
    gaps: dict = field(default_factory=dict)  # {"named": [gap, ...], "skipped": [gap, ...]} (denial-aware)
    content_score: float = 0.0  # 0-100: how much of what the part calls for was said (phrases, moves, items)

    def to_dict(self) -> dict:
        out = {
            "part": self.answer_for.to_str(), "score": self.score,
            "components": [c.to_dict() for c in self.components],
            "key_phrases": self.key_phrases, "flags": [f.to_dict() for f in self.flags],
            "tip": self.tip, "delivery": self.delivery, "signals": self.signals, "evidence": self.evidence,
            "text": self.text, "moves": self.moves, "gaps": self.gaps, "content_score": self.content_score,
        }  # fmt: skip
        if self.confirmed is not None:
            out["confirmed"] = self.confirmed
        return out

    @classmethod
    def from_dict(cls, data: dict, answer_for: AnswerFor | str | None = None) -> Feedback:
        """A stored feedback read back typed, whatever version stored it.

        What the answer was for comes from the stored ``part`` or, for runs stored before it was kept there, from
        ``answer_for`` (the turn's ``expects``); ValueError when neither says. Older shapes are read as the current
        one: no moves, gaps or content score (empty), components without tip or scale, fillers and hedges stored as
        lists or per-word dicts (counted), a score stored as a float (rounded), an empty tip (None).
        """
        if not isinstance(data, dict):
            raise ValueError(f"stored feedback is not a mapping: {type(data).__name__}")
        which = _answer_for(data.get("part")) or _answer_for(answer_for)
        if which is None or which.is_read:
            raise ValueError(f"stored feedback says not what it was for (part {data.get('part')!r}, "
                             f"expects {answer_for!r})")
        score = data.get("score")
        return cls(
            answer_for=which,
            score=int(round(score)) if isinstance(score, (int, float)) and not isinstance(score, bool) else 0,
            components=[Component.from_dict(c) for c in _dicts(data.get("components"))],
            key_phrases=_dicts(data.get("key_phrases")),
            flags=[Flag.from_dict(f) for f in _dicts(data.get("flags"))],
            tip=data.get("tip") or None,
            delivery=_delivery(data.get("delivery")),
            signals=dict(data.get("signals") or {}) if isinstance(data.get("signals"), dict) else {},
            evidence=_dicts(data.get("evidence")),
            text=str(data.get("text") or ""),
            confirmed=data.get("confirmed") if isinstance(data.get("confirmed"), dict) else None,
            moves=_dicts(data.get("moves")),
            gaps=dict(data["gaps"]) if isinstance(data.get("gaps"), dict) else {},
            content_score=float(data.get("content_score") or 0.0)
            if isinstance(data.get("content_score"), (int, float)) else 0.0,
        )

    def to_text(self) -> str:
        """Readable feedback: score, components, key phrases ✓/✗, flags with the quoted words, the tip."""
        lines = [f"{self.answer_for.to_str()}: {self.score}/100"]
        for c in self.components:
            lines.append(f"  {c.name:<13} {c.counted:5.0f}  (weight {c.weight:g})  {c.shown_detail()}")
        if self.key_phrases:
            lines.append("Key phrases:")
            for kp in self.key_phrases:
                if kp["hit"]:
                    lines.append(f'  ✓ {kp["phrase"]}  — heard "{kp["heard"]}"')
                elif kp.get("denied"):
                    lines.append(f'  ⊘ {kp["phrase"]}  — said, but {how_said(kp["denied"])}: '
                                 f'"{kp["denied"].get("said") or kp["heard"]}"')
                elif kp.get("own_words"):
                    lines.append(f'  ≈ {kp["phrase"]}  — you made the move in your own words: '
                                 f'"{kp["own_words"]["text"]}"')
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


def from_stored(data, expects: AnswerFor | str | None = None) -> Feedback | Reading | None:
    """A stored turn's feedback, typed: :class:`Feedback` for a pitch part or an objection, :class:`Reading` for a
    read-aloud answer, None when nothing (or nothing readable) was stored. ``expects`` is the turn's ``expects``."""
    if not isinstance(data, dict) or not data:
        return None
    which = _answer_for(data.get("part")) or _answer_for(expects)
    try:
        if (which is not None and which.is_read) or (which is None and "sentence" in data):
            return Reading.from_dict(data)
        return Feedback.from_dict(data, which)
    except (ValueError, TypeError):
        return None


def _answer_for(value) -> AnswerFor | None:
    if isinstance(value, AnswerFor):
        return value
    try:
        return AnswerFor.parse(value) if isinstance(value, str) and value else None
    except ValueError:
        return None


def _dicts(value) -> list[dict]:
    return [dict(v) for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _delivery(value) -> dict:
    """The delivery numbers; counts that older versions stored as a list of words or a {word: count} dict are
    counted."""
    out = dict(value) if isinstance(value, dict) else {}
    for key in ("fillers", "hedges"):
        count = out.get(key)
        if isinstance(count, list):
            out[key] = len(count)
        elif isinstance(count, dict):
            out[key] = int(sum(v for v in count.values() if isinstance(v, (int, float))))
        elif isinstance(count, float):
            out[key] = int(count)
    return out


def analyse(scenario: Scenario, answer_for: AnswerFor, transcript: Transcript) -> Feedback:
    """Feedback on an answer to a pitch part, the whole pitch or an objection."""
    if answer_for.is_objection:
        return analyse_objection(scenario, answer_for.id, transcript)
    if answer_for.is_part:
        return analyse_part(scenario, answer_for.id, transcript)
    raise ValueError(f"read-aloud answers are analysed by rehearse.core.pronunciation, not {answer_for}")


def analyse_part(scenario: Scenario, part: str, transcript: Transcript) -> Feedback:
    if part not in PITCH_PARTS:
        valid = ", ".join(list(PITCH_PARTS) + [AnswerFor.objection(i).to_str() for i in scenario.objection_ids])
        raise UserError(f"unknown part {part!r}; use one of: {valid}")
    heard = Heard(transcript)
    book = content.PhraseBook(heard, scenario)
    phrases = scenario.part_key_phrases(part)
    key_phrases, comp, flags = content.key_phrases(book, phrases, WEIGHTS[part]["key_phrases"],
                                                   moves=PART_MOVES.get(part, ()))
    return _finish(AnswerFor.part(part), scenario, heard, book, comp, flags, key_phrases)


def analyse_objection(scenario: Scenario, objection_id: str, transcript: Transcript) -> Feedback:
    try:
        objection = scenario.objection(objection_id)
    except KeyError:
        raise UserError(
            f"unknown objection {objection_id!r}; this scenario has: {', '.join(scenario.objection_ids)}"
        ) from None
    heard = Heard(transcript)
    book = content.PhraseBook(heard, scenario)
    move_ids = OBJECTION_MOVES.get(objection_id, ())
    weights = dict(WEIGHTS["objection"])
    if not move_ids:  # an objection of the scenario's own: its key phrases are the content
        weights["key_phrases"] += weights.pop("moves")
    key_phrases, comp, flags = content.key_phrases(book, objection.key_phrases, weights["key_phrases"], moves=move_ids)
    moves = None
    if move_ids:
        recited = any(f.kind == "bare_list" for f in flags)
        moves = content.moves(book, move_ids, weights["moves"], lead_tip=objection.tip, recited=recited)
    elif comp.tip and not comp.priority:
        comp.tip = f"{objection.tip} {comp.tip}"
    return _finish(AnswerFor.objection(objection_id), scenario, heard, book, comp, flags, key_phrases, weights, moves)


def _finish(answer_for: AnswerFor, scenario, heard, book, key_comp, flags, key_phrases, weights=None,
            moves=None) -> Feedback:
    """Run every analyser. Weighted ones make the score; the others still report their signals, and framing and
    specificity (what was said, whatever the part) their flags and — for "I deserve"-style framing — the tip."""
    kind = answer_for.scored_as
    weights = weights or WEIGHTS[kind]
    components, hidden, signals = [key_comp], [], {}
    evidence_items: list[dict] = []
    if moves is not None:
        comp, more_flags, more_signals = moves
        components.append(comp)
        flags = flags + more_flags
        signals.update(more_signals)
    results = {
        "evidence": content.evidence(book, scenario, weights.get("evidence", 0)),
        "specificity": content.specificity(heard, weights.get("specificity", 0)),
        "gaps": content.gaps(book, scenario, weights.get("gaps", 0)),
        "ask": content.ask(book, scenario, weights.get("ask", 0)),
        "framing": content.framing(book, scenario, weights.get("framing", 0),
                                   reward_level=kind in ("intent", "pitch")),
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
    delivery, comp, f = analyse_delivery(heard, target, weights["delivery"], min_words=MIN_WORDS[kind])
    components.append(comp)
    flags = flags + f
    flags.sort(key=lambda fl: (fl.start_word is None, fl.start_word if fl.start_word is not None else 0))
    # "Nothing wrong found" counts only as far as there is content: an empty or off-topic answer earns nothing here.
    said = [c for c in components if c.name in CONTENT]
    said_weight = sum(c.weight for c in said)
    content_score = sum(c.weight * c.score for c in said) / said_weight if said_weight else 0.0
    scale = min(1.0, content_score / CONTENT_FULL)
    for c in components:
        if c.name not in CONTENT:
            c.scale = scale
    total = sum(c.weight for c in components)
    score = round(sum(c.weight * c.counted for c in components) / total) if total else 0
    losers = [c for c in components if c.tip] + [c for c in hidden if c.tip and c.priority]
    tip = max(losers, key=lambda c: (c.priority, c.weight * (100 - c.score))).tip if losers else None
    said_words = sum(1 for t in heard.tokens if t.text not in FILLERS)
    if any(f.kind == "bare_list" for f in flags):  # the phrases without the sentences: not an answer yet
        score = min(score, RECITED_MAX)
    if 0 < said_words < ONE_LINER_WORDS:  # "Promotion.", "Okay, I understand.": a one-liner is no answer yet
        score = min(score, ONE_LINER_MAX)  # (delivery's too_short flag says so)
    if not heard.word_count:
        score, tip = 0, "Nothing was heard: check the microphone, then answer out loud."
    full_signals = {name: bool(signals.get(name, False)) for name in SIGNALS}
    full_signals.update({k: v for k, v in signals.items() if k not in SIGNALS and isinstance(v, (bool, int))})
    gaps = {"named": list(signals.get("gaps_named", [])), "skipped": list(signals.get("gaps_skipped", []))}
    moves_detail = [book.move(m).to_dict() for m in signals.get("moves_made", []) + signals.get("moves_missing", [])]
    return Feedback(answer_for, int(score), components, key_phrases, flags, tip, delivery, full_signals,
                    evidence_items, heard.text, moves=moves_detail, gaps=gaps,
                    content_score=round(content_score, 1))  # fmt: skip
