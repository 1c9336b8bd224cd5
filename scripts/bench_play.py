#!/usr/bin/env python3
"""Measure playback overhead: how long after the end of a manager line ``Speaker.play`` returns (the wait before
the microphone may open), through a private PulseAudio daemon with a null sink -> ALSA ``pulse`` -> PortAudio.

Two sinks: the null sink as it is (nobody asks it for low latency, so it renders 2 s ahead and cannot rewind for
a new stream) and the null sink followed at 20 ms by a recorder on its monitor (as a sound card's sink follows
its clients). Two players: ``Speaker.play`` (blocking low-latency stream) and sounddevice ``play()`` + ``wait()``
(what it did before), for comparison. Usage: .venv/bin/python scripts/bench_play.py [--runs 5] [--json]"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from rehearse.speech.tts import Speaker

LINE = "Why do you think you are ready for the senior role?"
PLAYER = """
import json, sys, time, wave
import numpy as np
import sounddevice as sd
from rehearse.speech.tts import Speaker
path, how, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
with wave.open(path, "rb") as wav:
    rate = wav.getframerate()
    data = np.frombuffer(wav.readframes(wav.getnframes()), dtype="<i2").reshape(-1, 1)
speaker, took = Speaker(), []
for _ in range(runs + 1):  # the first (set-up) play is not counted
    time.sleep(0.5)
    started = time.monotonic()
    if how == "speaker":
        speaker.play(path, device="pulse")
    else:
        sd.play(data, rate, device="pulse")
        sd.wait()
    took.append(time.monotonic() - started - len(data) / rate)
print(json.dumps(took[1:]))
"""


def run(wav: Path, runs: int) -> dict:
    runtime = Path(tempfile.mkdtemp(prefix="bench-play-"))
    env = dict(os.environ, XDG_RUNTIME_DIR=str(runtime))
    env.pop("PULSE_SERVER", None)
    daemon = subprocess.Popen(["pulseaudio", "-n", "--daemonize=no", "--exit-idle-time=-1", "--use-pid-file=no",
                               "--load=module-native-protocol-unix", "--load=module-null-sink sink_name=nullsink"],
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    results = {}
    try:
        for _ in range(100):
            if subprocess.run(["pactl", "info"], env=env, capture_output=True).returncode == 0:
                break
            time.sleep(0.05)
        subprocess.run(["pactl", "set-default-sink", "nullsink"], env=env, check=True)
        for sink in ("idle null sink", "sink followed at 20 ms"):
            recorder = None
            if sink != "idle null sink":
                recorder = subprocess.Popen(["parec", "-d", "nullsink.monitor", "--raw", "--latency-msec=20"],
                                            env=env, stdout=subprocess.DEVNULL)
            try:
                for how in ("speaker", "sd.play+wait"):
                    done = subprocess.run([sys.executable, "-c", PLAYER, str(wav), how, str(runs)], env=env,
                                          capture_output=True, text=True, check=True, timeout=120)
                    took = json.loads(done.stdout.strip().splitlines()[-1])
                    results[f"{sink}, {how}"] = {"median_s": round(statistics.median(took), 2),
                                                 "max_s": round(max(took), 2)}
            finally:
                if recorder is not None:
                    recorder.terminate()
                    recorder.wait(5)
    finally:
        daemon.terminate()
        daemon.wait(5)
        shutil.rmtree(runtime, ignore_errors=True)
    return results


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        result = run(Speaker(cache=Path(tmp)).synthesize(LINE), args.runs)
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        for key, value in result.items():
            print(f"{key:42} overhead median {value['median_s']:.2f} s, max {value['max_s']:.2f} s")
