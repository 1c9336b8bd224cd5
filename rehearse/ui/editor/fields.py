"""The editor's form fields: a label, the input, a hint, and the problem with this field right under it.

Every field edits one path of the scenario (``who.name``, ``pitch.evidence.items[0].key_phrases``). What is typed or
pasted is made plain as it arrives (curly quotes, non-breaking spaces, smart dashes), so a pasted sentence never
turns into an error.
"""

from __future__ import annotations

import re

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QComboBox, QLabel, QLineEdit, QPlainTextEdit, QVBoxLayout, QWidget

from rehearse.core.pasted import clean_lines, clean_text, plain_chars
from rehearse.ui.style import FLAG, MISS

FIELD_STYLE = f"""
QLabel#FieldLabel {{ font-weight: 600; }}
QLabel#Small {{ color: palette(placeholder-text); }}
QLabel#FieldError {{ color: {FLAG.darker(115).name()}; }}
QLabel#FieldWarning {{ color: {MISS.darker(125).name()}; }}
QLineEdit[problem="error"], QPlainTextEdit[problem="error"], QComboBox[problem="error"] {{
    border: 2px solid {FLAG.name()}; border-radius: 4px;
}}
"""


class PlainTextBox(QPlainTextEdit):
    """A multi-line box whose pasted text is made plain."""

    def insertFromMimeData(self, source) -> None:  # noqa: N802 - Qt API
        if source.hasText():
            self.insertPlainText(plain_chars(source.text()))
        else:
            super().insertFromMimeData(source)


SECONDS = re.compile(r"^\s*(?:(\d+):([0-5]\d)|(\d+(?:[.,]\d+)?)\s*(?:s|sec|secs|seconds?)?)\s*$", re.IGNORECASE)


def parse_seconds(text: str):
    """What was typed in a seconds field: a number of seconds (``45``, ``45 s``, ``1:30``, ``7.5``), None when
    empty (the default applies), or the text itself when it is no number (the validator says so under the field)."""
    text = clean_text(text)
    if not text:
        return None
    found = SECONDS.match(text)
    if not found:
        return text
    if found.group(1) is not None:
        value = int(found.group(1)) * 60 + int(found.group(2))
    else:
        value = float(found.group(3).replace(",", "."))
    return int(value) if float(value).is_integer() else value


def seconds_text(value) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return "" if value is None else str(value)
    return f"{value:g}"


class Field(QWidget):
    """One form field. ``kind``: "line" (one line of text), "text" (a sentence or two), "lines" (a list, one entry
    a line), "seconds" (a length in seconds; empty for the default) or "choice" (one of ``choices``)."""

    edited = Signal(str, object)  # path, the new value

    def __init__(self, path: str, title: str, kind: str = "line", hint: str = "", placeholder: str = "",
                 choices: tuple[str, ...] = (), parent: QWidget | None = None):
        super().__init__(parent)
        self.path, self.kind = path, kind
        self._quiet = False
        self.touched = False  # edited by the user: "fill this in" shows as a problem, not only as a to-do
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(3)
        self.title = QLabel(title)
        self.title.setObjectName("FieldLabel")
        box.addWidget(self.title)
        if kind == "choice":
            self.input = QComboBox()
            for choice in choices:
                self.input.addItem(choice.capitalize(), choice)
            self.input.currentIndexChanged.connect(self._changed)
        elif kind in ("line", "seconds"):
            self.input = QLineEdit()
            self.input.setPlaceholderText(placeholder)
            self.input.textEdited.connect(self._typed)
            if kind == "seconds":
                self.input.setMaximumWidth(QFontMetrics(self.input.font()).horizontalAdvance("0" * 28))
        else:
            self.input = PlainTextBox()
            self.input.setPlaceholderText(placeholder)
            self.input.setTabChangesFocus(True)
            rows = 3 if kind == "lines" else 2
            height = QFontMetrics(self.input.font()).lineSpacing() * rows + 16
            self.input.setFixedHeight(height)
            self.input.textChanged.connect(self._changed)
        self.input.setAccessibleName(title)
        self.title.setBuddy(self.input)
        box.addWidget(self.input)
        self.hint = QLabel(hint)
        self.hint.setObjectName("Small")
        self.hint.setWordWrap(True)
        self.hint.setVisible(bool(hint))
        box.addWidget(self.hint)
        self.problem = QLabel("")
        self.problem.setObjectName("FieldError")
        self.problem.setTextFormat(Qt.TextFormat.PlainText)  # "<your first name>" is not a tag
        self.problem.setWordWrap(True)
        self.problem.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problem.hide()
        box.addWidget(self.problem)

    # ---- value -------------------------------------------------------------------------------------------------
    def value(self):
        if self.kind == "choice":
            return self.input.currentData()
        if self.kind == "line":
            return clean_text(self.input.text())
        if self.kind == "seconds":
            return parse_seconds(self.input.text())
        if self.kind == "lines":
            return clean_lines(self.input.toPlainText())
        return clean_text(self.input.toPlainText())

    def set_value(self, value) -> None:
        """Show ``value`` without it counting as an edit."""
        self._quiet = True
        try:
            if self.kind == "choice":
                index = self.input.findData(value)
                if index < 0 and value:
                    self.input.addItem(str(value), value)
                    index = self.input.count() - 1
                self.input.setCurrentIndex(max(index, 0))
            elif self.kind in ("line", "seconds"):
                self.input.setText(seconds_text(value) if self.kind == "seconds" else "" if value is None
                                   else str(value))
                self.input.setCursorPosition(0)
            elif self.kind == "lines":
                self.input.setPlainText("\n".join(value or []))
            else:
                self.input.setPlainText("" if value is None else str(value))
        finally:
            self._quiet = False

    def set_text(self, text: str) -> None:
        """Type ``text`` into the field as the user would (tests, the guided start)."""
        if self.kind in ("line", "seconds"):
            self.input.setText(text)
            self._typed(text)
        elif self.kind == "choice":
            self.input.setCurrentIndex(max(self.input.findData(text), 0))
        else:
            self.input.setPlainText(text)

    def _typed(self, text: str) -> None:
        cleaned = plain_chars(text)
        if cleaned != text:  # pasted typography: replace it where it stands
            pos = self.input.cursorPosition() + len(cleaned) - len(text)
            self.input.setText(cleaned)
            self.input.setCursorPosition(max(pos, 0))
        self._changed()

    def _changed(self, *_args) -> None:
        if not self._quiet:
            self.touched = True
            self.edited.emit(self.path, self.value())

    # ---- problems ----------------------------------------------------------------------------------------------
    def show_problem(self, text: str, kind: str = "error") -> None:
        self.problem.setText(text)
        self.problem.setVisible(bool(text))
        name = {"warning": "FieldWarning", "todo": "Small"}.get(kind, "FieldError")
        if self.problem.objectName() != name:
            self.problem.setObjectName(name)
            self.problem.setStyleSheet("/* */")
            self.problem.setStyleSheet("")
        state = "error" if text and kind == "error" else ""
        if self.input.property("problem") != state:
            self.input.setProperty("problem", state)
            self.input.style().unpolish(self.input)
            self.input.style().polish(self.input)
