"""Saying a sentence into a try-it box: one short recording, recognised by the app's recognizer, off the UI thread.

Nothing is stored in the history: the recording goes to the cache folder and is overwritten by the next one.
"""

from __future__ import annotations

from typing import Callable

from rehearse.ui.threads import Job


class TrySentenceJob(Job):
    """Records until the speaker pauses (or :meth:`cancel`), and returns what the recognizer heard."""

    def __init__(self, source_factory: Callable[[], object], wav_path, engine: str = "auto", silence_s: float = 1.5,
                 max_s: float = 30.0):
        super().__init__()
        self.source_factory = source_factory
        self.wav_path = wav_path
        self.engine = engine
        self.silence_s = silence_s
        self.max_s = max_s

    def work(self) -> str:
        from rehearse.speech.listener import listen
        from rehearse.speech.recognizer import create_recognizer

        recognizer = create_recognizer(self.engine)
        try:
            heard = listen(self.source_factory(), recognizer, self.wav_path, silence_s=self.silence_s,
                           max_s=self.max_s, stop_event=self.stop_event)
        finally:
            recognizer.close()
        transcript = getattr(heard, "transcript", heard)
        return getattr(transcript, "text", str(transcript or ""))
