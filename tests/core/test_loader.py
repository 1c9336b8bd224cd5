"""Loading and validating scenario files: every kind of error, all at once, with file and line."""

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rehearse.core.loader import ScenarioError, load_scenario, loads_scenario, validate_file, validate_text
from rehearse.paths import SCENARIOS

EXAMPLE = SCENARIOS / "example-senior-engineer.toml"
TEMPLATE = SCENARIOS / "promotion.toml"
GOOD = EXAMPLE.read_text(encoding="utf-8")


def errors_of(text: str, name: str = "s.toml") -> list[str]:
    return [str(p) for p in validate_text(text, name).errors]


def line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def test_example_loads_with_everything():
    s = load_scenario(EXAMPLE)
    assert s.who.target_role == "Senior Engineer" and s.who.persona == "skeptical"
    assert len(s.pitch.evidence.items) == 4
    oauth = s.pitch.evidence.items[0]
    assert "OAuth" in oauth.what and oauth.number == "62%"
    assert s.pitch.ask.readiness and s.pitch.ask.timeline
    assert set(s.manager.outcomes) == {"yes", "not_yet", "ambiguous"}
    for key in ("no_timeline", "gaps_not_named", "no_numbers", "strong"):
        assert len(s.manager.reactions[key]) >= 1
    assert set(s.objection_ids) >= {"not_yet", "what_about_gap", "timing", "budget", "vague_encouragement",
                                     "process", "why_now"}
    assert s.path == str(EXAMPLE)
    report = validate_file(EXAMPLE)
    assert report.ok and report.errors == [] and report.warnings == []


def test_template_lists_every_blank_with_its_line():
    report = validate_file(TEMPLATE)
    assert not report.ok and report.scenario is None
    text = TEMPLATE.read_text()
    messages = [str(p) for p in report.errors]
    assert all("fill in this blank" in m for m in messages)
    assert f"{TEMPLATE}:{line_of(text, 'target_role = ')}: who.target_role: fill in this blank: <your target role>" \
        in messages
    # every evidence item's blanks are found, each on its own line
    lines = {p.line for p in report.errors if p.path.startswith("pitch.evidence.items[2]")}
    assert len(lines) == 4
    # fields that need no filling (manager lines, objections) are not reported
    assert not [m for m in messages if "objections" in m or "manager." in m]


def test_template_with_blanks_filled_is_valid():
    rng = random.Random(1)
    import re

    filled = re.sub(r"<[^<>\n]+>", lambda m: f"thing {rng.randint(1, 99)}", TEMPLATE.read_text())
    s = loads_scenario(filled)
    assert len(s.pitch.evidence.items) == 3 and len(s.objections) == 7


def test_toml_syntax_error_gives_file_and_line():
    bad = GOOD.replace('manager = "Dana"', 'manager = "Dana', 1)
    [message] = errors_of(bad, "bad.toml")
    assert message.startswith(f"bad.toml:{line_of(GOOD, 'manager = ')}: TOML syntax error")
    assert "column" in message and "line " not in message.split(":", 2)[2]


@pytest.mark.parametrize("content", ["", "   \n\n  \n"])
def test_empty_file_is_an_error(tmp_path, content):
    path = tmp_path / "empty.toml"
    path.write_text(content)
    [problem] = validate_file(path).errors
    assert str(problem) == f"{path}: the file is empty; start from `rehearse scenario new FILE`"


def test_binary_and_non_utf8_files_are_errors(tmp_path):
    binary = tmp_path / "img.toml"
    binary.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    assert "binary" in str(validate_file(binary).errors[0])
    latin = tmp_path / "latin.toml"
    latin.write_bytes('title = "caf\xe9"\n'.encode("latin-1"))
    assert "not UTF-8" in str(validate_file(latin).errors[0])


def test_missing_file_and_folder(tmp_path):
    assert str(validate_file(tmp_path / "nope.toml").errors[0]).endswith("no such file")
    assert "folder" in str(validate_file(tmp_path).errors[0])
    with pytest.raises(ScenarioError):
        load_scenario(tmp_path / "nope.toml")


def test_every_content_error_reported_at_once_with_lines():
    bad = (
        GOOD.replace('persona = "skeptical"', 'persona = "grumpy"')
        .replace('key_phrases = ["caching layer", "checkout", "350 milliseconds"]', "key_phrases = []")
        .replace('id = "timing"', 'id = "not_yet"')
        .replace('[pitch.gaps]\n', "[pitch.gapz]\n")
        .replace('  "Can you quantify that?",\n', '  "Can you quantify that, {boss}?",\n')
        .replace('title = "Asking Dana for a promotion to Senior Engineer"', "title = 3")
    )
    problems = validate_text(bad, "s.toml").errors
    text = [str(p) for p in problems]
    caching = line_of(GOOD, '350 milliseconds"]')
    timing = line_of(GOOD, 'id = "timing"')
    quantify = line_of(GOOD, '"Can you quantify that?"')
    expected = [
        f"s.toml:{line_of(GOOD, 'title = ')}: title: should be text in quotes, not a number (3)",
        f"s.toml:{line_of(GOOD, 'persona = ')}: who.persona: unknown persona 'grumpy' "
        "(use one of: supportive, skeptical, busy)",
        f"s.toml:{caching}: pitch.evidence.items[1].key_phrases: is an empty list; "
        "give at least one",
        f"s.toml:{timing}: objections[2].id: duplicate objection id 'not_yet' "
        "(first used by objections[0])",
        f"s.toml:{quantify}: manager.reactions.no_numbers[0]: unknown placeholder "
        "{boss} (allowed: {manager}, {name}, {current_role}, {target_role}, {gap})",
    ]
    for message in expected:
        assert message in text, (message, text)
    assert any(t.startswith(f"s.toml:{line_of(GOOD, '[pitch.gaps]')}: pitch.gapz: unknown field") for t in text)
    assert [p.line for p in problems] == sorted(p.line for p in problems)  # in file order
    with pytest.raises(ScenarioError) as err:
        loads_scenario(bad, "s.toml")
    assert str(err.value).splitlines() == text


def test_missing_parts_and_fields():
    minimal = 'title = "t"\n[who]\ncurrent_role = "a"\ntarget_role = "b"\nmanager = "c"\npersona = "busy"\n'
    text = errors_of(minimal, "m.toml")
    assert "m.toml: pitch: missing (add a [pitch] table)" in text
    assert "m.toml: manager: missing (add a [manager] table)" in text
    assert "m.toml: objections: missing (add one or more [[objections]] tables)" in text
    assert len(text) == 3  # nothing is reported twice for what is inside a missing table

    no_ask = GOOD[: GOOD.index("[pitch.ask]")] + GOOD[GOOD.index("# ----", GOOD.index("[pitch.ask]")):]
    assert any(t.endswith("pitch.ask: missing (add a [pitch.ask] table)") for t in errors_of(no_ask))

    no_readiness = GOOD.replace("readiness = ", "# readiness = ")
    assert f"s.toml:{line_of(GOOD, '[pitch.ask]')}: pitch.ask.readiness: missing" in errors_of(no_readiness)


def test_type_and_value_errors():
    bad = (
        GOOD.replace("target_seconds = 30\n", "target_seconds = -5\n", 1)
        .replace('number = "62%"', "number = 62")
        .replace('id = "why_now"', 'id = "Why Now"')
        .replace('yes = [\n', 'yes = "just one"\nyess = [\n')
        .replace('  "Let me think about it and get back to you.",\n', '  "Let me {think} about {it.",\n')
    )
    text = "\n".join(errors_of(bad))
    assert "pitch.intent.target_seconds: should be a positive number of seconds, not a number (-5)" in text
    assert "pitch.evidence.items[0].number: should be text in quotes, not a number (62)" in text
    assert "objections[6].id: 'Why Now' is not a plain id" in text
    assert "manager.outcomes.yes: should be a list like" in text
    assert "manager.outcomes.yess: unknown field" in text
    assert "manager.outcomes.ambiguous[0]: " in text and "brace" in text


def test_warnings_do_not_fail_validation():
    two_items = GOOD.replace('number = "2 engineers in 4 weeks"', 'number = "two engineers"')
    start = two_items.index("[[pitch.evidence.items]]\nwhat = \"ran the incident")
    two_items = two_items[:start] + two_items[two_items.index("[pitch.gaps]"):]
    cut = two_items.index("[[pitch.evidence.items]]\nwhat = \"mentored")
    two_items = two_items[:cut] + two_items[two_items.index("[pitch.gaps]"):]
    report = validate_text(two_items, "w.toml")
    assert report.ok
    assert [p.path for p in report.warnings] == ["pitch.evidence.items"]
    assert "3 to 5" in str(report.warnings[0])


def test_dotted_keys_and_inline_tables_get_lines():
    text = GOOD.replace('[who]\nname = "Alex"\n', '[who]\nname = "Alex"\n').replace(
        'persona = "skeptical"', 'persona = "grumpy"'
    )
    text = text.replace("[who]\n", "").replace('name = "Alex"', 'who.name = "Alex"').replace(
        'current_role = "Software Engineer"', 'who.current_role = "Software Engineer"').replace(
        'target_role = "Senior Engineer"', 'who.target_role = "Senior Engineer"').replace(
        'manager = "Dana"', 'who.manager = "Dana"').replace('persona = "grumpy"', 'who.persona = "grumpy"')
    [message] = errors_of(text)
    assert message.startswith(f"s.toml:{line_of(text, 'who.persona')}: who.persona: unknown persona")


@settings(max_examples=80, deadline=None)
@given(st.one_of(st.text(max_size=400), st.binary(max_size=200).map(lambda b: b.decode("latin-1")),
                 st.integers(0, len(GOOD)).map(lambda n: GOOD[:n])))
def test_any_text_gives_a_report_never_a_crash(text):
    report = validate_text(text, "f.toml")
    assert report.ok == (report.scenario is not None)
    for problem in report.errors:
        assert str(problem).startswith("f.toml")


def test_wrong_shapes_are_explained_not_crashed_on():
    text = "\n".join(errors_of(
        'title = "t"\npitch = 5\nwho = []\nmanager = "x"\nobjections = {}\nread_aloud = "x"\n', "x.toml"))
    assert "x.toml:2: pitch: should be a table ([pitch]), not a number (5)" in text
    assert "x.toml:3: who: should be a table ([who]), not a list" in text
    assert "x.toml:5: objections: should be a list of [[objections]] tables, not a table" in text
    assert 'x.toml:6: read_aloud: should be a list like ["…", "…"], not text' in text
    text = "\n".join(errors_of('title = "t"\n[pitch.evidence]\nitems = [{what = "a"}, 3]\ntarget_seconds = true\n'))
    assert "pitch.evidence.items[1]: should be a table" in text and "not a number (3)" in text
    assert "pitch.evidence.items[0].number: missing" in text
    assert "pitch.evidence.target_seconds: should be a positive number of seconds, not true/false" in text


def _leaves(value, path=()):
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, path + (key,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _leaves(item, path + (i,))
    else:
        yield path, value


@pytest.mark.parametrize("source", [EXAMPLE, TEMPLATE])
def test_every_value_is_found_on_its_own_line(source):
    import tomllib

    from rehearse.core.toml_lines import key_lines

    text = source.read_text()
    lines = key_lines(text)
    source_lines = text.splitlines()
    for path, value in _leaves(tomllib.loads(text)):
        assert path in lines, path
        line = source_lines[lines[path] - 1]
        if isinstance(value, str):
            assert value.split("\n")[0] in line.replace('\\"', '"'), (path, line)
        key = next(p for p in reversed(path) if isinstance(p, str))
        if not isinstance(path[-1], int):
            assert line.lstrip().startswith(key), (path, line)
