"""Subcommands: play (a stored run's recordings, words following the sound), cheatsheet (one page per scenario)."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from rehearse.commands.output import print_json
from rehearse.errors import UserError


def register(sub) -> None:
    p = sub.add_parser("play", help="play a stored run back: the manager's lines and your recorded answers, "
                                    "printing each word as it is heard")
    p.add_argument("run", metavar="RUN", help="a run number from `rehearse history`, or 'last'")
    p.add_argument("turn", metavar="TURN", nargs="?", type=int, default=None,
                   help="only this turn (its number, as in recordings/RUN/turn-NN.wav); default: the whole run")
    p.add_argument("--from", dest="start", type=float, default=0.0, metavar="SECONDS",
                   help="start this many seconds into the turn (with TURN)")
    p.add_argument("--answers-only", action="store_true", help="skip the manager's lines")
    p.add_argument("--device", default=None,
                   help="output device (number or name; see `rehearse devices`); default: the one chosen in the "
                        "app's Settings for the manager's voice, else the system's")
    p.add_argument("--json", action="store_true", help="print what was played as JSON at the end")
    p.set_defaults(func=cmd_play)

    p = sub.add_parser("cheatsheet", help="one page for the meeting: your best answer so far to each part and "
                                          "objection, beside what you prepared (PDF or HTML)")
    p.add_argument("scenario", metavar="SCENARIO", help="the scenario file")
    p.add_argument("-o", "--output", metavar="FILE", required=True, help="where to write it (.pdf or .html)")
    p.add_argument("--force", action="store_true", help="replace FILE if it exists")
    p.add_argument("--format", choices=("pdf", "html"), default=None, help="default: from the file name")
    p.add_argument("--json", action="store_true", help="print JSON (the sheet's content and the file written)")
    p.set_defaults(func=cmd_cheatsheet)


def _device(text: str | None):
    if text is None:
        return None
    return int(text) if text.strip().isdigit() else text


def _follow(player, words, out) -> None:
    """Print each word when its start is heard; return when playback ends."""
    from rehearse.speech.player import PLAYING

    shown = 0
    timed = [w for w in words if w.start is not None]
    while player.state == PLAYING:
        position = player.position
        while shown < len(timed) and timed[shown].start <= position:
            out.write(("" if shown == 0 else " ") + timed[shown].text)
            out.flush()
            shown += 1
        time.sleep(0.03)
    for word in timed[shown:]:
        out.write(("" if shown == 0 else " ") + word.text)
        shown += 1
    out.write("\n")
    out.flush()


def cmd_play(args) -> int:
    from rehearse.commands.history import resolve_run
    from rehearse.report.timed_words import timed_words
    from rehearse.speech.player import Player
    from rehearse.report import marks
    from rehearse.store import Store

    with Store() as store:
        run = store.run(resolve_run(store, args.run))
    turns = run["turns"]
    if args.turn is not None:
        turns = [t for t in turns if t["index"] == args.turn]
        if not turns:
            known = ", ".join(str(t["index"]) for t in run["turns"]) or "none"
            raise UserError(f"run {run['run_id']} has no turn {args.turn} (its turns: {known})")
        if turns[0]["role"] == "user" and not turns[0]["audio_exists"]:
            raise UserError(f"turn {args.turn} of run {run['run_id']} has no recording "
                            f"({'typed answer' if not turns[0]['audio'] else 'missing file ' + turns[0]['audio']})")
    elif args.start:
        raise UserError("--from needs a TURN: the seconds are counted from the start of one turn")
    out = sys.stderr if args.json else sys.stdout
    device = args.device
    if device is None:  # the output chosen in the app's Settings for the manager's voice, else the default
        from rehearse.preferences import load_preferences

        device = load_preferences().output_device
    player = Player(device=_device(device))
    speaker = None
    played = []
    try:
        for turn in turns:
            if turn["role"] == "manager":
                if args.answers_only:
                    continue
                out.write(f"Manager: {turn['text']}\n")
                out.flush()
                if speaker is None:
                    from rehearse.speech.tts import Speaker

                    speaker = Speaker()
                try:
                    path = speaker.synthesize(turn["text"])
                except UserError as err:  # no voice: the line was printed
                    out.write(f"  (not spoken: {err})\n")
                    continue
                player.load(path)
                player.play(0.0)
                player.wait()
                played.append({"turn": turn["index"], "role": "manager", "path": str(path),
                               "duration": round(player.duration, 2)})
                continue
            if not turn["audio_exists"]:
                out.write(f"You (turn {turn['index']}, no recording): {marks.turn_text(turn)}\n")
                continue
            player.load(turn["audio"])
            start = args.start if args.turn is not None else 0.0
            if start >= player.duration:
                raise UserError(f"--from {start:g}: the recording is only {player.duration:.1f} s long")
            out.write(f"You (turn {turn['index']}, {player.duration:.1f} s): ")
            out.flush()
            words = [w for w in timed_words(marks.turn_text(turn), turn.get("transcript"))
                     if w.start is None or w.start >= start - 0.01]
            player.play(start)
            _follow(player, words, out)
            played.append({"turn": turn["index"], "role": "user", "path": turn["audio"], "from": start,
                           "duration": round(player.duration, 2)})
    finally:
        player.close()
    if args.json:
        print_json({"run_id": run["run_id"], "played": played})
    return 0


def _same_file(a: str, b: Path) -> bool:
    try:
        return bool(a) and Path(a).resolve() == b
    except OSError:
        return False


def cmd_cheatsheet(args) -> int:
    from rehearse.core.loader import load_scenario
    from rehearse.report.cheatsheet import cheatsheet, write_cheatsheet
    from rehearse.store import Store

    scenario = load_scenario(args.scenario)
    target = Path(args.scenario).resolve()
    out = Path(args.output)
    fmt = args.format or {".html": "html", ".htm": "html", ".pdf": "pdf"}.get(out.suffix.lower())
    if fmt is None:
        raise UserError(f"{out}: cannot tell the format from the file name; use .pdf or .html, or --format")
    with Store() as store:
        turns = [t for t in store.user_turns() if _same_file(t.get("scenario_path") or "", target)]
    sheet = cheatsheet(scenario, turns)
    write_cheatsheet(sheet, out, fmt, force=args.force)
    if args.json:
        print_json({"path": str(out), "format": fmt, "bytes": out.stat().st_size if out.is_file() else None,
                    "sheet": sheet})
    else:
        answered = sum(1 for s in sheet["sections"] if s["best"])
        print(f"Wrote {out} ({fmt}, {answered} of {len(sheet['sections'])} parts and objections answered so far)")
    return 0
