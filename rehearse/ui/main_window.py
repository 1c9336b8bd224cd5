"""The main window: scenario bar, speech status, and the Rehearse, Drill and History views in tabs."""

from __future__ import annotations

import logging
import time

from PySide6.QtCore import QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QHBoxLayout, QMainWindow, QPushButton, QTabWidget, QVBoxLayout, QWidget

from rehearse.ui.context import AppContext
from rehearse.ui.drill_view import DrillView
from rehearse.ui.history_view import HistoryView
from rehearse.ui.rehearse_view import RehearseView
from rehearse.ui.scenario_bar import ScenarioBar, ScenarioFile, example_scenario
from rehearse.ui.settings import app_settings
from rehearse.ui.threads import freeze_heap, running_threads, start_job, wait_all
from rehearse.ui.widgets import Banner
from rehearse.ui.jobs import EngineLoader, EngineState

log = logging.getLogger(__name__)

VOSK_HINT = ("Built-in recognizer (Whisper tiny.en) — install the Vosk English model for a live word-by-word "
             "transcript.")
NO_MICROPHONE = ("No microphone found ({why}). Type your answers or import WAV recordings, or plug one in and "
                 "open Rehearse again.")
NO_VOICE = ("The manager's voice is not available ({why}). Read the manager's line on screen; you can still "
            "answer out loud, type, or import a WAV.")


class MainWindow(QMainWindow):
    def __init__(self, ctx: AppContext | None = None, scenario_path=None, load_engine: bool = True):
        super().__init__()
        self.setWindowTitle("Rehearse")
        self.ctx = ctx or AppContext()
        self.settings = app_settings()
        self.closed_cleanly = False

        central = QWidget()
        self.setCentralWidget(central)
        outer = QVBoxLayout(central)
        outer.setContentsMargins(24, 18, 24, 8)
        outer.setSpacing(10)

        self.scenario_file = ScenarioFile(self)
        self.scenario_bar = ScenarioBar(self.scenario_file)
        outer.addWidget(self.scenario_bar)

        engine_row = QHBoxLayout()
        self.engine_banner = Banner()
        self.engine_banner.show_message("Loading the speech recognizer…")
        engine_row.addWidget(self.engine_banner, 1)
        self.install_button = QPushButton("Install Vos&k model…")
        self.install_button.clicked.connect(self.install_model)
        self.install_button.hide()
        engine_row.addWidget(self.install_button)
        outer.addLayout(engine_row)
        self.voice_banner = Banner()
        outer.addWidget(self.voice_banner)
        self.mic_banner = Banner()
        outer.addWidget(self.mic_banner)

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.rehearse_view = RehearseView(self.ctx)
        self.drill_view = DrillView(self.ctx)
        self.tabs.addTab(self.rehearse_view, "&Rehearse")
        self.tabs.addTab(self.drill_view, "&Drill")
        self.history_view = HistoryView(self.ctx)
        self.tabs.addTab(self.history_view, "&History")
        self.tabs.currentChanged.connect(self._tab_changed)
        for view in (self.rehearse_view, self.drill_view):
            view.run_finished.connect(lambda _summary: self.history_view.refresh())
        # objections met in a conversation count in the drill list at once
        self.rehearse_view.run_finished.connect(lambda _summary: self.drill_view.refresh_queue())
        outer.addWidget(self.tabs, 1)

        self.scenario_file.loaded.connect(self._scenario_loaded)
        self.ctx.engine_changed.connect(self._engine_ready)
        self.ctx.voice_changed.connect(self._voice_changed)
        self.ctx.voice_notice.connect(self._voice_notice)  # a bound method: disconnected when the window goes
        if not self.ctx.voice_enabled:
            self._voice_changed(False, self.ctx.voice_error)
        from rehearse.ui.prepare import Prepare

        self.prepare = Prepare(self)  # the form editor, settings, the guided start and Help
        self._build_actions()
        self._restore()

        path = scenario_path or self.settings.value("scenario/path") or example_scenario()
        if not self.scenario_file.open(path) and scenario_path is None and str(path) != str(example_scenario()):
            self.scenario_file.open(example_scenario())  # the remembered file is gone or broken
        self.engine_loader: EngineLoader | None = None
        if load_engine:
            QTimer.singleShot(0, self.load_engine)

    # ---- set-up ----------------------------------------------------------------------------------------------------
    def _build_actions(self) -> None:
        menu = self.menuBar().addMenu("&File")
        self.prepare.add_file_actions(menu)
        for text, keys, slot in (("&Open scenario…", QKeySequence.StandardKey.Open, self.scenario_bar.choose),
                                 ("Edit scenario in text &editor", "Ctrl+Shift+E", self.scenario_bar.edit),
                                 ("Re&load scenario", "F5", self.scenario_file.reload),
                                 ("Install &Vosk model…", None, self.install_model),
                                 ("&Quit", QKeySequence.StandardKey.Quit, self.close)):
            action = QAction(text, self)
            if keys is not None:
                action.setShortcut(QKeySequence(keys))
            action.triggered.connect(slot)
            menu.addAction(action)
        view = self.menuBar().addMenu("&View")
        for index, (text, keys) in enumerate((("&Rehearse", "Ctrl+1"), ("&Drill", "Ctrl+2"),
                                                         ("&History", "Ctrl+3"))):
            action = QAction(text, self)
            action.setShortcut(QKeySequence(keys))
            action.triggered.connect(lambda _=False, i=index: self.tabs.setCurrentIndex(i))
            view.addAction(action)
        self.mute_action = QAction("&Mute the manager's voice", self)
        self.mute_action.setCheckable(True)
        self.mute_action.setShortcut(QKeySequence("Ctrl+M"))
        self.mute_action.setChecked(self.settings.value("voice/muted", False, type=bool))
        self.mute_action.toggled.connect(self.set_muted)
        self.set_muted(self.mute_action.isChecked())
        view.addAction(self.mute_action)
        self.prepare.add_help_menu()

    def _restore(self) -> None:
        geometry = self.settings.value("window/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)
        else:
            self.resize(1100, 820)
        self.tabs.setCurrentIndex(int(self.settings.value("window/tab", 0)))

    def load_engine(self) -> None:
        speaker = self.ctx.speaker if self.ctx.voice_enabled else None
        self.engine_loader = EngineLoader(self.ctx.engine, speaker_provider=speaker,
                                          check_microphone=self.ctx.uses_microphone)
        self.engine_loader.done.connect(self.ctx.set_engine_state)
        self.engine_loader.failed.connect(self._engine_failed)
        self._engine_started = time.perf_counter()
        start_job(self.engine_loader, "rehearse-engine-loader")

    # ---- reacting --------------------------------------------------------------------------------------------------
    def _scenario_loaded(self, scenario) -> None:
        self.settings.setValue("scenario/path", str(self.scenario_file.path))
        self.rehearse_view.set_scenario(scenario)
        self.drill_view.set_scenario(scenario)
        self.history_view.set_scenario(scenario)

    def _tab_changed(self, index: int) -> None:
        if self.tabs.widget(index) is self.history_view:
            self.history_view.refresh()

    def _engine_ready(self, state: EngineState) -> None:
        freeze_heap(collect=True)  # the models are loaded: keep the collector off them from now on
        self.mic_banner.show_message(NO_MICROPHONE.format(why=state.microphone_error.rstrip("."))
                                     if state.microphone_ok is False else "", "warning")
        for view in (self.rehearse_view, self.drill_view):
            view.talk.set_microphone(state.microphone_ok is not False)
        if not state.recognizer_ok:
            self.engine_banner.show_message(
                f"The speech recognizer could not start: {state.recognizer_error}\n"
                "You can still type your answers.", "error")
            self.install_button.show()
            return
        if state.vosk_installed:
            self.engine_banner.show_message(state.description)
            self.install_button.hide()
        else:
            self.engine_banner.show_message(VOSK_HINT)
            self.install_button.show()

    def _engine_failed(self, err) -> None:
        self.ctx.set_engine_state(EngineState(recognizer_error=str(err) or type(err).__name__))

    def _voice_notice(self, message: str) -> None:
        self.voice_banner.show_message(message, "warning")

    def _voice_changed(self, usable: bool, why: str) -> None:
        if usable:
            self.voice_banner.show_message("")
        else:
            self.voice_banner.show_message(NO_VOICE.format(why=why.rstrip(".") or "turned off"), "warning")

    def set_muted(self, muted: bool) -> None:
        self.ctx.muted = muted
        self.settings.setValue("voice/muted", muted)
        if muted:
            for view in (self.rehearse_view, self.drill_view):
                view.stop_speaking()

    def install_model(self) -> None:
        from rehearse.ui.model_dialog import ModelDialog

        dialog = ModelDialog(self)
        dialog.installed.connect(self._model_installed)
        dialog.open()
        self.model_dialog = dialog

    def _model_installed(self, _path: str) -> None:
        self.load_engine()

    # ---- closing ---------------------------------------------------------------------------------------------------
    def closeEvent(self, event) -> None:  # noqa: N802 - Qt API
        if not self.prepare.may_quit():  # unsaved changes in the scenario editor, and "keep editing"
            event.ignore()
            return
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/tab", self.tabs.currentIndex())
        self.settings.sync()
        self.hide()  # gone for the user at once; the partial answer is saved and the threads end behind it
        for view in (self.rehearse_view, self.drill_view, self.history_view):
            view.shutdown()
        if self.engine_loader is not None:
            self.engine_loader.cancel()
        dialog = getattr(self, "model_dialog", None)
        if dialog is not None and dialog.job is not None:
            dialog.job.cancel()  # a download stops at its next chunk; the part stays for a later resume
        wait_all(15000)
        self.ctx.shutdown()
        self.closed_cleanly = not running_threads() and not self.ctx.host.is_running()
        super().closeEvent(event)
