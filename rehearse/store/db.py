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

import json
import sqlite3
import threading
from datetime import datetime, timezone
from pathlib import Path

from rehearse.errors import UserError
from rehearse.paths import data_dir
from rehearse.store import recordings
from rehearse.store.damage import (  # noqa: F401 - DamagedDatabase, ReadOnlyHistory: part of this module's API
    BadRow,
    DamagedDatabase,
    ReadOnlyHistory,
    back_up,
    check_row,
    not_damage,
)
from rehearse.store.opening import open_history
from rehearse.store.migrations import SCHEMA_VERSION  # noqa: F401 - part of this module's API

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


class Store:
    def __init__(self, path: Path | str | None = None):
        self.path = Path(path) if path is not None else data_dir() / DB_NAME
        self.dir = self.path.parent
        self.dir.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._live: dict[int, int | None] = {}  # run_id -> lock fd, for runs this Store started and not finished
        self.read_only = False  # True when the folder cannot be written: reading works, storing says why not
        self.skipped: list[str] = []  # rows that could not be read (named, one sentence each), newest reads last
        self._conn = self._open()

    # ----------------------------------------------------------------- opening, damage, migrations
    def _open(self) -> sqlite3.Connection:
        conn, self.read_only = open_history(self.path)
        return conn

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
        if self.read_only:
            raise ReadOnlyHistory(f"{self.dir}: the data folder is read-only: Rehearse can show your history but "
                                  "not store anything new; set REHEARSE_HOME to a folder you can write")
        with self._lock:
            try:
                self._conn.execute("BEGIN IMMEDIATE")
                try:
                    cur = self._conn.execute(sql, params)
                    self._conn.execute("COMMIT")
                except BaseException:
                    if self._conn.in_transaction:
                        try:
                            self._conn.execute("ROLLBACK")
                        except sqlite3.Error:
                            pass
                    raise
            except sqlite3.OperationalError as err:
                plain = not_damage(err)
                if plain is None:
                    raise
                raise UserError(f"{self.path}: not stored: {plain}. What was stored before is safe; free some "
                                "space or fix the folder, then go on") from None
            return cur

    def _query(self, sql: str, params=()) -> list[sqlite3.Row]:
        with self._lock:
            try:
                return self._conn.execute(sql, params).fetchall()
            except (sqlite3.DatabaseError, UnicodeDecodeError) as err:
                # damage that PRAGMA quick_check did not see (it reads every page only in integrity_check)
                plain = not_damage(err) if isinstance(err, sqlite3.OperationalError) else None
                if plain:
                    raise UserError(f"{self.path}: cannot read the history: {plain} ({err})") from None
                raise DamagedDatabase(self.path, back_up(self.path), str(err)) from None

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
        " (SELECT AVG(t.score) FROM turns t WHERE t.run_id = r.id AND t.role = 'user'"
        "  AND typeof(t.score) IN ('integer', 'real')) AS mean_turn_score"
        " FROM runs r"
    )

    def _skip(self, what: str, err: BadRow) -> None:
        self.skipped.append(f"{self.path}: {what} is damaged ({err}) and was skipped; the rest of the history is "
                            "fine")

    def _run_row(self, row: sqlite3.Row) -> dict:
        check_row(row, ("id", "score", "seed", "mean_turn_score", "complete"), ("summary",))
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
        """Every run, newest first. A run that cannot be read is left out and named in ``skipped``."""
        out = []
        for r in self._query(self._RUN_LIST + " ORDER BY r.id DESC"):
            try:
                out.append(self._run_row(r))
            except BadRow as err:
                self._skip(f"run {r['id']}", err)
        return out

    def last_run_id(self) -> int | None:
        rows = self._query("SELECT MAX(id) FROM runs")
        return rows[0][0]

    def _turn_row(self, row: sqlite3.Row) -> dict:
        check_row(row, ("idx", "score", "latency"), ("transcript", "feedback"))
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
        try:
            result = self._run_row(rows[0])
        except BadRow as err:
            raise UserError(f"{self.path}: run {run_id} is damaged ({err}) and cannot be shown; the other runs are "
                            "fine (see `rehearse history`)") from None
        result["summary"] = _loads(rows[0]["summary"]) or {}
        turns = self._query("SELECT * FROM turns WHERE run_id = ? ORDER BY idx", (int(run_id),))
        result["turns"] = []
        result["skipped"] = []
        for t in turns:
            try:
                result["turns"].append(self._turn_row(t))
            except BadRow as err:
                self._skip(f"turn {t['idx']} of run {run_id}", err)
                result["skipped"].append({"turn": t["idx"], "problem": str(err)})
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
            try:
                turn = self._turn_row(row)
            except BadRow as err:
                self._skip(f"turn {row['idx']} of run {row['run_id']}", err)
                continue
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
        out = {}
        for r in rows:
            try:
                check_row(r, ("score", "attempts"), ("card",))
            except BadRow as err:
                self._skip(f"the drill card of {r['objection_id']!r}", err)
                continue
            out[r["objection_id"]] = {"card": _loads(r["card"]) or {}, "score": r["score"],
                                      "attempts": r["attempts"], "updated_at": r["updated_at"]}
        return out

    def save_drill_card(self, scenario_key: str, objection_id: str, card: dict, score: float) -> None:
        self._write(
            "INSERT INTO drill_cards (scenario_key, objection_id, card, score, updated_at, attempts)"
            " VALUES (?, ?, ?, ?, ?, 1)"
            " ON CONFLICT (scenario_key, objection_id) DO UPDATE SET card = excluded.card,"
            " score = excluded.score, updated_at = excluded.updated_at, attempts = drill_cards.attempts + 1",
            (scenario_key, objection_id, json.dumps(card, ensure_ascii=False, default=str), score, now_iso()),
        )
