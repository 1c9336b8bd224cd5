"""Subcommands: history, show, export, email, progress — reading the stored runs."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from rehearse.commands.output import print_json
from rehearse.errors import UserError


def register(sub) -> None:
    """Add this module's subcommands to the rehearse parser."""
    p = sub.add_parser("history", help="list your stored runs")
    p.add_argument("--limit", type=int, default=None, help="show only the newest N runs")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_history)

    p = sub.add_parser("show", help="show one run: transcript with hits, fillers and hedges marked, feedback")
    p.add_argument("run", metavar="RUN", help="a run number from `rehearse history`, or 'last'")
    p.add_argument("--json", action="store_true", help="print JSON (everything stored about the run)")
    p.set_defaults(func=cmd_show)

    p = sub.add_parser("export", help="export one run as Markdown, HTML or PDF")
    p.add_argument("run", metavar="RUN", help="a run number from `rehearse history`, or 'last'")
    p.add_argument("--format", choices=("md", "html", "pdf"), default=None,
                   help="file format (default: from the file name's extension)")
    p.add_argument("-o", "--output", metavar="FILE", required=True, help="where to write the export")
    p.add_argument("--force", action="store_true", help="replace FILE if it exists")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("email", help="print a follow-up email draft for one run")
    p.add_argument("run", metavar="RUN", help="a run number from `rehearse history`, or 'last'")
    p.add_argument("--json", action="store_true", help="print JSON (subject, body, blanks to fill in)")
    p.set_defaults(func=cmd_email)

    p = sub.add_parser("progress", help="progress across runs: best answers and trends per objection")
    p.add_argument("--scenario", metavar="FILE", default=None, help="only runs of this scenario file")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_progress)


class _store:
    """The history, opened for one command; on the way out, names any damaged row that was skipped (stderr)."""

    def __enter__(self):
        from rehearse.store import Store

        self.store = Store()
        return self.store

    def __exit__(self, *exc):
        self.store.close()
        for line in dict.fromkeys(self.store.skipped):
            print(f"rehearse: {line}", file=sys.stderr)


def resolve_run(store, text: str) -> int:
    """A run number or ``last``; UserError otherwise or when there is no such run."""
    if text.strip().lower() in ("last", "latest"):
        run_id = store.last_run_id()
        if run_id is None:
            raise UserError("there are no runs in the history yet: rehearse first with `rehearse run`")
        return run_id
    try:
        run_id = int(text)
    except ValueError:
        raise UserError(f"{text!r} is not a run number: use a number from `rehearse history`, or 'last'") from None
    store.run(run_id)  # UserError when missing
    return run_id


def _score(value) -> str:
    return "-" if value is None else f"{value:.0f}"


def cmd_history(args) -> int:
    if args.limit is not None and args.limit < 1:
        raise UserError(f"--limit must be at least 1 (got {args.limit})")
    with _store() as store:
        runs = store.runs()
    if args.limit is not None:
        runs = runs[: args.limit]
    if args.json:
        print_json([{**r, "date": r["started_at"]} for r in runs])
        return 0
    if not runs:
        print("No runs yet. Start one with `rehearse run SCENARIO`.")
        return 0
    rows = [("RUN", "DATE", "MODE", "SCORE", "STATUS", "OUTCOME", "SCENARIO")]
    for r in runs:
        rows.append((str(r["run_id"]), (r["started_at"] or "")[:16].replace("T", " "), r["mode"], _score(r["score"]),
                     r["status"], (r["outcome"] or "-").replace("_", " "), r["scenario"]))
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    for row in rows:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths)) + "  " + row[-1])
    return 0


def cmd_show(args) -> int:
    from rehearse.report.export import to_markdown

    with _store() as store:
        run = store.run(resolve_run(store, args.run))
    if args.json:
        print_json(run)
    else:
        sys.stdout.write(to_markdown(run))
    return 0


SUFFIX_FORMATS = {".md": "md", ".markdown": "md", ".html": "html", ".htm": "html", ".pdf": "pdf"}


def cmd_export(args) -> int:
    from rehearse.report.export import FORMATS, export_run

    out = Path(args.output)
    fmt = args.format or SUFFIX_FORMATS.get(out.suffix.lower())
    if fmt not in FORMATS:
        raise UserError(f"{out}: cannot tell the format from the file name; add --format md|html|pdf")
    from rehearse.fileio import check_target

    check_target(out, args.force)  # before opening the history
    with _store() as store:
        run = store.run(resolve_run(store, args.run))
    export_run(run, fmt, out, force=args.force)
    # write_atomic checked every byte went to disk before the rename (a device such as /dev/null has no size)
    size = out.stat().st_size if out.is_file() else None
    if args.json:
        print_json({"run_id": run["run_id"], "format": fmt, "path": str(out), "bytes": size})
    else:
        print(f"Wrote {out} ({fmt}" + (f", {size:,} bytes)" if size is not None else ")"))
    return 0


def _scenario_for(run: dict):
    """The run's scenario when its file is still there and valid (for names); None otherwise."""
    path = Path(run.get("scenario_path") or "")
    if not path.is_file():
        return None
    try:
        from rehearse.core.loader import load_scenario

        return load_scenario(path)
    except (UserError, OSError, ValueError):
        return None


def cmd_email(args) -> int:
    from rehearse.report.email import draft_email, email_text

    with _store() as store:
        run = store.run(resolve_run(store, args.run))
    draft = draft_email(run, _scenario_for(run))
    if args.json:
        print_json(draft)
        return 0
    sys.stdout.write(email_text(draft))
    if draft["blanks"]:
        print("\nBefore sending, fill in:", file=sys.stderr)
        for item in draft["blanks"]:
            print(f"  {item['blank']}: {item['why']}", file=sys.stderr)
    return 0


ARROWS = {"improving": "↑ better", "worse": "↓ worse", "steady": "→ steady", "mixed": "↕ mixed (latest not better)",
          "too few": "·"}


def cmd_progress(args) -> int:
    from rehearse.report.progress import progress

    # runs store the scenario's absolute path (rehearse run), so a relative --scenario must be made absolute too
    scenario_path = os.path.abspath(args.scenario) if args.scenario else None
    with _store() as store:
        report = progress(store, scenario_path)
    if args.json:
        print_json(report)
        return 0
    if not report["items"]:
        what = f" for {args.scenario}" if args.scenario else ""
        print(f"No answers stored{what} yet. Rehearse with `rehearse run SCENARIO` first.")
        return 0
    scenario = None
    for item in report["items"]:
        if item["scenario"] != scenario:
            scenario = item["scenario"]
            print(f"\n{scenario}")
        best = item["best"]
        print(f"  {item['label']}: {item['attempts']} attempt(s), latest {_score(item['latest']['score'])}, "
              f"best {_score(best['score']) if best else '-'}" + (f" (run {best['run_id']})" if best else ""))
        trends = item["trend"]
        print("    score " + ARROWS[trends["score"]["direction"]]
              + " | fillers/min " + ARROWS[trends["fillers_per_min"]["direction"]]
              + " | pace " + ARROWS[trends["pace"]["direction"]]
              + " | key phrases " + ARROWS[trends["coverage"]["direction"]])
        if best and best["credited"]["phrases"]:
            print("    best answer said: " + ", ".join(f"“{p}”" for p in best["credited"]["phrases"]))
        if best and best["heard"]:  # the recognizer's text, marked as such (fillers and flagged sentences left out)
            print(f"    best answer, as the recognizer heard it: “{best['heard']}”")
    low, high = report["pace_band"]
    print(f"\nPace is judged against {low:.0f}–{high:.0f} words a minute.")
    return 0
