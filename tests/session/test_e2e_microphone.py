"""`rehearse run` listening to a microphone: PortAudio recording a PulseAudio virtual microphone (tests/pulse.py)
into which the "user" (Festival's voice) speaks after a pause; the answer ends on silence."""

import subprocess
import sys
from pathlib import Path

import pytest
from pulse import virtual_mic  # noqa: F401  (the fixture)

from rehearse.store.db import Store

pytestmark = pytest.mark.slow

DATA = Path(__file__).parents[1] / "data" / "answers"
SCENARIO = DATA / "senior-engineer.toml"


def test_read_aloud_from_the_microphone_ends_on_silence_and_measures_the_latency(virtual_mic, tmp_path):
    home = tmp_path / "home"
    env = dict(virtual_mic.env, REHEARSE_HOME=str(home), HF_HUB_OFFLINE="1")
    cmd = [sys.executable, "-m", "rehearse", "run", str(SCENARIO), "--mode", "read", "--items", "1",
           "--engine", "whisper", "--no-speak", "--device", virtual_mic.device, "--silence", "1.0"]
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lines = []
        for line in proc.stdout:
            lines.append(line)
            if "listening" in line:
                break
        assert proc.poll() is None, "".join(lines) + proc.stderr.read()
        virtual_mic.play_file(DATA / "read_intent.wav", lead_s=1.0)  # the user starts after a second
        out, err = proc.communicate(timeout=90)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, err
    out = "".join(lines) + out
    assert "Read aloud: " in out and "promotion" in out.lower() and "Done: score" in out
    run = Store(home / "history.sqlite3").run(1)
    assert run["status"] == "complete"
    user = run["turns"][0]
    assert user["role"] == "user" and "promotion" in user["text"].lower()
    assert 0.3 < user["latency"] < 3.0  # about the second of silence before the answer
    assert user["audio_exists"] and user["transcript"]["duration"] >= 3.5  # the 3.8 s answer was recorded
