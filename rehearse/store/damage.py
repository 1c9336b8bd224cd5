"""What counts as damage in the history database, and what does not.

Only real damage is damage: a file that is not a database, pages that fail ``PRAGMA quick_check``, a lost table or
column, or a row whose values cannot be read. A full disk, a read-only folder, a lock held by another program are
not damage and get their own message. One unreadable row is skipped and named; the rest of the history stays usable.
"""

from __future__ import annotations

import hashlib
import json
import math
import shutil
import sqlite3
from datetime import datetime, timezone
from pathlib import Path

from rehearse.errors import UserError
from rehearse.fileio import why
from rehearse.store.migrations import migrate

class DamagedDatabase(UserError):
    """The history file is not a usable SQLite database. ``path`` and ``backup`` name the two files."""

    def __init__(self, path: Path, backup: Path, reason: str):
        self.path, self.backup, self.reason = path, backup, reason
        super().__init__(
            f"{path}: the history database is damaged ({reason}).\n"
            f"A copy was saved as {backup}. Nothing was deleted.\n"
            f"To start a fresh history, move {path} away; to try to rescue it: "
            f"sqlite3 {backup} .recover | sqlite3 recovered.sqlite3"
        )


class ReadOnlyHistory(UserError):
    """The history can be read but not written: its folder is on a read-only file system (or not writable)."""


class BadText(bytes):
    """A stored text value that is not UTF-8 (what the connection's text_factory returns for it)."""


def decode_text(raw: bytes):
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return BadText(raw)


class BadRow(Exception):
    """One stored row that cannot be read; ``str()`` says which field and why."""


# SQLite errors that say something about the disk or the folder, not about the database's contents
_NOT_DAMAGE = (("disk is full", "the disk is full"), ("readonly", "the history folder is read-only"),
               ("read-only", "the history folder is read-only"), ("unable to open", "the file cannot be opened"),
               ("disk i/o error", "the disk reported an input/output error"), ("locked", "it is locked by another "
               "program"), ("busy", "it is busy (used by another program)"), ("out of memory", "out of memory"))


def not_damage(err: Exception) -> str | None:
    text = str(err).lower()
    return next((plain for key, plain in _NOT_DAMAGE if key in text), None)


REQUIRED_TABLES = ("runs", "turns", "drill_cards")
_expected_columns: dict[str, list[str]] = {}


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [str(r[1]) for r in conn.execute(f"PRAGMA table_info({table})")]


def check_schema(conn: sqlite3.Connection) -> None:
    """Raise sqlite3.DatabaseError naming a missing table or column (a schema damaged or edited by hand)."""
    if not _expected_columns:
        fresh = sqlite3.connect(":memory:", isolation_level=None)
        migrate(fresh)
        _expected_columns.update({t: _columns(fresh, t) for t in REQUIRED_TABLES})
        fresh.close()
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    missing = [t for t in REQUIRED_TABLES if t not in tables]
    if missing:
        raise sqlite3.DatabaseError(f"the table{'s' if len(missing) > 1 else ''} {', '.join(missing)} "
                                    f"{'are' if len(missing) > 1 else 'is'} missing")
    for table, expected in _expected_columns.items():
        have = set(_columns(conn, table))
        lost = [c for c in expected if c not in have]
        if lost:
            raise sqlite3.DatabaseError(f"the table {table} has lost its column(s) {', '.join(lost)}")


def check_row(row: sqlite3.Row, numbers: tuple[str, ...], json_fields: tuple[str, ...] = ()) -> None:
    """Raise BadRow when a value of ``row`` cannot be read: text that is not UTF-8, a score or number that
    is not a number, JSON that is not JSON."""
    for key in row.keys():
        if isinstance(row[key], BadText):
            raise BadRow(f"its {key} is not readable text")
    for key in numbers:
        if key in row.keys() and row[key] is not None and (
                isinstance(row[key], (str, bytes)) or not math.isfinite(row[key])):
            raise BadRow(f"its {key} is not a number ({str(row[key])[:20]!r})")
    for key in json_fields:
        if row[key]:
            try:
                json.loads(row[key])
            except ValueError:
                raise BadRow(f"its {key} is not valid stored data") from None


def back_up(path: Path) -> Path:
    """Copy the damaged file (and its WAL) aside; reuse an identical earlier copy rather than pile them up."""
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    for earlier in sorted(path.parent.glob(path.name + ".damaged-*")):
        if not earlier.name.endswith("-wal") and hashlib.sha256(earlier.read_bytes()).hexdigest() == digest:
            return earlier
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
    backup = path.with_name(f"{path.name}.damaged-{stamp}")
    try:
        shutil.copy2(path, backup)
        wal = path.with_name(path.name + "-wal")
        if wal.exists():
            shutil.copy2(wal, backup.with_name(backup.name + "-wal"))
    except OSError as err:
        backup.unlink(missing_ok=True)
        raise UserError(f"{path}: the history database is damaged, and no copy could be saved beside it "
                        f"({why(err)}). Nothing was changed; copy the file somewhere safe before anything else."
                        ) from None
    return backup
