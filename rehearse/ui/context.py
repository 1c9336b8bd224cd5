"""What the views share: the session thread (short jobs off the UI thread), the store, the audio source, the voice,
the engine.

Tests build an :class:`AppContext` with a ``source_factory`` that returns a ``WavFileSource`` in place of the
microphone and ``voice=False`` (no sound card); everything else is the real thing.
"""

from __future__ import annotations

import threading
from typing import Callable

from PySide6.QtCore import QObject, Signal

from rehearse.ui.tasks import SerialWorker
from rehearse.ui.workers import EngineState


def microphone_source(device=None):
    from rehearse.speech.sources import MicrophoneSource, parse_device

    return MicrophoneSource(device=parse_device(device))


class AppContext(QObject):
    engine_changed = Signal(object)  # EngineState
    voice_changed = Signal(bool, str)  # usable, why not
    voice_notice = Signal(str)  # the natural voice fell back to the system voice: why (shown as a banner)

    def __init__(self, source_factory: Callable[[], object] | None = None, engine: str | None = None,
                 voice: bool = True, silence_s: float | None = None, parent: QObject | None = None):
        super().__init__(parent)
        from rehearse.preferences import load_preferences

        prefs = load_preferences()  # chosen in Settings; arguments given here win
        self.host = SerialWorker("rehearse-session", self)
        self.source_factory = source_factory or (lambda: microphone_source(self.input_device))
        self.uses_microphone = source_factory is None
        self.engine = engine or prefs.engine
        self.silence_s = silence_s if silence_s is not None else prefs.silence_s
        self.input_device = prefs.input_device  # None: the system's default microphone
        self.output_device = prefs.output_device  # the manager's voice and played-back recordings (None: default)
        self.voice_name = prefs.voice  # None: the speech engine's default voice
        self.voice_rate = prefs.rate  # words per minute; None: the voice's own pace
        self.voice_enabled = voice  # False: no usable voice here (a banner says why)
        self.voice_error = "" if voice else "no sound output"
        self.muted = False  # the user turned the voice off (no banner)
        self.seed: int | None = None  # fixed seed for repeatable runs (the screenshot tour)
        self.engine_state: EngineState | None = None
        self._store = None
        self._store_lock = threading.Lock()
        self._speaker = None
        self._speaker_lock = threading.Lock()
        self._shut_down = False

    # ---- off the UI thread (the session thread, the drive loop) ----------------------------------------------------
    def store(self):
        """The history store, opened the first time it is needed (it serialises calls from several threads)."""
        with self._store_lock:
            if self._store is None:
                from rehearse.store.db import Store

                self._store = Store()
            return self._store

    # ---- any thread ------------------------------------------------------------------------------------------------
    def speaker(self):
        with self._speaker_lock:
            if self._speaker is None:
                from rehearse.speech.tts import Speaker

                self._speaker = Speaker()
                self._speaker.on_notice = self.voice_notice.emit  # from any thread: queued to the UI
            return self._speaker

    def voice_options(self) -> dict:
        """The manager's voice, speed and output as chosen in Settings (the drive loop asks before each line)."""
        from rehearse.speech.sources import parse_device

        return {"voice": self.voice_name, "rate": self.voice_rate, "device": parse_device(self.output_device)}

    def speaking(self) -> bool:
        return self.voice_enabled and not self.muted

    def set_engine_state(self, state: EngineState) -> None:
        self.engine_state = state
        if self.voice_enabled and not state.voice_ok and state.voice_error:
            self.set_voice(False, state.voice_error)
        self.engine_changed.emit(state)

    def set_voice(self, usable: bool, why: str = "") -> None:
        self.voice_enabled = usable
        self.voice_error = "" if usable else why
        self.voice_changed.emit(usable, why)

    def shutdown(self) -> None:
        """Close the store and the voice, then stop the session thread. Safe to call twice (the second does
        nothing: the session thread is gone, so nothing may wait on it)."""
        if self._shut_down:
            return
        self._shut_down = True

        def close():
            if self._store is not None:
                self._store.close()
                self._store = None
        self._store_lock = threading.Lock()

        try:
            self.host.run_now(close)
        except Exception:  # noqa: BLE001 - closing anyway
            pass
        with self._speaker_lock:
            if self._speaker is not None and hasattr(self._speaker, "close"):
                try:
                    self._speaker.close()
                except Exception:  # noqa: BLE001
                    pass
        self.host.stop()
