"""`rehearse devices` and `rehearse record`, run as a user would, against the PulseAudio virtual microphone."""

import io
import json
import os
import signal
import subprocess
import sys
import time
import wave
from pathlib import Path

import pytest

from pulse import virtual_mic  # noqa: F401  (the fixture)
from rehearse.cli import main
from rehearse.commands.audio import Meter

SPEECH = Path(__file__).parents[1] / "data" / "mic" / "two_sentences.wav"
REHEARSE = [sys.executable, "-m", "rehearse"]


def start_record(env, *args):
    return subprocess.Popen(REHEARSE + ["record", *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def wait_until_recording(proc) -> list[str]:
    """Read stderr until the command says the microphone is open (ALSA prints noise before that)."""
    lines = []
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        line = proc.stderr.readline()
        if not line:
            break
        lines.append(line)
        if line.startswith("Recording to"):
            return lines
    proc.kill()
    raise AssertionError("record never started: " + "".join(lines))


def frames(path) -> int:
    with wave.open(str(path)) as w:
        assert (w.getframerate(), w.getnchannels(), w.getsampwidth()) == (16000, 1, 2)
        return w.getnframes()


@pytest.mark.slow
def test_devices_json(virtual_mic):
    out = subprocess.run(REHEARSE + ["devices", "--json"], env=virtual_mic.env, capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stderr
    devices = json.loads(out.stdout)
    pulse = next(d for d in devices if d["name"] == virtual_mic.device)
    assert set(pulse) == {"index", "name", "hostapi", "inputs", "outputs", "default_rate", "default_input",
                          "default_output"}
    assert pulse["inputs"] >= 1 and pulse["outputs"] >= 1 and pulse["default_rate"] > 0
    assert sum(d["default_input"] for d in devices) == 1
    text = subprocess.run(REHEARSE + ["devices"], env=virtual_mic.env, capture_output=True, text=True, timeout=60)
    assert text.returncode == 0 and virtual_mic.device in text.stdout and "default-in" in text.stdout


@pytest.mark.slow
def test_record_until_silence(virtual_mic, tmp_path):
    out = tmp_path / "answer.wav"
    virtual_mic.wait_played()
    proc = start_record(virtual_mic.env, "-o", str(out), "--until-silence", "--device", virtual_mic.device,
                        "--json")
    wait_until_recording(proc)
    spoken = virtual_mic.play_file(SPEECH, lead_s=0.3)
    stdout, stderr = proc.communicate(timeout=60)
    assert proc.returncode == 0, stderr
    report = json.loads(stdout)
    assert report["reason"] == "silence" and report["path"] == str(out)
    assert report["device"] == virtual_mic.device and report["rate"] == 16000
    assert report["duration"] == pytest.approx(spoken + 1.5, abs=0.7)
    assert frames(out) / 16000 == pytest.approx(report["duration"], abs=0.01)
    assert "dBFS" in stderr  # the level meter


@pytest.mark.slow
def test_record_seconds(virtual_mic, tmp_path):
    out = tmp_path / "two.wav"
    done = subprocess.run(REHEARSE + ["record", "-o", str(out), "--seconds", "1.5"], env=virtual_mic.env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "Recorded 1.5 s" in done.stdout and "time limit" in done.stdout
    assert frames(out) == pytest.approx(24000, abs=1600)


@pytest.mark.slow
def test_ctrl_c_stops_and_keeps_the_file(virtual_mic, tmp_path):
    out = tmp_path / "interrupted.wav"
    proc = start_record(virtual_mic.env, "-o", str(out), "--json")
    seen = wait_until_recording(proc)
    while not seen[-1].strip().startswith("2.0 s"):  # the meter's line once two seconds are on disk
        seen.append(proc.stderr.readline())
        assert seen[-1], "record ended before two seconds: " + "".join(seen)
    proc.send_signal(signal.SIGINT)
    stdout, stderr = proc.communicate(timeout=30)
    stderr = "".join(seen) + stderr
    assert proc.returncode == 0, stderr
    assert "Traceback" not in stderr
    report = json.loads(stdout)
    assert report["reason"] == "stop"
    assert report["duration"] == pytest.approx(2.2, abs=0.7)
    assert frames(out) / 16000 == pytest.approx(report["duration"], abs=0.01)
    meter_lines = [line for line in stderr.splitlines() if "dBFS" in line]
    assert len(meter_lines) >= 2  # not a terminal: one line a second


def test_no_microphone_is_a_clear_error(tmp_path):
    empty = tmp_path / "runtime"
    empty.mkdir()
    env = dict(os.environ, XDG_RUNTIME_DIR=str(empty), PULSE_SERVER=f"unix:{empty}/none")
    out = tmp_path / "nothing.wav"
    done = subprocess.run(REHEARSE + ["record", "-o", str(out)], env=env, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 2
    assert "No microphone found" in done.stderr and "Traceback" not in done.stderr
    assert not out.exists()
    done = subprocess.run(REHEARSE + ["record", "-o", str(out), "--device", "Webcam"], env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "No microphone 'Webcam'" in done.stderr


@pytest.mark.parametrize("args, message", [
    (["-o", "{tmp}/missing/out.wav"], "does not exist"),
    (["-o", "{tmp}/out.mp3"], "must be a .wav file"),
    (["-o", "{tmp}/out.wav", "--seconds", "0"], "--seconds must be more than 0"),
    (["-o", "{tmp}/out.wav", "--silence", "-1"], "--silence must be more than 0"),
])
def test_bad_arguments(tmp_path, capsys, args, message):
    assert main(["record"] + [a.format(tmp=tmp_path) for a in args]) == 2
    assert message in capsys.readouterr().err


def test_meter_output():
    buf = io.StringIO()
    meter = Meter("Recording to x.wav.", stream=buf)
    for db in [-90.0] * 25 + [-12.0] * 25:  # two seconds of levels, 25 a second
        meter.level(db)
    meter.done()
    lines = buf.getvalue().splitlines()
    assert lines[0] == "Recording to x.wav."
    assert len(lines) == 3
    assert "-90.0 dBFS" in lines[1] and "[------" in lines[1]
    assert "-12.0 dBFS" in lines[2] and "[" + "#" * 24 in lines[2]
