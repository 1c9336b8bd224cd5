"""The history on a read-only file system, with a corrupted value inside a row, or with a table gone, and on a
full disk during a run (issue 13, defects 2, 4 and 5)."""

import json
import os
import sqlite3
import wave

import pytest

from hardening_helpers import assert_clean_error, cli, read_only, tiny_tmpfs
from rehearse.paths import SCENARIOS
from rehearse.store import Store

EXAMPLE = SCENARIOS / "example-senior-engineer.toml"
ANSWER = SCENARIOS.parent.parent / "tests" / "data" / "audio" / "answer.wav"


def make_history(home, runs=3):
    home.mkdir(parents=True, exist_ok=True)
    ids = []
    with Store(home / "history.sqlite3") as store:
        for n in range(runs):
            run_id = store.create_run(scenario_path=str(EXAMPLE), scenario_title="Example",
                                      target_role="Senior Engineer", mode="pitch", persona="busy", seed=n,
                                      engine="whisper")
            store.add_turn(run_id, index=0, role="manager", text="What's on your mind?")
            store.add_turn(run_id, index=1, role="user", text=f"I am asking for a promotion, take {n}.",
                           expects="intent", feedback={"score": 40 + n, "tip": "say the role"})
            store.finish_run(run_id, complete=True, outcome="not_yet", summary={"score": 40 + n})
            ids.append(run_id)
    return ids


def tamper(home, sql):
    conn = sqlite3.connect(home / "history.sqlite3")
    conn.execute(sql)
    conn.commit()
    conn.close()


# --- 5: a corrupted value inside a row ----------------------------------------------------------------------------

def test_a_value_that_is_not_utf8_skips_and_names_its_turn_only(tmp_path):
    home = tmp_path / "home"
    ids = make_history(home)
    tamper(home, f"UPDATE turns SET feedback = CAST(X'7B2273636F7265223AC328' AS TEXT) "
                 f"WHERE run_id = {ids[1]} AND idx = 1")
    for argv in (["history"], ["progress"], ["show", str(ids[0])], ["email", str(ids[2])],
                 ["export", str(ids[0]), "-o", tmp_path / "ok.md"]):
        result = cli(*argv, home=home)
        assert result.returncode == 0, (argv, result.stderr)
        assert "Traceback" not in result.stderr
    result = cli("show", str(ids[1]), "--json", home=home)
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout)
    assert [t["index"] for t in shown["turns"]] == [0]
    assert shown["skipped"] == [{"turn": 1, "problem": "its feedback is not readable text"}]
    assert f"turn 1 of run {ids[1]} is damaged" in result.stderr
    result = cli("progress", "--json", home=home)
    assert f"turn 1 of run {ids[1]} is damaged" in result.stderr
    texts = [a["text"] for item in json.loads(result.stdout)["items"] for a in item.get("attempts_list", [])] or [1]
    assert texts


def test_a_score_that_is_not_a_number_is_reported_as_damage_and_the_rest_is_shown(tmp_path):
    home = tmp_path / "home"
    ids = make_history(home)
    tamper(home, f"UPDATE runs SET score = 'abc' WHERE id = {ids[0]}")
    result = cli("history", "--json", home=home)
    assert result.returncode == 0, result.stderr
    assert sorted(r["run_id"] for r in json.loads(result.stdout)) == sorted(ids[1:])
    assert f"run {ids[0]} is damaged (its score is not a number" in result.stderr
    result = cli("show", str(ids[0]), home=home)
    assert_clean_error(result, f"run {ids[0]} is damaged")
    assert cli("show", str(ids[1]), home=home).returncode == 0


def test_a_dropped_table_is_damage_reported_as_such(tmp_path):
    home = tmp_path / "home"
    make_history(home)
    tamper(home, "DROP TABLE turns")
    result = cli("history", home=home)
    assert_clean_error(result, "damaged", "turns is missing", "A copy was saved")


# --- 4: a read-only data folder -----------------------------------------------------------------------------------

@pytest.mark.slow
def test_a_healthy_history_on_a_read_only_file_system_is_read_not_called_damaged(tmp_path):
    home = tmp_path / "home"
    ids = make_history(home)
    before = sorted(os.listdir(home))
    with read_only(home):
        result = cli("history", "--json", home=home)
        assert result.returncode == 0, result.stderr
        assert len(json.loads(result.stdout)) == len(ids)
        result = cli("show", "last", home=home)
        assert result.returncode == 0 and "damaged" not in result.stderr, result.stderr
        result = cli("export", "last", "-o", tmp_path / "out.html", home=home)
        assert result.returncode == 0, result.stderr
        result = cli("run", EXAMPLE, "--answers", ANSWER, "--no-speak", "--engine", "whisper", home=home)
        assert_clean_error(result, "read-only")
        assert "damaged" not in result.stderr
        assert sorted(os.listdir(home)) == before


def test_say_to_a_file_works_with_a_read_only_data_folder(tmp_path):
    home = tmp_path / "home"
    make_history(home, runs=1)
    out = tmp_path / "hello.wav"
    with read_only(home):
        result = cli("say", "Hello there", "-o", out, home=home, timeout=120)
    if "voice is unavailable" in result.stderr or "no text-to-speech" in result.stderr.lower():
        pytest.skip("no text-to-speech engine on this machine")
    assert result.returncode == 0, result.stderr
    with wave.open(str(out)) as wav:
        assert wav.getnframes() > 1000


# --- 2: a full disk during a run ----------------------------------------------------------------------------------

@pytest.mark.slow
def test_a_full_disk_during_a_run_ends_in_one_clear_message_and_keeps_what_was_stored(tmp_path):
    long_answer = tmp_path / "long.wav"
    with wave.open(str(ANSWER)) as src:
        params, frames = src.getparams(), src.readframes(src.getnframes())
    with wave.open(str(long_answer), "wb") as dst:
        dst.setparams(params)
        for _ in range(max(1, int(3_000_000 / max(1, len(frames))))):
            dst.writeframes(frames)
    with tiny_tmpfs(tmp_path / "home", "1m") as home:
        make_history(home, runs=1)
        result = cli("run", EXAMPLE, "--answers", long_answer, "--no-speak", "--engine", "whisper", home=home,
                     timeout=300)
        assert_clean_error(result, "disk is full")
        assert result.stderr.count("disk is full") == 1, result.stderr  # the first error, not buried
        with Store(home / "history.sqlite3") as store:  # the earlier run and the new run's first turn are there
            runs = store.runs()
            assert len(runs) == 2
            newest = store.run(runs[0]["run_id"])
            assert newest["turns"] and newest["turns"][0]["role"] == "manager"
            recordings = newest["recordings"]
            assert recordings and recordings[0]["path"].endswith(".wav")
        with wave.open(recordings[0]["path"]) as wav:  # the partial recording is a valid WAV
            assert wav.getnframes() > 0
