"""Vosk behind the streaming Recognizer interface: live word-by-word text, word times and confidences.

The model is always loaded from a folder with ``vosk.Model(path)`` (never by language name, which would go to the
network), once per process; each recognizer has its own ``KaldiRecognizer``. A missing or broken model folder is
reported as a UserError before Vosk sees it (Vosk may abort the process on a bad path).
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from rehearse.core.transcript import Transcript, Word
from rehearse.errors import UserError
from rehearse.speech.engine import BYTES_PER_SECOND, SAMPLE_RATE, Recognizer, shared_model


def model_folder(path) -> Path:
    """Check that ``path`` is a Vosk model folder (am/final.mdl, conf/, a graph) and return it.

    A folder holding exactly one model folder (as a model zip unpacks) is accepted too.
    """
    path = Path(path).expanduser()
    if not path.exists():
        raise UserError(f"{path}: no such Vosk model folder")
    if not path.is_dir():
        raise UserError(f"{path}: not a folder; a Vosk model is a folder with am/, conf/ and graph/")
    if not (path / "am").is_dir():
        inner = [p for p in path.iterdir() if p.is_dir() and (p / "am").is_dir()]
        if len(inner) == 1:
            path = inner[0]
    missing = []
    if not (path / "am" / "final.mdl").is_file():
        missing.append("am/final.mdl")
    if not (path / "conf").is_dir():
        missing.append("conf/")
    graph = path / "graph"
    if not (graph.is_dir() or (path / "HCLG.fst").is_file()):
        missing.append("graph/")
    elif graph.is_dir() and not any(graph.glob("*.fst")):
        missing.append("graph/*.fst")
    if missing:
        raise UserError(f"{path}: not a usable Vosk model (missing {', '.join(missing)}); "
                        "reinstall it with `rehearse models install`")
    return path


def load_vosk_model(path):
    """The shared ``vosk.Model`` for the folder ``path`` (loaded on first use)."""
    folder = model_folder(path)

    def load():
        import vosk

        vosk.SetLogLevel(-1)
        # Kaldi writes a page of usage text to stderr (fd 2, past SetLogLevel) when a config file is broken:
        # keep it out of the user's terminal and quote its error line instead.
        with tempfile.TemporaryFile() as captured:
            saved = os.dup(2)
            os.dup2(captured.fileno(), 2)
            try:
                return vosk.Model(str(folder))
            except Exception as err:  # vosk raises a bare Exception("Failed to create a model")
                captured.seek(0)
                lines = captured.read().decode("utf-8", "replace").splitlines()
                detail = next((ln for ln in reversed(lines) if "ERROR" in ln), str(err))
                raise UserError(f"{folder}: Vosk could not load this model ({detail.strip()}); it may be "
                                "corrupt — reinstall it with `rehearse models install`") from None
            finally:
                os.dup2(saved, 2)
                os.close(saved)

    return shared_model("vosk", folder.resolve(), load)


class VoskRecognizer(Recognizer):
    name = "vosk"

    def __init__(self, model_path):
        self._model = load_vosk_model(model_path)
        self.model = str(model_folder(model_path))
        self._rec = None
        self.reset()

    def reset(self) -> None:
        import vosk

        self._rec = vosk.KaldiRecognizer(self._model, SAMPLE_RATE)
        self._rec.SetWords(True)
        self._done: list[dict] = []  # finished utterances (Vosk's own endpointing)
        self._bytes = 0

    def accept(self, pcm: bytes) -> None:
        if not pcm:
            return
        self._bytes += len(pcm)
        if self._rec.AcceptWaveform(bytes(pcm)):
            self._keep(self._rec.Result())

    def _keep(self, raw: str) -> None:
        result = json.loads(raw)
        if result.get("text"):
            self._done.append(result)

    def partial(self) -> str:
        live = json.loads(self._rec.PartialResult()).get("partial", "")
        return " ".join([r["text"] for r in self._done] + ([live] if live else []))

    def finish(self) -> Transcript:
        self._keep(self._rec.FinalResult())
        words = [
            Word(w["word"], round(float(w["start"]), 3), round(float(w["end"]), 3), round(float(w["conf"]), 3))
            for r in self._done for w in r.get("result", [])
        ]
        text = " ".join(w.word for w in words) if words else " ".join(r["text"] for r in self._done)
        return Transcript(text=text, words=words, duration=round(self._bytes / BYTES_PER_SECOND, 3))
