"""Finding phrases in a stream of audio: speech followed by a pause, by frame energy (no model).

:class:`rehearse.speech.whisper_engine.WhisperRecognizer` decodes each phrase this finds when its pause comes, so
Whisper (which does not stream) can feel like a streaming engine. The pause lengths come from its
:class:`~rehearse.speech.whisper_engine.DecodeOptions` (``pause_s``, ``min_phrase_s``, ``long_pause_s``,
``max_phrase_s``).
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING

import numpy as np

from rehearse.speech.engine import SAMPLE_RATE

if TYPE_CHECKING:
    from rehearse.speech.whisper_engine import DecodeOptions

FRAME = 320  # 20 ms at 16 kHz, the energy detector's step


def frame_dbfs(samples: np.ndarray) -> np.ndarray:
    """Energy of each whole 20 ms frame of float32 samples, in dBFS."""
    n = len(samples) // FRAME
    frames = samples[: n * FRAME].reshape(n, FRAME)
    return 10.0 * np.log10(np.mean(frames * frames, axis=1) + 1e-10)


class PhraseSplitter:
    """Finds phrases in a stream of samples: speech followed by a pause. Positions are sample indexes.

    The speech threshold follows the noise floor (the 10th percentile of recent frame energies) plus 12 dB, stays
    20 dB under loud speech (the 90th percentile), and is never below -48 dBFS.
    """

    def __init__(self, opts: DecodeOptions):
        self.opts = opts
        self.pad = int(0.2 * SAMPLE_RATE)  # keep this much audio around each phrase
        self.frames = 0  # frames analysed so far
        self.start: int | None = None  # start of the phrase being spoken, None between phrases
        self.last_cut = 0
        self.speech_end = 0
        self.silent = 0  # silent frames since the last speech frame
        self.history: deque[float] = deque(maxlen=1500)  # the last 30 s of frame energies
        self.threshold = -48.0

    def feed(self, samples: np.ndarray) -> list[tuple[int, int]]:
        """Analyse new samples (the caller keeps whole frames aligned); return finished phrases (start, end)."""
        cuts = []
        fr = SAMPLE_RATE // FRAME
        for db in frame_dbfs(samples):
            begin = self.frames * FRAME
            self.frames += 1
            self.history.append(float(db))
            if self.frames % 25 == 0:
                floor, loud = np.percentile(self.history, [10, 90])
                # 12 dB over the noise floor, but never within 20 dB of loud speech (no pause for a while)
                self.threshold = max(-48.0, min(float(floor) + 12.0, float(loud) - 20.0))
            if db > self.threshold:
                if self.start is None:
                    self.start = max(self.last_cut, begin - self.pad)
                self.silent = 0
                self.speech_end = begin + FRAME
                continue
            if self.start is None:
                continue
            self.silent += 1
            pause = self.silent / fr
            length = (self.speech_end - self.start) / SAMPLE_RATE
            if (pause >= self.opts.pause_s and length >= self.opts.min_phrase_s) or pause >= self.opts.long_pause_s:
                cuts.append(self._cut(min(self.speech_end + self.pad, self.frames * FRAME)))
        if self.start is not None and (self.frames * FRAME - self.start) / SAMPLE_RATE >= self.opts.max_phrase_s:
            cuts.append(self._quietest_point())
        return cuts

    def _cut(self, end: int) -> tuple[int, int]:
        phrase = (self.start, end)
        self.last_cut, self.start, self.silent = end, None, 0
        return phrase

    def _quietest_point(self) -> int:
        """The middle of the quietest frame in the last 3 s, where a run-on phrase is cut."""
        recent = list(self.history)[-150:]
        first = self.frames - len(recent)
        best = first + int(np.argmin(recent))
        end = best * FRAME + FRAME // 2
        self.speech_end = end
        cut = self._cut(end)
        if best < self.frames - 1:  # the speech after the cut starts the next phrase
            self.start = end
        return cut

    def tail(self, total: int) -> tuple[int, int] | None:
        """The unfinished phrase at the end of the answer, if any speech is in it."""
        return (self.start, total) if self.start is not None else None
