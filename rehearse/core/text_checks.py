"""Cheap checks on scenario text before and while it is read.

- :func:`too_deep`: tomllib reads nested arrays and inline tables recursively, so a few thousand ``[`` exhaust
  Python's stack (RecursionError). This scan finds nesting past a limit first.
- :func:`has_line_break`: one-line fields (names, roles, titles) must not hold a line break: they end up in places
  such as an email's header, where a break starts a new header ("Bcc: …").
"""

from __future__ import annotations

import re

MAX_DEPTH = 20  # tables and lists nested deeper than this are not a scenario
LINE_BREAKS = re.compile("[\r\n\v\f\x1c-\x1e\x85\u2028\u2029]")


def has_line_break(value: str) -> bool:
    """True when ``value`` (its ends trimmed) holds a line break of any kind."""
    return bool(LINE_BREAKS.search(value.strip()))


def too_deep(text: str, max_depth: int = MAX_DEPTH) -> int | None:
    """The line where inline arrays/tables open more than max_depth deep (outside strings and comments), or None.

    tomllib reads nested values recursively: a few thousand ``[`` exhaust Python's stack (RecursionError). This
    scan is a cheap upper bound of the nesting; real scenarios are far below it.
    """
    if text.count("[") + text.count("{") <= max_depth:
        return None
    depth, line, i, n = 0, 1, 0, len(text)
    quote = None
    while i < n:
        ch = text[i]
        if ch == "\n":
            line += 1
            if quote in ('"', "'"):
                quote = None  # a one-line string cannot go on; tomllib reports it
        elif quote:
            if ch == "\\" and quote in ('"', '"""'):
                i += 2
                continue
            if text.startswith(quote, i):
                i += len(quote)
                quote = None
                continue
        elif ch == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end
            continue
        elif ch in "\"'":
            quote = ch * 3 if text.startswith(ch * 3, i) else ch
            i += len(quote)
            continue
        elif ch in "[{":
            depth += 1
            if depth > max_depth:
                return line
        elif ch in "]}":
            depth = max(0, depth - 1)
        i += 1
    return None
