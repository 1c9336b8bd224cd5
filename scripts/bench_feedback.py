#!/usr/bin/env python3
"""Time scenario loading and feedback (analyse_part / analyse_objection) on answers of growing length.

Usage: .venv/bin/python scripts/bench_feedback.py [--json]
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from rehearse.core.feedback import analyse_objection, analyse_part
from rehearse.core.loader import load_scenario
from rehearse.core.transcript import Transcript, Word

EXAMPLE = Path(__file__).resolve().parent.parent / "assets" / "scenarios" / "example-senior-engineer.toml"
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
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
