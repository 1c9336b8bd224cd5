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


@pytest.mark.slow
def test_a_full_disk_during_an_answer_is_shown_in_the_banner(qtbot, tmp_path, monkeypatch):
    import wave

    from hardening_helpers import ROOT, tiny_tmpfs

    answer = ROOT / "tests" / "data" / "audio" / "answer.wav"
    long_answer = tmp_path / "long.wav"
    with wave.open(str(answer)) as src:
        params, frames = src.getparams(), src.readframes(src.getnframes())
    with wave.open(str(long_answer), "wb") as dst:
        dst.setparams(params)
        for _ in range(max(1, 3_000_000 // max(1, len(frames)))):
            dst.writeframes(frames)
    with tiny_tmpfs(tmp_path / "home", "1m") as home:
        monkeypatch.setenv("REHEARSE_HOME", str(home))
        Store().close()
        make_app()

        def source():
            from rehearse.speech.sources import WavFileSource

            return WavFileSource(long_answer)

        ctx = AppContext(source_factory=source, voice=False)
        ctx.seed = 3
        win = MainWindow(ctx, load_engine=False)
        qtbot.addWidget(win)
        win.show()
        view = win.rehearse_view
        qtbot.waitUntil(lambda: view.start_button.isEnabled(), timeout=10_000)
        with qtbot.waitSignal(view.prompt_shown, timeout=60_000):
            qtbot.mouseClick(view.start_button, Qt.MouseButton.LeftButton)
        qtbot.keyClick(view.talk.talk, Qt.Key.Key_Space)
        qtbot.waitUntil(lambda: "disk is full" in view.message.text(), timeout=90_000)
        text = view.message.text()
        assert view.message.isVisible() and "Something went wrong" not in text and "Traceback" not in text
        with Store() as store:  # the manager's first line was stored before the disk filled
            run = store.run(store.last_run_id())
            assert run["turns"] and run["turns"][0]["role"] == "manager"
        win.ctx.shutdown()
        win.close()


def test_the_history_tab_names_a_damaged_row_and_lists_the_rest(qtbot, rehearse_home):
    import sqlite3

    from rehearse.paths import SCENARIOS

    example = SCENARIOS / "example-senior-engineer.toml"
    with Store() as store:
        ids = []
        for n in range(3):
            run_id = store.create_run(scenario_path=str(example), scenario_title="Example", target_role="Senior",
                                      mode="pitch", persona="busy", seed=n, engine="whisper")
            store.add_turn(run_id, index=0, role="manager", text="What's on your mind?")
            store.finish_run(run_id, complete=True, outcome="not_yet", summary={"score": 50})
            ids.append(run_id)
    conn = sqlite3.connect(rehearse_home / "history.sqlite3")
    conn.execute(f"UPDATE runs SET scenario_title = CAST(X'C328' AS TEXT) WHERE id = {ids[1]}")
    conn.commit()
    conn.close()
    win = window(qtbot)
    history = win.history_view
    with qtbot.waitSignal(history.runs_loaded, timeout=30_000) as got:
        history.refresh()
    assert sorted(r["run_id"] for r in got.args[0]) == [ids[0], ids[2]]
    assert f"run {ids[1]} is damaged" in history.message.text()
    win.ctx.shutdown()
    win.close()
