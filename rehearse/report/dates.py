"""Dates in what was said: which words are a date, which date is the one for the review, and how to write it."""

from __future__ import annotations

import re

MONTHS = ("January February March April May June July August September October November December "
          "Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec").split()
_MONTH = r"\b(?:" + "|".join(MONTHS) + r")\b\.?"
_DAY = r"\b\d{1,2}(?:st|nd|rd|th)?\b"
_YEAR = r"(?:,? \d{4})?"
_COUNT = r"(?:\d+|one|two|three|four|five|six|eight|nine|ten|twelve|a few|a couple of)"
DATE_PATTERNS = [
    # a month needs a day, or a word before it that makes it a date ("may" and "march" are also verbs)
    rf"{_DAY} (?:of )?{_MONTH}{_YEAR}",
    rf"{_MONTH} {_DAY}{_YEAR}",
    rf"\b(?:in|by|before|until|from|after|early|late|mid-?) ?{_MONTH}(?: {_DAY})?{_YEAR}",
    r"\d{4}-\d{2}-\d{2}",
    r"\bQ[1-4](?: \d{4})?",
    rf"\bin {_COUNT} (?:weeks?|months?)(?: time)?",
    rf"\b(?:the )?(?:end|start|beginning|middle) of (?:the |this )?(?:next )?(?:quarter|year|month|half|{_MONTH})",
    r"\b(?:next|this|the next|the following) (?:quarter|(?:promotion |review )?cycle|half|year|month|week)",
    r"\b(?:next )?(?:Monday|Tuesday|Wednesday|Thursday|Friday)",
    r"\bmid-year\b",
]
DATE_RE = re.compile("|".join(f"(?:{p})" for p in DATE_PATTERNS), re.IGNORECASE)
REVIEW_CUE = re.compile(r"\b(review|revisit|check in|check-in|meet|decide|decision|follow up|look at this again|"
                        r"come back|catch up|talk again)\b", re.IGNORECASE)
# what makes a user's date a date for the review ("the design review next quarter" is a plan's date)
REVIEW_ASK = re.compile(r"\b(review date|review (?:this|it|that|my progress|again)|revisit|check[- ]in|decide|"
                        r"decision|come back|look at (?:this|it) again|talk again|follow up|catch up)\b",
                        re.IGNORECASE)


EFFECTIVE_CUE = re.compile(r"\b(effective|starting|start|from|backdated|as of)\b", re.IGNORECASE)


def review_date(sentences: list[str], questions: bool = False, cue_re: re.Pattern | None = None) -> str | None:
    """The first date after a review cue ("could we put a review date in the calendar, in March?"); with
    ``questions``, also a date put as a question ("Could we say the end of March?"). A plan's date ("I'll lead the
    design review next quarter.") is neither."""
    for sentence in sentences:
        cue = (cue_re or REVIEW_ASK).search(sentence)
        match = DATE_RE.search(sentence, cue.end()) if cue else None
        if match is None and questions and sentence.rstrip().endswith("?"):
            match = DATE_RE.search(sentence)
        if match:
            return match.group(0).strip()
    return None


def date_phrase(when: str) -> str:
    """``March 15th`` -> ``on March 15th``; ``March`` -> ``in March``; ``next quarter`` stays; blanks stay."""
    lower = when.lower()
    if when.startswith("[") or lower.startswith(("in ", "by ", "before ", "next ", "this ", "on ", "at ", "mid",
                                                     "from ", "after ", "until ", "early ", "late ")):
        return when
    if lower.startswith(("the end", "the start", "the beginning", "the middle", "end", "start", "beginning",
                         "middle")):
        return "at " + (when if lower.startswith("the ") else "the " + when)
    if lower.startswith(("the next", "the following")):
        return "in " + when
    if re.fullmatch(rf"{_MONTH}(?:,? \d{{4}})?|Q[1-4](?: \d{{4}})?", when, re.IGNORECASE):
        return "in " + when
    return "on " + when
