"""The answer controls: one big talk button (Space), level meter, live words, a timer, typing or a WAV instead."""

from __future__ import annotations

from PySide6.QtCore import QElapsedTimer, Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QFileDialog, QFrame, QHBoxLayout, QLineEdit, QProgressBar, QPushButton, QVBoxLayout,
                               QWidget)

from rehearse.ui.feedback_panel import card_layout, label

IDLE, LISTENING, THINKING, OFF = "idle", "listening", "thinking", "off"


def clock(seconds: float) -> str:
    seconds = max(0, int(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}"


class TalkPanel(QFrame):
    """Presents the answer state; the owner decides what a click means (signals only)."""

    talk_toggled = Signal()             # Space or the button: start, or stop early
    typed = Signal(str)                 # an answer typed instead of spoken
    wav_chosen = Signal(str)            # an answer imported from a WAV file

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.state = OFF
        self.target_seconds: float | None = None
        self.microphone_ok = True  # False: no microphone on this computer, Talk stays off (see set_microphone)
        self._elapsed = QElapsedTimer()
        self._tick = QTimer(self)
        self._tick.setInterval(200)
        self._tick.timeout.connect(self._update_timer)

        box = card_layout(self, spacing=10)
        row = QHBoxLayout()
        row.setSpacing(14)
        self.talk = QPushButton("Talk")
        self.talk.setObjectName("Talk")
        self.talk.setCheckable(True)
        self.talk.setMinimumWidth(160)  # with the Drill list beside it, the window still fits in 760 px
        self.talk.setToolTip("Space: start talking; Space again to stop (it also stops when you go quiet)")
        self.talk.clicked.connect(self._clicked)
        row.addWidget(self.talk)
        meter_box = QVBoxLayout()
        self.status = label("", "Muted", wrap=True)
        meter_box.addWidget(self.status)
        self.level = QProgressBar()
        self.level.setObjectName("Level")
        self.level.setRange(0, 100)
        self.level.setTextVisible(False)
        self.level.setFixedHeight(10)
        self.level.setAccessibleName("Microphone level")
        meter_box.addWidget(self.level)
        row.addLayout(meter_box, 1)
        self.timer = label("0:00", "Heading", wrap=False)
        self.timer.setAccessibleName("Time speaking against the target")
        row.addWidget(self.timer)
        box.addLayout(row)

        self.partial = label("", "Partial")
        self.partial.setMinimumHeight(48)
        self.partial.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        box.addWidget(self.partial)

        alt = QHBoxLayout()
        self.text = QLineEdit()
        self.text.setPlaceholderText("Or type your answer here and press Enter")
        self.text.setAccessibleName("Type your answer")
        self.text.returnPressed.connect(self._typed)
        alt.addWidget(self.text, 1)
        self.send = QPushButton("Send")
        self.send.clicked.connect(self._typed)
        alt.addWidget(self.send)
        self.import_wav = QPushButton("Import WAV…")
        self.import_wav.setToolTip("Use a recording as your answer")
        self.import_wav.clicked.connect(self._choose_wav)
        alt.addWidget(self.import_wav)
        box.addLayout(alt)

        self.space = QShortcut(QKeySequence(Qt.Key.Key_Space), self.window() or self)
        self.space.setContext(Qt.ShortcutContext.WindowShortcut)
        self.space.activated.connect(self._space)
        self.set_state(OFF)

    def attach_shortcut_to(self, widget: QWidget) -> None:
        """Space works anywhere in ``widget`` (the view) except while typing."""
        self.space.setParent(widget)
        self.space.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)

    # ---- state -----------------------------------------------------------------------------------------------------
    def set_state(self, state: str, message: str = "") -> None:
        self.state = state
        listening = state == LISTENING
        self.talk.setChecked(listening)
        self.talk.setEnabled(listening or (state == IDLE and self.microphone_ok))
        self.talk.setText({LISTENING: "Stop", THINKING: "Listening back…"}.get(state, "Talk"))
        for widget in (self.text, self.send, self.import_wav):
            widget.setEnabled(state == IDLE)
        default = {
            IDLE: ("Press Space or the button and answer out loud." if self.microphone_ok else
                   "No microphone: type your answer below and press Enter, or import a WAV recording."),
            LISTENING: "Listening… it stops by itself when you pause.",
            THINKING: "Working out what you said…",
            OFF: "",
        }[state]
        self.status.setText(message or default)
        if listening:
            self.partial.clear()
            self._elapsed.start()
            self._tick.start()
            self._update_timer()
        else:
            self._tick.stop()
            self.level.setValue(0)

    def set_microphone(self, ok: bool) -> None:
        """Whether a microphone was found: without one, Talk (and Space) stay off and the panel says to type."""
        self.microphone_ok = ok
        if self.state == IDLE:
            self.set_state(IDLE)

    def set_target(self, seconds: float | None) -> None:
        self.target_seconds = seconds
        self.timer.setText("0:00" + (f" / {clock(seconds)}" if seconds else ""))

    def set_level(self, dbfs: float) -> None:
        self.level.setValue(int(max(0.0, min(1.0, (dbfs + 60.0) / 60.0)) * 100))

    def set_partial(self, text: str) -> None:
        self.partial.setText(text)

    def elapsed(self) -> float:
        return self._elapsed.elapsed() / 1000.0 if self._elapsed.isValid() else 0.0

    # ---- input -----------------------------------------------------------------------------------------------------
    def _update_timer(self) -> None:
        secs = self.elapsed()
        text = clock(secs)
        if self.target_seconds:
            text += f" / {clock(self.target_seconds)}"
        self.timer.setText(text)

    def _clicked(self) -> None:
        self.talk.setChecked(self.state == LISTENING)  # the owner changes the state
        self.talk_toggled.emit()

    def _space(self) -> None:
        if self.isVisible() and self.talk.isEnabled():
            self.talk_toggled.emit()

    def _typed(self) -> None:
        text = self.text.text().strip()
        if text and self.state == IDLE:
            self.text.clear()
            self.typed.emit(text)

    def _choose_wav(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Import an answer", "", "WAV audio (*.wav);;All files (*)")
        if path:
            self.wav_chosen.emit(path)
