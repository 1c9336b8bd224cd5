"""The one drive loop: the manager speaks, the user answers, the answer is scored and stored, the manager moves on.

    drive = Drive(session, on_event=show)        # or Drive(make_session, ...): the session is made on the loop's thread
    summary = drive.run()                        # the command line: on this thread, answering from the microphone
                                                 # or from answer files, one after another
    drive = Drive(make_session, interactive=True, on_event=adapter)
    drive.start()                                # the app: on a thread of its own, waiting for the user's moves
    drive.talk() / drive.type_answer(text) / drive.import_wav(path) / drive.end_answer()
    drive.go_on() / drive.again() / drive.replay() / drive.stop() / drive.join()

Every step of a rehearsal happens here, on the loop's thread: the manager's line is spoken
(:mod:`rehearse.session.voice`, in the TTS process), the answer is recorded and recognised
(:func:`rehearse.speech.listener.listen`),
the :class:`~rehearse.core.transcript.Answer` goes straight to :meth:`Session.submit`, which scores and stores it,
and the session says what comes next. Whoever shows the rehearsal subscribes to its :mod:`events
<rehearse.session.events>` (the command line prints them; the app turns them into Qt signals in
:mod:`rehearse.ui.session_signals`) and never drives the session itself.

``interactive=False`` (the command line) answers every prompt at once, after the manager's line has been spoken, from
the next answer file or the microphone, and goes on after the feedback; when the answer files run out first, the run
stops there and is stored as incomplete. ``interactive=True`` (the app) waits for the user: Talk, a typed answer or
an imported recording, then Continue or Try again. :meth:`stop` (starting over, closing the window) ends the answer
being recorded — it is still scored and stored, as a turn of its own run — and stores the run as incomplete.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from pathlib import Path
from typing import Any, Callable

from rehearse.core.transcript import Answer, Transcript
from rehearse.errors import UserError
from rehearse.session.conversation import Prompt, Session, TurnResult
from rehearse.session.events import Event, EventHandler, ignore
from rehearse.session.voice import ManagerVoice, Speech

log = logging.getLogger(__name__)

LEVEL_EVERY_S = 0.04  # at most 25 level events a second, however fast the source delivers


class Stopped(Exception):
    """Raised inside the loop when :meth:`Drive.stop` was called or the answers ran out."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class Drive:
    def __init__(self, session: Session | Callable[[], Session], *, interactive: bool = False,
                 on_event: EventHandler = ignore, engine: str = "auto",
                 answers: list[str | Path] | None = None, realtime: bool = False,
                 source_factory: Callable[[], Any] | None = None, device=None, silence_s: float = 1.5,
                 speak: bool | Callable[[], bool] = True, speaker=None,
                 speaker_provider: Callable[[], Any] | None = None,
                 voice_options: Callable[[], dict] | None = None):
        self.session: Session | None = session if isinstance(session, Session) else None
        self._make_session = None if self.session is not None else session
        self.interactive = interactive
        self.on_event = on_event
        self.engine = engine
        self.answers = [Path(a) for a in answers] if answers is not None else None
        self.realtime = realtime
        self.source_factory = source_factory  # where a spoken answer comes from (None: the microphone)
        self.device = device  # the microphone (None: the system's default)
        self.silence_s = silence_s
        self.voice = ManagerVoice(self._voice_lost, speak=speak, speaker=speaker, speaker_provider=speaker_provider,
                                  options=voice_options)  # see rehearse.session.voice
        self.voice.notice = lambda message: self.emit("voice_notice", message=message)
        self.prompt: Prompt | None = None
        self.summary: dict | None = None
        self.timings: list[dict] = []  # per spoken answer: listen, score and next-prompt seconds
        self.stop_event = threading.Event()  # the whole run
        self._answer_stop = threading.Event()  # the answer being recorded (Space ends it; stop() too)
        self._commands: queue.Queue = queue.Queue()
        self._thread: threading.Thread | None = None
        self._last_level = 0.0

    def emit(self, kind: str, /, **data) -> None:
        try:
            self.on_event(Event(kind, data))
        except Exception:  # noqa: BLE001 - whoever shows the run must not break it
            log.exception("event handler failed on %s", kind)

    # ================================================================= running
    def run(self) -> dict | None:
        """Run the rehearsal on this thread to its end; returns the stored summary.

        If anything stops it (no microphone, Ctrl+C), the run is stored as incomplete before the error goes on: its
        finished turns and the recording of the answer in progress stay.
        """
        try:
            if self.session is None:
                self.session = self._make_session()
            return self._loop()
        except BaseException:
            self._hush()
            if self.session is not None and not self.session.finished:
                try:
                    self.session.finish(complete=False)
                except UserError:
                    pass  # e.g. the disk is full: the first error, which said so already, is the one to report
            raise

    def start(self) -> threading.Thread:
        """Run the rehearsal on a thread of its own; errors become ``failed`` events."""
        self._thread = threading.Thread(target=self._run_quietly, name="rehearse-drive", daemon=True)
        self._thread.start()
        return self._thread

    def _run_quietly(self) -> None:
        try:
            self.run()
        except BaseException as err:  # noqa: BLE001 - reported to whoever shows the run
            self.emit("failed", error=err, message=_message(err))

    def join(self, timeout: float | None = None) -> bool:
        """Wait for the loop's thread to end; True when it has."""
        if self._thread is None:
            return True
        self._thread.join(timeout)
        return not self._thread.is_alive()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    # ================================================================= the user's moves (any thread)
    def talk(self) -> None:
        """Record a spoken answer (it ends after a pause, or with :meth:`end_answer`)."""
        self._answer_stop.clear()
        self._commands.put(("listen", None, True))

    def import_wav(self, path: str | Path) -> None:
        """Answer with a recording: read to its end, whatever pauses it has."""
        self._answer_stop.clear()
        self._commands.put(("listen", Path(path), False))

    def type_answer(self, text: str) -> None:
        self._commands.put(("typed", text))

    def end_answer(self) -> None:
        """End the answer being recorded now; what was said so far is the answer."""
        self._answer_stop.set()

    def go_on(self) -> None:
        """After the feedback: the manager's next line (or the end of the run)."""
        self._commands.put(("next",))

    def again(self) -> None:
        """After the feedback (drill, read-aloud): the same objection or sentence again."""
        self._commands.put(("again",))

    def replay(self) -> None:
        """Say the manager's current line again."""
        self._commands.put(("replay",))

    def hush(self) -> None:
        """Stop the manager's voice (the line stays on screen)."""
        self._hush()

    def stop(self) -> None:
        """End the run: the answer being recorded is kept (scored and stored), the run is stored as incomplete."""
        self.stop_event.set()
        self._answer_stop.set()
        self._hush()
        self._commands.put(("stop",))

    # ================================================================= the loop
    def _loop(self) -> dict:
        s = self.session
        self.emit("started", session=s, run_id=s.run_id, mode=s.mode, persona=s.persona, seed=s.seed,
                  engine=self.engine)
        self.voice.persona = s.persona
        self.voice.prefetch(s.scenario, s.mode)
        answers = list(self.answers) if self.answers is not None else None
        try:
            prompt = s.next_prompt()
            while prompt is not None:
                self.prompt = prompt
                self.emit("prompt", prompt=prompt, **prompt.to_dict())
                if self.interactive:
                    result = self._wait_for_answer(prompt)
                    prompt = self._wait_to_go_on(result)
                else:
                    result = self._answer_now(prompt, answers)
                    t0 = time.perf_counter()
                    prompt = s.next_prompt()
                    if self.timings and self.timings[-1]["turn_index"] == result.turn_index:
                        self.timings[-1]["next_s"] = round(time.perf_counter() - t0, 3)
        except Stopped as stopped:
            self.emit("stopped", reason=stopped.reason)
            # stopped after the last answer (the feedback on screen, the summary not asked for yet): the run did
            # reach its end — a drill or read-aloud that ends normally is complete, never incomplete or interrupted
            return self._finish(complete=None if s.done else False)
        return self._finish(complete=None)

    def _finish(self, complete: bool | None) -> dict:
        self._hush()
        self.prompt = None
        self.summary = self.session.finish(complete)
        self.emit("finished", summary=self.summary, **self.summary)
        return self.summary

    # ---- the command line: answer at once, from the next file or the microphone
    def _answer_now(self, prompt: Prompt, answers: list[Path] | None) -> TurnResult:
        if prompt.speaker == "manager":
            self._say(prompt.text, wait=True)
        if answers is not None and not answers:
            raise Stopped("no more answer files")
        if self.stop_event.is_set():
            raise Stopped("cancelled")
        path = answers.pop(0) if answers is not None else None
        answer = self._listen(prompt, path, until_silence=path is None)
        return self._submit(prompt, answer)

    # ---- the app: wait for the user's moves
    def _wait_for_answer(self, prompt: Prompt) -> TurnResult:
        if prompt.speaker == "manager":
            self._say(prompt.text, wait=False)
        while True:
            command = self._next_command()
            if command[0] == "replay":
                self._say(prompt.text, wait=False)
                continue
            if command[0] not in ("listen", "typed"):
                continue  # "next"/"again" before there is feedback: nothing to do
            self._hush()
            if command[0] == "typed":
                answer = Answer(Transcript(text=command[1]))
            else:
                try:
                    answer = self._listen(prompt, command[1], until_silence=command[2])
                except Exception as err:  # noqa: BLE001 - shown; the user can type or import instead
                    self.emit("listen_failed", error=err, message=_message(err),
                              audio=str(getattr(err, "audio_path", "") or ""))
                    if self.stop_event.is_set():
                        raise Stopped("cancelled") from None
                    continue
            try:
                result = self._submit(prompt, answer)
            except Exception as err:  # noqa: BLE001 - shown; the prompt stays open for another answer
                if self.stop_event.is_set():
                    raise
                log.exception("the answer could not be scored or stored")
                self.emit("failed", error=err, message=_message(err))
                continue
            if self.stop_event.is_set():
                raise Stopped("cancelled")
            return result

    def _wait_to_go_on(self, result: TurnResult) -> Prompt | None:
        s = self.session
        while True:
            command = self._next_command()
            try:
                if command[0] == "next":
                    return s.next_prompt()
                if command[0] == "again" and s.mode != "pitch":
                    s.again()
                    return s.next_prompt()
            except UserError as err:
                self.emit("failed", error=err, message=_message(err))
                continue
            if command[0] == "replay" and self.prompt is not None and self.prompt.speaker == "manager":
                self._say(self.prompt.text, wait=False)

    def _next_command(self) -> tuple:
        if self.stop_event.is_set():
            raise Stopped("cancelled")
        command = self._commands.get()
        if command[0] == "stop" or self.stop_event.is_set():
            raise Stopped("cancelled")
        return command

    # ---- one answer
    def _listen(self, prompt: Prompt, path: Path | None, until_silence: bool) -> Answer:
        from rehearse.core.vocabulary import scenario_vocabulary
        from rehearse.speech.listener import listen
        from rehearse.speech.recognizer import create_recognizer

        s = self.session
        if not self.interactive:
            self._answer_stop.clear()  # (the app clears it when the user asks to answer: an early Space counts)
        if self.stop_event.is_set():
            self._answer_stop.set()
        source = self._source(path)
        # the scenario's words bias the recognizer towards them (measured not to invent phrases: docs/benchmarks.md)
        recognizer = create_recognizer(self.engine, vocabulary=scenario_vocabulary(s.scenario, prompt.answer_for))
        wav_path = s.store.recording_path(s.run_id, prompt.answer_index)
        kind = "microphone" if path is None and self.source_factory is None else "file"
        self.emit("listening", turn_index=prompt.answer_index, source=kind, until_silence=until_silence)
        t0 = time.perf_counter()
        self.voice.hold_prefetch(True)
        try:
            answer = listen(source, recognizer, wav_path, silence_s=self.silence_s, until_silence=until_silence,
                            stop_event=self._answer_stop, on_partial=lambda text: self.emit("partial", text=text),
                            on_level=self._level if self.interactive else None)
        finally:
            recognizer.close()
            self.voice.hold_prefetch(False)
        self.timings.append({"turn_index": prompt.answer_index, "listen_s": round(time.perf_counter() - t0, 3),
                             "duration": answer.duration, "finish_s": round(answer.finish_s, 3)})
        self.emit("heard", answer=answer, turn_index=prompt.answer_index, text=answer.transcript.text,
                  duration=answer.duration, latency=answer.latency, audio=str(answer.audio_path))
        return answer

    def _source(self, path: Path | None):
        from rehearse.speech.sources import MicrophoneSource, WavFileSource

        if path is not None:
            return WavFileSource(path, realtime=self.realtime)
        if self.source_factory is not None:
            return self.source_factory()
        return MicrophoneSource(device=self.device)

    def _level(self, value: float) -> None:
        now = time.monotonic()
        if now - self._last_level >= LEVEL_EVERY_S:
            self._last_level = now
            self.emit("level", dbfs=value)

    def _submit(self, prompt: Prompt, answer: Answer) -> TurnResult:
        self.emit("scoring", turn_index=prompt.answer_index)
        t0 = time.perf_counter()
        result = self.session.submit(answer)
        if self.timings and self.timings[-1]["turn_index"] == result.turn_index:
            self.timings[-1]["score_s"] = round(time.perf_counter() - t0, 3)
        self.emit("feedback", result=result, turn_index=result.turn_index, feedback=result.feedback,
                  done=result.done, answer_for=prompt.answer_for)
        return result

    # ================================================================= the manager's voice
    @property
    def speech(self) -> Speech | None:
        """The line being (or last) spoken."""
        return self.voice.speech

    def speaking(self) -> bool:
        return self.voice.enabled()

    def _say(self, text: str, wait: bool) -> None:
        self.voice.say(text, wait)

    def _voice_lost(self, err: BaseException) -> None:
        self.emit("tts_unavailable", message=_message(err), error=err)

    def _hush(self) -> None:
        self.voice.hush()


def _message(err: BaseException) -> str:
    return str(err) or type(err).__name__
