"""Pitch mode's side of the conversation: the manager's lines, chosen by :mod:`rehearse.core.rules`.

:class:`PitchFlow` answers "what does the manager say next?" from what was heard so far; the
:class:`~rehearse.session.conversation.Session` stores the turns and scores the answers.
"""

from __future__ import annotations

import random

from rehearse.core import rules
from rehearse.core.answer_for import AnswerFor
from rehearse.core.feedback import Feedback
from rehearse.core.scenario import PARTS, Scenario


class PitchFlow:
    def __init__(self, scenario: Scenario, persona: str, rng: random.Random, by_part: bool = False):
        self.scenario = scenario
        self.persona = persona
        self.rng = rng
        self.by_part = by_part
        self.state = rules.PitchState()
        self.parts_left = list(PARTS) if by_part else []
        self.started = False
        self.last_feedback: Feedback | None = None
        self.gaps_feedback: Feedback | None = None
        self.named_gaps: set[str] = set()  # every gap named in any answer so far (denial-aware)

    # ---- the next manager line: (kind, key, text, answer_for, tip) or None when the conversation is over
    def next_line(self) -> dict | None:
        sc = self.scenario
        if not self.started:
            self.started = True
            answer_for = AnswerFor.part(self.parts_left.pop(0) if self.by_part else "pitch")
            return self._line("opening", "", sc.pick(sc.manager.opening, self.rng), answer_for)
        if self.parts_left:
            part = self.parts_left.pop(0)
            return self._line("part", part, rules.PART_PROMPTS[part], AnswerFor.part(part))
        move = rules.next_move(self.state, self.persona, self.rng, reactions=set(sc.manager.reactions),
                               objection_ids=self._askable_objections())
        earned = rules.praise_earned(self.last_feedback.score if self.last_feedback is not None else None)
        if move.kind == "outcome" and move.key == "yes" and self.state.objections and not earned:
            # the manager's objection was not answered (the answer to it did not earn praise): it still stands
            move = rules.Move("outcome", "not_yet", rules.OUTCOME_EXPECTS["not_yet"])
        rules.apply(self.state, move)
        if move.kind == "end":
            return None
        answer_for = rules.answer_expects(move, sc.objection_ids)
        if move.kind == "reaction":
            gap = self._unnamed_gap() if move.key == "gaps_not_named" else None
            text = sc.pick(sc.manager.reactions[move.key], self.rng, gap=gap)
            return self._line("reaction", move.key, rules.without_unearned_praise(text, earned), answer_for)
        if move.kind == "objection":
            objection = sc.objection(move.key)
            text = sc.pick(objection.wordings, self.rng, gap=self._unnamed_gap())
            return self._line("objection", move.key, rules.without_unearned_praise(text, earned), answer_for)
        # the outcome, after a word of praise when the pitch was strong and the last answer earned it
        text = rules.without_unearned_praise(sc.pick(sc.manager.outcomes[move.key], self.rng), earned)
        if rules.is_strong(self.state.signals) and earned and sc.manager.reactions.get("strong"):
            text = f"{sc.pick(sc.manager.reactions['strong'], self.rng)} {text}"
        tip = sc.fill(rules.OUTCOME_TIPS[move.key])
        return self._line("outcome", move.key, text, answer_for, tip)

    def _line(self, kind: str, key: str, text: str, answer_for: AnswerFor, tip: str | None = None) -> dict:
        sc = self.scenario
        if tip is None and answer_for.is_objection:
            tip = sc.objection(answer_for.id).tip
        return {"kind": kind, "key": key, "text": text, "answer_for": answer_for, "tip": tip,
                "target_seconds": sc.target_seconds(answer_for)}

    # ---- what was heard
    def heard(self, answer_for: AnswerFor, feedback: Feedback) -> bool:
        """Take in the feedback of the user's answer. Returns True when that answer ended the conversation."""
        self.last_feedback = feedback
        if answer_for in (AnswerFor.part("pitch"), AnswerFor.part("gaps")):
            self.gaps_feedback = feedback
        self.named_gaps.update(feedback.gaps.get("named") or [])
        for item in self.scenario.pitch.gaps.items:
            if any(m.get("hit") and m.get("phrase") in item.key_phrases for m in feedback.key_phrases):
                self.named_gaps.add(item.gap)
        self.state.hear(feedback.signals)
        if self.state.outcome is not None:
            rules.apply(self.state, rules.Move("end"))
            return True
        return False

    @property
    def done(self) -> bool:
        return self.state.ended

    @property
    def outcome(self) -> str | None:
        return self.state.outcome

    def _unnamed_gap(self) -> str | None:
        """The first prepared gap not named in any answer so far (None: every gap was named, or there are none)."""
        for item in self.scenario.pitch.gaps.items:
            if item.gap not in self.named_gaps:
                return item.gap
        return None

    def _askable_objections(self) -> list[str]:
        """The objections the manager may raise: one that asks about {gap} only while a gap is still unnamed."""
        if self._unnamed_gap() is not None:
            return list(self.scenario.objection_ids)
        return [o.id for o in self.scenario.objections if not all("{gap}" in w for w in o.wordings)]
