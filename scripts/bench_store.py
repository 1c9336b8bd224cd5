#!/usr/bin/env python3
"""Storage speed: durable add_turn, opening (with the damage check) and listing a large history, export, progress.

Usage: .venv/bin/python scripts/bench_store.py [--runs 500]
Builds a throw-away history in a temporary folder (REHEARSE_HOME is not touched).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from test_store_samples import store_drill_run, store_pitch_run  # noqa: E402

from rehearse.store import Store  # noqa: E402
from rehearse.report.email import draft_email  # noqa: E402
from rehearse.report.export import export_run  # noqa: E402
from rehearse.report.progress import progress  # noqa: E402


def timed(fn, repeat=1):
    times = []
    result = None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return result, times


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=500)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "history.sqlite3"
        store = Store(path)
        run_id = store.create_run(scenario_path="s.toml", scenario_title="bench", target_role="Lead", mode="pitch",
                                  persona="busy", seed=None, engine=None)
        feedback = {"score": 50, "key_phrases": [{"phrase": "x", "hit": True}] * 8, "flags": [], "delivery": {}}
        turn_times_box: list[float] = []
        for i in range(200):
            start = time.perf_counter()
            store.add_turn(run_id, index=i, role="user", text="word " * 150, feedback=feedback,
                           transcript={"text": "word " * 150, "words": [{"word": "word", "start": 0, "end": 1,
                                                                       "conf": 1}] * 150})
            turn_times_box.append(time.perf_counter() - start)
        for n in range(args.runs):
            if n % 3 == 2:
                store_drill_run(store, {"budget": ("Could we treat the title and the money separately?", 6.0),
                                        "timing": ("Could I propose a date?", 4.0)})
            else:
                store_pitch_run(store, "not_yet" if n % 2 else "yes", wav=False)
        store.close()
        size = path.stat().st_size / 1e6
        store, open_times = timed(lambda: Store(path), 1)
        runs, list_times = timed(store.runs, 5)
        last = store.runs()[-2]["run_id"]
        run, show_times = timed(lambda: store.run(last), 5)
        _, md_times = timed(lambda: export_run(run, "md", Path(tmp) / "r.md"), 5)
        _, html_times = timed(lambda: export_run(run, "html", Path(tmp) / "r.html"), 5)
        _, pdf_first = timed(lambda: export_run(run, "pdf", Path(tmp) / "r.pdf"), 1)
        _, pdf_times = timed(lambda: export_run(run, "pdf", Path(tmp) / "r.pdf"), 3)
        _, email_times = timed(lambda: draft_email(run), 5)
        _, progress_times = timed(lambda: progress(store), 1)
        ms = lambda values: f"{statistics.median(values) * 1000:.1f} ms"  # noqa: E731
        print(f"history: {len(runs)} runs, {size:.1f} MB")
        print(f"add_turn (durable commit, synchronous=FULL): median {ms(turn_times_box)}, "
              f"max {max(turn_times_box) * 1000:.1f} ms")
        print(f"open incl. quick_check + migrations check: {ms(open_times)}")
        print(f"runs() list: {ms(list_times)}")
        print(f"run(id) with turns: {ms(show_times)}")
        print(f"export md: {ms(md_times)}, html: {ms(html_times)}, pdf: first {ms(pdf_first)} "
              f"(Qt start-up), then {ms(pdf_times)}")
        print(f"email draft: {ms(email_times)}")
        print(f"progress over every answer: {ms(progress_times)}")
        store.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
