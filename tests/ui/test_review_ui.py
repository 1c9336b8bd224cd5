"""The History tab and a reopened run, in the real window (offscreen): stored runs made by the real session
engine from recorded answers (built-in Whisper), playback through PortAudio into the test's PulseAudio sink."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from pulse import virtual_mic  # noqa: F401 - the session's virtual sound device

from rehearse.core.loader import load_scenario
from rehearse.paths import SCENARIOS
from rehearse.report.timed_words import timed_words
from rehearse.session.conversation import Session
from rehearse.session.drive import Drive
from rehearse.speech.player import PLAYING
from rehearse.store.db import Store
from rehearse.ui.app import make_app
from rehearse.ui.context import AppContext
from rehearse.ui.main_window import MainWindow

pytestmark = pytest.mark.slow
ANSWERS = Path(__file__).parents[1] / "data" / "ui"
EXAMPLE = SCENARIOS / "example-senior-engineer.toml"
TIMEOUT = 60_000


@pytest.fixture(scope="module")
def stored_home(tmp_path_factory):
    """A data folder with three runs made by the real engine: a conversation (two spoken answers), a drill
    (one spoken answer) and another conversation (one answer)."""
    home = tmp_path_factory.mktemp("review-home")
    scenario = load_scenario(EXAMPLE)
    with Store(home / "history.sqlite3") as store:
        for mode, answers, seed in (("pitch", ["short_pitch.wav", "objection.wav"], 3),
                                    ("drill", ["objection.wav"], 4), ("pitch", ["weak.wav"], 5)):
            session = Session(scenario, mode, store=store, seed=seed, engine="whisper", scenario_path=EXAMPLE,
                              max_items=1 if mode == "drill" else None)
            Drive(session, answers=[ANSWERS / a for a in answers], engine="whisper", speak=False).run()
    return home


@pytest.fixture
def home(stored_home, rehearse_home):
    shutil.copytree(stored_home, rehearse_home, dirs_exist_ok=True)
    return rehearse_home


@pytest.fixture
def window(qtbot, home):
    make_app()
    ctx = AppContext(voice=False)
    ctx.output_device = "pulse"
    win = MainWindow(ctx, scenario_path=EXAMPLE, load_engine=False)
    qtbot.addWidget(win)
    win.show()
    yield win
    win.close()


@pytest.fixture
def sink_follower(virtual_mic):  # noqa: F811
    """A recorder on the null sink's monitor, as a sound card drains its buffer in real time."""
    proc = subprocess.Popen(["parec", "-d", "nullsink.monitor", "--raw", "--latency-msec=20"], env=virtual_mic.env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    yield proc
    proc.terminate()
    proc.wait(5)


def open_history(qtbot, win):
    history = win.history_view
    with qtbot.waitSignal(history.runs_loaded, timeout=TIMEOUT):
        win.tabs.setCurrentWidget(history)
    return history


def test_history_lists_filters_and_searches(qtbot, window):
    history = open_history(qtbot, window)
    assert not history.empty.isVisible()
    rows = [history.table.item(r, 0).text() for r in range(history.table.rowCount())]
    assert rows == ["3", "2", "1"]  # newest first
    assert history.table.item(1, 3).text() == "Drill"
    assert {history.table.item(r, 6).text() for r in range(3)} == {"complete", "incomplete"}
    history.mode_box.setCurrentIndex(history.mode_box.findData("drill"))
    assert [history.table.item(r, 0).text() for r in range(history.table.rowCount())] == ["2"]
    history.mode_box.setCurrentIndex(0)
    history.search.setText("OAuth")  # said in the pitch of run 1 only
    assert [history.table.item(r, 0).text() for r in range(history.table.rowCount())] == ["1"]
    history.search.setText("no such words anywhere")
    assert history.table.rowCount() == 0 and history.message.text() == "No run matches these filters."


def test_empty_history_says_how_to_start(qtbot, rehearse_home):
    make_app()
    win = MainWindow(AppContext(voice=False), scenario_path=EXAMPLE, load_engine=False)
    qtbot.addWidget(win)
    win.show()
    history = open_history(qtbot, win)
    assert history.empty.isVisible() and not history.table.isVisible()
    assert "Start" in history.empty.text() and "Rehearse" in history.empty.text()
    win.close()


def test_reopened_run_plays_and_follows_the_words(qtbot, window, sink_follower):
    history = open_history(qtbot, window)
    history.select_run(1)
    with qtbot.waitSignal(history.run_opened, timeout=TIMEOUT) as opened:
        history.open_selected()
    run = opened.args[0]
    review = history.review
    assert history.stack.currentWidget() is review
    # the conversation in order: manager line, answer, manager line, answer, ...
    assert [t["role"] for t in run["turns"]][:4] == ["manager", "user", "manager", "user"]
    first = run["turns"][1]
    block = review.blocks[first["index"]]
    # the feedback as the live view showed it: the same panel, score, chips and marked transcript
    assert block.panel.score.text() == str(round(first["feedback"]["score"]))
    assert "✓  promotion to Senior Engineer" in block.panel.chip_texts()
    assert 'href="w:' in block.panel.transcript.text()

    words = timed_words(first["text"], first["transcript"])
    target = next(w for w in words if w.start is not None and w.start > 3.0)
    with qtbot.waitSignal(review.player.state_changed, timeout=TIMEOUT):
        block.panel.transcript.linkActivated.emit(f"w:{target.index}")  # a click on the word
    assert review.player.key == first["index"] and review.player.state == PLAYING
    assert abs(review.player.position - target.start) < 0.03  # moved to the word's start
    # it really plays: the position moves on through the sink, and the word being heard is highlighted
    qtbot.waitUntil(lambda: review.player.position > target.start + 0.5, timeout=TIMEOUT)
    qtbot.waitUntil(lambda: block.current is not None and block.current >= target.index, timeout=5000)
    assert "#2463c9" in block.panel.transcript.text()
    review.player.toggle()  # pause
    paused = review.player.position
    assert review.player.state == "paused"
    qtbot.wait(300)
    assert review.player.position == pytest.approx(paused)
    review.player.seek(1.0)
    assert review.player.position == pytest.approx(1.0, abs=0.01)
    assert int(review.player.slider.value()) == 1000
    review.player.stop()
    assert review.player.state == "stopped" and review.player.position == 0
    # another run opened: the player forgets this run's recording (same turn index, another file)
    review._back()
    history.select_run(2)
    with qtbot.waitSignal(history.run_opened, timeout=TIMEOUT):
        history.open_selected()
    assert review.player.key is None and review.player.player.path is None
    assert not review.player.play_button.isEnabled()


def test_delete_run_removes_its_recordings_only(qtbot, window, home):
    history = open_history(qtbot, window)
    recordings = home / "recordings"
    assert list((recordings / "1").glob("turn-*.wav")) and list((recordings / "2").glob("turn-*.wav"))
    with qtbot.waitSignal(history.runs_loaded, timeout=TIMEOUT):
        history.delete_run(2)
    assert not (recordings / "2").exists()
    assert list((recordings / "1").glob("turn-*.wav")) and list((recordings / "3").glob("turn-*.wav"))
    assert [history.table.item(r, 0).text() for r in range(history.table.rowCount())] == ["3", "1"]
    with Store() as store:
        assert [r["run_id"] for r in store.runs()] == [3, 1]
        assert all(t["audio_exists"] for t in store.run(1)["turns"] if t["role"] == "user")
        assert store.user_turns() and all(t["run_id"] != 2 for t in store.user_turns())


def test_charts_receive_the_stored_series(qtbot, window):
    history = open_history(qtbot, window)
    with qtbot.waitSignal(history.charts.loaded, timeout=TIMEOUT) as got:
        history.show_charts()
    series = got.args[0]
    with Store() as store:
        turns = store.user_turns(str(EXAMPLE))
    by_run: dict = {}
    for turn in turns:
        by_run.setdefault(turn["run_id"], []).append(turn["score"])
    assert series["runs"] == [1, 2, 3]
    assert series["score"] == [pytest.approx(sum(s) / len(s), abs=0.01) for s in by_run.values()]
    xs, ys = history.charts.curve_data("score")
    assert xs == [1, 2, 3] and ys == pytest.approx(series["score"])
    for key in ("coverage", "fillers_per_min", "pace"):
        _xs, drawn = history.charts.curve_data(key)
        assert drawn == pytest.approx([v for v in series[key] if v is not None])
    latency = [t["latency"] for t in turns if str(t["expects"]).startswith("objection:")]
    assert history.charts.curve_data("objection_latency")[1] and latency
    # the objection answered inside the conversation counts towards its mastery, as the drill does
    mastery = {m["objection"]: m for m in series["mastery"]}
    assert sum(m["attempts"] for m in mastery.values()) == len(latency)
    assert any(m["in_conversations"] for m in mastery.values())
    assert len(history.charts.bars.opts["width"]) == len(mastery) == len(history.charts.mastery_labels)


def test_compare_best_and_latest(qtbot, window):
    history = open_history(qtbot, window)
    with qtbot.waitSignal(history.compare.loaded, timeout=TIMEOUT):
        history.show_compare("pitch")
    left, right = history.compare.shown()
    assert left["run_id"] != right["run_id"] and right["run_id"] == 3  # best (run 1) beside the latest (run 3)
    assert left["score"] >= right["score"]
    assert history.compare.left.panel.score.text() == str(round(left["score"]))
    assert history.compare.right.panel.score.text() == str(round(right["score"]))
    counts = [history.compare.what.itemText(i).rsplit("(", 1)[1] for i in range(history.compare.what.count())]
    assert counts and all(c == "1 attempt)" or (c.endswith(" attempts)") and c != "1 attempts)") for c in counts)


def test_export_and_email_from_the_window(qtbot, window, tmp_path):
    history = open_history(qtbot, window)
    history.select_run(1)
    with qtbot.waitSignal(history.run_opened, timeout=TIMEOUT):
        history.open_selected()
    review = history.review
    for name in ("run.md", "run.html", "run.pdf"):
        out = review.export_to(tmp_path / name)
        assert out is not None and out.stat().st_size > 200
    assert "OAuth" in (tmp_path / "run.md").read_text()
    dialog = review.open_email()
    assert dialog.subject.text().startswith("Promotion to Senior Engineer")
    dialog.copy()
    from PySide6.QtGui import QGuiApplication

    assert QGuiApplication.clipboard().text() == dialog.text() and "Hi Dana," in dialog.text()
    dialog.close()


def test_drill_list_counts_objections_answered_in_conversations(qtbot, window):
    with Store() as store:
        turns = [t for t in store.user_turns() if str(t["expects"]).startswith("objection:")]
        cards = store.drill_cards(str(EXAMPLE.resolve()))
    in_pitch = [t for t in turns if t["mode"] == "pitch"]
    assert in_pitch  # the conversations met objections
    oid = in_pitch[-1]["expects"].split(":", 1)[1]
    attempts = sum(1 for t in turns if t["expects"] == f"objection:{oid}")
    # and the schedule learnt from them: a conversation's objection is reviewed like a drill's
    assert cards[oid]["attempts"] == attempts
    drill = window.drill_view
    qtbot.waitUntil(lambda: drill.queue.count() == len(drill.scenario.objection_ids), timeout=TIMEOUT)
    row = next(text for text in drill.item_texts()
               if f"{attempts} tr" in text and "in conversations" in text)
    latest = [t["score"] for t in turns if t["expects"] == f"objection:{oid}"][-1]
    assert f"Last score {round(latest)}" in row


def test_play_command_follows_the_words(home, virtual_mic, sink_follower):  # noqa: F811
    import json

    import sys

    with Store() as store:
        run = store.run(1)
    answer = next(t for t in run["turns"] if t["role"] == "user")
    words = timed_words(answer["text"], answer["transcript"])
    start = words[-6].start  # the last few words only: a short play
    env = dict(virtual_mic.env, REHEARSE_HOME=str(home))
    done = subprocess.run([sys.executable, "-m", "rehearse", "play", "1", str(answer["index"]), "--from",
                           str(start), "--device", "pulse", "--json"], env=env, capture_output=True, text=True,
                          timeout=120, cwd=Path(__file__).parents[2])
    assert done.returncode == 0, done.stderr
    played = json.loads(done.stdout)["played"]
    assert played == [{"turn": answer["index"], "role": "user", "path": answer["audio"], "from": start,
                       "duration": pytest.approx(played[0]["duration"])}]
    # the words from there on were printed, in order (ALSA's own underrun notes on stderr left aside)
    printed = re.sub(r"ALSA lib [^\n]*\n", "", done.stderr)
    assert " ".join(w.text for w in words[-6:]) in printed
    assert words[-7].text + " " + words[-6].text not in printed
    bad = subprocess.run([sys.executable, "-m", "rehearse", "play", "1", "99"], env=env, capture_output=True,
                         text=True, timeout=60, cwd=Path(__file__).parents[2])
    assert bad.returncode == 2 and "has no turn 99" in bad.stderr and "Traceback" not in bad.stderr



def test_live_view_keeps_the_conversation_so_far(qtbot, window):
    view = window.rehearse_view
    with qtbot.waitSignal(view.prompt_shown, timeout=TIMEOUT):
        view.start()
    first_line = view.prompt.text
    answer = "I'm asking for a promotion to Senior Engineer. I led the migration to OAuth."
    with qtbot.waitSignal(view.feedback_shown, timeout=TIMEOUT) as shown:
        view.submit_text(answer)
    assert not view.log.isVisible()  # nothing earlier yet
    with qtbot.waitSignal(view.prompt_shown, timeout=TIMEOUT):
        view.advance()
    # the first exchange stays on screen above the new line: what was asked, what was said, its score
    assert view.log.isVisible() and len(view.log.exchanges) == 1
    exchange = view.log.exchanges[0]
    # (rich text: the line is HTML-escaped, "What's" is "What&#x27;s"; the opening line is picked at random)
    assert html.escape(first_line[:40]) in exchange.findChildren(type(exchange.summary))[0].text()
    assert "OAuth" in exchange.summary.text() and f"score {round(shown.args[0]['score'])}" in exchange.summary.text()
    assert view.log.y() < view.card.y()
    # and its feedback opens as it was shown: the same panel, score and chips
    exchange.toggle.click()
    assert exchange.panel.isVisible() and exchange.panel.score.text() == str(round(shown.args[0]["score"]))
    assert "✓  promotion to Senior Engineer" in exchange.panel.chip_texts()
    view.stop_everything()


def test_cheat_sheet_from_the_history_tab(qtbot, window, tmp_path):
    history = open_history(qtbot, window)
    written = []
    history.write_cheatsheet(tmp_path / "sheet.html", written.append)
    qtbot.waitUntil(lambda: bool(written), timeout=TIMEOUT)
    html = written[0].read_text()
    assert "Cheat sheet: Asking Dana" in html and "OAuth" in html and "Not answered yet" in html
    assert history.message.text().startswith("Saved the cheat sheet")


def test_a_finished_conversation_refreshes_the_drill_list(qtbot, window):
    """Objections met in a conversation count in the drill list at once, not only after a drill starts."""
    calls = []
    window.drill_view.refresh_queue = lambda: calls.append(True)  # the slot looks the method up when called
    window.rehearse_view.run_finished.emit({"score": 50})
    assert calls


def test_the_buttons_shown_together_have_their_own_alt_keys(qtbot, window):
    """Alt+O opened the scenario's Open… instead of the selected run (a new user, in the window)."""
    import re

    bar, history = window.scenario_bar, window.history_view
    buttons = [bar.new_button, bar.open_button, bar.form_button, bar.edit_button, window.install_button,
               history.open_button, history.delete_button, history.compare_button, history.charts_button,
               history.sheet_button]
    keys = [re.search(r"&(\w)", b.text()).group(1).lower() for b in buttons]
    assert len(keys) == len(set(keys)), list(zip(keys, [b.text() for b in buttons]))
