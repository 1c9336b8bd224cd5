"""Drive a :class:`~rehearse.session.conversation.Session` with real audio: speak the manager, listen, submit.

The command line uses this; the app drives the same Session from its own threads. The answer comes from the
microphone, or from WAV files standing in for the user (``answers``) — recorded through the very same listener
(a :class:`WavFileSource`), so the recording lands in the run's folder as the audio is read, exactly as a spoken
answer would. When the files run out before the conversation ends, the run stops there and is stored incomplete.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from rehearse.errors import UserError
from rehearse.session.conversation import Session
from rehearse.session.events import Event, EventHandler, ignore


class Runner:
    def __init__(self, session: Session, *, answers: list[str | Path] | None = None, engine: str = "auto",
                 speak: bool = True, realtime: bool = False, silence_s: float = 1.5,
                 on_event: EventHandler = ignore, speaker=None, stop_event: threading.Event | None = None,
                 device=None):
        self.session = session
        self.answers = [Path(a) for a in answers] if answers is not None else None
        self.engine = engine
        self.speak = speak
        self.realtime = realtime
        self.silence_s = silence_s
        self.on_event = on_event
        self.speaker = speaker
        self.device = device  # the microphone (None: the system's default)
        self.stop_event = stop_event or threading.Event()
        self.timings: list[dict] = []  # per answer: listen, score and next-prompt seconds

    def emit(self, event: str, /, **data) -> None:
        self.on_event(Event(event, data))

    def run(self) -> dict:
        """Run the conversation to its end (or until the answers run out); returns the stored summary.

        If anything stops it (no microphone, Ctrl+C), the run is stored as incomplete before the error goes on:
        its finished turns and the recording of the answer in progress stay.
        """
        try:
            return self._run()
        except BaseException:
            if not self.session.finished:
                self.session.finish(complete=False)
            raise

    def _run(self) -> dict:
        s = self.session
        self.emit("started", run_id=s.run_id, mode=s.mode, persona=s.persona, seed=s.seed, engine=self.engine)
        answers = list(self.answers) if self.answers is not None else None
        prompt = s.next_prompt()
        while prompt is not None:
            self.emit("prompt", **prompt.to_dict())
            if prompt.speaker == "manager":
                self._say(prompt.text)
            if answers is not None and not answers:
                self.emit("stopped", reason="no more answer files")
                return self._finish(complete=False)
            if self.stop_event.is_set():
                self.emit("stopped", reason="cancelled")
                return self._finish(complete=False)
            source = self._source(answers.pop(0) if answers is not None else None)
            heard = self._listen(source, prompt.answer_index)
            t0 = time.perf_counter()
            result = s.submit(heard)
            t1 = time.perf_counter()
            self.emit("feedback", turn_index=result.turn_index, feedback=result.feedback.to_dict(), done=result.done,
                      expects=prompt.answer_for.to_str())
            prompt = s.next_prompt()
            t2 = time.perf_counter()
            self.timings[-1].update(score_s=round(t1 - t0, 3), next_s=round(t2 - t1, 3))
        return self._finish(complete=None)

    def _finish(self, complete: bool | None) -> dict:
        summary = self.session.finish(complete)
        self.emit("finished", **summary)
        return summary

    # ----------------------------------------------------------------- the manager's voice
    def _say(self, text: str) -> None:
        if not self.speak:
            return
        from rehearse.speech.tts import Speaker

        try:
            if self.speaker is None:
                self.speaker = Speaker()
            self.speaker.play(self.speaker.synthesize(text), stop_event=self.stop_event)
        except UserError as err:  # TTSUnavailable, or a voice that failed: the line is printed, the run goes on
            self.speak = False
            self.emit("tts_unavailable", message=str(err))

    # ----------------------------------------------------------------- the user's answer
    def _source(self, path: Path | None):
        from rehearse.speech.sources import MicrophoneSource, WavFileSource

        if path is None:
            return MicrophoneSource(device=self.device)
        return WavFileSource(path, realtime=self.realtime)

    def _listen(self, source, turn_index: int):
        from rehearse.speech.listener import listen
        from rehearse.speech.recognizer import create_recognizer

        recognizer = create_recognizer(self.engine)
        wav_path = self.session.store.recording_path(self.session.run_id, turn_index)
        from_file = self.answers is not None
        self.emit("listening", turn_index=turn_index, source="file" if from_file else "microphone")
        t0 = time.perf_counter()
        try:
            # a file answer ends where the file ends, whatever pauses it has
            heard = listen(source, recognizer, wav_path, silence_s=self.silence_s, until_silence=not from_file,
                           stop_event=self.stop_event, on_partial=lambda text: self.emit("partial", text=text),
                           on_level=None)
        finally:
            recognizer.close()
        elapsed = time.perf_counter() - t0
        self.timings.append({"turn_index": turn_index, "listen_s": round(elapsed, 3), "duration": heard.duration,
                             "finish_s": round(heard.finish_s, 3)})
        self.emit("heard", turn_index=turn_index, text=heard.transcript.text, duration=heard.duration,
                  latency=heard.latency, audio=str(heard.audio_path))
        return heard
