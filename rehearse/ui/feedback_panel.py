"""The feedback after one answer: score and its parts, key phrases as chips, flags on the words, the one tip."""

from __future__ import annotations

import html
from typing import Callable

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (QFrame, QGridLayout, QHBoxLayout, QLabel, QProgressBar, QVBoxLayout, QWidget)

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
    closest = phrase.get("closest") or {}
    heard = closest.get("text") if closest.get("similarity", 0) >= 75 else None
    if heard:
        return f"✗  {phrase.get('phrase', '')}  —  heard “{heard}”"
    return f"✗  {phrase.get('phrase', '')}"


QUIET = ("filler", "hedge")          # shown together on one line, marked amber in the answer
SKIPPED = ("near_miss",)             # the chips already say what was heard instead


def _whole(flag: dict, n_words: int) -> bool:
    start, end = flag.get("start_word"), flag.get("end_word")
    return start is None or n_words == 0 or (end if end is not None else start) - start + 1 > 0.6 * n_words


def _colour(flag: dict) -> str:
    if flag.get("kind") in QUIET:
        return rgba(MISS, 0.30)
    if flag.get("severity") == "good":
        return rgba(HIT, 0.25)
    return rgba(FLAG, 0.22)


CURRENT_WORD = ("#2463c9", "#ffffff")  # the word being heard: a strong blue with white letters, on light or dark


def said_phrase_words(phrases: list[dict] | None, n_words: int) -> set[int]:
    """Word indexes of the key phrases heard (not those said inside a denial: they earn nothing)."""
    out: set[int] = set()
    for phrase in phrases or []:
        if not isinstance(phrase, dict) or not phrase.get("hit") or phrase.get("negated"):
            continue
        start, end = phrase.get("start_word"), phrase.get("end_word")
        if isinstance(start, int):
            end = end if isinstance(end, int) and end >= start else start
            out.update(range(max(0, start), min(end, n_words - 1) + 1))
    return out


def highlighted_transcript(text: str, flags: list[dict], *, links: bool = False, current: int | None = None,
                           text_colour: str | None = None, phrases: list[dict] | None = None) -> str:
    """The answer as rich text with flagged spans marked (word indexes into text.split()); flags that cover most
    of the answer (length, pace) are not marked. ``links``: every word is a link ``w:INDEX`` (click to play from
    there), coloured ``text_colour`` (the palette's text) and not underlined; ``current``: that word is shown as the
    one being heard; ``phrases``: the feedback's key phrases — those heard are in bold."""
    words = text.split()
    said = said_phrase_words(phrases, len(words))
    marks: dict[int, tuple[str, str]] = {}
    for flag in flags:
        if flag.get("kind") in SKIPPED or _whole(flag, len(words)):
            continue
        start = flag["start_word"]
        end = start if flag.get("end_word") is None else flag["end_word"]
        for i in range(start, min(end, len(words) - 1) + 1):
            marks.setdefault(i, (_colour(flag), flag.get("message") or flag.get("kind", "")))

    def word(i: int) -> str:
        out = html.escape(words[i])
        if i in said:
            out = f"<b>{out}</b>"
        if i == current:
            out = f'<span style="background:{CURRENT_WORD[0]}; color:{CURRENT_WORD[1]};">{out}</span>'
        if links:
            colour = f"color:{text_colour};" if text_colour else ""
            out = f'<a href="w:{i}" style="{colour} text-decoration:none;">{out}</a>'
        return out

    out, i = [], 0
    while i < len(words):
        if i not in marks:
            out.append(word(i))
            i += 1
            continue
        colour, message = marks[i]
        j = i
        while j + 1 < len(words) and marks.get(j + 1) == (colour, message):
            j += 1
        span = " ".join(word(k) for k in range(i, j + 1))
        out.append(f'<span style="background:{colour};" title="{html.escape(message)}">{span}</span>')
        i = j + 1
    return " ".join(out)


def quote(flag: dict, words: list[str]) -> str:
    quoted = flag.get("text")
    if not quoted and flag.get("start_word") is not None:
        start = flag["start_word"]
        quoted = " ".join(words[start:(flag.get("end_word") or start) + 1])
    if quoted and len(quoted) > 60:
        quoted = quoted[:57].rstrip() + "…"
    return quoted or ""


def flag_line(flag: dict, words: list[str]) -> str:
    message = html.escape(flag.get("message") or flag.get("kind", ""))
    quoted = quote(flag, words) if not _whole(flag, len(words)) else ""
    line = message + (f" — “{html.escape(quoted)}”" if quoted else "")
    if flag.get("start") is not None and quoted:
        line += f" <span style='color:palette(placeholder-text)'>at {flag['start']:.1f} s</span>"
    return line


def flags_html(flags: list[dict], words: list[str]) -> str:
    """What worked, what to work on, and the fillers and hedges on one line."""
    good = [f for f in flags if f.get("severity") == "good"]
    quiet = [f for f in flags if f.get("kind") in QUIET]
    work = [f for f in flags if f not in good and f not in quiet and f.get("kind") not in SKIPPED]
    work.sort(key=lambda f: {"problem": 0, "warning": 1}.get(f.get("severity"), 2))
    parts = []
    if work:
        parts.append("<b>To work on</b><ul style='margin-top:2px'>"
                     + "".join(f"<li>{flag_line(f, words)}</li>" for f in work) + "</ul>")
    if quiet:
        said = ", ".join(f"“{html.escape(quote(f, words))}”" for f in quiet[:12])
        parts.append(f"<p><b>Fillers and hedges</b>: {said}</p>")
    if good:
        parts.append("<b>What worked</b><ul style='margin-top:2px'>"
                     + "".join(f"<li>{flag_line(f, words)}</li>" for f in good) + "</ul>")
    return "".join(parts)


def elide(text: str, limit: int = 90) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip(" ,;") + "…"


class FeedbackPanel(QFrame):
    """Shows a feedback dict (see docs/architecture.md, core.feedback)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.feedback: dict | None = None
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

    def show_feedback(self, feedback: dict, transcript_text: str) -> None:
        """Fill the panel at once."""
        for step in self._steps(feedback, transcript_text):
            step()

    def show_feedback_staged(self, feedback: dict, transcript_text: str, then: Callable[[], None]) -> None:
        """Fill the panel a part per event-loop turn (each part is polished and laid out in its own turn, so the UI
        thread is never busy for long), then call ``then``."""
        steps = list(self._steps(feedback, transcript_text))

        def run_next():
            if steps:
                steps.pop(0)()
                QTimer.singleShot(0, run_next)
            else:
                then()

        run_next()

    def _steps(self, feedback: dict, transcript_text: str):
        yield lambda: self._fill_top(feedback)
        phrases = sorted(feedback.get("key_phrases", []), key=lambda p: not p.get("hit"))  # said ones first
        for start in range(0, len(phrases), 8):
            yield lambda part=phrases[start:start + 8]: self._add_chips(part)
        yield lambda: self._fill_rest(feedback, transcript_text)

    def _fill_top(self, feedback: dict) -> None:
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
            detail = label(f"{round(comp.get('score', 0))}  ·  {elide(str(comp.get('detail', '')))}", "Muted")
            detail.setToolTip(str(comp.get("detail", "")))
            self.components.addWidget(name, row, 0)
            self.components.addWidget(bar, row, 1)
            self.components.addWidget(detail, row, 2)
        self.components.setColumnStretch(1, 1)
        self.components.setColumnStretch(2, 2)
        self.chips_box.setVisible(bool(feedback.get("key_phrases")))

    def _add_chips(self, phrases: list[dict]) -> None:
        for phrase in phrases:
            text = chip_text(phrase)
            chip = QLabel(elide(text, 70))
            if len(text) > 70:
                chip.setToolTip(text)
            chip.setObjectName("ChipHit" if phrase.get("hit") else "ChipMiss")
            chip.setAccessibleName(("said: " if phrase.get("hit") else "missing: ") + phrase.get("phrase", ""))
            self.chips.addWidget(chip)

    def _fill_rest(self, feedback: dict, transcript_text: str) -> None:
        flags = feedback.get("flags", [])
        text = transcript_text.strip()
        self.transcript.setText(highlighted_transcript(text, flags, phrases=feedback.get("key_phrases"))
                                if text else "<i>(nothing was heard)</i>")
        self.flags.setText(flags_html(flags, text.split()))
        self.flags.setVisible(bool(self.flags.text()))
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
        return [self.chips.itemAt(i).widget().toolTip() or self.chips.itemAt(i).widget().text()
                for i in range(self.chips.count())]


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
