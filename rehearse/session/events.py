"""What happens during a rehearsal, as events for whoever shows it (the command line prints them; the app turns them
into Qt signals on its UI thread, see :mod:`rehearse.ui.session_signals`).

The drive loop (:mod:`rehearse.session.drive`) calls ``on_event(Event)`` from its own thread; ``kind`` is one of
:data:`KINDS` and ``data`` a dict of typed values (a :class:`Prompt`, an :class:`Answer`, a :class:`TurnResult`...)
next to a few plain ones for printing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

KINDS = (
    "started",  # {"session", "run_id", "mode", "persona", "seed", "engine"}
    "prompt",  # {"prompt": Prompt} and Prompt.to_dict()
    "tts_unavailable",  # {"message", "error"}: the manager's lines are shown or printed only from now on
    "voice_notice",  # {"message"}: the natural voice could not be used; the system voice speaks instead
    "listening",  # {"turn_index", "source": "microphone" | "file", "until_silence"}
    "partial",  # {"text"}: the live transcript so far
    "level",  # {"dbfs"}: the input level, at most 25 a second (the app only)
    "heard",  # {"answer": Answer, "turn_index", "text", "duration", "latency", "audio"}
    "listen_failed",  # {"error", "message", "audio"}: the app only; the prompt stays open for another answer
    "scoring",  # {"turn_index"}: the answer is being scored and stored
    "feedback",  # {"result": TurnResult, "turn_index", "feedback", "done", "answer_for"}
    "failed",  # {"error", "message"}: a step failed (the app only: the command line raises)
    "stopped",  # {"reason"}: the run ended before the conversation did (answers ran out, cancelled)
    "finished",  # {"summary"} and the summary's keys
)


@dataclass
class Event:
    kind: str
    data: dict = field(default_factory=dict)


EventHandler = Callable[[Event], None]


def ignore(_event: Event) -> None:
    """An event handler that does nothing."""
