"""Subcommand: ``rehearse match`` — did the speaker say each prepared key phrase?"""

from __future__ import annotations

from rehearse.commands.output import print_json
from rehearse.errors import UserError


def register(sub) -> None:
    """Add this module's subcommands to the rehearse parser."""
    p = sub.add_parser(
        "match",
        help="check which key phrases a text contains",
        description="Report, for each key phrase, whether the text (what a recognizer heard) contains it. "
        "Tolerates recognizer styles (numbers as words or digits, punctuation, contractions, fillers, "
        "split or merged words, a misheard word) but not a different number, role or negation.",
    )
    p.add_argument("--text", required=True, help="what was said (a transcript)")
    p.add_argument("--phrase", action="append", required=True, metavar="PHRASE",
                   help="a key phrase to look for (repeat for several)")
    p.add_argument("--json", action="store_true",
                   help="print JSON: {\"matches\": [{phrase, hit, score, heard, start_word, end_word, ...}]}")
    p.set_defaults(func=run)


def run(args) -> int:
    from rehearse.core.matching import match_phrases

    from rehearse.core.normalize import tokenize

    phrases = [p for p in args.phrase]
    for phrase in phrases:
        if not phrase.strip():
            raise UserError("rehearse match: --phrase must not be empty")
        if not tokenize(phrase):  # only punctuation, or a script the matcher does not read: could never be heard
            raise UserError(f"rehearse match: --phrase {phrase!r} has no words to listen for")
    matches = match_phrases(args.text, phrases)
    if args.json:
        print_json({"matches": [m.to_dict() for m in matches]})
        return 0
    for m in matches:
        mark = "✓" if m.hit else "✗"
        line = f"{mark} {m.score:5.1f}  {m.phrase}"
        if m.hit:
            line += f"  — heard \"{m.heard}\" (words {m.start_word}–{m.end_word})"
            if m.negated:
                line += ", after a negation"
        elif m.near:
            line += f"  — not heard; closest \"{m.near}\" (words {m.near_start}–{m.near_end}): {m.reason}"
        else:
            line += "  — not heard"
        print(line)
    return 0
