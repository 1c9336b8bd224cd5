"""Playback of a stored recording in the window: play/pause, stop, a position slider, and the time.

:class:`PlaybackBar` owns one :class:`rehearse.speech.player.Player` (PortAudio output on the device the manager's
voice uses, ``AppContext.output_device``) and polls its position on a timer, emitting ``position_changed`` so a
transcript can highlight the word being heard. Only one thing plays at a time: loading another recording stops
the one before. A device that cannot play shows a readable message in the bar, never a traceback.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QSlider, QWidget

from rehearse.errors import UserError
from rehearse.speech.player import PAUSED, PLAYING, STOPPED, Player

TICK_MS = 40


def clock(seconds: float) -> str:
    seconds = max(0, int(seconds))
    return f"{seconds // 60}:{seconds % 60:02d}"


class PlaybackBar(QFrame):
    position_changed = Signal(float)  # seconds heard, while something is loaded
    state_changed = Signal(str)  # stopped | playing | paused
    failed = Signal(str)

    def __init__(self, device=None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("Card")
        self.player = Player(device=device)
        self.key = None  # what is loaded (the caller's key: a turn index)
        self._state = STOPPED
        box = QHBoxLayout(self)
        box.setContentsMargins(14, 8, 14, 8)
        box.setSpacing(10)
        self.play_button = QPushButton("▶  Play")
        self.play_button.setToolTip("Play or pause (Ctrl+P)")
        self.play_button.clicked.connect(self.toggle)
        self.stop_button = QPushButton("■  Stop")
        self.stop_button.clicked.connect(self.stop)
        self.title = QLabel("Choose an answer or a line to play")
        self.title.setObjectName("Muted")
        self.title.setWordWrap(True)
        self.title.setMinimumWidth(220)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setAccessibleName("Playback position")
        self.slider.setRange(0, 0)
        self.slider.sliderMoved.connect(self._slider_moved)
        self.slider.sliderReleased.connect(lambda: self.seek(self.slider.value() / 1000))
        self.time = QLabel("0:00 / 0:00")
        self.time.setMinimumWidth(90)
        for widget in (self.play_button, self.stop_button):
            box.addWidget(widget)
        box.addWidget(self.title)
        box.addWidget(self.slider, 1)
        box.addWidget(self.time)
        self.timer = QTimer(self)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._tick)
        self._enable(False)

    # ---- loading ---------------------------------------------------------------------------------------------------
    def load(self, path, title: str, key=None) -> bool:
        """Load a recording (stops what was playing). False, with the reason shown, when it cannot be read."""
        self.stop()
        try:
            duration = self.player.load(path)
        except UserError as err:
            self._problem(str(err))
            self.key = None
            self._enable(False)
            return False
        self.key = key
        self.title.setText(title)
        self.title.setObjectName("")
        self.slider.setRange(0, int(duration * 1000))
        self.slider.setValue(0)
        self._enable(True)
        self._show_time(0.0)
        return True

    def unload(self) -> None:
        """Forget what was loaded (another run is shown: its answers are not this one's)."""
        self.stop()
        self.player.close()
        self.player.path = None
        self.key = None
        self.title.setText("Choose an answer or a line to play")
        self.title.setObjectName("Muted")
        self.slider.setRange(0, 0)
        self._enable(False)
        self._show_time(0.0)

    def set_device(self, device) -> None:
        self.player.device = device

    # ---- control -----------------------------------------------------------------------------------------------------
    @property
    def state(self) -> str:
        return self.player.state

    @property
    def position(self) -> float:
        return self.player.position

    def play_from(self, seconds: float | None = None) -> None:
        try:
            self.player.play(seconds)
        except UserError as err:
            self._problem(str(err))
            return
        self.timer.start()
        self._tick()

    def toggle(self) -> None:
        if self.player.path is None:
            return
        if self.player.state == PLAYING:
            self.player.pause()
            self._tick()
        elif self.player.state == PAUSED:
            self.play_from(None)
        else:
            self.play_from(None)

    def seek(self, seconds: float) -> None:
        if self.player.path is None:
            return
        try:
            self.player.seek(seconds)
        except UserError as err:
            self._problem(str(err))
        self._tick()

    def stop(self) -> None:
        self.player.stop()
        self.timer.stop()
        self._tick()

    def close_player(self) -> None:
        self.timer.stop()
        self.player.close()

    # ---- showing -----------------------------------------------------------------------------------------------------
    def _tick(self) -> None:
        position = self.player.position
        state = self.player.state
        if not self.slider.isSliderDown():
            self.slider.setValue(int(position * 1000))
        self._show_time(position)
        if state != self._state:
            self._state = state
            self.play_button.setText("❚❚  Pause" if state == PLAYING else "▶  Play")
            self.state_changed.emit(state)
        if state != PLAYING:
            self.timer.stop()
        if self.player.path is not None:
            self.position_changed.emit(position)

    def _slider_moved(self, value: int) -> None:
        self._show_time(value / 1000)

    def _show_time(self, seconds: float) -> None:
        self.time.setText(f"{clock(seconds)} / {clock(self.player.duration)}")

    def _enable(self, on: bool) -> None:
        for widget in (self.play_button, self.stop_button, self.slider):
            widget.setEnabled(on)

    def _problem(self, text: str) -> None:
        self.title.setText(text)
        self.title.setObjectName("Muted")
        self.title.setToolTip(text)
        self.failed.emit(text)
