"""Export of a stored run: Markdown, HTML and PDF with hits, misses, fillers and hedges marked."""

import html.parser
import shutil
import subprocess

import pytest
from store_samples import PITCH, store_pitch_run

from rehearse.errors import UserError
from rehearse.store import Store
from rehearse.report.export import export_run, to_html, to_markdown


@pytest.fixture
def run(tmp_path):
    store = Store(tmp_path / "h.sqlite3")
    return store.run(store_pitch_run(store, "not_yet"))


def test_markdown_marks_hits_fillers_hedges_and_lists_misses(run):
    text = to_markdown(run)
    assert text.startswith("# Rehearsal: Asking Dana for a promotion to Senior Engineer\n")
    assert "- **Outcome:** not yet" in text and "- **Overall score:** 70/100" in text
    assert "**Manager:** Not this cycle, but let's agree what would get you there by the next one." in text
    said = next(line for line in text.splitlines() if line.startswith("> So,"))
    assert "~~um,~~" in said  # filler struck through
    assert "_I think_" in said  # hedge in italics
    assert "**migration to OAuth**" in said and "**62%.**" in said  # hits in bold
    assert "designed the **caching layer** for" in said
    assert "- Missed: “agree a date”" in text
    assert "### Your answer to the whole pitch — score" in text and "### Your answer to the ask — score" in text
    assert "40 s of 60 s; 114 words a minute; 1 filler (1.5 a minute); 1 hedge" in text
    assert "started after 1.4 s" in text
    assert "- key phrases: 100/100 (weight 60%) — 8 of 8 heard" in text
    assert "- Note: Hedge: “I think” weakens it (“I think”)" in text and "- Tip: Lead with the number." in text
    assert f"- Recording: `{run['turns'][1]['audio']}`" in text


def test_markdown_escapes_what_the_user_said(tmp_path):
    store = Store(tmp_path / "h.sqlite3")
    run_id = store.create_run(scenario_path="s.toml", scenario_title="T *x*", target_role="Lead", mode="pitch",
                              persona="busy", seed=None, engine=None)
    store.add_turn(run_id, index=0, role="user", text="we cut *costs* by [half] <b>", feedback={"score": 10})
    text = to_markdown(store.run(run_id))
    assert r"we cut \*costs\* by \[half\] \<b\>" in text and r"# Rehearsal: T \*x\*" in text


class _Collect(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.stack, self.marked = [], []

    def handle_starttag(self, tag, attrs):
        self.stack.append(dict(attrs).get("class", ""))

    def handle_endtag(self, tag):
        self.stack.pop()

    def handle_data(self, data):
        if self.stack and self.stack[-1] in ("hit", "filler", "hedge") and data.strip():
            self.marked.append((self.stack[-1], data))


def test_html_is_well_formed_and_marks_the_words(run):
    page = to_html(run)
    parser = _Collect()
    parser.feed(page)
    marked = parser.marked
    assert ("filler", "um,") in marked and ("hedge", "I think") in marked
    assert ("hit", "migration to OAuth") in marked and ("hit", "350 milliseconds.") in marked
    legend = [m for m in marked if m[1] in ("key phrase you said", "filler", "hedge")]
    assert len(legend) == 3
    assert "Missed:</span> “agree a date”" in page
    assert "<title>Rehearsal: Asking Dana for a promotion to Senior Engineer</title>" in page


def test_html_escapes_text(tmp_path):
    store = Store(tmp_path / "h.sqlite3")
    run_id = store.create_run(scenario_path="s.toml", scenario_title="<script>", target_role="Lead",
                              mode="pitch", persona="busy", seed=None, engine=None)
    store.add_turn(run_id, index=0, role="manager", text="a < b & c")
    page = to_html(store.run(run_id))
    assert "<script>" not in page and "&lt;script&gt;" in page and "a &lt; b &amp; c" in page


def pdf_text(path) -> str:
    if shutil.which("pdftotext"):
        return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True).stdout
    pypdf = pytest.importorskip("pypdf")
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(str(path)).pages)


def test_pdf_export_has_the_text(run, tmp_path):
    out = export_run(run, "pdf", tmp_path / "report.pdf")
    data = out.read_bytes()
    assert data.startswith(b"%PDF") and len(data) > 2000
    words = " ".join(pdf_text(out).split())
    assert "Rehearsal: Asking Dana for a promotion to Senior Engineer" in words
    assert "migration to OAuth" in words and "agree a date" in words
    assert "Overall score: 70/100" in words


def test_md_and_html_files_and_bad_destinations(run, tmp_path):
    assert export_run(run, "md", tmp_path / "r.md").read_text(encoding="utf-8") == to_markdown(run)
    assert export_run(run, "html", tmp_path / "r.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    with pytest.raises(UserError, match="does not exist"):
        export_run(run, "md", tmp_path / "missing" / "r.md")
    with pytest.raises(UserError, match="unknown export format"):
        export_run(run, "docx", tmp_path / "r.docx")


def test_interrupted_run_shows_the_unfinished_answer(tmp_path):
    store = Store(tmp_path / "h.sqlite3")
    run_id = store.create_run(scenario_path="s.toml", scenario_title="Cut short", target_role="Lead", mode="pitch",
                              persona="busy", seed=None, engine=None)
    store.add_turn(run_id, index=0, role="manager", text="Go ahead.")
    store.recording_path(run_id, 1).write_bytes(b"RIFF\x00\x00\x00\x00WAVE")
    assert "- **Status:** running" in to_markdown(store.run(run_id))
    store.close()
    text = to_markdown(Store(tmp_path / "h.sqlite3").run(run_id))
    assert "- **Status:** interrupted" in text and "## Unfinished answer" in text and "turn-01.wav" in text


def test_old_runs_without_feedback_keys_still_export(tmp_path):
    store = Store(tmp_path / "h.sqlite3")
    run_id = store.create_run(scenario_path="s.toml", scenario_title="Old", target_role="", mode="drill",
                              persona="", seed=None, engine=None)
    store.add_turn(run_id, index=0, role="user", text=PITCH, feedback={"flags": [{"start_word": 500}, "junk"],
                                                                         "key_phrases": [{"phrase": "x"}]})
    store.add_turn(run_id, index=1, role="user", text="", transcript={"text": "only in transcript"})
    text = to_markdown(store.run(run_id))
    assert "- Missed: “x”" in text and "> only in transcript" in text
    assert "<p" in to_html(store.run(run_id))


def test_summary_facts_from_the_session(tmp_path):
    store = Store(tmp_path / "h.sqlite3")
    run_id = store.create_run(scenario_path="s.toml", scenario_title="Read", target_role="Lead", mode="read",
                              persona="busy", seed=4, engine="whisper")
    store.add_turn(run_id, index=0, role="user", text="we shipped it", expects="read:2", feedback={"score": 90})
    store.finish_run(run_id, complete=True, outcome=None,
                     summary={"score": 90, "persona": "busy", "seed": 4, "mean_latency": 0.8, "complete": True,
                              "practice": ["authentication", "OAuth"], "signals": {"x": True}})
    text = to_markdown(store.run(run_id))
    assert "- **Words to practise:** authentication, OAuth" in text and "- **Seed:** 4" in text
    assert "- **Average time to start answering (s):** 0.8" in text and "Signals" not in text
    assert text.count("busy") == 1 and "### Your answer to reading sentence 3 — score 90/100" in text


def test_only_pointed_problem_flags_mark_words(tmp_path):
    from rehearse.report.marks import word_marks

    text = "I would like a promotion to senior engine by the promotion sycle and here is why"
    turn = {"text": text, "feedback": {"flags": [
        {"kind": "pace", "severity": "warning", "start_word": 0, "end_word": 16, "message": "pace 180 wpm"},
        {"kind": "explicit_ask", "severity": "good", "start_word": 1, "end_word": 2, "message": "explicit ask"},
        {"kind": "near_miss", "severity": "info", "start_word": 10, "end_word": 11,
         "message": 'heard this instead of "promotion cycle"'},
    ]}}
    words, marks = word_marks(turn)
    assert [w for w, m in zip(words, marks) if m] == ["promotion", "sycle"]
    page = to_html({"scenario": "x", "turns": [{"role": "user", **turn}]})
    assert '<span class="flag" title="flagged">promotion sycle</span>' in page
    md = to_markdown({"scenario": "x", "turns": [{"role": "user", **turn}]})
    assert '- Note: heard this instead of "promotion cycle" (“promotion sycle”)' in md
    assert "- Good: explicit ask (“would like”)" in md and "- Note: pace 180 wpm\n" in md


from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

_index = st.one_of(st.none(), st.integers(-5, 60), st.text(max_size=3))
_item = st.fixed_dictionaries({}, optional={
    "kind": st.sampled_from(["filler", "hedge", "pace", "near_miss", None, 3]),
    "severity": st.sampled_from(["good", "info", "warning", None]),
    "message": st.one_of(st.none(), st.text(max_size=20)),
    "start_word": _index, "end_word": _index,
    "phrase": st.text(max_size=10), "hit": st.booleans(), "heard": st.one_of(st.none(), st.text(max_size=10)),
})
_feedback = st.one_of(st.none(), st.fixed_dictionaries({}, optional={
    "score": st.one_of(st.none(), st.floats(0, 100), st.text(max_size=3)),
    "flags": st.one_of(st.none(), st.lists(st.one_of(_item, st.text(max_size=3)), max_size=6)),
    "key_phrases": st.one_of(st.none(), st.lists(_item, max_size=6)),
    "components": st.lists(st.fixed_dictionaries({}, optional={"name": st.text(max_size=5),
                                                               "weight": st.floats(-1, 50), "score": st.integers()})),
    "delivery": st.fixed_dictionaries({}, optional={"fillers": st.integers(0, 9), "wpm_speaking": st.floats(0, 400),
                                                    "duration": st.one_of(st.none(), st.floats(0, 99))}),
    "tip": st.one_of(st.none(), st.text(max_size=10)),
}))


@settings(max_examples=150, deadline=None)
@given(text=st.text(max_size=120), feedback=_feedback, outcome=st.sampled_from(["yes", "not_yet", "ambiguous", None]))
def test_any_stored_feedback_renders_without_error(text, feedback, outcome):
    from rehearse.report.email import draft_email
    from rehearse.report.progress import attempt_of

    turns = [{"index": 0, "role": "manager", "text": "Go on."},
             {"index": 1, "role": "user", "text": text, "feedback": feedback, "expects": "pitch"},
             {"index": 2, "role": "manager", "text": "Not yet."},
             {"index": 3, "role": "user", "text": text, "feedback": feedback, "expects": "ask"}]
    run = {"run_id": 1, "scenario": "S", "target_role": "Lead", "outcome": outcome, "turns": turns}
    assert to_markdown(run).startswith("# Rehearsal: S")
    assert to_html(run).startswith("<!DOCTYPE html>")
    assert draft_email(run)["subject"]
    attempt_of(turns[1])


def test_components_show_the_counted_score_and_why_scaled(tmp_path):
    from rehearse.report.export import components

    turn = {"feedback": {"components": [
        {"name": "specificity", "weight": 5, "score": 100, "detail": "0 vague claims", "scale": 0.0},
        {"name": "evidence", "weight": 20, "score": 50, "detail": "2 of 4 evidence items heard"}]}}
    lines = components(turn)
    assert lines[0].startswith("specificity: 0/100") and "counts as far as the answer has content" in lines[0]
    assert "100/100" not in lines[0]
    assert lines[1] == "evidence: 50/100 (weight 20%) — 2 of 4 evidence items heard"


def test_objection_answers_are_titled_in_plain_words_not_by_their_id(tmp_path):
    store = Store(tmp_path / "h.sqlite3")
    run_id = store.create_run(scenario_path="s.toml", scenario_title="T", target_role="Lead", mode="drill",
                              persona="busy", seed=None, engine=None)
    for i, oid in enumerate(("what_about_gap", "vague_encouragement", "office_move")):
        store.add_turn(run_id, index=2 * i, role="manager", text="Hm.", expects=f"objection:{oid}")
        store.add_turn(run_id, index=2 * i + 1, role="user", text="You're right, my plan is to lead it.",
                       expects=f"objection:{oid}", feedback={"score": 50})
    text = to_markdown(store.run(run_id))
    assert '### Your answer to the "what about your gap" objection — score 50/100' in text
    assert 'the "vague encouragement" objection' in text and 'the "office move" objection' in text
    assert "what about gap" not in text and "_gap" not in text
