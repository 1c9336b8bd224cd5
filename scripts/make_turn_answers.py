#!/usr/bin/env python3
"""Make the turn-taking fixtures in tests/data/turns/: answers spoken by Festival's HTS voice with 1-2 s thinking
pauses in the middle of a sentence (the answer must not be cut there), and short finished answers (it should end
soon after them). Each WAV is the spoken parts joined by the pauses listed here, with 0.3 s of silence before and
none after (tests add the trailing silence they need). 16 kHz mono 16-bit.

    .venv/bin/python scripts/make_turn_answers.py     # needs festival, festvox-us-slt-hts, sox
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from rehearse.speech.audio import load_pcm16  # noqa: E402
from synth_voice import synth  # noqa: E402

OUT = ROOT / "tests" / "data" / "turns"
RATE = 16000

# (name, [part, pause after, part, pause after, ..., part]); the pauses are where a thinking user stops mid-thought
ANSWERS = {
    "pause_before_object": ["So last quarter I led the migration of the", 1.5, "billing system to the new platform."],
    "pause_after_because": ["I think I am ready because", 2.0, "I already run the design reviews for the team."],
    "pause_before_number": ["The support tickets dropped by", 1.2, "forty percent after the release."],
    "pause_before_question": ["What I would like to ask is", 1.8,
                              "whether we can agree on a review date in March?"],
    "two_pauses_after_and": ["Over the last year I have been mentoring", 1.4, "two junior engineers, and both of them",
                             1.2, "now lead their own projects."],
    "finished_question": ["Can we agree on a date to review this?"],
    "finished_statement": ["I am asking for a promotion to senior engineer."],
}


# Held out: made before the rules were tuned and only measured (scripts/bench_turns.py), never tuned on.
HELDOUT = {
    "ho_pause_in_list": ["I rebuilt the deployment pipeline, wrote the runbooks, and", 1.6,
                         "trained the support team on them."],
    "ho_pause_after_so": ["The release slipped twice last spring, so", 1.5, "I set up a weekly review with product."],
    "ho_pause_before_noun": ["My main gap right now is my", 1.3, "experience with hiring and interviews."],
    "ho_pause_after_think": ["What I think would help most is", 1.9, "a clear list of criteria for the next level."],
    "ho_finished_ask": ["Could we set a review date before the end of the quarter?"],
    "ho_finished_claim": ["I already lead the platform team's planning every sprint."],
}


def main() -> None:
    make(ANSWERS, OUT)
    make(HELDOUT, OUT / "heldout")


def make(answers: dict, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    manifest = {}
    with tempfile.TemporaryDirectory() as tmp:
        for name, parts in answers.items():
            pcm = bytes(2 * int(0.3 * RATE))
            marks = []
            for i, part in enumerate(parts):
                if isinstance(part, float):
                    pcm += bytes(2 * int(part * RATE))
                    continue
                wav = synth(part, Path(tmp) / f"{name}{i}.wav")
                speech = load_pcm16(wav)
                # Festival pads each sentence with silence: trim it so the pauses are the ones listed
                import numpy as np

                samples = np.frombuffer(speech, "<i2")
                loud = np.flatnonzero(np.abs(samples) > 300)
                speech = samples[max(0, loud[0] - 800): loud[-1] + 800].tobytes()
                pcm += speech
                marks.append(round(len(pcm) / 2 / RATE, 2))
            (out / f"{name}.wav").write_bytes(wav_bytes(pcm))
            manifest[name] = {"text": " ".join(p for p in parts if isinstance(p, str)),
                              "pauses": [p for p in parts if isinstance(p, float)], "speech_ends": marks}
    (out / "answers.json").write_text(json.dumps(manifest, indent=1) + "\n")


def wav_bytes(pcm: bytes) -> bytes:
    import io
    import wave

    buf = io.BytesIO()
    with wave.open(buf, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(RATE)
        wav.writeframes(pcm)
    return buf.getvalue()


if __name__ == "__main__":
    main()
