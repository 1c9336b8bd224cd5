"""The manager's voice in the app: when the natural voice (Piper) cannot load, the system voice speaks and a banner
says why; a line no voice can say leaves the line on screen with a banner. Real TTS processes, real PortAudio
playback into the test's PulseAudio null sink (tests/pulse.py)."""

from __future__ import annotations

import pytest

from pulse import virtual_mic  # noqa: F401
from rehearse.ui.app import make_app
from rehearse.ui.context import AppContext
from rehearse.ui.main_window import MainWindow

pytestmark = pytest.mark.slow


@pytest.fixture
def window(qtbot, virtual_mic, tmp_path, monkeypatch):
    monkeypatch.setenv("REHEARSE_HOME", str(tmp_path))
    junk = tmp_path / "broken.onnx"
    junk.write_bytes(b"not a model")
    monkeypatch.setenv("REHEARSE_PIPER_MODEL", str(junk))
    make_app()
    ctx = AppContext(voice=True)
    win = MainWindow(ctx, load_engine=False)
    qtbot.addWidget(win)
    win.show()
    yield win
    win.close()


def test_broken_natural_voice_falls_back_to_the_system_voice_with_a_banner(window, qtbot):
    view = window.rehearse_view
    with qtbot.waitSignal(view.prompt_shown, timeout=60000):
        view.start()
    qtbot.waitUntil(lambda: view.drive.speech is not None, timeout=10000)
    speech = view.drive.speech
    qtbot.waitUntil(speech.done.is_set, timeout=60000)
    assert speech.error is None, speech.error  # the system voice said it, through PulseAudio
    qtbot.waitUntil(lambda: window.voice_banner.isVisible(), timeout=5000)
    assert "natural voice is not available" in window.voice_banner.text()
    assert "system voice speaks instead" in window.voice_banner.text()
    assert window.ctx.voice_enabled  # the manager still speaks


def test_a_line_no_voice_can_say_is_shown_with_a_banner(window, qtbot):
    view = window.rehearse_view
    with qtbot.waitSignal(view.prompt_shown, timeout=60000):
        view.start()
    qtbot.waitUntil(lambda: view.drive.speech is not None and view.drive.speech.done.is_set(), timeout=60000)
    view.drive.voice.say("...", wait=False)
    speech = view.drive.voice.speech
    qtbot.waitUntil(speech.done.is_set, timeout=60000)
    assert speech.error is not None and "no voice could say" in str(speech.error)
    qtbot.waitUntil(lambda: "voice is not available" in window.voice_banner.text(), timeout=10000)
    assert view.card.line.text() == view.prompt.text  # the line stays on screen
