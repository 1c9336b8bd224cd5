"""The `rehearse scenario validate|new` and `rehearse check` commands: output and exit codes."""

import json
import subprocess
import sys

import pytest

from rehearse.cli import main
from rehearse.paths import SCENARIOS

EXAMPLE = SCENARIOS / "example-senior-engineer.toml"
TEMPLATE = SCENARIOS / "promotion.toml"


def run(capsys, *argv):
    code = main(list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


def test_validate_good_file(capsys):
    code, out, err = run(capsys, "scenario", "validate", str(EXAMPLE))
    assert code == 0 and "ok" in out and "4 evidence items" in out and err == ""


def test_validate_json(capsys):
    code, out, _ = run(capsys, "scenario", "validate", str(EXAMPLE), "--json")
    assert code == 0 and json.loads(out) == {"ok": True, "errors": [], "warnings": []}
    code, out, _ = run(capsys, "scenario", "validate", str(TEMPLATE), "--json")
    data = json.loads(out)
    assert code == 2 and data["ok"] is False and len(data["errors"]) > 10
    assert all(e.startswith(f"{TEMPLATE}:") and "fill in this blank" in e for e in data["errors"])


def test_validate_bad_file_lists_every_problem(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text(EXAMPLE.read_text().replace('persona = "skeptical"', 'persona = "grumpy"')
                   .replace('id = "budget"', 'id = "timing"'))
    code, out, err = run(capsys, "scenario", "validate", str(bad))
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    assert any(": who.persona: unknown persona 'grumpy'" in line for line in lines)
    assert any(": objections[3].id: duplicate objection id 'timing'" in line for line in lines)
    assert lines[-1] == f"{bad}: 2 problem(s)"
    assert "Traceback" not in err


@pytest.mark.parametrize("content", [b"", b"\x00\x01\x02binary", b'title = "x\n'])
def test_validate_broken_files_exit_2_without_traceback(tmp_path, content):
    path = tmp_path / "broken.toml"
    path.write_bytes(content)
    out = subprocess.run([sys.executable, "-m", "rehearse", "scenario", "validate", str(path)],
                         capture_output=True, text=True)
    assert out.returncode == 2
    assert out.stderr.startswith(str(path) + ":") and "Traceback" not in out.stderr
    if content.startswith(b"title"):
        assert out.stderr.startswith(f"{path}:1: TOML syntax error")


def test_new_copies_template_and_refuses_to_overwrite(tmp_path, capsys):
    out_file = tmp_path / "mine.toml"
    code, out, _ = run(capsys, "scenario", "new", str(out_file))
    assert code == 0 and out_file.read_text() == TEMPLATE.read_text()
    assert "validate" in out
    code, _, err = run(capsys, "scenario", "new", str(out_file))
    assert code == 2 and "already exists" in err
    code, _, err = run(capsys, "scenario", "new", str(tmp_path / "nope" / "x.toml"))
    assert code == 2 and "does not exist" in err
    example = tmp_path / "ex.toml"
    assert run(capsys, "scenario", "new", str(example), "--example")[0] == 0
    assert run(capsys, "scenario", "validate", str(example))[0] == 0
    code, out, _ = run(capsys, "scenario", "new", str(tmp_path / "j.toml"), "--json")
    assert code == 0 and json.loads(out) == {"path": str(tmp_path / "j.toml"), "source": str(TEMPLATE)}


def test_check_human_output(capsys):
    code, out, _ = run(capsys, "check", str(EXAMPLE), "--part", "intent", "--text",
                       "Um, I've been here five years and I deserve a promotion to Senior Engineer.")
    assert code == 0
    assert out.splitlines()[0].startswith("intent: ") and out.splitlines()[0].endswith("/100")
    assert "✓ promotion to Senior Engineer" in out and "✗ this cycle" in out
    assert '"I\'ve been here five years"' in out and "earned_it" in out
    assert "Tip: " in out


def test_check_json(capsys):
    code, out, _ = run(capsys, "check", str(EXAMPLE), "--part", "objection:not_yet", "--text",
                       "What specifically is missing? Could we set a review date?", "--json")
    data = json.loads(out)
    assert code == 0 and data["part"] == "objection:not_yet" and 0 <= data["score"] <= 100
    assert [kp["hit"] for kp in data["key_phrases"]][:2] == [True, True]


def test_check_unknown_part_or_objection_exits_2(capsys):
    code, _, err = run(capsys, "check", str(EXAMPLE), "--part", "opening", "--text", "hi")
    assert code == 2 and "intent, evidence, gaps, ask, pitch, objection:not_yet" in err
    code, _, err = run(capsys, "check", str(EXAMPLE), "--part", "objection:salary", "--text", "hi")
    assert code == 2 and "unknown objection 'salary'" in err and "why_now" in err


def test_check_with_a_bad_scenario_exits_2(capsys):
    code, _, err = run(capsys, "check", str(TEMPLATE), "--part", "intent", "--text", "hi")
    assert code == 2 and "fill in this blank" in err
