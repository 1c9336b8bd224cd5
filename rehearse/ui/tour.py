"""The screenshot tour (``REHEARSE_SCREENSHOT_TOUR=DIR``, run by ``scripts/screenshot`` under Xvfb).

Drives the real app through its views — a pitch answered from a recorded WAV (read in real time, so the level
meter and live words move), the feedback, the end of the conversation, a drill, a second conversation, then the
History tab: the list, a run reopened during playback, the comparison and the progress charts — and saves
``QWidget.grab()`` PNGs into DIR. The voice is muted (nobody listens under Xvfb); everything else is the real thing.
"""

from __future__ import annotations

import logging
import os
import sys
import time
from pathlib import Path

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication

from rehearse.ui.context import AppContext
from rehearse.ui.main_window import MainWindow
from rehearse.ui.style import dark_palette, set_palette
from rehearse.ui.talk_panel import IDLE

log = logging.getLogger(__name__)
ANSWERS = Path(__file__).resolve().parents[2] / "tests" / "data" / "ui"
TOUR_SEED = 3
TIME_LIMIT_MS = 900_000


class Tour(QObject):
    def __init__(self, app: QApplication, out_dir: str | Path):
        super().__init__()
        self.app = app
        self.out = Path(out_dir)
        self.out.mkdir(parents=True, exist_ok=True)
        self.answer_wav = ANSWERS / "short_pitch.wav"
        self.realtime = True
        self.ctx = AppContext(source_factory=self._source)
        self.ctx.seed = TOUR_SEED
        self._light = app.palette()
        if os.environ.get("PULSE_SERVER"):  # scripts/screenshot started a private sound server for playback
            self.ctx.output_device = "pulse"
        self.window = MainWindow(self.ctx, scenario_path=None)
        self.window.mute_action.setChecked(True)
        self.window.resize(1180, 900)
        self.window.show()
        self.saved: list[Path] = []
        self.started = time.monotonic()
        self._waiting = None
        self._steps = self.steps()
        QTimer.singleShot(TIME_LIMIT_MS, self._too_long)
        QTimer.singleShot(300, self._next)

    def _source(self):
        from rehearse.speech.sources import WavFileSource

        return WavFileSource(self.answer_wav, realtime=self.realtime)

    # ---- the driver: steps yield a signal to wait for, or a delay in ms --------------------------------------------
    def _next(self, *_args) -> None:
        if self._waiting is not None:
            self._waiting.disconnect(self._next)
            self._waiting = None
        try:
            what = next(self._steps)
        except StopIteration:
            self.window.close()
            self.app.quit()
            return
        except Exception:  # noqa: BLE001 - report and stop
            log.exception("screenshot tour failed")
            self.window.close()
            self.app.exit(1)
            return
        if isinstance(what, int):
            QTimer.singleShot(what, self._next)
        else:
            self._waiting = what
            what.connect(self._next)

    def _too_long(self) -> None:
        print("screenshot tour: took too long", file=sys.stderr)
        self.window.close()
        self.app.exit(1)

    def grab(self, name: str) -> None:
        self.app.processEvents()
        path = self.out / f"{name}.png"
        self.window.grab().save(str(path))
        self.saved.append(path)
        print(path, f"({time.monotonic() - self.started:.0f} s)", flush=True)

    # ---- the tour --------------------------------------------------------------------------------------------------
    def steps(self):
        w = self.window
        view = w.rehearse_view
        if self.ctx.engine_state is None:
            yield self.ctx.engine_changed
        yield 200
        self.grab("01-start")

        view.start()
        yield view.prompt_shown
        yield 300
        view.toggle_talk()  # Space: the recorded answer plays in as if spoken
        yield 9000
        self.grab("02-listening")
        yield view.feedback_shown
        yield 200
        view.scroll.verticalScrollBar().setValue(view.feedback.y() - 40)
        yield 100
        self.grab("03-feedback")

        # the rest of the conversation, answered quickly from the objection recording
        self.answer_wav, self.realtime = ANSWERS / "objection.wav", False
        yield from self._finish_conversation(view)
        yield 200
        view.scroll.verticalScrollBar().setValue(view.scroll.verticalScrollBar().maximum())
        yield 100
        self.grab("04-summary")

        drill = w.drill_view
        w.tabs.setCurrentWidget(drill)
        drill.start()
        yield drill.prompt_shown
        yield 300
        drill.toggle_talk()
        yield drill.feedback_shown
        yield 600  # the queue refreshes with the new mastery
        self.grab("05-drill")

        # a second, weaker conversation: History then has attempts to compare and progress to chart
        w.tabs.setCurrentWidget(view)
        self.answer_wav = ANSWERS / "weak.wav"
        view.start()
        yield view.prompt_shown
        view.toggle_talk()
        yield view.feedback_shown
        self.answer_wav = ANSWERS / "objection.wav"
        yield from self._finish_conversation(view)

        history = w.history_view
        w.tabs.setCurrentWidget(history)
        yield history.runs_loaded
        yield 300
        self.grab("11-history")
        history.select_run(1)
        history.open_selected()
        yield history.run_opened
        review = history.review
        index, block = next(iter(review.blocks.items()))
        start = next((word.start for word in block.words if word.start is not None and word.start > 4.0), 0.0)
        review.play_turn(index, start)
        yield 4500  # a virtual sound device takes a moment to start; then the words follow the sound
        self.grab("12-playback")
        review.stop()
        history.show_compare("pitch")
        yield history.compare.loaded
        yield 300
        self.grab("13-compare")
        history.show_charts()
        yield history.charts.loaded
        yield 600
        self.grab("14-charts")
        history.show_list()
        w.tabs.setCurrentWidget(drill)
        yield 200

        set_palette(self.app, dark_palette())
        yield 300
        self.grab("06-drill-dark")
        set_palette(self.app, self._light)

        from rehearse.ui.tour_prepare import prepare_steps

        yield from prepare_steps(self)

    def grab_widget(self, widget, name: str) -> None:
        self.app.processEvents()
        path = self.out / f"{name}.png"
        widget.grab().save(str(path))
        self.saved.append(path)
        print(path)

    def _finish_conversation(self, view):
        for _ in range(12):
            view.advance()
            yield 100
            while view.talk.state != IDLE and view.summary is None:
                yield 100
            if view.summary is not None:
                break
            view.toggle_talk()
            yield view.feedback_shown
        while view.summary is None:
            yield 100


def start_tour(app: QApplication, out_dir: str | Path) -> Tour:
    return Tour(app, out_dir)
