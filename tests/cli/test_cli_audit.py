"""User mistakes on the command line: exit 2 with a one-line reason, never a traceback.

Each test here comes from an audit of the ``rehearse`` commands as a user would type them.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from rehearse.cli import main
from rehearse.paths import SCENARIOS
from rehearse.store import Store

EXAMPLE = SCENARIOS / "example-senior-engineer.toml"
ANSWER = Path(__file__).parents[1] / "data" / "audio" / "answer.wav"


def run_cli(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


def assert_user_error(code, out, err, *words):
    assert code == 2, (code, out, err)
    assert "Traceback" not in err
    assert out == ""
    for word in words:
        assert word in err, err


@pytest.fixture
def one_run(rehearse_home):
    store = Store()
    run_id = store.create_run(scenario_path=str(EXAMPLE), scenario_title="Example", target_role="Senior Engineer",
                              mode="pitch", persona="busy", seed=1, engine="whisper")
    store.add_turn(run_id, index=0, role="manager", text="What's on your mind?")
    store.close()
    return run_id


def test_check_human_output_ends_with_a_newline(capsys):
    code, out, _ = run_cli(capsys, "check", EXAMPLE, "--part", "intent", "--text", "I'd like a promotion this cycle")
    assert code == 0
    assert out.startswith("intent:") and out.endswith(".\n") and not out.endswith("\n\n")


def test_run_with_a_negative_silence_is_a_user_error_and_stores_nothing(capsys, one_run):
    code, out, err = run_cli(capsys, "run", EXAMPLE, "--answers", ANSWER, "--no-speak", "--silence", "-1")
    assert_user_error(code, out, err, "--silence")
    with Store() as store:
        assert [r["run_id"] for r in store.runs()] == [one_run]


@pytest.mark.parametrize("value", ["nan", "inf", "0"])
def test_run_silence_must_be_a_finite_positive_number(capsys, value):
    code, out, err = run_cli(capsys, "run", EXAMPLE, "--answers", ANSWER, "--no-speak", "--silence", value)
    assert_user_error(code, out, err, "--silence")


@pytest.mark.parametrize("option,value", [("--seconds", "nan"), ("--seconds", "inf"), ("--silence", "nan")])
def test_record_rejects_numbers_that_are_not_finite(capsys, tmp_path, option, value):
    code, out, err = run_cli(capsys, "record", "-o", tmp_path / "r.wav", option, value)
    assert_user_error(code, out, err, option)


@pytest.mark.parametrize("command", [["show"], ["email"], ["export", "-o", "x.md"]])
def test_a_huge_run_number_is_no_such_run(capsys, one_run, command, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = run_cli(capsys, *command[:1], "99999999999999999999999", *command[1:])
    assert_user_error(code, out, err, "no run 99999999999999999999999")


def test_data_folder_that_is_a_file_is_a_user_error(tmp_path, monkeypatch, capsys):
    not_a_folder = tmp_path / "home.txt"
    not_a_folder.write_text("x")
    monkeypatch.setenv("REHEARSE_HOME", str(not_a_folder))
    code, out, err = run_cli(capsys, "history")
    assert_user_error(code, out, err, str(not_a_folder), "REHEARSE_HOME")


def test_recordings_folder_that_is_a_file_is_a_user_error(capsys, rehearse_home):
    rehearse_home.mkdir(parents=True, exist_ok=True)
    (rehearse_home / "recordings").write_text("x")
    code, out, err = run_cli(capsys, "run", EXAMPLE, "--answers", ANSWER, "--no-speak")
    assert code == 2 and "Traceback" not in err
    assert str(rehearse_home / "recordings") in err and "Rehearse cannot use this folder" in err


def test_history_limit_below_one_is_a_user_error(capsys, one_run):
    code, out, err = run_cli(capsys, "history", "--limit", "-3")
    assert_user_error(code, out, err, "--limit")


def test_progress_finds_runs_by_a_relative_scenario_path(capsys, rehearse_home, monkeypatch):
    store = Store()
    run_id = store.create_run(scenario_path=str(EXAMPLE), scenario_title="Example", target_role="Senior Engineer",
                              mode="pitch", persona="busy", seed=1, engine="whisper")
    store.add_turn(run_id, index=0, role="manager", text="What's on your mind?")
    store.add_turn(run_id, index=1, role="user", text="I would like to talk about a promotion this cycle.",
                   expects="pitch")
    store.close()
    monkeypatch.chdir(EXAMPLE.parent)
    code, out, _ = run_cli(capsys, "progress", "--scenario", EXAMPLE.name, "--json")
    assert code == 0
    items = json.loads(out)["items"]
    assert [it["scenario_path"] for it in items] == [str(EXAMPLE)]


def test_progress_for_a_scenario_without_runs_names_the_file(capsys, rehearse_home, tmp_path):
    code, out, err = run_cli(capsys, "progress", "--scenario", tmp_path / "typo.toml")
    assert code == 0
    assert "typo.toml" in out + err


def test_answer_file_that_is_a_folder_says_so(capsys, tmp_path):
    folder = tmp_path / "answer.wav"
    folder.mkdir()
    code, out, err = run_cli(capsys, "run", EXAMPLE, "--answers", folder, "--no-speak")
    assert_user_error(code, out, err, "folder")


def test_model_zip_that_is_a_folder_says_so(capsys, tmp_path):
    folder = tmp_path / "model.zip"
    folder.mkdir()
    code, out, err = run_cli(capsys, "models", "install", "--from", folder)
    assert_user_error(code, out, err, "folder")


def test_say_refuses_an_output_that_is_not_wav(capsys, tmp_path):
    code, out, err = run_cli(capsys, "say", "hello", "-o", tmp_path / "hello.mp3")
    assert_user_error(code, out, err, ".wav")
    assert not (tmp_path / "hello.mp3").exists()


def test_voices_with_an_unknown_language_says_none_match(capsys):
    code, out, err = run_cli(capsys, "voices", "--lang", "zz")
    assert code == 0
    assert "zz" in out + err


def test_user_errors_print_no_traceback_in_a_real_process(tmp_path):
    """The same path a user's shell takes: a separate process, REHEARSE_HOME pointing at a file."""
    not_a_folder = tmp_path / "home.txt"
    not_a_folder.write_text("x")
    env = {"REHEARSE_HOME": str(not_a_folder), "PATH": "/usr/bin:/bin", "HF_HUB_OFFLINE": "1"}
    proc = subprocess.run([sys.executable, "-m", "rehearse", "models", "list", "--json"], capture_output=True,
                          text=True, env=env, timeout=60)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert "Traceback" not in proc.stderr and "home.txt" in proc.stderr


def test_scenario_new_into_a_place_that_cannot_be_written(capsys):
    code, out, err = run_cli(capsys, "scenario", "new", "/proc/new-scenario.toml")
    assert_user_error(code, out, err, "/proc/new-scenario.toml: cannot write")


def test_run_with_vosk_and_no_model_stores_no_empty_run(capsys, rehearse_home, monkeypatch):
    monkeypatch.delenv("VOSK_MODEL_PATH", raising=False)
    code, out, err = run_cli(capsys, "run", EXAMPLE, "--answers", ANSWER, "--no-speak", "--engine", "vosk")
    assert_user_error(code, out, err, "no Vosk model installed")
    with Store() as store:
        assert store.runs() == []


@pytest.mark.parametrize("phrase", ["!!!", "안녕하세요"])
def test_match_phrase_without_words_is_a_user_error(capsys, phrase):
    code, out, err = run_cli(capsys, "match", "--text", "hello there", "--phrase", phrase)
    assert_user_error(code, out, err, "no words")


def test_no_command_without_a_display_explains_instead_of_aborting(tmp_path):
    env = {"REHEARSE_HOME": str(tmp_path / "home"), "PATH": "/usr/bin:/bin", "HF_HUB_OFFLINE": "1"}
    proc = subprocess.run([sys.executable, "-m", "rehearse"], capture_output=True, text=True, env=env, timeout=60)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert "DISPLAY" in proc.stderr and "rehearse --help" in proc.stderr


@pytest.mark.parametrize("phrase", ["!!!", "승진"])
def test_scenario_key_phrase_without_words_is_reported_with_its_line(capsys, tmp_path, phrase):
    text = EXAMPLE.read_text(encoding="utf-8")
    line = next(i for i, row in enumerate(text.splitlines(), 1) if row.startswith("key_phrases = ["))
    bad = tmp_path / "bad.toml"
    bad.write_text(text.replace("key_phrases = [", f'key_phrases = ["{phrase}", ', 1), encoding="utf-8")
    code, out, err = run_cli(capsys, "scenario", "validate", bad)
    assert code == 2 and "Traceback" not in err
    assert f"{bad}:{line}: pitch.intent.key_phrases[0]: '{phrase}' has no words to listen for" in err


def test_models_install_with_an_address_that_is_not_one(capsys):
    code, out, err = run_cli(capsys, "models", "install", "--url", "notaurl")
    assert_user_error(code, out, err, "--url 'notaurl': not a web address")


def test_say_on_a_device_that_is_not_there_points_to_the_device_list(capsys):
    code, out, err = run_cli(capsys, "say", "hello", "--device", "no such speaker")
    assert_user_error(code, out, err, "'no such speaker'", "rehearse devices")


def _write_wav(path, samples, rate=16000):
    import wave

    import numpy as np

    pcm = np.clip(np.round(samples * 32768.0), -32768, 32767).astype("<i2").tobytes()
    with wave.open(str(path), "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(pcm)


@pytest.mark.slow
def test_whisper_hears_nothing_in_a_quiet_rooms_noise_but_still_hears_quiet_speech(capsys, tmp_path):
    """Noise at -60 dBFS (a quiet room) used to come out as "Uh, uh, uh, …" (24 fillers for saying nothing)."""
    import numpy as np

    from rehearse.speech.audio import read_wav

    # three 2 s noises that all came out as 24 "uh"s before (Whisper's hallucination here depends on the samples)
    for amplitude, seed in ((0.003, 1), (0.006, 1), (0.006, 2)):
        noise = np.round(np.random.default_rng(seed).uniform(-amplitude, amplitude, 32000) * 32768) / 32768
        _write_wav(tmp_path / "room.wav", noise)
        code, out, _ = run_cli(capsys, "transcribe", tmp_path / "room.wav", "--engine", "whisper", "--json")
        assert code == 0
        assert json.loads(out)["words"] == [], (amplitude, seed)

    speech, rate = read_wav(ANSWER)
    _write_wav(tmp_path / "quiet.wav", speech * 0.01, rate)  # about -64 dBFS: under the speech threshold
    code, out, _ = run_cli(capsys, "transcribe", tmp_path / "quiet.wav", "--engine", "whisper", "--json")
    assert code == 0
    assert "promotion" in json.loads(out)["text"].lower()


@pytest.mark.parametrize("fmt", ["pdf", "md", "html"])
def test_export_onto_a_folder_is_a_user_error_not_a_success(capsys, one_run, tmp_path, fmt):
    folder = tmp_path / "out" / f"report.{fmt}"
    folder.mkdir(parents=True)
    code, out, err = run_cli(capsys, "export", one_run, "-o", folder)
    assert_user_error(code, out, err, f"{folder}: is a folder")
    assert list(folder.iterdir()) == [] and [p.name for p in folder.parent.iterdir()] == [folder.name]


def test_export_pdf_replaces_an_old_file_and_leaves_no_temporary_file(capsys, one_run, tmp_path):
    old = tmp_path / "out" / "report.pdf"
    old.parent.mkdir()
    old.write_bytes(b"%PDF- an older report")
    code, out, err = run_cli(capsys, "export", one_run, "-o", old)  # not without --force (issue 13)
    assert code == 2 and "--force" in err and old.read_bytes() == b"%PDF- an older report"
    code, out, err = run_cli(capsys, "export", one_run, "-o", old, "--force")
    assert code == 0 and old.read_bytes().startswith(b"%PDF-1") and "Wrote" in out
    assert [p.name for p in old.parent.iterdir()] == ["report.pdf"]


@pytest.mark.parametrize("engine", ["whisper", "auto"])
def test_transcribe_final_engine_vosk_without_vosk_is_not_silently_ignored(capsys, monkeypatch, engine):
    monkeypatch.delenv("VOSK_MODEL_PATH", raising=False)
    code, out, err = run_cli(capsys, "transcribe", ANSWER, "--engine", engine, "--final-engine", "vosk")
    assert_user_error(code, out, err, "--final-engine vosk")


def test_say_with_an_empty_output_name_does_not_play_instead(capsys):
    code, out, err = run_cli(capsys, "say", "hello", "-o", "")
    assert_user_error(code, out, err, "give a file name")


def test_say_voice_by_a_language_without_region(capsys, tmp_path):
    """`--voice` is documented as an id, name or language code; "en" is the code users type."""
    code, out, err = run_cli(capsys, "say", "hello", "--voice", "en", "-o", tmp_path / "en.wav", "--json")
    assert code == 0, err
    assert json.loads(out)["frames"] > 0


@pytest.mark.parametrize("argv", [["scenario", "validate", ""], ["check", "", "--part", "intent", "--text", "x"],
                                  ["transcribe", ""], ["run", EXAMPLE, "--answers", "", "--no-speak"]])
def test_an_empty_file_name_is_named_as_such(capsys, argv):
    """`rehearse transcribe "$FILE"` with FILE unset: not ". is a folder"."""
    code, out, err = run_cli(capsys, *argv)
    assert code == 2 and "Traceback" not in err
    assert "(empty file name)" in err and "folder" not in err


def test_models_install_from_an_empty_name_does_not_download(capsys):
    code, out, err = run_cli(capsys, "models", "install", "--from", "")
    assert_user_error(code, out, err, "--from: give the zip file's name")
    assert "Cannot reach" not in err


def test_scenario_new_example_does_not_ask_for_blanks_it_has_none(capsys, tmp_path):
    code, out, _ = run_cli(capsys, "scenario", "new", tmp_path / "mine.toml", "--example")
    assert code == 0 and "<blanks>" not in out
    assert "<" not in (tmp_path / "mine.toml").read_text(encoding="utf-8").replace("<=", "")


def test_run_with_a_seed_too_large_to_store(capsys):
    code, out, err = run_cli(capsys, "run", EXAMPLE, "--answers", ANSWER, "--no-speak",
                             "--seed", "99999999999999999999999")
    assert_user_error(code, out, err, "--seed")
    with Store() as store:
        assert store.runs() == []


SENTENCES = ["Last quarter I led the billing migration.", "We cut support tickets by forty percent.",
             "I mentored two new engineers on the team.", "I would like to be considered for senior engineer.",
             "Could we agree on a review date in March?", "I think the evidence shows I am ready now.",
             "Thank you for listening to me today."]


@pytest.mark.slow
def test_whisper_does_not_turn_a_long_clear_answer_into_uh_uh_uh(capsys, tmp_path):
    """24 s of clear speech with short pauses (one Whisper window) came out as 64 times "Uh," with the filler
    prompt; the recognizer now notices the loop and decodes that window again without it."""
    import wave

    from rehearse.speech.tts import Speaker

    speaker = Speaker()
    frames, rate = b"", None
    for text in SENTENCES + SENTENCES[:4]:
        with wave.open(str(speaker.synthesize(text, voice="system")), "rb") as wav:  # deterministic (Piper varies)
            rate = wav.getframerate()
            frames += wav.readframes(wav.getnframes())
    with wave.open(str(tmp_path / "long.wav"), "wb") as out_wav:
        out_wav.setnchannels(1)
        out_wav.setsampwidth(2)
        out_wav.setframerate(rate)
        out_wav.writeframes(frames)
    code, out, _ = run_cli(capsys, "transcribe", tmp_path / "long.wav", "--engine", "whisper", "--json")
    assert code == 0
    words = [w["word"].strip(".,?!").lower() for w in json.loads(out)["words"]]
    assert words.count("uh") <= 2
    text = " ".join(words)
    assert text.count("billing migration") == 2 and "review date in march" in text
