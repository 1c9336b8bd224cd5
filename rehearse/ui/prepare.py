"""Preparing in the app: new and edited scenarios through the form editor, settings, the guided start, Help.

:class:`Prepare` adds these to the main window (its File and Help menus, the scenario bar's buttons) so the window
itself stays small. Switching scenario while a run is going asks to end that run first.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMessageBox

from rehearse.errors import UserError

log = logging.getLogger(__name__)


class Prepare(QObject):
    editor_opened = Signal(object)  # the ScenarioEditor

    def __init__(self, window):
        super().__init__(window)
        self.window = window
        self.editor = None
        self.settings_dialog = None
        self.first_run_dialog = None
        self.confirm_switch = self._confirm_switch  # tests replace it: (old title, new path) -> bool
        bar = window.scenario_bar
        bar.guard = self.may_switch
        bar.new_requested.connect(self.new_scenario)
        bar.form_requested.connect(self.edit_scenario)

    # ---- menus ---------------------------------------------------------------------------------------------------
    def add_file_actions(self, menu, before=None) -> None:
        for text, keys, slot in (("&New scenario…", QKeySequence.StandardKey.New, self.new_scenario),
                                 ("Edit scenario (&form)…", "Ctrl+E", self.edit_scenario),
                                 ("Se&ttings…", "Ctrl+,", self.open_settings)):
            action = QAction(text, self.window)
            action.setShortcut(QKeySequence(keys))
            action.triggered.connect(slot)
            menu.insertAction(before, action) if before is not None else menu.addAction(action)

    def add_help_menu(self) -> None:
        from rehearse.ui import help as help_ui

        menu = self.window.menuBar().addMenu("&Help")
        for text, keys, slot in (("The four-part &pitch", "F1", lambda: help_ui.show_pitch(self.window)),
                                 ("&Keyboard shortcuts", "Ctrl+/", lambda: help_ui.show_shortcuts(self.window)),
                                 ("&Guided start…", None, lambda: self.first_run(force=True)),
                                 ("&About Rehearse", None, lambda: help_ui.show_about(self.window))):
            action = QAction(text, self.window)
            if keys:
                action.setShortcut(QKeySequence(keys))
            action.triggered.connect(slot)
            menu.addAction(action)
        self.help_menu = menu

    # ---- scenarios -----------------------------------------------------------------------------------------------
    def new_scenario(self, guided: bool = False):
        return self._open_editor(None, guided=guided)

    def edit_scenario(self):
        path = self.window.scenario_file.path
        return self._open_editor(path if path is not None and path.exists() else None)

    def _open_editor(self, path: Path | None, guided: bool = False):
        from rehearse.ui.editor import open_editor

        if self.editor is not None and self.editor.isVisible():
            if not self.editor.may_close():
                self.editor.raise_()
                return self.editor
            self.editor.hide()
        try:
            editor = open_editor(self.window, self.window.ctx, path, guided=guided)
        except UserError as err:  # a file the editor cannot read (e.g. a TOML syntax error it cannot repair)
            self.window.scenario_bar.problems.show_message(
                f"The form editor cannot open this file: {err}\nFix it in a text editor (Edit in editor), or "
                "start a new scenario.", "error")
            return None
        editor.saved.connect(self._saved)
        self.editor = editor
        editor.show()
        self.editor_opened.emit(editor)
        return editor

    def _saved(self, path: str) -> None:
        current = self.window.scenario_file.path
        if current is not None and Path(path).resolve() == current:
            self.window.scenario_file.reload()
        else:
            self.open_scenario(path)

    def open_scenario(self, path) -> bool:
        if not self.may_switch(path):
            return False
        return self.window.scenario_file.open(path)

    def run_going(self):
        """The view whose run is under way, if any."""
        for view in (self.window.rehearse_view, self.window.drill_view):
            if view.session is not None and view.summary is None:
                return view
        return None

    def may_switch(self, path) -> bool:
        """Before another scenario is opened: a run under way is ended first, if the user agrees."""
        current = self.window.scenario_file.path
        if current is not None and Path(path).expanduser().resolve() == current:
            return True
        view = self.run_going()
        if view is None:
            return True
        if not self.confirm_switch(self.window.scenario_bar.title.text(), str(path)):
            return False
        end_run(view)
        return True

    def _confirm_switch(self, title: str, path: str) -> bool:
        answer = QMessageBox.question(
            self.window, "End the current run?",
            f"You are in the middle of a run of “{title}”. Switching to {Path(path).name} ends this run; what you "
            "have answered so far is kept in your history.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel, QMessageBox.StandardButton.Cancel)
        return answer == QMessageBox.StandardButton.Yes

    # ---- settings and the guided start ---------------------------------------------------------------------------
    def open_settings(self):
        from rehearse.ui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.window.ctx, self.window)
        dialog.applied.connect(self._settings_applied)
        dialog.models_changed.connect(self.window.load_engine)
        self.settings_dialog = dialog
        dialog.show()
        return dialog

    def _settings_applied(self) -> None:
        from rehearse.ui.settings import apply_to_context

        engine = self.window.ctx.engine
        apply_to_context(self.window.ctx)
        if self.window.ctx.engine != engine and self.window.engine_loader is not None:
            self.window.load_engine()  # another recognizer was chosen: load it now, not at the next answer

    def may_quit(self) -> bool:
        """Closing the window: an editor with unsaved changes asks first."""
        editor = self.editor
        return editor is None or not editor.isVisible() or editor.may_close()

    def first_run(self, force: bool = False):
        from rehearse.ui.first_run import FirstRunDialog, first_run_done

        if not force and first_run_done():
            return None
        dialog = FirstRunDialog(self.window.ctx, self.window)
        dialog.make_own.connect(lambda: self.new_scenario(guided=True))
        dialog.try_example.connect(self._try_example)
        self.first_run_dialog = dialog
        dialog.show()
        return dialog

    def _try_example(self) -> None:
        from rehearse.ui.scenario_bar import example_scenario

        self.open_scenario(example_scenario())
        self.window.tabs.setCurrentIndex(0)


def end_run(view) -> None:
    """End ``view``'s run: stop listening and speaking (an answer in progress is still stored), forget the session.
    The run stays in the history as incomplete."""
    view.stop_everything()
    view.session = None
    view.prompt = None
    view.summary = None
    view.feedback.hide()
    view.summary_panel.hide()
    view._set_actions(again=False, next_=False)
    view.card.show()
    view.card.show_line("", "", "The run was ended. Press Start for a new one.")
    view.talk.hide()
    if hasattr(view, "start_button"):
        view.start_button.setText("&Start")
