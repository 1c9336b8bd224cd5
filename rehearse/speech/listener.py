"""Listen to one answer: record it to a WAV file, feed the recognizer, and stop when the user is done.

``listen(source, recognizer, wav_path, ...)`` is half-duplex: pass ``wait_for_playback`` (a callable that blocks
until the manager's line has finished playing, or a ``threading.Event`` set when it has) and the source is only
started after that, so the manager's voice is never taken for the user's. Every chunk is written to the WAV file
before anything else is done with it; if the source fails mid-answer the file is finished and the error is raised
with ``audio_path`` (and ``duration``) set, so callers keep the recording.

Turn-taking: while the user is silent, the live text decides how long a pause ends the answer
(:func:`~rehearse.speech.turn_taking.turn_silence`: sooner after a finished sentence or question, longer
mid-thought, after an opener or inside an open list, and in a long answer or after this user's own long pauses).
Once a pause reaches :data:`FLUSH_AFTER_S` the recognizer is asked to decode what was said so far (``flush``), so
the text is up to date — and the final transcript ready — by the time the silence ends. ``stop_event`` (Space in
the app) still ends the answer at once.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Callable

from rehearse.core.transcript import Answer, Transcript
from rehearse.speech.endpoint import EndOfAnswerDetector, dbfs
from rehearse.speech.sinks import WavWriter
from rehearse.speech.turn_taking import TurnTaker

LEVEL_STEP_S = 0.04  # on_level is called for every 40 ms of audio: 25 values a second
READ_TIMEOUT_S = 0.05
FLUSH_AFTER_S = 0.25  # a pause this long has the recognizer decode what was said so far
FRESH_SLACK_S = 0.1  # text reaching this close to the end of the speech counts as up to date


def wait_for(playback) -> None:
    """Block until the manager's playback is over: ``playback`` is None, an Event-like object or a callable."""
    if playback is None:
        return
    if hasattr(playback, "wait"):
        playback.wait()
    else:
        playback()


def listen(
    source,
    recognizer,
    wav_path,
    *,
    silence_s: float = 1.5,
    max_s: float | None = None,
    stop_event: threading.Event | None = None,
    on_partial: Callable[[str], None] | None = None,
    on_level: Callable[[float], None] | None = None,
    wait_for_playback=None,
    threshold_db: float | None = None,
    until_silence: bool = True,
    turn_taking: bool = True,
) -> Answer:
    """Record one answer from ``source`` (an AudioSource) into ``wav_path`` and return what was heard.

    ``recognizer`` may be None (recording only; the transcript is then empty). ``until_silence=False`` ignores
    pauses and records until ``stop_event``, ``max_s`` or the end of the source. ``turn_taking=False`` ends every
    answer after exactly ``silence_s`` of silence, whatever was said.
    """
    wait_for(wait_for_playback)
    wav_path = Path(wav_path)
    rate = getattr(source, "rate", 16000)
    detector = EndOfAnswerDetector(silence_s=silence_s, max_s=max_s, rate=rate, threshold_db=threshold_db)
    step = 2 * max(1, int(round(LEVEL_STEP_S * rate)))
    writer = WavWriter(wav_path, rate)
    if recognizer is not None:
        recognizer.reset()
    level_buf = b""
    last_partial = ""
    reason = "end"
    flushed_for = None  # the speech end the recognizer was last flushed at
    turns = TurnTaker(silence_s)
    # (a recognizer without the turn-taking methods - a test double - gets the fixed silence)
    polite = (recognizer is not None and turn_taking and until_silence and hasattr(recognizer, "turn_text")
              and hasattr(recognizer, "flush"))
    try:
        source.start()
    except BaseException:
        writer.close()
        wav_path.unlink(missing_ok=True)  # nothing was recorded: leave no empty file behind
        raise
    try:
        while True:
            if stop_event is not None and stop_event.is_set():
                reason = "stop"
                break
            chunk = source.read(READ_TIMEOUT_S)
            if chunk is None:
                break
            if not chunk:
                continue
            writer.write(chunk)
            if on_level is not None:
                level_buf += chunk
                while len(level_buf) >= step:
                    on_level(dbfs(level_buf[:step]))
                    level_buf = level_buf[step:]
            if recognizer is not None:
                recognizer.accept(chunk)
                if on_partial is not None:
                    text = recognizer.partial()
                    if text != last_partial:
                        last_partial = text
                        on_partial(text)
            if polite and detector.speech_started:
                if detector.quiet_s >= FLUSH_AFTER_S and flushed_for != detector.speech_end:
                    recognizer.flush()
                    flushed_for = detector.speech_end
                text, covered = recognizer.turn_text()
                fresh = covered is not None and covered >= detector.speech_end - FRESH_SLACK_S
                detector.hold_s = turns.hold(text, fresh, detector)
            ended = detector.feed(chunk)
            if ended and (until_silence or detector.reason == "max"):
                reason = detector.reason
                break
    except BaseException as err:
        _stop_quietly(source)
        writer.close()
        _attach(err, wav_path, writer.duration)
        raise
    _stop_quietly(source)
    writer.close()
    stopped_at = time.monotonic()
    if recognizer is not None:
        try:
            transcript = recognizer.finish()
        except BaseException as err:  # the recording is complete on disk: say where
            _attach(err, wav_path, writer.duration)
            raise
    else:
        transcript = Transcript(text="", words=[], duration=writer.duration)
    if transcript.duration is None:
        transcript.duration = writer.duration
    return Answer(
        transcript=transcript,
        audio_path=wav_path,
        duration=writer.duration,
        latency=detector.speech_start,
        reason=reason,
        finish_s=time.monotonic() - stopped_at,
        speech_end=detector.speech_end,
        hold_s=detector.hold_s if reason == "silence" else None,
    )


def _stop_quietly(source) -> None:
    try:
        source.stop()
    except Exception:
        pass


def _attach(err: BaseException, path: Path, duration: float) -> None:
    """Tell the caller where the partial recording is (the error keeps its own message)."""
    try:
        err.audio_path = path
        err.duration = duration
    except (AttributeError, TypeError):
        pass
