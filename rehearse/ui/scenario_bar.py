"""The scenario in use: open a TOML file, open it in the system's editor, reload it when it changes on disk.

Problems found by the loader are shown in the window (one per line, ``FILE:LINE: what is wrong``); the last good
scenario stays in use until the file is fixed.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QPushButton, QVBoxLayout, QWidget

from rehearse.errors import UserError
from rehearse.ui.feedback_panel import label
from rehearse.ui.widgets import Banner


def example_scenario() -> Path:
    from rehearse.paths import SCENARIOS

    return SCENARIOS / "example-senior-engineer.toml"


class ScenarioFile(QObject):
    """Holds the current scenario and watches its file."""

    loaded = Signal(object)   # the Scenario
    invalid = Signal(str)     # the loader's message, every problem on its own line

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self.path: Path | None = None
        self.scenario = None
        self.error = ""
        self.watcher = QFileSystemWatcher(self)
        self.watcher.fileChanged.connect(self._changed)
        self.watcher.directoryChanged.connect(self._changed)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(250)
        self._debounce.timeout.connect(self.reload)

    def open(self, path: str | Path) -> bool:
        path = Path(path).expanduser().resolve()
        if self.path is not None:
            self.watcher.removePaths(self.watcher.files() + self.watcher.directories())
        if path != self.path:
            self.scenario = None
        self.path = path
        if path.parent.is_dir():
            self.watcher.addPath(str(path.parent))  # editors often save by replacing the file
        return self.reload()

    def reload(self) -> bool:
        from rehearse.core.loader import load_scenario

        if self.path is None:
            return False
        if self.path.exists() and str(self.path) not in self.watcher.files():
            self.watcher.addPath(str(self.path))
        try:
            scenario = load_scenario(self.path)
        except UserError as err:
            self.error = str(err)
            self.invalid.emit(self.error)
            return False
        except OSError as err:
            self.error = f"{self.path}: cannot read the file: {err.strerror or err}"
            self.invalid.emit(self.error)
            return False
        self.error = ""
        self.scenario = scenario
        self.loaded.emit(scenario)
        return True

    def _changed(self, _path: str) -> None:
        self._debounce.start()


class ScenarioBar(QWidget):
    """Which scenario is open, buttons to open or edit it, and its validation messages."""

    new_requested = Signal()   # "New…": a new scenario in the form editor
    form_requested = Signal()  # "Edit…": this scenario in the form editor

    def __init__(self, scenario_file: ScenarioFile, parent: QWidget | None = None):
        super().__init__(parent)
        self.file = scenario_file
        self.guard = None  # path -> bool: whether another scenario may be opened now (a run may be going)
        self.open_url = QDesktopServices.openUrl  # tests replace it
        box = QVBoxLayout(self)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(8)
        row = QHBoxLayout()
        row.setSpacing(10)
        self.title = label("No scenario open", "Heading")
        self.where = label("", "Muted")
        row.addWidget(self.title, 3)
        row.addWidget(self.where, 1)
        self.new_button = QPushButton("&New…")
        self.new_button.setToolTip("Build your own case in a form (Ctrl+N)")
        self.new_button.clicked.connect(self.new_requested)
        self.open_button = QPushButton("&Open…")
        self.open_button.setToolTip("Open a scenario file (Ctrl+O)")
        self.open_button.clicked.connect(self.choose)
        self.form_button = QPushButton("Ed&it…")
        self.form_button.setToolTip("Change this scenario in a form (Ctrl+E); the example is saved as your own copy")
        self.form_button.clicked.connect(self.form_requested)
        self.form_button.setEnabled(False)
        self.edit_button = QPushButton("Edit in e&ditor")
        self.edit_button.setToolTip("Open the TOML file in your text editor; changes load when you save")
        self.edit_button.clicked.connect(self.edit)
        for button in (self.new_button, self.open_button, self.form_button, self.edit_button):
            row.addWidget(button)
        box.addLayout(row)
        self.problems = Banner()
        box.addWidget(self.problems)
        scenario_file.loaded.connect(self._loaded)
        scenario_file.invalid.connect(self._invalid)
        self.edit_button.setEnabled(False)

    def choose(self) -> None:
        start = str(self.file.path.parent) if self.file.path else ""
        path, _ = QFileDialog.getOpenFileName(self, "Open a scenario", start, "Scenario (*.toml);;All files (*)")
        if path and (self.guard is None or self.guard(path)):
            self.file.open(path)

    def edit(self) -> bool:
        """Open the file in the system's text editor; when none can be launched, say so in the window."""
        if self.file.path is None:
            return False
        if self.open_url(QUrl.fromLocalFile(str(self.file.path))):
            return True
        self.problems.show_message(
            f"No text editor could be opened on this computer. The file is {self.file.path} — open it in any text "
            "editor, or press Edit… to change it here in a form.", "warning")
        return False

    def _loaded(self, scenario) -> None:
        self.title.setText(scenario.title)
        self.where.setText(self.file.path.name if self.file.path else "")
        self.where.setToolTip(str(self.file.path))
        self.edit_button.setEnabled(True)
        self.form_button.setEnabled(True)
        self.problems.show_message("")

    def _invalid(self, message: str) -> None:
        self.edit_button.setEnabled(self.file.path is not None and self.file.path.exists())
        self.form_button.setEnabled(self.edit_button.isEnabled())  # the form is the way to fix it
        keep = " The last good version stays in use until it is fixed." if self.file.scenario else ""
        self.problems.show_message(f"This scenario has problems — fix them and save:{keep}\n{message}", "error")
