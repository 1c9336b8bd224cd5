#!/usr/bin/env python3
"""Measure text to speech: cold synthesis of typical manager lines (worker process, pyttsx3 + espeak-ng) and
cache hits. Usage: .venv/bin/python scripts/bench_tts.py [--json]"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from rehearse.speech.tts import Speaker, check_wav

LINES = [
    "Thanks for making the time. What did you want to talk about today?",
    "Why do you think you are ready for the senior role now, and not next year?",
    "The budget for promotions is tight this cycle. What would you say to waiting six months?",
    "Can you give me an example of leading a project without being asked to?",
    "What would change in your day-to-day work if you got this promotion?",
]


def measure() -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        speaker = Speaker(cache=Path(tmp))
        started = time.perf_counter()
        speaker.available()
        probe = time.perf_counter() - started
        cold, audio = [], []
        for line in LINES:
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
    return {
        "worker_start_s": round(probe, 3),
        "cold_median_s": round(statistics.median(cold), 3),
        "cold_max_s": round(max(cold), 3),
        "audio_median_s": round(statistics.median(audio), 2),
        "realtime_factor": round(sum(cold) / sum(audio), 3),
        "cache_hit_median_ms": round(statistics.median(hits) * 1000, 3),
        "lines": len(LINES),
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--json", action="store_true")
    result = measure()
    if parser.parse_args().json:
        print(json.dumps(result, indent=2))
    else:
        for key, value in result.items():
            print(f"{key:22} {value}")
