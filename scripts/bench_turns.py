#!/usr/bin/env python3
"""Turn-taking: false cut-offs on answers with pauses, and how soon a finished answer ends.

    .venv/bin/python scripts/bench_turns.py [--json] [--long] [--instant]

The answers (Festival voice, made by scripts/make_turn_answers.py):
- tests/data/turns/ (tuning) and turns/heldout/ (never tuned on): short answers with 1.2-2.0 s thinking pauses in
  the middle of a sentence, and short finished answers;
- tests/data/turns/long/ (tuning) and turns/long/heldout/ (written with the tuning set, never tuned on): answers of
  14-33 s with 1.0-1.8 s pauses between their sentences.
Each is heard by the real listener and the built-in Whisper with the default 1.5 s silence setting: at speaking pace
with the real decoding threads, and with an "instant" decoder (each decode waited for before more audio comes: the
freshest text, the worst case for a cut-off, and the same on any machine); also at speaking pace with turn-taking off
(the fixed 1.5 s silence) for comparison. A *cut-off* is an answer whose recording ended before its last word.
"end after speech" is the recording's length after the last word (the end-of-speech -> end-of-answer time);
"finish" is what the recognizer still had to do after the recording stopped.
``--long``: only the long sets; ``--instant``: only the instant decoder.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from instant_whisper import InstantWhisper  # noqa: E402
from rehearse.speech.listener import listen  # noqa: E402
from rehearse.speech.sources import WavFileSource  # noqa: E402
from rehearse.speech.whisper_engine import WhisperRecognizer  # noqa: E402

TURNS = ROOT / "tests" / "data" / "turns"
SETS = {"short, tuning": TURNS, "short, held out": TURNS / "heldout",
        "long, tuning": TURNS / "long", "long, held out": TURNS / "long" / "heldout"}


def run(folder: Path, rec, realtime: bool, turn_taking: bool, tmp: Path) -> list[dict]:
    rows = []
    for name, info in json.loads((folder / "answers.json").read_text()).items():
        source = WavFileSource(folder / info.get("file", f"{name}.wav"), realtime=realtime, pad_s=3.5)
        heard = listen(source, rec, tmp / f"{name}.wav", silence_s=1.5, turn_taking=turn_taking)
        ends = info["speech_ends"]
        cut = heard.duration < ends[-1]
        rows.append({"answer": name, "pauses": info["pauses"], "cut_off": cut,
                     # the pause (its listed length) at which a cut-off answer ended: before the next part's end
                     "cut_at_pause_s": next((p for p, e in zip(info["pauses"], ends[1:]) if heard.duration < e),
                                            None) if cut else None,
                     "end_after_speech_s": None if cut else round(heard.duration - ends[-1], 2),
                     "hold_s": heard.hold_s, "finish_s": round(heard.finish_s, 2), "text": heard.transcript.text})
    return rows


def main() -> int:
    report = {"load_average_start": os.getloadavg()[0], "sets": {}}
    sets = {k: v for k, v in SETS.items() if "--long" not in sys.argv or k.startswith("long")}
    with tempfile.TemporaryDirectory() as tmp:
        live, instant = WhisperRecognizer(), InstantWhisper()
        modes = [("instant decoder (worst case)", instant, False, True)]
        if "--instant" not in sys.argv:
            modes += [("speaking pace", live, True, True), ("speaking pace, turn-taking off", live, True, False)]
        for set_name, folder in sets.items():
            for mode, rec, realtime, turns in modes:
                report["sets"][f"{set_name} / {mode}"] = run(folder, rec, realtime, turns, Path(tmp))
    report["load_average_end"] = os.getloadavg()[0]
    if "--json" in sys.argv:
        print(json.dumps(report, indent=2))
        return 0
    print(f"load average {report['load_average_start']:.1f} -> {report['load_average_end']:.1f}\n")
    print("| set / mode | answers (pauses) | false cut-offs | end after speech (s), answers with pauses "
          "| end after speech (s), answers without | finish after stop (s, max) |")
    print("|---|---|---|---|---|---|")
    for key, rows in report["sets"].items():
        paused = [r for r in rows if r["pauses"]]
        finished = [r for r in rows if not r["pauses"]]
        ends = lambda rs: ", ".join("cut" if r["cut_off"] else f"{r['end_after_speech_s']:.2f}" for r in rs)  # noqa
        pauses = sum(len(r["pauses"]) for r in paused)
        print(f"| {key} | {len(rows)} ({pauses}) | {sum(r['cut_off'] for r in rows)} | {ends(paused)} "
              f"| {ends(finished) or '-'} | {max(r['finish_s'] for r in rows):.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
