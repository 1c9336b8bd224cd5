"""End to end: `rehearse run` with spoken answers (Festival's natural voice) through the real listener, the
built-in Whisper recognizer, the core's feedback and rules, and the SQLite store.

The answers are in tests/data/answers/ (made by scripts/make_answers.py). Whisper is loaded once for the module
(the runs are in-process); the killed run is a real subprocess.
"""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from rehearse.cli import main
from rehearse.core.loader import load_scenario
from rehearse.core.pronunciation import FUNCTION_WORDS
from rehearse.session.conversation import Session
from rehearse.session.drive import Drive
from rehearse.store import recordings
from rehearse.store.db import Store

pytestmark = pytest.mark.slow

DATA = Path(__file__).parents[1] / "data" / "answers"
SCENARIO = DATA / "senior-engineer.toml"


@pytest.fixture(scope="module")
def scenario():
    return load_scenario(SCENARIO)


def run_json(capsys, *args):
    argv = ["run", str(SCENARIO), "--engine", "whisper", "--no-speak", "--json", *map(str, args)]
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)


def answers(*names):
    return ["--answers", *[DATA / f"{n}.wav" for n in names]]


def check_user_turns(result, rehearse_home):
    for turn in result["turns"]:
        if turn["role"] != "user":
            continue
        fb = turn["feedback"]
        assert 0 <= fb["score"] <= 100 and isinstance(fb["key_phrases"], list)
        audio = Path(turn["audio"])
        assert audio.is_file() and rehearse_home in audio.parents  # recorded into the run's folder
        assert (recordings.wav_info(audio) or {}).get("header_ok")
        assert turn["transcript"]["words"] and turn["transcript"]["words"][0]["start"] >= 0


def test_a_pitch_without_a_timeline_gets_vague_encouragement(capsys, rehearse_home, scenario):
    result = run_json(capsys, "--seed", "4", "--persona", "supportive",
                      *answers("pitch_no_timeline", "ask_timeline", "close"))
    turns = result["turns"]
    assert [t["role"] for t in turns] == ["manager", "user"] * 3
    assert turns[0]["text"] in [scenario.fill(x) for x in scenario.manager.opening]
    pitch = turns[1]["feedback"]
    assert "promotion" in turns[1]["text"].lower() and pitch["signals"]["asked_timeline"] is False
    # the manager reacts to what was heard: vague encouragement, scored as that objection
    assert turns[2]["text"] in [scenario.fill(x) for x in scenario.manager.reactions["no_timeline"]]
    assert turns[2]["expects"] == "objection:vague_encouragement"
    assert any(m["hit"] for m in turns[3]["feedback"]["key_phrases"])  # "what specifically" came through
    assert turns[4]["expects"].startswith("objection:") or turns[4]["expects"] == "ask"
    assert result["complete"] is True and result["outcome"] in ("yes", "not_yet")
    assert result["summary"]["raised"] == ["no_timeline"]
    check_user_turns(result, rehearse_home)
    stored = Store().run(result["run_id"])
    assert stored["status"] == "complete" and stored["outcome"] == result["outcome"]
    assert [t["text"] for t in stored["turns"]] == [t["text"] for t in turns]


def test_a_strong_pitch_reaches_an_outcome(capsys, rehearse_home, scenario):
    result = run_json(capsys, "--seed", "1", "--persona", "supportive", *answers("pitch_strong", "close"))
    turns = result["turns"]
    signals = turns[1]["feedback"]["signals"]
    assert all(signals[s] for s in ("asked_timeline", "named_gaps", "evidence_with_numbers", "explicit_ask"))
    outcome_line = turns[2]["text"]
    assert result["outcome"] in ("yes", "not_yet")
    assert any(outcome_line.endswith(scenario.fill(x)) for x in scenario.manager.outcomes[result["outcome"]])
    assert any(outcome_line.startswith(scenario.fill(x)) for x in scenario.manager.reactions["strong"])
    assert result["complete"] and len(turns) == 4 and result["summary"]["score"] > 0
    check_user_turns(result, rehearse_home)
    assert Store().run(result["run_id"])["status"] == "complete"


def test_a_drill_scores_each_objection_and_stores_the_schedule(capsys, rehearse_home, scenario):
    result = run_json(capsys, "--mode", "drill", "--items", "3", "--seed", "2",
                      *answers("drill_not_yet", "drill_gap", "drill_timing"))
    served = [t["expects"] for t in result["turns"] if t["role"] == "manager"]
    assert served == ["objection:not_yet", "objection:what_about_gap", "objection:timing"]
    for turn in result["turns"]:
        if turn["role"] == "user":
            oid = turn["expects"].split(":")[1]
            phrases = {m["phrase"]: m["hit"] for m in turn["feedback"]["key_phrases"]}
            assert set(phrases) == set(scenario.objection(oid).key_phrases)
            assert sum(phrases.values()) >= 2, (oid, turn["text"], phrases)
    assert result["complete"] and result["summary"]["score"] >= 50
    check_user_turns(result, rehearse_home)
    cards = Store().drill_cards(str(SCENARIO.resolve()))
    assert set(cards) == {"not_yet", "what_about_gap", "timing"}
    assert all(c["attempts"] == 1 and c["card"]["due"] for c in cards.values())


def test_read_aloud_answers_running_out_is_an_incomplete_run(capsys, rehearse_home, scenario):
    result = run_json(capsys, "--mode", "read", "--items", "2", *answers("read_intent"))
    assert result["complete"] is False
    user = [t for t in result["turns"] if t["role"] == "user"]
    assert len(user) == 1 and user[0]["expects"] == "read:0"
    fb = user[0]["feedback"]
    assert fb["sentence"] == scenario.read_aloud_sentences()[0]
    not_ok = [w["word"] for w in fb["words"] if w["status"] != "ok"]
    # short function words ("been", "us") never make the practice list (pronunciation.FUNCTION_WORDS)
    assert fb["practice"] == [w for w in dict.fromkeys(not_ok) if w.lower() not in FUNCTION_WORDS | {"a", "an", "the"}]
    # Festival says "Senior" so that Whisper hears "see in your": the word to practise
    assert "Senior" in fb["practice"] and fb["score"] < 100
    assert Store().run(result["run_id"])["status"] == "incomplete"


def test_human_output_shows_the_conversation_with_scores_and_tips(capsys, rehearse_home):
    argv = ["run", str(SCENARIO), "--engine", "whisper", "--no-speak", "--mode", "drill", "--items", "1",
            "--answers", str(DATA / "drill_not_yet.wav")]
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert "Manager: " in out and "You: " in out and "score " in out and "tip: " in out and "Done: score" in out


def test_an_interrupted_run_is_stored_incomplete_with_its_finished_turns(rehearse_home, scenario):
    def interrupt_after_first_answer(event):
        if event.kind == "feedback":
            raise KeyboardInterrupt

    store = Store()
    session = Session(scenario, "drill", store=store, max_items=3, engine="whisper")
    drive = Drive(session, answers=[DATA / "drill_not_yet.wav", DATA / "drill_gap.wav"], engine="whisper",
                  speak=False, on_event=interrupt_after_first_answer)
    with pytest.raises(KeyboardInterrupt):
        drive.run()
    run = store.run(session.run_id)
    assert run["status"] == "incomplete" and [t["role"] for t in run["turns"]] == ["manager", "user"]
    assert run["turns"][1]["audio_exists"] and "specifically" in run["turns"][1]["text"]


def test_a_run_killed_mid_answer_keeps_its_finished_turns_and_the_partial_recording(tmp_path):
    home = tmp_path / "home"
    env = dict(os.environ, REHEARSE_HOME=str(home), REHEARSE_ANSWERS_REALTIME="1", HF_HUB_OFFLINE="1")
    cmd = [sys.executable, "-m", "rehearse", "run", str(SCENARIO), "--mode", "drill", "--items", "3",
           "--engine", "whisper", "--no-speak", "--answers", str(DATA / "drill_not_yet.wav"),
           str(DATA / "drill_gap.wav"), str(DATA / "drill_timing.wav")]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    second = home / "recordings" / "1" / "turn-03.wav"
    deadline = time.monotonic() + 120
    try:
        # wait until the second answer is being recorded (at speaking pace) for about two seconds
        while time.monotonic() < deadline and proc.poll() is None:
            info = recordings.wav_info(second) if second.exists() else None
            if info and info["duration"] >= 2.0:
                break
            time.sleep(0.1)
        assert proc.poll() is None, proc.stderr.read().decode()
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait()
    run = Store(home / "history.sqlite3").run(1)
    assert run["status"] == "interrupted" and run["complete"] is False
    assert [t["role"] for t in run["turns"]] == ["manager", "user", "manager"]
    first = run["turns"][1]
    assert first["audio_exists"] and first["feedback"]["score"] >= 0 and first["transcript"]["words"]
    partial = [r for r in run["recordings"] if r["turn_index"] == 3]
    assert partial and not partial[0]["in_turn"]
    assert 1.5 <= partial[0]["duration"] < 6.1  # cut short: the answer is 6.1 s long
    recordings.repair_header(Path(partial[0]["path"]))
    assert recordings.wav_info(Path(partial[0]["path"]))["header_ok"]
