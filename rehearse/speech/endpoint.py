"""Loudness (dBFS) and end-of-answer detection on 16-bit mono PCM.

:func:`dbfs` is the RMS level of a piece of audio relative to digital full scale (0 dBFS is the loudest; digital
silence is :data:`FLOOR_DB`). :class:`EndOfAnswerDetector` decides when the user has finished an answer: it looks at
20 ms frames, learns the background noise level as it goes, calls a frame voiced when it stands clearly above that
noise (and above an absolute minimum), and says the answer is over once speech was heard and then
``hold_s`` seconds (``silence_s`` unless the listener changes it) passed with no voiced frame — or when ``max_s``
seconds have been recorded.

The pauses inside the answer after which the user went on (``pauses``) and the length of the speech so far feed
the turn-taking rules (:mod:`rehearse.speech.turn_taking`), which set ``hold_s`` from the live text.
"""

from __future__ import annotations

import math

import numpy as np

FLOOR_DB = -100.0  # the level reported for digital silence
FRAME_S = 0.02
PAUSE_MIN_S = 0.3  # a gap between voiced frames this long counts as a pause in ``pauses``


def dbfs(pcm) -> float:
    """RMS level of s16le PCM bytes (or an int16 array) in dBFS, never below FLOOR_DB."""
    samples = _as_int16(pcm)
    if samples.size == 0:
        return FLOOR_DB
    rms = math.sqrt(float(np.mean(np.square(samples, dtype=np.float64)))) / 32768.0
    if rms <= 0.0:
        return FLOOR_DB
    return max(FLOOR_DB, 20.0 * math.log10(rms))


def _as_int16(pcm) -> np.ndarray:
    if isinstance(pcm, np.ndarray):
        return pcm.astype(np.int16, copy=False)
    data = bytes(pcm)
    return np.frombuffer(data[: len(data) - len(data) % 2], dtype="<i2")


class EndOfAnswerDetector:
    """Feed PCM as it arrives; ``feed`` returns True once the answer is over.

    Attributes after feeding: ``speech_started`` (bool), ``speech_start`` / ``speech_end`` (seconds of audio from
    the first sample fed, or None), ``elapsed`` (seconds fed), ``reason`` ("silence" | "max" | None), ``done``.

    ``threshold_db`` fixes the voiced threshold (dBFS) instead of learning it from the noise. Otherwise a frame is
    voiced when it is ``margin_db`` above the learnt noise floor and above ``min_speech_db``. Speech counts as
    started once ``onset_s`` of voiced frames fall within ``onset_window_s`` (so a click or a cough-length
    noise burst does not start an answer).
    """

    def __init__(
        self,
        silence_s: float = 1.5,
        max_s: float | None = None,
        rate: int = 16000,
        threshold_db: float | None = None,
        margin_db: float = 12.0,
        min_speech_db: float = -50.0,
        onset_s: float = 0.1,
        onset_window_s: float = 0.3,
    ):
        if silence_s <= 0:
            raise ValueError("silence_s must be positive")
        self.silence_s = float(silence_s)
        self.max_s = None if max_s is None else float(max_s)
        self.rate = int(rate)
        self.threshold_db = threshold_db
        self.margin_db = margin_db
        self.min_speech_db = min_speech_db
        self._frame_len = max(1, int(round(self.rate * FRAME_S)))
        self._onset_frames = max(1, int(round(onset_s / FRAME_S)))
        self._window_frames = max(self._onset_frames, int(round(onset_window_s / FRAME_S)))
        self.reset()

    def reset(self) -> None:
        self._rest = np.zeros(0, dtype=np.int16)
        self._frames = 0
        self._recent: list[tuple[int, bool]] = []  # (frame index, voiced) within the onset window
        self.noise_db: float | None = None
        self.speech_started = False
        self.speech_start: float | None = None
        self.speech_end: float | None = None
        self.reason: str | None = None
        self.done = False
        self.hold_s = self.silence_s  # the silence that ends the answer now (the listener may change it)
        self.pauses: list[float] = []  # pauses of PAUSE_MIN_S or more after which speech went on (seconds)

    @property
    def quiet_s(self) -> float:
        """Seconds of silence since the last voiced frame (0 before speech started)."""
        if not self.speech_started or self.speech_end is None:
            return 0.0
        return max(0.0, self._frames * self._frame_len / self.rate - self.speech_end)

    @property
    def speech_s(self) -> float:
        """Seconds from the first voiced frame of the answer to the last so far (0 before speech started)."""
        if not self.speech_started or self.speech_end is None:
            return 0.0
        return self.speech_end - self.speech_start

    @property
    def elapsed(self) -> float:
        return (self._frames * self._frame_len + self._rest.size) / self.rate

    def threshold(self) -> float:
        """The level (dBFS) above which a frame counts as voiced right now."""
        if self.threshold_db is not None:
            return self.threshold_db
        noise = FLOOR_DB if self.noise_db is None else self.noise_db
        return max(self.min_speech_db, noise + self.margin_db)

    def feed(self, pcm) -> bool:
        if self.done:
            return True
        samples = np.concatenate([self._rest, _as_int16(pcm)])
        usable = samples.size - samples.size % self._frame_len
        self._rest = samples[usable:]
        for frame in samples[:usable].reshape(-1, self._frame_len):
            self._frame(dbfs(frame))
            if self.done:
                break
        if not self.done and self.max_s is not None and self.elapsed >= self.max_s:
            self._finish("max")
        return self.done

    def _frame(self, level: float) -> None:
        index = self._frames
        self._frames += 1
        voiced = level > self.threshold()
        self._learn_noise(level, voiced)
        self._recent.append((index, voiced))
        while self._recent and self._recent[0][0] <= index - self._window_frames:
            self._recent.pop(0)
        frame_end = (index + 1) * self._frame_len / self.rate
        if voiced and self.speech_started:
            gap = index * self._frame_len / self.rate - self.speech_end
            if gap >= PAUSE_MIN_S - 1e-9:
                self.pauses.append(round(gap, 3))
            self.speech_end = frame_end
        if not self.speech_started:
            voiced_idx = [i for i, v in self._recent if v]
            if len(voiced_idx) >= self._onset_frames:
                self.speech_started = True
                self.speech_start = voiced_idx[0] * self._frame_len / self.rate
                self.speech_end = frame_end
        elif frame_end - self.speech_end >= self.hold_s - 1e-9:
            self._finish("silence")
        if not self.done and self.max_s is not None and frame_end >= self.max_s - 1e-9:
            self._finish("max")

    def _learn_noise(self, level: float, voiced: bool) -> None:
        """Track the background level: follow it down at once, up slowly (about 3 dB a second)."""
        if self.noise_db is None:
            self.noise_db = level
        elif level < self.noise_db:
            self.noise_db = level
        elif not voiced:
            self.noise_db = min(level, self.noise_db + 3.0 * FRAME_S)
        else:
            self.noise_db += 0.5 * FRAME_S  # a long steady hum eventually becomes the floor

    def _finish(self, reason: str) -> None:
        self.done = True
        self.reason = reason
