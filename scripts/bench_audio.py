#!/usr/bin/env python3
"""Measure the audio path: level/end-of-answer cost, WAV writing, microphone capture + resampling through the real
stack (PulseAudio virtual microphone -> PortAudio -> sounddevice), and how long after the user stops speaking the
listener returns the final transcript (built-in Whisper).

    .venv/bin/python scripts/bench_audio.py [--runs 3]
Needs pulseaudio (the test stack in tests/pulse.py). Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from rehearse.speech.audio import load_pcm16  # noqa: E402
from rehearse.speech.endpoint import EndOfAnswerDetector, dbfs  # noqa: E402
from rehearse.speech.sinks import WavWriter  # noqa: E402

SPEECH = ROOT / "tests" / "data" / "mic" / "two_sentences.wav"


def per_audio_second(fn, pcm: bytes) -> float:
    """Milliseconds of CPU per second of audio."""
    started = time.process_time()
    fn(pcm)
    return 1000 * (time.process_time() - started) / (len(pcm) / 32000)


def detector_cost(pcm: bytes) -> None:
    det = EndOfAnswerDetector(silence_s=1e9)
    for pos in range(0, len(pcm), 3200):
        det.feed(pcm[pos:pos + 3200])
        for sub in range(pos, pos + 3200, 1280):
            dbfs(pcm[sub:sub + 1280])


def writer_cost(pcm: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp, WavWriter(Path(tmp) / "w.wav") as writer:
        for pos in range(0, len(pcm), 3200):
            writer.write(pcm[pos:pos + 3200])


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    speech = load_pcm16(SPEECH)
    long = (speech + bytes(16000)) * 6  # about a minute
    rows = [
        ("level meter + end-of-answer detector", f"{per_audio_second(detector_cost, long):.2f} ms CPU per s of audio"),
        ("WavWriter (0.1 s chunks, header patched, fsync each second)",
         f"{per_audio_second(writer_cost, long):.2f} ms CPU per s of audio"),
    ]

    from pulse import VirtualMic

    mic = VirtualMic()
    mic.start()
    try:
        from rehearse.speech.listener import listen
        from rehearse.speech.recognizer import create_recognizer
        from rehearse.speech.sources import MicrophoneSource

        # capture latency: the moment a click is written into the microphone -> the chunk that holds it is read
        source = MicrophoneSource(device=mic.device)
        source.start()
        lat = []
        for _ in range(5):
            while source.read(0.05):
                pass  # drain
            time.sleep(0.3)
            written = time.monotonic()
            mic.play(np.full(320, 20000, dtype="<i2").tobytes())
            while True:
                chunk = source.read(1.0)
                if chunk and np.abs(np.frombuffer(chunk, "<i2")).max() > 10000:
                    lat.append(time.monotonic() - written)
                    break
        cpu0 = time.process_time()
        wall0 = time.monotonic()
        while time.monotonic() - wall0 < 5:
            source.read(0.1)
        cpu = (time.process_time() - cpu0) / (time.monotonic() - wall0)
        source.stop()
        rows.append((f"capture latency, virtual mic ({source.device_rate} Hz device -> 16 kHz)",
                     f"median {1000 * float(np.median(lat)):.0f} ms (chunks of 100 ms; max {1000 * max(lat):.0f})"))
        rows.append(("capture + soxr resampling, CPU while recording", f"{100 * cpu:.1f}% of one core"))

        recognizer = create_recognizer("whisper")
        for answer, runs in ((speech, args.runs), (long[: -32000], 1)):
            rows.append(answer_row(mic, recognizer, answer, runs))
    finally:
        mic.stop()

    print("| what | result |\n|---|---|")
    for what, result in rows:
        print(f"| {what} | {result} |")
    return 0


def answer_row(mic, recognizer, speech: bytes, runs: int) -> tuple[str, str]:
    from rehearse.speech.listener import listen
    from rehearse.speech.sources import MicrophoneSource

    speech_s = len(speech) / 32000
    ends, finishes = [], []
    for run in range(runs):
        source = MicrophoneSource(device=mic.device)
        marks = {}

        def on_level(db, marks=marks):
            if "played" not in marks:
                mic.play(speech)
                marks["played"] = time.monotonic()

        with tempfile.TemporaryDirectory() as tmp:
            heard = listen(source, recognizer, Path(tmp) / "a.wav", on_level=on_level)
        returned = time.monotonic()
        speech_end = marks["played"] + speech_s
        ends.append(returned - speech_end)
        finishes.append(heard.finish_s)
    return (f"end of the recording played into the mic -> listen() returns the final transcript "
            f"({speech_s:.0f} s answer, silence_s 1.5, Whisper), {runs} run(s)",
            f"median {float(np.median(ends)):.2f} s (of which final decode {float(np.median(finishes)):.2f} s)")


if __name__ == "__main__":
    sys.exit(main())
