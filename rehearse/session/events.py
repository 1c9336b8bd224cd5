"""What happens during a run, as events for whoever shows it (the command line prints them; the app could too).

The runner calls ``on_event(Event)``; ``kind`` is one of :data:`KINDS` and ``data`` a small JSON-friendly dict.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

KINDS = (
    "started",  # {"run_id", "mode", "persona", "seed", "engine"}
    "prompt",  # Prompt.to_dict()
    "tts_unavailable",  # {"message"}: the manager's lines are printed only from now on
    "voice_notice",  # {"message"}: the natural voice could not be used; the system voice speaks instead
    "listening",  # {"turn_index", "source"}
    "partial",  # {"text"}
    "heard",  # {"turn_index", "text", "duration", "latency", "audio"}
    "feedback",  # {"turn_index", "feedback", "done"}
    "stopped",  # {"reason"}: the run ended before the conversation did (answers ran out, cancelled)
    "finished",  # the summary
)


@dataclass
class Event:
    kind: str
    data: dict = field(default_factory=dict)


EventHandler = Callable[[Event], None]


def ignore(_event: Event) -> None:
    """An event handler that does nothing."""
