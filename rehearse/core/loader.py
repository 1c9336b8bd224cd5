"""Load a scenario TOML file and check it, reporting every problem at once.

``load_scenario(path)`` returns a :class:`Scenario` or raises :class:`ScenarioError` (a ``UserError``) whose message
lists one problem a line: ``FILE:LINE: message`` for TOML syntax errors and ``FILE:LINE: field.path: message`` for
content errors (``FILE: field.path: message`` when no line can be found). ``validate_file`` returns the same
problems without raising, plus warnings about the coaching guidance (e.g. 3–5 evidence items).
"""

from __future__ import annotations

import math
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from rehearse.core import scenario as sc
from rehearse.core.normalize import tokenize
from rehearse.core.text_checks import MAX_DEPTH, has_line_break, too_deep
from rehearse.core.toml_lines import key_lines, line_for
from rehearse.errors import UserError
from rehearse.fileio import read_regular

BLANK = re.compile(r"<[^<>\n]{1,80}>")
ID = re.compile(r"^[a-z][a-z0-9_]*$")
# Fields that may hold several lines; every other text is one line (names and roles go into email headers).
MULTI_LINE = ("say", "tip")
MAX_SCENARIO_BYTES = 1024 * 1024  # a scenario is a few kilobytes of text
_TYPOGRAPHY = re.compile("[\u201c\u201d\u201e\u2018\u2019\u00a0\u202f\u2007\u200b\ufeff]")


@dataclass
class Problem:
    file: str
    message: str
    path: str = ""  # field.path, empty for file-level problems
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


class ScenarioError(UserError):
    """A scenario file that cannot be used; ``problems`` lists every problem found."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class Report:
    file: str
    scenario: sc.Scenario | None
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def to_dict(self) -> dict:
        return {"ok": self.ok, "errors": [str(p) for p in self.errors], "warnings": [str(p) for p in self.warnings]}


def load_scenario(path: str | Path) -> sc.Scenario:
    report = validate_file(path)
    if report.errors:
        raise ScenarioError(report.errors)
    return report.scenario


def loads_scenario(text: str, name: str = "<scenario>") -> sc.Scenario:
    report = validate_text(text, name)
    if report.errors:
        raise ScenarioError(report.errors)
    return report.scenario


def validate_file(path: str | Path) -> Report:
    name = str(path)
    if not name.strip():  # Path("") is the current folder
        return Report(name, None, [Problem("(empty file name)", "give the scenario file's name")])
    try:
        raw = read_regular(path, MAX_SCENARIO_BYTES, "scenario file")
    except UserError as err:  # missing, a folder, a FIFO or device, unreadable, too large
        message = str(err)
        prefix = f"{Path(path)}: "
        return Report(name, None, [Problem(name, message[len(prefix):] if message.startswith(prefix) else message)])
    if b"\x00" in raw:
        return Report(name, None, [Problem(name, "not a text file (binary data); a scenario is a TOML text file")])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        return Report(name, None, [Problem(name, f"not UTF-8 text (bad byte at offset {err.start}); save it as UTF-8")])
    return validate_text(text, name)


def validate_text(text: str, name: str = "<scenario>") -> Report:
    if not text.strip():
        return Report(name, None, [Problem(name, "the file is empty; start from `rehearse scenario new FILE`")])
    deep = too_deep(text, MAX_DEPTH)
    if deep:
        return Report(name, None, [Problem(name, f"tables or lists nested more than {MAX_DEPTH} deep; "
                                                 "a scenario needs at most 4 levels", line=deep)])
    try:
        data = tomllib.loads(text)
    except RecursionError:
        return Report(name, None, [Problem(name, "tables or lists nested too deeply to read")])
    except tomllib.TOMLDecodeError as err:
        message = str(err)
        found = re.search(r"\(at line (\d+), column (\d+)\)$", message)
        line = int(found.group(1)) if found else None
        if found:
            message = f"{message[: found.start()].strip()} (column {found.group(2)})"
        elif "end of document" in message:
            line = text.count("\n") + 1
        lines = text.splitlines()
        if line and line <= len(lines) and _TYPOGRAPHY.search(lines[line - 1]):
            message += ("; this line has curly quotes, a non-breaking space or another character pasted from a word "
                        "processor: use straight quotes \" (the app's Edit… form repairs them for you)")
        return Report(name, None, [Problem(name, f"TOML syntax error: {message}", line=line)])
    checker = _Checker(name, key_lines(text))
    scenario = checker.scenario(data)
    checker.errors.sort(key=lambda p: p.line or 0)
    checker.warnings.sort(key=lambda p: p.line or 0)
    if not checker.errors:
        scenario.path = name
    return Report(name, None if checker.errors else scenario, checker.errors, checker.warnings)


def _dotted(path: tuple) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


class _Missing(dict):
    """A table that is not there; already reported, so nothing inside it is reported again."""


class _Checker:
    """Builds the dataclasses while collecting every problem (never stops at the first)."""

    def __init__(self, name: str, lines: dict):
        self.name, self.lines = name, lines
        self.errors: list[Problem] = []
        self.warnings: list[Problem] = []

    def error(self, path: tuple, message: str) -> None:
        self.errors.append(Problem(self.name, message, _dotted(path), line_for(self.lines, path)))

    def warn(self, path: tuple, message: str) -> None:
        self.warnings.append(Problem(self.name, message, _dotted(path), line_for(self.lines, path)))

    # --- field readers -------------------------------------------------------------------------------------
    def table(self, parent: dict, key: str, path: tuple, known: tuple[str, ...]) -> dict:
        value = parent.get(key)
        here = path + (key,)
        if isinstance(parent, _Missing):
            return _Missing()
        if value is None:
            self.error(here, f"missing (add a [{_dotted(here)}] table)")
            return _Missing()
        if not isinstance(value, dict):
            self.error(here, f"should be a table ([{_dotted(here)}]), not {_kind(value)}")
            return _Missing()
        self.unknown(value, here, known)
        return value

    def unknown(self, table: dict, path: tuple, known: tuple[str, ...]) -> None:
        for key in table:
            if key not in known:
                self.error(path + (key,), f"unknown field (expected one of: {', '.join(known)})")

    def text(self, table: dict, key: str, path: tuple, required: bool = True) -> str:
        here = path + (key,)
        value = table.get(key)
        if value is None:
            if required and not isinstance(table, _Missing):
                self.error(here, "missing")
            return ""
        if not isinstance(value, str):
            self.error(here, f"should be text in quotes, not {_kind(value)}")
            return ""
        if required and not value.strip():
            self.error(here, "is empty")
        if key not in MULTI_LINE and has_line_break(value):
            self.error(here, "must be one line (it contains a line break)")
            return ""
        self.blanks(here, value)
        return value.strip()

    def texts(self, table: dict, key: str, path: tuple, required: bool = True) -> list[str]:
        here = path + (key,)
        value = table.get(key)
        if value is None:
            if required and not isinstance(table, _Missing):
                self.error(here, "missing (a list of one or more texts in quotes)")
            return []
        if not isinstance(value, list):
            self.error(here, f'should be a list like ["…", "…"], not {_kind(value)}')
            return []
        if not value and required:
            self.error(here, "is an empty list; give at least one")
        out = []
        for i, item in enumerate(value):
            if not isinstance(item, str):
                self.error(here + (i,), f"should be text in quotes, not {_kind(item)}")
            elif not item.strip():
                self.error(here + (i,), "is empty")
            elif has_line_break(item):
                self.error(here + (i,), "must be one line (it contains a line break)")
            elif key == "key_phrases" and not tokenize(item):  # punctuation or a non-Latin script: never heard
                self.error(here + (i,), f"{item!r} has no words to listen for (English letters or numbers)")
            else:
                self.blanks(here + (i,), item)
                out.append(item.strip())
        return out

    def seconds(self, table: dict, path: tuple) -> float | None:
        here = path + ("target_seconds",)
        value = table.get("target_seconds")
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value < math.inf:
            self.error(here, f"should be a positive number of seconds, not {_kind(value)}")
            return None
        return float(value)

    def tables(self, table: dict, key: str, path: tuple, known: tuple[str, ...]) -> list[tuple[tuple, dict]]:
        here = path + (key,)
        value = table.get(key)
        if isinstance(table, _Missing):
            return []
        if value is None:
            self.error(here, f"missing (add one or more [[{_dotted(here)}]] tables)")
            return []
        if not isinstance(value, list):
            self.error(here, f"should be a list of [[{_dotted(here)}]] tables, not {_kind(value)}")
            return []
        if not value:
            self.error(here, "is an empty list; give at least one")
        out = []
        for i, item in enumerate(value):
            if not isinstance(item, dict):
                block = f"[[{_dotted(here)}]]"
                self.error(here + (i,), f"should be a table ({{…}} or a {block} block), not {_kind(item)}")
                continue
            self.unknown(item, here + (i,), known)
            out.append((here + (i,), item))
        return out

    def blanks(self, path: tuple, value: str) -> None:
        blank = BLANK.search(value)
        if blank:
            self.error(path, f"fill in this blank: {blank.group(0)}")

    def placeholders(self, path: tuple, lines: list[str]) -> None:
        for i, line in enumerate(lines):
            try:
                names = sc.placeholder_names(line)
            except ValueError as err:
                self.error(path + (i,), f"{err}; use {{{'}, {'.join(sc.PLACEHOLDERS)}}} or double the brace")
                continue
            for name in names:
                if name not in sc.PLACEHOLDERS:
                    allowed = ", ".join("{" + p + "}" for p in sc.PLACEHOLDERS)
                    self.error(path + (i,), f"unknown placeholder {{{name}}} (allowed: {allowed})")

    # --- the scenario --------------------------------------------------------------------------------------
    def scenario(self, data: dict) -> sc.Scenario:
        self.unknown(data, (), ("title", "who", "pitch", "manager", "objections", "read_aloud"))
        title = self.text(data, "title", ())
        who = self.who(self.table(data, "who", (), ("current_role", "target_role", "manager", "persona", "name")))
        pitch = self.pitch(self.table(data, "pitch", (), sc.PARTS))
        manager = self.manager(self.table(data, "manager", (), ("opening", "reactions", "outcomes")))
        objections = self.objections(data)
        read_aloud = self.texts(data, "read_aloud", (), required=False)
        return sc.Scenario(title, who, pitch, manager, objections, read_aloud)

    def who(self, t: dict) -> sc.Who:
        p = ("who",)
        persona = self.text(t, "persona", p)
        if persona and persona not in sc.PERSONAS:
            self.error(p + ("persona",), f"unknown persona {persona!r} (use one of: {', '.join(sc.PERSONAS)})")
        return sc.Who(
            self.text(t, "current_role", p), self.text(t, "target_role", p), self.text(t, "manager", p),
            persona, self.text(t, "name", p, required=False),
        )  # fmt: skip

    def pitch(self, t: dict) -> sc.Pitch:
        p = ("pitch",)
        it = self.table(t, "intent", p, ("key_phrases", "say", "target_seconds"))
        ip = p + ("intent",)
        intent = sc.Intent(self.texts(it, "key_phrases", ip), self.text(it, "say", ip, False), self.seconds(it, ip))

        et = self.table(t, "evidence", p, ("items", "target_seconds"))
        ep = p + ("evidence",)
        items = []
        for path, item in self.tables(et, "items", ep, ("what", "outcome", "number", "key_phrases", "say")):
            number = self.text(item, "number", path)
            if number and not re.search(r"\d", number):
                self.warn(path + ("number",), "has no digits; a number the manager can repeat lands best")
            items.append(
                sc.EvidenceItem(
                    self.text(item, "what", path), self.text(item, "outcome", path), number,
                    self.texts(item, "key_phrases", path), self.text(item, "say", path, False),
                )
            )  # fmt: skip
        if et.get("items") and not 3 <= len(items) <= 5:
            self.warn(ep + ("items",), f"has {len(items)} items; 3 to 5 strong items work best")
        evidence = sc.Evidence(items, self.seconds(et, ep))

        gt = self.table(t, "gaps", p, ("items", "target_seconds"))
        gp = p + ("gaps",)
        gaps = [
            sc.Gap(self.text(g, "gap", path), self.text(g, "plan", path), self.texts(g, "key_phrases", path),
                   self.text(g, "say", path, False))
            for path, g in self.tables(gt, "items", gp, ("gap", "plan", "key_phrases", "say"))
        ]  # fmt: skip

        at = self.table(t, "ask", p, ("readiness", "timeline", "key_phrases", "target_seconds"))
        ap = p + ("ask",)
        ask = sc.Ask(
            self.text(at, "readiness", ap), self.text(at, "timeline", ap), self.texts(at, "key_phrases", ap),
            self.seconds(at, ap),
        )  # fmt: skip
        return sc.Pitch(intent, evidence, sc.Gaps(gaps, self.seconds(gt, gp)), ask)

    def manager(self, t: dict) -> sc.ManagerLines:
        p = ("manager",)
        opening = self.texts(t, "opening", p)
        self.placeholders(p + ("opening",), opening)
        reactions = self.line_sets(t, "reactions", sc.REQUIRED_REACTIONS, sc.REACTIONS)
        outcomes = self.line_sets(t, "outcomes", sc.OUTCOMES, sc.OUTCOMES)
        return sc.ManagerLines(opening, reactions, outcomes)

    def line_sets(self, t: dict, key: str, required: tuple, known: tuple) -> dict[str, list[str]]:
        table = self.table(t, key, ("manager",), known)
        path = ("manager", key)
        out = {}
        for name in known:
            if name in table or name in required:
                lines = self.texts(table, name, path)
                self.placeholders(path + (name,), lines)
                out[name] = lines
        return out

    def objections(self, data: dict) -> list[sc.Objection]:
        out, seen = [], {}
        for path, o in self.tables(data, "objections", (), ("id", "wordings", "key_phrases", "tip", "target_seconds")):
            oid = self.text(o, "id", path)
            if oid and not ID.match(oid):
                self.error(path + ("id",), f"{oid!r} is not a plain id (lower-case letters, digits and _)")
            if oid in seen:
                self.error(path + ("id",), f"duplicate objection id {oid!r} (first used by objections[{seen[oid]}])")
            elif oid:
                seen[oid] = path[-1]
            wordings = self.texts(o, "wordings", path)
            self.placeholders(path + ("wordings",), wordings)
            out.append(sc.Objection(oid, wordings, self.texts(o, "key_phrases", path), self.text(o, "tip", path),
                                    self.seconds(o, path)))  # fmt: skip
        return out


def _kind(value) -> str:
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return f"a number ({value})"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return type(value).__name__
