"""The scenario editor: build your case in forms, never in TOML.

A list of sections on the left (who you are, the four parts, the objections, the manager's lines) and one page at a
time on the right. Every change goes straight into the :class:`ScenarioDocument` (so the file keeps its comments and
order), and a moment later the validator's problems appear under their fields in plain words, with a count per
section. Saving writes the user's own file; the shipped example and template are saved as a copy in the user's
scenarios folder. In guided mode (the first run's "Make my own case") Back/Next walk the sections in order.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (QDialog, QFileDialog, QHBoxLayout, QLabel, QListWidget, QMessageBox, QPushButton,
                               QScrollArea, QStackedWidget, QVBoxLayout, QWidget)

from rehearse.core.scenario_doc import ScenarioDocument, copy_path, field_of, plain
from rehearse.paths import user_scenarios_dir
from rehearse.errors import UserError
from rehearse.ui.editor import pages
from rehearse.ui.editor.fields import FIELD_STYLE, Field
from rehearse.ui.editor.phrases import TryBox
from rehearse.ui.widgets import Banner

log = logging.getLogger(__name__)
VALIDATE_MS = 200
TODO = ("Please fill this in.", "Add at least one (one a line).", "Add at least one.")


class ScenarioEditor(QDialog):
    saved = Signal(str)  # the file written

    def __init__(self, doc: ScenarioDocument, ctx=None, guided: bool = False, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Scenario editor")
        self.setStyleSheet(FIELD_STYLE)
        self.resize(980, 760)
        self.doc, self.ctx, self.guided = doc, ctx, guided
        self.fields: dict[str, Field] = {}
        self.try_boxes: list[TryBox] = []
        self.errors, self.warnings = [], []
        self.listen_job = None
        self.manager_fold = None
        self.save_tried = False
        self.ask_unsaved = self._ask_unsaved  # tests replace it: () -> "save" | "discard" | "cancel"

        outer = QVBoxLayout(self)
        outer.setContentsMargins(20, 16, 20, 14)
        outer.setSpacing(10)
        self.heading = QLabel("Your case")
        self.heading.setObjectName("Title")
        outer.addWidget(self.heading)
        self.where = QLabel("")
        self.where.setObjectName("Muted")
        self.where.setWordWrap(True)
        self.where.setTextFormat(Qt.TextFormat.PlainText)
        outer.addWidget(self.where)
        self.notice = Banner()
        self.notice.setTextFormat(Qt.TextFormat.PlainText)
        outer.addWidget(self.notice)

        middle = QHBoxLayout()
        middle.setSpacing(16)
        self.nav = QListWidget()
        self.nav.setFixedWidth(230)
        self.nav.setAccessibleName("Sections")
        middle.addWidget(self.nav)
        self.stack = QStackedWidget()
        middle.addWidget(self.stack, 1)
        outer.addLayout(middle, 1)

        bottom = QHBoxLayout()
        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        bottom.addWidget(self.summary, 1)
        self.back_button = QPushButton("&Back")
        self.back_button.clicked.connect(lambda: self.go(self.nav.currentRow() - 1))
        self.next_button = QPushButton("&Next")
        self.next_button.clicked.connect(lambda: self.go(self.nav.currentRow() + 1))
        self.save_as_button = QPushButton("Save &as…")
        self.save_as_button.clicked.connect(self.save_as)
        self.save_button = QPushButton("&Save")
        self.save_button.setObjectName("Primary")
        self.save_button.setShortcut("Ctrl+S")
        self.save_button.clicked.connect(self.save)
        self.close_button = QPushButton("&Close")
        self.close_button.clicked.connect(self.close)
        for button in (self.back_button, self.next_button, self.save_as_button, self.save_button, self.close_button):
            button.setAutoDefault(False)
            bottom.addWidget(button)
        outer.addLayout(bottom)

        self.pages: dict[str, QWidget] = {}
        for index, (key, title, _hint) in enumerate(pages.SECTIONS):
            self.nav.addItem(title)
            scroll = QScrollArea()
            scroll.setWidgetResizable(True)
            scroll.setFrameShape(QScrollArea.Shape.NoFrame)
            self.stack.addWidget(scroll)
            self._build_page(key)
        self.nav.currentRowChanged.connect(self._section_changed)
        self._validate = QTimer(self)
        self._validate.setSingleShot(True)
        self._validate.setInterval(VALIDATE_MS)
        self._validate.timeout.connect(self.validate_now)
        self.nav.setCurrentRow(0)
        self._update_where()
        self.validate_now()

    # ---- building --------------------------------------------------------------------------------------------------
    def _build_page(self, key: str) -> None:
        index = [k for k, _t, _h in pages.SECTIONS].index(key)
        scroll: QScrollArea = self.stack.widget(index)
        old = scroll.widget()
        if old is not None:
            prefix = {"evidence": "pitch.evidence", "gaps": "pitch.gaps", "objections": "objections"}.get(key)
            for path in [p for p in self.fields if prefix and p.startswith(prefix)]:
                del self.fields[path]
            self.try_boxes = [b for b in self.try_boxes if not _inside(b, old)]
        body = QWidget()
        box = QVBoxLayout(body)
        box.setContentsMargins(4, 4, 12, 12)
        box.setSpacing(12)
        box.addWidget(pages.hint_label(pages.SECTIONS[index][2]))
        pages.build(self, key, box)
        box.addStretch(1)
        scroll.setWidget(body)
        self.pages[key] = body

    def field(self, path: str, title: str, kind: str = "line", **options) -> Field:
        field = Field(path, title, kind, **options)
        field.set_value(self.doc.get(path))
        field.edited.connect(self._edited)
        self.fields[path] = field
        return field

    def try_box(self, phrases) -> TryBox:
        box = TryBox(phrases, can_listen=self._can_listen())
        box.listen_requested.connect(self._listen)
        self.try_boxes.append(box)
        return box

    def value(self, path: str):
        return self.doc.get(path) or ("" if not path.endswith(("phrases", "wordings")) else [])

    # ---- editing ---------------------------------------------------------------------------------------------------
    def _edited(self, path: str, value) -> None:
        try:
            self.doc.set(path, value)
        except (KeyError, TypeError, ValueError) as err:
            log.warning("cannot set %s: %s", path, err)
            return
        self._update_where()
        for box in self.try_boxes:
            if box.text.text():
                box.refresh()
        self._validate.start()

    def add_item(self, list_path: str) -> None:
        self.doc.add_item(list_path)
        self._rebuild(list_path)

    def remove_item(self, list_path: str, index: int) -> None:
        self.doc.remove_item(list_path, index)
        self._rebuild(list_path)

    def move_item(self, list_path: str, index: int, to: int) -> None:
        self.doc.move_item(list_path, index, to)
        self._rebuild(list_path)

    def _rebuild(self, list_path: str) -> None:
        key = {"pitch.evidence.items": "evidence", "pitch.gaps.items": "gaps", "objections": "objections"}[list_path]
        self._build_page(key)
        self._update_where()
        self.validate_now()

    # ---- problems ----------------------------------------------------------------------------------------------
    def validate_now(self) -> None:
        self._validate.stop()
        self.errors, self.warnings = self.doc.problems()
        shown: dict[str, tuple[list[str], str]] = {}
        general: list[str] = []
        for problems, kind in ((self.errors, "error"), (self.warnings, "warning")):
            for problem in problems:
                path = self._owner(problem.path)
                if path is None:
                    general.append(f"{problem.path + ': ' if problem.path else ''}{plain(problem.message)}")
                    continue
                texts, worst = shown.get(path, ([], kind))
                texts.append(plain(problem.message))
                shown[path] = (texts, "error" if "error" in (worst, kind) else "warning")
        for path, field in self.fields.items():
            texts, kind = shown.get(path, ([], "error"))
            if kind == "error" and not field.touched and not self.save_tried and all(t in TODO for t in texts):
                kind = "todo"  # an untouched empty field: a to-do, not yet a mistake
            field.show_problem("\n".join(dict.fromkeys(texts)), kind)
        self.notice_general(general)
        counts: dict[str, int] = {}
        for problem in self.errors:
            counts[self._section_of(problem.path)] = counts.get(self._section_of(problem.path), 0) + 1
        for index, (key, title, _h) in enumerate(pages.SECTIONS):
            n = counts.get(key, 0)
            self.nav.item(index).setText(f"{title}  ·  {n} to fix" if n else title)
        if counts.get("manager") and self.manager_fold is not None and not self.manager_fold.isChecked():
            self.manager_fold.setChecked(True)
        n = len(self.errors)
        self.summary.setText("Ready to rehearse." if not n else
                             f"{n} thing{'s' if n != 1 else ''} to fix before you can rehearse with it.")

    def notice_general(self, lines: list[str]) -> None:
        if self.doc.shipped:
            lines = [f"This is the {'example' if 'example' in self.doc.path.name else 'template'} that comes with "
                     "Rehearse; it is never changed. Your version is saved as a copy in your scenarios folder."] + lines
        self.notice.show_message("\n".join(lines), "warning" if lines else "info")

    def _owner(self, path: str) -> str | None:
        """The registered field a problem at ``path`` belongs to (its list, its item's first field…)."""
        if not path:
            return None
        path = field_of(path)
        while path:
            if path in self.fields:
                return path
            if path.endswith("]"):
                path = path[: path.rindex("[")]
            elif "." in path:
                path = path.rsplit(".", 1)[0]
            else:
                return None
            first = next((p for p in self.fields if p.startswith(path + ".")), None)
            if first:
                return first
        return None

    @staticmethod
    def _section_of(path: str) -> str:
        for prefix, key in (("who", "who"), ("title", "who"), ("pitch.intent", "intent"),
                            ("pitch.evidence", "evidence"), ("pitch.gaps", "gaps"), ("pitch.ask", "ask"),
                            ("objections", "objections"), ("manager", "manager"), ("read_aloud", "read_aloud")):
            if path.startswith(prefix):
                return key
        return "who"

    def field_problem(self, path: str) -> str:
        """The problem text shown beside the field at ``path`` ("" when none)."""
        field = self.fields[path]
        return "" if field.problem.isHidden() else field.problem.text()

    # ---- moving around -----------------------------------------------------------------------------------------
    def go(self, row: int) -> None:
        if 0 <= row < self.nav.count():
            self.nav.setCurrentRow(row)

    def show_section(self, key: str) -> None:
        self.go([k for k, _t, _h in pages.SECTIONS].index(key))

    def _section_changed(self, row: int) -> None:
        self.stack.setCurrentIndex(row)
        last = self.nav.count() - 1
        self.back_button.setVisible(self.guided)
        self.next_button.setVisible(self.guided)
        self.back_button.setEnabled(row > 0)
        self.next_button.setEnabled(row < last)
        if self.guided:
            self.heading.setText(f"Step {row + 1} of {last + 1}: {pages.SECTIONS[row][1].split('· ')[-1]}")

    def _update_where(self) -> None:
        doc = self.doc
        if doc.path is None or doc.shipped:
            where = f"Not saved yet — Save puts it in your scenarios folder ({user_scenarios_dir()})."
        else:
            where = str(doc.path)
        self.where.setText(where + ("  · unsaved changes" if doc.dirty else ""))
        if not self.guided:
            title = doc.get("title") or "Your case"
            self.heading.setText(title if "<" not in title else "Your case")
        self.setWindowTitle(f"Scenario editor{' *' if doc.dirty else ''}")

    # ---- saving --------------------------------------------------------------------------------------------------
    def target(self) -> Path:
        if self.doc.path is not None and not self.doc.shipped:
            return self.doc.path
        return copy_path(self.doc.get("title") or "my-scenario", user_scenarios_dir())

    def save(self) -> Path | None:
        return self._write(self.target())

    def save_as(self) -> Path | None:
        start = str(self.target() if self.doc.path is None or self.doc.shipped else self.doc.path)
        path, _ = QFileDialog.getSaveFileName(self, "Save the scenario as", start, "Scenario (*.toml)")
        if not path:
            return None
        if not path.endswith(".toml"):
            path += ".toml"
        return self._write(Path(path))

    def _write(self, path: Path) -> Path | None:
        self.save_tried = True
        self.validate_now()
        try:
            written = self.doc.save(path)
        except UserError as err:
            self.notice.show_message(str(err), "error")
            return None
        self._update_where()
        self.notice_general([])
        left = len(self.errors)
        self.summary.setText(f"Saved to {written}." + (f" {left} thing{'s' if left != 1 else ''} still to fix "
                                                       "before you can rehearse with it." if left else ""))
        self.saved.emit(str(written))
        return written

    # ---- closing -----------------------------------------------------------------------------------------------
    def _ask_unsaved(self) -> str:
        box = QMessageBox(QMessageBox.Icon.Question, "Unsaved changes",
                          "This scenario has changes that are not saved.", parent=self)
        save = box.addButton("Save", QMessageBox.ButtonRole.AcceptRole)
        discard = box.addButton("Discard changes", QMessageBox.ButtonRole.DestructiveRole)
        box.addButton("Keep editing", QMessageBox.ButtonRole.RejectRole)
        box.exec()
        return {save: "save", discard: "discard"}.get(box.clickedButton(), "cancel")

    def may_close(self) -> bool:
        """The unsaved-changes guard: True when the editor may close."""
        if not self.doc.dirty:
            return True
        choice = self.ask_unsaved()
        if choice == "save":
            return self.save() is not None
        return choice == "discard"

    def reject(self) -> None:  # Escape, Close and the window's close button all end here (QDialog.closeEvent)
        if not self.may_close():
            return
        self._stop_listening()
        super().reject()

    # ---- saying a sentence into a try-it box -------------------------------------------------------------------
    def _can_listen(self) -> bool:
        ctx = self.ctx
        if ctx is None:
            return False
        state = getattr(ctx, "engine_state", None)
        if state is not None and (not state.recognizer_ok or state.microphone_ok is False):
            return False
        return True

    def _listen(self, box: TryBox) -> None:
        if self.listen_job is not None:
            self.listen_job.cancel()  # the second click: stop, and what was said is recognised
            return
        from rehearse.paths import cache_dir
        from rehearse.ui.editor.listen import TrySentenceJob
        from rehearse.ui.threads import start_job

        ctx = self.ctx
        job = TrySentenceJob(ctx.source_factory, cache_dir() / "try-it.wav", ctx.engine, ctx.silence_s)
        self.listen_box = box
        job.done.connect(self._heard)  # methods, not lambdas: the job emits on its own thread
        job.failed.connect(self._listen_failed)
        self.listen_job = job
        start_job(job, "rehearse-try-it")

    def _heard(self, text: str) -> None:
        self.listen_job = None
        self.listen_box.heard(text)

    def _listen_failed(self, err) -> None:
        self.listen_job = None
        self.listen_box.listen_failed(str(err) or type(err).__name__)

    def _stop_listening(self) -> None:
        job, self.listen_job = self.listen_job, None
        if job is not None:
            job.cancel()
            thread = getattr(job, "_thread", None)
            if thread is not None:
                thread.wait(5000)


def _inside(widget: QWidget, ancestor: QWidget) -> bool:
    while widget is not None:
        if widget is ancestor:
            return True
        widget = widget.parentWidget()
    return False


def open_editor(parent, ctx, path=None, guided: bool = False) -> ScenarioEditor:
    """An editor on ``path`` (None: a new scenario from the template)."""
    doc = ScenarioDocument.from_file(path) if path else ScenarioDocument.new()
    editor = ScenarioEditor(doc, ctx=ctx, guided=guided, parent=parent)
    editor.setWindowModality(Qt.WindowModality.NonModal)
    return editor
