"""Drill scheduling: due first, weakest first; FSRS moves the due date by how well the attempt went."""

from datetime import datetime, timedelta, timezone

import pytest
from fsrs import Rating

from rehearse.core import scheduling
from rehearse.core.scheduling import plan_drill, rating_for_score, review

NOW = datetime(2026, 11, 21, 23, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize("score, rating", [(0, Rating.Again), (39.9, Rating.Again), (40, Rating.Hard),
                                           (70, Rating.Good), (85, Rating.Easy), (100, Rating.Easy)])
def test_rating_for_score(score, rating):
    assert rating_for_score(score) == rating


def entry(score, due):
    card = {"card_id": 1, "state": 2, "step": None, "stability": 3.0, "difficulty": 5.0,
            "due": due.isoformat(), "last_review": (NOW - timedelta(days=5)).isoformat()}
    return {"card": card, "score": score}


def test_due_first_then_weakest_first():
    cards = {
        "budget": entry(80, NOW - timedelta(days=1)),     # due, strong
        "too_soon": entry(30, NOW - timedelta(hours=1)),  # due, weak
        "peers": entry(10, NOW + timedelta(days=3)),      # not due, weakest of all
        "scope": entry(50, NOW + timedelta(days=1)),      # not due, comes due sooner
    }
    ids = ["budget", "too_soon", "peers", "scope", "fresh"]  # "fresh" never practised: due, weakest
    assert plan_drill(ids, cards, NOW) == ["fresh", "too_soon", "budget"]
    # at least three even when fewer are due; topped up with the next to come due
    assert plan_drill(["too_soon", "peers", "scope"], cards, NOW) == ["too_soon", "scope", "peers"]
    # never practised counts as weakest; ties keep the scenario's order
    cards.pop("budget")
    assert plan_drill(ids, cards, NOW, max_items=5) == ["budget", "fresh", "too_soon", "scope", "peers"]
    assert plan_drill(ids, cards, NOW, max_items=1) == ["budget"]
    with pytest.raises(ValueError):
        plan_drill(ids, cards, NOW, max_items=0)


def test_review_spaces_good_answers_further_than_weak_ones():
    weak = review(None, 20, NOW)
    good = review(None, 90, NOW)
    assert datetime.fromisoformat(weak["due"]) < datetime.fromisoformat(good["due"])
    # a second good answer pushes it days out; the stored form round-trips through the entry shape
    again = review({"card": good, "score": 90}, 90, NOW + timedelta(days=1))
    assert datetime.fromisoformat(again["due"]) - NOW > timedelta(days=2)
    assert scheduling.card_fields(good) == good and scheduling.card_fields({"card": good}) == good
    # deterministic: no fuzzing
    assert review(None, 90, NOW) == good
