"""Polite turn-taking: how long a pause ends the answer, given what has been said so far.

The listener asks :func:`turn_silence` at every chunk of a pause and sets the end-of-answer detector's hold from it.
It stays quick when the user has clearly finished and patient while more is coming:

- Text that lags behind the speech (its decode is still running), or ends on a word that promises more ("and",
  "because", "of the"…) -> the user's silence setting + :data:`MID_THOUGHT_EXTRA_S`: never ended on a guess.
- A trailing comma or "…", a short fragment -> the silence setting.
- A finished question -> :data:`FINISHED_S` (0.8 s); a finished statement -> :data:`STATEMENT_S` (1.3 s); never
  longer than the silence setting. This is all a short answer ever sees.
- But a finished sentence is not always a finished answer. A long structured answer is made of finished sentences
  with breaths and thoughts between them (1-2 s: tests/data/turns/long/), so the wait after a sentence grows when
  more is evidently coming:

  * an *opener* that announces more ("There are three reasons…", "I have two examples.", "I understand that…",
    "I'd like to talk about…") or an *open list* ("First, …" with no "finally"/"lastly" yet) -> mid-thought:
    silence setting + :data:`MID_THOUGHT_EXTRA_S`;
  * a long answer (:data:`LONG_ANSWER_S` of speech or more) -> a statement waits :data:`LONG_STATEMENT_S`, a
    question the silence setting;
  * this speaker's own pauses: a pause the user has already made after a finished sentence of this answer and
    gone on after, plus :data:`PAUSE_MARGIN_S`, never ends a later statement (at most the silence setting for a
    question). (:class:`TurnTaker` keeps these for the listener.)

  and never less patient after text that does not look finished (a fragment, a trailing comma, a sentence
  Whisper has not written to its end yet: "…brought response time down to 350"); unless the sentence is a
  *closing*: the ask with its timeline ("Can we agree on a review date?", "…and by when?"), "what do you think?",
  "that's all" -> the quick wait above. Every wait is at most the silence setting +
  :data:`MID_THOUGHT_EXTRA_S`; Space still ends the answer at once.
"""

from __future__ import annotations

import re

FINISHED_S = 0.8  # silence that ends an answer whose live text ends with a question (or "!")
# Whisper ends every decoded fragment with a full stop ("… and both of them." before a thinking pause), so a full
# stop is weaker evidence: a statement of at least FINISHED_MIN_WORDS words in its last sentence ends the answer
# after STATEMENT_S (measured on tests/data/turns: 0.8 s cut a 1.2 s mid-sentence pause there).
STATEMENT_S = 1.3
FINISHED_MIN_WORDS = 6
MID_THOUGHT_EXTRA_S = 1.0  # added to the user's silence setting after a word that promises more
LONG_ANSWER_S = 8.0  # seconds of speech (about two sentences) after which a statement no longer ends it quickly
LONG_STATEMENT_S = 2.1  # the wait after a statement in a long answer (1.8 s pauses between points, measured)
PAUSE_MARGIN_S = 0.3  # added to the longest pause the user has already gone on after
# Words after which a sentence cannot be over: conjunctions, prepositions, articles, fillers, auxiliaries...
CONTINUES = frozenset("""
and so because but or nor then plus although though whereas if when while until unless whether which who whose
than like um uh er ah hmm mm cause 'cause the a an my our your their its of to for with from at by about into onto
between through during without including especially namely i we they he she i'm we're they're i've we've i'd
i'll am are was were been being is has had will would can could should might must shall very
""".split())

_NUMBERS = r"(?:two|three|four|five|several|a few|a couple of|some|2|3|4|5)"
# A sentence that announces more of the answer: a count of things to come, an acknowledgement before the point,
# the intent before the evidence.
OPENER = re.compile(
    r"\b(?:" + _NUMBERS + r" (?:\w+ )?(?:reasons?|examples?|things|points|areas|ways|projects|results)\b"
    r"|let me (?:explain|start|walk)|here(?:'s| is) (?:why|what|how)"
    r"|i'd like to (?:talk|discuss)|i would like to (?:talk|discuss)|i want to (?:talk|discuss))"
    r"|^(?:i understand|i hear you|that's fair|that is fair|you're right|you are right|fair enough|i see)\b",
    re.IGNORECASE)
LIST_OPEN = re.compile(r"(?:^|[.?!]\s+)(?:first(?:ly)?|first of all|to start with|to begin with|for one)\b",
                       re.IGNORECASE)
LIST_CLOSE = re.compile(r"\b(?:finally|lastly|last of all|to sum up|in short|in summary|all in all|overall)\b",
                        re.IGNORECASE)
# The end of the pitch or of an answer to an objection: the ask and its timeline, an invitation to respond.
CLOSING = re.compile(
    r"\b(?:review (?:date|this|it|my)|(?:a|the) (?:date|timeline|time ?frame)|by when|when (?:can|could) we"
    r"|next steps?|what do you think|does that sound|how does that sound|that's all|that is all|that's it"
    r"|i'm asking (?:you )?(?:to|for)|i am asking (?:you )?(?:to|for))",
    re.IGNORECASE)


def last_word(text: str) -> str:
    words = text.strip().split()
    return words[-1].strip(".,;:!?\"'()[]…-—").lower() if words else ""


def last_sentence(text: str) -> str:
    parts = re.split(r"(?<=[.?!])\s+", text.strip())
    return parts[-1] if parts else ""


def list_open(text: str) -> bool:
    """The answer has begun a list ("First, …") and not yet closed it ("Finally, …", "Lastly, …")."""
    opened = list(LIST_OPEN.finditer(text))
    return bool(opened) and not LIST_CLOSE.search(text, opened[-1].end())


def turn_silence(text: str, silence_s: float, fresh: bool = True, *, speech_s: float = 0.0,
                 longest_pause_s: float = 0.0) -> float:
    """How long a pause ends the answer, given the live ``text`` (``fresh``: it reaches the end of the speech),
    ``speech_s`` (seconds from the first voiced sound of the answer to its last so far) and ``longest_pause_s``
    (the longest pause in this answer after which the user went on speaking). See the module's rules."""
    longest = silence_s + MID_THOUGHT_EXTRA_S
    stripped = text.strip()
    if not stripped:
        return silence_s + (0.0 if fresh else MID_THOUGHT_EXTRA_S)
    end = stripped.rstrip("\"')]")
    if not fresh or (last_word(stripped) in CONTINUES and end[-1:] != "?"):  # "…, and by when?" is a question
        return longest
    # patience: in a long answer, and after a pause this user already made after a sentence and went on
    patient = longest_pause_s + PAUSE_MARGIN_S if longest_pause_s > 0 else 0.0
    if speech_s >= LONG_ANSWER_S:
        patient = max(patient, LONG_STATEMENT_S)
    if end.endswith(("...", "…")) or end[-1:] in ",;:-—":
        return min(longest, max(silence_s, patient))
    question, statement = _question(end), _statement(end)
    sentence = last_sentence(end)
    if OPENER.search(sentence) or list_open(end):
        return longest  # more was announced: whatever the punctuation, the answer is not over
    if not (question or statement):  # a fragment (or a sentence Whisper has not finished writing)
        return min(longest, max(silence_s, patient))
    quick = min(FINISHED_S if question else STATEMENT_S, silence_s)
    if CLOSING.search(sentence):
        return quick
    if question:
        patient = min(patient, silence_s)  # a question yields the turn sooner: at most the silence setting
    return min(longest, max(quick, patient))

class TurnTaker:
    """The turn-taking state of one answer, for the listener: call :meth:`hold` at every chunk with the live text
    and the :class:`~rehearse.speech.endpoint.EndOfAnswerDetector`; it returns the wait for :func:`turn_silence`
    and remembers the pauses the user made after a finished sentence before going on (``sentence_pauses``)."""

    def __init__(self, silence_s: float):
        self.silence_s = silence_s
        self.sentence_pauses: list[float] = []
        self._seen = 0  # detector pauses looked at
        self._finished = False  # the text before the current pause looked like a finished sentence

    def hold(self, text: str, fresh: bool, detector) -> float:
        if len(detector.pauses) > self._seen:  # the user went on after a pause
            if self._finished:
                self.sentence_pauses.append(detector.pauses[-1])
            self._seen = len(detector.pauses)
            self._finished = False
        if detector.quiet_s > 0 and fresh:
            self._finished = finished(text)
        return turn_silence(text, self.silence_s, fresh, speech_s=detector.speech_s,
                            longest_pause_s=max(self.sentence_pauses, default=0.0))


def finished(text: str) -> bool:
    """The text ends with a finished-looking question or statement (as :func:`turn_silence` judges them)."""
    end = text.strip().rstrip("\"')]")
    return _question(end) or _statement(end)


def _question(end: str) -> bool:
    return end[-1:] in "?!"


def _statement(end: str) -> bool:
    return (end[-1:] == "." and not end.endswith("...") and len(last_sentence(end).split()) >= FINISHED_MIN_WORDS
            and last_word(end) not in CONTINUES
            and not last_word(end).endswith("ing"))  # "I have been mentoring." awaits its object
