"""Property test (issue 13): random bytes, random WAV headers, random zips and randomly nested TOML, fed to every
command that reads a file. Each ends with exit 0 or 2 and a message, never an exception (a traceback), whatever
the input; so the next break-in test finds nothing new here.

The commands run in this process (``rehearse.cli.main``), so any exception fails the test with its traceback.
"""

import contextlib
import io
import json
import os
import string
import struct
import zipfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hardening_helpers import wav_bytes
from rehearse.cli import main
from rehearse.paths import SCENARIOS

EXAMPLE = SCENARIOS / "example-senior-engineer.toml"
EXAMPLE_TEXT = EXAMPLE.read_text(encoding="utf-8")
SCALE = float(os.environ.get("REHEARSE_PROPERTY_SCALE", "1"))  # e.g. 20 for a longer search
SETTINGS = dict(deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def run(*argv) -> tuple[int, str, str, bool]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main([str(a) for a in argv])
        except SystemExit as exit_:  # argparse
            code = exit_.code
    return code, out.getvalue(), err.getvalue(), "--json" in argv


def _no_constants(name):
    raise AssertionError(f"--json printed {name}, which is not JSON")


def check(code, out, err, as_json=False):
    assert code in (0, 2), (code, out[-500:], err[-500:])
    assert "Traceback" not in err
    if code == 2:
        assert (err + out).strip(), "exit 2 without a message"
    if as_json and out.strip():
        json.loads(out, parse_constant=_no_constants)  # strict JSON: no NaN or Infinity


# --- strategies ---------------------------------------------------------------------------------------------------

@st.composite
def wav_headers(draw):
    """A RIFF/WAVE file whose header fields are anything, with a little data (possibly not matching)."""
    rate = draw(st.one_of(st.sampled_from([0, 1, 7999, 8000, 16000, 44100, 192000, 192001, 2**31, 2**32 - 1]),
                          st.integers(0, 2**32 - 1)))
    channels = draw(st.one_of(st.sampled_from([0, 1, 2, 6, 255, 65535]), st.integers(0, 65535)))
    bits = draw(st.sampled_from([0, 1, 8, 12, 16, 24, 32, 64, 65535]))
    fmt = draw(st.sampled_from([0, 1, 2, 3, 6, 7, 0xFFFE, 0xFFFF]))
    data = draw(st.binary(max_size=4096))
    size = draw(st.one_of(st.none(), st.sampled_from([0, 1, 0xFFFFFFFF]), st.integers(0, 2**32 - 1)))
    try:
        raw = wav_bytes(rate=rate, channels=channels, bits=bits, fmt=fmt, data=data, data_size=size)
    except struct.error:
        raw = wav_bytes(data=data)
    cut = draw(st.one_of(st.none(), st.integers(0, len(raw))))
    return raw if cut is None else raw[:cut]


def nested_value(depth: int, kinds: list[str]) -> str:
    text = "1"
    for kind in kinds[:depth]:
        text = f"[{text}]" if kind == "a" else f"{{x = {text}}}"
    return text


@st.composite
def nested_toml(draw):
    """The example scenario with randomly nested arrays/inline tables or [table.headers] put somewhere."""
    depth = draw(st.integers(1, 3000))
    kinds = draw(st.lists(st.sampled_from("at"), min_size=depth, max_size=depth)) if depth < 200 else ["a"] * depth
    value = nested_value(depth, kinds)
    where = draw(st.sampled_from(["top", "who", "intent", "header", "unclosed"]))
    if where == "top":
        return f"deep = {value}\n" + EXAMPLE_TEXT
    if where == "who":
        return EXAMPLE_TEXT.replace("[who]", f"[who]\ndeep = {value}", 1)
    if where == "intent":
        return EXAMPLE_TEXT.replace("[pitch.intent]", f"[pitch.intent]\ntarget_seconds = {value}", 1)
    if where == "header":
        return EXAMPLE_TEXT + "\n[" + ".".join(["t"] * min(depth, 500)) + "]\nx = 1\n"
    return EXAMPLE_TEXT + "\nz = " + "[" * depth


@st.composite
def zips(draw):
    buf = io.BytesIO()
    names = draw(st.lists(st.text(string.ascii_letters + string.digits + "/._-", min_size=1, max_size=300),
                          min_size=1, max_size=6, unique=True))
    with zipfile.ZipFile(buf, "w") as zf:
        for name in names:
            try:
                zf.writestr(name, draw(st.binary(max_size=200)))
            except (ValueError, zipfile.BadZipFile):
                pass
    raw = buf.getvalue()
    cut = draw(st.one_of(st.none(), st.integers(0, len(raw))))
    return raw if cut is None else raw[:cut]


# --- the properties -----------------------------------------------------------------------------------------------

@settings(max_examples=int(60 * SCALE), **SETTINGS)
@given(raw=st.one_of(st.binary(max_size=3000), nested_toml().map(lambda t: t.encode("utf-8"))))
def test_scenario_commands_never_crash(tmp_path, raw):
    path = tmp_path / "s.toml"
    path.write_bytes(raw)
    check(*run("scenario", "validate", path))
    check(*run("scenario", "validate", path, "--json"))
    check(*run("check", path, "--part", "intent", "--text", "I am asking for a promotion", "--json"))


@settings(max_examples=int(40 * SCALE), **SETTINGS)
@given(raw=st.one_of(st.binary(max_size=3000), wav_headers()))
def test_audio_commands_never_crash(tmp_path, raw):
    path = tmp_path / "a.wav"
    path.write_bytes(raw)
    check(*run("transcribe", path, "--engine", "whisper", "--json"))


@pytest.mark.slow
@settings(max_examples=int(15 * SCALE), **SETTINGS)
@given(raw=wav_headers())
def test_run_with_random_answer_files_never_crashes(tmp_path, raw):
    path = tmp_path / "a.wav"
    path.write_bytes(raw)
    check(*run("run", EXAMPLE, "--answers", path, "--no-speak", "--engine", "whisper", "--json"))


@settings(max_examples=int(40 * SCALE), **SETTINGS)
@given(raw=st.one_of(st.binary(max_size=2000), zips()))
def test_model_install_from_random_archives_never_crashes(tmp_path, raw):
    path = tmp_path / "m.zip"
    path.write_bytes(raw)
    check(*run("models", "install", "--from", path, "--json"))


def _healthy_history(folder):
    from rehearse.store import Store

    folder.mkdir(parents=True, exist_ok=True)
    with Store(folder / "history.sqlite3") as store:
        for n in range(3):
            run_id = store.create_run(scenario_path=str(EXAMPLE), scenario_title="Example", target_role="Senior",
                                      mode="pitch", persona="busy", seed=n, engine="whisper")
            store.add_turn(run_id, index=0, role="manager", text="What's on your mind? " * 20)
            store.add_turn(run_id, index=1, role="user", text="I am asking for a promotion. " * 20, expects="intent",
                           feedback={"score": 50 + n, "tip": "x"}, transcript={"text": "hi", "words": []})
            store.finish_run(run_id, complete=True, outcome="not_yet", summary={"score": 50 + n})
        store._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    return (folder / "history.sqlite3").read_bytes()


HEALTHY: dict[str, bytes] = {}


@settings(max_examples=int(40 * SCALE), **SETTINGS)
@given(data=st.data())
def test_history_commands_on_damaged_databases_never_crash(rehearse_home, tmp_path, data):
    if "db" not in HEALTHY:
        HEALTHY["db"] = _healthy_history(tmp_path / "healthy")
    raw = bytearray(HEALTHY["db"])
    kind = data.draw(st.sampled_from(["flip", "truncate", "random"]))
    if kind == "flip":
        for _ in range(data.draw(st.integers(1, 40))):
            raw[data.draw(st.integers(0, len(raw) - 1))] = data.draw(st.integers(0, 255))
    elif kind == "truncate":
        raw = raw[: data.draw(st.integers(0, len(raw)))]
    else:
        raw = bytearray(data.draw(st.binary(max_size=8192)))
    rehearse_home.mkdir(parents=True, exist_ok=True)
    for leftover in rehearse_home.glob("history.sqlite3*"):
        leftover.unlink()
    (rehearse_home / "history.sqlite3").write_bytes(bytes(raw))
    for argv in (["history", "--json"], ["show", "last", "--json"], ["email", "last"], ["progress", "--json"],
                 ["export", "last", "-o", tmp_path / "r.md", "--force"]):
        check(*run(*argv))
