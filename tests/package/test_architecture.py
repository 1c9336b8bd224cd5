"""The package's shape, read from the source (``ast``; nothing is imported).

The rules are the ones docs/architecture.md states: arrows point down (ui/cli → session → core, speech, store;
report above store), no import circles, Qt only in ``ui`` (and the PDF writer), files split past ~400 lines.
Every failure names the file, the line and the import, so a merge that breaks a rule says where to look.

Every import counts, also the ones inside functions (a lazy import is still an arrow, and a circle of lazy imports
is still a circle to read through), and a string naming one of our modules (``"rehearse.commands.audio"`` handed to
``importlib.import_module``) counts as an import of it; imports under ``if TYPE_CHECKING:`` count for the layers but
not for circles.
"""

from __future__ import annotations

import ast
import functools
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "rehearse"

# Files allowed past MAX_LINES, each with the reason. Keep this short: a new entry needs a reason a reader accepts.
MAX_LINES = 400
LONG_FILES: dict[str, str] = {}

# What each part of the package (a subpackage, or a top-level module) may import of the package besides itself and
# BASE. A part missing here (a new subpackage or top-level module) fails test_arrows_point_down until it is added,
# here and in docs/architecture.md.
BASE = {"rehearse", "rehearse.errors", "rehearse.fileio"}
MAY_IMPORT: dict[str, set[str]] = {
    "core": {"core"},
    "store": {"core", "paths"},
    "speech": {"core", "paths"},
    "report": {"core", "store", "paths"},
    "session": {"core", "speech", "store", "report", "paths"},
    "ui": {"core", "speech", "store", "report", "session", "paths", "preferences", "ui"},
    "commands": {"core", "speech", "store", "report", "session", "paths", "preferences", "commands"},
    "cli": {"commands", "ui"},  # the `rehearse` command opens the app when given no arguments
    "__main__": {"cli"},
    "paths": set(),
    "preferences": {"paths"},  # the app's settings.ini read without Qt, for the app and the command line
    "errors": set(),
    "fileio": set(),  # regular files only, bounded reads, atomic complete writes (like errors: stdlib only)
    "__init__": set(),
}
# The one place outside ui that may import Qt, and why: Qt's PDF writer renders the exported HTML.
QT_OUTSIDE_UI = {"rehearse/report/pdf.py": "Qt's QPdfWriter renders the exported HTML to PDF (imported lazily)"}
QT_PACKAGES = ("PySide6", "shiboken6", "pyqtgraph")


@dataclass(frozen=True)
class Import:
    source: str       # module importing, e.g. rehearse.cli
    target: str       # module imported, e.g. rehearse.commands.output
    path: str         # file, relative to the repository root
    line: int
    type_only: bool   # under `if TYPE_CHECKING:`

    def where(self) -> str:
        return f"{self.path}:{self.line}"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def source_files() -> list[Path]:
    return sorted(p for p in PACKAGE.rglob("*.py") if "__pycache__" not in p.parts)


def known_modules() -> dict[str, Path]:
    return {module_name(p): p for p in source_files()}


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _walk(node: ast.AST, type_only: bool = False):
    """Yield (node, type_only) for every import node, noting the ones under ``if TYPE_CHECKING:``."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, (ast.Import, ast.ImportFrom)):
            yield child, type_only
        elif isinstance(child, ast.If) and _is_type_checking(child.test):
            for sub in child.body:
                if isinstance(sub, (ast.Import, ast.ImportFrom)):
                    yield sub, True
                else:
                    yield from _walk(sub, True)
            for sub in child.orelse:
                yield from _walk(sub, type_only)
        else:
            yield from _walk(child, type_only)


def imports_of(path: Path, modules: dict[str, Path]) -> tuple[list[Import], list[tuple[str, int, str]]]:
    """The imports of one file: (imports of rehearse modules, [(path, line, external top-level name)])."""
    name = module_name(path)
    is_package = path.name == "__init__.py"
    rel = str(path.relative_to(ROOT))
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=rel)
    ours: list[Import] = []
    external: list[tuple[str, int, str]] = []

    def add(target: str, node: ast.stmt, type_only: bool) -> None:
        if target == "rehearse" or target.startswith("rehearse."):
            edge = Import(name, target, rel, node.lineno, type_only)
            if edge not in ours:
                ours.append(edge)
        else:
            external.append((rel, node.lineno, target.split(".")[0]))

    for node in ast.walk(tree):  # loaded by name: importlib.import_module("rehearse.commands.x")
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value in modules \
                and node.value != name and "." in node.value:
            ours.append(Import(name, node.value, rel, node.lineno, False))
    for node, type_only in _walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(_deepest_module(alias.name, modules), node, type_only)
            continue
        if node.level:  # relative: from . import x / from ..core import y
            base = name.split(".") if is_package else name.split(".")[:-1]
            base = base[: len(base) - (node.level - 1)]
            package = ".".join(base + ([node.module] if node.module else []))
        else:
            package = node.module or ""
        for alias in node.names:
            candidate = f"{package}.{alias.name}"
            add(candidate if candidate in modules else _deepest_module(package, modules), node, type_only)
    return ours, external


def _deepest_module(dotted: str, modules: dict[str, Path]) -> str:
    """The module a dotted import name loads last (``rehearse.core.feedback.Feedback`` is not a module)."""
    parts = dotted.split(".")
    for end in range(len(parts), 0, -1):
        if ".".join(parts[:end]) in modules:
            return ".".join(parts[:end])
    return dotted


def part_of(module: str) -> str:
    """rehearse.core.analysers.words -> core; rehearse.cli -> cli; rehearse -> __init__."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


@functools.cache
def graph() -> tuple[tuple[Import, ...], tuple[tuple[str, int, str], ...]]:
    modules = known_modules()
    ours: list[Import] = []
    external: list[tuple[str, int, str]] = []
    for path in source_files():
        o, e = imports_of(path, modules)
        ours += o
        external += e
    return tuple(ours), tuple(external)


def find_cycles(edges) -> list[tuple[set[str], list[Import]]]:
    """The strongly connected groups of modules (Tarjan), each with one circle of imports through it."""
    out: dict[str, list[Import]] = {}
    for edge in edges:
        if edge.source != edge.target:
            out.setdefault(edge.source, []).append(edge)
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[set[str]] = []

    def connect(v: str) -> None:  # the package has a few hundred modules: recursion is fine
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for e in out.get(v, []):
            w = e.target
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.add(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(group)

    for v in sorted(out):
        if v not in index:
            connect(v)
    return [(group, _one_circle(group, out)) for group in groups]


def _one_circle(group: set[str], out: dict[str, list[Import]]) -> list[Import]:
    """A shortest circle from the group's first module back to itself, as the imports that make it."""
    start = min(group)
    paths: dict[str, list[Import]] = {start: []}
    frontier = [start]
    while frontier:
        nxt = []
        for v in frontier:
            for e in out.get(v, []):
                if e.target == start:
                    return paths[v] + [e]
                if e.target in group and e.target not in paths:
                    paths[e.target] = paths[v] + [e]
                    nxt.append(e.target)
        frontier = nxt
    raise AssertionError(f"no circle through {start}")  # cannot happen in a strongly connected group


# --- the tests ---------------------------------------------------------------------------------------------------


def test_the_graph_sees_the_package():
    """The reader is not vacuous: it finds the arrows we know are there, lazy and relative ones included."""
    edges, external = graph()
    pairs = {(e.source, e.target) for e in edges}
    assert ("rehearse.session.drive", "rehearse.speech.listener") in pairs  # inside a function
    assert ("rehearse.cli", "rehearse.commands.history") in pairs  # by name, through importlib
    assert ("rehearse.store", "rehearse.store.db") in pairs  # a package's __init__
    assert any(s.startswith("rehearse.ui.") and t.startswith("rehearse.session.") for s, t in pairs)
    assert any(p.startswith("rehearse/ui/") and name == "PySide6" for p, _, name in external)
    assert len({e.source for e in edges}) > 50


def test_the_cycle_finder_finds_a_circle():
    a = Import("m.a", "m.b", "m/a.py", 1, False)
    b = Import("m.b", "m.c", "m/b.py", 2, False)
    c = Import("m.c", "m.a", "m/c.py", 3, False)
    d = Import("m.c", "m.d", "m/c.py", 4, False)
    cycles = find_cycles([a, b, c, d])
    assert len(cycles) == 1
    group, circle = cycles[0]
    assert group == {"m.a", "m.b", "m.c"} and [e.source for e in circle] == ["m.a", "m.b", "m.c"]
    assert find_cycles([a, b, d]) == []


def test_no_import_circles():
    edges, _ = graph()
    cycles = find_cycles([e for e in edges if not e.type_only])
    report = []
    for group, circle in cycles:
        report.append(f"{len(group)} modules import each other: {', '.join(sorted(group))}; one circle among them: "
                      + " -> ".join([circle[0].source] + [e.target for e in circle]))
        report += [f"    {e.where()}: {e.source} imports {e.target}" for e in circle]
    if cycles:
        pytest.fail("import circles (break them by moving the shared piece down):\n" + "\n".join(report), pytrace=False)


def test_arrows_point_down():
    edges, _ = graph()
    wrong = []
    for e in edges:
        if e.target in BASE:
            continue
        src, dst = part_of(e.source), part_of(e.target)
        if src == dst:
            continue
        allowed = MAY_IMPORT.get(src)
        if allowed is None:
            wrong.append(f"{e.where()}: {e.source} is in a part the architecture test does not know ({src}); "
                         "add it to MAY_IMPORT in tests/package/test_architecture.py and docs/architecture.md")
        elif dst not in allowed:
            wrong.append(f"{e.where()}: {src} may not import {dst} ({e.source} imports {e.target}); "
                         f"{src} may import {', '.join(sorted(allowed | {'errors'})) or 'nothing of ours'}")
    if wrong:
        pytest.fail("imports against the layers (see docs/architecture.md):\n" + "\n".join(wrong), pytrace=False)


@pytest.mark.parametrize("part, forbidden", [
    ("core", {"speech", "store", "report", "session", "ui", "commands", "cli", "paths"}),
    ("store", {"report", "session", "ui", "speech", "commands", "cli"}),
    ("session", {"ui", "commands", "cli"}),
])
def test_named_never_arrows(part, forbidden):
    """The arrows the brief names, spelled out (test_arrows_point_down covers them too, with the whole table)."""
    edges, _ = graph()
    wrong = [f"{e.where()}: {e.source} imports {e.target}" for e in edges
             if part_of(e.source) == part and part_of(e.target) in forbidden]
    if wrong:
        pytest.fail(f"{part} imports what it must not:\n" + "\n".join(wrong), pytrace=False)


def test_qt_only_in_ui():
    _, external = graph()
    wrong = [f"{path}:{line}: imports {name}" for path, line, name in external
             if name in QT_PACKAGES and not path.startswith("rehearse/ui/") and path not in QT_OUTSIDE_UI]
    if wrong:
        pytest.fail("Qt outside rehearse/ui/ (only " + ", ".join(QT_OUTSIDE_UI) + " may):\n" + "\n".join(wrong),
                    pytrace=False)


def test_files_split_past_400_lines():
    long = []
    for path in source_files():
        rel = str(path.relative_to(ROOT))
        n = len(path.read_text(encoding="utf-8").splitlines())
        if n > MAX_LINES and rel not in LONG_FILES:
            long.append(f"{rel}: {n} lines")
    stale = [rel for rel in LONG_FILES if not (ROOT / rel).exists()
             or len((ROOT / rel).read_text(encoding="utf-8").splitlines()) <= MAX_LINES]
    if long:
        pytest.fail(f"files over {MAX_LINES} lines (split them by responsibility, or list them in LONG_FILES in "
                    "tests/package/test_architecture.py with a reason):\n" + "\n".join(long), pytrace=False)
    if stale:
        pytest.fail("LONG_FILES lists files that are gone or short now: " + ", ".join(stale), pytrace=False)


ANSWER_FOR_TEXT = ("objection:", "read:")


def test_what_an_answer_is_for_is_parsed_in_one_place():
    """The text form of an AnswerFor ("objection:budget", "read:2") is made and read only by core/answer_for.py:
    elsewhere ``AnswerFor.parse(text)`` / ``.to_str()`` (or ``report.marks.answer_for(turn)`` for a stored turn),
    not ``startswith("objection:")``, ``split(":")`` or ``f"objection:{id}"``."""
    wrong = []
    for path in source_files():
        rel = str(path.relative_to(ROOT))
        if rel == "rehearse/core/answer_for.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=rel)
        for node in ast.walk(tree):
            if isinstance(node, ast.JoinedStr) and node.values and isinstance(node.values[0], ast.Constant) \
                    and str(node.values[0].value).startswith(ANSWER_FOR_TEXT):
                wrong.append(f"{rel}:{node.lineno}: builds {node.values[0].value!r}… by hand")
            elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                    and node.func.attr in ("startswith", "removeprefix", "partition", "split") and node.args \
                    and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, (str, tuple)) \
                    and str(node.args[0].value).startswith(ANSWER_FOR_TEXT):
                wrong.append(f"{rel}:{node.lineno}: parses {node.args[0].value!r} by hand")
    if wrong:
        pytest.fail("what an answer is for, handled as text (use rehearse.core.answer_for.AnswerFor):\n"
                    + "\n".join(wrong), pytrace=False)
