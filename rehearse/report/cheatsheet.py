"""A one-page cheat sheet per scenario: for each pitch part and objection, the prepared key sentences beside the
best answer so far (the highest-scoring one, any run), as HTML or PDF.

As in the follow-up email, what the sheet states is in the user's prepared words: the key phrases the feedback
credited (heard plainly, not inside a denial), the moves made and the evidence items heard. The answer itself is
quoted only as "what the recognizer heard" (it may hold misheard words), cleaned of fillers, and a sentence the
feedback flagged as a problem (an apology, "I deserve it", a phrase inside a denial…) is left out of it — the sheet
says so. ``cheatsheet(scenario, turns)`` builds the content (``turns``: ``Store.user_turns(path)``), ``to_html``
renders it, ``write_cheatsheet`` writes ``.html`` or ``.pdf``.
"""

from __future__ import annotations

import html
from datetime import datetime
from pathlib import Path

from rehearse.core.answer_for import AnswerFor
from rehearse.core.scenario import PARTS
from rehearse.errors import UserError
from rehearse.report import marks
from rehearse.report.writing import write_report

FORMATS = ("html", "pdf")
PART_TITLES = {"pitch": "The whole pitch", "intent": "1 · Intent", "evidence": "2 · Evidence",
               "gaps": "3 · Gaps and plans", "ask": "4 · The ask"}


def prepared(scenario, expects: str) -> dict:
    """What the user prepared for ``expects``: ``{"sentences": [...], "key_phrases": [...], "tip": str}``."""
    p = scenario.pitch
    answer_for = marks.answer_for(expects)
    if answer_for is not None and answer_for.is_objection:
        objection = scenario.objection(answer_for.id)
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
    return marks.score_of(turn)


MAX_WORDS = 70  # per quoted answer, so that the sheet stays one page
SHEET_WORDS = 400  # quoted words on the whole sheet: with many rows each quotes less (never under MIN_WORDS)
MIN_WORDS = 25


def words_per_row(rows: int) -> int:
    """The quoting limit of one row when the sheet has ``rows`` rows: one A4 page in all."""
    return max(MIN_WORDS, min(MAX_WORDS, SHEET_WORDS // max(1, rows)))


WEAK_SCORE = 30  # a best answer scoring this or less is not quoted (a non-answer scores at most 30)


def best_answer(turns: list[dict], expects: str, max_words: int = MAX_WORDS) -> dict | None:
    """The highest-scoring answer to ``expects`` (the later one on a tie): ``{"run_id", "date", "score",
    "credited" (see :func:`rehearse.report.marks.credited`), "sentences": [(text, [heard key phrases])] (as heard,
    cleaned, see :func:`rehearse.report.marks.quotable`), "left_out": n, "shortened"}``; None when never answered. When the best
    scored WEAK_SCORE or less nothing is quoted and ``"weak"`` is True."""
    best = None
    for turn in turns:
        if turn.get("expects") != expects or _score(turn) is None or not marks.turn_text(turn).strip():
            continue
        if best is None or _score(turn) >= _score(best):
            best = turn
    if best is None:
        return None
    if _score(best) <= WEAK_SCORE:  # "okay sure, whatever you think" is no answer to take to the meeting
        return {"run_id": best.get("run_id"), "date": best.get("started_at"), "score": _score(best),
                "sentences": [], "left_out": 0, "shortened": False, "weak": True}
    quoted = marks.quotable(best, max_words)
    return {"run_id": best.get("run_id"), "date": best.get("started_at"), "score": _score(best),
            "credited": marks.credited(best), **quoted}


def cheatsheet(scenario, turns: list[dict]) -> dict:
    """``{"title", "target_role", "manager", "sections": [{"expects", "title", "prepared", "best"}]}``."""
    sections = []
    pitch = any(t.get("expects") == "pitch" for t in turns)  # the whole pitch only when practised as one answer
    limit = words_per_row(int(pitch) + len(PARTS) + len(scenario.objections))
    for expects in ("pitch",) + PARTS:
        best = best_answer(turns, expects, limit)
        if expects == "pitch" and best is None:
            continue
        sections.append({"expects": expects, "title": PART_TITLES[expects], "prepared": prepared(scenario, expects),
                         "best": best})
    for objection in scenario.objections:
        expects = AnswerFor.objection(objection.id).to_str()
        wording = scenario.fill(objection.wordings[0]) if objection.wordings else objection.id
        sections.append({"expects": expects, "title": f"“{wording}”", "prepared": prepared(scenario, expects),
                         "best": best_answer(turns, expects, limit)})
    return {"title": scenario.title, "target_role": scenario.who.target_role, "manager": scenario.who.manager,
            "sections": sections}


STYLE = """
body { font-family: sans-serif; font-size: 7pt; margin: 0; }
h1 { font-size: 10pt; margin: 0; }
p.sub { color: #555555; margin: 0 0 3pt 0; }
table { border-collapse: collapse; width: 100%; }
th { text-align: left; font-size: 7.5pt; background-color: #e8eef7; padding: 1pt 3pt; }
td { vertical-align: top; padding: 1pt 8pt 1pt 3pt; width: 50%; }
.kp { color: #2e7d32; }
.muted { color: #777777; }
.score { color: #555555; font-size: 6.5pt; }
.heard { color: #444444; font-style: italic; font-size: 6.5pt; }
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


def _phrases_html(phrases: list[str], credited: dict) -> str:
    """The prepared key phrases, those the best answer was credited with ticked and in bold."""
    said = {p.lower() for p in credited.get("phrases") or []}
    return " · ".join(f"✓ {html.escape(k)}" if k.lower() in said else html.escape(k) for k in phrases)


def to_html(sheet: dict) -> str:
    esc = html.escape
    rows = []
    for section in sheet["sections"]:
        prep = section["prepared"]
        best = section["best"]
        credited = (best or {}).get("credited") or {}
        left = "<br>".join(f"• {esc(s)}" for s in prep["sentences"])
        if prep["key_phrases"]:
            left += ('<br>' if left else "") + ('<span class="kp">Key phrases: '
                                                 + _phrases_html(prep["key_phrases"], credited) + "</span>")
        if prep.get("tip"):
            left += f'<br><span class="muted">Tip: {esc(prep["tip"])}</span>'
        if best is None:
            right = '<span class="muted">Not answered yet.</span>'
        elif best.get("weak"):
            right = (f'<span class="muted">No answer worth taking to the meeting yet (the best so far scored '
                     f'{best["score"]:.0f}, run {best["run_id"]}, {esc(_date(best["date"]))}): say the prepared '
                     'sentences on the left.</span>')
        else:
            moves = credited.get("moves") or []
            right = ("Moves made: " + "; ".join(esc(m) for m in moves) + ". ") if moves else ""
            said = " ".join(_bold_phrases(text, heard) for text, heard in best["sentences"])
            if best.get("shortened"):
                said += " …"
            # the recognizer's text, marked as such: it may hold words it misheard
            right += (f'<span class="heard">The recognizer heard: “{said}”</span>' if said
                      else '<span class="muted">(nothing left to quote)</span>')
            note = f"score {best['score']:.0f} · run {best['run_id']} · {_date(best['date'])}"
            if best["left_out"]:
                n = best["left_out"]
                note += f" · {n} sentence{'s' if n != 1 else ''} left out (flagged in the feedback)"
            right += f' <span class="score">({esc(note)})</span>'
        rows.append(f'<tr><th colspan="2">{esc(section["title"])}</th></tr><tr><td>{left}</td><td>{right}</td></tr>')
    sub = f"Promotion to {sheet['target_role']}" + (f" · with {sheet['manager']}" if sheet.get("manager") else "")
    return ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f"<title>Cheat sheet: {esc(sheet['title'])}</title><style>{STYLE}</style></head><body>"
            f"<h1>Cheat sheet: {esc(sheet['title'])}</h1><p class=\"sub\">{esc(sub)} · left: what you prepared; "
            "<b>✓</b> = a key phrase your best answer so far was credited with; right: the moves it made, and that "
            "answer as the recognizer heard it (fillers and flagged sentences removed; it may hold misheard words)"
            "</p>"
            '<table><tr><th>Prepared</th><th>Your best answer so far</th></tr>' + "".join(rows)
            + "</table></body></html>\n")


def write_cheatsheet(sheet: dict, out_path, fmt: str | None = None, force: bool = False) -> Path:
    """Write the sheet as HTML or PDF: completely or not at all (:func:`rehearse.fileio.write_atomic`); an
    existing file is replaced only with ``force``."""
    out_path = Path(out_path)
    fmt = fmt or {".html": "html", ".htm": "html", ".pdf": "pdf"}.get(out_path.suffix.lower())
    if fmt not in FORMATS:
        raise UserError(f"{out_path}: cannot tell the format from the file name; use .pdf or .html (or --format)")
    return write_report(out_path, fmt, lambda: to_html(sheet), force=force)
