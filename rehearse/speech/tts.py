"""The manager's voice: Piper's natural "joe" voice by default, the system voices (pyttsx3) to choose or fall back on.

Piper runs in a long-lived worker process (:mod:`rehearse.speech.piper_voice`) and answers sentence by sentence,
so :meth:`Speaker.speak` starts playing after the first sentence while the rest is synthesised. System voices run
through ``tts_worker.py`` (pyttsx3, espeak-ng on Linux), one process per piece, because pyttsx3's loop hangs in GUI
processes. A line is spoken as segments — its sentences, and a pause before words a persona hesitates on — with the
persona's pace and pauses (:class:`VoiceStyle`). Whole lines are cached under ``cache_dir()/tts/`` by (text, voice,
rate, style), so a repeated or prefetched line plays at once.

When Piper cannot load, the system voice speaks and :attr:`Speaker.notice` says why (the app shows it as a banner,
the command line prints it); a line Piper cannot say is tried with the system voice. :class:`TTSUnavailable`
means no voice could say it: callers show the line as text and go on.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterator

import numpy as np

from rehearse.errors import UserError
from rehearse.paths import cache_dir
from rehearse.speech.piper_voice import (PIPER_LABEL, PIPER_NAMES, PIPER_VOICE_ID, PiperProcess, PiperUnavailable,
                                         length_scale, piper_installed)
from rehearse.speech.tts_play import Player, import_sounddevice
from rehearse.speech.tts_voice_files import (INSTALL_HINT, TTSUnavailable, Voice,  # noqa: F401
                                               cache_key, check_wav, read_wav_int16, write_wav)
from rehearse.speech.tts_style import DEFAULT_STYLE, VoiceStyle, persona_style, split_segments  # noqa: F401

WORKER = Path(__file__).with_name("tts_worker.py")
MIN_RATE, MAX_RATE = 60, 500
SYSTEM_RATE = 200  # words a minute of the system voice when no rate is given (pyttsx3's default)
DEFAULT_VOICE = PIPER_VOICE_ID
PREFETCH_DELAY_S = 1.0  # a prefetch waits this long for the first line to start speaking
SYSTEM_VOICE = "system"  # the system's default voice (pyttsx3)
@dataclass
class _Line:
    """What one synthesis of a line produced: which kinds of voice spoke, and the samples."""
    kinds: set = field(default_factory=set)
    pieces: list = field(default_factory=list)
    rate: int | None = None


class Speaker:
    """Speaks the manager's lines: ``speak`` streams and plays one, ``synthesize`` returns its cached WAV.

    ``voice`` is the default voice (None: Piper's joe); a call may name another (a Piper name or a system voice id,
    name or language code, as ``rehearse voices`` lists them). ``on_notice`` is called with a sentence each time
    the manager falls back to the system voice (also kept in ``notice``).
    """

    def __init__(self, cache: Path | None = None, timeout: float = 30.0, python: str | None = None,
                 env: dict | None = None, voice: str | None = None):
        self.cache = Path(cache) if cache else cache_dir() / "tts"
        self.timeout = timeout
        self.python = python or sys.executable
        self.env = env  # None: this process's environment
        self.voice = voice or DEFAULT_VOICE
        self.piper = PiperProcess(WORKER, self.python, env, timeout)
        self._locks: dict[str, threading.Lock] = {}
        self._locks_guard = threading.Lock()
        self._voices: list[Voice] | None = None
        self._available: bool | None = None
        self.last_problem: str | None = None
        self.notice: str | None = None
        self.on_notice: Callable[[str], None] | None = None
        self.first_audio_s: float | None = None  # the last speak(): seconds from the call to the first samples out
        self._speaking = threading.Event()  # set once speak() has been called (prefetch waits for it, briefly)
        self.prefetch_allowed = threading.Event()  # cleared while the user answers: prefetch never competes
        self.prefetch_allowed.set()  # with the recognizer for the CPU (see hold_prefetch)

    # -- the system voice worker ---------------------------------------------------------------------------
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

    # -- voices ----------------------------------------------------------------------------------------------
    @staticmethod
    def is_piper(voice: str | None) -> bool:
        return (voice or "").strip().lower() in PIPER_NAMES

    def _resolve(self, voice: str | None) -> str:
        """The voice a line will be spoken with: the one asked for, or the system voice when Piper is broken."""
        voice = (voice or self.voice).strip()
        if self.is_piper(voice):
            if not piper_installed():
                self._fallback("the natural voice (Piper) is not installed")
                return SYSTEM_VOICE
            if self.piper.broken:
                return SYSTEM_VOICE
            return PIPER_VOICE_ID
        return voice

    def _fallback(self, why: str) -> None:
        message = f"The manager's natural voice is not available ({why}); the system voice speaks instead."
        self.last_problem = why
        if message != self.notice:
            self.notice = message
            if self.on_notice is not None:
                self.on_notice(message)

    def available(self) -> bool:
        """Whether any voice works here (checked once; loads Piper when it is the default voice)."""
        if self._available is None:
            if self.is_piper(self.voice) and piper_installed():
                try:
                    self.piper.load()
                    self._available = True
                    return True
                except PiperUnavailable as err:
                    self._fallback(str(err))
            try:
                self._run_worker({"action": "probe"})
                self._available = True
            except TTSUnavailable as err:
                self.last_problem = str(err)
                self._available = False
        return self._available

    def voices(self) -> list[Voice]:
        """Piper's natural voice (when installed) first, then the system voices."""
        if self._voices is None:
            voices = [Voice(PIPER_VOICE_ID, PIPER_LABEL, ["en-us"], "piper")] if piper_installed() else []
            try:
                answer = self._run_worker({"action": "voices"})
                voices += [Voice(v["id"], v["name"], list(v["languages"])) for v in answer["voices"]]
            except TTSUnavailable:
                if not voices:
                    raise
            self._voices = voices
        return self._voices

    # -- synthesis -------------------------------------------------------------------------------------------
    def _check(self, text: str, rate: int | None) -> tuple[str, int | None]:
        text = (text or "").strip()
        if not text:
            raise UserError("nothing to say: the text is empty")
        if rate is not None and not MIN_RATE <= int(rate) <= MAX_RATE:
            raise UserError(f"--rate {rate}: give words per minute between {MIN_RATE} and {MAX_RATE}")
        return text, (int(rate) if rate is not None else None)

    def cached_path(self, text: str, voice: str | None = None, rate: int | None = None,
                    style: VoiceStyle | None = None) -> Path:
        voice = self._resolve(voice)
        return self.cache / f"{cache_key(text.strip(), voice, rate, style)}.wav"

    def _lock(self, key: str) -> threading.Lock:
        with self._locks_guard:
            return self._locks.setdefault(key, threading.Lock())

    def _system_piece(self, text: str, voice: str, rate: int | None, speed: float) -> tuple[np.ndarray, int]:
        self.cache.mkdir(parents=True, exist_ok=True)
        tmp = self.cache / f".piece.{os.getpid()}.{threading.get_ident()}.tmp.wav"
        wpm = min(MAX_RATE, max(MIN_RATE, round((rate or SYSTEM_RATE) * speed)))
        try:
            self._run_worker({"action": "synth", "text": text, "out": str(tmp),
                              "voice": None if voice == SYSTEM_VOICE else voice, "rate": wpm})
            check_wav(tmp)
            data, rate_hz = read_wav_int16(tmp)
        finally:
            tmp.unlink(missing_ok=True)
        return data[:, 0], rate_hz

    def _pieces(self, text: str, voice: str, rate: int | None, style: VoiceStyle, line: _Line) -> Iterator:
        """Yield (samples, rate) for the line, segment by segment, with the style's pauses between them."""
        for segment, pause in split_segments(text, style):
            if pause > 0 and line.rate:
                yield np.zeros(int(pause * line.rate), dtype=np.int16), line.rate
            if voice == PIPER_VOICE_ID and not self.piper.broken:
                heard = False
                try:
                    for samples in self.piper.stream(segment, length_scale(rate, style.speed)):
                        heard = heard or bool(np.abs(samples).max(initial=0) > 64)
                        line.rate = line.rate or self.piper.sample_rate
                        line.kinds.add("piper")
                        yield samples, self.piper.sample_rate
                    if heard:
                        continue
                    problem = f"it produced no sound for {segment!r}"
                except PiperUnavailable as err:
                    problem = str(err)
                self._fallback(problem)
            try:
                samples, rate_hz = self._system_piece(segment, SYSTEM_VOICE if voice == PIPER_VOICE_ID else voice,
                                                      rate, style.speed)
            except TTSUnavailable as err:
                raise TTSUnavailable(f"no voice could say {segment!r}: {err}") from None
            line.rate = line.rate or rate_hz
            line.kinds.add("system")
            yield samples, rate_hz

    def _store(self, path: Path, line: _Line, voice: str) -> Path:
        """Write the line's audio: into the cache when one voice said all of it, else to a one-off file."""
        if not line.pieces:
            raise TTSUnavailable("speech synthesis produced no audio")
        from rehearse.speech.audio import resample

        same = [p if r == line.rate else np.round(np.clip(resample(p.astype(np.float32) / 32768.0, r, line.rate),
                                                          -1, 1) * 32767).astype(np.int16)
                for p, r in line.pieces]
        clean = line.kinds == ({"piper"} if voice == PIPER_VOICE_ID else {"system"})
        target = path if clean else path.with_name(f"once-{path.name}")
        self.cache.mkdir(parents=True, exist_ok=True)
        tmp = path.with_name(f".{path.stem}.{os.getpid()}.{threading.get_ident()}.tmp.wav")
        try:
            write_wav(tmp, np.concatenate(same), line.rate)
            check_wav(tmp)
            os.replace(tmp, target)
        finally:
            tmp.unlink(missing_ok=True)
        return target

    def synthesize(self, text: str, voice: str | None = None, rate: int | None = None,
                   style: VoiceStyle | None = None) -> Path:
        """The WAV for ``text`` (from the cache when it is there). Raises TTSUnavailable / UserError."""
        text, rate = self._check(text, rate)
        style = style or DEFAULT_STYLE
        voice = self._resolve(voice)
        path = self.cache / f"{cache_key(text, voice, rate, style)}.wav"
        with self._lock(path.stem):  # a line being prefetched is waited for, not synthesised twice
            if path.is_file():
                return path
            line = _Line()
            for samples, rate_hz in self._pieces(text, voice, rate, style, line):
                line.pieces.append((samples, rate_hz))
            return self._store(path, line, voice)

    def prefetch(self, lines, voice: str | None = None, rate: int | None = None,
                 style: VoiceStyle | None = None) -> threading.Thread:
        """Synthesise ``lines`` ahead, in a background thread (errors are remembered in ``last_problem``)."""

        def work():
            # let a line that is about to be spoken take its turn first (it streams; a prefetch of it would not)
            self._speaking.wait(PREFETCH_DELAY_S)
            for line in lines:
                self.prefetch_allowed.wait()
                try:
                    self.synthesize(line, voice, rate, style)
                except UserError as err:
                    self.last_problem = str(err)
                    if isinstance(err, TTSUnavailable) and not self.is_piper(self._resolve(voice)):
                        return

        thread = threading.Thread(target=work, name="tts-prefetch", daemon=True)
        thread.start()
        return thread

    def hold_prefetch(self, hold: bool = True) -> None:
        """Pause prefetching (between lines) while the user answers, so it does not slow the recognizer down;
        ``hold_prefetch(False)`` resumes it."""
        if hold:
            self.prefetch_allowed.clear()
        else:
            self.prefetch_allowed.set()

    # -- speaking --------------------------------------------------------------------------------------------
    def speak(self, text: str, voice: str | None = None, rate: int | None = None, style: VoiceStyle | None = None,
              *, sd=None, stop_event=None, device=None) -> bool:
        """Say ``text`` and block until it has been heard; False if ``stop_event`` stopped it.

        A cached line is played from its file; otherwise playback starts as soon as the first sentence is
        synthesised while the rest follows, and the whole line is cached at the end. ``first_audio_s`` is then
        the time from this call to the first samples handed to the sound device.
        """
        started = time.monotonic()
        self.first_audio_s = None
        text, rate = self._check(text, rate)
        style = style or DEFAULT_STYLE
        voice = self._resolve(voice)
        path = self.cache / f"{cache_key(text, voice, rate, style)}.wav"
        player = Player(sd=sd, stop_event=stop_event, device=device)
        with self._lock(path.stem):
            self._speaking.set()
            if path.is_file():
                data, rate_hz = read_wav_int16(path)
                try:
                    player.write(data, rate_hz)
                finally:
                    heard = player.finish()
                self._timed(player, started)
                return heard
            line = _Line()
            pieces: queue.Queue = queue.Queue()  # unbounded: a stopped line never blocks the producer
            cancel = threading.Event()

            def produce():
                gen = self._pieces(text, voice, rate, style, line)
                try:
                    for item in gen:
                        if cancel.is_set():
                            break
                        pieces.put(item)
                    pieces.put(None)
                except BaseException as err:  # noqa: BLE001 - handed to the playing thread
                    pieces.put(err)
                finally:
                    gen.close()

            producer = threading.Thread(target=produce, name="tts-stream", daemon=True)
            producer.start()
            try:
                while True:
                    item = pieces.get()
                    if item is None:
                        break
                    if isinstance(item, BaseException):
                        raise item
                    line.pieces.append(item)
                    if not player.write(*item):
                        break
            except BaseException:
                cancel.set()
                player.abort()
                raise
            heard = player.finish()
            self._timed(player, started)
            if not heard:
                cancel.set()
                return False
            producer.join()
            try:
                self._store(path, line, voice)
            except (UserError, OSError) as err:  # the line was heard; only the cache copy failed
                self.last_problem = str(err)
            return True

    def _timed(self, player: Player, started: float) -> None:
        if player.first_write is not None:
            self.first_audio_s = player.first_write - started

    def play(self, path, sd=None, stop_event=None, device=None) -> bool:
        """Play a WAV through sounddevice and block until it has been heard; False if ``stop_event`` stopped it.
        No output device raises TTSUnavailable (see :class:`~rehearse.speech.tts_play.Player`)."""
        data, rate = read_wav_int16(Path(path))
        player = Player(sd=sd, stop_event=stop_event, device=device)
        try:
            player.write(data, rate)
        except BaseException:
            player.abort()
            raise
        return player.finish()

    def say(self, text: str, voice: str | None = None, rate: int | None = None, sd=None, stop_event=None) -> bool:
        return self.speak(text, voice, rate, sd=sd, stop_event=stop_event)

    def close(self) -> None:
        """Stop the Piper worker (it is started again when needed)."""
        self.piper.close()


_import_sounddevice = import_sounddevice  # the name older callers used
