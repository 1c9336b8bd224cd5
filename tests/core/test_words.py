"""The word-list pattern syntax (assets/words/README.md): wildcards, alternatives, optional words, numbers."""

from rehearse.core.analysers.words import compile_phrase, find, parse_list
from rehearse.core.normalize import tokenize


def found(pattern: str, text: str) -> list[str]:
    tokens = tokenize(text)
    return [" ".join(t.text for t in tokens[f.first_token : f.last_token + 1])
            for f in find(tokens, [compile_phrase(pattern)])]


def test_alternatives_and_optional_words():
    p = "i (know|realise) you are (really |so |)(busy|swamped)"
    assert found(p, "Sorry, I know you're busy") == ["i know you are busy"]
    assert found(p, "I realise you're really swamped right now") == ["i realise you are really swamped"]
    assert found(p, "I know you are free") == []


def test_numbers_and_wildcards():
    assert found("in <n> (weeks|months)", "Can we look again in six weeks?") == ["in 6 weeks"]
    assert found("in <n> (weeks|months)", "in a few weeks") == []
    assert found("i have been here * years", "I've been here for almost 6 years") == [
        "i have been here for almost 6 years"]


def test_contractions_inside_patterns():
    assert found("it is my turn", "Honestly, it's my turn.") == ["it is my turn"]


def test_malformed_patterns_are_skipped():
    assert compile_phrase("(unclosed") is None and compile_phrase("* leading") is None
    assert compile_phrase("trailing *") is None and compile_phrase("a * * b") is None
    assert [p.phrase for p in parse_list("good (one|two)\n(bad\n# comment\nx # trailing comment\n")] == [
        "good (one|two)", "x"]


def test_longest_match_claims_the_words_once():
    tokens = tokenize("I am so sorry to bother you")
    pats = parse_list("(i am |)(so |)sorry\nsorry to (bother you|bother)\n")
    got = [(f.phrase, f.first_token, f.last_token) for f in find(tokens, pats)]
    assert got == [("sorry to (bother you|bother)", 3, 6)]
