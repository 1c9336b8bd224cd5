#!/usr/bin/env python3
"""Make the turn-taking fixtures in tests/data/turns/: answers spoken by Festival's HTS voice with 1-2 s thinking
pauses in the middle of a sentence (the answer must not be cut there), and short finished answers (it should end
soon after them); and in tests/data/turns/long/ (and long/heldout/, FLAC) answers of 14-33 s with 1.0-1.8 s pauses
*between* sentences, where a user stops for breath or for their next point (the answer must not be cut there
either). Each WAV is the spoken parts joined by the pauses listed here, with 0.3 s of silence before and none after
(tests add the trailing silence they need). 16 kHz mono 16-bit.

    .venv/bin/python scripts/make_turn_answers.py [--long]   # needs festival, festvox-us-slt-hts, sox
                                                             # --long: only the long answers
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


# Long structured answers with 1.0-1.8 s pauses between sentences (a finished sentence, then a breath or a thought
# about the next point). Tuning set:
LONG = {
    "long_pitch_ask": [
        "I'd like to talk about my promotion to Senior Engineer.", 1.2,
        "Over the past year I've been doing the work of a senior engineer on the payments team.", 1.6,
        "I led the migration to the new billing platform, and we finished it two weeks early.", 1.0,
        "I also set up the on-call rotation, and pages at night dropped by half.", 1.8,
        "One gap is that I haven't run hiring yet, so I've asked to join the interview panel next quarter.", 1.4,
        "Can we agree on a review date in March?"],
    "long_three_reasons": [
        "There are three reasons I think I'm ready.", 1.3,
        "First, I already lead the design reviews for our team.", 1.7,
        "Second, I mentored two junior engineers, and both now own their own services.", 1.5,
        "Third, I cut our cloud costs by thirty percent last quarter.", 1.2,
        "So I'm asking you to support my promotion to Senior Engineer this cycle."],
    "long_evidence": [
        "Since the reorganisation I have been the main contact for the data platform.", 1.1,
        "When the ingestion jobs kept failing in June, I found the cause and rewrote the scheduler.", 1.8,
        "Failures went from twelve a week to one a month.", 1.4,
        "I wrote the runbook, and the support team now handles most incidents without us.", 1.6,
        "I think that shows I'm already working at the next level."],
    "long_budget_objection": [
        "I understand that the budget is tight this year.", 1.5,
        "But the scope of my work has already changed, since I now run the platform roadmap.", 1.3,
        "What specifically would you need to see from me, and by when?"],
}

# Held out: written at the same time as LONG, before the rules were changed, and never tuned on.
LONG_HELDOUT = {
    "ho_long_pitch": [
        "Thanks for making the time today.", 1.0,
        "I want to ask for a promotion to Staff Engineer.", 1.7,
        "In the last two quarters I led the search rewrite, and query time fell from two seconds to three hundred "
        "milliseconds.", 1.3,
        "I also ran the incident reviews, and repeat incidents went down by forty percent.", 1.8,
        "My weak spot is public speaking, so I signed up to present at the engineering all hands.", 1.1,
        "Could we set a date in April to decide?"],
    "ho_long_two_examples": [
        "I have two examples.", 1.4,
        "First of all, I rebuilt the release process, so we now ship every day instead of every two weeks.", 1.6,
        "Secondly, I took over the mobile team's backlog when their lead left, and we cleared it in six weeks.", 1.2,
        "Those are the results I'd like you to weigh for the promotion."],
    "ho_long_reviews": [
        "I know my numbers on code reviews were low in the spring.", 1.5,
        "That was when I was covering two teams at once.", 1.2,
        "Since then I have reviewed every change to the payments service within a day.", 1.7,
        "I plan to keep doing that and to train two more reviewers by the summer."],
}

# The long answer of the quick benchmark (scripts/bench_quick.py): one 50 s pitch with natural 0.8-1.4 s pauses
# between its points, ending with the ask. (It replaced three separate answers joined together, the first of which
# ended with a question: a turn any listener would take.)
BENCH = {
    "bench_long_pitch": [
        "I'd like to talk about my promotion to Senior Engineer.", 0.9,
        "For the past year I've been working at the senior level on the checkout team.", 1.2,
        "In the spring I led the move of our payment service to the new cloud platform, and we finished a month "
        "early with no outage.", 1.0,
        "I also designed the caching layer for checkout, which brought peak response time down to three hundred and "
        "fifty milliseconds.", 1.4,
        "And since the summer I've mentored two new engineers, who both ship on their own now.", 0.8,
        "One area I'm still growing is influence across teams, so I've asked to lead the design review with the "
        "payments team next quarter.", 1.1,
        "I'm confident I'm already doing the job.", 1.2,
        "Can we agree on a date to review this before the promotion cycle?"],
}


def main() -> None:
    if "--long" not in sys.argv:
        make(ANSWERS, OUT)
        make(HELDOUT, OUT / "heldout")
    make(BENCH, OUT / "bench", flac=True)
    make(LONG, OUT / "long", flac=True)
    make(LONG_HELDOUT, OUT / "long" / "heldout", flac=True)


def make(answers: dict, out: Path, flac: bool = False) -> None:
    """Write each answer (FLAC when ``flac``: lossless, less than half the size) and answers.json."""
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
            if flac:
                import numpy as np
                import soundfile

                soundfile.write(str(out / f"{name}.flac"), np.frombuffer(pcm, "<i2"), RATE, subtype="PCM_16")
            else:
                (out / f"{name}.wav").write_bytes(wav_bytes(pcm))
            manifest[name] = {"file": f"{name}.flac" if flac else f"{name}.wav",
                              "text": " ".join(p for p in parts if isinstance(p, str)),
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
