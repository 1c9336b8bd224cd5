"""The SQLite history: migrations, WAL, durability of each turn, damage handling, drill schedule."""

import json
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
import wave

import pytest

from rehearse.errors import UserError
from rehearse.store import DamagedDatabase, Store
from rehearse.store.migrations import MIGRATIONS, SCHEMA_VERSION, migrate

RUN = dict(
    scenario_path="/s/senior.toml", scenario_title="Senior engineer", target_role="Senior Engineer",
    mode="pitch", persona="supportive", seed=7, engine="whisper",
)


def columns(conn, table):
    return [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]


def test_new_database_is_created_at_the_current_schema_with_wal(rehearse_home):
    store = Store()
    assert store.path == rehearse_home / "history.sqlite3"
    assert store.schema_version == SCHEMA_VERSION >= 2
    store.close()
    conn = sqlite3.connect(rehearse_home / "history.sqlite3")
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert "created_at" in columns(conn, "turns")
    assert "attempts" in columns(conn, "drill_cards")


def test_version_1_database_is_migrated_keeping_its_data(tmp_path):
    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    assert migrate(conn, target=1) == (0, 1)
    conn.execute(
        "INSERT INTO runs (started_at, scenario_path, scenario_title, target_role, mode, persona)"
        " VALUES ('2026-01-02T10:00:00+00:00', 'a.toml', 'Old run', 'Lead', 'drill', 'direct')"
    )
    conn.execute(
        "INSERT INTO turns (run_id, idx, role, text, feedback, score) VALUES (1, 0, 'user', 'hello',"
        " '{\"score\": 61}', 61)"
    )
    conn.execute("INSERT INTO drill_cards VALUES ('a.toml', 'budget', '{}', 40, '2026-01-02T10:00:00+00:00')")
    assert "created_at" not in columns(conn, "turns")
    conn.close()

    store = Store(path)
    assert store.schema_version == SCHEMA_VERSION
    run = store.run(1)
    assert run["scenario"] == "Old run" and run["status"] == "interrupted"
    assert run["turns"][0]["feedback"] == {"score": 61} and run["turns"][0]["created_at"] is None
    assert store.drill_cards("a.toml")["budget"]["attempts"] == 1
    store.save_drill_card("a.toml", "budget", {"due": "x"}, 70)
    assert store.drill_cards("a.toml")["budget"]["attempts"] == 2


def test_failed_migration_step_is_rolled_back(tmp_path, monkeypatch):
    path = tmp_path / "h.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    migrate(conn, target=1)
    bad = MIGRATIONS + ["CREATE TABLE extra (x); CREATE TABLE runs (y)"]
    monkeypatch.setattr("rehearse.store.migrations.MIGRATIONS", bad)
    with pytest.raises(sqlite3.OperationalError):
        migrate(conn, target=len(bad))
    assert conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert conn.execute("SELECT name FROM sqlite_master WHERE name = 'extra'").fetchone() is None


def test_newer_schema_is_refused_clearly(tmp_path):
    path = tmp_path / "h.sqlite3"
    Store(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    conn.close()
    with pytest.raises(UserError, match="newer version of Rehearse") as err:
        Store(path)
    assert not isinstance(err.value, DamagedDatabase)


def test_turn_is_visible_to_a_second_connection_as_soon_as_add_turn_returns(tmp_path):
    store = Store(tmp_path / "h.sqlite3")
    run_id = store.create_run(**RUN)
    other = sqlite3.connect(tmp_path / "h.sqlite3")
    store.add_turn(run_id, index=0, role="manager", text="Tell me why.")
    feedback = {"score": 72.5, "key_phrases": [{"phrase": "led the migration", "hit": True}]}
    store.add_turn(
        run_id, index=1, role="user", text="I led the migration", expects="pitch",
        transcript={"text": "I led the migration", "words": [], "duration": 1.5}, feedback=feedback, latency=0.8,
    )
    rows = other.execute("SELECT idx, role, score, feedback FROM turns WHERE run_id = ?", (run_id,)).fetchall()
    assert [(r[0], r[1], r[2]) for r in rows] == [(0, "manager", None), (1, "user", 72.5)]
    assert json.loads(rows[1][3]) == feedback
    # and a second Store sees it while the first is still open
    assert Store(tmp_path / "h.sqlite3").run(run_id)["turns"][1]["latency"] == 0.8


def test_runs_listing_and_status(tmp_path):
    store = Store(tmp_path / "h.sqlite3")
    done = store.create_run(**RUN)
    store.add_turn(done, index=0, role="user", text="a", feedback={"score": 50})
    store.finish_run(done, complete=True, outcome="yes", summary={"score": 81, "turns": 1})
    short = store.create_run(**{**RUN, "mode": "drill"})
    store.add_turn(short, index=0, role="user", text="a", feedback={"score": 40})
    store.add_turn(short, index=1, role="user", text="b", feedback={"score": 60})
    store.finish_run(short, complete=False, outcome=None, summary={})
    killed = store.create_run(**RUN)
    runs = store.runs()
    assert [r["run_id"] for r in runs] == [killed, short, done]
    by_id = {r["run_id"]: r for r in runs}
    assert (by_id[done]["status"], by_id[done]["complete"], by_id[done]["score"]) == ("complete", True, 81)
    assert (by_id[short]["status"], by_id[short]["score"]) == ("incomplete", 50)  # mean of its turns
    # still open in this process: running; once the store is closed without finishing it: interrupted
    assert (by_id[killed]["status"], by_id[killed]["score"], by_id[killed]["turn_count"]) == ("running", None, 0)
    assert store.run(killed)["complete"] is False
    store.close()
    store = Store(tmp_path / "h.sqlite3")
    assert store.run(killed)["status"] == "interrupted"
    assert store.run(done)["summary"] == {"score": 81, "turns": 1}
    assert store.last_run_id() == killed
    with pytest.raises(UserError, match="no run 999"):
        store.run(999)


def test_turn_index_must_be_unique_and_run_must_exist(tmp_path):
    store = Store(tmp_path / "h.sqlite3")
    run_id = store.create_run(**RUN)
    store.add_turn(run_id, index=0, role="manager", text="hi")
    with pytest.raises(ValueError):
        store.add_turn(run_id, index=0, role="user", text="again")
    with pytest.raises(ValueError):
        store.add_turn(run_id + 50, index=0, role="user", text="no such run")  # foreign keys are on
    with pytest.raises(ValueError):
        store.add_turn(run_id, index=1, role="boss", text="?")


def test_recording_paths_are_stored_relative_and_returned_absolute(tmp_path):
    store = Store(tmp_path / "h.sqlite3")
    run_id = store.create_run(**RUN)
    wav = store.recording_path(run_id, 3)
    assert wav == tmp_path / "recordings" / str(run_id) / "turn-03.wav" and wav.parent.is_dir()
    write_wav(wav, seconds=0.5)
    store.add_turn(run_id, index=3, role="user", text="x", audio_path=wav)
    raw = sqlite3.connect(tmp_path / "h.sqlite3").execute("SELECT audio_path FROM turns").fetchone()[0]
    assert raw == f"recordings/{run_id}/turn-03.wav"
    turn = store.run(run_id)["turns"][0]
    assert turn["audio"] == str(wav) and turn["audio_exists"]
    assert store.run(run_id)["recordings"][0]["in_turn"] is True


def test_relative_recording_outside_the_store_is_kept_absolute(tmp_path, monkeypatch):
    store = Store(tmp_path / "store" / "h.sqlite3")
    run_id = store.create_run(**RUN)
    (tmp_path / "answers").mkdir()
    write_wav(tmp_path / "answers" / "a.wav", seconds=0.1)
    monkeypatch.chdir(tmp_path)
    store.add_turn(run_id, index=0, role="user", text="x", audio_path="answers/a.wav")
    turn = store.run(run_id)["turns"][0]
    assert turn["audio"] == str(tmp_path / "answers" / "a.wav") and turn["audio_exists"]


def write_wav(path, seconds):
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(16000)
        out.writeframes(b"\x01\x00" * int(16000 * seconds))


KILLED_RUN = textwrap.dedent(
    """
    import sys, time, wave
    from rehearse.store import Store
    store = Store()
    run_id = store.create_run(scenario_path="s.toml", scenario_title="Killed", target_role="Lead",
                              mode="pitch", persona="direct", seed=None, engine="whisper")
    store.add_turn(run_id, index=0, role="manager", text="Why now?")
    done = store.recording_path(run_id, 1)
    with wave.open(str(done), "wb") as w:
        w.setnchannels(1); w.setsampwidth(2); w.setframerate(16000); w.writeframes(b"\\x02\\x00" * 16000)
    store.add_turn(run_id, index=1, role="user", text="Because I am ready", audio_path=done,
                   feedback={"score": 64})
    store.add_turn(run_id, index=2, role="manager", text="Can you quantify that?")
    partial = open(store.recording_path(run_id, 3), "wb")
    w = wave.open(partial, "wb")
    w.setnchannels(1); w.setsampwidth(2); w.setframerate(16000)
    w.writeframesraw(b"\\x03\\x00" * 4000)
    w.writeframesraw(b"\\x03\\x00" * 4000)   # the header still counts only the first block: cut short
    partial.flush()
    print(run_id, flush=True)
    time.sleep(60)
    """
)


def test_run_killed_mid_answer_keeps_finished_turns_and_partial_recording(rehearse_home):
    proc = subprocess.Popen([sys.executable, "-c", KILLED_RUN], stdout=subprocess.PIPE, text=True)
    run_id = int(proc.stdout.readline())
    assert Store().run(run_id)["status"] == "running"  # the other process is alive and holds the run
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGKILL

    store = Store()
    run = store.run(run_id)
    assert run["status"] == "interrupted" and run["complete"] is False
    assert [t["index"] for t in run["turns"]] == [0, 1, 2]
    assert run["turns"][1]["text"] == "Because I am ready" and run["turns"][1]["audio_exists"]
    recs = {r["turn_index"]: r for r in run["recordings"]}
    assert recs[1]["in_turn"] and recs[1]["duration"] == 1.0 and recs[1]["header_ok"]
    assert not recs[3]["in_turn"] and recs[3]["duration"] == 0.5 and not recs[3]["header_ok"]
    from rehearse.store.recordings import repair_header, wav_info

    assert repair_header(recs[3]["path"]) is True
    with wave.open(recs[3]["path"]) as fixed:
        assert fixed.getnframes() == 8000
    assert wav_info(recs[3]["path"])["header_ok"] and repair_header(recs[3]["path"]) is False
    listed = {r["run_id"]: r for r in store.runs()}[run_id]
    assert listed["status"] == "interrupted" and listed["score"] == 64


def test_damaged_database_is_backed_up_and_reported_not_replaced(rehearse_home):
    path = rehearse_home / "history.sqlite3"
    rehearse_home.mkdir(parents=True, exist_ok=True)
    garbage = b"this is not sqlite at all " * 200
    path.write_bytes(garbage)
    with pytest.raises(DamagedDatabase) as err:
        Store()
    backup = err.value.backup
    assert backup.name.startswith("history.sqlite3.damaged-") and backup.read_bytes() == garbage
    assert path.read_bytes() == garbage  # never silently replaced
    message = str(err.value)
    assert str(path) in message and str(backup) in message and "damaged" in message
    with pytest.raises(DamagedDatabase) as again:  # opening again reuses the identical copy
        Store()
    assert again.value.backup == backup
    assert len(list(rehearse_home.glob("history.sqlite3.damaged-*"))) == 1


def test_malformed_pages_are_detected(tmp_path):
    path = tmp_path / "h.sqlite3"
    store = Store(path)
    run_id = store.create_run(**RUN)
    for i in range(300):
        store.add_turn(run_id, index=i, role="user", text="filler text " * 40)
    store.close()
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    data = bytearray(path.read_bytes())
    page = 4096
    for offset in range(3 * page, 3 * page + 2000):  # scribble over a b-tree page
        data[offset] = 0xA5
    path.write_bytes(bytes(data))
    with pytest.raises(DamagedDatabase, match="damaged"):
        Store(path)


def test_not_a_file(tmp_path):
    (tmp_path / "h.sqlite3").mkdir()
    with pytest.raises(UserError, match="folder"):
        Store(tmp_path / "h.sqlite3")


def test_drill_cards_round_trip_per_scenario(tmp_path):
    import fsrs

    store = Store(tmp_path / "h.sqlite3")
    card = fsrs.Card()
    card, _log = fsrs.Scheduler().review_card(card, fsrs.Rating.Good)
    store.save_drill_card("senior.toml", "budget", card.to_dict(), 55.0)
    store.save_drill_card("other.toml", "budget", {"x": 1}, 10.0)
    cards = store.drill_cards("senior.toml")
    assert list(cards) == ["budget"]
    assert cards["budget"]["score"] == 55.0 and cards["budget"]["attempts"] == 1
    assert fsrs.Card.from_dict(cards["budget"]["card"]).due == card.due
    assert store.drill_cards("nothing.toml") == {}


@pytest.mark.perf
def test_store_is_usable_from_another_thread(tmp_path):
    import threading

    store = Store(tmp_path / "h.sqlite3")
    run_id = store.create_run(**RUN)
    errors = []

    def worker(start):
        try:
            for i in range(start, start + 20):
                store.add_turn(run_id, index=i, role="user", text=str(i))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n * 100,)) for n in range(3)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(store.run(run_id)["turns"]) == 60
    assert time.perf_counter() - started < 30


def test_processes_creating_the_database_at_once_agree_on_the_schema(tmp_path):
    code = "import sys; from rehearse.store import Store; s = Store(sys.argv[1]); print(s.schema_version)"
    procs = [subprocess.Popen([sys.executable, "-c", code, str(tmp_path / "h.sqlite3")], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for _ in range(4)]
    results = [p.communicate(timeout=60) for p in procs]
    assert [p.returncode for p in procs] == [0] * 4, [err for _out, err in results]
    assert {out.strip() for out, _err in results} == {str(SCHEMA_VERSION)}
