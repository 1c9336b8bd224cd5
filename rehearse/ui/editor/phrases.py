"""Help with key phrases in the editor: suggestions from the planned sentence, and a "try it" box per part.

The suggestions come from :func:`rehearse.core.suggest.suggest_key_phrases`; the try-it box runs the same matcher
as the feedback (:func:`rehearse.core.suggest.try_phrases`) on a typed sentence, or on one said into the microphone
and heard by the recognizer the app uses.
"""

from __future__ import annotations

import html
from typing import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QLineEdit, QPushButton, QVBoxLayout, QWidget

from rehearse.core.pasted import plain_chars
from rehearse.core.suggest import suggest_key_phrases, try_phrases
from rehearse.ui.editor.fields import Field
from rehearse.ui.flow_layout import FlowLayout
from rehearse.ui.style import FLAG, HIT


class Suggestions(QWidget):
    """"Suggest" under a key-phrases field: click a suggestion to add it to the list."""

    def __init__(self, field: Field, source: Callable[[], tuple[str, str, str]], parent: QWidget | None = None):
        super().__init__(parent)
        self.field, self.source = field, source
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(4)
        row = QHBoxLayout()
        self.button = QPushButton("Suggest key phrases from my sentence")
        self.button.setToolTip("The number, the role and the distinctive words of the sentence you plan to say")
        self.button.clicked.connect(self.suggest)
        row.addWidget(self.button)
        row.addStretch(1)
        box.addLayout(row)
        self.note = QLabel("")
        self.note.setObjectName("Small")
        self.note.setWordWrap(True)
        self.note.hide()
        box.addWidget(self.note)
        self.chips = QWidget()
        self.flow = FlowLayout(self.chips)
        box.addWidget(self.chips)
        self.buttons: list[QPushButton] = []

    def suggest(self) -> list[str]:
        sentence, role, number = self.source()
        for button in self.buttons:
            button.deleteLater()
        self.buttons = []
        have = {p.lower() for p in self.field.value()}
        found = [p for p in suggest_key_phrases(sentence, role, number) if p.lower() not in have]
        if not sentence.strip():
            self.note.setText("Write the sentence you plan to say first; the suggestions come from it.")
        elif not found:
            self.note.setText("Nothing more to suggest: your list already has the number, the role and the main "
                              "words of the sentence.")
        else:
            self.note.setText("Click one to add it. Keep 2–4 short phrases you are sure to say.")
        self.note.show()
        for phrase in found:
            button = QPushButton(f"+ {phrase}")
            button.setAccessibleName(f"Add key phrase {phrase}")
            button.clicked.connect(lambda _=False, p=phrase, b=button: self.add(p, b))
            self.flow.addWidget(button)
            self.buttons.append(button)
        return found

    def add(self, phrase: str, button: QPushButton | None = None) -> None:
        phrases = self.field.value()
        if phrase not in phrases:
            self.field.set_text("\n".join(phrases + [phrase]))
        if button is not None:
            button.hide()


class TryBox(QWidget):
    """Type (or say) a sentence and see each key phrase of this part ✓ or ✗, with why."""

    listen_requested = Signal(object)  # this box: the editor listens and calls heard()/listen_failed()

    def __init__(self, phrases: Callable[[], list[str]], can_listen: bool = False, parent: QWidget | None = None):
        super().__init__(parent)
        self.phrases = phrases
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 6, 0, 0)
        box.setSpacing(6)
        title = QLabel("Try it")
        title.setObjectName("FieldLabel")
        box.addWidget(title)
        row = QHBoxLayout()
        self.text = QLineEdit()
        self.text.setPlaceholderText("Type a sentence as you would say it, and see which key phrases land")
        self.text.setAccessibleName("Try a sentence")
        self.text.textEdited.connect(self._typed)
        row.addWidget(self.text, 1)
        self.say = QPushButton("Say it")
        self.say.setToolTip("Say a sentence into the microphone; the recognizer writes what it heard here")
        self.say.setCheckable(True)
        self.say.clicked.connect(self._say)
        self.say.setVisible(can_listen)
        row.addWidget(self.say)
        box.addLayout(row)
        self.results = QLabel("")
        self.results.setWordWrap(True)
        self.results.setTextFormat(Qt.TextFormat.RichText)
        self.results.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        box.addWidget(self.results)
        self.checks = []
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(120)
        self._debounce.timeout.connect(self.refresh)

    def _typed(self, text: str) -> None:
        cleaned = plain_chars(text)
        if cleaned != text:
            self.text.setText(cleaned)
        self._debounce.start()

    def set_sentence(self, text: str) -> None:
        self.text.setText(text)
        self.text.setCursorPosition(0)
        self.refresh()

    def refresh(self) -> None:
        phrases = self.phrases()
        text = self.text.text()
        if not phrases:
            self.checks = []
            self.results.setText("<i>Add key phrases above to try them.</i>")
            return
        if not text.strip():
            self.checks = []
            self.results.setText("")
            return
        self.checks = try_phrases(text, phrases)
        lines = []
        for check in self.checks:
            color = HIT.darker(120).name() if check.ok else FLAG.darker(110).name()
            lines.append(f"<span style='color:{color}; font-weight:600'>{check.mark}</span> "
                         f"<b>{html.escape(check.phrase)}</b> — {html.escape(check.why)}")
        self.results.setText("<br>".join(lines))

    # ---- saying it ---------------------------------------------------------------------------------------------
    def _say(self, checked: bool) -> None:
        self.say.setText("Stop" if checked else "Say it")
        self.listen_requested.emit(self)

    def heard(self, text: str) -> None:
        self.say.setChecked(False)
        self.say.setText("Say it")
        self.set_sentence(text)

    def listen_failed(self, why: str) -> None:
        self.say.setChecked(False)
        self.say.setText("Say it")
        self.results.setText(html.escape(f"Could not listen: {why}"))
