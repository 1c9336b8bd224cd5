"""Small presenting widgets: the manager's card, the end-of-run summary, banners, a narrow combo box."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from rehearse.ui.feedback_panel import card_layout, label


def compact(combo: QComboBox, chars: int) -> None:
    """Let a combo box be narrower than its longest entry (the window keeps a small minimum width)."""
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(chars)


class Banner(QLabel):
    """A one-line message strip; ``kind`` is "info", "warning" or "error" (styled via object names)."""

    NAMES = {"info": "Banner", "warning": "Warning", "error": "Error"}

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.hide()

    def show_message(self, text: str, kind: str = "info") -> None:
        self.setText(text)
        self.setVisible(bool(text))
        if self.objectName() != self.NAMES[kind]:
            self.setObjectName(self.NAMES[kind])
            self.setStyleSheet("/* */")  # re-resolve the style for the new name, padding included
            self.setStyleSheet("")
        self.updateGeometry()


class ManagerCard(QFrame):
    """Who is speaking and what they said, with a replay button."""

    replay_clicked = Signal()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        box = card_layout(self, spacing=8)
        head = QHBoxLayout()
        self.name = label("", "Heading", wrap=False)
        self.persona = label("", "Muted", wrap=False)
        head.addWidget(self.name)
        head.addWidget(self.persona)
        head.addStretch(1)
        self.replay = QPushButton("Replay")
        self.replay.setToolTip("Hear the line again (Ctrl+R)")
        self.replay.clicked.connect(self.replay_clicked)
        head.addWidget(self.replay)
        box.addLayout(head)
        self.line = label("", "ManagerLine")
        box.addWidget(self.line)
        self.hint = label("", "Muted")
        box.addWidget(self.hint)
        self.show_line("", "", "Press Start when you are ready. Take a breath — this is practice.")

    def show_line(self, name: str, persona: str, text: str, hint: str = "", can_replay: bool = False) -> None:
        self.name.setText(name)
        self.persona.setText(persona)
        self.line.setText(text)
        self.hint.setText(f"Hint: {hint}" if hint else "")
        self.hint.setVisible(bool(hint))
        self.replay.setEnabled(can_replay)
        self.replay.setVisible(bool(name))  # nothing to replay before the first line


OUTCOMES = {
    "yes": "Your manager said yes.",
    "not_yet": "Your manager said: not yet.",
    "ambiguous": "Your manager did not decide yet.",
}


class SummaryPanel(QFrame):
    """The end of a run: the outcome, the overall score and the score of every answer."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        box = card_layout(self, spacing=8)
        box.addWidget(label("How it went", "Heading"))
        self.outcome = label("", "ManagerLine")
        box.addWidget(self.outcome)
        self.details = label()
        self.details.setTextFormat(Qt.TextFormat.RichText)
        box.addWidget(self.details)
        self.summary: dict | None = None

    def show_summary(self, summary: dict, answers: list[tuple[str, float | None]],
                     next_step: str | None = None) -> None:
        """``answers``: (what it answered, score) for every answer given, in order."""
        self.summary = summary
        self.outcome.setText(outcome_text(summary))
        parts = []
        if summary.get("score") is not None:
            parts.append(f"Average score <b>{round(summary['score'])}</b> of 100 over "
                         f"{len(answers)} answer{'s' if len(answers) != 1 else ''}.")
        if summary.get("practice"):
            parts.append("Words to practise: " + html.escape(", ".join(summary["practice"])) + ".")
        if next_step:
            parts.append(f"<p><b>Your next step:</b> {html.escape(next_step)}</p>")
        if answers:
            rows = "".join(f"<li>{html.escape(what)} — <b>{'–' if score is None else round(score)}</b></li>"
                           for what, score in answers)
            parts.append(f"<ul>{rows}</ul>")
        self.details.setText(" ".join(parts))


def outcome_text(summary: dict) -> str:
    outcome = summary.get("outcome")
    if outcome:
        return OUTCOMES.get(outcome, str(outcome))
    if summary.get("mode") == "drill":
        return "Drill done. The objections come back when they are due."
    if summary.get("mode") == "read":
        return "Reading done."
    return "The run ended before a decision."
