"""The drive loop's events as Qt signals on the UI thread.

:class:`rehearse.session.drive.Drive` runs a rehearsal on its own thread and reports each step to ``on_event``; a
:class:`SessionSignals` is that handler for the app. Each event becomes the signal of the same name; Qt queues a
signal emitted on another thread to the receiver's thread, so slots of widgets (bound methods of objects living on
the UI thread) run on the UI thread, in the order the events happened.

    signals = SessionSignals(view)
    signals.prompt.connect(view.show_prompt)
    drive = Drive(make_session, interactive=True, on_event=signals)

``blockSignals(True)`` silences a drive that is being stopped (starting over), so its last events reach no one.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from rehearse.session.events import Event


class SessionSignals(QObject):
    started = Signal(object)  # the Session
    prompt = Signal(object)  # the Prompt
    voice_lost = Signal(str)  # why the manager's voice stopped working ("tts_unavailable")
    listening = Signal(bool)  # until_silence: True for a spoken answer, False for an imported recording
    partial = Signal(str)  # the live transcript
    level = Signal(float)  # dBFS
    heard = Signal(object)  # the Answer (recording and transcript)
    listen_failed = Signal(str)  # why listening failed (the prompt stays open)
    scoring = Signal()
    feedback = Signal(object)  # the TurnResult (its feedback stays typed)
    failed = Signal(object)  # the exception of a step that failed
    stopped = Signal(str)  # the reason
    finished = Signal(object)  # the stored summary (a dict; Signal(dict) loses a reference to True in PySide6 6.12)

    def __call__(self, event: Event) -> None:
        d = event.data
        kind = event.kind
        if kind == "started":
            self.started.emit(d["session"])
        elif kind == "prompt":
            self.prompt.emit(d["prompt"])
        elif kind == "tts_unavailable":
            self.voice_lost.emit(d["message"])
        elif kind == "listening":
            self.listening.emit(bool(d.get("until_silence", True)))
        elif kind == "partial":
            self.partial.emit(d["text"])
        elif kind == "level":
            self.level.emit(float(d["dbfs"]))
        elif kind == "heard":
            self.heard.emit(d["answer"])
        elif kind == "listen_failed":
            self.listen_failed.emit(d["message"])
        elif kind == "scoring":
            self.scoring.emit()
        elif kind == "feedback":
            self.feedback.emit(d["result"])
        elif kind == "failed":
            self.failed.emit(d["error"])
        elif kind == "stopped":
            self.stopped.emit(d["reason"])
        elif kind == "finished":
            self.finished.emit(d["summary"])
