"""Export one run as Markdown, HTML or PDF: the transcript with hits, misses, fillers and hedges marked, the
feedback on each answer, and the scores.

``export_run(run, fmt, out_path)`` writes the file; ``to_markdown(run)`` and ``to_html(run)`` return text. ``run``
is ``Store.run(run_id)``. PDF is the HTML laid out by Qt (imported only there, see :mod:`rehearse.report.pdf`).
"""

from __future__ import annotations

import html
import re
from datetime import datetime
from pathlib import Path

from rehearse.core.analysers.heard import Component
from rehearse.errors import UserError
from rehearse.report import marks
from rehearse.report.writing import write_report

FORMATS = ("md", "html", "pdf")


def _when(iso: str | None) -> str:
    if not iso:
        return "unknown date"
    try:
        return datetime.fromisoformat(iso).strftime("%d %B %Y, %H:%M UTC").lstrip("0")
    except ValueError:
        return iso


def _num(value, digits: int = 0) -> str | None:
    if not isinstance(value, (int, float)):
        return None
    return f"{value:.{digits}f}"


SUMMARY_SHOWN = {"score", "outcome", "complete", "mode", "run_id", "status", "persona", "raised"}
SUMMARY_LABELS = {"mean_latency": "Average time to start answering (s)", "answers": "Answers",
                  "practice": "Words to practise", "turns": "Turns"}


def run_facts(run: dict) -> list[tuple[str, str]]:
    """The header lines of a report, as (label, value)."""
    facts = [
        ("Date", _when(run.get("started_at"))),
        ("Mode", str(run.get("mode") or "")),
        ("Target role", str(run.get("target_role") or "")),
        ("Manager persona", str(run.get("persona") or "")),
        ("Recognizer", str(run.get("engine") or "")),
        ("Status", str(run.get("status") or "")),
        ("Outcome", marks.outcome_label(run.get("outcome"))),
    ]
    score = _num(run.get("score"))
    facts.append(("Overall score", f"{score}/100" if score is not None else "not scored"))
    for key, value in (run.get("summary") or {}).items():
        label = SUMMARY_LABELS.get(key, key.replace("_", " ").capitalize())
        if key in SUMMARY_SHOWN or value is None or isinstance(value, bool):
            continue
        if isinstance(value, (str, int, float)):
            facts.append((label, str(value)))
        elif isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            facts.append((label, ", ".join(value)))
    return [(label, value) for label, value in facts if value]


def components(turn: dict) -> list[str]:
    out = []
    comp: Component
    for comp in getattr(marks.feedback_of(turn), "components", None) or []:  # a sentence read aloud has none
        line = f"{(comp.name or '?').replace('_', ' ')}: {_num(comp.counted) or '?'}/100"
        if comp.weight > 0:
            line += f" (weight {comp.weight * 100 if comp.weight <= 1 else comp.weight:.0f}%)"
        if comp.shown_detail():
            line += f" — {comp.shown_detail()}"
        out.append(line)
    return out


def answer_title(turn: dict) -> str:
    score = _num(marks.score_of(turn))
    title = f"Your answer to {marks.expects_label(turn.get('expects'))}"
    return title + (f" — score {score}/100" if score is not None else "")


# --------------------------------------------------------------------------------------------- Markdown
_MD_SPECIAL = re.compile(r"([\\`*_~\[\]<>#|])")


def _md(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", text)


def _md_segment(seg: marks.Segment) -> str:
    text = _md(seg.text)
    if "filler" in seg.marks:
        text = f"~~{text}~~"
    if "hedge" in seg.marks:
        text = f"_{text}_"
    if "hit" in seg.marks:
        text = f"**{text}**"
    return text


def to_markdown(run: dict) -> str:
    lines = [f"# Rehearsal: {_md(str(run.get('scenario') or 'untitled'))}", ""]
    lines += [f"- **{label}:** {_md(value)}" for label, value in run_facts(run)]
    lines += ["", "In your answers: **bold** = a key phrase you said, ~~struck~~ = a filler, _italic_ = a hedge.", ""]
    lines += ["## Conversation", ""]
    for turn in run.get("turns") or []:
        if turn.get("role") == "manager":
            lines += [f"**Manager:** {_md(turn.get('text') or '')}", ""]
            continue
        lines += [f"### {_md(answer_title(turn))}", ""]
        said = " ".join(_md_segment(s) for s in marks.segments(turn))
        lines += [f"> {said or '(nothing was heard)'}", ""]
        heard = [str(p.get("heard") or p.get("phrase")).strip(".,;:!?") for p in marks.hits(turn)]
        if heard:
            lines.append("- Key phrases heard: " + ", ".join(f"“{_md(str(h))}”" for h in heard))
        if marks.misses(turn):
            lines.append("- Missed: " + ", ".join(f"“{_md(m)}”" for m in marks.misses(turn)))
        if marks.delivery_line(turn):
            lines.append("- Delivery: " + _md(marks.delivery_line(turn)))
        lines += [f"- {_md(c)}" for c in components(turn)]
        lines += [f"- {_md(n)}" for n in marks.notes(turn)]
        tip = getattr(marks.feedback_of(turn), "tip", None)
        if tip:
            lines.append(f"- Tip: {_md(str(tip))}")
        if turn.get("audio"):
            state = "" if turn.get("audio_exists") else " (missing)"
            lines.append(f"- Recording: `{turn['audio']}`{state}")
        lines.append("")
    partial = [r for r in run.get("recordings") or [] if not r.get("in_turn")]
    if partial:
        lines += ["## Unfinished answer", ""]
        lines += [f"- Turn {r['turn_index']}: `{r['path']}` ({_num(r.get('duration'), 1) or '?'} s recorded before "
                  "the run stopped)" for r in partial]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


# --------------------------------------------------------------------------------------------- HTML
STYLE = """
body { font-family: sans-serif; font-size: 11pt; line-height: 1.4; max-width: 50em; margin: 2em auto; }
h1 { font-size: 18pt; } h2 { font-size: 14pt; margin-top: 1.2em; } h3 { font-size: 12pt; margin-bottom: 0.2em; }
.manager { color: #333333; }
.said { background-color: #f4f4f4; padding: 0.5em; }
.hit { background-color: #c8f0c8; font-weight: bold; }
.filler { color: #b00000; text-decoration: line-through; }
.hedge { color: #8a5a00; font-style: italic; }
.flag { text-decoration: underline; }
.miss { color: #b00000; }
.legend { color: #555555; font-size: 10pt; }
"""


def _html_segment(seg: marks.Segment) -> str:
    text = html.escape(seg.text)
    classes = [kind for kind in marks.MARK_KINDS if kind in seg.marks]
    if not classes:
        return text
    tag = "mark" if "hit" in classes else "span"
    title = {"hit": "key phrase", "filler": "filler", "hedge": "hedge", "flag": "flagged"}
    label = ", ".join(title[c] for c in classes)
    return f'<{tag} class="{" ".join(classes)}" title="{label}">{text}</{tag}>'


def _li(items: list[str]) -> str:
    return "".join(f"<li>{item}</li>" for item in items)


def to_html(run: dict) -> str:
    esc = html.escape
    title = f"Rehearsal: {run.get('scenario') or 'untitled'}"
    body = [f"<h1>{esc(title)}</h1>", "<ul>"]
    body += [f"<li><b>{esc(label)}:</b> {esc(value)}</li>" for label, value in run_facts(run)]
    body += ["</ul>", '<p class="legend">In your answers: <mark class="hit">key phrase you said</mark>, '
             '<span class="filler">filler</span>, <span class="hedge">hedge</span>, '
             '<span class="flag">worth a look (see the notes)</span>.</p>', "<h2>Conversation</h2>"]
    for turn in run.get("turns") or []:
        if turn.get("role") == "manager":
            body.append(f'<p class="manager"><b>Manager:</b> {esc(turn.get("text") or "")}</p>')
            continue
        said = " ".join(_html_segment(s) for s in marks.segments(turn)) or "<i>(nothing was heard)</i>"
        body += [f"<h3>{esc(answer_title(turn))}</h3>", f'<p class="said">{said}</p>']
        items = []
        heard = [str(p.get("heard") or p.get("phrase")).strip(".,;:!?") for p in marks.hits(turn)]
        if heard:
            items.append("Key phrases heard: " + ", ".join(f"“{esc(str(h))}”" for h in heard))
        if marks.misses(turn):
            missed = ", ".join(f"“{esc(m)}”" for m in marks.misses(turn))
            items.append(f'<span class="miss">Missed:</span> {missed}')
        if marks.delivery_line(turn):
            items.append("Delivery: " + esc(marks.delivery_line(turn)))
        items += [esc(c) for c in components(turn)]
        items += [esc(n) for n in marks.notes(turn)]
        tip = getattr(marks.feedback_of(turn), "tip", None)
        if tip:
            items.append("<b>Tip:</b> " + esc(str(tip)))
        if turn.get("audio"):
            items.append(f"Recording: <code>{esc(turn['audio'])}</code>" + ("" if turn.get("audio_exists")
                                                                           else " (missing)"))
        body.append(f"<ul>{_li(items)}</ul>")
    partial = [r for r in run.get("recordings") or [] if not r.get("in_turn")]
    if partial:
        body.append("<h2>Unfinished answer</h2>")
        body.append("<ul>" + _li([f"Turn {r['turn_index']}: <code>{esc(r['path'])}</code> "
                                  f"({_num(r.get('duration'), 1) or '?'} s recorded before the run stopped)"
                                  for r in partial]) + "</ul>")
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{esc(title)}</title><style>{STYLE}</style></head>\n<body>\n" + "\n".join(body) + "\n</body></html>\n"
    )


def export_run(run: dict, fmt: str, out_path: Path, force: bool = False) -> Path:
    """Write ``run`` to ``out_path`` as ``md``, ``html`` or ``pdf``: completely or not at all (see
    :func:`rehearse.fileio.write_atomic`). An existing file is replaced only with ``force``."""
    out_path = Path(out_path)
    if fmt not in FORMATS:
        raise UserError(f"unknown export format {fmt!r}: use one of {', '.join(FORMATS)}")
    return write_report(out_path, fmt, lambda: to_html(run), lambda: to_markdown(run), force=force)
