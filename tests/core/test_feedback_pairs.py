"""The feedback's goals on labelled data (tests/data/feedback/pairs.json): paired answers, the better and the worse
one to the same part by the coaching rules, with decoys saying the key phrases inside denials, hedges or a bare
list. Every third item was held out before tuning; the goals hold on both parts."""

import json
from pathlib import Path

import pytest

from rehearse.core.answer_for import AnswerFor
from rehearse.core.feedback import analyse
from rehearse.core.loader import load_scenario
from rehearse.core.transcript import Transcript
from rehearse.paths import SCENARIOS

DATA = json.loads((Path(__file__).parents[1] / "data" / "feedback" / "pairs.json").read_text())


@pytest.fixture(scope="module")
def scenario():
    return load_scenario(SCENARIOS / DATA["scenario"])


def score(scenario, part, text):
    return analyse(scenario, AnswerFor.parse(part), Transcript(text=text)).score


def test_the_data_is_big_enough_and_split_before_tuning():
    pairs = DATA["pairs"]
    assert len(pairs) >= 60
    assert {p["split"] for p in pairs} == {"tune", "heldout"}
    first = [p for p in pairs if not p.get("added", "").startswith("2026-12-01")]  # the set as split before tuning
    assert all(p["split"] == ("heldout" if i % 3 == 2 else "tune") for i, p in enumerate(first))
    # pairs written after the rules they check are held out whole: never tuned on
    assert all(p["split"] == "heldout" for p in pairs[len(first):]) and len(first) + 12 == len(pairs)
    kinds = {p["kind"] for p in pairs}
    assert {"denial", "hedge", "list", "earned_it", "apologetic", "own_words", "nonanswer"} <= kinds
    assert sum(p["kind"] == "denial" for p in pairs) >= 15


@pytest.mark.parametrize("split", ["tune", "heldout"])
def test_pair_ordering_goal(scenario, split):
    pairs = [p for p in DATA["pairs"] if p["split"] == split]
    wrong = [(p["id"], score(scenario, p["part"], p["better"]), score(scenario, p["part"], p["worse"]))
             for p in pairs]
    wrong = [w for w in wrong if w[1] <= w[2]]
    assert 1 - len(wrong) / len(pairs) >= 0.95, wrong


def test_no_denial_outscores_the_honest_answer(scenario):
    for p in DATA["pairs"]:
        if p["kind"] == "denial":
            honest, denial = score(scenario, p["part"], p["better"]), score(scenario, p["part"], p["worse"])
            assert denial < honest, (p["id"], honest, denial)


def test_no_non_answer_above_30(scenario):
    for n in DATA["nonanswers"]:
        assert score(scenario, n["part"], n["text"]) <= 30, n


def test_not_the_users_claim_earns_at_most_30_and_honest_if_they_will_is_not_taken_for_it(scenario):
    from rehearse.core.answer_for import AnswerFor
    from rehearse.core.feedback import analyse
    from rehearse.core.transcript import Transcript

    for p in DATA["pairs"]:
        if p["kind"] == "not_mine":
            assert score(scenario, p["part"], p["worse"]) <= 30, p["id"]
        if p["kind"] == "honest_not_mine":
            fb = analyse(scenario, AnswerFor.parse(p["part"]), Transcript(text=p["better"]))
            assert not any(k.get("denied") for k in fb.key_phrases), (p["id"], fb.key_phrases)
