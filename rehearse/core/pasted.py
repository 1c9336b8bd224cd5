"""Text pasted from a word processor or a web page, made plain: curly quotes, non-breaking spaces, smart dashes.

Word processors turn ``"`` into ``“ ”``, ``'`` into ``’``, ``-`` into ``–``/``—`` and put non-breaking spaces after
numbers. In a form field these are only normalised; in a scenario file they used to be TOML syntax errors ("Invalid
value (column 7)") when they stood where TOML expects a straight quote, so :func:`clean_toml` also repairs those.
"""

from __future__ import annotations

import re

# Characters replaced in every text the user types or pastes.
_PLAIN = str.maketrans({
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u00ab": '"', "\u00bb": '"', "\u2033": '"',
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'", "\u02bc": "'",
    "\u00a0": " ", "\u2007": " ", "\u202f": " ", "\u2009": " ", "\u200a": " ", "\u2002": " ", "\u2003": " ",
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-",
    "\u200b": None, "\u200c": None, "\u200d": None, "\u2060": None, "\ufeff": None, "\u00ad": None,
    "\u2026": "...",
})
_SPACES = re.compile(r"[ \t]{2,}")
_LINE_BREAKS = re.compile(r"\s*[\r\n\u2028\u2029]+\s*")


def clean_text(text: str, one_line: bool = True) -> str:
    """``text`` with typographic characters made plain and, for ``one_line``, line breaks turned into spaces.

    >>> clean_text("I\u2019m asking for \u201cSenior\u00a0Manager\u201d \u2014 this cycle")
    'I\\'m asking for "Senior Manager" - this cycle'
    """
    text = (text or "").translate(_PLAIN)
    if one_line:
        text = _LINE_BREAKS.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def plain_chars(text: str) -> str:
    """Only the character replacements of :func:`clean_text` (nothing trimmed): safe while the user types."""
    return (text or "").translate(_PLAIN)


def clean_lines(text: str) -> list[str]:
    """One cleaned entry per non-empty line (lists typed one item a line: key phrases, wordings, lines)."""
    return [line for line in (clean_text(part) for part in (text or "").splitlines()) if line]


# A curly quote standing where TOML needs a straight one: right after ``=``, ``[`` or ``,`` (opening), or right
# before ``,``, ``]``, ``#`` or the end of the line (closing). Curly quotes inside a string are left for clean_text.
_OPEN = re.compile(r"""((?:^|=|\[|,)[ \t]*)[\u201c\u201d\u201e\u00ab\u00bb]""", re.MULTILINE)
_CLOSE = re.compile(r"""[\u201c\u201d\u00bb\u00ab](?=[ \t]*(?:,|\]|#|$))""", re.MULTILINE)
_OPEN_S = re.compile(r"""((?:^|=|\[|,)[ \t]*)[\u2018\u2019]""", re.MULTILINE)
_CLOSE_S = re.compile(r"""[\u2018\u2019](?=[ \t]*(?:,|\]|#|$))""", re.MULTILINE)
_BAD_SPACE = re.compile(r"[\u00a0\u2007\u202f\u2009\u200a\u2002\u2003]")
_ZERO_WIDTH = re.compile(r"[\u200b\u200c\u200d\u2060\ufeff]")


def clean_toml(text: str) -> str:
    """A TOML text whose pasted typography would be syntax errors, repaired.

    Curly quotes used as string delimiters become straight quotes, non-breaking spaces become spaces and zero-width
    characters go. Inside strings only the spaces change; everything else is as it was.
    """
    text = _ZERO_WIDTH.sub("", text)
    text = _BAD_SPACE.sub(" ", text)
    text = _OPEN.sub(lambda m: m.group(1) + '"', text)
    text = _CLOSE.sub('"', text)
    text = _OPEN_S.sub(lambda m: m.group(1) + "'", text)
    text = _CLOSE_S.sub("'", text)
    return text
