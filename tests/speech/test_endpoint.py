"""Level meter (dBFS) and end-of-answer detection, on synthetic signals and on real speech."""

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rehearse.speech.audio import load_pcm16
from rehearse.speech.endpoint import FLOOR_DB, EndOfAnswerDetector, dbfs

RATE = 16000
DATA = Path(__file__).parents[1] / "data" / "mic"
LIBRIVOX = Path("/usr/share/pocketsphinx/test/data/librivox")


def silence(seconds: float) -> np.ndarray:
    return np.zeros(int(seconds * RATE), dtype=np.int16)


def tone(seconds: float, db: float = -20.0, freq: float = 220.0) -> np.ndarray:
    t = np.arange(int(seconds * RATE)) / RATE
    amp = 10 ** (db / 20) * np.sqrt(2) * 32768  # RMS of a sine is amplitude / sqrt(2)
    return np.round(amp * np.sin(2 * np.pi * freq * t)).astype(np.int16)


def noise(seconds: float, db: float, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return np.clip(rng.normal(0, 10 ** (db / 20) * 32768, int(seconds * RATE)), -32768, 32767).astype(np.int16)


def run(detector: EndOfAnswerDetector, samples: np.ndarray, chunk: int = 1600) -> float | None:
    """Feed in chunks; return the audio time at which the detector said 'done' (None if never)."""
    pcm = samples.astype("<i2").tobytes()
    for pos in range(0, len(pcm), 2 * chunk):
        if detector.feed(pcm[pos:pos + 2 * chunk]):
            return detector.elapsed
    return None


def test_dbfs_values():
    assert dbfs(tone(1.0, -20.0).tobytes()) == pytest.approx(-20.0, abs=0.05)
    assert dbfs(tone(1.0, -6.0)) == pytest.approx(-6.0, abs=0.05)
    full = np.full(1000, 32767, dtype=np.int16)
    assert dbfs(full) == pytest.approx(0.0, abs=0.01)
    assert dbfs(silence(0.1).tobytes()) == FLOOR_DB
    assert dbfs(b"") == FLOOR_DB
    assert dbfs(b"\x01") == FLOOR_DB  # half a sample is nothing


def test_speech_then_silence_ends_after_silence_s():
    det = EndOfAnswerDetector(silence_s=1.5)
    at = run(det, np.concatenate([silence(0.5), tone(1.0), silence(3.0)]))
    assert det.reason == "silence"
    assert det.speech_start == pytest.approx(0.5, abs=0.03)
    assert det.speech_end == pytest.approx(1.5, abs=0.03)
    assert at == pytest.approx(3.0, abs=0.11)  # 1.5 s after the speech, to the chunk


def syllables(seconds: float, db: float = -20.0) -> np.ndarray:
    """Speech-like: 150 ms bursts with 50 ms dips 25 dB down between them."""
    out = tone(seconds, db)
    env = np.ones(out.size)
    for start in range(int(0.15 * RATE), out.size, int(0.2 * RATE)):
        env[start:start + int(0.05 * RATE)] = 10 ** (-25 / 20)
    return np.round(out * env).astype(np.int16)


def test_silence_time_is_configurable_and_speech_may_start_at_once():
    det = EndOfAnswerDetector(silence_s=0.5)
    run(det, np.concatenate([syllables(1.0), silence(2.0)]), chunk=160)
    assert det.done and 0.9 <= det.speech_end <= 1.0
    assert det.elapsed == pytest.approx(det.speech_end + 0.5, abs=0.021)
    assert det.speech_start <= 0.25  # heard from the first syllables, though no silence came first


def test_pause_shorter_than_silence_s_does_not_end():
    det = EndOfAnswerDetector(silence_s=1.5)
    assert run(det, np.concatenate([tone(1.0), silence(1.3), tone(1.0), silence(1.3)])) is None
    assert det.speech_started and not det.done


def test_pauses_the_speaker_went_on_after_and_the_length_of_the_speech_are_kept():
    """The turn-taking rules read these: how long the user has spoken, and how long they paused and went on."""
    det = EndOfAnswerDetector(silence_s=3.0)
    samples = np.concatenate([silence(0.5), tone(2.0), silence(0.2), tone(1.0), silence(1.4), tone(1.0), silence(1.0)])
    assert run(det, samples) is None
    assert det.pauses == [pytest.approx(1.4, abs=0.03)]  # the 0.2 s gap is too short to count
    assert det.speech_s == pytest.approx(0.5 + 2.0 + 0.2 + 1.0 + 1.4 + 1.0 - 0.5, abs=0.05)
    det.reset()
    assert det.pauses == [] and det.speech_s == 0.0


def test_silence_alone_never_ends_an_answer():
    det = EndOfAnswerDetector(silence_s=1.5)
    assert run(det, silence(10.0)) is None
    assert not det.speech_started and det.speech_start is None


def test_a_click_does_not_start_an_answer():
    det = EndOfAnswerDetector(silence_s=0.5)
    assert run(det, np.concatenate([silence(0.5), tone(0.04, -10), silence(3.0)])) is None
    assert not det.speech_started


def test_steady_background_noise_is_learnt():
    quiet = noise(12.0, -42.0)  # a noisy room, louder than the absolute minimum
    det = EndOfAnswerDetector(silence_s=1.5)
    assert run(det, quiet) is None
    speech = quiet.copy()
    speech[2 * RATE:4 * RATE] += tone(2.0, -18.0)
    det = EndOfAnswerDetector(silence_s=1.5)
    at = run(det, speech)
    assert det.speech_start == pytest.approx(2.0, abs=0.05)
    assert at == pytest.approx(5.5, abs=0.15)


def test_max_length_stops():
    det = EndOfAnswerDetector(silence_s=1.5, max_s=2.0)
    at = run(det, tone(5.0))
    assert det.reason == "max" and at == pytest.approx(2.0, abs=0.1)


def test_fixed_threshold():
    det = EndOfAnswerDetector(silence_s=0.5, threshold_db=-30.0)
    assert run(det, np.concatenate([tone(1.0, -35.0), silence(1.0)])) is None  # under the fixed threshold
    det = EndOfAnswerDetector(silence_s=0.5, threshold_db=-40.0)
    assert run(det, np.concatenate([tone(1.0, -35.0), silence(1.0)])) == pytest.approx(1.5, abs=0.11)


@settings(max_examples=25, deadline=None)
@given(chunk=st.integers(min_value=1, max_value=5000))
def test_result_does_not_depend_on_chunk_size(chunk):
    signal = np.concatenate([silence(0.3), tone(0.7), silence(0.4), tone(0.5), silence(2.0)])
    det = EndOfAnswerDetector(silence_s=1.0)
    run(det, signal, chunk=chunk)
    assert det.done and det.reason == "silence"
    assert det.speech_start == pytest.approx(0.3, abs=0.021)
    assert det.speech_end == pytest.approx(1.9, abs=0.021)


def speech_samples(path: Path) -> np.ndarray:
    return np.frombuffer(load_pcm16(path), dtype="<i2")


def test_real_speech_with_a_pause_between_sentences():
    """Festival voice: two sentences 0.8 s apart are one answer; it ends 1.5 s after the last word."""
    speech = speech_samples(DATA / "two_sentences.wav")
    det = EndOfAnswerDetector(silence_s=1.5)
    at = run(det, np.concatenate([silence(1.0), speech, silence(3.0)]))
    end_of_speech = 1.0 + len(speech) / RATE
    assert det.reason == "silence"
    assert 1.0 <= det.speech_start <= 1.3
    assert end_of_speech - 0.3 <= det.speech_end <= end_of_speech
    assert at == pytest.approx(det.speech_end + 1.5, abs=0.11)
    # with only 0.5 s of silence allowed, the 0.8 s gap between the sentences ends the answer
    det = EndOfAnswerDetector(silence_s=0.5)
    at = run(det, np.concatenate([silence(1.0), speech, silence(3.0)]))
    assert det.reason == "silence" and 1.0 + 3.0 < det.speech_end < 1.0 + 3.9  # the first sentence's end
    assert at == pytest.approx(det.speech_end + 0.5, abs=0.11)


@pytest.mark.skipif(not LIBRIVOX.exists(), reason="pocketsphinx-testdata (LibriVox recordings) not installed")
@pytest.mark.parametrize("name", sorted(p.name for p in LIBRIVOX.glob("*.wav")) if LIBRIVOX.exists() else [])
def test_real_human_speech_in_a_noisy_room(name):
    """LibriVox readings (natural pauses, recorded noise) with added room noise: one answer each."""
    speech = speech_samples(LIBRIVOX / name)
    padded = np.concatenate([silence(1.0), speech, silence(3.0)]).astype(np.int32)
    padded += noise(len(padded) / RATE + 0.01, -55.0, seed=len(name))[: len(padded)]
    det = EndOfAnswerDetector(silence_s=1.5)
    at = run(det, np.clip(padded, -32768, 32767).astype(np.int16))
    end_of_speech = 1.0 + len(speech) / RATE
    assert det.reason == "silence"
    assert 0.9 <= det.speech_start <= 1.6
    assert end_of_speech - 1.0 <= det.speech_end <= end_of_speech + 0.05
    assert at >= end_of_speech  # never cut off while the reader is still reading
