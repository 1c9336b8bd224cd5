#!/usr/bin/env python3
"""Build the noisy part of the matching set: tests/data/matching/noisy.json.

The answers of scripts/make_matching_set.py (ANSWERS: ids r00-r34, used to tune the matcher; HELDOUT: ids h00-h14,
never used for tuning) are spoken in five more ways and transcribed by the built-in recognizer's own decode
(rehearse.speech.whisper_engine.decode: Whisper tiny.en, int8, beam 1, the filler prompt):

- ``clean``: the natural Festival voice (scripts/synth_voice.py), as in recognized.json;
- ``noise10`` / ``noise0``: the same recording with room noise mixed in at 10 dB and 0 dB SNR (pink noise plus the
  babble of four other answers, scaled against the speech's RMS; fixed seed);
- ``accent-fr`` / ``accent-de`` / ``accent-hi``: the English text read by espeak-ng's French, German and Hindi voices.

Each recording is decoded three times: ``plain`` (no biasing), ``hotwords`` (faster-whisper's hotwords built by
the app's own ``hotwords_text`` from the answer's labelled phrases, the phrases *not* said included: the hard test
of whether biasing invents a phrase), and ``prompt`` (the whole phrases in the initial prompt, before the filler
prompt). ``text_hotwords_phrases`` keeps the first design's decode, hinted with the whole phrases (numbers and
negations included), which invented 5 phrases (docs/benchmarks.md); ``--redo-hotwords`` re-decodes ``hotwords``
only. Labels are what the speaker said (the spoken text): where the recognizer lost or changed a phrase, it is a
miss the whole chain made.

    .venv/bin/python scripts/make_noisy_set.py [--audio DIR] [--only r03,h01] [--redo-hotwords]
Needs festival, festvox-us-slt-hts, espeak-ng and sox. The audio is not kept in the repository (DIR, default a
temporary folder); the transcripts and labels are. Takes about 20 minutes on 2 busy cores.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import soundfile as sf

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT))
OUT = ROOT / "tests" / "data" / "matching" / "noisy.json"

CONDITIONS = ("clean", "noise10", "noise0", "accent-fr", "accent-de", "accent-hi")
DECODES = ("plain", "hotwords", "prompt")


def festival(text: str, out: Path) -> np.ndarray:
    from synth_voice import synth

    if not out.exists():
        synth(text, out)
    return sf.read(str(out), dtype="float32")[0]


def espeak(text: str, voice: str, out: Path) -> np.ndarray:
    if not out.exists():
        raw = out.with_suffix(".raw.wav")
        subprocess.run(["espeak-ng", "-v", voice, "-s", "150", "-w", str(raw), text], check=True, capture_output=True)
        subprocess.run(["sox", str(raw), "-r", "16000", "-c", "1", "-b", "16", str(out)], check=True,
                       capture_output=True)
        raw.unlink()
    return sf.read(str(out), dtype="float32")[0]


def pink(n: int, rng: np.random.Generator) -> np.ndarray:
    """Pink (1/f) noise, unit RMS: white noise shaped in the frequency domain."""
    spectrum = np.fft.rfft(rng.standard_normal(n))
    f = np.arange(len(spectrum), dtype=np.float64)
    f[0] = 1.0
    noise = np.fft.irfft(spectrum / np.sqrt(f), n)
    return (noise / (np.sqrt(np.mean(noise ** 2)) + 1e-12)).astype(np.float32)


def room_noise(n: int, others: list[np.ndarray], rng: np.random.Generator) -> np.ndarray:
    """Pink noise and the babble of other speakers, equal parts, unit RMS."""
    babble = np.zeros(n, dtype=np.float32)
    for other in others:
        start = int(rng.integers(0, max(1, len(other) - 1)))
        piece = np.resize(np.roll(other, -start), n)
        babble += piece
    babble /= np.sqrt(np.mean(babble ** 2)) + 1e-12
    noise = pink(n, rng) + babble
    return noise / (np.sqrt(np.mean(noise ** 2)) + 1e-12)


def mix(speech: np.ndarray, noise: np.ndarray, snr_db: float) -> np.ndarray:
    active = speech[np.abs(speech) > 0.02 * np.max(np.abs(speech))]  # the speech's level while speaking
    rms = np.sqrt(np.mean(active ** 2))
    out = speech + noise * rms / (10 ** (snr_db / 20))
    peak = np.max(np.abs(out))
    return (out / peak * 0.9 if peak > 0.99 else out).astype(np.float32)


def whole_phrases(pairs, max_chars: int = 180) -> str:
    """The first design's hint: the whole phrases, each once, in order, while they fit ``max_chars``."""
    out: list[str] = []
    size = 0
    for phrase, _ in pairs:
        if phrase.lower() not in {o.lower() for o in out} and size + len(phrase) + 2 <= max_chars:
            out.append(phrase)
            size += len(phrase) + 2
    return ", ".join(out)


def main() -> int:
    from make_matching_set import ANSWERS, HELDOUT

    from rehearse.speech.whisper_engine import FILLER_PROMPT, decode, hotwords_text, load_whisper_model

    args = sys.argv[1:]
    audio_dir = Path(args[args.index("--audio") + 1]) if "--audio" in args else Path(tempfile.mkdtemp())
    only = set(args[args.index("--only") + 1].split(",")) if "--only" in args else None
    audio_dir.mkdir(parents=True, exist_ok=True)
    answers = [(f"r{n:02d}", s, p) for n, (s, p) in enumerate(ANSWERS)]
    answers += [(f"h{n:02d}", s, p) for n, (s, p) in enumerate(HELDOUT)]
    clean = {cid: festival(spoken, audio_dir / f"{cid}.wav") for cid, spoken, _ in answers}
    model = load_whisper_model()
    old = {(c["id"], c["condition"]): c for c in json.loads(OUT.read_text(encoding="utf-8"))} if OUT.exists() else {}
    redo = "--redo-hotwords" in args  # decode only the hotwords variant again, with today's hotwords_text
    cases = []
    t0 = time.perf_counter()
    for i, (cid, spoken, pairs) in enumerate(answers):
        rng = np.random.default_rng(1000 + i)
        others = [clean[answers[(i + k) % len(answers)][0]] for k in (3, 7, 11, 19)]
        noise = room_noise(len(clean[cid]), others, rng)
        vocabulary = hotwords_text(p for p, _ in pairs)
        for condition in CONDITIONS:
            if (only is not None and cid not in only) and (cid, condition) in old:
                cases.append(old[(cid, condition)])
                continue
            if condition == "clean":
                samples = clean[cid]
            elif condition.startswith("noise"):
                samples = mix(clean[cid], noise, float(condition[5:]))
            else:
                samples = espeak(spoken, condition.split("-")[1], audio_dir / f"{cid}-{condition}.wav")
            if redo and (cid, condition) in old:
                case = old[(cid, condition)]
                hot = hotwords_text(p for p, _ in pairs)
                words = decode(model, samples, prompt=FILLER_PROMPT, hotwords=hot)
                case.setdefault("text_hotwords_phrases", case["text_hotwords"])
                case.setdefault("vocabulary_phrases", case["vocabulary"])
                case["text_hotwords"], case["vocabulary"] = " ".join(w.word for w in words), hot
                print(f"{cid} {condition:9} {time.perf_counter() - t0:6.0f}s {case['text_hotwords']}", file=sys.stderr)
                cases.append(case)
                continue
            texts = {}
            for how in DECODES:
                prompt = FILLER_PROMPT if how != "prompt" else f"{whole_phrases(pairs)}. {FILLER_PROMPT}"
                words = decode(model, samples, prompt=prompt, hotwords=vocabulary if how == "hotwords" else None)
                texts[how] = " ".join(w.word for w in words)
            print(f"{cid} {condition:9} {time.perf_counter() - t0:6.0f}s {texts['plain']}\n"
                  f"{'':26}{texts['hotwords']}", file=sys.stderr)
            cases.append({"id": cid, "condition": condition, "heldout": cid.startswith("h"), "spoken": spoken,
                          "text": texts["plain"], "text_hotwords": texts["hotwords"], "text_prompt": texts["prompt"],
                          "vocabulary": vocabulary, "engine": "whisper tiny.en int8 beam 1 (rehearse decode)",
                          "pairs": [{"phrase": p, "hit": h} for p, h in pairs]})
    OUT.write_text(json.dumps(cases, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {OUT} ({len(cases)} transcripts, {sum(len(c['pairs']) for c in cases)} pairs)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
