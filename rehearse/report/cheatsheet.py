"""A one-page cheat sheet per scenario: for each pitch part and objection, the prepared key sentences beside the
best answer so far (the highest-scoring one, any run), cleaned of fillers, as HTML or PDF.

Only what was said and scored is quoted: a sentence the feedback flagged as a problem (an apology, "I deserve it",
a phrase inside a denial…) is left out of the quoted answer and the sheet says so; key phrases that were heard are
in bold. ``cheatsheet(scenario, turns)`` builds the content (``turns``: ``Store.user_turns(path)``), ``to_html``
renders it, ``write_cheatsheet`` writes ``.html`` or ``.pdf``.
"""

from __future__ import annotations

import html
from datetime import datetime
from pathlib import Path

from rehearse.core.scenario import PARTS
from rehearse.errors import UserError
from rehearse.store import marks

FORMATS = ("html", "pdf")
PART_TITLES = {"pitch": "The whole pitch", "intent": "1 · Intent", "evidence": "2 · Evidence",
               "gaps": "3 · Gaps and plans", "ask": "4 · The ask"}


def prepared(scenario, expects: str) -> dict:
    """What the user prepared for ``expects``: ``{"sentences": [...], "key_phrases": [...], "tip": str}``."""
    p = scenario.pitch
    if expects.startswith("objection:"):
        objection = scenario.objection(expects.split(":", 1)[1])
        return {"sentences": [], "key_phrases": list(objection.key_phrases), "tip": objection.tip}
    if expects == "intent":
        sentences = [p.intent.say] if p.intent.say else []
    elif expects == "evidence":
        sentences = [item.say or f"{item.what} — {item.outcome} ({item.number})".strip() for item in p.evidence.items]
    elif expects == "gaps":
        sentences = [gap.say or f"{gap.gap}: {gap.plan}" for gap in p.gaps.items]
    elif expects == "ask":
        sentences = [s for s in (p.ask.readiness, p.ask.timeline) if s]
    else:
        sentences = []
    return {"sentences": [s for s in sentences if s.strip()], "key_phrases": scenario.part_key_phrases(expects),
            "tip": ""}


def _score(turn: dict) -> float | None:
    score = turn.get("score")
    if score is None:
        score = marks.feedback_of(turn).get("score")
    return score if isinstance(score, (int, float)) else None


def best_answer(turns: list[dict], expects: str) -> dict | None:
    """The highest-scoring answer to ``expects`` (the later one on a tie), cleaned: ``{"run_id", "date",
    "score", "sentences": [(text, [heard key phrases])], "left_out": n}``; None when never answered."""
    best = None
    for turn in turns:
        if turn.get("expects") != expects or _score(turn) is None or not marks.turn_text(turn).strip():
            continue
        if best is None or _score(turn) >= _score(best):
            best = turn
    if best is None:
        return None
    words, word_marks = marks.word_marks(best)
    hits = marks.hits(best)
    kept, left_out = [], 0
    for text, span in marks.sentences(best, drop=("filler",)):
        if any("flag" in word_marks[i] for i in span):
            left_out += 1
            continue
        heard = [str(p.get("phrase")) for p in hits
                 if isinstance(p.get("start_word"), int) and p["start_word"] in span]
        kept.append((text, heard))
    return {"run_id": best.get("run_id"), "date": best.get("started_at"), "score": _score(best),
            "sentences": kept, "left_out": left_out}


def cheatsheet(scenario, turns: list[dict]) -> dict:
    """``{"title", "target_role", "manager", "sections": [{"expects", "title", "prepared", "best"}]}``."""
    sections = []
    for expects in ("pitch",) + PARTS:
        best = best_answer(turns, expects)
        if expects == "pitch" and best is None:
            continue  # the whole pitch only when it was practised as one answer
        sections.append({"expects": expects, "title": PART_TITLES[expects], "prepared": prepared(scenario, expects),
                         "best": best})
    for objection in scenario.objections:
        expects = f"objection:{objection.id}"
        wording = scenario.fill(objection.wordings[0]) if objection.wordings else objection.id
        sections.append({"expects": expects, "title": f"“{wording}”", "prepared": prepared(scenario, expects),
                         "best": best_answer(turns, expects)})
    return {"title": scenario.title, "target_role": scenario.who.target_role, "manager": scenario.who.manager,
            "sections": sections}


STYLE = """
body { font-family: sans-serif; font-size: 8.5pt; line-height: 1.25; margin: 0; }
h1 { font-size: 13pt; margin: 0 0 2pt 0; }
p.sub { color: #555555; margin: 0 0 6pt 0; }
table { border-collapse: collapse; width: 100%; }
th { text-align: left; font-size: 9pt; background-color: #e8eef7; padding: 3pt 4pt; }
td { vertical-align: top; padding: 2pt 4pt 4pt 4pt; border-bottom: 1px solid #dddddd; width: 50%; }
.kp { color: #2e7d32; }
.muted { color: #777777; }
.score { color: #555555; font-size: 7.5pt; }
"""


def _date(iso: str | None) -> str:
    try:
        return datetime.fromisoformat(iso).strftime("%d %b %Y").lstrip("0") if iso else ""
    except ValueError:
        return iso or ""


def _bold_phrases(text: str, heard: list[str]) -> str:
    out = html.escape(text)
    for phrase in sorted(set(heard), key=len, reverse=True):
        safe = html.escape(phrase)
        if safe and safe.lower() in out.lower():
            at = out.lower().index(safe.lower())
            out = out[:at] + f"<b>{out[at:at + len(safe)]}</b>" + out[at + len(safe):]
    return out


def to_html(sheet: dict) -> str:
    esc = html.escape
    rows = []
    for section in sheet["sections"]:
        prep = section["prepared"]
        left = "".join(f"<div>• {esc(s)}</div>" for s in prep["sentences"])
        if prep["key_phrases"]:
            left += ('<div class="kp">Key phrases: ' + " · ".join(esc(k) for k in prep["key_phrases"])
                     + "</div>")
        if prep.get("tip"):
            left += f'<div class="muted">Tip: {esc(prep["tip"])}</div>'
        best = section["best"]
        if best is None:
            right = '<span class="muted">Not answered yet — practise it in a drill or a conversation.</span>'
        else:
            said = " ".join(_bold_phrases(text, heard) for text, heard in best["sentences"])
            right = said or '<span class="muted">(nothing left to quote)</span>'
            note = f"score {best['score']:.0f} · run {best['run_id']} · {_date(best['date'])}"
            if best["left_out"]:
                n = best["left_out"]
                note += f" · {n} sentence{'s' if n != 1 else ''} left out (flagged in the feedback)"
            right += f'<div class="score">{esc(note)}</div>'
        rows.append(f'<tr><th colspan="2">{esc(section["title"])}</th></tr><tr><td>{left}</td><td>{right}</td></tr>')
    sub = f"Promotion to {sheet['target_role']}" + (f" · with {sheet['manager']}" if sheet.get("manager") else "")
    return ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f"<title>Cheat sheet: {esc(sheet['title'])}</title><style>{STYLE}</style></head><body>"
            f"<h1>Cheat sheet: {esc(sheet['title'])}</h1><p class=\"sub\">{esc(sub)} · left: what you prepared; "
            "right: your best answer so far, fillers removed, key phrases you said in bold</p>"
            '<table><tr><th>Prepared</th><th>Your best answer so far</th></tr>' + "".join(rows)
            + "</table></body></html>\n")


def write_cheatsheet(sheet: dict, out_path, fmt: str | None = None) -> Path:
    out_path = Path(out_path)
    fmt = fmt or {".html": "html", ".htm": "html", ".pdf": "pdf"}.get(out_path.suffix.lower())
    if fmt not in FORMATS:
        raise UserError(f"{out_path}: cannot tell the format from the file name; use .pdf or .html (or --format)")
    if not out_path.parent.is_dir():
        raise UserError(f"{out_path}: the folder {out_path.parent} does not exist")
    try:
        if fmt == "html":
            out_path.write_text(to_html(sheet), encoding="utf-8")
        else:
            from rehearse.store.pdf import html_to_pdf

            html_to_pdf(to_html(sheet), out_path)
    except OSError as err:
        raise UserError(f"{out_path}: cannot write the cheat sheet: {err.strerror or err}") from None
    return out_path
