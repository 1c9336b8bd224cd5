#!/usr/bin/env python3
"""Turn-taking: false cut-offs on answers with thinking pauses, and how soon a finished answer ends.

    .venv/bin/python scripts/bench_turns.py [--json]

The answers are tests/data/turns/ (tuning set) and tests/data/turns/heldout/ (made before the rules were tuned and
never tuned on), Festival voice, made by scripts/make_turn_answers.py. Each is heard by the real listener and the
built-in Whisper with the default 1.5 s silence setting, twice: at speaking pace with the real decoding thread, and
with an "instant" decoder (each decode waited for before more audio comes: the freshest text, the worst case for a
cut-off). "end after speech" is the recording's length after the last word; "finish" is what the recognizer still
had to do after the recording stopped. Also the same with turn-taking off (the fixed 1.5 s silence) for comparison.
"""

from __future__ import annotations

import json
import sys
import tempfile
from concurrent.futures import wait
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rehearse.speech.listener import listen  # noqa: E402
from rehearse.speech.sources import WavFileSource  # noqa: E402
from rehearse.speech.whisper_engine import WhisperRecognizer  # noqa: E402

TURNS = ROOT / "tests" / "data" / "turns"


class InstantWhisper(WhisperRecognizer):
    def _settle(self):
        wait([j for j in self._closed + self._open if not j.cancelled()])

    def accept(self, pcm):
        super().accept(pcm)
        self._settle()

    def flush(self):
        super().flush()
        self._settle()


def run(folder: Path, rec, realtime: bool, turn_taking: bool, tmp: Path) -> list[dict]:
    rows = []
    for name, info in json.loads((folder / "answers.json").read_text()).items():
        source = WavFileSource(folder / f"{name}.wav", realtime=realtime, pad_s=3.5)
        heard = listen(source, rec, tmp / f"{name}.wav", silence_s=1.5, turn_taking=turn_taking)
        last = info["speech_ends"][-1]
        rows.append({"answer": name, "pauses": info["pauses"], "cut_off": heard.duration < last,
                     "end_after_speech_s": round(heard.duration - last, 2), "hold_s": heard.hold_s,
                     "finish_s": round(heard.finish_s, 2), "text": heard.transcript.text})
    return rows


def main() -> int:
    import os

    report = {"load_average_start": os.getloadavg()[0], "sets": {}}
    with tempfile.TemporaryDirectory() as tmp:
        live, instant = WhisperRecognizer(), InstantWhisper()
        for set_name, folder in (("tuning", TURNS), ("held out", TURNS / "heldout")):
            for mode, rec, realtime, turns in (("speaking pace", live, True, True),
                                               ("instant decoder (worst case)", instant, False, True),
                                               ("speaking pace, turn-taking off", live, True, False)):
                report["sets"][f"{set_name} / {mode}"] = run(folder, rec, realtime, turns, Path(tmp))
    report["load_average_end"] = os.getloadavg()[0]
    if "--json" in sys.argv:
        print(json.dumps(report, indent=2))
        return 0
    print(f"load average {report['load_average_start']:.1f} -> {report['load_average_end']:.1f}\n")
    print("| set / mode | answers with mid-sentence pauses | false cut-offs | end after speech, paused answers (s) "
          "| end after speech, finished answers (s) | finish after stop (s, max) |")
    print("|---|---|---|---|---|---|")
    for key, rows in report["sets"].items():
        paused = [r for r in rows if r["pauses"]]
        finished = [r for r in rows if not r["pauses"]]
        ends = lambda rs: ", ".join(f"{r['end_after_speech_s']:.2f}" for r in rs)  # noqa: E731
        print(f"| {key} | {len(paused)} | {sum(r['cut_off'] for r in paused)} | {ends(paused)} | {ends(finished)} "
              f"| {max(r['finish_s'] for r in rows):.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
