"""Feedback on real recognizer output: answers spoken by a natural synthetic voice (Festival HTS, made with
scripts/synth_voice.py; intent_with_pause.wav has 2 s of silence between its two sentences), transcribed by the
built-in Whisper recognizer, with its word timings."""

from pathlib import Path

import pytest

from rehearse.core.feedback import analyse_part
from rehearse.core.loader import load_scenario
from rehearse.paths import SCENARIOS

pytestmark = pytest.mark.slow
DATA = Path(__file__).parents[1] / "data" / "feedback"


@pytest.fixture(scope="module")
def heard():
    from rehearse.speech.audio import load_pcm16
    from rehearse.speech.recognizer import create_recognizer

    recognizer = create_recognizer("whisper")
    out = {}
    for name in ("intent_with_pause", "earned_it", "evidence_number"):
        recognizer.accept(load_pcm16(DATA / f"{name}.wav"))
        out[name] = recognizer.finish()
        recognizer.reset()
    return out


@pytest.fixture(scope="module")
def scenario():
    return load_scenario(SCENARIOS / "example-senior-engineer.toml")


def test_spoken_intent_with_a_pause(heard, scenario):
    transcript = heard["intent_with_pause"]
    assert transcript.words and len(transcript.words) == len(transcript.text.split())
    fb = analyse_part(scenario, "intent", transcript)
    assert fb.signals["intent_early"] and fb.signals["already_doing"] and not fb.signals["earned_it"]
    hits = {kp["phrase"]: kp for kp in fb.key_phrases}
    assert hits["promotion to Senior Engineer"]["hit"]
    assert hits["operating at the senior level"]["hit"]
    d = fb.delivery
    # the 2 s of silence between the sentences is the one long pause, found from the word timings
    [pause] = d["pauses"]
    assert 1.5 < pause["seconds"] < 3.0
    assert transcript.text.split()[pause["after_word"]].lower().startswith("engineer")
    [flag] = [f for f in fb.flags if f.kind == "long_pause"]
    assert flag.start == pytest.approx(pause["start"]) and flag.end == pytest.approx(pause["end"])
    # Festival reads at a steady conversational pace; speaking-time pace excludes the pause
    assert 120 <= d["wpm_speaking"] <= 220 and d["wpm_total"] < d["wpm_speaking"]
    assert d["duration"] == pytest.approx(transcript.duration)
    assert fb.score >= 75


def test_spoken_earned_it_is_flagged_with_times(heard, scenario):
    fb = analyse_part(scenario, "intent", heard["earned_it"])
    earned = [f for f in fb.flags if f.kind == "earned_it"]
    sorry = [f for f in fb.flags if f.kind == "apologetic"]
    assert sorry and sorry[0].text.lower().startswith("sorry to bother")
    assert sorry[0].start is not None and sorry[0].start < 1.0
    assert any("here five years" in f.text for f in earned)
    assert all(f.start is not None and f.end > f.start for f in earned)
    assert fb.signals["earned_it"] and fb.signals["apologetic"]
    assert fb.tip.startswith("Drop ")
    assert fb.delivery["hedges"] >= 1  # "I think"


def test_spoken_number_counts_for_its_evidence_item(heard, scenario):
    fb = analyse_part(scenario, "evidence", heard["evidence_number"])
    first = fb.evidence[0]
    assert first["heard"] and first["with_number"]
    [good] = [f for f in fb.flags if f.kind == "evidence_number" and "OAuth" in f.message]
    assert "62" in good.text and good.start is not None
    assert fb.signals["evidence_with_numbers"]
