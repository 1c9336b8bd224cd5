#!/usr/bin/env python3
"""Session benchmark for docs/benchmarks.md: how long the user waits between the end of an answer and the
manager's next line (final transcript + feedback + stored turn + the manager's reaction).

    .venv/bin/python scripts/bench_session.py
Uses the end-to-end answers in tests/data/answers/ (Festival voice), read at speaking pace through the real
listener and the built-in Whisper recognizer, with a throwaway REHEARSE_HOME. Prints Markdown tables.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rehearse.core.loader import load_scenario  # noqa: E402
from rehearse.core.transcript import Transcript  # noqa: E402
from rehearse.session.conversation import Answer, Session  # noqa: E402
from rehearse.session.drive import Drive  # noqa: E402
from rehearse.store.db import Store  # noqa: E402

DATA = ROOT / "tests" / "data" / "answers"
SCENARIO = DATA / "senior-engineer.toml"
RUNS = {
    "pitch (no timeline)": ("pitch", ["pitch_no_timeline", "ask_timeline", "close"]),
    "pitch (strong)": ("pitch", ["pitch_strong", "close"]),
    "drill": ("drill", ["drill_not_yet", "drill_gap", "drill_timing"]),
}


def end_to_end(store: Store, scenario) -> list[dict]:
    rows = []
    for label, (mode, names) in RUNS.items():
        session = Session(scenario, mode, store=store, persona="supportive", seed=1, engine="whisper",
                          max_items=3 if mode == "drill" else None)
        drive = Drive(session, answers=[DATA / f"{n}.wav" for n in names], engine="whisper", speak=False,
                      realtime=True)
        drive.run()
        for t in drive.timings:
            if "next_s" not in t:
                continue
            wait = t["listen_s"] - (t["duration"] or 0) + t["score_s"] + t["next_s"]
            rows.append({"run": label, "answer_s": t["duration"], "tail_s": t["listen_s"] - (t["duration"] or 0),
                         "score_s": t["score_s"], "next_s": t["next_s"], "wait_s": wait})
    return rows


def session_only(store: Store, scenario, repeats: int = 20) -> dict:
    text = (
        "I'd like to talk about my promotion to Senior Engineer. I led the migration to OAuth and support tickets "
        "dropped by 62%. One area I'm still growing is cross-team influence. Can we agree a date to review this?")
    submit, prompt = [], []
    for i in range(repeats):
        s = Session(scenario, "pitch", store=store, seed=i)
        s.next_prompt()
        t0 = time.perf_counter()
        s.submit(Answer(Transcript(text=text, duration=20.0), None, 0.5))
        t1 = time.perf_counter()
        s.next_prompt()
        prompt.append(time.perf_counter() - t1)
        submit.append(t1 - t0)
    return {"submit_ms": 1000 * statistics.median(submit), "prompt_ms": 1000 * statistics.median(prompt)}


def main() -> None:
    scenario = load_scenario(SCENARIO)
    with tempfile.TemporaryDirectory() as home:
        os.environ["REHEARSE_HOME"] = home
        store = Store()
        only = session_only(store, scenario)
        print("Session alone (text answer, median of 20): "
              f"score + store the turn {only['submit_ms']:.1f} ms; manager's next line {only['prompt_ms']:.1f} ms\n")
        rows = end_to_end(store, scenario)
    print("| run | answer (s) | recognizer tail (s) | feedback + store (s) | next line (s) | wait (s) |")
    print("|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['run']} | {r['answer_s']:.1f} | {r['tail_s']:.2f} | {r['score_s']:.3f} | {r['next_s']:.3f} "
              f"| {r['wait_s']:.2f} |")
    waits = [r["wait_s"] for r in rows]
    print(f"\nwait: median {statistics.median(waits):.2f} s, max {max(waits):.2f} s over {len(waits)} answers")


if __name__ == "__main__":
    main()
