"""The History tab: every run (newest first) with filters, transcript search and delete; a run reopens in place,
and from here the comparison of two attempts, the progress charts and the cheat sheet are one click away.

Reading and deleting run on the session thread (which owns the store); the list never blocks the window.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QComboBox, QFileDialog, QHBoxLayout, QHeaderView, QLineEdit, QMessageBox,
                               QPushButton, QStackedWidget, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from rehearse.errors import UserError
from rehearse.report import marks
from rehearse.ui.feedback_panel import label
from rehearse.ui.widgets import Banner, compact

log = logging.getLogger(__name__)
MODES = (("", "All modes"), ("pitch", "Conversation"), ("drill", "Drill"), ("read", "Read aloud"))
EMPTY = ("No runs yet. Your rehearsals appear here once you have done one: go to <b>Rehearse</b> (Ctrl+1), press "
         "<b>Start</b> and answer your manager out loud — or drill an objection in <b>Drill</b> (Ctrl+2). Every "
         "answer is kept with its recording, so you can play it back, compare attempts and see your progress.")
COLUMNS = ("Run", "Date", "Scenario", "Mode", "Score", "Outcome", "Status")


def local_time(iso: str | None) -> str:
    """A stored UTC time as the user's local date and time, to the minute."""
    from datetime import datetime

    if not iso:
        return ""
    try:
        return datetime.fromisoformat(iso).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return iso[:16].replace("T", " ")


def searchable_text(run: dict) -> str:
    """Everything said in a run (both sides), lower-cased, for the search box."""
    return " ".join((t.get("text") or "") for t in run.get("turns") or []).lower()


class HistoryView(QWidget):
    run_opened = Signal(object)  # dict (Signal(dict) loses a reference to True per emission in PySide6 6.12)
    runs_loaded = Signal(object)  # list
    run_deleted = Signal(int)

    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.ctx = ctx
        self.runs: list[dict] = []
        self.texts: dict[int, str] = {}
        self.scenario = None
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.stack = QStackedWidget()
        outer.addWidget(self.stack)

        page = QWidget()
        box = QVBoxLayout(page)
        box.setContentsMargins(28, 20, 28, 20)
        box.setSpacing(12)
        filters = QHBoxLayout()
        self.scenario_box = QComboBox()
        self.scenario_box.setAccessibleName("Scenario")
        compact(self.scenario_box, 22)
        self.mode_box = QComboBox()
        self.mode_box.setAccessibleName("Mode")
        for key, text in MODES:
            self.mode_box.addItem(text, key)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Search what was said…")
        self.search.setAccessibleName("Search the transcripts")
        self.search.setClearButtonEnabled(True)
        for widget in (self.scenario_box, self.mode_box):
            widget.currentIndexChanged.connect(self.apply_filter)
        self.search.textChanged.connect(self.apply_filter)
        filters.addWidget(self.scenario_box)
        filters.addWidget(self.mode_box)
        filters.addWidget(self.search, 1)
        box.addLayout(filters)
        self.message = Banner()
        box.addWidget(self.message)
        self.empty = label(EMPTY, "Tip")
        self.empty.setTextFormat(Qt.TextFormat.RichText)
        box.addWidget(self.empty)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.verticalHeader().hide()
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableWidget.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.setAccessibleName("Runs, newest first")
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.doubleClicked.connect(lambda _index: self.open_selected())
        self.table.itemSelectionChanged.connect(self._selection_changed)
        box.addWidget(self.table, 1)
        actions = QHBoxLayout()
        self.open_button = QPushButton("Op&en")
        self.open_button.setObjectName("Primary")
        self.open_button.clicked.connect(self.open_selected)
        self.delete_button = QPushButton("De&lete…")
        self.delete_button.clicked.connect(self.delete_selected)
        self.compare_button = QPushButton("Co&mpare")
        self.compare_button.setToolTip("Two answers to the same objection or part, side by side")
        self.compare_button.clicked.connect(lambda: self.show_compare())
        self.charts_button = QPushButton("&Progress")
        self.charts_button.setToolTip("Charts of your scores, key phrases, fillers, pace and mastery over time")
        self.charts_button.clicked.connect(self.show_charts)
        self.sheet_button = QPushButton("Chea&t sheet…")
        self.sheet_button.setToolTip("One page to take to the meeting: your best answers beside what you prepared")
        self.sheet_button.clicked.connect(self.choose_cheatsheet)
        for widget in (self.open_button, self.delete_button):
            actions.addWidget(widget)
        actions.addStretch(1)
        for widget in (self.compare_button, self.charts_button, self.sheet_button):
            actions.addWidget(widget)
        box.addLayout(actions)
        self.stack.addWidget(page)
        self.list_page = page

        self._pages: dict[str, QWidget] = {}  # the run, the comparison and the charts: made when first shown
        self._selection_changed()

    def _page(self, name: str):
        if name not in self._pages:
            if name == "review":
                from rehearse.ui.run_review import RunReview as Page
            elif name == "compare":
                from rehearse.ui.compare_view import CompareView as Page
            else:
                from rehearse.ui.charts_view import ChartsView as Page
            page = Page(self.ctx)
            page.back.connect(self.show_list)
            if name == "review":
                page.current_scenario = self.scenario
            self.stack.addWidget(page)
            self._pages[name] = page
        return self._pages[name]

    @property
    def review(self):
        return self._page("review")

    @property
    def compare(self):
        return self._page("compare")

    @property
    def charts(self):
        return self._page("charts")

    # ---- loading -------------------------------------------------------------------------------------------------
    def set_scenario(self, scenario) -> None:
        self.scenario = scenario
        if "review" in self._pages:
            self._pages["review"].current_scenario = scenario

    def refresh(self) -> None:
        ctx = self.ctx

        def load():
            store = ctx.store()
            store.skipped.clear()
            runs = store.runs()
            texts = {}
            for run in runs:
                texts[run["run_id"]] = searchable_text(store.run(run["run_id"]))
            return runs, texts, list(dict.fromkeys(store.skipped))  # damaged rows left out, one sentence each

        ctx.host.call(load, self._loaded, self._failed)

    def _loaded(self, result) -> None:
        self.runs, self.texts, skipped = result
        current = self.scenario_box.currentData()
        self.scenario_box.blockSignals(True)
        self.scenario_box.clear()
        self.scenario_box.addItem("All scenarios", "")
        seen = {}
        for run in self.runs:
            seen.setdefault(run.get("scenario_path") or "", run.get("scenario") or "(untitled)")
        for path, title in seen.items():
            self.scenario_box.addItem(title, path)
        self.scenario_box.setCurrentIndex(max(0, self.scenario_box.findData(current or "")))
        self.scenario_box.blockSignals(False)
        self.apply_filter()
        if skipped:
            more = f"\n…and {len(skipped) - 3} more" if len(skipped) > 3 else ""
            self.message.show_message("\n".join(skipped[:3]) + more, "warning")
        self.runs_loaded.emit(self.runs)

    def _failed(self, err) -> None:
        text = str(err) if isinstance(err, UserError) else f"Could not read the history: {err}"
        self.message.show_message(text, "error")

    # ---- the list ------------------------------------------------------------------------------------------------
    def visible_runs(self) -> list[dict]:
        scenario, mode = self.scenario_box.currentData() or "", self.mode_box.currentData() or ""
        words = self.search.text().lower().split()
        out = []
        for run in self.runs:
            if scenario and (run.get("scenario_path") or "") != scenario:
                continue
            if mode and run.get("mode") != mode:
                continue
            if words and not all(w in self.texts.get(run["run_id"], "") for w in words):
                continue
            out.append(run)
        return out

    def apply_filter(self) -> None:
        runs = self.visible_runs()
        self.empty.setVisible(not self.runs)
        self.table.setVisible(bool(self.runs))
        if self.runs and not runs:
            self.message.show_message("No run matches these filters.")
        else:
            self.message.show_message("")
        self.table.setRowCount(len(runs))
        for row, run in enumerate(runs):
            score = run.get("score")
            cells = (str(run["run_id"]), local_time(run.get("started_at")),
                     run.get("scenario") or "", marks.mode_label(run.get("mode")),
                     "–" if score is None else f"{score:.0f}",
                     marks.outcome_label(run.get("outcome")) if run.get("mode") == "pitch" else "–",
                     run.get("status") or "")
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, run["run_id"])
                if col in (0, 4):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, col, item)
        if runs:
            self.table.selectRow(0)
        self._selection_changed()
        for widget in (self.compare_button, self.charts_button, self.sheet_button):
            widget.setEnabled(bool(self.runs))

    def selected_run_id(self) -> int | None:
        items = self.table.selectedItems()
        return items[0].data(Qt.ItemDataRole.UserRole) if items else None

    def select_run(self, run_id: int) -> bool:
        for row in range(self.table.rowCount()):
            if self.table.item(row, 0).data(Qt.ItemDataRole.UserRole) == run_id:
                self.table.selectRow(row)
                return True
        return False

    def _selection_changed(self) -> None:
        chosen = self.selected_run_id() is not None
        self.open_button.setEnabled(chosen)
        self.delete_button.setEnabled(chosen)

    # ---- a run ---------------------------------------------------------------------------------------------------
    def open_selected(self) -> None:
        run_id = self.selected_run_id()
        if run_id is not None:
            self.open_run(run_id)

    def open_run(self, run_id: int) -> None:
        ctx = self.ctx
        ctx.host.call(lambda: ctx.store().run(run_id), self._opened, self._failed)

    def _opened(self, run: dict) -> None:
        self.review.show_run(run)
        self.stack.setCurrentWidget(self.review)
        self.run_opened.emit(run)

    def delete_selected(self) -> None:
        run_id = self.selected_run_id()
        if run_id is None:
            return
        answer = QMessageBox.question(
            self, "Delete run", f"Delete run {run_id} and its recordings? This cannot be undone.",
            QMessageBox.StandardButton.Delete | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Cancel)
        if answer == QMessageBox.StandardButton.Delete:
            self.delete_run(run_id)

    def delete_run(self, run_id: int) -> None:
        """Delete without asking (the confirmation is in ``delete_selected``)."""
        ctx = self.ctx

        def done(result):
            self.message.show_message(f"Deleted run {run_id} ({result['recordings']} recording"
                                      f"{'s' if result['recordings'] != 1 else ''}).")
            self.run_deleted.emit(run_id)
            self.refresh()

        ctx.host.call(lambda: ctx.store().delete_run(run_id), done, self._failed)

    # ---- pages ---------------------------------------------------------------------------------------------------
    def show_list(self) -> None:
        if "review" in self._pages:
            self._pages["review"].stop()
        self.stack.setCurrentWidget(self.list_page)
        self.refresh()

    def _scenario_path(self) -> str:
        chosen = self.scenario_box.currentData()
        if chosen:
            return chosen
        if self.scenario is not None and getattr(self.scenario, "path", ""):
            return str(self.scenario.path)
        return self.runs[0].get("scenario_path") or "" if self.runs else ""

    def show_compare(self, expects: str | None = None) -> None:
        self.compare.load(self._scenario_path(), expects)
        self.stack.setCurrentWidget(self.compare)

    def show_charts(self) -> None:
        self.charts.load(self._scenario_path())
        self.stack.setCurrentWidget(self.charts)

    def choose_cheatsheet(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save the cheat sheet", str(Path.home() / "cheat-sheet.pdf"),
                                              "PDF (*.pdf);;Web page (*.html)")
        if path:
            self.write_cheatsheet(path)

    def write_cheatsheet(self, path, on_done=None) -> None:
        ctx, scenario_path, current = self.ctx, self._scenario_path(), self.scenario

        def turns():
            return ctx.store().user_turns(scenario_path)

        def build(user_turns):
            from rehearse.report.cheatsheet import cheatsheet, write_cheatsheet
            from rehearse.ui.run_review import scenario_of

            scenario = scenario_of({"scenario_path": scenario_path}, current)
            if scenario is None:
                self.message.show_message(f"The scenario file {scenario_path} is gone: the cheat sheet needs what "
                                          "you prepared in it.", "error")
                return
            target = Path(path)
            if target.suffix.lower() not in (".pdf", ".html", ".htm"):
                target = target.with_suffix(".pdf")
            try:
                write_cheatsheet(cheatsheet(scenario, user_turns), target, force=True)  # the dialog asked
            except UserError as err:
                self.message.show_message(str(err), "error")
                return
            self.message.show_message(f"Saved the cheat sheet: {target}")
            if on_done is not None:
                on_done(target)

        ctx.host.call(turns, build, self._failed)

    def shutdown(self) -> None:
        if "review" in self._pages:
            self._pages["review"].shutdown()
