"""Checking the audio from Settings and the guided start, each on its own thread and stoppable: the microphone's
live level, a test sound or a line in a voice on an output device, and the list of voices."""

from __future__ import annotations

import math
import wave
from pathlib import Path

from PySide6.QtCore import Signal

from rehearse.ui.threads import Job


class LevelJob(Job):
    """Reads the microphone and reports its level (dBFS) until cancelled; nothing is recorded."""

    level = Signal(float)

    def __init__(self, source_factory):
        super().__init__()
        self.source_factory = source_factory

    def work(self):
        import numpy as np

        source = self.source_factory()
        source.start()
        try:
            while not self.stop_event.is_set():
                chunk = source.read(timeout=0.2)
                if chunk is None:
                    break
                if not chunk:
                    continue
                samples = np.frombuffer(chunk, dtype="<i2").astype(np.float32)
                rms = float(np.sqrt(np.mean(samples ** 2))) if samples.size else 0.0
                self.level.emit(20 * math.log10(max(rms, 1.0) / 32768.0))
        finally:
            source.stop()
        return None


class PlayJob(Job):
    """Synthesises a line in a voice (or takes a WAV) and plays it on an output device."""

    def __init__(self, speaker, text: str | None = None, wav: Path | None = None, voice=None, rate=None,
                 device=None):
        super().__init__()
        self.speaker, self.text, self.wav = speaker, text, wav
        self.voice, self.rate, self.device = voice, rate, device

    def work(self):
        from rehearse.speech.sources import parse_device

        path = self.wav or self.speaker.synthesize(self.text, self.voice, self.rate)
        if not self.stop_event.is_set():
            self.speaker.play(path, stop_event=self.stop_event, device=parse_device(self.device))
        return path


class VoicesJob(Job):
    def __init__(self, speaker):
        super().__init__()
        self.speaker = speaker

    def work(self):
        return self.speaker.voices()


def chime_wav(path: Path) -> Path:
    """A short two-note chime (16-bit WAV) for testing the output."""
    import numpy as np

    rate = 22050
    notes = []
    for freq in (660.0, 880.0):
        t = np.arange(int(rate * 0.25)) / rate
        fade = np.minimum(1.0, np.minimum(t, t[::-1]) / 0.02)
        notes.append(0.3 * np.sin(2 * np.pi * freq * t) * fade)
    data = (np.concatenate(notes) * 32767).astype("<i2")
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(data.tobytes())
    return path
