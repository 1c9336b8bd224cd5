"""The matcher against the labelled set in tests/data/matching/ (real Whisper transcripts + hand-written cases)."""

import json
from pathlib import Path

from rapidfuzz import fuzz

from rehearse.core.matching import match_phrase

DATA = Path(__file__).parents[1] / "data" / "matching"


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


# --- the noisy set: the same answers in noise and in foreign accents (scripts/make_noisy_set.py) ---------------------
# r00-r34 were looked at to tune the sound-alike matching and the hints; h00-h14 (the held-out split) never were.

def noisy_pairs(decode="text"):
    out = []
    for case in json.loads((DATA / "noisy.json").read_text(encoding="utf-8")):
        out += [(case[decode], p["phrase"], p["hit"], case["condition"], case["heldout"]) for p in case["pairs"]]
    return out


def f1_where(pairs, keep):
    return f1([(t, p, h, c) for t, p, h, c, held in pairs if keep(c, held)], lambda t, p: match_phrase(t, p).hit)


def test_the_noisy_set_covers_noise_and_accents_with_a_held_out_split():
    cases = json.loads((DATA / "noisy.json").read_text(encoding="utf-8"))
    assert {c["condition"] for c in cases} == {"clean", "noise10", "noise0", "accent-fr", "accent-de", "accent-hi"}
    assert len(cases) == 300 and sum(c["heldout"] for c in cases) == 90
    assert all(c["id"].startswith("h") == c["heldout"] for c in cases)
    assert sum(len(c["pairs"]) for c in cases if c["heldout"]) >= 300


def test_held_out_f1_on_clean_and_noisy_speech_with_the_scenarios_words():
    """Whisper hinted with the scenario's words, then matched: the goals on the held-out answers."""
    pairs = noisy_pairs("text_hotwords")
    assert f1_where(pairs, lambda c, held: held and c == "clean") >= 0.95  # measured 0.962
    assert f1_where(pairs, lambda c, held: held and c == "accent-hi") >= 0.95  # 1.000
    # 10 dB SNR: 0.880 held out (0.947 on the tuned answers since the small-word and inflection tolerances of
    # 2026-12-01; 0.940 before), short of the 0.90 goal: the 3 false hits are numbers/negations Whisper changed ("have"
    # for "haven't"), see docs/benchmarks.md
    assert f1_where(pairs, lambda c, held: held and c == "noise10") >= 0.85
    assert f1_where(pairs, lambda c, held: not held and c == "noise10") >= 0.90


def test_held_out_f1_without_hints_and_what_the_hints_add():
    plain, hinted = noisy_pairs("text"), noisy_pairs("text_hotwords")
    assert f1_where(plain, lambda c, held: held and c == "clean") >= 0.92
    for cond in ("clean", "noise10", "accent-hi", "accent-fr"):
        assert (f1_where(hinted, lambda c, held: held and c == cond)
                >= f1_where(plain, lambda c, held: held and c == cond)), cond


def test_hints_add_no_false_hit():
    """On the answers that do not say a phrase (the phrase itself among the hints), hinting adds no false hit."""
    plain, hinted = noisy_pairs("text"), noisy_pairs("text_hotwords")
    added = [(h[1], h[0]) for p, h in zip(plain, hinted)
             if not h[2] and match_phrase(h[0], h[1]).hit and not match_phrase(p[0], p[1]).hit]
    assert not added, added
