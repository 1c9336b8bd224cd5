"""The rehearsal on screen, shared by the Rehearse and Drill views: the manager's line, the talk panel, the
feedback, the summary.

The view only presents. The rehearsal itself — the manager's voice, listening, scoring and storing, the next line —
is :class:`rehearse.session.drive.Drive`, the same loop the command line uses, on its own thread; the view sends it
the user's moves (Talk, a typed answer, an imported recording, Continue, Try again) and shows what it reports through
:class:`~rehearse.ui.session_signals.SessionSignals`. Subclasses add their own set-up controls and say how to make
the session.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QPushButton, QScrollArea, QVBoxLayout, QWidget

from rehearse.core import rules
from rehearse.errors import UserError
from rehearse.session.drive import Drive
from rehearse.ui.context import AppContext
from rehearse.ui.conversation_log import ConversationLog
from rehearse.ui.feedback_panel import FeedbackPanel
from rehearse.ui.session_signals import SessionSignals
from rehearse.ui.talk_panel import IDLE, LISTENING, OFF, THINKING, TalkPanel
from rehearse.ui.threads import freeze_heap
from rehearse.ui.widgets import Banner, ManagerCard, SummaryPanel

log = logging.getLogger(__name__)


def reveal(scroll: QScrollArea, widget: QWidget, margin: int = 16) -> None:
    """Scroll so ``widget`` is in view with its top showing: a panel taller than the window shows its top (the
    score), not its middle as ``ensureWidgetVisible`` would. Done once the layout has placed it."""

    def move() -> None:
        content = scroll.widget()
        if content is None or not widget.isVisible():
            return
        content.layout().activate()
        top = widget.mapTo(content, QPoint(0, 0)).y()
        bar = scroll.verticalScrollBar()
        view = scroll.viewport().height()
        if widget.height() + 2 * margin > view or top - margin < bar.value():
            bar.setValue(max(0, top - margin))
        elif top + widget.height() + margin > bar.value() + view:
            bar.setValue(top + widget.height() + margin - view)

    move()
    QTimer.singleShot(0, move)


class RunView(QWidget):
    prompt_shown = Signal(object)     # the Prompt
    feedback_shown = Signal(object)   # the feedback dict, as shown (and stored); not Signal(dict): PySide6 6.12 drops
    #                                   a reference to True on each emission of a dict holding it (Python 3.11 aborts)
    run_finished = Signal(object)     # the summary dict
    failed = Signal(str)

    mode = "pitch"
    next_text = "&Continue"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.scenario = None
        self.session = None  # the session of the current run (for reading: the drive loop is the one driving it)
        self.drive: Drive | None = None
        self.signals: SessionSignals | None = None
        self.prompt = None
        self.listening = False  # an answer is being recorded
        self.summary: dict | None = None
        self.answers: list[tuple[str, float | None]] = []  # (what was answered, score), for the summary
        self._stopping: list[Drive] = []  # runs left by "start over", storing their last answer

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
        self.log = ConversationLog()  # the lines and answers before the current one (scroll back to them)
        self.main.addWidget(self.log)
        self._last = None  # the answer on screen: (prompt, typed feedback, text), moved to the log on the next line
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

    # ---- starting a run --------------------------------------------------------------------------------------------
    def start(self) -> None:
        if self.scenario is None:
            self.show_message("Open a scenario first.", "warning")
            return
        self.stop_everything()
        self.show_message("")
        self.feedback.hide()
        self.summary_panel.hide()
        self.summary = None
        self.session = None
        self.prompt = None
        self.answers = []
        self.log.clear()
        self._last = None
        self.card.show()
        self.card.show_line("", "", "Getting ready…")
        self.talk.set_state(OFF)
        self.talk.show()
        scenario, options, ctx = self.scenario, self.session_options(), self.ctx

        def make():
            from rehearse.session.conversation import Session

            return Session(scenario, store=ctx.store(), engine=ctx.engine, seed=ctx.seed,
                           scenario_path=getattr(scenario, "path", None) or None, **options)

        signals = SessionSignals(self)
        signals.started.connect(self._started)
        signals.prompt.connect(self._prompted)
        signals.voice_lost.connect(self._voice_failed)
        signals.listening.connect(self._listening)
        signals.partial.connect(self.talk.set_partial)
        signals.level.connect(self.talk.set_level)
        signals.heard.connect(self._heard)
        signals.listen_failed.connect(self._listen_failed)
        signals.scoring.connect(self._scoring)
        signals.feedback.connect(self._submitted)
        signals.failed.connect(self.fail)
        signals.finished.connect(self._finished)
        self.signals = signals
        self.drive = Drive(make, interactive=True, on_event=signals, engine=ctx.engine,
                           source_factory=ctx.source_factory, silence_s=ctx.silence_s, speak=ctx.speaking,
                           speaker_provider=ctx.speaker, voice_options=ctx.voice_options)  # as chosen in Settings
        self.drive.start()

    def _started(self, session) -> None:
        freeze_heap()
        self.session = session
        self.on_session_started()

    # ---- what the drive loop reports ---------------------------------------------------------------------------
    def _prompted(self, prompt) -> None:
        logged = self._log_last()
        self.prompt = prompt
        self.show_prompt(prompt)
        self.prompt_shown.emit(prompt)
        if logged:  # the conversation so far grew above the card: bring the new line to the top
            reveal(self.scroll, self.card)

    def show_prompt(self, prompt) -> None:
        scenario = self.scenario
        manager = scenario.who.manager if scenario is not None else "Your manager"
        persona = getattr(self.session, "persona", None) or (scenario.who.persona if scenario else "")
        speaker = "Read this aloud" if prompt.speaker == "reader" else manager
        by_part = prompt.kind == "part" or (getattr(self.session, "by_part", False) and prompt.kind == "opening")
        answering = f"now: {prompt.answer_for.label()}" if by_part else ""  # one part at a time: which part
        aside = "  ·  ".join(x for x in ("" if prompt.speaker == "reader" else persona, answering) if x)
        self.card.show_line(speaker, f"· {aside}" if aside else "", prompt.text, prompt.tip or "",
                            can_replay=self.ctx.speaking())
        self.feedback.hide()
        self.talk.set_target(prompt.target_seconds)
        self.talk.set_partial("")
        self.talk.set_state(IDLE)
        self.talk.show()
        (self.talk.talk if self.talk.talk.isEnabled() else self.talk.text).setFocus()  # no microphone: type

    def _listening(self, until_silence: bool) -> None:
        if not until_silence:
            self.talk.set_state(THINKING, "Listening to the recording…")

    def _heard(self, _answer) -> None:
        self.listening = False

    def _listen_failed(self, message: str) -> None:
        self.listening = False
        self.talk.set_state(IDLE)
        self.show_message(f"Could not listen: {message}\nYou can type your answer or import a WAV recording "
                          "instead.", "warning")

    def _scoring(self) -> None:
        self.listening = False
        self.talk.set_state(THINKING, "Looking at your answer…")

    def _submitted(self, result) -> None:
        feedback = result.feedback  # typed: Feedback, or Reading for a sentence read aloud
        self.talk.set_state(OFF, "")
        self.talk.set_partial("")
        self.talk.hide()  # nothing to do there until the next line: the feedback moves up under the card
        self.feedback.clear()
        self.feedback.show()
        self.answers.append((result.prompt.answer_for.title(result.prompt.text), feedback.score))
        text = result.answer.transcript.text if result.answer is not None else ""
        self._last = (result.prompt, feedback, text)
        self.feedback.show_feedback_staged(feedback, text, lambda: self._feedback_ready(result, feedback))

    def _feedback_ready(self, result, feedback) -> None:
        self.next_button.setText("See how it &went" if result.done else self.next_text)
        self._set_actions(again=self.session is not None and self.session.mode != "pitch", next_=True)
        self.next_button.setFocus()
        self.on_turn_result(result)
        self.feedback_shown.emit(feedback.to_dict())  # as stored
        reveal(self.scroll, self.feedback)

    def _log_last(self) -> bool:
        """The answer just given goes to the conversation so far, under the line it answered."""
        if self._last is None:
            return False
        prompt, feedback, text = self._last
        self._last = None
        speaker = "Read" if prompt.speaker == "reader" else (
            self.scenario.who.manager if self.scenario is not None else "Manager")
        self.log.add(speaker, prompt.text, prompt.answer_for.title(prompt.text), feedback, text)
        return True

    def _finished(self, summary: dict) -> None:
        last = self._last
        if self._log_last():
            # the manager's last line is now in the conversation above, with the answer to it: shown once
            self.card.hide()
        self.summary = summary
        next_step = None
        if self.prompt is not None and self.session.mode == "pitch":
            answered = last is not None and last[0].index == self.prompt.index and self.prompt.answer_for.is_objection
            manager = self.scenario.who.manager if self.scenario is not None else "your manager"
            next_step = rules.closing_tip(self.prompt.tip, getattr(last[1], "moves", None) if answered else None,
                                          manager)
        self.card.hint.hide()
        self.prompt = None
        self.talk.set_state(OFF, "This run is over.")
        self.feedback.hide()
        self._set_actions(again=False, next_=False)
        self.summary_panel.show_summary(self.summary, self.answers, next_step)
        self.summary_panel.show()
        self.run_finished.emit(self.summary)
        reveal(self.scroll, self.summary_panel)

    # ---- the user's moves ------------------------------------------------------------------------------------------
    def toggle_talk(self) -> None:
        if self.listening:
            self.drive.end_answer()  # stop now; the answer so far is kept
            return
        if self.prompt is None or self.talk.state != IDLE or self.drive is None:
            return
        self.listening = True
        self.talk.set_state(LISTENING)
        self.talk.talk.setEnabled(True)
        self.drive.talk()

    def import_wav(self, path: str) -> None:
        if self.prompt is None or self.talk.state != IDLE or self.drive is None:
            return
        self.talk.set_state(THINKING, "Listening to the recording…")
        self.drive.import_wav(path)

    def submit_text(self, text: str) -> None:
        if self.prompt is None or self.talk.state != IDLE or self.drive is None:
            return
        self.talk.set_state(THINKING, "Looking at your answer…")
        self.drive.type_answer(text)

    def advance(self) -> None:
        if self.drive is None or self.session is None:
            return
        self._set_actions(again=False, next_=False)
        self.drive.go_on()

    def again(self) -> None:
        if self.drive is None or self.prompt is None:
            return
        self._set_actions(again=False, next_=False)
        self.drive.again()

    # ---- the voice -------------------------------------------------------------------------------------------------
    def replay(self) -> None:
        if self.drive is not None and self.prompt is not None and self.talk.state != LISTENING:
            self.drive.replay()

    def stop_speaking(self) -> None:
        if self.drive is not None:
            self.drive.hush()

    def _voice_failed(self, message: str) -> None:
        self.card.replay.setEnabled(False)
        self.ctx.set_voice(False, message)

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
        self.listening = False
        if self.prompt is not None:
            self.talk.set_state(IDLE)
        self.failed.emit(text)

    # ---- ending ----------------------------------------------------------------------------------------------------
    def stop_everything(self) -> None:
        """Starting over: the current run stops — the answer being recorded is still scored and stored, as a turn of
        the run it belongs to, and that run is stored as incomplete — on its own thread; this view hears no more
        of it."""
        drive, self.drive = self.drive, None
        self.listening = False
        if self.signals is not None:
            self.signals.blockSignals(True)
            self.signals = None
        if drive is not None:
            drive.stop()
            self._stopping = [d for d in self._stopping if d.running] + [drive]

    def shutdown(self, timeout_ms: int = 45000) -> None:
        """Window closing: stop the run — the answer being recorded is kept as a turn — and wait for it to be
        stored."""
        self.stop_everything()
        for drive in self._stopping:
            if not drive.join(timeout_ms / 1000):
                log.error("the run did not stop in time; its last answer may not be stored")
        self._stopping = []
