"""A stored run, reopened: the conversation in order, every answer with its feedback as the live view showed it,
and playback that follows the words.

Each answer is shown with the live view's own :class:`FeedbackPanel` (one place for titles, marking and flag
quoting); its transcript is re-rendered with every word a link (click: play from that word) and the word being
heard highlighted. Manager lines play in the manager's voice (synthesised, cached). Export (Markdown, HTML, PDF) and
the follow-up email draft (with Copy) are one click away.
"""

from __future__ import annotations

import html
import logging
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence, QPalette, QShortcut
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFileDialog, QFrame, QHBoxLayout, QLineEdit,
                               QPlainTextEdit, QPushButton, QScrollArea, QVBoxLayout, QWidget)

from rehearse.errors import UserError
from rehearse.report.timed_words import timed_words, word_at
from rehearse.report import marks
from rehearse.report.export import answer_title, run_facts
from rehearse.ui.feedback_panel import FeedbackPanel, card_layout, highlighted_transcript, label
from rehearse.ui.playback import PlaybackBar
from rehearse.ui.threads import Job, start_job
from rehearse.ui.widgets import Banner

log = logging.getLogger(__name__)
EXPORT_FILTERS = "PDF (*.pdf);;Web page (*.html);;Markdown (*.md)"
SUFFIX_FORMATS = {".md": "md", ".markdown": "md", ".html": "html", ".htm": "html", ".pdf": "pdf"}


class SynthJob(Job):
    """The manager's line as a WAV (from the voice cache when it is there)."""

    def __init__(self, speaker, text: str):
        super().__init__()
        self.speaker, self.text = speaker, text

    def work(self):
        return self.speaker.synthesize(self.text)


def scenario_of(run: dict, current=None):
    """The run's scenario for names (the one open in the window when it is the same file), or None."""
    path = str(run.get("scenario_path") or "")
    if current is not None and path and str(getattr(current, "path", "")) == path:
        return current
    if not path or not Path(path).is_file():
        return None
    try:
        from rehearse.core.loader import load_scenario

        return load_scenario(path)
    except (UserError, OSError, ValueError):
        return None


class AnswerBlock(QFrame):
    """One answer: its title, a play button, and the feedback panel with a clickable transcript."""

    play_requested = Signal(int, float)  # turn index, from second

    def __init__(self, turn: dict, parent: QWidget | None = None):
        super().__init__(parent)
        self.turn = turn
        self.text = marks.turn_text(turn).strip()
        self.words = timed_words(self.text, turn.get("transcript"))
        self.current: int | None = None
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(6)
        head = QHBoxLayout()
        self.title = label(answer_title(turn), "Heading")
        head.addWidget(self.title, 1)
        self.play = QPushButton("▶  Play answer")
        has_audio = bool(turn.get("audio_exists"))
        self.play.setEnabled(has_audio)
        self.play.setToolTip("Play your recorded answer; click any word to play from there" if has_audio else
                             "No recording: this answer was typed, or its recording is missing")
        self.play.clicked.connect(lambda: self.play_requested.emit(turn["index"], 0.0))
        head.addWidget(self.play)
        box.addLayout(head)
        self.panel = FeedbackPanel()
        self.panel.show_feedback(marks.shown_feedback(turn), self.text)
        self.panel.transcript.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.panel.transcript.linkActivated.connect(self._clicked)
        self.render()
        box.addWidget(self.panel)

    def render(self) -> None:
        if not self.text:
            return
        colour = self.palette().color(QPalette.ColorRole.WindowText).name()
        timed = bool(self.turn.get("audio_exists")) and any(w.start is not None for w in self.words)
        self.panel.transcript.setText(highlighted_transcript(
            self.text, marks.feedback_of(self.turn), links=timed, current=self.current, text_colour=colour))

    def show_position(self, seconds: float | None) -> None:
        current = None if seconds is None else word_at(self.words, seconds)
        if current != self.current:
            self.current = current
            self.render()

    def _clicked(self, href: str) -> None:
        if href.startswith("w:"):
            index = int(href[2:])
            start = self.words[index].start if 0 <= index < len(self.words) else None
            if start is not None:
                self.play_requested.emit(self.turn["index"], start)


class ManagerBlock(QFrame):
    play_requested = Signal(int, float)

    def __init__(self, turn: dict, name: str, can_play: bool, parent: QWidget | None = None):
        super().__init__(parent)
        box = card_layout(self, spacing=6)
        head = QHBoxLayout()
        head.addWidget(label(name, "Heading", wrap=False))
        head.addStretch(1)
        self.play = QPushButton("▶  Play line")
        self.play.setEnabled(can_play)
        self.play.setToolTip("Hear the line in the manager's voice" if can_play else
                             "The manager's voice is not available")
        self.play.clicked.connect(lambda: self.play_requested.emit(turn["index"], 0.0))
        head.addWidget(self.play)
        box.addLayout(head)
        box.addWidget(label(turn.get("text") or "", "ManagerLine"))


class EmailDialog(QDialog):
    """The follow-up email draft, editable, with Copy."""

    def __init__(self, draft: dict, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Follow-up email")
        self.resize(720, 640)
        box = QVBoxLayout(self)
        box.addWidget(label("Send it within 24 hours, so your manager can forward it. Fill in the blanks first.",
                            "Muted"))
        self.subject = QLineEdit(draft["subject"])
        self.subject.setAccessibleName("Subject")
        box.addWidget(self.subject)
        self.body = QPlainTextEdit(draft["body"])
        self.body.setAccessibleName("Email text")
        box.addWidget(self.body, 1)
        if draft.get("blanks"):
            items = "".join(f"<li><b>{html.escape(b['blank'])}</b>: {html.escape(b['why'])}</li>"
                            for b in draft["blanks"])
            blanks = label(f"Before sending, fill in:<ul style='margin-top:2px'>{items}</ul>")
            blanks.setTextFormat(Qt.TextFormat.RichText)
            box.addWidget(blanks)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = buttons.addButton("&Copy", QDialogButtonBox.ButtonRole.ActionRole)
        self.copy_button.clicked.connect(self.copy)
        buttons.rejected.connect(self.reject)
        box.addWidget(buttons)

    def text(self) -> str:
        return f"Subject: {self.subject.text()}\n\n{self.body.toPlainText()}"

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.text())
        self.copy_button.setText("Copied ✓")


class RunReview(QWidget):
    back = Signal()
    compare_requested = Signal(str, str)  # scenario path, expects

    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.run: dict | None = None
        self.blocks: dict[int, AnswerBlock] = {}
        self.synth_job: SynthJob | None = None
        self.current_scenario = None  # the scenario open in the window (names for the email)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(28, 16, 28, 12)
        outer.setSpacing(10)
        top = QHBoxLayout()
        self.back_button = QPushButton("← &History")
        self.back_button.clicked.connect(self._back)
        top.addWidget(self.back_button)
        self.heading = label("", "Heading")
        top.addWidget(self.heading, 1)
        self.export_button = QPushButton("&Export…")
        self.export_button.setToolTip("Save this run as PDF, a web page or Markdown")
        self.export_button.clicked.connect(self.choose_export)
        self.email_button = QPushButton("Follow-up &email…")
        self.email_button.clicked.connect(self.open_email)
        top.addWidget(self.export_button)
        top.addWidget(self.email_button)
        outer.addLayout(top)
        self.facts = label("", "Muted")
        outer.addWidget(self.facts)
        self.message = Banner()
        outer.addWidget(self.message)
        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        outer.addWidget(self.scroll, 1)
        self.player = PlaybackBar(device=getattr(ctx, "output_device", None))
        self.player.position_changed.connect(self._position)
        self.player.failed.connect(lambda text: self.message.show_message(text, "warning"))
        outer.addWidget(self.player)
        shortcut = QShortcut(QKeySequence("Ctrl+P"), self)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(self.player.toggle)
        self.email_dialog: EmailDialog | None = None

    # ---- showing a run -----------------------------------------------------------------------------------------------
    def show_run(self, run: dict) -> None:
        self.player.unload()  # another run's recording never stays in the player (its turn indexes are the same)
        self.run = run
        self.blocks = {}
        self.message.show_message("")
        when = run_facts(run)[0][1]
        self.heading.setText(f"Run {run['run_id']} · {run.get('scenario') or ''}")
        facts = [when, marks.mode_label(run.get("mode"))]
        if run.get("score") is not None:
            facts.append(f"score {round(run['score'])}")
        facts += [marks.outcome_label(run.get("outcome")), str(run.get("status") or "")]
        self.facts.setText("  ·  ".join(f for f in facts if f))
        body = QWidget()
        column = QVBoxLayout(body)
        column.setContentsMargins(0, 4, 8, 12)
        column.setSpacing(14)
        manager = "Your manager"
        scenario = scenario_of(run, self.current_scenario)
        if scenario is not None and scenario.who.manager:
            manager = scenario.who.manager
        can_speak = bool(getattr(self.ctx, "voice_enabled", False))
        for turn in run.get("turns") or []:
            if turn.get("role") == "manager":
                block = ManagerBlock(turn, manager, can_speak)
            else:
                block = AnswerBlock(turn)
                self.blocks[turn["index"]] = block
            block.play_requested.connect(self.play_turn)
            column.addWidget(block)
        partial = [r for r in run.get("recordings") or [] if not r.get("in_turn")]
        for rec in partial:
            column.addWidget(label(f"An answer was being recorded when the run stopped "
                                   f"({rec.get('duration') or 0:.0f} s, turn {rec['turn_index']}): {rec['path']}",
                                   "Muted"))
        if not run.get("turns"):
            column.addWidget(label("This run has no turns: it stopped before the first line.", "Muted"))
        column.addStretch(1)
        self.scroll.setWidget(body)
        self.scroll.verticalScrollBar().setValue(0)

    def turn(self, index: int) -> dict | None:
        for turn in (self.run or {}).get("turns") or []:
            if turn["index"] == index:
                return turn
        return None

    # ---- playback ----------------------------------------------------------------------------------------------------
    def play_turn(self, index: int, start: float = 0.0) -> None:
        turn = self.turn(index)
        if turn is None:
            return
        if turn["role"] == "manager":
            self._play_line(turn)
            return
        if not turn.get("audio_exists"):
            self.message.show_message("This answer has no recording (typed, or the file is missing).", "warning")
            return
        self.player.set_device(getattr(self.ctx, "output_device", None))  # where the manager's voice goes now
        if self.player.key != index or self.player.player.path is None:
            if not self.player.load(turn["audio"], answer_title(turn), key=index):
                return
        self.message.show_message("")
        block = self.blocks.get(index)
        if block is not None:  # the words to follow in view
            self.scroll.ensureWidgetVisible(block.panel.transcript, 0, 120)
        self.player.play_from(start)

    def _play_line(self, turn: dict) -> None:
        try:
            speaker = self.ctx.speaker()
        except Exception as err:  # noqa: BLE001 - no voice here
            self.message.show_message(f"The manager's voice is not available ({err}).", "warning")
            return
        if self.synth_job is not None:
            self.synth_job.cancel()
        job = SynthJob(speaker, turn.get("text") or "")
        key = ("manager", turn["index"])

        def ready(path):
            self.player.set_device(getattr(self.ctx, "output_device", None))
            if self.synth_job is job and self.player.load(path, "The manager's line", key=key):
                self.player.play_from(0.0)

        job.done.connect(ready)
        job.failed.connect(lambda err: self.message.show_message(
            f"The manager's voice is not available ({err}).", "warning"))
        self.synth_job = job
        start_job(job, "rehearse-review-synth")

    def _position(self, seconds: float) -> None:
        for index, block in self.blocks.items():
            block.show_position(seconds if self.player.key == index else None)

    def stop(self) -> None:
        self.player.stop()

    def shutdown(self) -> None:
        if self.synth_job is not None:
            self.synth_job.cancel()
        self.player.close_player()

    def _back(self) -> None:
        self.stop()
        self.back.emit()

    # ---- taking it to the meeting ------------------------------------------------------------------------------------
    def choose_export(self) -> None:
        if self.run is None:
            return
        name = f"rehearsal-{self.run['run_id']}.pdf"
        path, _ = QFileDialog.getSaveFileName(self, "Export this run", str(Path.home() / name), EXPORT_FILTERS)
        if path:
            self.export_to(path)

    def export_to(self, path) -> Path | None:
        """Write the run to ``path`` (format from the extension; PDF when there is none). None on failure."""
        from rehearse.report.export import export_run

        path = Path(path)
        fmt = SUFFIX_FORMATS.get(path.suffix.lower())
        if fmt is None:
            path, fmt = path.with_suffix(path.suffix + ".pdf") if path.suffix else path.with_suffix(".pdf"), "pdf"
        try:
            export_run(self.run, fmt, path, force=True)  # the save dialog asked before replacing a file
        except UserError as err:
            self.message.show_message(str(err), "error")
            return None
        self.message.show_message(f"Saved {path}")
        return path

    def open_email(self) -> EmailDialog | None:
        from rehearse.report.email import draft_email

        if self.run is None:
            return None
        draft = draft_email(self.run, scenario_of(self.run, self.current_scenario))
        self.email_dialog = EmailDialog(draft, self)
        self.email_dialog.open()
        return self.email_dialog
