"""Silence never becomes words (issue 13, defect 9): digital silence and room noise give an empty transcript,
quiet speech is still heard, and an hour-long file is transcribed in bounded memory. Real Whisper, real Silero VAD.
"""

import json
import subprocess
import sys

import numpy as np
import pytest
import soundfile

from hardening_helpers import ROOT, cli
from rehearse.paths import SCENARIOS
from rehearse.speech.audio import load_pcm16
from rehearse.speech.speech_gate import speech_spans
from rehearse.store import Store

pytestmark = pytest.mark.slow  # real Whisper and Silero VAD throughout

EXAMPLE = SCENARIOS / "example-senior-engineer.toml"
ANSWER = ROOT / "tests" / "data" / "audio" / "answer.wav"


def write(path, samples, rate=16000):
    soundfile.write(path, samples, rate, subtype="PCM_16")
    return path


@pytest.mark.parametrize("seconds", [60, 300])
def test_digital_silence_is_transcribed_as_nothing(tmp_path, seconds):
    wav = write(tmp_path / "silence.wav", np.zeros(16000 * seconds, np.int16))
    result = cli("transcribe", wav, "--engine", "whisper", "--json", home=tmp_path / "home", timeout=300)
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["text"] == "" and data["words"] == []
    assert data["duration"] == pytest.approx(seconds, abs=0.1)


def test_room_noise_is_transcribed_as_nothing(tmp_path):
    rng = np.random.default_rng(1)
    wav = write(tmp_path / "noise.wav", rng.normal(0, 30, 16000 * 60).astype(np.int16))  # about -60 dBFS hiss
    result = cli("transcribe", wav, "--engine", "whisper", "--json", home=tmp_path / "home", timeout=300)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["text"] == ""


def test_quiet_speech_is_still_heard(tmp_path):
    speech, rate = soundfile.read(ANSWER, dtype="float32")
    quiet = speech / np.max(np.abs(speech)) * 10 ** (-50 / 20)  # peaks at -50 dBFS: under the energy threshold
    padded = np.concatenate([np.zeros(rate * 2, np.float32), quiet, np.zeros(rate * 2, np.float32)])
    wav = tmp_path / "quiet.wav"
    soundfile.write(wav, padded, rate, subtype="FLOAT")
    assert speech_spans(load_pcm16(wav))
    result = cli("transcribe", wav, "--engine", "whisper", "--json", home=tmp_path / "home", timeout=300)
    assert result.returncode == 0, result.stderr
    assert len(json.loads(result.stdout)["words"]) >= 3


def test_speech_spans_of_silence_and_speech():
    assert speech_spans(bytes(2 * 16000 * 90)) == []
    pcm = load_pcm16(ANSWER)
    spans = speech_spans(bytes(2 * 16000 * 70) + pcm)  # speech after a minute of silence (a second window)
    assert spans and spans[0][0] >= 16000 * 69
    assert all(end - start <= 25 * 16000 + 1 for start, end in spans)


def test_a_silent_answer_is_stored_as_nothing_heard(tmp_path):
    wav = write(tmp_path / "silence.wav", np.zeros(16000 * 60, np.int16))
    home = tmp_path / "home"
    result = cli("run", EXAMPLE, "--answers", wav, "--no-speak", "--engine", "whisper", "--json", home=home,
                 timeout=300)
    assert result.returncode == 0, result.stderr
    user = [t for t in json.loads(result.stdout)["turns"] if t["role"] == "user"]
    assert user and user[0]["text"] == ""
    with Store(home / "history.sqlite3") as store:
        assert [t["text"] for t in store.run(store.last_run_id())["turns"] if t["role"] == "user"] == [""]


def test_an_hour_of_silence_is_transcribed_in_bounded_memory(tmp_path):
    wav = write(tmp_path / "hour.wav", np.zeros(16000 * 3600, np.int16))
    code = ("import json, resource, sys; from rehearse.cli import main; rc = main(sys.argv[1:]); "
            "print(json.dumps({'rc': rc, 'rss_kb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}), "
            "file=sys.stderr)")
    result = subprocess.run([sys.executable, "-c", code, "transcribe", str(wav), "--engine", "whisper", "--json"],
                            capture_output=True, text=True, timeout=600,
                            env={**__import__("os").environ, "PYTHONPATH": str(ROOT), "HF_HUB_OFFLINE": "1",
                                 "REHEARSE_HOME": str(tmp_path / "home")})
    stats = json.loads(result.stderr.strip().splitlines()[-1])
    assert stats["rc"] == 0 and json.loads(result.stdout)["text"] == ""
    assert stats["rss_kb"] < 1_000_000, stats  # was 3.5 GB; the hour of 16 kHz audio itself is 115 MB
