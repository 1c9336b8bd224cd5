#!/usr/bin/env python3
"""Measure text to speech: the natural voice (Piper "joe", the default) and the system voice (pyttsx3 + espeak-ng).

    .venv/bin/python scripts/bench_tts.py [--json]

Per voice: worker start (Piper: loading the voice), cold synthesis of typical manager lines, synthesis time /
speech length, time to the first sentence (Piper streams sentence by sentence), cache hits; and intelligibility:
Whisper tiny.en's word error rate on 20 manager lines of the example scenario spoken by each voice.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from rehearse.speech.tts import Speaker, check_wav  # noqa: E402

LINES = [
    "Thanks for making the time. What did you want to talk about today?",
    "Why do you think you are ready for the senior role now, and not next year?",
    "The budget for promotions is tight this cycle. What would you say to waiting six months?",
    "Can you give me an example of leading a project without being asked to?",
    "What would change in your day-to-day work if you got this promotion?",
]


def speed(voice: str) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        speaker = Speaker(cache=Path(tmp), voice=voice)
        started = time.perf_counter()
        speaker.available()
        probe = time.perf_counter() - started
        cold, audio, first = [], [], []
        for line in LINES:
            if speaker.is_piper(voice):
                started = time.perf_counter()
                for _ in speaker.piper.stream(line.split(". ")[0], 1.0):
                    first.append(time.perf_counter() - started)
                    break
            started = time.perf_counter()
            path = speaker.synthesize(line)
            cold.append(time.perf_counter() - started)
            info = check_wav(path)
            audio.append(info["frames"] / info["sample_rate"])
        hits = []
        for _ in range(20):
            for line in LINES:
                started = time.perf_counter()
                speaker.synthesize(line)
                hits.append(time.perf_counter() - started)
        speaker.close()
    return {
        "worker_start_s": round(probe, 3),
        "cold_median_s": round(statistics.median(cold), 3),
        "cold_max_s": round(max(cold), 3),
        "first_sentence_median_s": round(statistics.median(first), 3) if first else None,
        "audio_median_s": round(statistics.median(audio), 2),
        "realtime_factor": round(sum(cold) / sum(audio), 3),
        "cache_hit_median_ms": round(statistics.median(hits) * 1000, 3),
        "lines": len(LINES),
    }


def manager_lines(n: int = 20) -> list[str]:
    from rehearse.core.loader import load_scenario
    from rehearse.session.lines import manager_lines as lines_of

    lines = lines_of(load_scenario(ROOT / "assets" / "scenarios" / "example-senior-engineer.toml"), "pitch")
    return lines[::max(1, len(lines) // n)][:n]


def intelligibility() -> dict:
    from bench import wer
    from rehearse.speech.audio import load_pcm16
    from rehearse.speech.whisper_engine import WhisperRecognizer

    lines = manager_lines()
    rec = WhisperRecognizer()
    out = {}
    with tempfile.TemporaryDirectory() as tmp:
        for label, voice in (("piper:joe", "piper:joe"), ("espeak-ng (system)", "system")):
            speaker = Speaker(cache=Path(tmp) / label, voice=voice)
            heard = []
            for line in lines:
                rec.reset()
                rec.accept(load_pcm16(speaker.synthesize(line)))
                heard.append(rec.finish().text)
            speaker.close()
            out[label] = {"wer": round(wer(lines, heard), 3),
                          "misheard": [(r, h) for r, h in zip(lines, heard) if wer([r], [h]) > 0]}
    rec.close()
    out["lines"] = len(lines)
    return out


def measure() -> dict:
    return {"piper": speed("piper:joe"), "system": speed("system"), "intelligibility": intelligibility()}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--json", action="store_true")
    result = measure()
    if parser.parse_args().json:
        print(json.dumps(result, indent=2))
    else:
        for voice in ("piper", "system"):
            print(f"\n{voice}")
            for key, value in result[voice].items():
                print(f"  {key:26} {value}")
        print(f"\nintelligibility over {result['intelligibility']['lines']} manager lines (Whisper tiny.en WER):")
        for label, r in result["intelligibility"].items():
            if isinstance(r, dict):
                print(f"  {label:20} {r['wer']:.1%}")
                for ref, hyp in r["misheard"]:
                    print(f"      {ref!r} -> {hyp!r}")
