"""Read-aloud analysis: misheard, missed and low-confidence words become a practice list."""

from rehearse.core.pronunciation import analyse_reading
from rehearse.core.transcript import Transcript, Word


def timed(text, confs=None):
    words = []
    for i, w in enumerate(text.split()):
        conf = confs[i] if confs else 0.95
        words.append(Word(w, i * 0.4, i * 0.4 + 0.35, conf))
    return Transcript(text=text, words=words, duration=len(words) * 0.4)


def by_word(reading):
    return {w.word: w for w in reading.words}


def test_a_clean_reading_scores_full_and_normalises_numbers_and_case():
    r = analyse_reading("I cut support tickets by sixty two percent.", timed("i cut support tickets by 62%"))
    assert r.score == 100.0
    assert r.practice == []
    assert [w.status for w in r.words] == ["ok"] * 8
    assert by_word(r)["sixty"].heard == "62%"


def test_misheard_missed_and_unclear_words():
    sentence = "I led the migration to Kubernetes with zero downtime."
    heard = timed("I led the migration to cooper netties with downtime",
                  confs=[0.9, 0.9, 0.9, 0.4, 0.9, 0.5, 0.5, 0.9, 0.9])
    r = analyse_reading(sentence, heard)
    words = by_word(r)
    assert words["migration"].status == "unclear" and words["migration"].conf == 0.4
    assert words["Kubernetes"].status == "misheard" and words["Kubernetes"].heard == "cooper"
    assert words["zero"].status == "missed"
    assert words["led"].status == "ok" and words["led"].start == 0.4
    assert r.practice == ["migration", "Kubernetes", "zero"]
    assert r.extra == ["netties"]
    assert r.score == round(100 * 6 / 9, 1)
    d = r.to_dict()
    assert d["practice"] == r.practice and d["score"] == r.score and len(d["words"]) == 9


def test_without_word_timings_uses_the_text_and_ignores_fillers():
    r = analyse_reading("We shipped it early.", Transcript(text="um we shipped it early"))
    assert r.score == 100.0 and r.extra == []
    r = analyse_reading("We shipped it early.", Transcript(text=""))
    assert r.score == 0.0 and r.practice == ["shipped", "early"]


def test_articles_are_scored_but_not_listed_to_practise():
    r = analyse_reading("The team grew.", timed("team grew"))
    assert by_word(r)["The"].status == "missed"
    assert r.practice == [] and r.score < 100


def test_function_words_are_scored_but_not_listed_to_practise():
    # "and" dropped in fluent speech: it costs score, but "Practise: and." would help no one
    r = analyse_reading("I led the migration and cut tickets.", timed("I led the migration cut tickets"))
    assert by_word(r)["and"].status == "missed" and r.score < 100
    assert r.practice == []
