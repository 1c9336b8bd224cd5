"""Opening the history database: create or migrate it, tell damage from a read-only folder or a full disk.

A folder that cannot be written (a read-only file system) is opened read-only (``mode=ro``; ``immutable`` when
SQLite cannot make its WAL index there): reading works, and the store refuses writes with a message saying why.
"""

from __future__ import annotations

import os
import sqlite3
import urllib.parse
from pathlib import Path

from rehearse.errors import UserError
from rehearse.store.damage import DamagedDatabase, ReadOnlyHistory, back_up, check_schema, decode_text, not_damage
from rehearse.store.migrations import SCHEMA_VERSION, migrate


def _writable(path: Path) -> bool:
    """Can we write in the history's folder (and its file)? os.access also sees a read-only file system."""
    if not os.access(path.parent, os.W_OK):
        return False
    return not path.exists() or os.access(path, os.W_OK)


def _connect(path: Path, read_only: bool) -> sqlite3.Connection:
    if not read_only:
        return sqlite3.connect(path, isolation_level=None, timeout=15, check_same_thread=False)
    # WAL needs its -shm file; on a read-only file system "immutable" reads the file as it is on disk
    uri = "file:" + urllib.parse.quote(str(path.resolve())) + "?mode=ro"
    conn = sqlite3.connect(uri, uri=True, isolation_level=None, timeout=15, check_same_thread=False)
    try:
        conn.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
    except sqlite3.OperationalError:
        conn.close()
        conn = sqlite3.connect(uri + "&immutable=1", uri=True, isolation_level=None, timeout=15,
                               check_same_thread=False)
    return conn


def open_history(path: Path) -> tuple[sqlite3.Connection, bool]:
    """Open (creating or migrating) the history database at ``path``; returns (connection, read_only).

    Raises DamagedDatabase for real damage (after copying the file aside), ReadOnlyHistory when a read-only folder
    holds no usable history, UserError for a file that is in the way, busy or on a full disk.
    """
    if path.is_dir():
        raise UserError(f"{path}: expected the history database file, found a folder")
    if path.exists() and not path.is_file():
        raise UserError(f"{path}: expected the history database file, found a special file (a FIFO or "
                        "a device); move it away")
    existed = path.exists() and path.stat().st_size > 0
    read_only = not _writable(path)
    if read_only and not existed:
        raise ReadOnlyHistory(f"{path.parent}: the data folder is read-only, so there is no history yet and none "
                              "can be stored; set REHEARSE_HOME to a folder you can write")
    try:
        conn = _connect(path, read_only)
    except sqlite3.Error as err:
        raise UserError(f"{path}: cannot open the history database: {err}") from None
    conn.text_factory = decode_text  # a value that is not UTF-8 marks its row as damaged instead of failing the read
    try:
        if existed:
            rows = conn.execute("PRAGMA quick_check").fetchall()
            if [r[0] for r in rows] != ["ok"]:
                raise sqlite3.DatabaseError("; ".join(str(r[0]) for r in rows[:3]))
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            conn.close()
            raise UserError(
                f"{path}: this history was written by a newer version of Rehearse "
                f"(schema {version}; this version knows up to {SCHEMA_VERSION}). Update Rehearse to open it."
            )
        if read_only:
            if version < SCHEMA_VERSION:
                conn.close()
                raise ReadOnlyHistory(f"{path}: this history needs updating to this version of Rehearse, "
                                      "and its folder is read-only; open it once where it can be written")
        else:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("PRAGMA foreign_keys=ON")
            migrate(conn)
        if existed:
            check_schema(conn)
    except (sqlite3.DatabaseError, UnicodeDecodeError) as err:
        # (SQLite's own message about a damaged schema can hold bytes that are not UTF-8)
        conn.close()
        plain = not_damage(err) if isinstance(err, sqlite3.OperationalError) else None
        if plain and "locked" in str(err) or plain and "busy" in str(err):
            raise UserError(f"{path}: the history database is busy (locked by another program)") from None
        if plain:
            raise UserError(f"{path}: cannot open the history database: {plain} ({err})") from None
        raise DamagedDatabase(path, back_up(path), str(err)) from None
    conn.row_factory = sqlite3.Row
    return conn, read_only
