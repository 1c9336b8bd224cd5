#!/usr/bin/env python3
"""Benchmarks for docs/benchmarks.md. Sections: speech (recognizer accuracy, fillers, speed, final-transcript latency).

    .venv/bin/python scripts/bench.py speech            # everything (about 10 minutes on 2 cores)
    .venv/bin/python scripts/bench.py speech --only wer  # one part: wer | fillers | speed | latency

Test speech: the LibriVox recordings of Debian's pocketsphinx-testdata (real human speech) and answers spoken by
Festival's HTS voice (scripts/synth_voice.py), cached under /tmp/rehearse-bench. Prints Markdown tables.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from rehearse.speech.audio import load_pcm16, read_wav, resample, to_pcm16  # noqa: E402

LIBRIVOX = Path("/usr/share/pocketsphinx/test/data/librivox")
CACHE = Path("/tmp/rehearse-bench")
RATE = 16000
CHUNK = 3200  # 0.1 s of s16le at 16 kHz
FILLERS = {"um": "um", "umm": "um", "uh": "uh", "uhh": "uh", "er": "uh", "like": "like"}

# Answers with fillers, as a second-language speaker might give them (no numbers: Whisper writes digits).
FESTIVAL_ANSWERS = [
    ["So, um, I wanted to talk about my role on the team.",
     "Uh, over the last year I have, like, taken on a lot more responsibility.",
     "I led the migration of the billing system, and, you know, it went live without any outage.",
     "Um, I also mentor two junior engineers every week."],
    ["I think, uh, I am ready for the senior position.",
     "Like, the customers trust me with the hardest problems.",
     "Um, you know, when the payment service failed in March, I fixed it over the weekend.",
     "So I would like to, uh, discuss a promotion and a new title."],
    ["Honestly, um, I was hoping we could agree on a plan today.",
     "You know, I have, uh, asked for feedback from my peers and they were very positive.",
     "I, like, improved the release process so the team ships faster.",
     "Uh, what would you need to see from me before the next review?"],
    ["Well, um, my manager last year said I should show more leadership.",
     "So I, uh, organised the design reviews and wrote the onboarding guide.",
     "Like, new hires now get started in a few days instead of a few weeks.",
     "I believe, you know, that this is the work of a senior engineer."],
]


def words_of(text: str) -> list[str]:
    text = text.lower().replace("-", " ")
    return [w for w in re.sub(r"[^a-z' ]+", " ", text).split() if w]


def count_fillers(text: str) -> int:
    words = words_of(text)
    n = sum(1 for w in words if w in FILLERS)
    n += sum(1 for a, b in zip(words, words[1:]) if (a, b) == ("you", "know"))
    return n


def content_words(text: str) -> list[str]:
    """Words with the fillers taken out, for a WER that does not reward or punish fillers."""
    words = [w for w in words_of(text) if FILLERS.get(w) not in ("um", "uh")]
    return words


def wer(refs: list[str], hyps: list[str], keep_fillers: bool = False) -> float:
    from rapidfuzz.distance import Levenshtein

    split = words_of if keep_fillers else content_words
    errors = sum(Levenshtein.distance(split(r), split(h)) for r, h in zip(refs, hyps))
    return errors / max(1, sum(len(split(r)) for r in refs))


def librivox_set() -> list[tuple[str, Path]]:
    refs = {}
    for line in (LIBRIVOX / "transcription").read_text().splitlines():
        m = re.match(r"<s> (.*) </s> \((.*)\)", line.strip())
        if m:
            refs[m.group(2)] = m.group(1)
    return [(refs[p.stem], p) for p in sorted(LIBRIVOX.glob("*.wav"))]


def silence(seconds: float) -> bytes:
    return b"\0\0" * int(seconds * RATE)


def librivox_answer() -> tuple[str, bytes]:
    """The five LibriVox utterances as one ~27 s answer (0.7 s between them)."""
    items = librivox_set()
    return " ".join(r for r, _ in items), silence(0.7).join(load_pcm16(p) for _, p in items)


def festival_answers() -> list[tuple[str, bytes]]:
    from synth_voice import synth

    out = []
    for i, sentences in enumerate(FESTIVAL_ANSWERS):
        parts = []
        for j, sentence in enumerate(sentences):
            path = CACHE / f"answer{i}_{j}.wav"
            if not path.exists():
                synth(sentence, path)
            parts.append(load_pcm16(path))
        out.append((" ".join(sentences), silence(0.6).join(parts)))
    return out


def long_answer(seconds: float) -> bytes:
    """An answer of about ``seconds`` made of Festival sentences with 0.6 s pauses."""
    pieces, total = [], 0.0
    sentences = [s for a in festival_answers() for s in [a[1]]]
    while total < seconds:
        for pcm in sentences:
            pieces.append(pcm)
            total += len(pcm) / 2 / RATE + 0.6
            if total >= seconds:
                break
    return silence(0.6).join(pieces)


def feed(rec, pcm: bytes, realtime: bool = False) -> float:
    """Feed ``pcm`` in 0.1 s chunks; returns the seconds finish() took after the last chunk."""
    start = time.perf_counter()
    for i in range(0, len(pcm), CHUNK):
        rec.accept(pcm[i:i + CHUNK])
        if realtime:
            wait = start + (i + CHUNK) / 2 / RATE - time.perf_counter()
            if wait > 0:
                time.sleep(wait)
    t = time.perf_counter()
    rec.result = rec.finish()
    return time.perf_counter() - t


def one_shot(model, pcm: bytes, prompt) -> str:
    """faster-whisper's own decode of the whole answer, as it comes (beam 5, temperature fallback, word times)."""
    samples = np.frombuffer(pcm, dtype="<i2").astype(np.float32) / 32768.0
    segments, _ = model.transcribe(samples, language="en", word_timestamps=True, initial_prompt=prompt)
    return " ".join(seg.text.strip() for seg in segments)


def bench_wer(configs) -> None:
    from rehearse.speech.whisper_engine import FILLER_PROMPT, WhisperRecognizer, load_whisper_model

    model = load_whisper_model()
    sets = {"LibriVox (5 utterances, one 27 s answer)": [librivox_answer()],
            "Festival (4 answers with fillers, ~20 s each)": festival_answers()}
    print("| speech | decode | WER (fillers left out) | WER (all words) | fillers kept | CPU s |")
    print("|---|---|---|---|---|---|")
    for set_name, items in sets.items():
        refs = [r for r, _ in items]
        ref_fillers = sum(count_fillers(r) for r in refs)
        runs = {"one-shot, no prompt": lambda pcm: one_shot(model, pcm, None),
                "one-shot, filler prompt": lambda pcm: one_shot(model, pcm, FILLER_PROMPT)}
        for name, opts in configs.items():
            def phrase_wise(pcm, opts=opts):
                rec = WhisperRecognizer(opts)
                feed(rec, pcm)
                return rec.result.text
            runs[name] = phrase_wise
        for name, run in runs.items():
            t = time.process_time()
            hyps = [run(pcm) for _, pcm in items]
            cpu = time.process_time() - t
            kept = sum(min(count_fillers(h), count_fillers(r)) for r, h in zip(refs, hyps))
            print(f"| {set_name} | {name} | {wer(refs, hyps):.1%} | {wer(refs, hyps, True):.1%} "
                  f"| {kept}/{ref_fillers} | {cpu:.1f} |", flush=True)
            if os.environ.get("BENCH_VERBOSE"):
                for h in hyps:
                    print("    ", h)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("section", choices=["speech"])
    parser.add_argument("--only", choices=["wer", "fillers", "speed", "latency"])
    args = parser.parse_args()
    from rehearse.speech.whisper_engine import DecodeOptions

    configs = {
        "phrase-wise, 20 s windows (default)": DecodeOptions(),
        "phrase-wise, 10 s windows": DecodeOptions(window_s=10.0),
        "phrase-wise, each phrase alone": DecodeOptions(window_s=0.0),
        "phrase-wise, 20 s windows, no filler prompt": DecodeOptions(filler_prompt=False),
        "phrase-wise, 20 s windows, beam 1": DecodeOptions(beam_size=1),
    }
    if args.only in (None, "wer"):
        bench_wer(configs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
