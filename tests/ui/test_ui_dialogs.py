"""The app when things are missing: no microphone, and installing the Vosk model (download progress, cancel,
no network) through the real model manager against a local HTTP server."""

from __future__ import annotations

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from PySide6.QtCore import Qt

from rehearse.ui.app import make_app
from rehearse.ui.context import AppContext
from rehearse.ui.main_window import MainWindow
from rehearse.ui.model_dialog import ModelDialog
from rehearse.ui.talk_panel import IDLE
from rehearse.ui.threads import running_threads

MODEL = "vosk-model-small-en-us-0.15"
SIZE = 41_205_931  # the pinned size of MODEL: a catalogue cannot change it (issue 13)


class NoInputDevices:
    """The hardware edge: a sounddevice module on a machine without any audio input."""

    class PortAudioError(Exception):
        pass

    def query_devices(self, device=None, kind=None):
        raise self.PortAudioError("Error querying device -1")


@pytest.fixture
def window(qtbot):
    from rehearse.speech.sources import MicrophoneSource

    make_app()
    ctx = AppContext(source_factory=lambda: MicrophoneSource(sd=NoInputDevices()), voice=False)
    win = MainWindow(ctx, load_engine=False)
    qtbot.addWidget(win)
    win.show()
    yield win
    win.close()


@pytest.mark.slow
def test_no_microphone_says_so_and_typing_still_works(window, qtbot):
    view = window.rehearse_view
    with qtbot.waitSignal(view.prompt_shown, timeout=10000):
        view.start()
    qtbot.keyClick(view.talk.talk, Qt.Key.Key_Space)
    qtbot.waitUntil(lambda: view.message.isVisible(), timeout=20000)
    assert "No microphone found" in view.message.text()
    assert "type your answer or import a WAV" in view.message.text()
    assert view.talk.state == IDLE and view.talk.text.isEnabled()
    view.talk.text.setText("I'd like to talk about my promotion to Senior Engineer this cycle.")
    with qtbot.waitSignal(view.feedback_shown, timeout=20000):
        qtbot.keyClick(view.talk.text, Qt.Key.Key_Return)
    assert "✓  promotion to Senior Engineer" in view.feedback.chip_texts()


class SlowModelServer(BaseHTTPRequestHandler):
    """Serves the model catalogue and a model zip that trickles in (so there is time to watch and cancel)."""

    def log_message(self, *args):
        pass

    def do_GET(self):  # noqa: N802 - http.server API
        if self.path.endswith("model-list.json"):
            body = json.dumps([{"name": MODEL, "lang": "en-us", "type": "small", "size": str(SIZE),
                                "md5": "0" * 32, "obsolete": "false"}]).encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        self.send_response(200)
        self.send_header("Content-Length", str(SIZE))
        self.end_headers()
        try:
            for _ in range(SIZE // 65536):
                self.wfile.write(b"\0" * 65536)
                time.sleep(0.05)
        except (BrokenPipeError, ConnectionResetError):
            pass


@pytest.fixture
def model_server(monkeypatch):
    server = ThreadingHTTPServer(("127.0.0.1", 0), SlowModelServer)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    monkeypatch.setenv("REHEARSE_MODEL_URL", f"http://127.0.0.1:{server.server_port}")
    yield server
    server.shutdown()
    server.server_close()


def test_model_download_shows_progress_and_cancels(qtbot, model_server):
    make_app()
    dialog = ModelDialog()
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.mouseClick(dialog.download, Qt.MouseButton.LeftButton)
    assert not dialog.download.isEnabled()
    qtbot.waitUntil(lambda: " of 41.2 MB" in dialog.status.text(), timeout=20000)
    assert dialog.progress.maximum() == 1000 and 0 < dialog.progress.value() < 1000
    qtbot.mouseClick(dialog.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.job is None, timeout=20000)
    assert dialog.download.isEnabled() and dialog.from_zip.isEnabled()
    assert dialog.status.text() and "of 41.2 MB" not in dialog.status.text()  # the reason is shown instead
    qtbot.waitUntil(lambda: not running_threads(), timeout=5000)
    from rehearse.speech.models import find_vosk_model

    assert find_vosk_model() is None  # nothing half-installed


def test_model_download_without_network_explains_what_to_do(qtbot, monkeypatch):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    monkeypatch.setenv("REHEARSE_MODEL_URL", f"http://127.0.0.1:{port}")
    make_app()
    dialog = ModelDialog()
    qtbot.addWidget(dialog)
    dialog.start()
    qtbot.waitUntil(lambda: dialog.job is None, timeout=30000)
    assert "--from" in dialog.status.text()  # how to install from a zip copied over
    assert dialog.download.isEnabled()
