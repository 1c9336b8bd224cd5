"""The talk-and-feedback loop shared by the Rehearse and Drill views.

The view only presents: every step goes through the session engine (``Session.next_prompt``/``submit``/``again``/
``finish``) on the session thread, listening runs in a :class:`ListenJob` and the manager's voice in a
:class:`SpeakJob`. Subclasses add their own set-up controls and say how to make the session.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QScrollArea, QVBoxLayout, QWidget

from rehearse.errors import UserError
from rehearse.ui.context import AppContext
from rehearse.ui.feedback_panel import FeedbackPanel
from rehearse.ui.talk_panel import IDLE, LISTENING, OFF, THINKING, TalkPanel
from rehearse.ui.tasks import freeze_heap, start_job
from rehearse.ui.widgets import Banner, ManagerCard, SummaryPanel
from rehearse.ui.workers import ListenJob, SpeakJob

log = logging.getLogger(__name__)


def as_dict(value) -> dict:
    if value is None:
        return {}
    return value if isinstance(value, dict) else value.to_dict()


class RunView(QWidget):
    prompt_shown = Signal(object)     # the Prompt
    feedback_shown = Signal(dict)     # the feedback dict
    run_finished = Signal(dict)       # the summary
    failed = Signal(str)

    mode = "pitch"
    next_text = "&Continue"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.scenario = None
        self.session = None
        self.prompt = None
        self.listen_job: ListenJob | None = None
        self.speak_job: SpeakJob | None = None
        self.answer_text = ""
        self.summary: dict | None = None
        self.answers: list[tuple[str, float | None]] = []  # (what was answered, score), for the summary
        self._orphans: dict = {}  # listen jobs stopped by "start over" -> the session their answer belongs to

        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        outer.addWidget(scroll)
        body = QWidget()
        scroll.setWidget(body)
        self.scroll = scroll
        self.body = QVBoxLayout(body)
        self.body.setContentsMargins(28, 20, 28, 24)
        self.body.setSpacing(16)
        self.content = QHBoxLayout()
        self.content.setSpacing(20)
        self.main = QVBoxLayout()
        self.main.setSpacing(16)

        self.build_setup(self.main)
        self.message = Banner()
        self.main.addWidget(self.message)
        self.card = ManagerCard()
        self.card.replay_clicked.connect(self.replay)
        self.main.addWidget(self.card)
        self.talk = TalkPanel()
        self.talk.attach_shortcut_to(self)
        self.talk.talk_toggled.connect(self.toggle_talk)
        self.talk.typed.connect(self.submit_text)
        self.talk.wav_chosen.connect(self.import_wav)
        self.main.addWidget(self.talk)
        self.feedback = FeedbackPanel()
        self.feedback.hide()
        self.main.addWidget(self.feedback)

        actions = QHBoxLayout()
        actions.addStretch(1)
        self.again_button = QPushButton("Try &again")
        self.again_button.setToolTip("Answer the same line again (Ctrl+Backspace)")
        self.again_button.clicked.connect(self.again)
        self.next_button = QPushButton("&Continue")
        self.next_button.setToolTip("Hear the manager's reaction (Ctrl+Return)")
        self.next_button.setDefault(True)
        self.next_button.clicked.connect(self.advance)
        actions.addWidget(self.again_button)
        actions.addWidget(self.next_button)
        self.main.addLayout(actions)
        self.summary_panel = SummaryPanel()
        self.summary_panel.hide()
        self.main.addWidget(self.summary_panel)
        self.main.addStretch(1)
        self.content.addLayout(self.main, 3)
        self.body.addLayout(self.content)
        for keys, slot in (("Ctrl+Return", self._next_key), ("Ctrl+Backspace", self._again_key),
                           ("Ctrl+R", self.replay)):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            shortcut.activated.connect(slot)
        self._set_actions(again=False, next_=False)

    # ---- for subclasses --------------------------------------------------------------------------------------------
    def build_setup(self, layout: QVBoxLayout) -> None:
        """Add the view's own set-up controls (mode, persona, start button…) to ``layout``."""

    def session_options(self) -> dict:
        return {"mode": self.mode}

    def on_session_started(self) -> None:
        """Called on the UI thread once the session exists."""

    def on_turn_result(self, result) -> None:
        """Called on the UI thread after each submitted answer."""

    def set_scenario(self, scenario) -> None:
        self.scenario = scenario

    # ---- the loop --------------------------------------------------------------------------------------------------
    def start(self) -> None:
        if self.scenario is None:
            self.show_message("Open a scenario first.", "warning")
            return
        self.stop_everything()
        self.show_message("")
        self.feedback.hide()
        self.summary_panel.hide()
        self.summary = None
        self.answers = []
        self.card.show_line("", "", "Getting ready…")
        self.talk.set_state(OFF)
        self.talk.show()
        scenario, options, ctx = self.scenario, self.session_options(), self.ctx

        def make():
            from rehearse.session.conversation import Session

            return Session(scenario, store=ctx.store(), engine=ctx.engine, seed=ctx.seed,
                           scenario_path=getattr(scenario, "path", None) or None, **options)

        ctx.host.call(make, self._started, self.fail)

    def _started(self, session) -> None:
        freeze_heap()
        self.session = session
        self.on_session_started()
        self.advance()

    def advance(self) -> None:
        if self.session is None:
            return
        self._set_actions(again=False, next_=False)
        self.ctx.host.call(self.session.next_prompt, self._prompted, self.fail)

    def _prompted(self, prompt) -> None:
        if prompt is None:
            self.ctx.host.call(self.session.finish, self._finished, self.fail)
            return
        self.prompt = prompt
        self.show_prompt(prompt)
        self.prompt_shown.emit(prompt)

    def show_prompt(self, prompt) -> None:
        scenario = self.scenario
        manager = scenario.who.manager if scenario is not None else "Your manager"
        persona = getattr(self.session, "persona", None) or (scenario.who.persona if scenario else "")
        if prompt.speaker == "reader":
            speaker, persona = "Read this aloud", ""
        else:
            speaker = manager
        self.card.show_line(speaker, f"· {persona}" if persona else "", prompt.text, prompt.tip or "",
                            can_replay=self.ctx.speaking())
        self.answer_text = ""
        self.feedback.hide()
        self.talk.set_target(prompt.target_seconds)
        self.talk.set_partial("")
        self.talk.set_state(IDLE)
        self.talk.show()
        self.talk.talk.setFocus()
        if prompt.speaker != "reader":
            self.speak(prompt.text)

    def toggle_talk(self) -> None:
        if self.listen_job is not None:
            self.listen_job.cancel()  # stop now; the answer so far is kept
            return
        if self.prompt is None or self.talk.state != IDLE:
            return
        self.listen(self.ctx.source_factory, self.ctx.silence_s)

    def import_wav(self, path: str) -> None:
        from rehearse.speech.sources import WavFileSource

        if self.prompt is None or self.talk.state != IDLE:
            return
        self.listen(lambda: WavFileSource(Path(path)), self.ctx.silence_s, imported=True)

    def listen(self, source_factory, silence_s: float, imported: bool = False) -> None:
        self.stop_speaking()
        wav_path = self.session.store.recording_path(self.session.run_id, self.prompt.answer_index)
        job = ListenJob(source_factory, wav_path, self.ctx.engine, silence_s, until_silence=not imported)
        job.partial.connect(self.talk.set_partial)
        job.level.connect(self.talk.set_level)
        job.done.connect(self._heard)
        job.failed.connect(self._listen_failed)
        self.listen_job = job
        self.talk.set_state(THINKING if imported else LISTENING,
                            "Listening to the recording…" if imported else "")
        if not imported:
            self.talk.talk.setEnabled(True)
        start_job(job, "rehearse-listen")

    def _heard(self, heard) -> None:
        self.listen_job = None
        self.submit(heard.transcript, heard.audio_path, heard.latency)

    def _listen_failed(self, err) -> None:
        self.listen_job = None
        self.talk.set_state(IDLE)
        text = str(err) or type(err).__name__
        self.show_message(f"Could not listen: {text}\nYou can type your answer or import a WAV recording instead.",
                          "warning")

    def submit_text(self, text: str) -> None:
        from rehearse.core.transcript import Transcript

        if self.prompt is None or self.talk.state != IDLE:
            return
        self.stop_speaking()
        self.submit(Transcript(text=text), None, None)

    def submit(self, transcript, audio_path, latency) -> None:
        from rehearse.session.conversation import Answer

        self.talk.set_state(THINKING, "Looking at your answer…")
        self.answer_text = transcript.text
        answer = Answer(transcript=transcript, audio_path=audio_path, latency=latency)
        session = self.session
        self.ctx.host.call(lambda: session.submit(answer), self._submitted, self.fail)

    def _submitted(self, result) -> None:
        feedback = as_dict(result.feedback)
        self.talk.set_state(OFF, "")
        self.talk.set_partial("")
        self.talk.hide()  # nothing to do there until the next line: the feedback moves up under the card
        self.feedback.clear()
        self.feedback.show()
        self.answers.append((self.prompt.answer_for.title(self.prompt.text), feedback.get("score")))
        self.feedback.show_feedback_staged(feedback, self.answer_text, lambda: self._feedback_ready(result, feedback))

    def _feedback_ready(self, result, feedback: dict) -> None:
        self.next_button.setText("See how it &went" if result.done else self.next_text)
        self._set_actions(again=self.session.mode != "pitch", next_=True)
        self.next_button.setFocus()
        self.on_turn_result(result)
        self.feedback_shown.emit(feedback)
        self.scroll.ensureWidgetVisible(self.feedback)

    def again(self) -> None:
        if self.session is None or self.prompt is None:
            return
        self._set_actions(again=False, next_=False)
        session = self.session
        self.ctx.host.call(lambda: (session.again(), session.next_prompt())[1], self._prompted, self.fail)

    def _finished(self, summary) -> None:
        self.summary = as_dict(summary) if not isinstance(summary, dict) else summary
        next_step = self.prompt.tip if self.prompt is not None and self.session.mode == "pitch" else None
        self.card.hint.hide()
        self.prompt = None
        self.talk.set_state(OFF, "This run is over.")
        self.feedback.hide()
        self._set_actions(again=False, next_=False)
        self.summary_panel.show_summary(self.summary, self.answers, next_step)
        self.summary_panel.show()
        self.run_finished.emit(self.summary)
        self.scroll.ensureWidgetVisible(self.summary_panel)

    # ---- the voice -------------------------------------------------------------------------------------------------
    def speak(self, text: str) -> None:
        self.stop_speaking()
        if not self.ctx.speaking() or not text:
            return
        try:
            speaker = self.ctx.speaker()
        except Exception as err:  # noqa: BLE001 - no voice: the line stays on screen
            self.ctx.set_voice(False, str(err))
            return
        job = SpeakJob(speaker, text)
        job.failed.connect(self._voice_failed)
        self.speak_job = job
        start_job(job, "rehearse-speak")

    def replay(self) -> None:
        if self.prompt is not None and self.talk.state != LISTENING:
            self.speak(self.prompt.text)

    def stop_speaking(self) -> None:
        if self.speak_job is not None:
            self.speak_job.cancel()
            self.speak_job = None

    def _voice_failed(self, err) -> None:
        self.card.replay.setEnabled(False)
        self.ctx.set_voice(False, str(err) or type(err).__name__)

    # ---- helpers ---------------------------------------------------------------------------------------------------
    def _set_actions(self, again: bool, next_: bool) -> None:
        self.again_button.setVisible(again)
        self.next_button.setVisible(next_)

    def _next_key(self) -> None:
        if self.next_button.isVisible():
            self.advance()

    def _again_key(self) -> None:
        if self.again_button.isVisible():
            self.again()

    def show_message(self, text: str, kind: str = "info") -> None:
        self.message.show_message(text, kind)

    def fail(self, err: BaseException) -> None:
        if isinstance(err, UserError):
            text = str(err)
        else:
            log.error("session step failed", exc_info=err)
            text = f"Something went wrong: {type(err).__name__}: {err}"
        self.show_message(text, "error")
        if self.prompt is not None:
            self.talk.set_state(IDLE)
        self.failed.emit(text)

    def stop_everything(self) -> None:
        """Starting over: stop speaking, and stop listening — the answer so far is still stored, as a turn of the
        run it belongs to, when the recognizer has finished with it (off the UI thread)."""
        job, self.listen_job = self.listen_job, None
        if job is not None:
            job.done.disconnect(self._heard)
            job.failed.disconnect(self._listen_failed)
            self._orphans[job] = self.session
            job.done.connect(self._store_orphan)
            job.cancel()
        self.stop_speaking()

    def _store_orphan(self, heard) -> None:
        from rehearse.session.conversation import Answer

        session = next((s for j, s in self._orphans.items() if j.result is heard), None)
        self._orphans = {j: s for j, s in self._orphans.items() if j.result is not heard}
        if session is not None:
            answer = Answer(transcript=heard.transcript, audio_path=heard.audio_path, latency=heard.latency)
            self.ctx.host.call(lambda: session.submit(answer), None, lambda err: log.error("not stored: %s", err))

    def shutdown(self, timeout_ms: int = 8000) -> None:
        """Window closing: stop listening, keep the partial answer as a turn, stop speaking."""
        job, self.listen_job = self.listen_job, None
        self.stop_speaking()
        if job is None:
            return
        job.done.disconnect(self._heard)
        job.cancel()
        thread = getattr(job, "_thread", None)
        if thread is not None:
            thread.wait(timeout_ms)
        heard = getattr(job, "result", None)
        if heard is None or self.session is None:
            return
        from rehearse.session.conversation import Answer

        answer = Answer(transcript=heard.transcript, audio_path=heard.audio_path, latency=heard.latency)
        try:
            self.ctx.host.run_now(lambda: self.session.submit(answer), timeout=timeout_ms / 1000)
        except Exception:  # noqa: BLE001 - closing: the recording is on disk regardless
            log.exception("could not save the partial answer")
