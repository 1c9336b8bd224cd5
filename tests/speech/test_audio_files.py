"""speech.audio: every common WAV decodes to the same float32 mono samples; bad files are UserErrors."""

import struct
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile

from rehearse.cli import main
from rehearse.errors import UserError
from rehearse.speech.audio import from_pcm16, load_pcm16, read_wav, resample, to_pcm16

AUDIO = Path(__file__).parents[1] / "data" / "audio"


def tone(rate, seconds=0.5, freq=440.0, amp=0.5):
    t = np.arange(int(rate * seconds)) / rate
    return (amp * np.sin(2 * np.pi * freq * t)).astype(np.float32)


@pytest.mark.parametrize("rate", [8000, 11025, 16000, 22050, 32000, 44100, 48000])
@pytest.mark.parametrize("subtype", ["PCM_U8", "PCM_16", "PCM_24", "PCM_32", "FLOAT", "DOUBLE"])
def test_reads_every_common_format(tmp_path, rate, subtype):
    x = tone(rate)
    path = tmp_path / "t.wav"
    soundfile.write(path, x, rate, subtype=subtype)
    samples, got_rate = read_wav(path)
    assert got_rate == rate
    assert samples.dtype == np.float32 and samples.ndim == 1 and len(samples) == len(x)
    tolerance = 0.01 if subtype == "PCM_U8" else 1e-3
    assert np.max(np.abs(samples - x)) < tolerance


def test_stereo_is_mixed_down(tmp_path):
    left, right = tone(44100, freq=300), tone(44100, freq=500)
    path = tmp_path / "stereo.wav"
    soundfile.write(path, np.stack([left, right], axis=1), 44100, subtype="PCM_16")
    samples, rate = read_wav(path)
    assert rate == 44100
    assert np.max(np.abs(samples - (left + right) / 2)) < 1e-3


def _extensible_float_wav(path: Path, samples: np.ndarray, rate: int) -> None:
    """A WAVE_FORMAT_EXTENSIBLE file with IEEE float samples, written by hand (as some recorders do)."""
    data = samples.astype("<f4").tobytes()
    float_guid = struct.pack("<IHH", 3, 0x0000, 0x0010) + bytes([0x80, 0, 0, 0xAA, 0, 0x38, 0x9B, 0x71])
    fmt = struct.pack("<HHIIHH", 0xFFFE, 1, rate, rate * 4, 4, 32) + struct.pack("<HHI", 22, 32, 4) + float_guid
    body = b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt + b"data" + struct.pack("<I", len(data)) + data
    path.write_bytes(b"RIFF" + struct.pack("<I", len(body)) + body)


def test_reads_extensible_float(tmp_path):
    x = tone(48000)
    path = tmp_path / "ext.wav"
    _extensible_float_wav(path, x, 48000)
    samples, rate = read_wav(path)
    assert rate == 48000 and np.allclose(samples, x)


def test_reads_sox_written_24bit_extensible(tmp_path):
    src = tmp_path / "src.wav"
    soundfile.write(src, tone(22050), 22050, subtype="PCM_16")
    out = tmp_path / "sox24.wav"
    subprocess.run(["sox", str(src), "-b", "24", "-c", "2", str(out)], check=True)  # sox writes EXTENSIBLE
    samples, rate = read_wav(out)
    assert rate == 22050 and np.max(np.abs(samples - tone(22050))) < 1e-3


def test_load_pcm16_resamples_to_16k(tmp_path):
    path = tmp_path / "t.wav"
    soundfile.write(path, tone(44100, seconds=1.0), 44100, subtype="PCM_16")
    pcm = load_pcm16(path)
    assert len(pcm) == 2 * 16000
    back = from_pcm16(pcm)
    # same tone: the energy survives resampling, and the frequency too (zero crossings ~ 2 * 440 a second)
    assert abs(np.sqrt(np.mean(back ** 2)) - 0.5 / np.sqrt(2)) < 0.01
    crossings = np.count_nonzero(np.diff(np.signbit(back[100:-100])))
    assert 860 <= crossings <= 900
    assert len(load_pcm16(path, rate=8000)) == 2 * 8000


def test_fixture_speech_reads_as_16k():
    samples, rate = read_wav(AUDIO / "answer.wav")
    assert rate == 16000 and 5 < len(samples) / rate < 8


def test_pcm16_conversion_clips_and_round_trips():
    x = np.array([0.0, 0.5, -0.5, 1.5, -2.0], dtype=np.float32)
    pcm = to_pcm16(x)
    assert len(pcm) == 10
    assert list(np.frombuffer(pcm, "<i2")) == [0, 16384, -16384, 32767, -32767]
    assert np.allclose(from_pcm16(pcm)[:3], x[:3], atol=1e-4)


def test_resample_same_rate_and_empty():
    x = tone(16000)
    assert resample(x, 16000, 16000) is not None and len(resample(x, 16000, 16000)) == len(x)
    assert len(resample(np.zeros(0, np.float32), 48000, 16000)) == 0
    assert len(resample(tone(48000, seconds=1.0), 48000, 16000)) == 16000


def _bad_files(tmp_path):
    good = tmp_path / "good.wav"
    soundfile.write(good, tone(16000), 16000, subtype="PCM_16")
    raw = good.read_bytes()
    files = {
        "missing": (tmp_path / "nope.wav", "no such file"),
        "empty": (tmp_path / "empty.wav", "empty"),
        "text": (tmp_path / "notes.wav", "not a readable audio file"),
        "cut data": (tmp_path / "cut.wav", "truncated"),
        "cut header": (tmp_path / "head.wav", "truncated"),
        "folder": (tmp_path / "dir.wav", "folder"),
        "no samples": (tmp_path / "zero.wav", "no audio"),
    }
    files["empty"][0].write_bytes(b"")
    files["text"][0].write_text("This is not audio at all, just some notes.\n" * 20)
    files["cut data"][0].write_bytes(raw[: len(raw) // 2])
    files["cut header"][0].write_bytes(raw[:30])
    files["folder"][0].mkdir()
    soundfile.write(files["no samples"][0], np.zeros(0, np.float32), 16000, subtype="PCM_16")
    return files


def test_bad_files_raise_user_error_with_reason(tmp_path):
    for name, (path, reason) in _bad_files(tmp_path).items():
        with pytest.raises(UserError) as err:
            read_wav(path)
        assert reason in str(err.value), name
        assert str(path) in str(err.value), name


def test_transcribe_cli_bad_files_exit_2_without_traceback(tmp_path, capsys):
    for name, (path, reason) in _bad_files(tmp_path).items():
        assert main(["transcribe", str(path)]) == 2, name
        err = capsys.readouterr().err
        assert reason in err and "Traceback" not in err, name


def test_transcribe_cli_subprocess_exit_code(tmp_path):
    bad = tmp_path / "bad.wav"
    bad.write_text("not audio")
    proc = subprocess.run([sys.executable, "-m", "rehearse", "transcribe", str(bad)], capture_output=True, text=True)
    assert proc.returncode == 2
    assert "not a readable audio file" in proc.stderr and "Traceback" not in proc.stderr
