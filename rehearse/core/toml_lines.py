"""Which line of a (valid) TOML document each key, table and array element is on.

``tomllib`` gives values but no positions; validation messages want ``FILE:LINE: field.path: message``. This walks
the source once and maps key paths such as ``("pitch", "evidence", "items", 2, "number")`` to 1-based line numbers.
It only runs on text that ``tomllib`` has already accepted, so it can be simple about the grammar.
"""

from __future__ import annotations

import bisect

KeyPath = tuple  # where a value sits: its str keys and int indexes, from the top of the file


def key_lines(text: str) -> dict[KeyPath, int]:
    """Map every key path (tables, keys, arrays of tables, elements of arrays) to the line it starts on."""
    starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]

    def line_of(pos: int) -> int:
        return bisect.bisect_right(starts, pos)

    found: dict[KeyPath, int] = {}
    counts: dict[KeyPath, int] = {}  # array of tables path -> last index
    current: KeyPath = ()
    pos, n = 0, len(text)
    while pos < n:
        pos = _skip_blank(text, pos)
        if pos >= n:
            break
        if text[pos] == "[":
            double = text.startswith("[[", pos)
            end = text.index("]", pos)
            parts = _split_key(text[pos + (2 if double else 1) : end])
            current = _resolve(parts[:-1], counts) + (parts[-1],) if double else _resolve(parts, counts)
            if double:
                counts[current] = counts.get(current, -1) + 1
                current = current + (counts[current],)
            found.setdefault(current, line_of(pos))
            pos = text.find("\n", end)
            pos = n if pos < 0 else pos
            continue
        eq = _find_equals(text, pos)
        parts = _split_key(text[pos:eq])
        for i in range(1, len(parts) + 1):
            found.setdefault(current + tuple(parts[:i]), line_of(pos))
        full = current + tuple(parts)
        pos, elements = _scan_value(text, eq + 1)
        for index, element_pos in enumerate(elements):
            found.setdefault(full + (index,), line_of(element_pos))
    return found


def line_for(lines: dict[KeyPath, int], path: KeyPath) -> int | None:
    """The line of ``path``, or of its nearest enclosing key that has one."""
    path = tuple(path)
    while path:
        if path in lines:
            return lines[path]
        path = path[:-1]
    return None


def _resolve(parts: list[str], counts: dict[KeyPath, int]) -> KeyPath:
    """A dotted header name as a path, with the current index of every array of tables it passes through."""
    path: KeyPath = ()
    for part in parts:
        path = path + (part,)
        if path in counts:
            path = path + (counts[path],)
    return path


def _skip_blank(text: str, pos: int) -> int:
    n = len(text)
    while pos < n:
        ch = text[pos]
        if ch in " \t\r\n":
            pos += 1
        elif ch == "#":
            nl = text.find("\n", pos)
            pos = n if nl < 0 else nl + 1
        else:
            break
    return pos


def _split_key(raw: str) -> list[str]:
    """``a."b.c".d`` -> ["a", "b.c", "d"]."""
    parts, buf, quote, i = [], "", None, 0
    raw = raw.strip()
    while i < len(raw):
        ch = raw[i]
        if quote:
            if ch == "\\" and quote == '"' and i + 1 < len(raw):
                buf += raw[i + 1]
                i += 2
                continue
            if ch == quote:
                quote = None
            else:
                buf += ch
        elif ch in "\"'":
            quote = ch
        elif ch == ".":
            parts.append(buf.strip())
            buf = ""
        else:
            buf += ch
        i += 1
    parts.append(buf.strip())
    return parts


def _find_equals(text: str, pos: int) -> int:
    quote = None
    while pos < len(text):
        ch = text[pos]
        if quote:
            if ch == quote:
                quote = None
        elif ch in "\"'":
            quote = ch
        elif ch == "=":
            return pos
        pos += 1
    return pos


def _skip_string(text: str, pos: int) -> int:
    """Position just after the string that starts at ``pos``."""
    for triple in ('"""', "'''"):
        if text.startswith(triple, pos):
            end = pos + 3
            while True:
                end = text.index(triple, end)
                if triple[0] == '"' and _escaped(text, end):
                    end += 1
                    continue
                # a closing run may be up to five quotes long
                while text.startswith(triple[0], end + 3):
                    end += 1
                return end + 3
    quote = text[pos]
    end = pos + 1
    while text[end] != quote:
        end += 2 if (quote == '"' and text[end] == "\\") else 1
    return end + 1


def _escaped(text: str, pos: int) -> bool:
    backslashes = 0
    while pos - 1 - backslashes >= 0 and text[pos - 1 - backslashes] == "\\":
        backslashes += 1
    return backslashes % 2 == 1


def _scan_value(text: str, pos: int) -> tuple[int, list[int]]:
    """Skip the value that starts after ``=``; return the end and the start of each top-level array element."""
    n = len(text)
    depth, elements, expect_element = 0, [], False
    while pos < n:
        ch = text[pos]
        if ch in "\"'":
            if depth == 1 and expect_element:
                elements.append(pos)
                expect_element = False
            pos = _skip_string(text, pos)
            continue
        if ch == "#":
            nl = text.find("\n", pos)
            pos = n if nl < 0 else nl
            continue
        if ch == "\n" and depth == 0:
            return pos + 1, elements
        if ch in "[{":
            if depth == 1 and expect_element:
                elements.append(pos)
                expect_element = False
            depth += 1
            if depth == 1 and ch == "[":
                expect_element = True
        elif ch in "]}":
            depth -= 1
        elif ch == "," and depth == 1:
            expect_element = True
        elif depth == 1 and expect_element and ch not in " \t\r\n":
            elements.append(pos)
            expect_element = False
        pos += 1
    return pos, elements
