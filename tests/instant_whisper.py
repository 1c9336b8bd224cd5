"""``InstantWhisper``: the real built-in Whisper recognizer, but every decode is waited for before more audio comes.

It gives the freshest possible live text — the worst case for cutting an answer off (a slower machine only makes the
text later, and the turn-taking wait longer) — and a run that does not depend on the machine's speed. Used by
tests/speech/test_turn_taking.py and scripts/bench_turns.py (tests/ is on sys.path under pytest; the script adds it).
After ``finish()``, ``finish_decodes`` is how many decodes finish() itself had to start (0: the final pass was
decoded while the silence was timed) and ``jobs_before_finish`` how many decodes the answer had asked for.
"""

from __future__ import annotations

from concurrent.futures import wait

from rehearse.speech.phrase_splitter import FRAME
from rehearse.speech.whisper_engine import WhisperRecognizer


class InstantWhisper(WhisperRecognizer):
    finish_decodes = 0
    jobs_before_finish = 0

    def _settle(self) -> None:
        wait([job for job in self._closed + self._open if not job.cancelled()])

    def accept(self, pcm: bytes) -> None:
        super().accept(pcm)
        self._settle()

    def flush(self) -> None:
        super().flush()
        self._settle()

    def finish(self):
        self.jobs_before_finish = len(self._closed) + len(self._open)
        tail = self._splitter.tail(len(self._audio) // 2)
        self.finish_decodes = int(tail is not None and tail[1] - tail[0] >= FRAME)
        return super().finish()
