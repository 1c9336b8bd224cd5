"""Progress across runs: best answer per objection and the trends of score, fillers, pace and coverage."""

import pytest
from store_samples import store_drill_run, store_pitch_run

from rehearse.store import Store
from rehearse.report.progress import attempt_of, pace_gap, progress, trend

WEAK_BUDGET = ("Um, I understand, um, it is tight. Could we, um, talk later about it, um, maybe?", 20.0)
BETTER_BUDGET = ("I understand. Could we treat the title and the money separately, um, and talk later?", 12.0)
STRONG_BUDGET = ("I understand budget is tight. Could we treat the title and the money separately, and revisit "
                 "the pay when budget opens in March?", 11.0)
TIMING = ("Could I propose a date? Let us check in before March.", 8.0)


@pytest.fixture
def store(tmp_path):
    store = Store(tmp_path / "h.sqlite3")
    store_drill_run(store, {"budget": WEAK_BUDGET, "timing": TIMING})
    store_drill_run(store, {"budget": BETTER_BUDGET})
    store_pitch_run(store, "not_yet")
    store_drill_run(store, {"budget": STRONG_BUDGET, "timing": ("I think maybe later is fine.", 8.0)})
    return store


def item(report, expects):
    return next(i for i in report["items"] if i["expects"] == expects)


def test_budget_objection_improves_on_every_measure(store):
    report = progress(store)
    budget = item(report, "objection:budget")
    assert budget["label"] == 'the "budget" objection' and budget["attempts"] == 3
    assert [a["run_id"] for a in budget["history"]] == [1, 2, 4]
    assert budget["best"]["text"] == STRONG_BUDGET[0] and budget["best"]["run_id"] == 4
    assert budget["best"]["coverage"] == 1.0 and budget["history"][0]["coverage"] == 0.0
    assert budget["prompt"].startswith("(budget)")
    t = budget["trend"]
    assert t["score"]["direction"] == "improving" and t["score"]["change_per_attempt"] > 10
    assert t["fillers_per_min"]["direction"] == "improving"
    assert t["fillers_per_min"]["first"] == 12.0 and t["fillers_per_min"]["last"] == 0.0
    assert t["coverage"]["direction"] == "improving"
    # 16 words in 20 s (48 wpm) -> 23 words in 11 s (125 wpm): into the 120-160 band
    assert t["pace"]["first"] == 48 and t["pace"]["last"] == 125
    assert t["pace"]["direction"] == "improving" and t["pace"]["change_per_attempt"] > 0


def test_timing_objection_slipped_and_best_is_kept(store):
    timing = item(progress(store), "objection:timing")
    assert timing["attempts"] == 2 and timing["best"]["run_id"] == 1 and timing["latest"]["run_id"] == 4
    assert timing["trend"]["score"]["direction"] == "worse"
    assert timing["trend"]["coverage"]["direction"] == "worse"


def test_weakest_latest_answer_comes_first_and_pitch_parts_are_items(store):
    report = progress(store)
    scores = [i["latest"]["score"] for i in report["items"]]
    assert scores == sorted(scores)
    assert {i["expects"] for i in report["items"]} == {"objection:budget", "objection:timing", "pitch", "ask"}
    assert item(report, "pitch")["trend"]["score"]["direction"] == "too few"


def test_run_by_run_series(store):
    report = progress(store)
    assert [r["run_id"] for r in report["runs"]] == [1, 2, 3, 4]
    assert report["runs"][2]["mode"] == "pitch" and report["runs"][2]["coverage"] is not None
    assert set(report["run_trend"]) == {"score", "fillers_per_min", "pace", "coverage"}


def test_scenario_filter_and_empty_history(tmp_path, store):
    assert progress(store, "no-such.toml")["items"] == []
    empty = progress(Store(tmp_path / "empty.sqlite3"))
    assert empty["items"] == [] and empty["runs"] == [] and empty["pace_band"] == [120.0, 160.0]
    assert {t["direction"] for t in empty["run_trend"].values()} == {"too few"}


@pytest.mark.parametrize("values, metric, direction", [
    ([50, 60, 70], "score", "improving"),
    ([70, 70.5, 70], "score", "steady"),
    ([80, 60], "score", "worse"),
    ([6, 3, 1], "fillers_per_min", "improving"),
    ([100, 130, 210], "pace", "worse"),  # ends far above the band
    ([90, 110, 140], "pace", "improving"),
    ([None, 0.5], "coverage", "too few"),
    ([0.2, None, 0.8], "coverage", "improving"),
    ([20, 86, 44], "score", "mixed"),  # the line goes up, but the latest (44) is below the earlier average
    ([20, 30, 86, 44], "score", "mixed"),
    ([40, 86, 50, 90], "score", "improving"),
    ([90, 20, 85], "score", "mixed"),  # the line goes down, but the latest is better than before
    ([1, 6, 2], "fillers_per_min", "mixed"),
])
def test_trend_directions(values, metric, direction):
    assert trend(values, metric)["direction"] == direction


def test_pace_gap():
    assert pace_gap(140) == 0 and pace_gap(100) == 20 and pace_gap(175) == 15 and pace_gap(None) is None


def test_a_typed_answer_has_no_filler_rate_or_pace():
    typed = {"score": 60, "text": "I led the migration to OAuth.",
             "feedback": {"delivery": {"fillers": 0, "fillers_per_min": 0.0, "wpm_speaking": None, "duration": None,
                                       "estimated_seconds": 3.0}}}
    attempt = attempt_of(typed)
    assert attempt["fillers_per_min"] is None and attempt["pace"] is None and attempt["score"] == 60
    spoken = {**typed, "feedback": {"delivery": {"fillers_per_min": 2.0, "wpm_speaking": 130, "duration": 30.0}}}
    assert attempt_of(spoken)["fillers_per_min"] == 2.0 and attempt_of(spoken)["pace"] == 130


def test_the_best_answer_is_quoted_as_credited_and_as_heard_never_its_flagged_sentences(rehearse_home):
    """The progress report's best answer: the key phrases it was credited with, in the prepared words, and the answer
    as the recognizer heard it without the sentence the feedback flagged ("I deserve it") — the raw transcript stays
    only in ``text``."""
    from rehearse.core.loader import load_scenario
    from rehearse.core.transcript import Transcript
    from rehearse.paths import SCENARIOS
    from rehearse.session.conversation import Answer, Session

    example = SCENARIOS / "example-senior-engineer.toml"
    said = ("I understand the budget is tight. I deserve it after all these years. Could we treat the title and "
            "the money separately, and agree a review date in three months?")
    with Store() as store:
        drill = Session(load_scenario(example), "drill", store=store, seed=2, scenario_path=example)
        while drill.next_prompt().answer_for.to_str() != "objection:budget":
            drill.submit(Answer(Transcript(text="Okay.")))
        drill.submit(Answer(Transcript(text=said)))
        drill.finish()
        best = item(progress(store), "objection:budget")["best"]
    assert "deserve" in best["text"] and "deserve" not in best["heard"]
    assert best["heard"].startswith("I understand the budget is tight. Could we treat the title and the money")
    assert "title and the money" in best["credited"]["phrases"]
    assert "separate the title from the money" in best["credited"]["moves"]
