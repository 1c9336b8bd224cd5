"""Bad input files from the break-in test (issue 13, defects 1, 7, 8, 11, 12, 13 and the NaN WAV of 14).

Each ends in exit 2 with a readable ``FILE: what is wrong`` message, never a traceback, a hang or a crash, and
leaves no run behind. The CLI runs in a subprocess so a segfault, a hang or a traceback is seen as itself.
"""

import json
import os
import warnings

import numpy as np
import pytest
import soundfile

from hardening_helpers import assert_clean_error, cli, unprivileged_prefix, wav_bytes
from rehearse.core.loader import load_scenario, loads_scenario, validate_text
from rehearse.errors import UserError
from rehearse.paths import SCENARIOS
from rehearse.speech.audio import load_pcm16, read_wav, resample, wav_info
from rehearse.store import Store

EXAMPLE = SCENARIOS / "example-senior-engineer.toml"


def runs(home):
    if not (home / "history.sqlite3").exists():
        return []
    with Store(home / "history.sqlite3") as store:
        return store.runs()


# --- 1: a WAV header claiming 1 Hz --------------------------------------------------------------------------------

@pytest.mark.parametrize("rate", [1, 100, 7999, 192001, 4_000_000_000])
def test_a_wav_with_an_absurd_rate_is_refused_before_any_resampling(tmp_path, rate):
    bad = tmp_path / f"rate-{rate}.wav"
    bad.write_bytes(wav_bytes(rate=rate, frames=20000))
    with pytest.raises(UserError, match="sample rate|not a readable audio file"):
        wav_info(bad)
    with pytest.raises(UserError, match="sample rate|not a readable audio file"):
        load_pcm16(bad)
    with pytest.raises(ValueError):
        resample(np.zeros(10, np.float32), 1, 16000)


def test_run_with_a_1_hz_answer_exits_2_and_leaves_no_run(tmp_path):
    bad = tmp_path / "one-hz.wav"
    bad.write_bytes(wav_bytes(rate=1, frames=200_000))
    home = tmp_path / "home"
    result = cli("run", EXAMPLE, "--answers", bad, "--no-speak", "--engine", "whisper", home=home, timeout=120)
    assert_clean_error(result, str(bad), "sample rate 1 Hz")
    assert runs(home) == []  # nothing interrupted left behind
    result = cli("transcribe", bad, "--engine", "whisper", home=home)
    assert_clean_error(result, "sample rate 1 Hz")


def test_a_header_claiming_more_than_two_hours_is_refused(tmp_path):
    # 8 kHz, 8 channels, 32-bit float: the data size field claims 4 GB -> over 4 hours; the file is small.
    # libsndfile trusts a placeholder size of 0xFFFFFFFF: the file then holds only what is there
    bad = tmp_path / "long.wav"
    bad.write_bytes(wav_bytes(rate=8000, channels=1, bits=16, data=bytes(16000)))
    assert wav_info(bad).frames == 8000
    with pytest.raises(UserError, match="truncated"):
        huge = tmp_path / "huge.wav"
        huge.write_bytes(wav_bytes(rate=8000, data=bytes(16000), data_size=4_000_000_000))
        wav_info(huge)


# --- 7: a scenario (or answer) that is a FIFO or /dev/zero --------------------------------------------------------

@pytest.fixture
def fifo(tmp_path):
    path = tmp_path / "pipe.toml"
    os.mkfifo(path)
    return path


@pytest.mark.parametrize("argv", [
    ["scenario", "validate", "{f}"],
    ["check", "{f}", "--part", "intent", "--text", "hello"],
    ["run", "{f}", "--answers", "{a}", "--no-speak"],
])
def test_a_fifo_scenario_does_not_hang(tmp_path, fifo, argv):
    answer = tmp_path / "a.wav"
    answer.write_bytes(wav_bytes())
    argv = [a.format(f=fifo, a=answer) for a in argv]
    result = cli(*argv, home=tmp_path / "home", timeout=30)
    assert_clean_error(result, str(fifo), "FIFO")


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_a_device_as_scenario_is_refused_without_reading_it(tmp_path, device):
    result = cli("scenario", "validate", device, home=tmp_path / "home", timeout=30)
    assert_clean_error(result, device, "device")


def test_a_huge_scenario_file_is_refused_by_size(tmp_path):
    big = tmp_path / "big.toml"
    big.write_bytes(b"# " + b"x" * (2 * 1024 * 1024) + b"\n")
    report = validate_text("", "x")  # the empty case still works
    assert not report.ok
    result = cli("scenario", "validate", big, home=tmp_path / "home")
    assert_clean_error(result, str(big), "too large")


def test_a_fifo_or_device_as_an_answer_or_audio_does_not_hang(tmp_path, fifo):
    result = cli("transcribe", fifo, "--engine", "whisper", home=tmp_path / "home", timeout=30)
    assert_clean_error(result, "FIFO")
    result = cli("run", EXAMPLE, "--answers", "/dev/zero", "--no-speak", home=tmp_path / "home", timeout=30)
    assert_clean_error(result, "/dev/zero", "device")
    assert runs(tmp_path / "home") == []


def test_the_app_settings_pointing_at_a_fifo_do_not_hang_loading(fifo):
    with pytest.raises(UserError, match="FIFO"):
        load_scenario(fifo)


# --- 8: deeply nested TOML ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "a = " + "[" * 1000,
    "a = " + "[" * 1000 + "]" * 1000,
    "a = " + "{b = " * 1000,
    "title = \"x\"\nwho = " + "[" * 100_000,
])
def test_deeply_nested_toml_is_a_clear_error(tmp_path, text):
    path = tmp_path / "deep.toml"
    path.write_text(text)
    report = validate_text(text, str(path))
    assert not report.ok and "nested" in report.errors[0].message
    result = cli("scenario", "validate", path, home=tmp_path / "home")
    assert_clean_error(result, "nested")


def test_brackets_inside_strings_and_comments_are_not_nesting():
    text = EXAMPLE.read_text() + '\n# ' + "[" * 500 + "\n"
    text = text.replace('title = "', 'title = "' + "[{" * 30, 1)
    assert validate_text(text).ok, validate_text(text).errors


# --- 11: an unreadable WAV ----------------------------------------------------------------------------------------

def test_an_unreadable_wav_is_a_clear_error(tmp_path):
    wav = tmp_path / "secret.wav"
    wav.write_bytes(wav_bytes())
    wav.chmod(0)
    prefix = unprivileged_prefix()
    result = cli("transcribe", wav, "--engine", "whisper", home=tmp_path / "home", prefix=prefix)
    assert_clean_error(result, str(wav), "permission denied")
    result = cli("run", EXAMPLE, "--answers", wav, "--no-speak", home=tmp_path / "home", prefix=prefix)
    assert_clean_error(result, str(wav), "permission denied")


# --- 12: NaN and infinity in target_seconds -----------------------------------------------------------------------

@pytest.mark.parametrize("value", ["nan", "inf", "+inf", "-inf", "-nan"])
def test_target_seconds_must_be_finite(tmp_path, value):
    text = EXAMPLE.read_text().replace("[pitch.intent]", f"[pitch.intent]\ntarget_seconds = {value}", 1)
    path = tmp_path / "s.toml"
    path.write_text(text)
    result = cli("scenario", "validate", path, "--json", home=tmp_path / "home")
    assert result.returncode == 2
    report = json.loads(result.stdout)  # strict JSON: no bare NaN/Infinity
    assert any("target_seconds" in e for e in report["errors"])


# --- 13: newlines in one-line fields ------------------------------------------------------------------------------

def test_a_line_break_in_target_role_is_refused_and_never_reaches_the_email(tmp_path):
    text = EXAMPLE.read_text()
    assert 'target_role = "' in text
    bad = text.replace('target_role = "', 'target_role = "Senior Engineer\\nBcc: someone@example.com ', 1)
    path = tmp_path / "s.toml"
    path.write_text(bad)
    result = cli("scenario", "validate", path, home=tmp_path / "home")
    assert_clean_error(result, "who.target_role", "one line")
    with pytest.raises(UserError, match="one line"):
        loads_scenario(bad)


@pytest.mark.parametrize("field", ["title", "manager", "name"])
def test_other_one_line_fields_refuse_line_breaks(field):
    text = EXAMPLE.read_text()
    key = f'{field} = "'
    if key not in text:
        text = text.replace("[who]", f'[who]\n{field} = "Ann"', 1)
    bad = text.replace(key, key + "A\\r\\nB ", 1)
    assert any("one line" in e.message for e in validate_text(bad).errors)


def test_the_email_subject_is_one_line_even_for_an_old_stored_run():
    from rehearse.report.email import draft_email, email_text

    draft = draft_email({"run_id": 1, "target_role": "Senior\nBcc: x@example.com", "turns": [], "outcome": None})
    headers = email_text(draft).split("\n\n", 1)[0]
    assert "\n" not in headers and headers.startswith("Subject: ")


# --- 14 (part): a float WAV holding NaN ---------------------------------------------------------------------------

@pytest.mark.slow
def test_a_float_wav_with_nan_reads_as_silence_without_warnings(tmp_path):
    samples = np.zeros(16000, np.float32)
    samples[100:200] = np.nan
    samples[300] = np.inf
    path = tmp_path / "nan.wav"
    soundfile.write(path, samples, 16000, subtype="FLOAT")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        pcm = load_pcm16(path)
        mono, rate = read_wav(path)
    assert len(pcm) == 32000 and np.isfinite(mono).all()
    assert np.frombuffer(pcm, "<i2")[300] == 32767
    result = cli("transcribe", path, "--engine", "whisper", "--json", home=tmp_path / "home")
    assert result.returncode == 0 and "Warning" not in result.stderr, result.stderr


def test_record_to_a_fifo_is_refused_instead_of_hanging(tmp_path, fifo):
    out = tmp_path / "out.wav"
    os.mkfifo(out)
    result = cli("record", "-o", out, "--seconds", "1", home=tmp_path / "home", timeout=30)
    assert_clean_error(result, str(out), "FIFO")
