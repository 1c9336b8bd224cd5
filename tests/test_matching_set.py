"""The matcher against the labelled set in tests/data/matching/ (real Whisper transcripts + hand-written cases)."""

import json
from pathlib import Path

from rapidfuzz import fuzz

from rehearse.core.matching import match_phrase

DATA = Path(__file__).parent / "data" / "matching"


def load_pairs():
    pairs = []
    for source in ("recognized", "heldout"):  # heldout: written after the matcher was tuned
        for case in json.loads((DATA / f"{source}.json").read_text(encoding="utf-8")):
            pairs += [(case["text"], p["phrase"], p["hit"], source) for p in case["pairs"]]
            # the same, as the app's recognizer hands it on: Whisper's words joined by spaces ("99 .9 %")
            pairs += [(case["words_text"], p["phrase"], p["hit"], source + "/words") for p in case["pairs"]]
    for p in json.loads((DATA / "handwritten.json").read_text(encoding="utf-8")):
        pairs.append((p["text"], p["phrase"], p["hit"], "handwritten"))
    return pairs


def f1(pairs, predict):
    tp = sum(1 for t, p, h, _ in pairs if h and predict(t, p))
    fp = sum(1 for t, p, h, _ in pairs if not h and predict(t, p))
    fn = sum(1 for t, p, h, _ in pairs if h and not predict(t, p))
    return 2 * tp / (2 * tp + fp + fn)


def test_the_set_is_big_and_balanced():
    pairs = load_pairs()
    assert len(pairs) >= 150
    assert sum(1 for *_, src in pairs if src in ("recognized", "heldout")) >= 150
    positives = sum(1 for _, _, h, _ in pairs if h)
    assert 0.35 < positives / len(pairs) < 0.7
    kinds = {p["kind"] for p in json.loads((DATA / "handwritten.json").read_text(encoding="utf-8"))}
    assert {"wrong-number", "wrong-role", "scattered", "one-word-missing", "negation"} <= kinds
    assert any(k.startswith("vosk") for k in kinds)


def test_f1_on_the_labelled_set_beats_the_target_and_the_baselines():
    pairs = load_pairs()
    ours = f1(pairs, lambda t, p: match_phrase(t, p).hit)
    exact = f1(pairs, lambda t, p: p.lower() in t.lower())
    partial = f1(pairs, lambda t, p: fuzz.partial_ratio(p.lower(), t.lower()) >= 80)
    assert ours >= 0.95, ours
    assert ours > exact + 0.15 and ours > partial + 0.1, (ours, exact, partial)


def test_f1_on_each_source():
    pairs = load_pairs()
    for src in ("recognized", "recognized/words", "handwritten", "heldout", "heldout/words"):
        part = [p for p in pairs if p[3] == src]
        assert f1(part, lambda t, p: match_phrase(t, p).hit) >= 0.93, src


def test_hits_point_at_words_of_the_transcript():
    for text, phrase, _, _ in load_pairs():
        m = match_phrase(text, phrase)
        if m.hit:
            words = text.split()
            assert 0 <= m.start_word <= m.end_word < len(words)
            assert m.heard == " ".join(words[m.start_word:m.end_word + 1])
