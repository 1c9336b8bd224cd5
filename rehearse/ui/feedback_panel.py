"""The feedback after one answer: score and its parts, key phrases as chips, flags on the words, the one tip."""

from __future__ import annotations

import html

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QFrame, QGridLayout, QHBoxLayout, QLabel, QProgressBar, QVBoxLayout, QWidget)

from rehearse.ui.flow_layout import FlowLayout
from rehearse.ui.style import FLAG, rgba


def label(text: str = "", name: str | None = None, wrap: bool = True) -> QLabel:
    widget = QLabel(text)
    if name:
        widget.setObjectName(name)
    widget.setWordWrap(wrap)
    widget.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return widget


def chip_text(phrase: dict) -> str:
    if phrase.get("hit"):
        return f"✓  {phrase.get('phrase', '')}"
    heard = phrase.get("heard")
    if heard:
        return f"✗  {phrase.get('phrase', '')}  —  heard “{heard}”"
    return f"✗  {phrase.get('phrase', '')}"


def highlighted_transcript(text: str, flags: list[dict]) -> str:
    """The answer as rich text with every flagged span marked, using the flags' word indexes into text.split()."""
    words = text.split()
    marks: dict[int, str] = {}
    for flag in flags:
        start, end = flag.get("start_word"), flag.get("end_word")
        if start is None:
            continue
        end = start if end is None else end
        for i in range(start, min(end, len(words) - 1) + 1):
            marks.setdefault(i, flag.get("message", flag.get("kind", "")))
    out = []
    for i, word in enumerate(words):
        escaped = html.escape(word)
        if i in marks:
            escaped = (f'<span style="background:{rgba(FLAG, 0.22)}; text-decoration: underline;" '
                       f'title="{html.escape(marks[i])}">{escaped}</span>')
        out.append(escaped)
    return " ".join(out)


def flag_line(flag: dict, words: list[str]) -> str:
    quoted = flag.get("text")
    if not quoted and flag.get("start_word") is not None:
        start = flag["start_word"]
        end = flag.get("end_word", start)
        quoted = " ".join(words[start:end + 1])
    where = ""
    if flag.get("start") is not None:
        where = f"  (at {flag['start']:.1f} s)"
    message = flag.get("message") or flag.get("kind", "")
    return f"• {message}" + (f" — “{quoted}”" if quoted else "") + where


class FeedbackPanel(QFrame):
    """Shows a feedback dict (see docs/architecture.md, core.feedback)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("Card")
        self.feedback: dict | None = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(22, 18, 22, 18)
        outer.setSpacing(12)

        top = QHBoxLayout()
        top.setSpacing(24)
        score_box = QVBoxLayout()
        self.score = label("–", "Score", wrap=False)
        score_box.addWidget(label("Score", "Muted"))
        score_box.addWidget(self.score)
        score_box.addStretch(1)
        top.addLayout(score_box)
        self.components = QGridLayout()
        self.components.setHorizontalSpacing(12)
        self.components.setVerticalSpacing(6)
        top.addLayout(self.components, 1)
        outer.addLayout(top)

        outer.addWidget(label("Key phrases", "Heading"))
        self.chips_box = QWidget()
        self.chips = FlowLayout(self.chips_box)
        outer.addWidget(self.chips_box)

        outer.addWidget(label("What you said", "Heading"))
        self.transcript = label()
        self.transcript.setTextFormat(Qt.TextFormat.RichText)
        outer.addWidget(self.transcript)
        self.flags = label()
        outer.addWidget(self.flags)
        self.delivery = label("", "Muted")
        outer.addWidget(self.delivery)

        self.tip = label("", "Tip")
        outer.addWidget(self.tip)

    # ---- filling -------------------------------------------------------------------------------------------------
    def clear(self) -> None:
        self.feedback = None
        self.score.setText("–")
        self._clear_components()
        self.chips.clear()
        self.transcript.clear()
        self.flags.clear()
        self.delivery.clear()
        self.tip.clear()

    def show_feedback(self, feedback: dict, transcript_text: str) -> None:
        self.clear()
        self.feedback = feedback
        self.score.setText(f"{round(feedback.get('score', 0))}")
        for row, comp in enumerate(feedback.get("components", [])):
            name = label(str(comp.get("name", "")).replace("_", " ").capitalize(), wrap=False)
            bar = QProgressBar()
            bar.setRange(0, 100)
            bar.setValue(round(comp.get("score", 0)))
            bar.setFixedHeight(14)
            bar.setTextVisible(False)
            bar.setAccessibleName(f"{name.text()}: {round(comp.get('score', 0))} of 100")
            detail = label(f"{round(comp.get('score', 0))}  ·  {comp.get('detail', '')}", "Muted")
            self.components.addWidget(name, row, 0)
            self.components.addWidget(bar, row, 1)
            self.components.addWidget(detail, row, 2)
        self.components.setColumnStretch(1, 1)
        self.components.setColumnStretch(2, 2)

        for phrase in feedback.get("key_phrases", []):
            chip = QLabel(chip_text(phrase))
            chip.setObjectName("ChipHit" if phrase.get("hit") else "ChipMiss")
            chip.setAccessibleName(("said: " if phrase.get("hit") else "missing: ") + phrase.get("phrase", ""))
            self.chips.addWidget(chip)
        self.chips_box.setVisible(bool(feedback.get("key_phrases")))

        flags = feedback.get("flags", [])
        text = transcript_text.strip()
        self.transcript.setText(highlighted_transcript(text, flags) if text else "<i>(nothing was heard)</i>")
        words = text.split()
        self.flags.setText("\n".join(flag_line(f, words) for f in flags))
        self.flags.setVisible(bool(flags))
        self.delivery.setText(delivery_line(feedback.get("delivery") or {}))
        tip = feedback.get("tip")
        self.tip.setText(f"<b>Next time:</b> {html.escape(tip)}" if tip else "")
        self.tip.setVisible(bool(tip))

    def _clear_components(self) -> None:
        while self.components.count():
            item = self.components.takeAt(0)
            if item.widget():
                item.widget().deleteLater()

    # ---- for tests and the tour ------------------------------------------------------------------------------------
    def chip_texts(self) -> list[str]:
        return [self.chips.itemAt(i).widget().text() for i in range(self.chips.count())]


def delivery_line(delivery: dict) -> str:
    parts = []
    if delivery.get("duration") is not None:
        target = delivery.get("target_seconds")
        parts.append(f"{delivery['duration']:.0f} s" + (f" of {target:.0f} s" if target else ""))
    if delivery.get("wpm_speaking"):
        parts.append(f"{delivery['wpm_speaking']:.0f} words a minute")
    fillers = delivery.get("fillers")
    if isinstance(fillers, (list, dict)):
        fillers = len(fillers) if isinstance(fillers, list) else sum(fillers.values())
    if fillers:
        parts.append(f"{fillers} filler{'s' if fillers != 1 else ''}")
    hedges = delivery.get("hedges")
    if isinstance(hedges, (list, dict)):
        hedges = len(hedges) if isinstance(hedges, list) else sum(hedges.values())
    if hedges:
        parts.append(f"{hedges} hedge{'s' if hedges != 1 else ''}")
    return "  ·  ".join(parts)
