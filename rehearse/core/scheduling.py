"""Drill scheduling: which objections to practise, in what order, and when each comes back.

Pure functions over plain dicts so the store can keep the schedule as JSON. Spaced repetition is the
FSRS algorithm from the maintained ``fsrs`` package: an attempt's score (0-100) becomes a rating, and the
scheduler computes the card's next due date. Ordering is "due first, weakest first": objections that are due
(or never practised) come before the rest; among them the lowest last score comes first.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from fsrs import Card, Rating, Scheduler

MIN_DRILL_ITEMS = 3

# Score thresholds (0-100) for the FSRS ratings.
RATING_BANDS = ((40, Rating.Again), (65, Rating.Hard), (85, Rating.Good))

# No fuzzing: the same history always gives the same schedule (testable, explainable to the user).
_SCHEDULER = Scheduler(enable_fuzzing=False)


@dataclass(frozen=True)
class DrillItem:
    objection_id: str
    due: bool
    last_score: float | None  # None when never practised
    due_at: datetime | None


def rating_for_score(score: float) -> Rating:
    """How well the attempt went, as an FSRS rating: <40 again, <65 hard, <85 good, otherwise easy."""
    for limit, rating in RATING_BANDS:
        if score < limit:
            return rating
    return Rating.Easy


def _now(now: datetime | None) -> datetime:
    if now is None:
        return datetime.now(timezone.utc)
    if now.tzinfo is None:
        return now.replace(tzinfo=timezone.utc)
    return now


def card_fields(entry: dict | None) -> dict | None:
    """The FSRS card dict inside a stored entry (the entry may be the card itself or hold it under "card")."""
    if not entry:
        return None
    if isinstance(entry.get("card"), dict):
        return entry["card"]
    if "due" in entry and "state" in entry:
        return entry
    return None


def last_score(entry: dict | None) -> float | None:
    if not entry:
        return None
    for key in ("score", "last_score"):
        value = entry.get(key)
        if value is not None:
            return float(value)
    return None


def review(entry: dict | None, score: float, now: datetime | None = None, *, card_id: int = 1) -> dict:
    """Record one attempt: returns the updated FSRS card dict (due date, stability, difficulty, ...)."""
    now = _now(now)
    fields = card_fields(entry)
    card = Card.from_dict(fields) if fields else Card(card_id=card_id, due=now)
    card, _log = _SCHEDULER.review_card(card, rating_for_score(score), now)
    return card.to_dict()


def drill_items(objection_ids: list[str], cards: dict[str, dict], now: datetime | None = None) -> list[DrillItem]:
    """Every objection with its schedule state, ordered: due first, weakest first, then soonest due."""
    now = _now(now)
    items = []
    for oid in objection_ids:
        entry = cards.get(oid)
        fields = card_fields(entry)
        due_at = Card.from_dict(fields).due if fields else None
        items.append(DrillItem(oid, due_at is None or due_at <= now, last_score(entry), due_at))
    order = {oid: i for i, oid in enumerate(objection_ids)}

    def key(item: DrillItem):
        score = -1.0 if item.last_score is None else item.last_score  # never practised counts as weakest
        due_ts = item.due_at.timestamp() if item.due_at else 0.0
        if item.due:
            return (0, score, due_ts, order[item.objection_id])
        return (1, due_ts, score, order[item.objection_id])

    return sorted(items, key=key)


def plan_drill(objection_ids: list[str], cards: dict[str, dict], now: datetime | None = None,
               max_items: int | None = None) -> list[str]:
    """The objections a drill session serves, in order.

    By default all that are due, but at least ``MIN_DRILL_ITEMS`` (topped up with the next ones to come due);
    ``max_items`` caps (or, when larger than the due count, sets) the number served.
    """
    items = drill_items(objection_ids, cards, now)
    if max_items is not None:
        if max_items < 1:
            raise ValueError("max_items must be at least 1")
        count = max_items
    else:
        count = max(sum(1 for i in items if i.due), MIN_DRILL_ITEMS)
    return [i.objection_id for i in items[:count]]
