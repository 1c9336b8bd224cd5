"""Settings: microphone (with a live level), output (with a test sound), the manager's voice and speed (with a
preview), the silence that ends an answer, the recognizer and its models, and the data folder.

Saved with QSettings into the data folder's settings.ini (:mod:`rehearse.ui.settings`); the app's next answer and
next line use them, and so does ``rehearse run`` unless its flags say otherwise (:mod:`rehearse.preferences`).
Every test that touches a device runs on its own thread and can be stopped; closing the dialog stops them.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (QComboBox, QDialog, QDoubleSpinBox, QHBoxLayout, QLabel,
                               QProgressBar, QPushButton, QScrollArea, QSpinBox, QVBoxLayout, QWidget)

from rehearse.errors import UserError
from rehearse.preferences import Preferences, load_preferences
from rehearse.ui.audio_checks import LevelJob, PlayJob, VoicesJob, chime_wav
from rehearse.ui.settings import save_preferences
from rehearse.ui.settings_sections import ModelsSection, row, section
from rehearse.ui.threads import Job, start_job

PREVIEW_LINE = "Hi, thanks for making time. What did you want to talk about?"
ENGINE_TEXT = {
    "auto": "Automatic: Vosk English if installed, else Whisper",
    "whisper": "Built-in Whisper tiny.en (phrase by phrase)",
    "vosk": "Vosk English model (word by word; install it below)",
}


class SettingsDialog(QDialog):
    applied = Signal()         # the preferences were saved
    models_changed = Signal()  # a model was installed or removed: reload the recognizer
    voices_loaded = Signal(list)

    def __init__(self, ctx, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.resize(760, 820)
        self.ctx = ctx
        self.prefs = load_preferences()
        self.jobs: dict[str, Job | None] = {"level": None, "play": None, "voices": None}
        self.peak_db = -120.0  # the loudest level the microphone test has shown
        outer = QVBoxLayout(self)
        outer.setContentsMargins(18, 16, 18, 14)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        body = QWidget()
        self.body = QVBoxLayout(body)
        self.body.setSpacing(14)
        scroll.setWidget(body)
        outer.addWidget(scroll, 1)
        self._audio()
        self._voice()
        self._listening()
        self._models()
        self._folder()
        self.body.addStretch(1)
        buttons = QHBoxLayout()
        self.status = QLabel("")
        self.status.setObjectName("Muted")
        self.status.setWordWrap(True)
        buttons.addWidget(self.status, 1)
        self.cancel_button = QPushButton("&Cancel")
        self.cancel_button.clicked.connect(self.reject)
        self.save_button = QPushButton("&Save")
        self.save_button.setObjectName("Primary")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.save_button)
        outer.addLayout(buttons)
        self._load_voices()

    # ---- sections --------------------------------------------------------------------------------------------------
    def _audio(self) -> None:
        frame, form = section("Microphone and speakers")
        self.mic_box = QComboBox()
        self.mic_box.setAccessibleName("Microphone")
        self.mic_test = QPushButton("&Test")
        self.mic_test.setCheckable(True)
        self.mic_test.setToolTip("Show the microphone's level live; speak to see it move (nothing is recorded)")
        self.mic_test.toggled.connect(self.test_microphone)
        form.addRow("&Microphone", row(self.mic_box, self.mic_test))
        self.level = QProgressBar()
        self.level.setObjectName("Level")
        self.level.setRange(0, 60)
        self.level.setTextVisible(False)
        self.level.setFixedHeight(10)
        form.addRow("Level", self.level)
        self.out_box = QComboBox()
        self.out_box.setAccessibleName("Output device")
        self.out_test = QPushButton("&Play a test sound")
        self.out_test.clicked.connect(self.test_output)
        form.addRow("&Output", row(self.out_box, self.out_test))
        self.audio_note = QLabel("")
        self.audio_note.setObjectName("Small")
        self.audio_note.setWordWrap(True)
        form.addRow(self.audio_note)
        self.mic_box.addItem("The system's default microphone", None)
        self.out_box.addItem("The system's default output", None)
        try:
            from rehearse.speech.sources import list_devices

            devices = list_devices()
        except UserError as err:
            devices = []
            self.audio_note.setText(str(err))
        for device in devices:
            if device["inputs"] > 0:
                self.mic_box.addItem(device["name"], device["name"])
            if device["outputs"] > 0:
                self.out_box.addItem(device["name"], device["name"])
        if devices and not any(d["inputs"] > 0 for d in devices):
            self.audio_note.setText("No microphone is connected: you can still type your answers or import WAVs.")
        self.audio_note.setVisible(bool(self.audio_note.text()))
        _select(self.mic_box, self.prefs.input_device)
        _select(self.out_box, self.prefs.output_device)
        self.body.addWidget(frame)

    def _voice(self) -> None:
        frame, form = section("The manager's voice")
        self.voice_box = QComboBox()
        self.voice_box.setAccessibleName("Voice")
        self.voice_box.addItem("The default voice", None)
        _select(self.voice_box, self.prefs.voice)
        form.addRow("&Voice", row(self.voice_box))
        self.rate_box = QSpinBox()
        self.rate_box.setRange(79, 300)
        self.rate_box.setSingleStep(10)
        self.rate_box.setSuffix(" words a minute")
        self.rate_box.setSpecialValueText("The voice's own pace")
        self.rate_box.setValue(self.prefs.rate or 79)
        self.rate_box.setAccessibleName("Speed")
        self.preview = QPushButton("&Hear it")
        self.preview.clicked.connect(self.preview_voice)
        form.addRow("S&peed", row(self.rate_box, self.preview))
        self.voice_note = QLabel("Loading the voices…")
        self.voice_note.setObjectName("Small")
        self.voice_note.setWordWrap(True)
        form.addRow(self.voice_note)
        self.body.addWidget(frame)

    def _listening(self) -> None:
        frame, form = section("Listening")
        self.silence_box = QDoubleSpinBox()
        self.silence_box.setRange(0.5, 6.0)
        self.silence_box.setSingleStep(0.25)
        self.silence_box.setDecimals(2)
        self.silence_box.setSuffix(" s")
        self.silence_box.setValue(self.prefs.silence_s)
        self.silence_box.setAccessibleName("Silence that ends an answer")
        form.addRow("&Silence that ends an answer", self.silence_box)
        note = QLabel("How long a pause must be before Rehearse takes your answer as finished. Longer if you pause "
                      "to think mid-sentence; you can always press Space to finish.")
        note.setObjectName("Small")
        note.setWordWrap(True)
        form.addRow(note)
        self.engine_box = QComboBox()
        self.engine_box.setAccessibleName("Speech recognizer")
        for key, text in ENGINE_TEXT.items():
            self.engine_box.addItem(text, key)
        _select(self.engine_box, self.prefs.engine)
        form.addRow("&Recognizer", row(self.engine_box))
        self.body.addWidget(frame)

    def _models(self) -> None:
        frame, form = section("Speech models")
        self.models = ModelsSection(self)
        self.models.changed.connect(self.models_changed)
        self.models.message.connect(lambda text: self.status.setText(text))
        form.addRow(self.models)
        self.body.addWidget(frame)

    @property
    def model_rows(self) -> dict[str, QPushButton]:
        return self.models.model_rows

    def _folder(self) -> None:
        from rehearse.paths import data_dir

        frame, form = section("Your data")
        self.folder = data_dir()
        where = QLabel(str(self.folder))
        where.setWordWrap(True)
        self.open_folder = QPushButton("Op&en")
        self.open_folder.clicked.connect(self.show_folder)
        form.addRow("Data folder", row(where, self.open_folder))
        note = QLabel("Your scenarios, recordings, history and settings stay in this folder, on this computer.")
        note.setObjectName("Small")
        note.setWordWrap(True)
        form.addRow(note)
        self.body.addWidget(frame)

    # ---- values --------------------------------------------------------------------------------------------------
    def chosen(self) -> Preferences:
        rate = self.rate_box.value()
        return Preferences(silence_s=round(self.silence_box.value(), 2), input_device=self.mic_box.currentData(),
                           output_device=self.out_box.currentData(), voice=self.voice_box.currentData(),
                           rate=None if rate <= 79 else rate, engine=self.engine_box.currentData() or "auto")

    def save(self) -> None:
        save_preferences(self.chosen())
        self.applied.emit()
        self.accept()

    # ---- tests ---------------------------------------------------------------------------------------------------
    def test_microphone(self, on: bool) -> None:
        job = self.jobs.get("level")
        if not on:
            if job is not None:
                job.cancel()
            return
        if job is not None:
            return
        from rehearse.ui.context import microphone_source

        device = self.mic_box.currentData()
        uses_mic = getattr(self.ctx, "uses_microphone", True)
        factory = (lambda: microphone_source(device)) if uses_mic else self.ctx.source_factory
        job = LevelJob(factory)
        # bound methods, not lambdas: the job emits on its own thread, and only a method of this dialog is
        # called back on the UI thread
        job.level.connect(self._show_level)
        job.done.connect(self._level_done)
        job.failed.connect(self._level_failed)
        self.jobs["level"] = job
        self.mic_test.setText("S&top")
        start_job(job, "rehearse-level-test")

    def _show_level(self, db: float) -> None:
        self.peak_db = max(self.peak_db, db)
        self.level.setValue(int(max(0.0, min(60.0, db + 60.0))))

    def _level_done(self, _result) -> None:
        self._level_over("")

    def _level_failed(self, err) -> None:
        self._level_over(str(err) or type(err).__name__)

    def _level_over(self, why: str) -> None:
        self.jobs["level"] = None
        self.level.setValue(0)
        self.mic_test.blockSignals(True)
        self.mic_test.setChecked(False)
        self.mic_test.blockSignals(False)
        self.mic_test.setText("&Test")
        if why:
            self.audio_note.setText(f"The microphone test stopped: {why}")
            self.audio_note.show()

    def _speaker(self):
        try:
            return self.ctx.speaker()
        except Exception as err:  # noqa: BLE001 - no voice here: say so
            self.voice_note.setText(f"The voice is not available: {err}")
            return None

    def test_output(self) -> None:
        from rehearse.paths import cache_dir

        speaker = self._speaker()
        if speaker is not None:
            self._play(PlayJob(speaker, wav=chime_wav(cache_dir() / "test-sound.wav"),
                               device=self.out_box.currentData()), self.audio_note, "Playing the test sound…")

    def preview_voice(self) -> None:
        speaker = self._speaker()
        if speaker is not None:
            prefs = self.chosen()
            self._play(PlayJob(speaker, text=PREVIEW_LINE, voice=prefs.voice, rate=prefs.rate,
                               device=prefs.output_device), self.voice_note, "Speaking…")

    def _play(self, job: PlayJob, note: QLabel, busy: str) -> None:
        old = self.jobs.get("play")
        if old is not None:
            old.cancel()
        note.setText(busy)
        note.show()
        self._play_note = note
        job.done.connect(self._played)
        job.failed.connect(self._play_failed)
        self.jobs["play"] = job
        start_job(job, "rehearse-play-test")

    def _played(self, _path) -> None:
        self._play_note.setText("Played. Did you hear it? If not, choose another output.")

    def _play_failed(self, err) -> None:
        self._play_note.setText(f"Could not play: {err}")

    def _load_voices(self) -> None:
        if not getattr(self.ctx, "voice_enabled", True):
            self.voice_note.setText(f"The voice is off here ({self.ctx.voice_error or 'no sound output'}).")
        speaker = self._speaker()
        if speaker is None:
            return
        job = VoicesJob(speaker)
        job.done.connect(self._voices)
        job.failed.connect(self._voices_failed)
        self.jobs["voices"] = job
        start_job(job, "rehearse-voices")

    def _voices_failed(self, err) -> None:
        self.voice_note.setText(f"No voices found: {err}")

    def _voices(self, voices) -> None:
        english = [v for v in voices if any(str(lang).lower().startswith("en") for lang in v.languages)
                   or "english" in v.name.lower()]
        for voice in english or voices:
            if self.voice_box.findData(voice.id) < 0:
                self.voice_box.addItem(voice.name, voice.id)
        _select(self.voice_box, self.prefs.voice)
        self.voice_note.setText(f"{len(english or voices)} English voice{'s' if len(english or voices) != 1 else ''}"
                                " on this computer. Press Hear it to listen.")
        self.voices_loaded.emit(list(english or voices))

    # ---- folder --------------------------------------------------------------------------------------------------
    def show_folder(self) -> bool:
        opened = QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.folder)))
        if not opened:
            self.status.setText(f"No file manager could be opened here; the folder is {self.folder}")
        return opened

    # ---- closing -------------------------------------------------------------------------------------------------
    def done(self, result: int) -> None:  # accept, reject and closing all end here
        for job in self.jobs.values():
            if job is not None:
                job.cancel()
                thread = getattr(job, "_thread", None)
                if thread is not None:
                    thread.wait(5000)
        super().done(result)


def _select(box: QComboBox, value) -> None:
    index = box.findData(value)
    if index < 0 and value:
        box.addItem(str(value), value)  # remembered but not here now (unplugged, or not listed yet)
        index = box.count() - 1
    box.setCurrentIndex(max(index, 0))
