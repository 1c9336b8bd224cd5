"""The history commands end to end: history, show, export, email, progress, and their exit codes."""

import json
import subprocess
import sys

import pytest
from store_samples import store_drill_run, store_pitch_run

from rehearse.cli import main
from rehearse.store import Store


@pytest.fixture
def runs(rehearse_home):
    store = Store()
    ids = [store_pitch_run(store, "not_yet"), store_pitch_run(store, "yes"),
           store_drill_run(store, {"budget": ("Could we treat the title and the money separately?", 6.0)})]
    killed = store.create_run(scenario_path="gone.toml", scenario_title="Cut short", target_role="Lead",
                              mode="pitch", persona="busy", seed=None, engine="vosk")
    store.add_turn(killed, index=0, role="manager", text="Go ahead.")
    store.close()
    return ids + [killed]


def run_cli(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_history_json_lists_runs_newest_first(runs, capsys):
    code, out, _ = run_cli(capsys, "history", "--json")
    assert code == 0
    listed = json.loads(out)
    assert [r["run_id"] for r in listed] == runs[::-1]
    first = listed[-1]
    assert {"run_id", "date", "scenario", "mode", "score", "complete", "status", "outcome"} <= set(first)
    assert (first["mode"], first["score"], first["complete"], first["outcome"]) == ("pitch", 70, True, "not_yet")
    assert (listed[0]["status"], listed[0]["complete"]) == ("interrupted", False)


def test_history_table_and_limit(runs, capsys):
    code, out, _ = run_cli(capsys, "history", "--limit", "2")
    lines = out.splitlines()
    assert code == 0 and lines[0].split()[:5] == ["RUN", "DATE", "MODE", "SCORE", "STATUS"]
    assert len(lines) == 3 and "interrupted" in lines[1] and "Cut short" in lines[1]


def test_empty_history(rehearse_home, capsys):
    assert run_cli(capsys, "history") == (0, "No runs yet. Start one with `rehearse run SCENARIO`.\n", "")
    assert json.loads(run_cli(capsys, "history", "--json")[1]) == []
    code, _, err = run_cli(capsys, "show", "last")
    assert code == 2 and "no runs in the history yet" in err


def test_show_text_and_json(runs, capsys):
    code, out, _ = run_cli(capsys, "show", str(runs[0]))
    assert code == 0 and "~~um,~~" in out and "- Missed: “agree a date”" in out
    code, out, _ = run_cli(capsys, "show", "last", "--json")
    shown = json.loads(out)
    assert code == 0 and shown["run_id"] == runs[-1] and shown["status"] == "interrupted"
    assert [t["text"] for t in shown["turns"]] == ["Go ahead."]


@pytest.mark.parametrize("argv, message", [
    (["show", "999"], "no run 999"),
    (["show", "abc"], "'abc' is not a run number"),
    (["export", "999", "-o", "x.md"], "no run 999"),
    (["email", "999"], "no run 999"),
])
def test_unknown_runs_exit_2_without_traceback(runs, capsys, argv, message):
    code, out, err = run_cli(capsys, *argv)
    assert code == 2 and message in err and "Traceback" not in err and out == ""


def test_export_formats_by_flag_and_extension(runs, capsys, tmp_path):
    code, out, _ = run_cli(capsys, "export", str(runs[0]), "-o", str(tmp_path / "r.md"), "--json")
    assert code == 0 and json.loads(out)["format"] == "md"
    assert (tmp_path / "r.md").read_text(encoding="utf-8").startswith("# Rehearsal:")
    code, out, _ = run_cli(capsys, "export", "last", "--format", "html", "-o", str(tmp_path / "r.txt"))
    assert code == 0 and out.startswith(f"Wrote {tmp_path / 'r.txt'} (html,")
    code, _, err = run_cli(capsys, "export", str(runs[0]), "-o", str(tmp_path / "r.doc"))
    assert code == 2 and "add --format md|html|pdf" in err
    code, _, err = run_cli(capsys, "export", str(runs[0]), "-o", str(tmp_path / "nope" / "r.md"))
    assert code == 2 and "does not exist" in err


def test_email_prints_the_draft_and_explains_blanks(runs, capsys):
    code, out, err = run_cli(capsys, "email", str(runs[0]))
    assert code == 0 and out.startswith("Subject: Promotion to Senior Engineer: agreed criteria and review date\n")
    assert "Hi Dana," in out and "on March 15th" in out and err == ""
    code, out, err = run_cli(capsys, "email", str(runs[-1]), "--json")
    draft = json.loads(out)
    assert code == 0 and draft["body"].startswith("Hi [manager's name],")  # gone.toml: names unknown
    assert {b["blank"] for b in draft["blanks"]} >= {"[manager's name]", "[your evidence]", "[proposed date]"}
    code, out, err = run_cli(capsys, "email", str(runs[-1]))
    assert "Before sending, fill in:" in err and "[proposed date]: no date was agreed in the run" in err


def test_progress_text_and_json(runs, capsys):
    code, out, _ = run_cli(capsys, "progress", "--json")
    report = json.loads(out)
    assert code == 0 and {i["expects"] for i in report["items"]} == {"pitch", "ask", "objection:budget"}
    code, out, _ = run_cli(capsys, "progress")
    assert code == 0 and 'the "budget" objection: 1 attempt(s)' in out
    assert "best answer, as the recognizer heard it: “" in out and "best answer said: “" in out


def test_damaged_history_exits_2_naming_both_files(rehearse_home):
    rehearse_home.mkdir(parents=True, exist_ok=True)
    (rehearse_home / "history.sqlite3").write_bytes(b"garbage" * 1000)
    proc = subprocess.run([sys.executable, "-m", "rehearse", "history"], capture_output=True, text=True)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr
    backups = list(rehearse_home.glob("history.sqlite3.damaged-*"))
    assert len(backups) == 1 and str(backups[0]) in proc.stderr
    assert str(rehearse_home / "history.sqlite3") in proc.stderr


def test_pdf_export_from_the_command_line_without_a_display(runs, tmp_path):
    import os

    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY")}
    out = tmp_path / "run.pdf"
    proc = subprocess.run([sys.executable, "-m", "rehearse", "export", str(runs[0]), "-o", str(out)],
                          capture_output=True, text=True, env=env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert out.read_bytes().startswith(b"%PDF") and "(pdf," in proc.stdout
