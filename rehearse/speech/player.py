"""Playing a stored recording back: from any position, pausable, with the position being heard known.

:class:`Player` plays one audio file through a PortAudio output stream (``sounddevice``) on the given device —
the app passes the device the manager's voice uses, so a recording is heard where the manager is. The file is
decoded once (any WAV libsndfile reads) and fed to the stream from a callback; ``position`` is the second being
*heard* now: the frames handed to the stream, less what is still waiting in its output buffer (from the stream's
own timing, so word highlighting does not run ahead of the sound). ``seek`` while playing restarts the stream at
the new place. No Qt here: the app polls ``position`` from a timer, the command line from its loop.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

import numpy as np

from rehearse.errors import UserError
from rehearse.speech.audio import read_wav
from rehearse.speech.tts_play import import_sounddevice

STOPPED, PLAYING, PAUSED = "stopped", "playing", "paused"
BLOCK_S = 0.02


class PlaybackError(UserError):
    """The recording cannot be played here (no output device, the device failed)."""


def _sounddevice():
    return import_sounddevice(PlaybackError)


class Player:
    def __init__(self, device=None, sd=None, on_finished=None):
        self.device = device
        self._sd = sd
        self.on_finished = on_finished  # called (on PortAudio's thread) when playback reaches the end
        self.path: Path | None = None
        self.samples = np.zeros(0, dtype=np.float32)
        self.rate = 16000
        self.state = STOPPED
        self._lock = threading.Lock()
        self._stream = None
        self._spent = None  # a stream that reached the end, to close
        self._shown = 0  # the last position reported while playing (frames)
        self._fed = 0  # next frame to hand to the stream
        self._start = 0  # frame playback (re)started from
        self._anchor: tuple[int, float] | None = None  # (frame, monotonic time it is heard)
        self._held = 0  # the position while paused or stopped (frames)
        self.finished = threading.Event()

    # ---- the file -------------------------------------------------------------------------------------------
    def load(self, path) -> float:
        """Decode ``path`` (stops what was playing); returns its length in seconds."""
        self.stop()
        samples, rate = read_wav(path)
        with self._lock:
            self.path, self.samples, self.rate = Path(path), samples, rate
            self._held = 0
        return self.duration

    @property
    def duration(self) -> float:
        return len(self.samples) / self.rate if self.rate else 0.0

    # ---- where we are ---------------------------------------------------------------------------------------
    @property
    def position(self) -> float:
        """The second being heard now (while playing), or where playback stands (paused, stopped)."""
        with self._lock:
            if self.state != PLAYING:
                return self._held / self.rate
            if self._anchor is None:
                return self._start / self.rate
            frame, heard_at = self._anchor
            now = frame + (time.monotonic() - heard_at) * self.rate
            # never past what was handed over, never backwards while one stream plays
            self._shown = max(self._shown, self._start, min(now, self._fed, len(self.samples)))
            return self._shown / self.rate

    # ---- control ----------------------------------------------------------------------------------------------
    def play(self, start: float | None = None) -> None:
        """Play from ``start`` seconds (default: where it stands; from the beginning after the end)."""
        if self.path is None:
            raise PlaybackError("nothing to play: no recording loaded")
        self._close_stream()
        with self._lock:
            frame = self._held if start is None else int(max(0.0, float(start)) * self.rate)
            if frame >= len(self.samples):
                frame = 0 if start is None else len(self.samples)
            self._start = self._fed = self._shown = frame
            self._anchor = None
            self.finished.clear()
        sd = self._sd or _sounddevice()
        errors = (getattr(sd, "PortAudioError", OSError), OSError, ValueError)
        try:
            stream = sd.OutputStream(samplerate=self.rate, channels=1, dtype="float32", device=self.device,
                                     blocksize=int(self.rate * BLOCK_S), latency="low", callback=self._callback,
                                     finished_callback=self._ended)
            with self._lock:
                self._stream = stream
                self.state = PLAYING
            stream.start()
        except errors as err:
            with self._lock:
                self._stream, self.state, self._held = None, STOPPED, frame
            where = f" on device {self.device!r}" if self.device not in (None, "") else ""
            raise PlaybackError(f"cannot play the recording{where} ({err}); `rehearse devices` lists the "
                                "outputs") from None

    def pause(self) -> None:
        if self.state != PLAYING:
            return
        held = int(self.position * self.rate)
        self._close_stream()
        with self._lock:
            self._held, self.state = held, PAUSED

    def resume(self) -> None:
        if self.state == PAUSED:
            self.play()

    def stop(self) -> None:
        """Stop and go back to the beginning."""
        self._close_stream()
        with self._lock:
            self._held, self.state = 0, STOPPED

    def seek(self, seconds: float) -> None:
        """Move to ``seconds``; playing goes on from there, paused or stopped stays so."""
        seconds = max(0.0, min(float(seconds), self.duration))
        if self.state == PLAYING:
            self.play(seconds)
        else:
            with self._lock:
                self._held = int(seconds * self.rate)
                if self.state == STOPPED and seconds > 0:
                    self.state = PAUSED

    def wait(self, timeout: float | None = None) -> bool:
        """Block until playback reaches the end (True) or ``timeout`` passes."""
        return self.finished.wait(timeout)

    def close(self) -> None:
        self.stop()

    # ---- PortAudio's side -----------------------------------------------------------------------------------
    def _callback(self, outdata, frames, time_info, status) -> None:
        with self._lock:
            start = self._fed
            chunk = self.samples[start:start + frames]
            self._fed = start + len(chunk)
            delay = 0.0
            try:
                delay = max(0.0, float(time_info.outputBufferDacTime) - float(time_info.currentTime))
            except (AttributeError, TypeError, ValueError):
                pass
            if not 0.0 <= delay < 2.0:
                delay = 0.0
            self._anchor = (start, time.monotonic() + delay)
        outdata[:len(chunk), 0] = chunk
        if len(chunk) < frames:
            outdata[len(chunk):] = 0
            raise (self._sd or _sounddevice()).CallbackStop

    def _ended(self) -> None:
        with self._lock:
            if self._stream is None or self.state != PLAYING or self._fed < len(self.samples):
                return  # stopped, paused or restarted from our side
            self.state, self._held = STOPPED, len(self.samples)
            self._spent, self._stream = self._stream, None  # closed by the next play (not from its own thread)
        self.finished.set()
        if self.on_finished is not None:
            self.on_finished()

    def _close_stream(self) -> None:
        with self._lock:
            streams = (self._stream, self._spent)
            self._stream = self._spent = None
        for stream in streams:
            if stream is None:
                continue
            try:
                stream.abort()
                stream.close()
            except Exception:  # noqa: BLE001 - a device gone away: nothing left to stop
                pass
