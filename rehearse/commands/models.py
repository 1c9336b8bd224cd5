"""Subcommands: ``rehearse models list | install [NAME] | install --from ZIP | remove NAME | path``."""

from __future__ import annotations

import sys
import time

from rehearse.commands.output import print_json
from rehearse.errors import UserError


def register(sub) -> None:
    """Add this module's subcommands to the rehearse parser."""
    models = sub.add_parser("models", help="list, install and remove Vosk speech models")
    models.add_argument("--json", action="store_true", help="print JSON (with no ACTION: the list)")
    models.set_defaults(func=cmd_list)
    actions = models.add_subparsers(dest="action", metavar="ACTION")

    p = actions.add_parser("list", help="known and installed models (the default action)")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_list)

    p = actions.add_parser("install", help="download and install a model, or install one from a zip")
    p.add_argument("name", nargs="?", help="official model name (default: vosk-model-small-en-us-0.15)")
    p.add_argument("--from", dest="zip", metavar="ZIP", help="install from a zip you downloaded")
    p.add_argument("--url", metavar="BASE", help="download from this base address instead (env REHEARSE_MODEL_URL)")
    p.add_argument("--force", action="store_true", help="download again even if installed")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_install)

    p = actions.add_parser("remove", help="remove an installed or partly downloaded model")
    p.add_argument("name")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_remove)

    p = actions.add_parser("path", help="where models live and which one is used")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_path)


def _active() -> tuple[str | None, str | None]:
    from rehearse.speech.models import find_vosk_model

    try:
        found = find_vosk_model()
    except UserError as err:
        return None, str(err)
    return (str(found) if found else None), None


def cmd_list(args) -> int:
    from rehearse.paths import models_dir
    from rehearse.speech.models import list_models

    infos = list_models()
    active, problem = _active()
    if args.json:
        print_json({"models_dir": str(models_dir()), "active": active, "active_problem": problem,
                    "models": [i.to_dict() for i in infos]})
        return 0
    for info in infos:
        size = f"{info.size / 1e6:,.0f} MB" if info.size else "?"
        mark = "*" if info.path and info.path == active else " "
        status = info.status
        if info.downloaded_bytes is not None:
            status += f" ({info.downloaded_bytes / 1e6:,.1f} MB so far; install resumes)"
        print(f"{mark} {info.name:34} {status:14} {size:>8}  {info.description}")
        if info.problem:
            print(f"    {info.problem}")
    print(f"\nModels folder: {models_dir()}")
    print(f"In use: {active or problem or 'none (the built-in Whisper recognizer is used)'}")
    return 0


class ProgressBar:
    """A one-line progress bar on stderr: ``progress(done_bytes, total_bytes)``."""

    def __init__(self, label: str, stream=None):
        self.label = label
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.started = time.monotonic()
        self.last = 0.0
        self.step = -1

    def __call__(self, done: int, total: int) -> bool:
        now = time.monotonic()
        pct = int(done * 100 / total) if total else 0
        if self.tty:
            if now - self.last < 0.1 and done != total:
                return True
            rate = done / max(now - self.started, 1e-6) / 1e6
            bar = "#" * (pct // 4)
            self.stream.write(f"\r{self.label} [{bar:25}] {pct:3d}% {done / 1e6:7.1f}/{total / 1e6:.1f} MB "
                              f"{rate:5.1f} MB/s")
        elif pct // 25 != self.step:  # logs: a line every quarter
            self.stream.write(f"{self.label}: {pct}% ({done:,} of {total:,} bytes)\n")
            self.step = pct // 25
        self.last = now
        self.stream.flush()
        return True

    def close(self) -> None:
        if self.tty and self.last:
            self.stream.write("\n")
            self.stream.flush()


def cmd_install(args) -> int:
    from rehearse.speech import models

    if args.zip is not None and not args.zip.strip():
        raise UserError("--from: give the zip file's name")
    if args.zip and args.name:
        raise UserError("give either a model NAME or --from ZIP, not both")
    fetching = ProgressBar("Downloading" if not args.zip else "Unpacking")
    try:
        if args.zip:
            path = models.install_from_zip(args.zip, progress=fetching)
        else:
            path = models.install(args.name, progress=fetching, base_url=args.url, force=args.force)
    finally:
        fetching.close()
    if args.json:
        print_json({"name": path.name, "path": str(path), "status": "installed"})
    else:
        print(f"Installed {path.name} in {path}")
    return 0


def cmd_remove(args) -> int:
    from rehearse.speech.models import remove

    removed = remove(args.name)
    if args.json:
        print_json({"removed": [str(p) for p in removed]})
    else:
        for path in removed:
            print(f"Removed {path}")
    return 0


def cmd_path(args) -> int:
    from rehearse.paths import models_dir

    active, problem = _active()
    if args.json:
        print_json({"models_dir": str(models_dir()), "active": active, "active_problem": problem})
    else:
        print(models_dir())
        if problem:
            print(problem, file=sys.stderr)
    return 0
