"""speech.recognizer: engine choice, the shared model cache, Vosk model folder checks, the phrase splitter."""

import threading
import time
from pathlib import Path

import numpy as np
import pytest

from rehearse.errors import UserError
from rehearse.speech import recognizer as rec_mod
from rehearse.speech.phrase_splitter import FRAME, PhraseSplitter
from rehearse.speech.recognizer import describe_engine, resolve_engine, shared_model
from rehearse.speech.vosk_engine import load_vosk_model, model_folder
from rehearse.speech.whisper_engine import DecodeOptions


@pytest.fixture
def no_vosk(monkeypatch):
    monkeypatch.delenv("VOSK_MODEL_PATH", raising=False)
    monkeypatch.setattr(rec_mod, "find_vosk_model", lambda: None)


def fake_model(root: Path) -> Path:
    """A folder with the layout of a Vosk model (not loadable: only for the layout checks)."""
    for sub in ("am", "conf", "graph"):
        (root / sub).mkdir(parents=True)
    (root / "am" / "final.mdl").write_bytes(b"x")
    (root / "conf" / "model.conf").write_text("--min-active=200\n")
    (root / "conf" / "mfcc.conf").write_text("--use-energy=false\n")
    (root / "graph" / "HCLG.fst").write_bytes(b"x")
    return root


def test_auto_without_vosk_uses_whisper_and_says_so(no_vosk):
    assert resolve_engine("auto") == ("whisper", None)
    text = describe_engine("auto")
    assert "built-in" in text and "Whisper tiny.en" in text and "no Vosk English model" in text


def test_auto_with_vosk_model_uses_vosk_live_and_whisper_final(monkeypatch, tmp_path):
    model = fake_model(tmp_path / "vosk-model-small-en-us-0.15")
    monkeypatch.setattr(rec_mod, "find_vosk_model", lambda: model)
    assert resolve_engine("auto") == ("vosk", model)
    text = describe_engine("auto")
    assert "vosk-model-small-en-us-0.15" in text and "live" in text and "Whisper" in text
    assert "final transcript" in describe_engine("auto", final_engine="vosk")
    assert "Whisper" not in describe_engine("vosk", model_path=model)


def test_vosk_model_path_env_is_honoured_until_the_model_manager_lands(monkeypatch, tmp_path):
    model = fake_model(tmp_path / "m")
    monkeypatch.setenv("VOSK_MODEL_PATH", str(model))
    found = rec_mod.find_vosk_model()
    assert found is not None and Path(found) == model


def test_bad_engine_and_missing_vosk_model(no_vosk):
    with pytest.raises(UserError, match="unknown speech engine"):
        resolve_engine("sphinx")
    with pytest.raises(UserError, match="no Vosk model installed.*models install"):
        resolve_engine("vosk")
    with pytest.raises(UserError, match="final engine"):
        rec_mod.create_recognizer("whisper", final_engine="google")


def test_model_folder_checks(tmp_path):
    with pytest.raises(UserError, match="no such Vosk model folder"):
        model_folder(tmp_path / "nope")
    (tmp_path / "file").write_text("x")
    with pytest.raises(UserError, match="not a folder"):
        model_folder(tmp_path / "file")
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(UserError, match=r"missing am/final.mdl, conf/, graph/"):
        model_folder(empty)
    good = fake_model(tmp_path / "outer" / "vosk-model-x")
    assert model_folder(good) == good
    assert model_folder(tmp_path / "outer") == good  # a folder holding one model, as a zip unpacks
    (good / "graph" / "HCLG.fst").unlink()
    with pytest.raises(UserError, match=r"graph/\*\.fst"):
        model_folder(good)


def test_corrupt_vosk_model_is_a_user_error_not_a_crash(tmp_path):
    model = fake_model(tmp_path / "broken")
    (model / "conf" / "model.conf").write_text("--no-such-option=1\n")
    with pytest.raises(UserError, match="could not load this model.*corrupt"):
        load_vosk_model(model)


def test_shared_model_loads_once_across_threads():
    calls = []

    def load():
        calls.append(1)
        time.sleep(0.2)
        return object()

    got = []
    threads = [threading.Thread(target=lambda: got.append(shared_model("test", "/x/unique", load)))
               for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1 and len(got) == 8 and all(g is got[0] for g in got)
    assert shared_model("test", "/x/other", object) is not got[0]


def _signal(parts):
    """Concatenate (seconds, is_speech) parts: speech is a loud noisy tone, silence is faint noise."""
    rng = np.random.default_rng(0)
    out = []
    for seconds, speech in parts:
        n = int(seconds * 16000)
        noise = rng.normal(0, 0.001, n)
        if speech:
            noise += 0.3 * np.sin(np.arange(n) * 2 * np.pi * 200 / 16000)
        out.append(noise.astype(np.float32))
    return np.concatenate(out)


def _split(signal, opts, chunk=1600):
    splitter = PhraseSplitter(opts)
    cuts = []
    usable = len(signal) // FRAME * FRAME
    for i in range(0, usable, chunk):
        cuts += splitter.feed(signal[i:i + chunk])
    return cuts, splitter.tail(usable)


def test_phrase_splitter_cuts_at_pauses():
    sig = _signal([(0.5, False), (2.5, True), (0.2, False), (1.0, True), (0.6, False), (1.0, True), (1.2, False),
                   (1.5, True)])
    cuts, tail = _split(sig, DecodeOptions())
    # the 0.2 s pause is too short; the 0.6 s pause ends the 3.7 s phrase; the 1.2 s pause ends even a short one
    assert [(round(a / 16000, 1), round(b / 16000, 1)) for a, b in cuts] == [(0.3, 4.4), (4.6, 6.0)]
    assert tail is not None and round(tail[0] / 16000, 1) == 6.8 and tail[1] == len(sig) // FRAME * FRAME


def test_phrase_splitter_cuts_run_on_speech_at_max_length():
    sig = _signal([(25.0, True)])
    sig[int(12.3 * 16000):int(12.33 * 16000)] *= 0.01  # one quiet moment
    cuts, tail = _split(sig, DecodeOptions(max_phrase_s=14.0))
    assert len(cuts) == 1
    start, end = cuts[0]
    assert start == 0 and abs(end / 16000 - 12.3) < 0.05  # cut at the quietest moment of the last 3 s
    assert tail == (end, len(sig) // FRAME * FRAME)


def test_phrase_splitter_hears_nothing_in_silence():
    cuts, tail = _split(_signal([(3.0, False)]), DecodeOptions())
    assert cuts == [] and tail is None
