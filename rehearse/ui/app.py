"""``rehearse`` with no arguments: the desktop app.

``REHEARSE_SCREENSHOT_TOUR=DIR`` (used by ``scripts/screenshot``) drives the app through its views with a recorded
answer and saves a PNG of each into DIR, then quits.
"""

from __future__ import annotations

import os
import sys

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from rehearse.paths import ASSETS
from rehearse.speech.malloc_tuning import tune_heap
from rehearse.ui.style import apply_style


def make_app(argv: list[str] | None = None) -> QApplication:
    tune_heap()  # one malloc arena, large blocks in pages of their own, before threads start (malloc_tuning.py)
    app = QApplication.instance()
    if app is None:
        app = QApplication(argv if argv is not None else sys.argv[:1])
    app.setApplicationName("Rehearse")
    app.setApplicationDisplayName("Rehearse")
    app.setOrganizationName("Rehearse")
    app.setDesktopFileName("rehearse")  # matches the entry `rehearse install-desktop` writes (its name and icon)
    app.setWindowIcon(QIcon(str(ASSETS / "desktop" / "rehearse.svg")))
    apply_style(app)
    return app


def run_app(argv: list[str] | None = None) -> int:
    from rehearse.ui.main_window import MainWindow

    app = make_app(argv)
    tour_dir = os.environ.get("REHEARSE_SCREENSHOT_TOUR")
    if tour_dir:
        from rehearse.ui.tour import start_tour

        tour = start_tour(app, tour_dir)  # noqa: F841 - keeps the tour alive while the app runs
        return app.exec()
    window = MainWindow()
    window.show()
    window.prepare.first_run()  # the guided start, the first time only
    return app.exec()
