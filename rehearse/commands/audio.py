"""Subcommands: ``rehearse devices`` and ``rehearse record -o OUT.wav [--until-silence] [--seconds N] [--device D]``."""

from __future__ import annotations

import math
import signal
import sys
import threading
import time
from pathlib import Path

from rehearse.commands.output import print_json
from rehearse.errors import UserError

METER_WIDTH = 30
METER_FLOOR_DB = -60.0


def register(sub) -> None:
    """Add this module's subcommands to the rehearse parser."""
    p = sub.add_parser("devices", help="list the audio devices (microphones and speakers)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_devices)

    p = sub.add_parser("record", help="record the microphone to a WAV file (Ctrl+C stops and keeps the file)")
    p.add_argument("-o", "--output", required=True, metavar="OUT.wav", help="the WAV file to write (16 kHz mono)")
    p.add_argument("--until-silence", action="store_true",
                   help="stop when you have spoken and then stayed silent for --silence seconds")
    p.add_argument("--silence", type=float, default=1.5, metavar="S",
                   help="seconds of silence that end the recording with --until-silence (default 1.5)")
    p.add_argument("--seconds", type=float, metavar="N", help="stop after N seconds at most")
    p.add_argument("--device", metavar="D", help="input device: number or (part of) its name (see `rehearse devices`)")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.set_defaults(func=cmd_record)


def cmd_devices(args) -> int:
    from rehearse.speech.sources import list_devices

    devices = list_devices()
    if args.json:
        print_json(devices)
        return 0
    if not devices:
        print("No audio devices found.")
        return 0
    for dev in devices:
        flags = " ".join(f for f, on in (("default-in", dev["default_input"]), ("default-out", dev["default_output"]))
                         if on)
        print(f"{dev['index']:3}  {dev['name'][:40]:40}  in {dev['inputs']:2}  out {dev['outputs']:2}  "
              f"{dev['default_rate']:7.0f} Hz  {dev['hostapi'] or ''}  {flags}".rstrip())
    return 0


class Meter:
    """Level and progress on stderr: a redrawn line on a terminal, a line a second otherwise."""

    def __init__(self, header: str = "", stream=None):
        self.header = header
        from rehearse.speech.listener import LEVEL_STEP_S

        self.step_s = LEVEL_STEP_S
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.count = 0
        self.peak = -100.0
        self.shown_at = 0.0

    def level(self, db: float) -> None:
        if self.count == 0 and self.header:  # the microphone is open: say so
            self.stream.write(self.header + "\n")
        self.count += 1
        self.peak = max(self.peak, db)
        seconds = self.count * self.step_s
        if seconds - self.shown_at < (0.1 if self.tty else 1.0) - 1e-9:
            return
        self.shown_at = seconds
        filled = int(round(METER_WIDTH * (max(self.peak, METER_FLOOR_DB) - METER_FLOOR_DB) / -METER_FLOOR_DB))
        bar = "#" * filled + "-" * (METER_WIDTH - filled)
        line = f"{seconds:6.1f} s  [{bar}] {self.peak:6.1f} dBFS"
        self.peak = -100.0
        if self.tty:
            self.stream.write("\r" + line)
        else:
            self.stream.write(line + "\n")
        self.stream.flush()

    def done(self) -> None:
        if self.tty and self.count:
            self.stream.write("\n")
            self.stream.flush()


def cmd_record(args) -> int:
    from rehearse.speech.listener import listen
    from rehearse.speech.sources import MicrophoneSource

    out = Path(args.output).expanduser()
    if out.suffix.lower() != ".wav":
        raise UserError(f"{out}: the output must be a .wav file")
    if not out.parent.is_dir():
        raise UserError(f"{out}: the folder {out.parent} does not exist")
    if out.is_symlink() or (out.exists() and not out.is_file()):
        raise UserError(f"{out}: is a link, a folder or a special file (a FIFO would wait for a reader forever); "
                        "give the name of a plain file")
    if args.seconds is not None and not (0 < args.seconds < math.inf):  # also refuses nan
        raise UserError(f"--seconds must be more than 0 (got {args.seconds:g})")
    if not (0 < args.silence < math.inf):
        raise UserError(f"--silence must be more than 0 (got {args.silence:g})")
    source = MicrophoneSource(device=args.device)
    stop = threading.Event()
    how = "Ctrl+C stops"
    if args.until_silence:
        how = f"stops after {args.silence:g} s of silence; " + how
    if args.seconds:
        how = f"at most {args.seconds:g} s; " + how
    meter = Meter(f"Recording to {out} ({how}).")
    previous = _catch_ctrl_c(stop)
    try:
        heard = listen(source, None, out, silence_s=args.silence, max_s=args.seconds, stop_event=stop,
                       on_level=meter.level, until_silence=args.until_silence)
    finally:
        meter.done()
        if previous is not None:
            signal.signal(signal.SIGINT, previous)
    report = {
        "path": str(out),
        "duration": round(heard.duration, 3),
        "reason": heard.reason,
        "speech_start": heard.latency,
        "device": source.device_name,
        "device_rate": source.device_rate,
        "rate": source.rate,
    }
    if args.json:
        print_json(report)
    else:
        print(f"Recorded {heard.duration:.1f} s to {out} ({_why(heard.reason)}).")
    return 0


def _why(reason: str) -> str:
    return {"silence": "you stopped speaking", "stop": "stopped", "max": "time limit reached",
            "end": "the microphone ended"}.get(reason, reason)


def _catch_ctrl_c(stop: threading.Event):
    """First Ctrl+C ends the recording normally (the file is kept); a second one cancels at once."""
    if threading.current_thread() is not threading.main_thread():
        return None

    def handler(signum, frame):
        if stop.is_set():
            raise KeyboardInterrupt
        stop.set()

    return signal.signal(signal.SIGINT, handler)
