"""`rehearse run`: user mistakes are clear messages with exit code 2, never a traceback."""

from pathlib import Path

import pytest

from rehearse.cli import main

DATA = Path(__file__).parents[1] / "data" / "answers"
SCENARIO = DATA / "senior-engineer.toml"


def test_help_lists_the_options(capsys):
    with pytest.raises(SystemExit):
        main(["run", "--help"])
    out = capsys.readouterr().out
    for option in ("--mode", "--answers", "--engine", "--seed", "--persona", "--by-part", "--no-speak", "--json"):
        assert option in out
    assert "--answers-realtime" not in out


@pytest.mark.parametrize(
    "argv, message",
    [
        (["run", "nowhere.toml"], "nowhere.toml"),
        (["run", str(SCENARIO), "--answers", "missing.wav"], "missing.wav: no such answer file"),
        (["run", str(SCENARIO), "--answers", str(SCENARIO)], str(SCENARIO)),
        (["run", str(SCENARIO), "--mode", "drill", "--items", "0", "--answers", str(DATA / "drill_gap.wav")],
         "--items must be at least 1"),
    ],
)
def test_user_mistakes_exit_2_with_a_message(argv, message, capsys, rehearse_home):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err


def test_a_broken_scenario_names_file_and_line(tmp_path, capsys):
    bad = tmp_path / "bad.toml"
    bad.write_text('title = "x"\n[who]\nname = 3\n', encoding="utf-8")
    assert main(["run", str(bad), "--answers", str(DATA / "drill_gap.wav")]) == 2
    err = capsys.readouterr().err
    assert f"{bad}:" in err and "Traceback" not in err


def test_the_printed_missing_list_marks_denied_phrases():
    """`rehearse run` prints what was missing; a phrase said inside a denial is marked, as the tip and `show` do."""
    import io

    from rehearse.commands.run import ConversationPrinter
    from rehearse.core.feedback import analyse_part
    from rehearse.core.loader import load_scenario
    from rehearse.core.transcript import Transcript
    from rehearse.session.events import Event

    scenario = load_scenario(SCENARIO)
    fb = analyse_part(scenario, "pitch", Transcript(text="I'm not asking for a promotion to Senior Engineer."))
    out = io.StringIO()
    ConversationPrinter(out)(Event("feedback", {"feedback": fb}))
    line = out.getvalue().splitlines()[0]
    missing = line.split("missing: ", 1)[1].split("; ")
    assert "promotion to Senior Engineer (said, but denied)" in missing
    assert "said: " not in line
    assert "migration to OAuth" in missing  # plain misses stay plain
