"""The feedback after one answer: score and its parts, key phrases as chips, flags on the words, the one tip.

The panel shows the typed feedback (:class:`~rehearse.core.feedback.Feedback`, or a
:class:`~rehearse.core.pronunciation.Reading` for a sentence read aloud) — as made by the session, or read back from the
history by :func:`rehearse.report.marks.feedback_of`."""

from __future__ import annotations

import html
from typing import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (QFrame, QGridLayout, QHBoxLayout, QLabel, QProgressBar, QVBoxLayout, QWidget)

from rehearse.core.analysers.denial import how_said
from rehearse.core.analysers.heard import Component, Flag
from rehearse.report import marks
from rehearse.report.marks import Stored
from rehearse.ui.flow_layout import FlowLayout
from rehearse.ui.style import FLAG, HIT, MISS, rgba


def label(text: str = "", name: str | None = None, wrap: bool = True) -> QLabel:
    widget = QLabel(text)
    if name:
        widget.setObjectName(name)
    widget.setWordWrap(wrap)
    widget.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return widget


def card_layout(frame: QFrame, spacing: int) -> QVBoxLayout:
    """Make ``frame`` one of the window's cards (styled as "Card") and give it the cards' padded column layout."""
    frame.setObjectName("Card")
    box = QVBoxLayout(frame)
    box.setContentsMargins(22, 18, 22, 18)
    box.setSpacing(spacing)
    return box


def chip_text(phrase: dict) -> str:
    if phrase.get("hit"):
        return f"✓  {phrase.get('phrase', '')}"
    denied = phrase.get("denied") or {}
    if denied:
        return (f"⊘  {phrase.get('phrase', '')}  —  said, but {how_said(denied)}: "
                f"“{denied.get('said') or denied.get('text')}”")
    own = phrase.get("own_words") or {}
    if own:
        return f"≈  {phrase.get('phrase', '')}  —  in your own words: “{own.get('text')}”"
    closest = phrase.get("closest") or {}
    heard = closest.get("text") if closest.get("similarity", 0) >= 75 else None
    if heard:
        return f"✗  {phrase.get('phrase', '')}  —  heard “{heard}”"
    return f"✗  {phrase.get('phrase', '')}"


QUIET = ("filler", "hedge")          # shown together on one line, marked amber in the answer
SKIPPED = ("near_miss",)             # not listed: the chips already say what was heard instead
MARK_COLOURS = (("filler", MISS, 0.30), ("hedge", MISS, 0.30), ("flag", FLAG, 0.22), ("hit", HIT, 0.25))
MARK_TITLES = {"hit": "key phrase", "filler": "filler", "hedge": "hedge", "flag": "worth a look"}


CURRENT_WORD = ("#2463c9", "#ffffff")  # the word being heard: a strong blue with white letters, on light or dark


def highlighted_transcript(text: str, feedback: Stored | None, *, links: bool = False, current: int | None = None,
                           text_colour: str | None = None) -> str:
    """The answer as rich text with its words marked as in the exports (see :mod:`rehearse.report.marks`).

    For playback: ``links`` makes every word a link ``w:INDEX`` (index into ``text.split()``; click to play from
    there), coloured ``text_colour`` (the palette's text) and not underlined; ``current`` shows that word as the
    one being heard."""
    out = []
    index = 0
    for seg in marks.segments_of(text, feedback):
        pieces = []
        for word in seg.text.split():
            piece = html.escape(word)
            if index == current:
                piece = f'<span style="background:{CURRENT_WORD[0]}; color:{CURRENT_WORD[1]};">{piece}</span>'
            if links:
                colour = f"color:{text_colour};" if text_colour else ""
                piece = f'<a href="w:{index}" style="{colour} text-decoration:none;">{piece}</a>'
            pieces.append(piece)
            index += 1
        span = " ".join(pieces)
        colour = next((rgba(c, a) for kind, c, a in MARK_COLOURS if kind in seg.marks), None)
        if colour is None:
            out.append(span)
            continue
        title = "; ".join(seg.notes) or ", ".join(MARK_TITLES[k] for k in marks.MARK_KINDS if k in seg.marks)
        out.append(f'<span style="background:{colour};" title="{html.escape(title)}">{span}</span>')
    return " ".join(out)


def flag_line(flag: Flag, words: list[str]) -> str:
    message = html.escape(flag.message or flag.kind)
    quoted = marks.quote(flag, words)
    line = message + (f" — “{html.escape(quoted)}”" if quoted else "")
    if flag.start is not None and quoted:
        line += f" <span style='color:palette(placeholder-text)'>at {flag.start:.1f} s</span>"
    return line


def flags_html(flags: list[Flag], words: list[str]) -> str:
    """What worked, what to work on, and the fillers and hedges on one line."""
    good = [f for f in flags if f.severity == "good"]
    quiet = [f for f in flags if f.kind in QUIET]
    work = [f for f in flags if f not in good and f not in quiet and f.kind not in SKIPPED]
    work.sort(key=lambda f: {"problem": 0, "warning": 1}.get(f.severity, 2))
    parts = []
    if work:
        parts.append("<b>To work on</b><ul style='margin-top:2px'>"
                     + "".join(f"<li>{flag_line(f, words)}</li>" for f in work) + "</ul>")
    if quiet:
        said = ", ".join(f"“{html.escape(marks.quote(f, words))}”" for f in quiet[:12])
        parts.append(f"<p><b>Fillers and hedges</b>: {said}</p>")
    if good:
        parts.append("<b>What worked</b><ul style='margin-top:2px'>"
                     + "".join(f"<li>{flag_line(f, words)}</li>" for f in good) + "</ul>")
    return "".join(parts)


def elide(text: str, limit: int = 90) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip(" ,;") + "…"


class FeedbackPanel(QFrame):
    """Shows one answer's typed feedback (see docs/architecture.md, core.feedback)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.feedback: Stored | None = None
        outer = card_layout(self, spacing=12)

        top = QHBoxLayout()
        top.setSpacing(24)
        score_box = QVBoxLayout()
        self.score = label("–", "Score", wrap=False)
        score_box.addWidget(label("Score", "Muted"))
        score_box.addWidget(self.score)
        score_box.addWidget(label("of 100", "Muted", wrap=False))
        score_box.addStretch(1)
        top.addLayout(score_box)
        self.components = QGridLayout()
        self.components.setHorizontalSpacing(12)
        self.components.setVerticalSpacing(6)
        top.addLayout(self.components, 1)
        outer.addLayout(top)
        self.tip = label("", "Tip")
        outer.addWidget(self.tip)

        outer.addWidget(label("Key phrases", "Heading"))
        self.chips_box = QWidget()
        self.chips = FlowLayout(self.chips_box)
        outer.addWidget(self.chips_box)

        outer.addWidget(label("What you said", "Heading"))
        self.transcript = label()
        self.transcript.setTextFormat(Qt.TextFormat.RichText)
        outer.addWidget(self.transcript)
        self.flags = label()
        self.flags.setTextFormat(Qt.TextFormat.RichText)
        outer.addWidget(self.flags)
        self.delivery = label("", "Muted")
        outer.addWidget(self.delivery)

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

    def show_feedback(self, feedback: Stored, transcript_text: str) -> None:
        """Fill the panel at once."""
        for step in self._steps(feedback, transcript_text):
            step()

    def show_feedback_staged(self, feedback: Stored, transcript_text: str, then: Callable[[], None]) -> None:
        """Fill the panel a part per event-loop turn (each part is polished and laid out in its own turn, so the UI
        thread is never busy for long), then call ``then``."""
        steps = list(self._steps(feedback, transcript_text))

        def run_next():
            if steps:
                steps.pop(0)()
                QTimer.singleShot(0, self, run_next)  # not after the panel is gone (window closed)
            else:
                then()

        run_next()

    def _steps(self, feedback: Stored, transcript_text: str):
        yield lambda: self._fill_top(feedback)
        phrases = sorted(marks.phrases_of(feedback), key=lambda p: not p.get("hit"))  # said ones first
        for start in range(0, len(phrases), 8):
            yield lambda part=phrases[start:start + 8]: self._add_chips(part)
        yield lambda: self._fill_rest(feedback, transcript_text)

    def _fill_top(self, feedback: Stored) -> None:
        self.clear()
        self.feedback = feedback
        self.score.setText(f"{round(feedback.score)}")
        comp: Component
        for row, comp in enumerate(getattr(feedback, "components", None) or []):  # a reading has none
            # what counted: a "nothing wrong found" score is scaled by the answer's content, and says so
            counted, why = round(comp.counted), comp.shown_detail()
            name = label(comp.name.replace("_", " ").capitalize(), wrap=False)
            bar = QProgressBar()
            bar.setRange(0, 100)
            bar.setValue(counted)
            bar.setFixedHeight(14)
            bar.setTextVisible(False)
            bar.setAccessibleName(f"{name.text()}: {counted} of 100" + (f" ({why})" if comp.scaled else ""))
            detail = label(f"{counted}  ·  {elide(why)}", "Muted")
            detail.setToolTip(why)
            self.components.addWidget(name, row, 0)
            self.components.addWidget(bar, row, 1)
            self.components.addWidget(detail, row, 2)
        self.components.setColumnStretch(1, 1)
        self.components.setColumnStretch(2, 2)
        self.chips_box.setVisible(bool(marks.phrases_of(feedback)))

    def _add_chips(self, phrases: list[dict]) -> None:
        for phrase in phrases:
            text = chip_text(phrase)
            chip = QLabel(elide(text, 70))
            chip.setWordWrap(True)  # one line, unless the panel is narrower than the chip (see FlowLayout)
            if len(text) > 70:
                chip.setToolTip(text)
            chip.setObjectName("ChipHit" if phrase.get("hit") or phrase.get("own_words") else "ChipMiss")
            state = ("said: " if phrase.get("hit") else f"said, but {how_said(phrase['denied'])}: " if phrase.get("denied")
                     else "in your own words: " if phrase.get("own_words") else "missing: ")
            chip.setAccessibleName(state + phrase.get("phrase", ""))
            self.chips.addWidget(chip)

    def _fill_rest(self, feedback: Stored, transcript_text: str) -> None:
        text = transcript_text.strip()
        self.transcript.setText(highlighted_transcript(text, feedback) if text else "<i>(nothing was heard)</i>")
        self.flags.setText(flags_html(marks.flags_of(feedback), text.split()))
        self.flags.setVisible(bool(self.flags.text()))
        self.delivery.setText("  ·  ".join(marks.delivery_parts(marks.delivery_of(feedback))))
        tip = feedback.tip
        self.tip.setText(f"<b>Next time:</b> {html.escape(tip)}" if tip else "")
        self.tip.setVisible(bool(tip))

    def _clear_components(self) -> None:
        while self.components.count():
            item = self.components.takeAt(0)
            if item.widget():
                item.widget().deleteLater()

    # ---- for tests and the tour ------------------------------------------------------------------------------------
    def chip_texts(self) -> list[str]:
        return [self.chips.itemAt(i).widget().toolTip() or self.chips.itemAt(i).widget().text()
                for i in range(self.chips.count())]

