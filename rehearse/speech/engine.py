"""What every speech engine implements, and what they share: the streaming :class:`Recognizer` interface, the
audio format, and the process-wide model cache.

The engines (:mod:`rehearse.speech.whisper_engine`, :mod:`rehearse.speech.vosk_engine`) build on this module; the
factory that picks one, :mod:`rehearse.speech.recognizer`, imports them. (Nothing here imports an engine.)
"""

from __future__ import annotations

import threading
from abc import ABC, abstractmethod
from pathlib import Path
from typing import Callable

from rehearse.core.transcript import Transcript

SAMPLE_RATE = 16000
BYTES_PER_SECOND = SAMPLE_RATE * 2


class Recognizer(ABC):
    """A recognizer for one answer at a time: accept() chunks, partial() text, finish() result, reset()."""

    name: str = ""  # "whisper", "vosk" or "vosk+whisper"
    model: str = ""  # which model it uses, for people (a path or a package name)

    @abstractmethod
    def accept(self, pcm: bytes) -> None:
        """Feed 16 kHz mono signed 16-bit little-endian PCM (any chunk size)."""

    @abstractmethod
    def partial(self) -> str:
        """What has been heard of this answer so far (may change until finish())."""

    @abstractmethod
    def finish(self) -> Transcript:
        """Finish the answer and return its transcript (word times from the start of the answer)."""

    @abstractmethod
    def reset(self) -> None:
        """Forget the current answer and get ready for the next."""

    def close(self) -> None:
        """Release per-recognizer resources (the shared model stays loaded)."""

    def flush(self) -> None:
        """A pause has begun: get the text of what was said so far ready now (the listener calls this)."""

    def heard_until(self) -> float | None:
        """Seconds of the answer that partial()'s text covers; None when unknown (then no early end is taken)."""
        return None

    def turn_text(self) -> tuple[str, float | None]:
        """The punctuated text so far and how far it reaches (seconds), for deciding whether the user finished."""
        return self.partial(), self.heard_until()


class LiveAndFinal(Recognizer):
    """Live text from one recognizer (Vosk, word by word), the final transcript from another (Whisper)."""

    def __init__(self, live: Recognizer, final: Recognizer):
        self.live, self.final = live, final
        self.name = f"{live.name}+{final.name}"
        self.model = f"{live.model} (live); {final.model} (final)"

    def accept(self, pcm: bytes) -> None:
        self.live.accept(pcm)
        self.final.accept(pcm)

    def partial(self) -> str:
        return self.live.partial()

    def finish(self) -> Transcript:
        self.live.finish()
        return self.final.finish()

    def reset(self) -> None:
        self.live.reset()
        self.final.reset()

    def close(self) -> None:
        self.live.close()
        self.final.close()

    def flush(self) -> None:
        self.live.flush()
        self.final.flush()

    def heard_until(self) -> float | None:
        return self.live.heard_until()

    def turn_text(self) -> tuple[str, float | None]:
        return self.final.turn_text()  # Whisper writes punctuation; Vosk does not


# --- the shared model cache -------------------------------------------------------------------------------------

_models: dict[tuple[str, str], object] = {}
_models_lock = threading.Lock()


def shared_model(kind: str, path: Path | str, load: Callable[[], object]):
    """Return the model for (kind, path), calling ``load()`` only the first time (thread-safe)."""
    key = (kind, str(path))
    with _models_lock:
        model = _models.get(key)
        if model is None:
            model = load()
            _models[key] = model
        return model
