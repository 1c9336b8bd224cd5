#!/usr/bin/env python3
"""Key-phrase matching: accuracy on the labelled set and speed.

    .venv/bin/python scripts/bench_matching.py [--json] [--errors]

Accuracy: precision, recall and F1 of rehearse.core.matching against two baselines — exact substring after
lower-casing, and rapidfuzz partial_ratio >= 80 — on tests/data/matching/ (recognizer transcripts + hand-written
cases; "heldout" is a further set of recognizer transcripts written after the matcher was tuned). Speed: time to match 200 phrases against a 5,000-word transcript (tokenising the transcript included).
"""

from __future__ import annotations

import json
import random
import statistics
import sys
import time
from pathlib import Path

from rapidfuzz import fuzz

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "matching"

sys.path.insert(0, str(ROOT))
from rehearse.core.matching import Matcher, match_phrase  # noqa: E402


def load_pairs() -> list[dict]:
    """Every labelled (text, phrase, hit) pair, with its source."""
    pairs = []
    for source in ("recognized", "heldout"):
        for case in json.loads((DATA / f"{source}.json").read_text(encoding="utf-8")):
            for p in case["pairs"]:  # Whisper's segment text, and its words joined as the app's recognizer does
                for field, suffix in (("text", ""), ("words_text", "/words")):
                    pairs.append({"text": case[field], "phrase": p["phrase"], "hit": p["hit"],
                                  "source": source + suffix, "kind": case["id"]})
    for p in json.loads((DATA / "handwritten.json").read_text(encoding="utf-8")):
        pairs.append({**p, "source": "handwritten"})
    return pairs


def prf(pairs: list[dict], predict) -> dict:
    tp = fp = fn = tn = 0
    for p in pairs:
        got = bool(predict(p["text"], p["phrase"]))
        if got and p["hit"]:
            tp += 1
        elif got:
            fp += 1
        elif p["hit"]:
            fn += 1
        else:
            tn += 1
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 3), "recall": round(recall, 3), "f1": round(f1, 3),
            "tp": tp, "fp": fp, "fn": fn, "tn": tn}


METHODS = {
    "rehearse matcher": lambda text, phrase: match_phrase(text, phrase).hit,
    "exact substring (lower-cased)": lambda text, phrase: phrase.lower() in text.lower(),
    "rapidfuzz partial_ratio >= 80": lambda text, phrase: fuzz.partial_ratio(phrase.lower(), text.lower()) >= 80,
}


def speed(pairs: list[dict], words: int = 5000, phrases: int = 200, runs: int = 21) -> dict:
    rng = random.Random(7)
    texts = sorted({p["text"] for p in pairs})
    transcript: list[str] = []
    while len(transcript) < words:
        transcript.extend(rng.choice(texts).split())
    text = " ".join(transcript[:words])
    pool = sorted({p["phrase"] for p in pairs})
    chosen = [pool[i % len(pool)] + ("" if i < len(pool) else f" {i}") for i in range(phrases)]
    wall, cpu, tokenise = [], [], []
    hits = 0
    for _ in range(runs):
        c0, t0 = time.process_time(), time.perf_counter()
        matcher = Matcher(text)
        t1 = time.perf_counter()
        hits = sum(m.hit for m in matcher.match_all(chosen))
        t2, c2 = time.perf_counter(), time.process_time()
        tokenise.append((t1 - t0) * 1000)
        wall.append((t2 - t0) * 1000)
        cpu.append((c2 - c0) * 1000)
    return {"words": words, "phrases": phrases, "median_ms": round(statistics.median(wall), 1),
            "min_ms": round(min(wall), 1), "cpu_median_ms": round(statistics.median(cpu), 1),
            "tokenise_ms": round(statistics.median(tokenise), 1), "hits": hits, "runs": runs}


def main() -> int:
    pairs = load_pairs()
    results = {name: prf(pairs, fn) for name, fn in METHODS.items()}
    by_source = {src: prf([p for p in pairs if p["source"] == src], METHODS["rehearse matcher"])
                 for src in ("recognized", "recognized/words", "handwritten", "heldout", "heldout/words")}
    timing = speed(pairs)
    positives = sum(p["hit"] for p in pairs)
    if "--json" in sys.argv:
        print(json.dumps({"pairs": len(pairs), "positives": positives, "methods": results,
                          "matcher_by_source": by_source, "speed": timing}, indent=2))
    else:
        print(f"labelled pairs: {len(pairs)} ({positives} hits, {len(pairs) - positives} misses)")
        print("| method | precision | recall | F1 |")
        print("|---|---|---|---|")
        for name, r in results.items():
            print(f"| {name} | {r['precision']:.3f} | {r['recall']:.3f} | {r['f1']:.3f} |")
        for src, r in by_source.items():
            print(f"matcher on {src} pairs: P {r['precision']:.3f} R {r['recall']:.3f} F1 {r['f1']:.3f}")
        print(f"speed: {timing['phrases']} phrases x {timing['words']}-word transcript: median "
              f"{timing['median_ms']} ms wall (min {timing['min_ms']}; CPU median {timing['cpu_median_ms']} ms; "
              f"tokenising the transcript {timing['tokenise_ms']} ms; {timing['runs']} runs)")
    if "--errors" in sys.argv:
        for p in pairs:
            m = match_phrase(p["text"], p["phrase"])
            if m.hit != p["hit"]:
                print(f"{'FN' if p['hit'] else 'FP'} [{p['kind']}] {p['phrase']!r} in {p['text']!r} -> "
                      f"score {m.score} heard {m.heard!r} near {m.near!r} ({m.reason})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
