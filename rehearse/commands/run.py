"""Subcommands: ``rehearse run`` — a rehearsal from the command line (pitch, drill or read-aloud)."""

from __future__ import annotations

import argparse
import math
import os
import sys

from rehearse.commands.output import print_json
from rehearse.core.analysers.denial import how_said
from rehearse.session.events import Event

REALTIME_ENV = "REHEARSE_ANSWERS_REALTIME"  # "1": answer files are read at speaking pace (tests of a killed run)


def register(sub) -> None:
    """Add this module's subcommands to the rehearse parser."""
    p = sub.add_parser(
        "run",
        help="rehearse out loud: the pitch conversation, objection drills, or reading aloud",
        description="Rehearse out loud. Without --answers it listens to the microphone and speaks the manager; "
                    "with --answers the WAV files are the user's answers, in order (when they run out before the "
                    "conversation ends, the run is stored as incomplete).",
    )
    p.add_argument("scenario", metavar="SCENARIO", help="the scenario file (TOML)")
    p.add_argument("--mode", choices=("pitch", "drill", "read"), default="pitch",
                   help="pitch: the conversation; drill: objections with spaced repetition; read: read aloud")
    p.add_argument("--answers", nargs="+", metavar="WAV", help="WAV files to use as the answers, in order")
    p.add_argument("--engine", choices=("auto", "whisper", "vosk"),
                   help="speech recognizer (default: as chosen in the app's Settings, else auto)")
    p.add_argument("--seed", type=int, help="seed for the manager's choices (same seed, same conversation)")
    p.add_argument("--persona", choices=("supportive", "skeptical", "busy"),
                   help="the manager's persona (default: the scenario's)")
    p.add_argument("--by-part", action="store_true", help="pitch: give intent, evidence, gaps and ask one by one")
    p.add_argument("--items", type=int, metavar="N",
                   help="drill/read: how many to serve (default: all due objections, at least 3; all sentences)")
    p.add_argument("--no-speak", action="store_true", help="print the manager's lines instead of speaking them")
    p.add_argument("--device", metavar="D",
                   help="microphone: number or (part of) its name (see `rehearse devices`; default: the one chosen "
                        "in the app's Settings, else the system's)")
    p.add_argument("--silence", type=float, metavar="S",
                   help="seconds of silence that end a spoken answer (default: Settings, else 1.5)")
    p.add_argument("--voice", metavar="V", help="the manager's voice (see `rehearse voices`; default: Settings)")
    p.add_argument("--rate", type=int, metavar="WPM", help="the manager's words a minute (default: Settings)")
    p.add_argument("--json", action="store_true", help="print the run as JSON at the end")
    p.add_argument("--answers-realtime", action="store_true", help=argparse.SUPPRESS)
    p.set_defaults(func=cmd_run)


def cmd_run(args) -> int:
    from rehearse.core.loader import load_scenario
    from rehearse.session.conversation import Session
    from rehearse.session.drive import Drive
    from rehearse.speech.sources import parse_device
    from rehearse.speech.audio import iter_samples
    from rehearse.speech.recognizer import resolve_engine, usable_engine
    from rehearse.store.db import Store
    from rehearse.errors import UserError

    apply_preferences(args)
    scenario = load_scenario(args.scenario)
    if args.answers:
        for path in args.answers:
            if path.strip() and not os.path.exists(path):
                raise UserError(f"{path}: no such answer file")
            for _block in iter_samples(path):  # a UserError now, before the run starts, when it is not usable
                pass
    if args.items is not None and args.items < 1:
        raise UserError("--items must be at least 1")
    if args.seed is not None and not -(2**63) <= args.seed < 2**63:  # it is stored with the run (SQLite: 64 bits)
        raise UserError(f"--seed {args.seed}: too large; use a whole number of at most 18 digits")
    if not (0 < args.silence < math.inf):  # also refuses nan
        raise UserError(f"--silence must be a number of seconds more than 0 (got {args.silence:g})")
    if args.rate is not None and not 60 <= args.rate <= 500:
        raise UserError(f"--rate {args.rate}: give words per minute between 60 and 500")
    resolve_engine(args.engine)  # no Vosk model for --engine vosk: say so before a run is stored
    args.engine, notice = usable_engine(args.engine)  # a broken Vosk model: fall back to the built-in recognizer
    if notice:
        print(f"rehearse: {notice}", file=sys.stderr)
    store = Store()
    session = Session(scenario, args.mode, store=store, persona=args.persona, seed=args.seed,
                      by_part=args.by_part, engine=args.engine, scenario_path=os.path.abspath(args.scenario),
                      max_items=args.items)
    realtime = args.answers_realtime or os.environ.get(REALTIME_ENV) == "1"
    printer = ConversationPrinter(sys.stderr if args.json else sys.stdout, quiet=args.json)
    drive = Drive(session, answers=args.answers, engine=args.engine, speak=not args.no_speak,
                  realtime=realtime, silence_s=args.silence, on_event=printer, device=args.device,
                  voice_options=lambda: {"voice": args.voice, "rate": args.rate,
                                         "device": parse_device(args.output_device)})
    summary = drive.run()
    if args.json:
        print_json(run_json(session, summary))
    return 0


def apply_preferences(args) -> None:
    """Fill what the flags leave open from the app's Settings (the same defaults as the app), else the built-ins."""
    from rehearse.preferences import load_preferences

    prefs = load_preferences()
    args.engine = args.engine or prefs.engine
    args.silence = prefs.silence_s if args.silence is None else args.silence
    args.device = args.device if args.device is not None else prefs.input_device
    args.voice = args.voice if args.voice is not None else prefs.voice
    args.rate = args.rate if args.rate is not None else prefs.rate
    args.output_device = prefs.output_device


def run_json(session, summary: dict) -> dict:
    return {
        "run_id": session.run_id,
        "mode": session.mode,
        "complete": session.complete,
        "outcome": session.outcome,
        "turns": [
            {"index": t["index"], "role": t["role"], "text": t["text"], "expects": t["answer_for"].to_str(),
             "audio": t["audio"], "feedback": t["feedback"] and t["feedback"].to_dict(), "latency": t.get("latency"),
             "transcript": t["transcript"].to_dict() if t.get("transcript") else None}
            for t in session.turns
        ],
        "summary": summary,
    }


class ConversationPrinter:
    """Prints the conversation as it goes: the manager's lines, what was heard, the score and the tip."""

    def __init__(self, out, quiet: bool = False):
        self.out = out
        self.quiet = quiet

    def say(self, text: str = "") -> None:
        print(text, file=self.out, flush=True)

    def __call__(self, event: Event) -> None:
        d = event.data
        if event.kind == "tts_unavailable":
            print(f"(the manager's voice is unavailable: {d['message']}; printing the lines)", file=sys.stderr)
            return
        if event.kind == "voice_notice":
            print(f"Note: {d['message']}", file=sys.stderr)
            return
        if self.quiet:
            return
        if event.kind == "started":
            self.say(f"Run {d['run_id']} — {d['mode']}, {d['persona']} manager (seed {d['seed']})")
        elif event.kind == "prompt":
            who = "Manager" if d["speaker"] == "manager" else "Read aloud"
            self.say(f"\n{who}: {d['text']}")
        elif event.kind == "listening" and d["source"] == "microphone":
            self.say("  (listening — speak now; a pause ends your answer)")
        elif event.kind == "heard":
            self.say(f"You: {d['text'] or '(nothing heard)'}")
        elif event.kind == "feedback":
            self._feedback(d["feedback"].to_dict())
        elif event.kind == "stopped":
            self.say(f"\n(stopped: {d['reason']}; the run is stored as incomplete)")
        elif event.kind == "finished":
            score = "—" if d.get("score") is None else f"{d['score']:.0f}/100"
            outcome = f", outcome: {d['outcome'].replace('_', ' ')}" if d.get("outcome") else ""
            self.say(f"\nDone: score {score}{outcome}{'' if d.get('complete') else ' (incomplete)'}")
            if d.get("practice"):
                self.say(f"Words to practise: {', '.join(d['practice'])}")

    def _feedback(self, fb: dict) -> None:
        hits = [m["phrase"] for m in fb.get("key_phrases", []) if m.get("hit")]
        misses = [m["phrase"] + (f" (said, but {how_said(m['denied'])})" if m.get("denied") else "")
                  for m in fb.get("key_phrases", []) if not m.get("hit")]
        line = f"  score {fb.get('score', 0):.0f}/100"
        if hits:
            line += f" · said: {'; '.join(hits)}"
        if misses:
            line += f" · missing: {'; '.join(misses)}"
        self.say(line)
        if fb.get("practice"):
            self.say(f"  practise: {', '.join(fb['practice'])}")
        if fb.get("tip"):
            self.say(f"  tip: {fb['tip']}")
