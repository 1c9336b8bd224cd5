"""Subcommands: ``rehearse scenario validate|new`` and ``rehearse check`` (feedback on a typed answer)."""

from __future__ import annotations

import sys
from pathlib import Path

from rehearse.commands.output import print_json
from rehearse.errors import UserError
from rehearse.fileio import copy_atomic
from rehearse.paths import SCENARIOS

TEMPLATE = SCENARIOS / "promotion.toml"


def register(sub) -> None:
    """Add this module's subcommands to the rehearse parser."""
    scen = sub.add_parser("scenario", help="check or start a scenario file", description="Scenario files (TOML).")
    scen_sub = scen.add_subparsers(dest="scenario_command", metavar="SUBCOMMAND", required=True)

    val = scen_sub.add_parser(
        "validate",
        help="check a scenario file and list every problem",
        description="Check a scenario file. Exit 0 when it is good; otherwise print every problem "
        "(FILE:LINE: field.path: message) and exit 2.",
    )
    val.add_argument("file", metavar="FILE")
    val.add_argument("--json", action="store_true", help='print {"ok", "errors", "warnings"}')
    val.set_defaults(func=cmd_validate)

    new = scen_sub.add_parser(
        "new",
        help="start a new scenario from the template",
        description="Copy the scenario template (with blanks to fill in) to OUT. Refuses to overwrite.",
    )
    new.add_argument("out", metavar="OUT.toml")
    new.add_argument("--example", action="store_true", help="copy the filled-in Senior Engineer example instead")
    new.add_argument("--json", action="store_true", help='print {"path", "source"}')
    new.set_defaults(func=cmd_new)

    check = sub.add_parser(
        "check",
        help="feedback on a typed answer to one part of the pitch or an objection",
        description="Score a typed answer the way a spoken one is scored: key phrases, intent, evidence, framing, "
        "delivery, and the most useful next tip.",
    )
    check.add_argument("scenario", metavar="SCENARIO", help="scenario TOML file")
    check.add_argument("--part", required=True, help="intent | evidence | gaps | ask | pitch | objection:ID")
    check.add_argument("--text", required=True, help="the answer, as typed or as a recognizer printed it")
    check.add_argument("--json", action="store_true", help="print the feedback as JSON")
    check.set_defaults(func=cmd_check)


def cmd_validate(args) -> int:
    from rehearse.core.loader import validate_file

    report = validate_file(args.file)
    if args.json:
        print_json(report.to_dict())
    else:
        for problem in report.errors:
            print(problem, file=sys.stderr)
        for problem in report.warnings:
            print(f"{problem} (warning)", file=sys.stderr)
        if report.ok:
            s = report.scenario
            print(
                f"{args.file}: ok — {s.title!r}: {len(s.pitch.evidence.items)} evidence items, "
                f"{len(s.pitch.gaps.items)} gaps, {len(s.objections)} objections"
            )
        else:
            print(f"{args.file}: {len(report.errors)} problem(s)", file=sys.stderr)
    return 0 if report.ok else 2


def cmd_new(args) -> int:
    out = Path(args.out)
    source = SCENARIOS / "example-senior-engineer.toml" if args.example else TEMPLATE
    if out.exists():
        raise UserError(f"{out}: already exists; choose another name or remove it first")
    if not out.parent.exists():
        raise UserError(f"{out}: the folder {out.parent} does not exist")
    copy_atomic(source, out)  # complete or not at all; never through a symlink
    if args.json:
        print_json({"path": str(out), "source": str(source)})
        return 0
    if args.example:
        print(f"Wrote {out} from the filled-in example. Make it your own story, then run: "
              f"rehearse scenario validate {out}")
    else:
        print(f"Wrote {out} from the template. Fill in the <blanks>, then run: rehearse scenario validate {out}")
    return 0


def cmd_check(args) -> int:
    from rehearse.core.feedback import analyse
    from rehearse.core.loader import load_scenario
    from rehearse.core.transcript import Transcript

    scenario = load_scenario(args.scenario)
    feedback = analyse(scenario, scenario.answer_for(args.part), Transcript(text=args.text))
    if args.json:
        print_json(feedback.to_dict())
    else:
        print(feedback.to_text())
    return 0
