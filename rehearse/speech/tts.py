"""The manager's voice: text to speech through pyttsx3 (espeak-ng on Linux) in a worker process, cached.

Each utterance is synthesised by ``tts_worker.py`` in a process of its own, with a timeout, into a WAV file
(22,050 Hz mono 16-bit with espeak-ng) that is checked (valid WAV, frames, not all silence) and cached under
``cache_dir()/tts/`` by (text, voice, rate), so a repeated manager line is ready at once. :class:`TTSUnavailable`
means there is no backend: callers show the line as text and go on.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import threading
import time
import wave
from dataclasses import asdict, dataclass
from pathlib import Path

from rehearse.errors import UserError
from rehearse.paths import cache_dir

WORKER = Path(__file__).with_name("tts_worker.py")
CACHE_VERSION = 1
MIN_RATE, MAX_RATE = 60, 500
PLAY_BLOCK_S = 0.05  # playback is written in blocks this long; stop_event is checked between them
INSTALL_HINT = "Install espeak-ng (Debian/Ubuntu: sudo apt-get install espeak-ng)"


class TTSUnavailable(UserError):
    """The manager cannot be heard: no speech backend (espeak-ng missing, pyttsx3 cannot start, the worker failed
    or timed out) or no sound output. Callers show the line as text and go on."""


@dataclass(frozen=True)
class Voice:
    id: str
    name: str
    languages: list[str]

    def to_dict(self) -> dict:
        return asdict(self)


def cache_key(text: str, voice: str | None, rate: int | None) -> str:
    blob = json.dumps([CACHE_VERSION, text, voice, rate], ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:40]


def check_wav(path: Path) -> dict:
    """Raise TTSUnavailable unless ``path`` is a valid WAV with sound in it; return its format."""
    import numpy as np

    try:
        with wave.open(str(path), "rb") as wav:
            info = {"sample_rate": wav.getframerate(), "channels": wav.getnchannels(), "sample_width": wav.getsampwidth(),
                    "frames": wav.getnframes()}
            frames = wav.readframes(info["frames"])
    except (OSError, EOFError, wave.Error) as err:
        raise TTSUnavailable(f"speech synthesis produced no usable audio ({err})") from None
    if info["frames"] == 0:
        raise TTSUnavailable("speech synthesis produced an empty recording")
    if info["sample_width"] == 2 and not np.frombuffer(frames, dtype="<i2").any():
        raise TTSUnavailable("speech synthesis produced only silence")
    return info


class Speaker:
    """Speaks the manager's lines. ``synthesize`` returns a cached WAV path; ``play`` plays one, stoppably."""

    def __init__(self, cache: Path | None = None, timeout: float = 30.0, python: str | None = None,
                 env: dict | None = None):
        self.cache = Path(cache) if cache else cache_dir() / "tts"
        self.timeout = timeout
        self.python = python or sys.executable
        self.env = env  # None: this process's environment
        self._locks: dict[str, threading.Lock] = {}
        self._locks_guard = threading.Lock()
        self._voices: list[Voice] | None = None
        self._available: bool | None = None
        self.last_problem: str | None = None

    # -- the worker -------------------------------------------------------------------------------------
    def _run_worker(self, request: dict) -> dict:
        try:
            done = subprocess.run([self.python, str(WORKER)], input=json.dumps(request), capture_output=True,
                                  text=True, timeout=self.timeout, env=self.env)
        except subprocess.TimeoutExpired:
            raise TTSUnavailable(f"speech synthesis did not finish within {self.timeout:g} s") from None
        except OSError as err:
            raise TTSUnavailable(f"cannot start the speech worker ({err})") from None
        lines = done.stdout.strip().splitlines()
        try:
            answer = json.loads(lines[-1])
        except (IndexError, ValueError):
            detail = done.stderr.strip().splitlines()[-1:] or [f"exit code {done.returncode}"]
            raise TTSUnavailable(f"Text to speech is not available: the speech worker failed ({detail[0]}). "
                                 f"{INSTALL_HINT}.") from None
        if answer.get("ok"):
            return answer
        if answer.get("kind") == "bad_input":
            raise UserError(answer["error"])
        raise TTSUnavailable(f"Text to speech is not available ({answer.get('error')}). {INSTALL_HINT}; "
                             "meanwhile the manager's lines are shown as text.")

    def available(self) -> bool:
        """Whether a speech backend works here (checked once, in a worker)."""
        if self._available is None:
            try:
                self._run_worker({"action": "probe"})
                self._available = True
            except TTSUnavailable as err:
                self.last_problem = str(err)
                self._available = False
        return self._available

    def voices(self) -> list[Voice]:
        if self._voices is None:
            answer = self._run_worker({"action": "voices"})
            self._voices = [Voice(v["id"], v["name"], list(v["languages"])) for v in answer["voices"]]
        return self._voices

    # -- synthesis --------------------------------------------------------------------------------------
    def cached_path(self, text: str, voice: str | None = None, rate: int | None = None) -> Path:
        return self.cache / f"{cache_key(text.strip(), voice, rate)}.wav"

    def _lock(self, key: str) -> threading.Lock:
        with self._locks_guard:
            return self._locks.setdefault(key, threading.Lock())

    def synthesize(self, text: str, voice: str | None = None, rate: int | None = None) -> Path:
        """The WAV for ``text`` (from the cache when it is there). Raises TTSUnavailable / UserError."""
        text = (text or "").strip()
        if not text:
            raise UserError("nothing to say: the text is empty")
        if rate is not None and not MIN_RATE <= int(rate) <= MAX_RATE:
            raise UserError(f"--rate {rate}: give words per minute between {MIN_RATE} and {MAX_RATE}")
        rate = int(rate) if rate is not None else None
        path = self.cached_path(text, voice, rate)
        with self._lock(path.stem):  # a line being prefetched is waited for, not synthesised twice
            if path.is_file():
                return path
            self.cache.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{path.stem}.{os.getpid()}.{threading.get_ident()}.tmp.wav")
            try:
                self._run_worker({"action": "synth", "text": text, "out": str(tmp), "voice": voice, "rate": rate})
                check_wav(tmp)
                os.replace(tmp, path)
            finally:
                tmp.unlink(missing_ok=True)
        return path

    def prefetch(self, lines, voice: str | None = None, rate: int | None = None) -> threading.Thread:
        """Synthesise ``lines`` ahead, in a background thread (errors are remembered in ``last_problem``)."""

        def work():
            for line in lines:
                try:
                    self.synthesize(line, voice, rate)
                except UserError as err:
                    self.last_problem = str(err)
                    if isinstance(err, TTSUnavailable):
                        return

        thread = threading.Thread(target=work, name="tts-prefetch", daemon=True)
        thread.start()
        return thread

    # -- playback ---------------------------------------------------------------------------------------
    def play(self, path, sd=None, stop_event=None, device=None) -> bool:
        """Play a WAV through sounddevice and block until it has been heard; False if ``stop_event`` stopped it.

        A blocking low-latency output stream is written in short blocks (``stop_event`` is checked between them),
        then the output latency the stream reports is waited out, so the call returns as soon as the last sample
        has left the speakers and no later: the microphone can open right after (half duplex) without hearing
        the manager. ``sd`` is the sounddevice module (imported lazily when not given; tests pass a fake one).
        No output device raises TTSUnavailable.
        """
        import numpy as np

        with wave.open(str(path), "rb") as wav:
            rate, channels, width = wav.getframerate(), wav.getnchannels(), wav.getsampwidth()
            frames = wav.readframes(wav.getnframes())
        if width != 2:
            raise UserError(f"{path}: only 16-bit WAV can be played")
        data = np.frombuffer(frames, dtype="<i2").reshape(-1, channels)
        sd = sd or _import_sounddevice()
        audio_errors = (getattr(sd, "PortAudioError", OSError), OSError, ValueError)
        try:
            stream = sd.OutputStream(samplerate=rate, channels=channels, dtype="int16", device=device,
                                     latency="low")
            stream.start()
        except audio_errors as err:
            if device is not None:
                raise TTSUnavailable(f"cannot play sound on device {device!r} ({err}); `rehearse devices` lists "
                                     "the speakers") from None
            raise TTSUnavailable(f"cannot play sound: no usable audio output device ({err})") from None
        block = max(1, int(rate * PLAY_BLOCK_S))
        stopped = False
        try:
            for start in range(0, len(data), block):
                if stop_event is not None and stop_event.is_set():
                    stopped = True
                    break
                stream.write(data[start:start + block])  # returns once the block fits in the output buffer
            if not stopped:
                # What was written is still in the output buffer for ``latency`` seconds: wait until it is heard.
                if stop_event is not None:
                    stopped = stop_event.wait(stream.latency)
                else:
                    time.sleep(stream.latency)
        except audio_errors as err:
            raise TTSUnavailable(f"sound playback failed ({err})") from None
        finally:
            try:
                stream.abort() if stopped else stream.stop()
                stream.close()
            except audio_errors:
                pass
        return not stopped

    def say(self, text: str, voice: str | None = None, rate: int | None = None, sd=None, stop_event=None) -> bool:
        return self.play(self.synthesize(text, voice, rate), sd=sd, stop_event=stop_event)


def _import_sounddevice():
    try:
        import sounddevice
    except OSError as err:  # no PortAudio library
        raise TTSUnavailable(f"cannot play sound: PortAudio is missing ({err}); install libportaudio2") from None
    return sounddevice
