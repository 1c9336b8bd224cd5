"""The long jobs of the app, each run on its own thread (see :mod:`rehearse.ui.tasks`).

Heavy imports (the recognizers, TTS) happen inside ``work()`` so the window appears before they load.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable

from rehearse.ui.tasks import Job


@dataclass
class EngineState:
    engine: str = "auto"
    description: str = ""
    vosk_installed: bool = False
    recognizer_ok: bool = False
    recognizer_error: str = ""
    voice_ok: bool = False
    voice_error: str = ""
    microphone_ok: bool | None = None  # None: not checked (answers come from elsewhere)
    microphone_error: str = ""
    load_seconds: float = 0.0


class EngineLoader(Job):
    """Loads the recognizer's model (once per process) and checks the voice, reporting an :class:`EngineState`."""

    def __init__(self, engine: str = "auto", speaker_provider: Callable[[], object] | None = None,
                 check_microphone: bool = True):
        super().__init__()
        self.engine = engine
        self.speaker_provider = speaker_provider  # None: the voice is off, do not check it
        self.check_microphone = check_microphone

    def work(self) -> EngineState:
        started = time.perf_counter()
        state = EngineState(engine=self.engine)
        try:
            from rehearse.speech.recognizer import create_recognizer, describe_engine, find_vosk_model

            state.vosk_installed = find_vosk_model() is not None
            state.description = describe_engine(self.engine)
            recognizer = create_recognizer(self.engine)  # loads and caches the model
            recognizer.close()
            state.recognizer_ok = True
            from rehearse.core.soundalike import phones

            phones("senior")  # read the pronunciation dictionary now, not while the first answer is scored
        except Exception as err:  # noqa: BLE001 - shown in the window
            state.recognizer_error = str(err) or type(err).__name__
        if self.speaker_provider is not None:
            try:
                speaker = self.speaker_provider()
                state.voice_ok = bool(speaker.available())
                if not state.voice_ok:
                    state.voice_error = speaker.last_problem or "no speech backend"
            except Exception as err:  # noqa: BLE001
                state.voice_error = str(err) or type(err).__name__
        if self.check_microphone:
            state.microphone_ok, state.microphone_error = microphone_present()
        state.load_seconds = time.perf_counter() - started
        return state


def microphone_present() -> tuple[bool, str]:
    """Whether PortAudio lists any audio input, and why not."""
    from rehearse.errors import UserError
    from rehearse.speech.sources import list_devices

    try:
        inputs = [d for d in list_devices() if d["inputs"] > 0]
    except UserError as err:
        return False, str(err)
    return (True, "") if inputs else (False, "the system lists no audio input device")


class InstallModelJob(Job):
    """Downloads and installs a speech model through the model manager, with progress and cancel."""

    def __init__(self, name: str | None = None, zip_path: str | None = None):
        super().__init__()
        self.name = name
        self.zip_path = zip_path

    def work(self):
        from rehearse.speech import models

        def progress(done: int, total: int):
            self.progress.emit((done, total))
            return not self.stop_event.is_set()

        if self.zip_path:
            return models.install_from_zip(self.zip_path, progress=progress, cancel=self.stop_event)
        return models.install(self.name, progress=progress, cancel=self.stop_event)
