"""Property tests: feedback never crashes on arbitrary text, and its flags always point at real words."""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rehearse.core.answer_for import AnswerFor
from rehearse.core.feedback import analyse
from rehearse.core.loader import load_scenario
from rehearse.core.transcript import Transcript, Word
from rehearse.paths import SCENARIOS

SCENARIO = load_scenario(SCENARIOS / "example-senior-engineer.toml")
PARTS = ["intent", "evidence", "gaps", "ask", "pitch"] + [f"objection:{i}" for i in SCENARIO.objection_ids]
VOCAB = ("um uh I I've deserve promotion to Senior Engineer sixty two percent 62% OAuth sorry bother you "
         "by when date this cycle worked really hard cross-team influence what specifically , . ? — 've").split()

texts = st.one_of(st.text(max_size=300), st.lists(st.sampled_from(VOCAB), max_size=80).map(" ".join))


def check(fb):
    d = fb.to_dict()
    assert 0 <= d["score"] <= 100
    words = fb.text.split()
    for f in fb.flags:
        if f.start_word is not None:
            assert 0 <= f.start_word <= f.end_word < len(words)
            assert f.text == " ".join(words[f.start_word : f.end_word + 1])
    for kp in d["key_phrases"]:
        if kp["hit"]:
            assert 0 <= kp["start_word"] <= kp["end_word"] < len(words)
    assert all(isinstance(v, (bool, int)) for v in d["signals"].values())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=texts, part=st.sampled_from(PARTS))
def test_any_text_any_part(text, part):
    check(analyse(SCENARIO, AnswerFor.parse(part), Transcript(text)))


@settings(max_examples=40, deadline=None)
@given(text=st.lists(st.sampled_from(VOCAB), min_size=1, max_size=60).map(" ".join),
       gaps=st.lists(st.floats(0, 3), min_size=60, max_size=60), part=st.sampled_from(PARTS))
def test_any_timings(text, gaps, part):
    t, words = 0.0, []
    for i, w in enumerate(text.split()):
        t += gaps[i]
        words.append(Word(w, t, t + 0.2))
        t += 0.2
    fb = analyse(SCENARIO, AnswerFor.parse(part), Transcript(text, words, t))
    check(fb)
    for f in fb.flags:
        if f.start is not None:
            assert f.end >= f.start
