"""The sample runs (tests/store_samples.py) are what they claim to be."""

from store_samples import PITCH, PITCH_PHRASES, feedback_for, store_pitch_run

def test_sample_feedback_marks_fillers_hedges_and_hits():
    fb = feedback_for(PITCH, PITCH_PHRASES, duration=40)
    words = PITCH.split()
    fillers = [f for f in fb["flags"] if f["kind"] == "filler"]
    assert [words[f["start_word"]] for f in fillers] == ["um,"]
    hedges = [f for f in fb["flags"] if f["kind"] == "hedge"]
    assert [" ".join(words[h["start_word"]:h["end_word"] + 1]) for h in hedges] == ["I think"]
    assert all(m["hit"] for m in fb["key_phrases"])


def test_sample_run_is_stored(tmp_path):
    from rehearse.store import Store

    store = Store(tmp_path / "h.sqlite3")
    run = store.run(store_pitch_run(store, "not_yet"))
    assert run["status"] == "complete" and [t["role"] for t in run["turns"]] == ["manager", "user"] * 2
    assert run["turns"][1]["transcript"]["words"][0]["word"] == "So,"
