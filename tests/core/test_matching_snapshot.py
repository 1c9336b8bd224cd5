"""Every result of the matcher on the labelled sets, recorded: a change made for speed must not change one of them.

tests/data/matching/results.json holds, for each (text, phrase) of the labelled sets (recognized, heldout,
handwritten; the noisy set in all its decodes) and of the 200-phrase x 5,000-word speed transcript of
scripts/bench_matching.py, what the matcher returned: hit, score, the words heard or near, the reason, negated (each distinct pair once).
A deliberate change of behaviour rewrites the file (``python tests/core/test_matching_snapshot.py --write``) and its
diff shows which results changed; a change for speed leaves it as it is.
"""

from __future__ import annotations

import hashlib
import json
import random
import sys
from pathlib import Path

ROOT = Path(__file__).parents[2]
if str(ROOT) not in sys.path:  # run as a script to rewrite the record
    sys.path.insert(0, str(ROOT))

from rehearse.core.matching import Matcher  # noqa: E402

DATA = ROOT / "tests" / "data" / "matching"
RECORD = DATA / "results.json"
DECODES = ("text", "text_hotwords", "text_hotwords_phrases", "text_prompt")


def _cases() -> list[tuple[str, str, list[str]]]:
    """(label, text, phrases) for every labelled text, and the speed transcript (built as the bench builds it)."""
    out: list[tuple[str, str, list[str]]] = []
    texts: set[str] = set()
    phrases: set[str] = set()
    for source in ("recognized", "heldout"):
        for case in json.loads((DATA / f"{source}.json").read_text(encoding="utf-8")):
            ps = [p["phrase"] for p in case["pairs"]]
            for field in ("text", "words_text"):
                out.append((f"{source}:{case['id']}:{field}", case[field], ps))
                texts.add(case[field])
            phrases.update(ps)
    for n, p in enumerate(json.loads((DATA / "handwritten.json").read_text(encoding="utf-8"))):
        out.append((f"handwritten:{n}:{p['kind']}", p["text"], [p["phrase"]]))
        texts.add(p["text"])
        phrases.add(p["phrase"])
    for case in json.loads((DATA / "noisy.json").read_text(encoding="utf-8")):
        for field in DECODES:
            out.append((f"noisy:{case['id']}:{case['condition']}:{field}", case[field],
                        [p["phrase"] for p in case["pairs"]]))
    rng = random.Random(7)  # scripts/bench_matching.py speed(): same texts, phrases and seed
    pool_texts = sorted(texts)
    words: list[str] = []
    while len(words) < 5000:
        words.extend(rng.choice(pool_texts).split())
    pool = sorted(phrases)
    chosen = [pool[i % len(pool)] + ("" if i < len(pool) else f" {i}") for i in range(200)]
    out.append(("speed:5000", " ".join(words[:5000]), chosen))
    return out


def results() -> dict[str, list]:
    """Each distinct (text, phrase) once, under the label of the first case that has it."""
    out: dict[str, list] = {}
    seen: set[tuple[str, str]] = set()
    for label, text, phrases in _cases():
        matcher = Matcher(text)
        digest = hashlib.sha1(text.encode()).hexdigest()[:6]
        for phrase in phrases:
            if (text, phrase) in seen:
                continue
            seen.add((text, phrase))
            m = matcher.match(phrase)
            out[f"{label}:{digest}:{phrase}"] = [m.hit, m.score, m.start_word, m.end_word, m.near_start, m.near_end,
                                                 m.reason, m.negated]
    return out


def test_results_on_the_labelled_sets_are_as_recorded():
    recorded = json.loads(RECORD.read_text(encoding="utf-8"))
    got = json.loads(json.dumps(results()))  # tuples and floats as the record has them
    changed = [(k, recorded.get(k), v) for k, v in got.items() if recorded.get(k) != v]
    assert len(got) == len(recorded) and not changed, (len(changed), changed[:5])


if __name__ == "__main__":
    if "--write" in sys.argv:
        data = results()
        RECORD.write_text("{\n" + ",\n".join(f"{json.dumps(k)}: {json.dumps(v)}" for k, v in sorted(data.items()))
                          + "\n}\n", encoding="utf-8")
        print(f"wrote {len(data)} results to {RECORD}")
