"""`rehearse transcribe`: a WAV file through the streaming recognizer, text or JSON; mistakes exit 2."""

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile

from rehearse.cli import main
from rehearse.speech.audio import read_wav

AUDIO = Path(__file__).parents[1] / "data" / "audio"


@pytest.fixture
def no_vosk(monkeypatch):
    from rehearse.speech import recognizer

    monkeypatch.delenv("VOSK_MODEL_PATH", raising=False)
    monkeypatch.setattr(recognizer, "find_vosk_model", lambda: None)


@pytest.mark.slow
def test_json_from_a_48k_stereo_float_file(tmp_path, capsys, no_vosk):
    samples, rate = read_wav(AUDIO / "answer.wav")
    import soxr

    up = soxr.resample(samples, rate, 48000)
    path = tmp_path / "answer48k.wav"
    soundfile.write(path, np.stack([up, up], axis=1), 48000, subtype="FLOAT")
    assert main(["transcribe", str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data) == {"engine", "model", "text", "words", "duration"}
    assert data["engine"] == "whisper" and "Whisper tiny.en" in data["model"]
    assert "promotion" in data["text"].lower() and "migration" in data["text"].lower()
    assert data["duration"] == pytest.approx(len(samples) / rate, abs=0.01)
    word = data["words"][0]
    assert set(word) == {"word", "start", "end", "conf"} and word["start"] < 1.0


@pytest.mark.slow
def test_plain_text_in_a_subprocess(no_vosk):
    proc = subprocess.run([sys.executable, "-m", "rehearse", "transcribe", str(AUDIO / "fillers.wav"),
                           "--engine", "whisper"], capture_output=True, text=True, timeout=120,
                          env={**__import__("os").environ, "HF_HUB_OFFLINE": "1"})
    assert proc.returncode == 0, proc.stderr
    assert "promotion" in proc.stdout.lower() and "um" in proc.stdout.lower()


def test_user_mistakes_exit_2(tmp_path, capsys, no_vosk):
    assert main(["transcribe", str(tmp_path / "missing.wav")]) == 2
    assert "no such file" in capsys.readouterr().err
    assert main(["transcribe", str(AUDIO / "answer.wav"), "--engine", "vosk"]) == 2
    assert "no Vosk model installed" in capsys.readouterr().err
    assert main(["transcribe", str(AUDIO / "answer.wav"), "--model", str(tmp_path)]) == 2
    assert "not a usable Vosk model" in capsys.readouterr().err
    assert main(["transcribe", str(AUDIO / "answer.wav"), "--engine", "whisper", "--model", str(tmp_path)]) == 2
    assert "--model" in capsys.readouterr().err
