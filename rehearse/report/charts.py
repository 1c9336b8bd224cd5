"""The series the progress charts draw, per scenario, from the stored runs (no Qt here).

``chart_series(store, scenario_path)`` returns, run by run (oldest first): the mean answer score, key-phrase
coverage (%), fillers a minute, pace (words a minute), and the time taken to start answering an objection; and per
objection its mastery (latest and best score, attempts — drills and conversations alike — and its ``title`` in
plain words, for the chart's labels). ``objection_attempts``
is the same per-objection count, used by the Drill list.
"""

from __future__ import annotations

from statistics import mean

from rehearse.core.answer_for import AnswerFor, objection_name
from rehearse.report import marks
from rehearse.report.progress import PACE_BAND, attempt_of

METRICS = (
    ("score", "Score", "of 100"),
    ("coverage", "Key phrases said", "%"),
    ("fillers_per_min", "Fillers", "a minute, spoken answers"),
    ("pace", "Pace", "words a minute"),
    ("objection_latency", "Time to start answering an objection", "seconds"),
)


def _avg(values) -> float | None:
    values = [v for v in values if isinstance(v, (int, float))]
    return round(mean(values), 2) if values else None


def scenarios(store) -> list[tuple[str, str]]:
    """Every scenario with runs, as (path, title), the most recently used first."""
    seen: dict[str, str] = {}
    for run in store.runs():
        seen.setdefault(run.get("scenario_path") or "", run.get("scenario") or "")
    return list(seen.items())


def turns_for_scenario(store, scenario_path) -> list[dict]:
    """``Store.user_turns`` of one scenario file, however its path was written (absolute or resolved)."""
    from pathlib import Path

    try:
        target = Path(scenario_path).resolve()
    except (OSError, TypeError):
        return []
    out = []
    for turn in store.user_turns():
        path = turn.get("scenario_path") or ""
        try:
            if path and (path == str(scenario_path) or Path(path).resolve() == target):
                out.append(turn)
        except OSError:
            continue
    return out


def objection_attempts(turns: list[dict]) -> dict[str, dict]:
    """Per objection id: ``attempts`` (all modes), ``in_conversations`` (pitch runs), ``latest`` and ``best``
    score. ``turns``: ``Store.user_turns(...)`` (oldest first)."""
    out: dict[str, dict] = {}
    for turn in turns:
        answer_for = marks.answer_for(turn)
        if answer_for is None or not answer_for.is_objection:
            continue
        oid = answer_for.id
        entry = out.setdefault(oid, {"attempts": 0, "in_conversations": 0, "latest": None, "best": None})
        entry["attempts"] += 1
        if turn.get("mode") == "pitch":
            entry["in_conversations"] += 1
        score = attempt_of(turn)["score"]
        if isinstance(score, (int, float)):
            entry["latest"] = score
            entry["best"] = score if entry["best"] is None else max(entry["best"], score)
    return out


def chart_series(store, scenario_path: str | None) -> dict:
    """``{"runs": [run ids], "dates": [...], <metric>: [value or None per run], "pace_band", "mastery"}``."""
    turns = store.user_turns(scenario_path)
    per_run: dict[int, list[dict]] = {}
    for turn in turns:
        per_run.setdefault(turn["run_id"], []).append(turn)
    out: dict = {"runs": [], "dates": [], "pace_band": list(PACE_BAND)}
    for key, _title, _unit in METRICS:
        out[key] = []
    for run_id in sorted(per_run):
        answers = per_run[run_id]
        attempts = [attempt_of(t) for t in answers]
        out["runs"].append(run_id)
        out["dates"].append(answers[0].get("started_at"))
        out["score"].append(_avg(a["score"] for a in attempts))
        coverage = _avg(a["coverage"] for a in attempts)
        out["coverage"].append(None if coverage is None else round(100 * coverage, 1))
        out["fillers_per_min"].append(_avg(a["fillers_per_min"] for a in attempts))
        out["pace"].append(_avg(a["pace"] for a in attempts))
        out["objection_latency"].append(_avg(t.get("latency") for t in answers
                                             if getattr(marks.answer_for(t), "is_objection", False)))
    mastery = objection_attempts(turns)
    out["mastery"] = [{"objection": oid, "label": AnswerFor.objection(oid).label(),
                       "title": objection_name(oid).capitalize(), **entry}
                      for oid, entry in mastery.items()]
    return out
