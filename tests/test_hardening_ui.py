"""The app with the faults of issue 13: a read-only data folder and a scenario path that is a FIFO.

The window says what is wrong in its banner (no traceback, no hang), and reading still works.
"""

from __future__ import annotations

import os

import pytest
from PySide6.QtCore import Qt

from hardening_helpers import read_only
from rehearse.store.db import Store
from rehearse.ui.app import make_app
from rehearse.ui.context import AppContext
from rehearse.ui.main_window import MainWindow
from rehearse.ui.scenario_bar import example_scenario
from rehearse.ui.settings import app_settings

pytestmark = pytest.mark.timeout(120)


def window(qtbot):
    make_app()
    win = MainWindow(AppContext(voice=False), load_engine=False)
    qtbot.addWidget(win)
    win.show()
    return win


def test_a_remembered_scenario_that_is_a_fifo_does_not_hang_the_window(qtbot, tmp_path):
    fifo = tmp_path / "pipe.toml"
    os.mkfifo(fifo)
    settings = app_settings()
    settings.setValue("scenario/path", str(fifo))
    settings.sync()
    win = window(qtbot)
    assert str(win.scenario_file.path) == str(example_scenario())  # fell back to the example
    assert win.scenario_file.scenario is not None
    win.close()


def test_starting_a_run_with_a_read_only_data_folder_shows_why_in_the_banner(qtbot, rehearse_home):
    Store().close()  # a healthy, empty history
    with read_only(rehearse_home):
        win = window(qtbot)
        view = win.rehearse_view
        qtbot.waitUntil(lambda: view.start_button.isEnabled(), timeout=10_000)
        with qtbot.waitSignal(view.failed, timeout=30_000) as got:
            qtbot.mouseClick(view.start_button, Qt.MouseButton.LeftButton)
        assert "read-only" in got.args[0] and "Something went wrong" not in got.args[0]
        assert view.message.isVisible() and "read-only" in view.message.text()
        assert not list(rehearse_home.glob("*.damaged-*"))
        win.ctx.shutdown()
        win.close()
