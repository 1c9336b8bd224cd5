"""Installing the Vosk English model from the app: download with progress and cancel, or from a zip file."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (QDialog, QFileDialog, QHBoxLayout, QProgressBar, QPushButton, QVBoxLayout, QWidget)

from rehearse.errors import UserError
from rehearse.ui.feedback_panel import label
from rehearse.ui.threads import start_job
from rehearse.ui.jobs import InstallModelJob

EXPLANATION = (
    "The built-in recognizer (Whisper tiny.en) shows your words phrase by phrase. With the Vosk English model "
    "(about 40 MB) you see them word by word while you speak. It is downloaded once and stays on this computer."
)


def megabytes(n: int) -> str:
    return f"{n / 1e6:.1f} MB"


class ModelDialog(QDialog):
    installed = Signal(str)  # the model folder

    def __init__(self, parent: QWidget | None = None, name: str | None = None):
        super().__init__(parent)
        self.name = name  # None: the default English model
        self.setWindowTitle(f"Install {name}" if name else "Install the Vosk English model")
        self.setMinimumWidth(480)
        self.job: InstallModelJob | None = None
        box = QVBoxLayout(self)
        box.setContentsMargins(22, 20, 22, 20)
        box.setSpacing(12)
        box.addWidget(label(EXPLANATION))
        self.progress = QProgressBar()
        self.progress.setRange(0, 100)
        self.progress.setValue(0)
        self.progress.hide()
        box.addWidget(self.progress)
        self.status = label("", "Muted")
        box.addWidget(self.status)
        row = QHBoxLayout()
        self.from_zip = QPushButton("From a &zip file…")
        self.from_zip.setToolTip("Use a model zip you downloaded on another computer")
        self.from_zip.clicked.connect(self.choose_zip)
        self.download = QPushButton("&Download")
        self.download.setDefault(True)
        self.download.clicked.connect(lambda: self.start())
        self.cancel_button = QPushButton("&Cancel")
        self.cancel_button.clicked.connect(self.cancel)
        row.addWidget(self.from_zip)
        row.addStretch(1)
        row.addWidget(self.cancel_button)
        row.addWidget(self.download)
        box.addLayout(row)

    def choose_zip(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Choose a Vosk model zip", "", "Zip archive (*.zip)")
        if path:
            self.start(zip_path=path)

    def start(self, zip_path: str | None = None) -> None:
        if self.job is not None:
            return
        self.job = InstallModelJob(name=None if zip_path else self.name, zip_path=zip_path)
        self.job.progress.connect(self._progress)
        self.job.done.connect(self._done)
        self.job.failed.connect(self._failed)
        self.progress.show()
        self.progress.setRange(0, 0)  # busy until the size is known
        self.status.setText("Unpacking…" if zip_path else "Connecting…")
        self.download.setEnabled(False)
        self.from_zip.setEnabled(False)
        start_job(self.job, "rehearse-model-install")

    def cancel(self) -> None:
        if self.job is not None:
            self.job.cancel()
            self.status.setText("Stopping…")
        else:
            self.reject()

    def _progress(self, value) -> None:
        done, total = value
        if total:
            self.progress.setRange(0, 1000)
            self.progress.setValue(int(done * 1000 / total))
            self.status.setText(f"{megabytes(done)} of {megabytes(total)}")
        else:
            self.status.setText(megabytes(done))

    def _done(self, path) -> None:
        self.job = None
        self.progress.setRange(0, 1)
        self.progress.setValue(1)
        self.status.setText(f"Installed in {path}. The live transcript is on from the next answer.")
        self.installed.emit(str(path))
        self.download.hide()
        self.from_zip.hide()
        self.cancel_button.setText("&Close")

    def _failed(self, err) -> None:
        self.job = None
        self.progress.hide()
        text = str(err) if isinstance(err, UserError) else f"{type(err).__name__}: {err}"
        self.status.setText(text)
        self.download.setEnabled(True)
        self.from_zip.setEnabled(True)

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt API
        if self.job is not None:
            self.job.cancel()
            thread = getattr(self.job, "_thread", None)
            if thread is not None:
                thread.wait(5000)
        super().closeEvent(event)

    def reject(self) -> None:
        if self.job is not None:
            self.cancel()
            return
        super().reject()
