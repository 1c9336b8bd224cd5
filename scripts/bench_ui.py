#!/usr/bin/env python3
"""How responsive the app is: window start-up, recognizer loading, answer-to-feedback time, UI-thread gaps.

    QT_QPA_PLATFORM=offscreen .venv/bin/python scripts/bench_ui.py [--runs 3]

Start-up is measured in fresh processes (spawn to the window shown). The rest drives the real window with recorded
answers read in real time (as from a microphone) and the built-in Whisper recognizer; a 5 ms QTimer on the UI thread
records the longest gap between ticks. Prints a JSON report.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ANSWERS = ROOT / "tests" / "data" / "ui"
SHOW = """
import time
from rehearse.ui.app import make_app
from rehearse.ui.context import AppContext
from rehearse.ui.main_window import MainWindow
app = make_app()
w = MainWindow(AppContext(voice=False), load_engine=False)
w.show()
app.processEvents()
print("shown")
w.close()
"""


def startup(runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        with tempfile.TemporaryDirectory() as home:
            env = dict(os.environ, REHEARSE_HOME=home)
            started = time.perf_counter()
            proc = subprocess.Popen([sys.executable, "-c", SHOW], stdout=subprocess.PIPE, env=env, text=True)
            proc.stdout.readline()
            times.append(time.perf_counter() - started)
            proc.wait()
    return times


class GapProbe:
    """How long the UI thread was away: a 5 ms precise timer records each tick's real interval (ms) in ``gaps``."""

    def __init__(self):
        from PySide6.QtCore import QElapsedTimer, Qt, QTimer

        self.gaps: list[int] = []
        self.clock = QElapsedTimer()
        self.ticker = QTimer()
        self.ticker.setTimerType(Qt.TimerType.PreciseTimer)
        self.ticker.setInterval(5)
        self.ticker.timeout.connect(lambda: self.gaps.append(self.clock.restart()))

    def start(self) -> None:
        self.gaps.clear()
        self.clock.start()
        self.ticker.start()

    def stop(self) -> None:
        self.ticker.stop()


def drill_window(ctx):
    """The real main window, shown on its Drill tab, loading the recognizer."""
    from rehearse.ui.main_window import MainWindow

    window = MainWindow(ctx, load_engine=True)
    window.show()
    window.tabs.setCurrentWidget(window.drill_view)
    return window


def answer_runs(wavs: list[Path]) -> dict:
    from PySide6.QtCore import Qt, QTimer

    from rehearse.speech.sources import WavFileSource
    from rehearse.ui.app import make_app
    from rehearse.ui.context import AppContext

    app = make_app()
    queue = list(wavs)
    current = {}
    ctx = AppContext(source_factory=lambda: WavFileSource(current["wav"], realtime=True), voice=False)
    ctx.seed = 5
    window = drill_window(ctx)
    view = window.drill_view
    probe = GapProbe()
    gaps = probe.gaps
    report = {"answers": []}
    shown_at = time.perf_counter()

    def ready(state):
        report["engine_load_s"] = round(state.load_seconds, 2)
        report["engine_ready_after_show_s"] = round(time.perf_counter() - shown_at, 2)
        view.start()

    def prompted(_prompt):
        if not queue:
            window.close()
            app.quit()
            return
        current["wav"] = queue.pop(0)
        probe.start()
        view.toggle_talk()
        if current.get("signals") is not view.signals:
            current["signals"] = view.signals
            view.signals.heard.connect(heard, Qt.ConnectionType.DirectConnection)

    def heard(answer):  # runs on the drive loop's thread as the recognizer hands over the answer
        current["heard_at"] = time.perf_counter()
        current["answer"] = answer

    def shown(_feedback):
        probe.stop()
        report["answers"].append({
            "wav": current["wav"].name,
            "seconds": round(current["answer"].duration, 1),
            "recognizer_finish_s": round(current["answer"].finish_s, 2),
            "transcript_to_feedback_shown_s": round(time.perf_counter() - current["heard_at"], 2),
            "largest_ui_gap_ms": max(gaps),
            "p99_ui_gap_ms": sorted(gaps)[int(len(gaps) * 0.99)],
        })
        QTimer.singleShot(100, view.advance)

    ctx.engine_changed.connect(ready)
    view.prompt_shown.connect(prompted)
    view.feedback_shown.connect(shown)
    app.exec()
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    home = tempfile.mkdtemp()
    os.environ["REHEARSE_HOME"] = home
    times = startup(args.runs)
    report = {"startup_to_window_s": {"median": round(statistics.median(times), 2), "max": round(max(times), 2)},
              "load_average_before": os.getloadavg()[0]}
    report.update(answer_runs([ANSWERS / "objection.wav", ANSWERS / "weak.wav", ANSWERS / "short_pitch.wav"]))
    report["load_average_after"] = os.getloadavg()[0]
    json.dump(report, sys.stdout, indent=2)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
