"""The history: every run, every turn, and the drill schedule, in one SQLite file.

``Store(path=None)`` opens ``data_dir()/history.sqlite3`` (``REHEARSE_HOME`` overrides), creating or migrating it.
It uses WAL and ``synchronous=FULL``: each ``add_turn`` is committed before it returns, so a run killed mid-answer
keeps its finished turns. A damaged file is copied aside and reported (``UserError``), never replaced. The
connection may be used from several threads (calls are serialised).

Run status: ``"complete"`` (finished and reached an outcome), ``"incomplete"`` (finished early, e.g. the answers
ran out), ``"running"`` (not finished, and the process that started it is still alive and holds the run's lock),
``"interrupted"`` (never finished: killed or crashed, or closed without ``finish_run``).
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import threading
from datetime import datetime, timezone
from pathlib import Path

from rehearse.errors import UserError
from rehearse.paths import data_dir
from rehearse.store import recordings
from rehearse.store.migrations import SCHEMA_VERSION, migrate

DB_NAME = "history.sqlite3"
ROLES = ("manager", "user")


def now_iso() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


def _as_dict(value):
    """Accept a dict, None, or an object with ``to_dict()`` (Transcript, Feedback)."""
    if value is None or isinstance(value, dict):
        return value
    if hasattr(value, "to_dict"):
        return value.to_dict()
    raise TypeError(f"expected a dict or an object with to_dict(), got {type(value).__name__}")


def _dumps(value) -> str | None:
    value = _as_dict(value)
    return None if value is None else json.dumps(value, ensure_ascii=False)


def _loads(text: str | None):
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None


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


class Store:
    def __init__(self, path: Path | str | None = None):
        self.path = Path(path) if path is not None else data_dir() / DB_NAME
        self.dir = self.path.parent
        self.dir.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._live: dict[int, int | None] = {}  # run_id -> lock fd, for runs this Store started and not finished
        self._conn = self._open()

    # ----------------------------------------------------------------- opening, damage, migrations
    def _open(self) -> sqlite3.Connection:
        if self.path.exists() and not self.path.is_file():
            raise UserError(f"{self.path}: expected the history database file, found a folder")
        existed = self.path.exists() and self.path.stat().st_size > 0
        try:
            conn = sqlite3.connect(self.path, isolation_level=None, timeout=15, check_same_thread=False)
        except sqlite3.Error as err:
            raise UserError(f"{self.path}: cannot open the history database: {err}") from None
        try:
            if existed:
                rows = conn.execute("PRAGMA quick_check").fetchall()
                if [r[0] for r in rows] != ["ok"]:
                    raise sqlite3.DatabaseError("; ".join(str(r[0]) for r in rows[:3]))
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            if version > SCHEMA_VERSION:
                conn.close()
                raise UserError(
                    f"{self.path}: this history was written by a newer version of Rehearse "
                    f"(schema {version}; this version knows up to {SCHEMA_VERSION}). Update Rehearse to open it."
                )
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("PRAGMA foreign_keys=ON")
            migrate(conn)
        except sqlite3.DatabaseError as err:
            conn.close()
            if isinstance(err, sqlite3.OperationalError) and "locked" in str(err):
                raise UserError(f"{self.path}: the history database is busy (locked by another program)") from None
            raise DamagedDatabase(self.path, self._back_up_damaged(), str(err)) from None
        conn.row_factory = sqlite3.Row
        return conn

    def _back_up_damaged(self) -> Path:
        """Copy the damaged file (and its WAL) aside; reuse an identical earlier copy rather than pile them up."""
        digest = hashlib.sha256(self.path.read_bytes()).hexdigest()
        for earlier in sorted(self.dir.glob(self.path.name + ".damaged-*")):
            if not earlier.name.endswith("-wal") and hashlib.sha256(earlier.read_bytes()).hexdigest() == digest:
                return earlier
        stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%fZ")
        backup = self.path.with_name(f"{self.path.name}.damaged-{stamp}")
        shutil.copy2(self.path, backup)
        wal = self.path.with_name(self.path.name + "-wal")
        if wal.exists():
            shutil.copy2(wal, backup.with_name(backup.name + "-wal"))
        return backup

    @property
    def schema_version(self) -> int:
        with self._lock:
            return self._conn.execute("PRAGMA user_version").fetchone()[0]

    def close(self) -> None:
        """Close the database. Runs started here and not finished stay unfinished (shown as interrupted)."""
        with self._lock:
            for run_id, fd in self._live.items():
                recordings.release_run_lock(self.dir, run_id, fd)
            self._live.clear()
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def _write(self, sql: str, params=()) -> sqlite3.Cursor:
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                cur = self._conn.execute(sql, params)
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")
            return cur

    def _query(self, sql: str, params=()) -> list[sqlite3.Row]:
        with self._lock:
            return self._conn.execute(sql, params).fetchall()

    # ----------------------------------------------------------------- runs and turns
    def create_run(
        self,
        *,
        scenario_path: str,
        scenario_title: str,
        target_role: str,
        mode: str,
        persona: str,
        seed: int | None,
        engine: str | None,
    ) -> int:
        cur = self._write(
            "INSERT INTO runs (started_at, scenario_path, scenario_title, target_role, mode, persona, seed, engine)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (now_iso(), str(scenario_path), scenario_title, target_role or "", mode, persona or "", seed, engine),
        )
        run_id = int(cur.lastrowid)
        self._live[run_id] = recordings.hold_run_lock(self.dir, run_id)
        return run_id

    def recording_path(self, run_id: int, turn_index: int) -> Path:
        """``<dir>/recordings/<run_id>/turn-<NN>.wav`` (folder created)."""
        return recordings.recording_path(self.dir, run_id, turn_index)

    def _stored_audio(self, audio_path) -> str | None:
        if audio_path is None:
            return None
        path = Path(audio_path).resolve()
        try:
            return path.relative_to(self.dir.resolve()).as_posix()
        except ValueError:
            return str(path)  # elsewhere: kept absolute, so it does not depend on the working folder

    def add_turn(
        self,
        run_id: int,
        *,
        index: int,
        role: str,
        text: str,
        expects: str | None = None,
        audio_path: str | Path | None = None,
        transcript: dict | None = None,
        feedback: dict | None = None,
        latency: float | None = None,
    ) -> int:
        """Store one finished turn; committed (durable) before it returns. Returns the turn's row id."""
        if role not in ROLES:
            raise ValueError(f"role must be one of {ROLES}, not {role!r}")
        feedback = _as_dict(feedback)
        score = feedback.get("score") if isinstance(feedback, dict) else None
        try:
            cur = self._write(
                "INSERT INTO turns (run_id, idx, role, text, expects, audio_path, transcript, feedback, latency,"
                " score, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    int(run_id), int(index), role, text or "", expects, self._stored_audio(audio_path),
                    _dumps(transcript), _dumps(feedback), latency, score, now_iso(),
                ),
            )
        except sqlite3.IntegrityError as err:
            raise ValueError(f"cannot store turn {index} of run {run_id}: {err}") from None
        return int(cur.lastrowid)

    def finish_run(self, run_id: int, *, complete: bool, outcome: str | None, summary: dict) -> None:
        summary = _as_dict(summary) or {}
        score = summary.get("score")
        self._write(
            "UPDATE runs SET finished_at = ?, complete = ?, outcome = ?, score = ?, summary = ? WHERE id = ?",
            (now_iso(), 1 if complete else 0, outcome, score, _dumps(summary), int(run_id)),
        )
        with self._lock:
            if int(run_id) in self._live:
                recordings.release_run_lock(self.dir, int(run_id), self._live.pop(int(run_id)))

    def delete_run(self, run_id: int) -> dict:
        """Delete one run: its row, its turns (cascade) and its recordings folder; nothing else.

        A run still going (its lock held by a live process) is refused. Returns ``{"run_id", "turns",
        "recordings"}`` (how many of each went). The database row goes first, so a folder that cannot be removed
        leaves recordings behind rather than a run without them."""
        run = self.run(run_id)  # UserError when there is no such run
        if run["status"] == "running":
            raise UserError(f"run {run_id} is still going: finish it before deleting it")
        self._write("DELETE FROM runs WHERE id = ?", (int(run_id),))
        removed = recordings.delete_run_folder(self.dir, int(run_id))
        return {"run_id": int(run_id), "turns": len(run["turns"]), "recordings": removed}

    # ----------------------------------------------------------------- reading
    _RUN_LIST = (
        "SELECT r.*, (SELECT COUNT(*) FROM turns t WHERE t.run_id = r.id) AS n_turns,"
        " (SELECT COUNT(*) FROM turns t WHERE t.run_id = r.id AND t.role = 'user') AS n_user,"
        " (SELECT AVG(t.score) FROM turns t WHERE t.run_id = r.id AND t.role = 'user') AS mean_turn_score"
        " FROM runs r"
    )

    def _run_row(self, row: sqlite3.Row) -> dict:
        finished = row["finished_at"] is not None
        complete = bool(row["complete"])
        score = row["score"] if row["score"] is not None else row["mean_turn_score"]
        return {
            "run_id": row["id"],
            "started_at": row["started_at"],
            "finished_at": row["finished_at"],
            "scenario": row["scenario_title"],
            "scenario_path": row["scenario_path"],
            "target_role": row["target_role"],
            "mode": row["mode"],
            "persona": row["persona"],
            "seed": row["seed"],
            "engine": row["engine"],
            "score": None if score is None else round(float(score), 1),
            "complete": complete,
            "outcome": row["outcome"],
            "status": "complete" if complete else "incomplete" if finished else (
                "running" if recordings.run_is_live(self.dir, row["id"]) else "interrupted"),
            "turn_count": row["n_turns"],
            "user_turn_count": row["n_user"],
        }

    def runs(self) -> list[dict]:
        """Every run, newest first."""
        return [self._run_row(r) for r in self._query(self._RUN_LIST + " ORDER BY r.id DESC")]

    def last_run_id(self) -> int | None:
        rows = self._query("SELECT MAX(id) FROM runs")
        return rows[0][0]

    def _turn_row(self, row: sqlite3.Row) -> dict:
        audio = row["audio_path"]
        if audio is not None:
            path = Path(audio)
            audio = str(path if path.is_absolute() else self.dir / path)
        return {
            "index": row["idx"],
            "role": row["role"],
            "text": row["text"],
            "expects": row["expects"],
            "audio": audio,
            "audio_exists": bool(audio) and Path(audio).exists(),
            "transcript": _loads(row["transcript"]),
            "feedback": _loads(row["feedback"]),
            "latency": row["latency"],
            "score": row["score"],
            "created_at": row["created_at"],
        }

    def run(self, run_id: int) -> dict:
        """One run with its summary, turns (transcript/feedback decoded) and the recordings found on disk
        (``recordings[i]["in_turn"]`` is False for a partial recording whose turn never finished)."""
        fits = -(2**63) <= int(run_id) < 2**63  # SQLite integers are 64-bit; a bigger number is no run either
        rows = self._query(self._RUN_LIST + " WHERE r.id = ?", (int(run_id),)) if fits else []
        if not rows:
            raise UserError(f"no run {run_id} in the history (see `rehearse history`)")
        result = self._run_row(rows[0])
        result["summary"] = _loads(rows[0]["summary"]) or {}
        turns = self._query("SELECT * FROM turns WHERE run_id = ? ORDER BY idx", (int(run_id),))
        result["turns"] = [self._turn_row(t) for t in turns]
        used = {t["audio"] for t in result["turns"] if t["audio"]}
        found = recordings.run_recordings(self.dir, int(run_id))
        for rec in found:
            rec["in_turn"] = rec["path"] in used
        result["recordings"] = found
        return result

    def user_turns(self, scenario_path: str | None = None) -> list[dict]:
        """Every user turn with its run's scenario, mode and date, oldest first (for progress across runs).
        Each has the manager's line that came just before it as ``prompt``."""
        sql = (
            "SELECT t.*, r.started_at AS run_started, r.scenario_title, r.scenario_path, r.mode,"
            " (SELECT m.text FROM turns m WHERE m.run_id = t.run_id AND m.idx < t.idx AND m.role = 'manager'"
            "  ORDER BY m.idx DESC LIMIT 1) AS prompt"
            " FROM turns t JOIN runs r ON r.id = t.run_id WHERE t.role = 'user'"
        )
        params: tuple = ()
        if scenario_path is not None:
            sql += " AND r.scenario_path = ?"
            params = (scenario_path,)
        sql += " ORDER BY t.run_id, t.idx"
        out = []
        for row in self._query(sql, params):
            turn = self._turn_row(row)
            turn.update(
                run_id=row["run_id"], started_at=row["created_at"] or row["run_started"],
                scenario=row["scenario_title"], scenario_path=row["scenario_path"], mode=row["mode"],
                prompt=row["prompt"],
            )
            out.append(turn)
        return out

    # ----------------------------------------------------------------- drill schedule
    def drill_cards(self, scenario_key: str) -> dict[str, dict]:
        """``{objection_id: {"card": <scheduler JSON>, "score": last score, "attempts": n, "updated_at": iso}}``."""
        rows = self._query(
            "SELECT objection_id, card, score, attempts, updated_at FROM drill_cards WHERE scenario_key = ?",
            (scenario_key,),
        )
        return {
            r["objection_id"]: {
                "card": _loads(r["card"]) or {},
                "score": r["score"],
                "attempts": r["attempts"],
                "updated_at": r["updated_at"],
            }
            for r in rows
        }

    def save_drill_card(self, scenario_key: str, objection_id: str, card: dict, score: float) -> None:
        self._write(
            "INSERT INTO drill_cards (scenario_key, objection_id, card, score, updated_at, attempts)"
            " VALUES (?, ?, ?, ?, ?, 1)"
            " ON CONFLICT (scenario_key, objection_id) DO UPDATE SET card = excluded.card,"
            " score = excluded.score, updated_at = excluded.updated_at, attempts = drill_cards.attempts + 1",
            (scenario_key, objection_id, json.dumps(card, ensure_ascii=False, default=str), score, now_iso()),
        )
