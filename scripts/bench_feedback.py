#!/usr/bin/env python3
"""Feedback: pair ordering on labelled paired answers, non-answer scores, and timing on answers of growing length.

Usage: .venv/bin/python scripts/bench_feedback.py [--json] [--only ordering|audio|speed] [--details]

Ordering: tests/data/feedback/pairs.json holds answers written in pairs (the better and the worse answer to the
same part, by the coaching rules; decoys say the key phrases inside denials, hedges or a bare list). A pair is
ordered when the better answer scores strictly higher. Reported separately for the "tune" and the held-out part
(every third item, fixed before tuning), with the denial pairs and the non-answers (which must score <= 30).

Audio (``--only audio``, not part of the default run: ~10 minutes on 2 cores): the same answers spoken by Festival's
HTS voice (scripts/synth_voice.py, cached under /tmp/rehearse-bench/pairs), heard by the built-in Whisper recognizer
with its word timings, and scored from what was heard.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rehearse.core.answer_for import AnswerFor  # noqa: E402
from rehearse.core.feedback import analyse, analyse_objection, analyse_part  # noqa: E402
from rehearse.core.loader import load_scenario  # noqa: E402
from rehearse.core.transcript import Transcript, Word  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "assets" / "scenarios" / "example-senior-engineer.toml"
PAIRS = ROOT / "tests" / "data" / "feedback" / "pairs.json"
ANSWER = (
    "I'd like to talk about my promotion to Senior Engineer. Um, I led the migration to OAuth and login support "
    "tickets fell by sixty two percent. I think I worked really hard on the caching layer, uh, for checkout. One "
    "area I'm growing is cross-team influence, so I'll lead the design review next quarter. Can we agree a date? "
)


def timed(words: list[str]) -> Transcript:
    """Word timings at 140 words a minute."""
    step = 60 / 140
    return Transcript(" ".join(words), [Word(w, i * step, i * step + 0.35) for i, w in enumerate(words)],
                      len(words) * step)


def best_of(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def score(scenario, part: str, text: str) -> int:
    return analyse(scenario, AnswerFor.parse(part), Transcript(text=text)).score


class Spoken:
    """Scores from speech: each text spoken by Festival's voice, heard by the built-in Whisper recognizer."""

    def __init__(self):
        import hashlib

        from synth_voice import synth

        from rehearse.speech.audio import load_pcm16
        from rehearse.speech.recognizer import create_recognizer

        self.hash, self.synth, self.load = hashlib.sha1, synth, load_pcm16
        self.recognizer = create_recognizer("whisper")
        self.cache = Path("/tmp/rehearse-bench/pairs")
        self.heard: dict[str, str] = {}

    def transcript(self, text: str) -> Transcript:
        wav = self.cache / f"{self.hash(text.encode()).hexdigest()[:16]}.wav"
        if not wav.exists():
            self.synth(text, wav)
        self.recognizer.accept(self.load(wav))
        result = self.recognizer.finish()
        self.recognizer.reset()
        self.heard[text] = result.text
        return result

    def __call__(self, scenario, part: str, text: str) -> int:
        return analyse(scenario, AnswerFor.parse(part), self.transcript(text)).score


def ordering(path: Path = PAIRS, scorer=score) -> dict:
    """Pairwise ordering accuracy per split, denial pairs, and non-answer scores."""
    data = json.loads(path.read_text())
    scenario = load_scenario(ROOT / "assets" / "scenarios" / data["scenario"])
    out: dict = {"splits": {}, "failures": [], "nonanswers": {}}
    for split in ("tune", "heldout"):
        pairs = [p for p in data["pairs"] if p["split"] == split]
        ordered = denial_ok = denials = 0
        for p in pairs:
            better, worse = scorer(scenario, p["part"], p["better"]), scorer(scenario, p["part"], p["worse"])
            ok = better > worse
            ordered += ok
            if p["kind"] == "denial":
                denials += 1
                denial_ok += ok
            if not ok:
                out["failures"].append({"id": p["id"], "split": split, "part": p["part"], "kind": p["kind"],
                                        "better": better, "worse": worse})
        non = [n for n in data["nonanswers"] if n["split"] == split]
        non_scores = {n["id"]: scorer(scenario, n["part"], n["text"]) for n in non}
        out["splits"][split] = {"pairs": len(pairs), "ordered": ordered,
                                "accuracy": round(ordered / len(pairs), 3) if pairs else None,
                                "denial_pairs": denials, "denials_ordered": denial_ok,
                                "nonanswers": len(non), "nonanswers_over_30": sum(v > 30 for v in non_scores.values()),
                                "nonanswer_max": max(non_scores.values(), default=None)}
        out["nonanswers"].update(non_scores)
    return out


def print_ordering(result: dict, details: bool) -> None:
    print("| split | pairs | ordered | accuracy | denial pairs ordered | non-answers > 30 | highest non-answer |")
    print("|---|---|---|---|---|---|---|")
    for split, r in result["splits"].items():
        print(f"| {split} | {r['pairs']} | {r['ordered']} | {r['accuracy']:.3f} | {r['denials_ordered']} of "
              f"{r['denial_pairs']} | {r['nonanswers_over_30']} of {r['nonanswers']} | {r['nonanswer_max']} |")
    if details:
        for f in result["failures"]:
            print(f"  not ordered: {f['id']} ({f['split']}, {f['part']}, {f['kind']}): better {f['better']}, "
                  f"worse {f['worse']}")
        print("  non-answers:", result["nonanswers"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--only", choices=["ordering", "audio", "speed"])
    parser.add_argument("--details", action="store_true", help="list the pairs that are not ordered")
    args = parser.parse_args()
    if args.only == "audio":
        spoken = Spoken()
        result = ordering(scorer=spoken)
        if args.json:
            print(json.dumps({**result, "heard": spoken.heard}, indent=2))
        else:
            print_ordering(result, args.details)
        return
    if args.only != "speed":
        result = ordering()
        if args.json:
            print(json.dumps(result, indent=2))
        else:
            print_ordering(result, args.details)
        if args.only == "ordering":
            return
        print()
    scenario = load_scenario(EXAMPLE)
    rows = [{"what": "load + validate the example scenario", "ms": round(best_of(lambda: load_scenario(EXAMPLE),
                                                                                   20), 1)}]
    words = (ANSWER * 100).split()
    for n in (75, 300, 600, 5000):
        t = timed(words[:n])
        analyse_part(scenario, "pitch", t)  # warm the word-list cache
        repeats = 3 if n >= 5000 else 10
        rows.append({"what": f"analyse_part pitch, {n} words", "ms": round(best_of(
            lambda: analyse_part(scenario, "pitch", t), repeats), 1)})
        rows.append({"what": f"analyse_objection not_yet, {n} words", "ms": round(best_of(
            lambda: analyse_objection(scenario, "not_yet", t), repeats), 1)})
    if args.json:
        print(json.dumps(rows, indent=2))
        return
    print("| what | median ms |\n|---|---|")
    for row in rows:
        print(f"| {row['what']} | {row['ms']} |")


if __name__ == "__main__":
    main()
