"""The history database's schema, as numbered steps.

``MIGRATIONS[n - 1]`` takes a database from schema version ``n - 1`` to ``n`` (version 0 is an empty file).
The version lives in ``PRAGMA user_version``. Steps are only ever appended: a released step is never edited.
Each step is SQL (several statements) or a function taking the connection.
"""

from __future__ import annotations

import sqlite3
from typing import Callable, Union

Step = Union[str, Callable[[sqlite3.Connection], None]]

V1_RUNS_TURNS_DRILLS = """
CREATE TABLE runs (
    id             INTEGER PRIMARY KEY,
    started_at     TEXT NOT NULL,
    finished_at    TEXT,
    scenario_path  TEXT NOT NULL,
    scenario_title TEXT NOT NULL,
    target_role    TEXT NOT NULL DEFAULT '',
    mode           TEXT NOT NULL,
    persona        TEXT NOT NULL DEFAULT '',
    seed           INTEGER,
    engine         TEXT,
    complete       INTEGER NOT NULL DEFAULT 0,
    outcome        TEXT,
    score          REAL,
    summary        TEXT
);
CREATE TABLE turns (
    id         INTEGER PRIMARY KEY,
    run_id     INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    idx        INTEGER NOT NULL,
    role       TEXT NOT NULL CHECK (role IN ('manager', 'user')),
    text       TEXT NOT NULL,
    expects    TEXT,
    audio_path TEXT,
    transcript TEXT,
    feedback   TEXT,
    latency    REAL,
    score      REAL,
    UNIQUE (run_id, idx)
);
CREATE TABLE drill_cards (
    scenario_key TEXT NOT NULL,
    objection_id TEXT NOT NULL,
    card         TEXT NOT NULL,
    score        REAL,
    updated_at   TEXT NOT NULL,
    PRIMARY KEY (scenario_key, objection_id)
);
"""

# Version 2: when each turn was stored (for pace over time and for "killed at"), how often each drill card was
# practised, and an index for progress queries over user turns.
V2_TIMES_AND_COUNTS = """
ALTER TABLE turns ADD COLUMN created_at TEXT;
ALTER TABLE drill_cards ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
UPDATE drill_cards SET attempts = 1;
CREATE INDEX turns_by_expects ON turns(role, expects);
"""

MIGRATIONS: list[Step] = [
    V1_RUNS_TURNS_DRILLS,
    V2_TIMES_AND_COUNTS,
]

SCHEMA_VERSION = len(MIGRATIONS)


def _split(sql: str) -> list[str]:
    """Split a migration script into statements (our scripts have no semicolons inside literals)."""
    return [part.strip() for part in sql.split(";") if part.strip()]


def migrate(conn: sqlite3.Connection, target: int = SCHEMA_VERSION) -> tuple[int, int]:
    """Bring ``conn`` up to schema ``target``, one step per transaction. Returns (from_version, to_version).

    The connection must be in autocommit mode (``isolation_level=None``) so that BEGIN/COMMIT here are the only
    transaction control. A failing step is rolled back whole and the version stays where it was.
    """
    start = conn.execute("PRAGMA user_version").fetchone()[0]
    while True:
        # Re-read the version inside the write lock: another process may have migrated meanwhile.
        conn.execute("BEGIN IMMEDIATE")
        try:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version >= target:
                conn.execute("COMMIT")
                return start, version
            step = MIGRATIONS[version]
            if callable(step):
                step(conn)
            else:
                for statement in _split(step):
                    conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {version + 1}")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
