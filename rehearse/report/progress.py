"""Progress across runs: per objection (and per pitch part) the best answer so far and the trend of score,
fillers per minute, pace and key-phrase coverage; plus the same trends run by run.

``progress(store, scenario_path=None) -> dict`` reads every stored user turn, oldest first.
"""

from __future__ import annotations

from statistics import linear_regression, mean

from rehearse.report import marks

# Pace that is easy to follow for listeners (and comfortable for second-language speakers), words a minute.
PACE_BAND = (120.0, 160.0)
QUOTE_WORDS = 60  # the most of an answer "heard" quotes
# Per-attempt change that counts as a real movement, and which way is better.
METRICS = {
    "score": (1.0, +1),
    "fillers_per_min": (0.2, -1),
    "pace": (2.0, -1),  # measured as distance from PACE_BAND: smaller is better
    "coverage": (0.02, +1),
}


def pace_gap(wpm: float | None) -> float | None:
    """How far a pace is from the comfortable band (0 inside it)."""
    if wpm is None:
        return None
    low, high = PACE_BAND
    return max(0.0, low - wpm, wpm - high)


def attempt_of(turn: dict) -> dict:
    delivery = marks.delivery_of(marks.feedback_of(turn))
    score = marks.score_of(turn)
    cov = marks.coverage(turn)
    return {
        "run_id": turn.get("run_id"),
        "date": turn.get("started_at"),
        "mode": turn.get("mode"),
        "score": score,
        # a typed answer has no timing: its rate per minute would be a guess, and its 0 fillers no progress
        "fillers_per_min": delivery.get("fillers_per_min") if delivery.get("duration") else None,
        "pace": delivery.get("wpm_speaking"),
        "coverage": None if cov is None else round(cov, 3),
        "text": marks.turn_text(turn),  # the stored transcript, as the recognizer heard it
        # what may be quoted to the user: the credit in the prepared words, and the answer as heard without
        # fillers or the sentences the feedback flagged (see rehearse.report.marks)
        "credited": marks.credited(turn),
        "heard": " ".join(text for text, _ in marks.quotable(turn, QUOTE_WORDS)["sentences"]),
    }


def trend(values: list[float | None], metric: str) -> dict:
    """``{"first", "last", "change_per_attempt", "direction"}``; direction is improving|steady|worse|mixed|too few
    (mixed: the trend line and the latest attempt disagree)."""
    points = [(i, v) for i, v in enumerate(values) if isinstance(v, (int, float))]
    out = {"first": points[0][1] if points else None, "last": points[-1][1] if points else None,
           "change_per_attempt": None, "direction": "too few"}
    if len(points) < 2:
        return out
    xs = [float(i) for i, _ in points]
    ys = [float(pace_gap(v)) if metric == "pace" else float(v) for _, v in points]
    slope = linear_regression(xs, ys).slope if len(set(ys)) > 1 else 0.0
    threshold, better = METRICS[metric]
    if metric == "pace":  # report the slope of the pace itself, judge by the distance from the band
        raw = [float(v) for _, v in points]
        out["change_per_attempt"] = round(linear_regression(xs, raw).slope if len(set(raw)) > 1 else 0.0, 2)
    else:
        out["change_per_attempt"] = round(slope, 3)
    # The direction is what the user will read as "you are getting better": the fitted slope must say so AND the
    # latest attempt must agree (better, or worse, than the earlier ones on average). A slope pulled up by one good
    # attempt in the middle, with the latest back down, is "mixed", never "better".
    earlier = mean(ys[:-1])
    latest_change = (ys[-1] - earlier) * better
    if slope * better > threshold:
        out["direction"] = "improving" if latest_change > threshold else "mixed"
    elif slope * better < -threshold:
        out["direction"] = "worse" if latest_change < -threshold else "mixed"
    else:
        out["direction"] = "steady"
    return out


def _trends(attempts: list[dict]) -> dict:
    return {metric: trend([a[metric] for a in attempts], metric) for metric in METRICS}


def progress(store, scenario_path: str | None = None) -> dict:
    """``{"items": [...], "runs": [...], "pace_band": [low, high]}``.

    Each item: ``scenario``, ``expects`` ("objection:budget", "pitch", ...), ``label``, ``attempts`` (count),
    ``best`` (the highest-scoring answer: run_id, date, score, ``credited`` — the key phrases, moves and evidence it
    was credited with, in the prepared words —, ``heard`` — the answer as the recognizer heard it, fillers and flagged
    sentences left out — and ``text``, the stored transcript), ``latest``, ``trend`` (per metric), and
    ``history`` (every attempt, oldest first). ``runs``: per run the mean of the same measures, oldest first.
    """
    turns = store.user_turns(scenario_path)
    groups: dict[tuple[str, str], list[dict]] = {}
    labels: dict[tuple[str, str], tuple[str, str]] = {}
    per_run: dict[int, list[dict]] = {}
    for turn in turns:
        key = (turn.get("scenario_path") or "", turn.get("expects") or "answer")
        attempt = attempt_of(turn)
        groups.setdefault(key, []).append(attempt)
        labels[key] = (turn.get("scenario") or "", turn.get("prompt") or "")
        per_run.setdefault(turn["run_id"], []).append(attempt)

    items = []
    for (path, expects), attempts in groups.items():
        scored = [a for a in attempts if isinstance(a["score"], (int, float))]
        best = max(scored, key=lambda a: a["score"]) if scored else None
        scenario, prompt = labels[(path, expects)]
        items.append({
            "scenario": scenario,
            "scenario_path": path,
            "expects": expects,
            "label": marks.expects_label(expects),
            "prompt": prompt,
            "attempts": len(attempts),
            "best": best,
            "latest": attempts[-1],
            "trend": _trends(attempts),
            "history": attempts,
        })
    # weakest latest score first: what to practise next
    items.sort(key=lambda it: (it["scenario"], it["latest"]["score"] if it["latest"]["score"] is not None else -1))

    runs_out = []
    info = {r["run_id"]: r for r in store.runs()}
    for run_id in sorted(per_run):
        attempts = per_run[run_id]

        def avg(metric, attempts=attempts):
            values = [a[metric] for a in attempts if isinstance(a[metric], (int, float))]
            return round(mean(values), 2) if values else None

        run = info.get(run_id, {})
        runs_out.append({"run_id": run_id, "date": run.get("started_at"), "scenario": run.get("scenario"),
                         "mode": run.get("mode"), "status": run.get("status"), "score": run.get("score"),
                         "answer_score": avg("score"), "fillers_per_min": avg("fillers_per_min"),
                         "pace": avg("pace"), "coverage": avg("coverage")})
    run_trend = {metric: trend([r["answer_score" if metric == "score" else metric] for r in runs_out], metric)
                 for metric in METRICS}
    return {"pace_band": list(PACE_BAND), "items": items, "runs": runs_out, "run_trend": run_trend}
