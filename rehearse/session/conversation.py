"""The rehearsal as a state machine, shared by the command line and the app (neither re-implements it).

    session = Session(scenario, mode="pitch", store=Store())
    while (prompt := session.next_prompt()) is not None:
        ...speak prompt.text, record and recognise the answer (speech.listener.listen returns an Answer)...
        result = session.submit(answer)
    summary = session.finish()

:class:`rehearse.session.drive.Drive` is that loop, with the voice and the microphone, for the command line and
the app alike.

Modes: ``pitch`` (the manager reacts to what was heard, see :mod:`rehearse.core.rules`), ``drill`` (objections
with spaced repetition, see :mod:`rehearse.core.scheduling`), ``read`` (read prepared sentences aloud; words that
did not come through become a practice list, see :mod:`rehearse.core.pronunciation`).

Every turn is committed to the store the moment it exists: the manager's line when it is issued, the user's
answer (recording, transcript with word timings, feedback, latency) when it is submitted. Until then the values
stay typed (:class:`AnswerFor`, :class:`Transcript`, :class:`Feedback` or :class:`Reading`); ``store.add_turn`` is
where they become text and JSON.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from rehearse.core import feedback as core_feedback
from rehearse.core import rules, scheduling
from rehearse.core.answer_for import AnswerFor
from rehearse.core.feedback import Feedback
from rehearse.core.pronunciation import Reading, reading_feedback
from rehearse.core.rules import DEFAULT_PERSONA, PERSONAS
from rehearse.core.scenario import Scenario
from rehearse.core.transcript import Answer, Transcript
from rehearse.errors import UserError
from rehearse.session.pitch import PitchFlow

MODES = ("pitch", "drill", "read")


@dataclass
class Prompt:
    index: int  # the turn index of this prompt (the manager's turn; for "reader" prompts, the answer's turn)
    speaker: str  # "manager" | "reader"
    text: str
    answer_for: AnswerFor  # what the answer to it is scored as
    target_seconds: float
    tip: str | None = None
    answer_index: int = 0  # the turn index the user's answer is stored under (its recording is named after it)
    kind: str = ""  # opening | part | reaction | objection | outcome | drill | read
    key: str = ""  # reaction key, objection id or outcome

    def to_dict(self) -> dict:
        out = dict(self.__dict__)
        out["expects"] = out.pop("answer_for").to_str()
        return out


@dataclass
class TurnResult:
    feedback: Feedback | Reading
    turn_index: int
    done: bool
    answer: Answer | None = None
    prompt: Prompt | None = None


def scenario_key(scenario: Scenario, scenario_path=None) -> str:
    """The key the drill schedule is kept under: the scenario file (resolved), else its title."""
    path = scenario_path or scenario.path
    return str(Path(path).resolve()) if path else scenario.title


class Session:
    def __init__(self, scenario: Scenario, mode: str = "pitch", *, store, persona: str | None = None,
                 seed: int | None = None, by_part: bool = False, engine: str | None = None, scenario_path=None,
                 max_items: int | None = None, now: datetime | None = None):
        if mode not in MODES:
            raise UserError(f"unknown mode {mode!r}: choose one of {', '.join(MODES)}")
        persona = persona or scenario.who.persona or DEFAULT_PERSONA
        if persona not in PERSONAS:
            raise UserError(f"unknown persona {persona!r}: choose one of {', '.join(PERSONAS)}")
        if max_items is not None and max_items < 1:
            raise UserError("the number of items must be at least 1")
        self.scenario = scenario
        self.mode = mode
        self.store = store
        self.persona = persona
        self.seed = seed if seed is not None else random.SystemRandom().randrange(2**31)
        self.rng = random.Random(self.seed)
        self.by_part = by_part
        self.engine = engine
        self.scenario_path = str(scenario_path or scenario.path or "")
        self.scenario_key = scenario_key(scenario, scenario_path)
        self.max_items = max_items
        self.now = now
        self.turns: list[dict] = []
        self.outcome: str | None = None
        self.complete: bool = False
        self._pending: Prompt | None = None
        self._last_item: str | None = None
        self._finished: dict | None = None
        self._done = False
        self.pitch = PitchFlow(scenario, persona, self.rng, by_part) if mode == "pitch" else None
        self.queue: list[str] = []
        if mode == "drill":
            if not scenario.objections:
                raise UserError(f"{self.scenario_path or scenario.title}: the scenario has no objections to drill")
            cards = store.drill_cards(self.scenario_key)
            self.queue = scheduling.plan_drill(scenario.objection_ids, cards, self._now(), max_items)
        elif mode == "read":
            sentences = scenario.read_aloud_sentences()
            if not sentences:
                raise UserError(f"{self.scenario_path or scenario.title}: the scenario has no sentences to read")
            self.sentences = sentences
            count = len(sentences) if max_items is None else min(max_items, len(sentences))
            self.queue = [str(i) for i in range(count)]
        self.run_id = store.create_run(
            scenario_path=self.scenario_path, scenario_title=scenario.title, target_role=scenario.who.target_role,
            mode=mode, persona=persona, seed=self.seed, engine=engine,
        )

    def _now(self) -> datetime:
        return self.now or datetime.now(timezone.utc)

    # ----------------------------------------------------------------- the state machine
    @property
    def done(self) -> bool:
        return self._done

    @property
    def finished(self) -> bool:
        """True once finish() has stored the run."""
        return self._finished is not None

    @property
    def next_turn_index(self) -> int:
        return len(self.turns)

    def next_prompt(self) -> Prompt | None:
        """The next thing to answer (the same one again until it is answered), or None when the run is over."""
        if self._pending is not None:
            return self._pending
        if self._done or self._finished is not None:
            return None
        if self.mode == "pitch":
            line = self.pitch.next_line()
            if line is None:
                self._done = True
                return None
            if line["kind"] == "outcome":
                self.outcome = line["key"]
            prompt = self._manager_prompt(line)
        elif not self.queue:
            self._done = True
            return None
        elif self.mode == "drill":
            oid = self.queue.pop(0)
            objection = self.scenario.objection(oid)
            answer_for = AnswerFor.objection(oid)
            line = {"kind": "drill", "key": oid, "text": self.scenario.pick(objection.wordings, self.rng),
                    "answer_for": answer_for, "tip": objection.tip,
                    "target_seconds": self.scenario.target_seconds(answer_for)}
            prompt = self._manager_prompt(line)
        else:
            n = int(self.queue.pop(0))
            sentence = self.sentences[n]
            seconds = max(3.0, round(len(sentence.split()) / 2.2, 1))  # about 130 words a minute
            index = self.next_turn_index
            prompt = Prompt(index=index, speaker="reader", text=sentence, answer_for=AnswerFor.read(n),
                            target_seconds=seconds, tip="Read it at your own pace, clearly.",
                            answer_index=index, kind="read", key=str(n))
        self._pending = prompt
        self._last_item = prompt.key if self.mode != "pitch" else None
        return prompt

    def _manager_prompt(self, line: dict) -> Prompt:
        index = self.next_turn_index
        answer_for: AnswerFor = line["answer_for"]
        self.store.add_turn(self.run_id, index=index, role="manager", text=line["text"],
                            expects=answer_for.to_str())
        self.turns.append({"index": index, "role": "manager", "text": line["text"], "answer_for": answer_for,
                           "audio": None, "feedback": None, "kind": line["kind"], "key": line["key"]})
        return Prompt(index=index, speaker="manager", text=line["text"], answer_for=answer_for,
                      target_seconds=line["target_seconds"], tip=line.get("tip"), answer_index=index + 1,
                      kind=line["kind"], key=line["key"])

    def submit(self, answer: Answer) -> TurnResult:
        """Score the answer to the current prompt and store the turn (committed before this returns)."""
        prompt = self._pending
        if prompt is None:
            raise RuntimeError("submit() without a prompt: call next_prompt() first")
        transcript = answer.transcript
        feedback = self._score(prompt, transcript)
        index = self.next_turn_index
        audio = str(answer.audio_path) if answer.audio_path else None
        self.store.add_turn(self.run_id, index=index, role="user", text=transcript.text,
                            expects=prompt.answer_for.to_str(), audio_path=audio, transcript=transcript.to_dict(),
                            feedback=feedback.to_dict(), latency=answer.latency)
        self.turns.append({"index": index, "role": "user", "text": transcript.text, "answer_for": prompt.answer_for,
                           "audio": audio, "feedback": feedback, "transcript": transcript,
                           "latency": answer.latency})
        self._pending = None
        if self.mode == "pitch":
            if prompt.answer_for.is_objection:  # an objection met in the conversation is practice too
                self._review(prompt.answer_for.id, feedback.score)
            if self.pitch.heard(prompt.answer_for, feedback):
                self._done = True
        elif self.mode == "drill":
            self._review(prompt.key, feedback.score)
            self._done = not self.queue
        else:
            self._done = not self.queue
        return TurnResult(feedback=feedback, turn_index=index, done=self._done, answer=answer, prompt=prompt)

    def again(self) -> None:
        """Serve the last objection (drill) or sentence (read) again next."""
        if self.mode == "pitch":
            raise UserError("'again' is for drills and read-aloud; a pitch conversation moves on")
        if self._pending is not None or self._last_item is None or self._finished is not None:
            return
        self.queue.insert(0, self._last_item)
        self._done = False

    def _score(self, prompt: Prompt, transcript: Transcript) -> Feedback | Reading:
        if prompt.answer_for.is_read:
            return reading_feedback(prompt.text, transcript)
        fb = core_feedback.analyse(self.scenario, prompt.answer_for, transcript)
        if prompt.kind == "outcome" and prompt.key == "yes":
            fb.confirmed = rules.confirmation(transcript.text, self.scenario.who.target_role)
            fb.tip = rules.confirmation_tip(fb.confirmed) or fb.tip
        return fb

    def _review(self, objection_id: str, score: float) -> None:
        cards = self.store.drill_cards(self.scenario_key)
        card = scheduling.review(cards.get(objection_id), score, self._now())
        self.store.save_drill_card(self.scenario_key, objection_id, card, score)

    # ----------------------------------------------------------------- the end
    def finish(self, complete: bool | None = None) -> dict:
        """End the run (idempotent): ``complete`` defaults to whether the conversation reached its end."""
        if self._finished is not None:
            return self._finished
        if complete is None:
            complete = self._done and self._pending is None
        self.complete = bool(complete)
        summary = self.summary()
        self.store.finish_run(self.run_id, complete=self.complete, outcome=self.outcome, summary=summary)
        self._finished = summary
        self._pending = None
        return summary

    def summary(self) -> dict:
        user = [t for t in self.turns if t["role"] == "user"]
        scores = [t["feedback"].score for t in user]
        latencies = [t["latency"] for t in user if t.get("latency") is not None]
        out = {
            "score": round(sum(scores) / len(scores), 1) if scores else None,
            "outcome": self.outcome,
            "complete": self.complete,
            "turns": len(self.turns),
            "answers": len(user),
            "mode": self.mode,
            "persona": self.persona,
            "seed": self.seed,
            "mean_latency": round(sum(latencies) / len(latencies), 2) if latencies else None,
        }
        if self.mode == "pitch":
            out["signals"] = dict(self.pitch.state.signals)
            out["raised"] = list(self.pitch.state.raised)
        elif self.mode == "drill":
            cards = self.store.drill_cards(self.scenario_key)
            out["objections"] = [
                {"objection_id": t["answer_for"].id, "score": t["feedback"].score,
                 "due": (cards.get(t["answer_for"].id) or {}).get("card", {}).get("due")}
                for t in user
            ]
        else:
            practice: dict[str, None] = {}
            for t in user:
                for word in t["feedback"].practice:
                    practice.setdefault(word, None)
            out["practice"] = list(practice)
        return out
