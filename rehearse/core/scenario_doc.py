"""A scenario file as the user wrote it, edited field by field and saved back with its comments and order.

:class:`ScenarioDocument` wraps a tomlkit document: ``get``/``set`` read and write fields by the same dotted paths
the validator reports (``who.name``, ``pitch.evidence.items[0].number``, ``objections[2].wordings``), items of the
evidence, gaps and objections lists can be added, removed and moved, and ``problems()`` runs the very checks of
``rehearse scenario validate`` on the current text. Every text set is cleaned of pasted typography
(:mod:`rehearse.core.pasted`). The shipped example and template are never written: ``save`` refuses them, and
:func:`copy_path` gives the new file's place in the user's own scenarios folder.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import tomlkit
from tomlkit.exceptions import ParseError
from tomlkit.items import AoT, Array, Table

from rehearse.core.assets import SCENARIOS
from rehearse.core.loader import Problem, Report, validate_text
from rehearse.core.pasted import clean_text, clean_toml
from rehearse.errors import UserError

_STEP = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)|\[(\d+)\]")
# Fields that are left out of the file when empty, rather than written as "".
OPTIONAL = frozenset({"say", "name", "target_seconds", "read_aloud", "intent_buried", "no_ask", "earned_it",
                      "apologetic", "vague", "too_long"})

# New list items: the fields a fresh evidence item, gap or objection starts with (blank until filled in).
NEW_ITEMS = {
    "pitch.evidence.items": {"what": "", "outcome": "", "number": "", "say": "", "key_phrases": []},
    "pitch.gaps.items": {"gap": "", "plan": "", "say": "", "key_phrases": []},
    "objections": {"id": "", "wordings": [], "key_phrases": [], "tip": ""},
}


def parse_path(path: str) -> tuple:
    """``"pitch.evidence.items[0].what"`` -> ``("pitch", "evidence", "items", 0, "what")``."""
    steps = []
    for name, index in _STEP.findall(path):
        steps.append(int(index) if index else name)
    return tuple(steps)


def field_of(path: str) -> str:
    """The form field a problem belongs to: a list entry's problem is its list's (``…key_phrases[1]`` -> the list)."""
    return re.sub(r"\.(key_phrases|wordings|opening|read_aloud|no_timeline|gaps_not_named|no_numbers|strong|"
                  r"intent_buried|no_ask|earned_it|apologetic|vague|too_long|yes|not_yet|ambiguous)\[\d+\]$",
                  r".\1", path)


def shipped_folder() -> Path:
    return SCENARIOS.resolve()


def is_shipped(path: str | Path | None) -> bool:
    """Whether ``path`` is one of the files that come with Rehearse (the example, the template)."""
    if path is None:
        return False
    try:
        return Path(path).expanduser().resolve().parent == shipped_folder()
    except OSError:
        return False


def slug(text: str) -> str:
    words = re.findall(r"[a-z0-9]+", clean_text(text).lower())
    return "-".join(words)[:60].strip("-") or "my-scenario"


def copy_path(title: str, folder: Path) -> Path:
    """A new file name in ``folder`` (the user's scenarios folder: ``rehearse.paths.user_scenarios_dir()``) for
    ``title``, never an existing file."""
    base = slug(title.replace("<", " ").replace(">", " "))
    path = folder / f"{base}.toml"
    n = 2
    while path.exists():
        path = folder / f"{base}-{n}.toml"
        n += 1
    return path


class ScenarioDocument:
    def __init__(self, text: str, path: str | Path | None = None):
        self.path = Path(path) if path else None
        self.repaired = False  # pasted typography in the file was repaired on reading
        try:
            self.doc = tomlkit.parse(text)
        except ParseError as first:
            fixed = clean_toml(text)
            try:
                self.doc = tomlkit.parse(fixed)
            except ParseError:
                raise UserError(self._syntax(first)) from None
            self.repaired = True
        self.saved_text = text if not self.repaired else None

    # ---- making one --------------------------------------------------------------------------------------------
    @classmethod
    def from_file(cls, path: str | Path) -> "ScenarioDocument":
        path = Path(path)
        try:
            text = path.read_bytes().decode("utf-8-sig")
        except FileNotFoundError:
            raise UserError(f"{path}: no such file") from None
        except UnicodeDecodeError:
            raise UserError(f"{path}: not UTF-8 text; save it as UTF-8") from None
        except OSError as err:
            raise UserError(f"{path}: cannot read the file ({err.strerror or err})") from None
        return cls(text, path)

    @classmethod
    def new(cls) -> "ScenarioDocument":
        """A new scenario from the template: the coaching comments, the manager's lines and the common objections
        are there; the blanks are for the user. It has no file yet."""
        doc = cls((SCENARIOS / "promotion.toml").read_text(encoding="utf-8"))
        _clear_blanks(doc.doc)
        doc.saved_text = None
        return doc

    def _syntax(self, err: ParseError) -> str:
        name = str(self.path) if self.path else "<scenario>"
        line = getattr(err, "line", None)
        col = getattr(err, "col", None)
        where = f"{name}:{line}" if line else name
        what = str(err).split(" at line ")[0]
        return f"{where}: TOML syntax error: {what}" + (f" (column {col})" if col else "")

    # ---- reading and writing fields ----------------------------------------------------------------------------
    def _container(self, steps: tuple, create: bool = False):
        node = self.doc
        for step in steps:
            if isinstance(step, int):
                if not isinstance(node, (AoT, Array, list)) or step >= len(node):
                    return None
                node = node[step]
            else:
                if not hasattr(node, "get"):
                    return None
                child = node.get(step)
                if child is None:
                    if not create:
                        return None
                    child = tomlkit.table()
                    node[step] = child
                node = child
        return node

    def get(self, path: str, default=None):
        steps = parse_path(path)
        parent = self._container(steps[:-1])
        if parent is None:
            return default
        last = steps[-1]
        try:
            value = parent[last]
        except (KeyError, IndexError, TypeError):
            return default
        return value.unwrap() if hasattr(value, "unwrap") else value

    def set(self, path: str, value) -> bool:
        """Set a field; texts and lists of texts are cleaned. Returns whether the document changed."""
        steps = parse_path(path)
        parent = self._container(steps[:-1], create=True)
        if parent is None:
            raise KeyError(path)
        key = steps[-1]
        if isinstance(value, str):
            value = clean_text(value)
        elif isinstance(value, (list, tuple)):
            value = [clean_text(v) for v in value if clean_text(v)]
        old = self.get(path)
        if value == old:
            return False
        empty = value in ("", [], None)
        if empty and key in OPTIONAL:
            if key in parent:
                del parent[key]
                return True
            return False
        if isinstance(value, list) and isinstance(parent.get(key), Array) and len(value) > 3:
            array = tomlkit.array()
            array.extend(value)
            array.multiline(True)
            parent[key] = array
        else:
            parent[key] = value
        return True

    # ---- lists of items ----------------------------------------------------------------------------------------
    def count(self, list_path: str) -> int:
        items = self._container(parse_path(list_path))
        return len(items) if items is not None else 0

    def add_item(self, list_path: str, values: dict | None = None) -> int:
        """Append an item (a table) to an evidence, gaps or objections list; returns its index."""
        steps = parse_path(list_path)
        parent = self._container(steps[:-1], create=True)
        fresh = dict(NEW_ITEMS.get(list_path, {}))
        fresh.update(values or {})
        table = tomlkit.table()
        for key, value in fresh.items():
            if value in ("", []) and key in OPTIONAL:
                continue
            table[key] = [clean_text(v) for v in value] if isinstance(value, list) else (
                clean_text(value) if isinstance(value, str) else value)
        items = parent.get(steps[-1])
        if items is None:
            items = tomlkit.aot()
            parent[steps[-1]] = items
        items.append(table)
        return len(items) - 1

    def remove_item(self, list_path: str, index: int) -> None:
        items = self._container(parse_path(list_path))
        if items is None or not 0 <= index < len(items):
            raise IndexError(index)
        del items[index]

    def move_item(self, list_path: str, index: int, to: int) -> None:
        """Move item ``index`` to position ``to`` (the others keep their order)."""
        items = self._container(parse_path(list_path))
        n = len(items) if items is not None else 0
        if not (0 <= index < n and 0 <= to < n) or index == to:
            return
        tables = [items[i] for i in range(n)]
        values = [t.unwrap() for t in tables]
        moved = values.pop(index)
        values.insert(to, moved)
        # rewrite the fields in place so the blocks (and comments between them) stay where they are
        for table, value in zip(tables, values):
            for key in list(table.keys()):
                if key not in value:
                    del table[key]
            for key, v in value.items():
                table[key] = v

    # ---- the whole -----------------------------------------------------------------------------------------------
    def text(self) -> str:
        return tomlkit.dumps(self.doc)

    @property
    def dirty(self) -> bool:
        return self.saved_text != self.text()

    @property
    def shipped(self) -> bool:
        return is_shipped(self.path)

    def report(self) -> Report:
        return validate_text(self.text(), str(self.path) if self.path else "<new scenario>")

    def problems(self) -> tuple[list[Problem], list[Problem]]:
        report = self.report()
        return report.errors, report.warnings

    def save(self, path: str | Path | None = None) -> Path:
        """Write the document to ``path`` (default: its own file). Refuses the shipped files."""
        target = Path(path) if path else self.path
        if target is None:
            raise UserError("choose where to save this scenario")
        if is_shipped(target):
            raise UserError(f"{target}: this file comes with Rehearse and is never changed; save a copy instead")
        text = self.text()
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
            tmp.write_text(text, encoding="utf-8")
            os.replace(tmp, target)
        except OSError as err:
            raise UserError(f"{target}: cannot save ({err.strerror or err})") from None
        self.path = target
        self.saved_text = text
        return target


_WHOLE_BLANK = re.compile(r"^<[^<>]*>$")


def _clear_blanks(node) -> None:
    """Empty the template's fields that are nothing but a <blank>, so the form shows them empty (a blank inside a
    sentence, like "promotion to <your target role>", stays as a starter to complete)."""
    for key in list(node.keys()):
        value = node[key]
        if isinstance(value, AoT):
            for table in value:
                _clear_blanks(table)
        elif isinstance(value, (Table, dict)) and hasattr(value, "keys"):
            _clear_blanks(value)
        elif isinstance(value, str) and _WHOLE_BLANK.match(value):
            node[key] = ""
        elif isinstance(value, list) and any(isinstance(v, str) and _WHOLE_BLANK.match(v) for v in value):
            node[key] = [v for v in value if not (isinstance(v, str) and _WHOLE_BLANK.match(v))]


# ---- problems in plain words ----------------------------------------------------------------------------------
_PLAIN = [
    (re.compile(r"^fill in this blank: (<.*>)$"), lambda m: f"Replace {m.group(1)} with your own words."),
    (re.compile(r"^(missing|is empty)$"), lambda m: "Please fill this in."),
    (re.compile(r"^missing \(a list.*\)$|^is an empty list.*$"), lambda m: "Add at least one (one a line)."),
    (re.compile(r"^missing \(add one or more.*\)$"), lambda m: "Add at least one."),
    (re.compile(r"^'(.*)' has no words to listen for.*$"),
     lambda m: f"“{m.group(1)}” has nothing the app can listen for: use English words or numbers."),
    (re.compile(r"^unknown persona.*$"), lambda m: "Choose supportive, skeptical or busy."),
    (re.compile(r"^should be a positive number of seconds.*$"), lambda m: "Give a number of seconds above 0."),
    (re.compile(r"^'(.*)' is not a plain id.*$"),
     lambda m: "Use lower-case letters, digits and _ only, e.g. not_yet."),
    (re.compile(r"^duplicate objection id '(.*)'.*$"), lambda m: f"Another objection is already called {m.group(1)}."),
    (re.compile(r"^unknown placeholder \{(\w+)\} \(allowed: (.*)\)$"),
     lambda m: f"{{{m.group(1)}}} is not a name the app can fill in; use {m.group(2)}."),
    (re.compile(r"^bad placeholder.*$"), lambda m: "A brace { or } is not closed; write {{ or }} for a brace itself."),
    (re.compile(r"^has no digits.*$"), lambda m: "Add a number your manager can repeat, e.g. 62% or 3 weeks."),
    (re.compile(r"^has (\d+) items; 3 to 5.*$"), lambda m: f"You have {m.group(1)}; 3 to 5 strong items work best."),
]


def plain(message: str) -> str:
    """A validator message in plain words for the form (no TOML terms)."""
    for pattern, say in _PLAIN:
        found = pattern.match(message)
        if found:
            return say(found)
    return message[:1].upper() + message[1:]
