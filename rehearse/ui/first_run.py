"""The guided start, shown on the first run (and from Help): a short check, then your own case or the example.

The check: the microphone with a live level (speak and watch it move), the manager's voice (hear a line), and
whether the speech recognizer is ready. Then "Make my own case" opens the editor in guided mode — the four parts one
at a time, the coaching rules as hints — or "Try the example" rehearses the shipped example straight away.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QDialog, QFrame, QGridLayout, QHBoxLayout, QLabel, QProgressBar, QPushButton,
                               QVBoxLayout, QWidget)

from rehearse.ui.settings import app_settings
from rehearse.ui.audio_checks import LevelJob, PlayJob
from rehearse.ui.threads import start_job

DONE_KEY = "first_run/done"
HELLO = "Hi, thanks for making time. What did you want to talk about?"


def first_run_done() -> bool:
    return app_settings().value(DONE_KEY, False, type=bool)


def mark_first_run_done() -> None:
    settings = app_settings()
    settings.setValue(DONE_KEY, True)
    settings.sync()


def _status(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    return label


class FirstRunDialog(QDialog):
    make_own = Signal()
    try_example = Signal()

    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Welcome to Rehearse")
        self.resize(720, 600)
        self.ctx = ctx
        self.level_job = None
        self.play_job = None
        box = QVBoxLayout(self)
        box.setContentsMargins(28, 22, 28, 20)
        box.setSpacing(14)
        title = QLabel("Welcome to Rehearse")
        title.setObjectName("Title")
        box.addWidget(title)
        intro = QLabel("Practise asking for your promotion out loud: your manager speaks, you answer, and you see "
                       "what landed. Everything stays on this computer. First, a quick check.")
        intro.setWordWrap(True)
        box.addWidget(intro)

        check = QFrame()
        check.setObjectName("Card")
        grid = QGridLayout(check)
        grid.setContentsMargins(20, 16, 20, 16)
        grid.setHorizontalSpacing(16)
        grid.setVerticalSpacing(12)
        grid.setColumnStretch(1, 1)
        heads = [QLabel("1. Microphone"), QLabel("2. The manager's voice"), QLabel("3. Speech recognizer")]
        for i, head in enumerate(heads):
            head.setObjectName("Heading")
            grid.addWidget(head, i * 2, 0, 1, 2)
        self.level = QProgressBar()
        self.level.setObjectName("Level")
        self.level.setRange(0, 60)
        self.level.setTextVisible(False)
        self.level.setFixedHeight(12)
        self.mic_status = _status("Say something: the bar moves when the microphone hears you.")
        mic = QVBoxLayout()
        mic.addWidget(self.level)
        mic.addWidget(self.mic_status)
        grid.addLayout(mic, 1, 0, 1, 2)
        self.hear = QPushButton("&Hear the manager")
        self.hear.clicked.connect(self.hear_manager)
        self.voice_status = _status("Press the button: you should hear a short line.")
        grid.addWidget(self.hear, 3, 0)
        grid.addWidget(self.voice_status, 3, 1)
        self.engine_status = _status("Loading the speech recognizer…")
        grid.addWidget(self.engine_status, 5, 0, 1, 2)
        box.addWidget(check)

        choose = QLabel("What would you like to do?")
        choose.setObjectName("Heading")
        box.addWidget(choose)
        row = QHBoxLayout()
        row.setSpacing(14)
        self.own_button = QPushButton("Make my own case")
        self.own_button.setObjectName("Primary")
        self.own_button.setToolTip("Fill in your case step by step: who you are, then the four parts of the pitch")
        self.own_button.clicked.connect(lambda: self._choose(self.make_own))
        self.example_button = QPushButton("Try the example")
        self.example_button.setToolTip("Rehearse now with the example: a software engineer asking for Senior Engineer")
        self.example_button.clicked.connect(lambda: self._choose(self.try_example))
        for button in (self.own_button, self.example_button):
            button.setMinimumHeight(48)
            row.addWidget(button, 1)
        box.addLayout(row)
        note = QLabel("You can come back to this from Help › Guided start, and change devices and the voice in "
                      "Settings.")
        note.setObjectName("Small")
        note.setWordWrap(True)
        box.addWidget(note)
        box.addStretch(1)

        ctx.engine_changed.connect(self._engine)
        if ctx.engine_state is not None:
            self._engine(ctx.engine_state)
        self._start_level()

    # ---- the check -------------------------------------------------------------------------------------------------
    def _start_level(self) -> None:
        state = self.ctx.engine_state
        if state is not None and state.microphone_ok is False:
            self.mic_status.setText(f"No microphone found ({state.microphone_error.rstrip('.')}). You can still "
                                    "type your answers or import recordings.")
            return
        job = LevelJob(self.ctx.source_factory)
        job.level.connect(self._level)
        job.failed.connect(self._mic_failed)
        self.level_job = job
        start_job(job, "rehearse-first-run-level")

    def _level(self, db: float) -> None:
        self.level.setValue(int(max(0.0, min(60.0, db + 60.0))))
        if db > -40:
            self.mic_status.setText("The microphone hears you. ✓")

    def _mic_failed(self, err) -> None:
        self.level_job = None
        self.mic_status.setText(f"The microphone cannot be used: {err}. You can still type your answers; choose "
                                "another microphone in Settings.")

    def hear_manager(self) -> None:
        if not self.ctx.voice_enabled:
            self.voice_status.setText(f"The voice is not available ({self.ctx.voice_error or 'no sound output'}); "
                                      "the manager's lines are shown on screen instead.")
            return
        try:
            speaker = self.ctx.speaker()
        except Exception as err:  # noqa: BLE001
            self.voice_status.setText(f"The voice is not available: {err}")
            return
        self.voice_status.setText("Speaking…")
        job = PlayJob(speaker, text=HELLO, voice=getattr(self.ctx, "voice_name", None),
                      rate=getattr(self.ctx, "voice_rate", None), device=getattr(self.ctx, "output_device", None))
        job.done.connect(self._played)  # methods, not lambdas: called back on the UI thread
        job.failed.connect(self._play_failed)
        self.play_job = job
        start_job(job, "rehearse-first-run-voice")

    def _played(self, _path) -> None:
        self.voice_status.setText("Did you hear it? If not, check the volume or choose another output in Settings.")

    def _play_failed(self, err) -> None:
        self.voice_status.setText(f"Could not play the line: {err}")

    def _engine(self, state) -> None:
        if state.recognizer_ok:
            what = (state.description or "the built-in recognizer").rstrip(". ")
            self.engine_status.setText(f"Ready: {what}. ✓")
        else:
            self.engine_status.setText(f"The recognizer could not start ({state.recognizer_error}); you can still "
                                       "type your answers.")

    # ---- leaving -------------------------------------------------------------------------------------------------
    def _choose(self, signal) -> None:
        self.accept()
        signal.emit()

    def done(self, result: int) -> None:
        mark_first_run_done()
        for job in (self.level_job, self.play_job):
            if job is not None:
                job.cancel()
                thread = getattr(job, "_thread", None)
                if thread is not None:
                    thread.wait(5000)
        self.level_job = self.play_job = None
        super().done(result)
