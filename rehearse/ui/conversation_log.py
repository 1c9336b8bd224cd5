"""The conversation so far, above the manager's current line: every earlier line and answer of the running session,
so the user can scroll back to what they said and how it was judged. Each answer shows its score and opens to the
live view's own :class:`FeedbackPanel` (the same titles, marks and flag quotes as when it was first shown)."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from rehearse.report.marks import Stored
from rehearse.ui.feedback_panel import FeedbackPanel, card_layout, label


class Exchange(QFrame):
    """One earlier line and the answer to it: collapsed to a line each, the feedback one click away."""

    def __init__(self, speaker: str, line: str, title: str, feedback: Stored, text: str,
                 parent: QWidget | None = None):
        super().__init__(parent)
        box = card_layout(self, spacing=6)
        self.line = label(f"<b>{html.escape(speaker)}:</b> {html.escape(line)}")
        self.line.setTextFormat(Qt.TextFormat.RichText)
        self.line.setVisible(bool(line))
        box.addWidget(self.line)
        head = QHBoxLayout()
        self.summary = label(f"<b>You</b> ({html.escape(title)}) — score {round(feedback.score)}: "
                             f"{html.escape(_elide(text))}")
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        head.addWidget(self.summary, 1)
        self.toggle = QPushButton("Show feedback")
        self.toggle.setCheckable(True)
        self.toggle.toggled.connect(self._toggled)
        head.addWidget(self.toggle, 0, Qt.AlignmentFlag.AlignTop)
        box.addLayout(head)
        self.panel = FeedbackPanel()
        self.panel.show_feedback(feedback, text)
        self.panel.hide()
        box.addWidget(self.panel)

    def _toggled(self, on: bool) -> None:
        self.panel.setVisible(on)
        self.toggle.setText("Hide feedback" if on else "Show feedback")


def _elide(text: str, limit: int = 140) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1].rstrip(" ,;") + "…"


class ConversationLog(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.column = QVBoxLayout(self)
        self.column.setContentsMargins(0, 0, 0, 0)
        self.column.setSpacing(8)
        self.heading = label("Earlier in this run", "Heading")
        self.column.addWidget(self.heading)
        self.exchanges: list[Exchange] = []
        self.hide()

    def clear(self) -> None:
        for exchange in self.exchanges:
            exchange.setParent(None)
            exchange.deleteLater()
        self.exchanges = []
        self.hide()

    def add(self, speaker: str, line: str, title: str, feedback: Stored, text: str) -> Exchange:
        exchange = Exchange(speaker, line, title, feedback, text)
        self.column.addWidget(exchange)
        self.exchanges.append(exchange)
        self.show()
        return exchange
