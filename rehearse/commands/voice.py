"""Subcommands: ``rehearse say TEXT [-o OUT.wav] [--voice ID] [--rate WPM]`` and ``rehearse voices``."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
import time
from pathlib import Path

from rehearse.commands.output import print_json
from rehearse.errors import UserError
from rehearse.fileio import copy_atomic


def register(sub) -> None:
    """Add this module's subcommands to the rehearse parser."""
    p = sub.add_parser("say", help="speak a line with the manager's voice (or write it to a WAV file)")
    p.add_argument("text", nargs="+", help="what to say")
    p.add_argument("-o", "--output", metavar="OUT.wav", help="write the speech to this WAV file instead of playing")
    p.add_argument("--voice", metavar="ID",
                   help="piper:joe (the natural voice, default) or a system voice id, name or language code "
                        "(see `rehearse voices`)")
    p.add_argument("--rate", type=int, metavar="WPM",
                   help="speaking rate in words per minute (default: the voice's own, about 230 for joe, 200 for "
                        "system voices)")
    p.add_argument("--persona", choices=["supportive", "skeptical", "busy"],
                   help="speak with a manager persona's pace and pauses")
    p.add_argument("--device", help="sound output device (name or number) for playing")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_say)

    p = sub.add_parser("voices", help="list the text-to-speech voices (the natural voice and the system voices)")
    p.add_argument("--lang", help="only voices for this language (e.g. en)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_voices)


def cmd_say(args) -> int:
    from rehearse.speech.tts import Speaker, check_wav

    text = " ".join(args.text)
    with contextlib.ExitStack() as stack:
        return _say(args, text, _speaker(stack, Speaker, args.voice), check_wav)


def _speaker(stack: contextlib.ExitStack, Speaker, voice: str | None):
    """A Speaker caching in the data folder, or in a temporary folder when that cannot be written (read-only)."""
    try:
        speaker = Speaker(voice=voice)
        speaker.cache.mkdir(parents=True, exist_ok=True)
        if os.access(speaker.cache, os.W_OK):
            return speaker
    except (UserError, OSError):
        pass
    return Speaker(cache=Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="rehearse-tts-"))), voice=voice)


def _say(args, text: str, speaker, check_wav) -> int:
    from rehearse.speech.tts import persona_style

    if args.output is not None and not args.output.strip():
        raise UserError("-o/--output: give a file name (OUT.wav)")
    out = Path(args.output).expanduser() if args.output else None
    if out is not None and out.suffix.lower() != ".wav":
        raise UserError(f"{out}: the output must be a .wav file")
    if out is not None and not out.parent.is_dir():
        raise UserError(f"{out}: the folder {out.parent} does not exist")
    speaker.on_notice = lambda message: print(f"Note: {message}", file=sys.stderr)
    style = persona_style(getattr(args, "persona", None))
    try:
        cached = speaker.cached_path(text, None, args.rate, style).is_file()
        started = time.monotonic()
        if out is None:
            device = int(args.device) if args.device and args.device.isdigit() else args.device
            speaker.speak(text, rate=args.rate, style=style, device=device)
        wav = speaker.synthesize(text, rate=args.rate, style=style)  # from the cache once spoken
        seconds = time.monotonic() - started
    finally:
        speaker.close()
    info = check_wav(wav)
    if out is not None:
        copy_atomic(wav, out, force=True)  # complete or not at all, never through a symlink
    voice = "system" if speaker.notice else (args.voice or "piper:joe")
    report = {"text": text, "path": str(out or wav), "voice": voice, "cached": cached,
              "synthesis_seconds": round(seconds, 3), "duration": round(info["frames"] / info["sample_rate"], 3),
              **info}
    if out is None and speaker.first_audio_s is not None:
        report["first_audio_seconds"] = round(speaker.first_audio_s, 3)
    if speaker.notice:
        report["notice"] = speaker.notice
    if args.json:
        print_json(report)
    elif out is not None:
        print(f"Wrote {out} ({report['duration']:.1f} s of speech)")
    return 0


def cmd_voices(args) -> int:
    from rehearse.speech.tts import Speaker

    voices = Speaker().voices()
    if args.lang:
        want = args.lang.lower()
        voices = [v for v in voices if any(lang.lower() == want or lang.lower().startswith(want + "-")
                                           for lang in v.languages)]
    if args.json:
        print_json([v.to_dict() for v in voices])
        return 0
    if not voices and args.lang:
        print(f"No voices for language {args.lang!r}; `rehearse voices` lists them all.", file=sys.stderr)
    for voice in voices:
        kind = "natural" if voice.kind == "piper" else "system"
        print(f"{voice.id:24} {kind:8} {voice.name:40} {', '.join(voice.languages)}")
    return 0
