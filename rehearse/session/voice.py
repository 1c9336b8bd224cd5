"""The manager's voice in a rehearsal: each line synthesised (in the TTS process, see :mod:`rehearse.speech.tts`)
and played, on the drive loop's thread (the command line waits for it) or on a short-lived one (the app goes on).

When there is no voice here, or a line fails, ``on_lost(error)`` is called once per failure and the lines are only
shown or printed from then on; the rehearsal goes on.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable


@dataclass
class Speech:
    """One line in the manager's voice: synthesised to ``path``, then played (``done`` is set when it is over)."""

    text: str
    path: Path | None = None
    error: BaseException | None = None
    done: threading.Event = field(default_factory=threading.Event)
    stop_event: threading.Event = field(default_factory=threading.Event)


class ManagerVoice:
    def __init__(self, on_lost: Callable[[BaseException], None], *, speak: bool | Callable[[], bool] = True,
                 speaker=None, speaker_provider: Callable[[], Any] | None = None,
                 options: Callable[[], dict] | None = None):
        self.on_lost = on_lost
        self._speak = speak  # bool, or a callable asked before each line (the app can be muted mid-run)
        self._ok = True
        self.speaker = speaker
        self.speaker_provider = speaker_provider
        # the voice, speed and output device, asked before each line (Settings can change them mid-run):
        # {"voice": id | None, "rate": words a minute | None, "device": output | None}
        self.options = options
        self.speech: Speech | None = None  # the line being (or last) spoken
        self.persona: str | None = None  # the manager's persona: its pace and pauses (rehearse.speech.tts_style)
        self.notice: Callable[[str], None] | None = None  # told when the natural voice falls back

    def enabled(self) -> bool:
        wanted = self._speak() if callable(self._speak) else self._speak
        return bool(wanted) and self._ok

    def say(self, text: str, wait: bool) -> None:
        """Speak ``text`` (hushing the line before); ``wait``: return when it has been heard."""
        self.hush()
        if not text or not self.enabled():
            return
        try:
            speaker = self._speaker()
        except Exception as err:  # noqa: BLE001 - no voice: the line is shown or printed
            self._lost(err)
            return
        speech = Speech(text)
        self.speech = speech
        options = self.options() if self.options is not None else {}
        device = options.get("device")

        def work():
            try:
                if hasattr(speaker, "speak"):  # streamed sentence by sentence, in the persona's style
                    from rehearse.speech.tts import persona_style

                    style = persona_style(self.persona)
                    speaker.speak(text, options.get("voice"), options.get("rate"), style,
                                  stop_event=speech.stop_event, device=device)
                    path = speaker.cached_path(text, options.get("voice"), options.get("rate"), style)
                    speech.path = path if path.is_file() else None
                else:
                    speech.path = speaker.synthesize(text, voice=options.get("voice"), rate=options.get("rate"))
                    if not speech.stop_event.is_set():
                        extra = {"device": device} if device is not None else {}
                        speaker.play(speech.path, stop_event=speech.stop_event, **extra)
            except Exception as err:  # noqa: BLE001 - TTSUnavailable, or a voice that failed: the run goes on
                speech.error = err
                self._lost(err)
            finally:
                speech.done.set()

        if wait:
            work()
        else:
            threading.Thread(target=work, name="rehearse-speak", daemon=True).start()

    def hush(self) -> None:
        """Stop the line being spoken (it stays on screen)."""
        speech = self.speech
        if speech is not None:
            speech.stop_event.set()

    def _speaker(self):
        if self.speaker is None:
            if self.speaker_provider is not None:
                self.speaker = self.speaker_provider()
            else:
                from rehearse.speech.tts import Speaker

                self.speaker = Speaker()
        if self.notice is not None and getattr(self.speaker, "on_notice", "absent") is None:
            self.speaker.on_notice = self.notice  # the natural voice fell back to the system voice: say why
        return self.speaker

    def _lost(self, err: BaseException) -> None:
        self._ok = False
        self.on_lost(err)

    def prefetch(self, scenario, mode: str) -> None:
        """Synthesise the scenario's manager lines in the background (the voice's own thread)."""
        if not self.enabled():
            return
        try:
            from rehearse.session.lines import manager_lines
            from rehearse.speech.tts import persona_style

            speaker = self._speaker()
            if hasattr(speaker, "prefetch"):
                options = self.options() if self.options is not None else {}
                speaker.prefetch(manager_lines(scenario, mode), options.get("voice"), options.get("rate"),
                                 persona_style(self.persona))
        except Exception:  # noqa: BLE001 - a line that cannot be said says why when it is spoken
            pass

    def hold_prefetch(self, hold: bool) -> None:
        """Pause prefetching while the user answers (the recognizer gets the CPU)."""
        speaker = self.speaker
        if speaker is not None and hasattr(speaker, "hold_prefetch"):
            speaker.hold_prefetch(hold)
