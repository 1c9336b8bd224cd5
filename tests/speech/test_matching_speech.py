"""The whole chain on real speech: the natural Festival voice says an answer, the built-in Whisper recognizer
transcribes it, and the matcher finds the key phrases in what was heard (numbers as Whisper writes them)."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from rehearse.core.matching import match_phrases
from rehearse.speech.audio import load_pcm16
from rehearse.speech.recognizer import create_recognizer

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(not shutil.which("text2wave"), reason="needs festival + festvox-us-slt-hts")]
SYNTH = Path(__file__).resolve().parents[2] / "scripts" / "synth_voice.py"


@pytest.fixture(scope="module")
def recognizer():
    rec = create_recognizer("whisper")
    yield rec
    rec.close()


def hear(recognizer, tmp_path, sentence):
    wav = tmp_path / "answer.wav"
    subprocess.run([sys.executable, str(SYNTH), sentence, str(wav)], check=True, capture_output=True)
    recognizer.reset()
    pcm = load_pcm16(wav)
    for i in range(0, len(pcm), 3200):
        recognizer.accept(pcm[i:i + 3200])
    return recognizer.finish()


def test_spoken_numbers_and_phrases_are_found(recognizer, tmp_path):
    heard = hear(recognizer, tmp_path, "Our uptime improved to ninety nine point nine percent in twenty twenty three, "
                                       "and that project saved about four hundred thousand dollars a year.")
    hits = {m.phrase: m for m in match_phrases(heard.text, ["99.9%", "in 2023", "$400,000 a year", "uptime improved",
                                                             "99%", "in 2022", "$40,000"])}
    assert [p for p, m in hits.items() if m.hit] == ["99.9%", "in 2023", "$400,000 a year", "uptime improved"], \
        heard.text
    words = heard.text.split()
    m = hits["in 2023"]
    assert " ".join(words[m.start_word:m.end_word + 1]) == m.heard
    if heard.words:  # the word indexes line up with the recognizer's word timings
        assert len(heard.words) == len(words)
        assert heard.words[m.start_word].start < heard.words[m.end_word].end


def test_a_role_is_told_apart(recognizer, tmp_path):
    heard = hear(recognizer, tmp_path, "I'm ready for the staff engineer role, not for management.")
    found = {m.phrase: m.hit for m in match_phrases(heard.text, ["staff engineer", "senior engineer",
                                                                  "ready for the staff engineer role"])}
    assert found == {"staff engineer": True, "senior engineer": False, "ready for the staff engineer role": True}, \
        heard.text
