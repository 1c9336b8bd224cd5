#!/usr/bin/env python3
"""Make the spoken answers the end-to-end tests use (tests/data/answers/*.wav), with the natural Festival voice.

    .venv/bin/python scripts/make_answers.py          # (re)writes every answer
Needs festival, festvox-us-slt-hts and sox (see scripts/synth_voice.py). The tests use the committed files.
The answers go with tests/data/answers/senior-engineer.toml (a copy of the shipped example scenario).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from synth_voice import synth  # noqa: E402

OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "answers"

ANSWERS = {
    # A strong pitch: intent first, evidence with numbers, a gap with a plan, the explicit ask and a timeline.
    "pitch_strong": (
        "I'd like to talk about my promotion to Senior Engineer. I've been operating at the senior level. "
        "I led the migration to OAuth, and support tickets dropped by sixty two percent. "
        "One area I'm still growing is cross-team influence, so I will lead the design review next quarter. "
        "Do you see me as ready for Senior Engineer? Can we agree a date to review this before the promotion cycle?"
    ),
    # Everything but a timeline: the manager answers with vague encouragement.
    "pitch_no_timeline": (
        "I'd like to talk about my promotion to Senior Engineer. "
        "I led the migration to OAuth, and support tickets dropped by sixty two percent. "
        "One area I'm still growing is cross-team influence, so I have offered to lead the design review. "
        "I'm asking you to promote me to Senior Engineer."
    ),
    # Pushing back on vague encouragement: specifics and a date.
    "ask_timeline": "Thank you. What specifically do I need to show, and by when? Can we agree a date to review it?",
    # Answering the outcome: confirm title, timing and pay, or pin down criteria and a review date.
    "close": (
        "Thank you. So the title is Senior Engineer, from the next cycle, with the new salary band. "
        "What specifically is still missing, and can we set a review date?"
    ),
    # Drill answers for the objections not_yet, what_about_gap and timing.
    "drill_not_yet": "I understand. What specifically is missing for the next level? Can we set a review date?",
    "drill_gap": "You're right, that is a gap. My plan is to lead the design review with payments next quarter.",
    "drill_timing": "I'd like to propose a date: the end of March. Can we check in then and decide?",
    # Read-aloud: the scenario's first sentence.
    "read_intent": "I'd like to talk about my promotion to Senior Engineer.",
}


def main() -> None:
    total = 0
    for name, text in ANSWERS.items():
        path = synth(text, OUT / f"{name}.wav")
        total += path.stat().st_size
        print(f"{path.relative_to(OUT.parent.parent.parent)}  {path.stat().st_size / 32000:.1f} s")
    print(f"total {total / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
