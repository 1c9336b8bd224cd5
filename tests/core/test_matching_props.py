"""Property tests: the matcher never crashes, and always finds a phrase that is in the text verbatim."""

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from rehearse.core.matching import Matcher, match_phrase
from rehearse.core.normalize import tokenize

WORDS = ["i", "led", "the", "OAuth", "migration", "62%", "sixty", "two", "percent", "$400,000", "senior", "engineer",
         "um", "uh", "haven't", "not", "follow-up", "one-on-ones", "a", "twenty", "twenty-three", "2023", "point", "oh",
         "Logan-related", "tickets,", "I'm", "team's", "—", "...", "1:1s", "3rd", "first", "million", "$1.2M", "&"]
word = st.one_of(st.sampled_from(WORDS), st.text(min_size=1, max_size=12).filter(lambda s: not any(c.isspace() for c in s)))
words = st.lists(word, max_size=25)
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(st.text(max_size=200), st.text(max_size=60))
def test_never_crashes_on_arbitrary_text(text, phrase):
    m = match_phrase(text, phrase)
    assert 0 <= m.score <= 100
    n = len(text.split())
    if m.hit:
        assert 0 <= m.start_word <= m.end_word < n
    for t in tokenize(text):
        assert 0 <= t.first <= t.last < n


@SETTINGS
@given(words, words, st.lists(word, min_size=1, max_size=6))
def test_finds_a_phrase_contained_verbatim(before, after, phrase_words):
    phrase = " ".join(phrase_words)
    wanted = [t.text for t in tokenize(phrase)]
    assume(wanted)  # not only punctuation
    text_words = before + phrase_words + after
    # number words run together with their neighbours ("sixty" + "two" is 62, which does not contain 60): the
    # property is about phrases that are still themselves in the text
    around = [t.text for t in tokenize(" ".join(text_words))]
    assume(any(around[i:i + len(wanted)] == wanted for i in range(len(around))))
    m = Matcher(" ".join(text_words)).match(phrase)
    assert m.hit, (phrase, text_words, m)
    assert m.score >= 90
    assert m.heard == " ".join(text_words[m.start_word:m.end_word + 1])
    # the span is where we put the phrase, or another place that says it word for word
    start, end = len(before), len(before) + len(phrase_words) - 1
    if not (m.start_word <= end and m.end_word >= start):
        heard = [t.text for t in tokenize(m.heard)]
        assert any(heard[i:i + len(wanted)] == wanted for i in range(len(heard))), (heard, wanted)


@SETTINGS
@given(words, words, st.lists(word, min_size=1, max_size=6))
def test_finds_a_phrase_set_off_by_plain_words(before, after, phrase_words):
    phrase = " ".join(phrase_words)
    assume(tokenize(phrase))
    text_words = before + ["then"] + phrase_words + ["and", "so", "on"] + after
    m = Matcher(" ".join(text_words)).match(phrase)
    assert m.hit and m.score >= 90, (phrase, text_words, m)


PLAIN = st.lists(st.sampled_from("we cut the tickets by about percent saved dollars in last year our team".split()),
                 min_size=0, max_size=4)


def spoken(n: int) -> str:
    """How Vosk prints a number: words, no punctuation ("sixty two", "one thousand two hundred and five")."""
    from num2words import num2words

    return num2words(n).replace(",", "").replace("-", " ")


@SETTINGS
@given(PLAIN, PLAIN, st.integers(0, 999_999), st.integers(0, 999_999))
def test_numbers_match_spoken_or_written_and_only_the_same_number(before, after, said, prepared):
    phrase = f"reduced tickets by {prepared:,}%"  # as written in a scenario
    text = " ".join(before + ["reduced", "tickets", "by", spoken(said), "percent"] + after)
    m = match_phrase(text, phrase)
    assert m.hit is (said == prepared), (text, phrase, m)
