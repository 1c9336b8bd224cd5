"""Key-phrase matching: what recognizers print is understood, and the traps are not fallen into."""

import json

import pytest

from rehearse.cli import main
from rehearse.core.matching import Matcher, PhraseMatch, match_phrase, match_phrases
from rehearse.core.normalize import tokenize

VOSK = "i led the authentication migration to o auth which cut login related support tickets by sixty two percent"
WHISPER = "I led the authentication migration to OAuth, which cut Logan-related support tickets by 62%."


def hit(text, phrase):
    return match_phrase(text, phrase).hit


@pytest.mark.parametrize("text", [VOSK, WHISPER])
@pytest.mark.parametrize("phrase", ["62%", "sixty-two percent", "OAuth", "migration to OAuth",
                                    "login-related support tickets", "led the authentication migration"])
def test_both_recognizer_styles(text, phrase):
    assert hit(text, phrase)


@pytest.mark.parametrize("text, phrase", [
    ("it saved four hundred thousand dollars a year", "$400,000"),
    ("That saved about $400,000 a year.", "four hundred thousand dollars"),
    ("we moved to o auth two point oh", "OAuth 2.0"),
    ("we shipped it in twenty twenty three", "in 2023"),
    ("we hit ninety nine point nine percent uptime", "99.9% uptime"),
    ("we cut the bill by one point two million dollars", "$1.2 million"),
])
def test_numbers_either_way(text, phrase):
    assert hit(text, phrase)


@pytest.mark.parametrize("text, phrase", [
    (VOSK.replace("sixty two", "twenty six"), "62%"),
    ("That saved about $40,000 a year.", "$400,000"),
    ("we shipped it in twenty twenty two", "in 2023"),
    ("we moved to o auth two point one", "OAuth 2.0"),
    ("we hit ninety nine percent uptime", "99.9% uptime"),
    ("i mentored three engineers", "mentored 4 engineers"),
])
def test_a_different_number_is_a_miss(text, phrase):
    m = match_phrase(text, phrase)
    assert not m.hit
    assert m.heard is None and m.start_word is None and m.end_word is None


def test_a_wrong_number_miss_says_what_was_heard_instead():
    m = match_phrase("we cut tickets by twenty six percent", "62%")
    assert not m.hit
    assert m.near == "twenty six percent" and (m.near_start, m.near_end) == (4, 6)
    assert "26" in m.reason and "62" in m.reason
    assert 30 <= m.score < 70  # partial credit: "percent" was there


@pytest.mark.parametrize("text", ["i want to be promoted to senior manager", "i want to be promoted to staff engineer",
                                  "I want to be promoted to Principal Engineer.", "promoted to junior engineer"])
def test_a_different_role_is_a_miss(text):
    assert not hit(text, "promoted to Senior Engineer")


def test_the_right_role_is_a_hit():
    assert hit("i want to be promoted to senior engineer this year", "promoted to Senior Engineer")
    assert hit("I want to be promoted to Senior Engineers", "Senior Engineer")


ASKING = "I'm asking for a promotion to "


@pytest.mark.parametrize("text, phrase", [
    (ASKING + "Senior Manager", "promotion to Senior Marketing Manager"),  # a word of the title dropped
    (ASKING + "Senior Manager", "promotion to senior marketing manager"),  # written lower-case too
    (ASKING + "Staff Engineer", "promotion to Senior Staff Engineer"),  # a level word dropped
    (ASKING + "Product Designer", "promotion to Principal Product Designer"),
    ("I want to be a Product Designer", "Principal Product Designer"),
    (ASKING + "Senior Project Manager", "promotion to Senior Product Manager"),  # a title word swapped
    (ASKING + "Senior Marketing Manager", "promotion to Senior Manager"),  # a word added inside the title
    (ASKING + "Lead Data Engineer", "promotion to Lead Engineer"),
])
def test_a_title_keeps_all_its_words(text, phrase):
    m = match_phrase(text, phrase)
    assert not m.hit and m.score < 70
    assert m.reason and "role" in m.reason


@pytest.mark.parametrize("text, phrase", [
    (ASKING + "Senior Marketing Manager", "promotion to Senior Marketing Manager"),
    (ASKING + "senior um marketing manager", "promotion to Senior Marketing Manager"),  # a filler inside is fine
    ("I'm asking for promotion to the Senior Marketing Manager role", "promotion to Senior Marketing Manager"),
    (ASKING + "Senior Marketting Manager", "promotion to Senior Marketing Manager"),  # misspelt by the recognizer
    ("I want to lead the whole project next year", "lead the project next year"),  # "lead" as a verb: no title
    ("we cut support tickets by half last quarter", "cut the Support Tickets by half"),  # capitals without a role
    ("I've been operating at the senior level for a year", "operating at the Senior level"),
])
def test_a_title_said_in_full_or_misheard_is_still_a_hit(text, phrase):
    assert hit(text, phrase)


@pytest.mark.parametrize("text, phrase", [
    ("the senior folks on my team said the engineer on call did well", "senior engineer"),
    ("tickets went down and the support team was happy", "support tickets"),
    ("the support team gave me tickets about login issues", "login-related support tickets"),
    ("i want to lead and i led the work that was a migration", "led the migration"),
])
def test_scattered_words_are_a_miss(text, phrase):
    assert not hit(text, phrase)


@pytest.mark.parametrize("text", ["i worked on the migration", "the authentication changes went out", "migration"])
def test_a_two_word_phrase_needs_both_words(text):
    assert not hit(text, "authentication migration")


@pytest.mark.parametrize("text, phrase, expected", [
    ("i haven't led a cross team project yet", "I have led a cross-team project", False),
    ("i have led a cross team project", "I haven't led a cross-team project", False),
    ("i haven't led a cross team project yet", "I have not led a cross-team project", True),
    ("I haven't yet owned a roadmap.", "I have owned a roadmap", False),
    ("I'm not leaving. I want to grow here.", "I'm leaving", False),
    ("I'm not leaving. I want to grow here.", "I'm not leaving", True),
    ("i didn't wait to be asked", "I waited to be asked", False),
    ("conversion went down by eight percent", "conversion went up 8%", False),
    ("the release went out two weeks late", "two weeks early", False),
])
def test_negations_and_opposites(text, phrase, expected):
    assert hit(text, phrase) is expected


@pytest.mark.parametrize("text, phrase", [
    ("i'm asking for the senior engineer title", "I am asking for the senior engineer title"),
    ("i am asking for the senior engineer title", "I'm asking for the senior engineer title"),
    ("so um i uh led the the migration", "led the migration"),
    ("I led, um, basically the whole migration", "led the migration"),
    ("we uh reduced latency by like thirty percent", "reduced latency by 30%"),
    ("i hold weekly one on ones with my reports", "one-on-ones"),
    ("i wrote a followup plan", "follow-up plan"),
    ("i always follow up after the review", "followup"),
    ("Our meantime to recovery dropped by 35%.", "mean time to recovery"),
    ("Is there a budget or had count constraint?", "headcount constraint"),
    ("I designed the catching layer that cut page load times in half.", "designed the caching layer"),
    ("I took on the response abilities of a tech lead.", "responsibilities of a tech lead"),
    ("what is the timeline for my promotion", "timeline for a promotion"),
])
def test_tolerates_contractions_fillers_splits_and_a_misheard_word(text, phrase):
    assert hit(text, phrase)


@pytest.mark.parametrize("text, phrase", [
    ("I designed the billing layer.", "designed the caching layer"),
    ("Is there a budget constraint?", "headcount constraint"),
    ("i own the on-call handbook and the code review guidelines", "own the guidelines"),
    ("i'm asking whether you see me as ready next cycle", "see me as ready this cycle"),
])
def test_not_fooled_by_a_different_key_word(text, phrase):
    assert not hit(text, phrase)


def test_a_negation_just_before_is_flagged_not_hidden():
    m = match_phrase("I haven't yet led a cross-team project.", "led a cross-team project")
    assert m.hit and m.negated
    assert not match_phrase("I have led a cross-team project.", "led a cross-team project").negated
    assert not match_phrase("I haven't led one.", "have not led").negated


def test_word_indexes_line_up_with_whitespace_words():
    text = "So, um, I cut Logan-related tickets by sixty two percent, which saved $400,000."
    words = text.split()
    m = match_phrase(text, "62%")
    assert (m.start_word, m.end_word) == (7, 9) and m.heard == "sixty two percent,"
    m = match_phrase(text, "login related tickets")
    assert words[m.start_word:m.end_word + 1] == ["Logan-related", "tickets"]
    m = match_phrase(text, "four hundred thousand dollars")
    assert m.hit and m.heard == "$400,000." and m.start_word == m.end_word == 12


def test_scores_are_graded():
    exact = match_phrase("I led the OAuth migration", "led the OAuth migration")
    fillers = match_phrase("I led um the uh OAuth migration", "led the OAuth migration")
    misheard = match_phrase("I led the Oath migration", "led the OAuth migration")
    half = match_phrase("I led the rollout", "led the OAuth migration")
    nothing = match_phrase("we talked about lunch", "led the OAuth migration")
    assert exact.score == 100
    assert 90 <= fillers.score < 100
    assert misheard.hit and 70 <= misheard.score < fillers.score
    assert not half.hit and 0 < half.score < 70
    assert nothing.score == 0 and nothing.near is None
    for m in (exact, fillers, misheard, half, nothing):
        assert 0 <= m.score <= 100


def test_api_shapes():
    results = match_phrases(WHISPER, ["62%", "senior manager"])
    assert [type(r) for r in results] == [PhraseMatch, PhraseMatch]
    d = results[0].to_dict()
    assert {"phrase", "hit", "score", "heard", "start_word", "end_word"} <= set(d)
    assert json.loads(json.dumps(d)) == d
    matcher = Matcher(WHISPER)
    assert matcher.match("62%") == results[0]
    assert Matcher(WHISPER, tokenize(WHISPER)).match("62%") == results[0]  # pre-tokenised text
    assert matcher.match("62%") is not matcher.match("62%")  # callers may mutate what they get
    assert match_phrase("", "62%").hit is False
    assert match_phrase("anything", "").hit is False
    assert match_phrase("anything", "  ...  ").score == 0


def test_cli_json(capsys):
    code = main(["match", "--text", VOSK, "--phrase", "62%", "--phrase", "senior manager", "--json"])
    assert code == 0
    out = json.loads(capsys.readouterr().out)
    first, second = out["matches"]
    assert first["phrase"] == "62%" and first["hit"] is True and first["heard"] == "sixty two percent"
    assert (first["start_word"], first["end_word"]) == (15, 17)
    assert second["hit"] is False and second["heard"] is None and second["start_word"] is None


def test_cli_human_output(capsys):
    assert main(["match", "--text", WHISPER, "--phrase", "sixty-two percent", "--phrase", "26%"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("✓") and "62%" in lines[0]
    assert lines[1].startswith("✗") and "26%" in lines[1]


def test_cli_bad_input(capsys):
    assert main(["match", "--text", "hello", "--phrase", "  "]) == 2
    err = capsys.readouterr().err
    assert "phrase" in err and "Traceback" not in err


def test_the_scenarios_roles_are_titles_in_any_case():
    text = "I'm asking for a promotion to manager"
    assert hit(text, "promotion to marketing manager")  # no capitals, no level word: not seen as a title
    m = Matcher(text, roles=("Marketing Manager", "Marketing Specialist")).match("promotion to marketing manager")
    assert not m.hit and "role" in m.reason
    assert Matcher("promotion to marketing manager", roles=("Marketing Manager",)).match(
        "promotion to marketing manager").hit
    assert Matcher(text, roles=("",)).match("promotion to marketing manager").hit  # an empty role protects nothing
