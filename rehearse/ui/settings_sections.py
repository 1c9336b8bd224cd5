"""The Settings dialog's building blocks: a titled section (a card with a form), a row of widgets, and the speech
models section (the built-in Whisper, each Vosk model with Install or Remove)."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from rehearse.errors import UserError


def section(title: str) -> tuple[QFrame, QFormLayout]:
    frame = QFrame()
    frame.setObjectName("Card")
    box = QVBoxLayout(frame)
    box.setContentsMargins(18, 14, 18, 16)
    head = QLabel(title)
    head.setObjectName("Heading")
    box.addWidget(head)
    form = QFormLayout()
    form.setHorizontalSpacing(14)
    form.setVerticalSpacing(10)
    box.addLayout(form)
    return frame, form


def row(*widgets, stretch_first: bool = True) -> QWidget:
    for widget in widgets:
        if isinstance(widget, QComboBox):  # long device names must not widen the dialog
            widget.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            widget.setMinimumContentsLength(18)
    holder = QWidget()
    line = QHBoxLayout(holder)
    line.setContentsMargins(0, 0, 0, 0)
    for i, widget in enumerate(widgets):
        line.addWidget(widget, 1 if (i == 0 and stretch_first) else 0)
    return holder


class ModelsSection(QWidget):
    """The speech models: the built-in Whisper and each Vosk model, with Install… or Remove."""

    changed = Signal()  # a model was installed or removed: reload the recognizer
    message = Signal(str)  # a line for the dialog's status

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.rows = QVBoxLayout(self)
        self.rows.setContentsMargins(0, 0, 0, 0)
        self.model_rows: dict[str, QPushButton] = {}
        self.model_dialog = None
        self.refresh()

    def refresh(self) -> None:
        from rehearse.speech.models import list_models

        while self.rows.count():
            item = self.rows.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        builtin = QLabel("Whisper tiny.en — built in, always available (MIT licence).")
        builtin.setWordWrap(True)
        self.rows.addWidget(builtin)
        self.model_rows = {}
        for info in list_models():
            if info.lang and not info.lang.startswith("en") and info.status == "not installed":
                continue
            size = f", {info.size / 1e6:.0f} MB" if info.size else ""
            text = QLabel(f"{info.name} — {info.status}{size}\n{info.description}")
            text.setWordWrap(True)
            text.setObjectName("" if info.status == "installed" else "Muted")
            if info.status in ("installed", "broken", "partly downloaded"):
                button = QPushButton("Remove")
                button.clicked.connect(lambda _=False, n=info.name: self.remove(n))
            else:
                button = QPushButton("Install…")
                button.clicked.connect(lambda _=False, n=info.name: self.install(n))
            button.setAccessibleName(f"{button.text().rstrip('…')} {info.name}")
            self.model_rows[info.name] = button
            self.rows.addWidget(row(text, button))

    def install(self, name: str) -> None:
        from rehearse.ui.model_dialog import ModelDialog

        dialog = ModelDialog(self.window(), name=name)
        dialog.installed.connect(self._installed)
        dialog.open()
        self.model_dialog = dialog

    def _installed(self, _path) -> None:
        self.refresh()
        self.changed.emit()

    def remove(self, name: str) -> None:
        from rehearse.speech.models import remove

        try:
            remove(name)
            self.message.emit(f"Removed {name}.")
        except (UserError, OSError) as err:
            self.message.emit(f"Could not remove {name}: {err}")
        self.refresh()
        self.changed.emit()
