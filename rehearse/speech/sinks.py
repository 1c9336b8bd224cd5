"""Where recorded audio goes: a WAV file that is valid on disk while it is still being written.

:class:`WavWriter` uses the standard library's ``wave`` module, which rewrites the RIFF and data chunk sizes in the
header after every ``writeframes`` call. We flush the file to the operating system after every write and ``fsync``
it at least every ``sync_s`` seconds, so a crash of the process loses nothing already written and a crash of the
machine loses at most the last second. Killing the process mid-recording leaves a WAV file that reads normally.
"""

from __future__ import annotations

import os
import time
import wave
from pathlib import Path

from rehearse.errors import UserError
from rehearse.fileio import why


class WavWriter:
    """Append 16-bit PCM to a WAV file, keeping it valid and on disk as it grows.

    ``WavWriter(path, rate=16000)``; ``write(pcm_bytes)``; ``close()`` (also a context manager). ``duration`` is
    the seconds written so far.
    """

    def __init__(self, path, rate: int = 16000, channels: int = 1, sync_s: float = 1.0):
        self.path = Path(path)
        self.rate = int(rate)
        self.channels = int(channels)
        self.sync_s = float(sync_s)
        self._frame_bytes = 2 * self.channels
        self._frames = 0
        self._pending = b""  # an odd trailing byte waiting for its partner
        self._failed = False  # a write failed (full disk...): the error was raised then; close() stays quiet
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._file = open(self.path, "wb")
        except OSError as err:
            raise UserError(f"{self.path}: cannot write the recording ({err.strerror or err})") from None
        try:
            self._wave = wave.open(self._file, "wb")
            self._wave.setnchannels(self.channels)
            self._wave.setsampwidth(2)
            self._wave.setframerate(self.rate)
            self._wave.writeframes(b"")  # writes the header now, so even an empty recording is a valid WAV
            self._sync()
        except OSError as err:
            try:
                self._file.close()
            except OSError:
                pass
            raise UserError(f"{self.path}: cannot write the recording ({why(err)})") from None
        self.closed = False

    @property
    def frames(self) -> int:
        return self._frames

    @property
    def duration(self) -> float:
        return self._frames / self.rate

    def write(self, pcm: bytes) -> None:
        """Append s16le PCM (whole frames are written; a split frame waits for the next call)."""
        if self.closed:
            raise ValueError("WavWriter is closed")
        data = self._pending + bytes(pcm)
        whole = len(data) - len(data) % self._frame_bytes
        self._pending = data[whole:]
        if not whole:
            return
        try:
            self._wave.writeframes(data[:whole])  # also patches the header's sizes
            self._file.flush()
        except OSError as err:
            self._failed = True
            raise UserError(f"{self.path}: cannot write the recording ({why(err)}); what was recorded before "
                            "is kept") from None
        self._frames += whole // self._frame_bytes
        if time.monotonic() - self._last_sync >= self.sync_s:
            try:
                self._sync()
            except OSError as err:
                self._failed = True
                raise UserError(f"{self.path}: cannot write the recording ({why(err)}); what was recorded "
                                "before is kept") from None

    def _sync(self) -> None:
        self._file.flush()
        try:
            os.fsync(self._file.fileno())
        except OSError:
            pass  # some file systems cannot fsync; the data is still with the OS
        self._last_sync = time.monotonic()

    def close(self) -> Path:
        """Finish the file (header sizes final, synced to disk). Safe to call twice."""
        if self.closed:
            return self.path
        self.closed = True
        problem = None
        for step in (self._wave.close, self._sync, self._file.close):  # wave.close does not close our file
            try:
                step()
            except OSError as err:
                problem = problem or err
                if step is not self._file.close:
                    try:
                        self._file.close()  # may fail again on its own flush; the file is closed either way
                    except OSError:
                        pass
                    break
        if problem is not None and not self._failed:
            self._failed = True
            raise UserError(f"{self.path}: cannot finish the recording ({why(problem)}); the audio written "
                            "before is kept")
        return self.path

    def __enter__(self) -> "WavWriter":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
