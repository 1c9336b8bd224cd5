"""A follow-up email draft after a run: the ask, the evidence as heard, and where the conversation landed.

Written as the user to their manager, in plain professional English, so the manager can forward it up the chain.
Facts come only from what was said in the run (and names from the scenario when it is still on disk). Anything
not said is a clearly marked blank like ``[review date]``, listed with the reason in ``draft["blanks"]``.
"""

from __future__ import annotations

import re

from rehearse.core.answer_for import AnswerFor
from rehearse.core.normalize import tokenize
from rehearse.report import marks

MONTHS = ("January February March April May June July August September October November December "
          "Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec").split()
_MONTH = r"\b(?:" + "|".join(MONTHS) + r")\b\.?"
_DAY = r"\b\d{1,2}(?:st|nd|rd|th)?\b"
_YEAR = r"(?:,? \d{4})?"
_COUNT = r"(?:\d+|one|two|three|four|five|six|eight|nine|ten|twelve|a few|a couple of)"
DATE_PATTERNS = [
    # a month needs a day, or a word before it that makes it a date ("may" and "march" are also verbs)
    rf"{_DAY} (?:of )?{_MONTH}{_YEAR}",
    rf"{_MONTH} {_DAY}{_YEAR}",
    rf"\b(?:in|by|before|until|from|after|early|late|mid-?) ?{_MONTH}(?: {_DAY})?{_YEAR}",
    r"\d{4}-\d{2}-\d{2}",
    r"\bQ[1-4](?: \d{4})?",
    rf"\bin {_COUNT} (?:weeks?|months?)(?: time)?",
    rf"\b(?:the )?(?:end|start|beginning|middle) of (?:the |this )?(?:next )?(?:quarter|year|month|half|{_MONTH})",
    r"\b(?:next|this|the next|the following) (?:quarter|(?:promotion |review )?cycle|half|year|month|week)",
    r"\b(?:next )?(?:Monday|Tuesday|Wednesday|Thursday|Friday)",
    r"\bmid-year\b",
]
DATE_RE = re.compile("|".join(f"(?:{p})" for p in DATE_PATTERNS), re.IGNORECASE)
REVIEW_CUE = re.compile(r"\b(review|revisit|check in|check-in|meet|decide|decision|follow up|look at this again|"
                        r"come back|catch up|talk again)\b", re.IGNORECASE)
CRITERIA_RES = [
    re.compile(r"\b(?:if|once|when|after) I(?:'ve| have)? ([^,.?!;]{6,})", re.IGNORECASE),
    re.compile(r"\bI(?:'d| would) (?:like|want|need) to see (?:you |more )?([^,.?!;]{6,})", re.IGNORECASE),
    re.compile(r"\b(?:you(?:'d| would)? (?:like|want|need) me to|I (?:need|have|will need|'ll need) to|"
               r"I(?:'ll| will) make sure (?:to|that I)?) ([^,.?!;]{6,})", re.IGNORECASE),
    re.compile(r"\b(?:show|demonstrate|deliver|prove) (?:that )?([^,.?!;]{6,})", re.IGNORECASE),
]
DISCOURSE = re.compile(r"^\s*(?:(?:so|and|okay|ok|well|right|then)\b[,\s]*)+(?:to confirm,?\s*)?", re.IGNORECASE)
COMP_RE = re.compile(r"\b(salary|compensation|pay|raise|band|money|bonus|equity)\b", re.IGNORECASE)
GROWTH_RE = re.compile(r"\b(still growing|grow|improve|get better|working on|still learning|gap|stretch)\b",
                       re.IGNORECASE)


def _norm(text: str) -> str:
    return re.sub(r"[^a-z0-9%]+", " ", text.lower()).strip()


def _has_number(text: str) -> bool:
    tokens = tokenize(text)
    for i, tok in enumerate(tokens):
        if tok.number and (tok.text not in ("0", "1") or (i + 1 < len(tokens) and tokens[i + 1].text == "percent")):
            return True
    return False


def _outcome_index(run: dict) -> int | None:
    """The index of the manager's outcome line: the last manager turn, when the run reached an outcome."""
    if not run.get("outcome"):
        return None
    managers = [t["index"] for t in run.get("turns") or [] if t.get("role") == "manager"]
    return managers[-1] if managers else None


def _user_sentences(turns: list[dict]) -> list[tuple[dict, str, range]]:
    """User sentences without fillers and hedges: the email quotes what was said, minus the um and I-think."""
    return [(t, text, span) for t in turns if t.get("role") == "user"
            for text, span in marks.sentences(t, drop=("filler", "hedge"))]


def _overlaps_hit(turn: dict, span: range, phrases: set[str] | None) -> bool:
    for hit in marks.hits(turn):
        if phrases is not None and _norm(hit.get("phrase", "")) not in phrases:
            continue
        start = hit.get("start_word")
        if isinstance(start, int) and start in span:
            return True
    return False


def evidence_as_heard(run: dict, scenario=None, limit: int = 6) -> list[str]:
    """Sentences the user said with a number or an evidence key phrase in them, fillers left out."""
    cut = _outcome_index(run)
    before = [t for t in run.get("turns") or [] if cut is None or t.get("index", 0) < cut]
    phrases = None
    if scenario is not None:
        phrases = {_norm(p) for item in scenario.pitch.evidence.items for p in item.key_phrases}
    found: list[str] = []
    seen: set[str] = set()
    for turn, text, span in _user_sentences(before):
        if text.endswith("?") or GROWTH_RE.search(text):
            continue
        evidence_turn = marks.answer_for(turn) == AnswerFor.part("evidence")
        if _has_number(text) or _overlaps_hit(turn, span, phrases) and (phrases is not None or evidence_turn):
            key = _norm(text)
            if key not in seen:
                seen.add(key)
                found.append(text)
    return found[:limit]


def growth_as_heard(run: dict, limit: int = 3) -> list[str]:
    """What the user said about the gaps they are working on (before the outcome)."""
    cut = _outcome_index(run)
    before = [t for t in run.get("turns") or [] if cut is None or t.get("index", 0) < cut]
    found = []
    for turn, text, _span in _user_sentences(before):
        if not text.endswith("?") and (GROWTH_RE.search(text) or marks.answer_for(turn) == AnswerFor.part("gaps")):
            if text not in found:
                found.append(text)
    return found[:limit]


def _after_outcome(run: dict) -> list[dict]:
    cut = _outcome_index(run)
    if cut is None:
        return []
    return [t for t in run.get("turns") or [] if t.get("index", 0) >= cut]


def _all_sentences(turns: list[dict]) -> list[str]:
    out = []
    for turn in turns:
        if turn.get("role") == "user":
            out += [text for text, _span in marks.sentences(turn, drop=("filler", "hedge"))]
        else:
            out += [s for s in re.split(r"(?<=[.!?])\s+", turn.get("text") or "") if s.strip()]
    return out


def criteria_as_heard(run: dict) -> list[str]:
    """Conditions for the promotion said after a not-yet (by either side)."""
    summary = run.get("summary") or {}
    given = summary.get("criteria") or summary.get("conditions")
    if isinstance(given, list) and given:
        return [marks.tidy(str(c)) for c in given]
    items: list[str] = []
    for sentence in _all_sentences(_after_outcome(run)):
        for pattern in CRITERIA_RES:
            match = pattern.search(sentence)
            if match:
                clause = DATE_RE.sub("", match.group(1))
                clause = re.sub(r"\s+(?:by|before|on|in|at)\s*$", "", clause.strip())
                item = marks.tidy(clause)
                if len(item.split()) >= 2 and _norm(item) not in {_norm(i) for i in items}:
                    items.append(item)
                break
    return items


EFFECTIVE_CUE = re.compile(r"\b(effective|starting|start|from|backdated|as of)\b", re.IGNORECASE)


def date_as_heard(run: dict, cue: re.Pattern = REVIEW_CUE, summary_key: str = "review_date") -> str | None:
    """The review (or effective) date said after the outcome, preferring sentences that match ``cue``."""
    summary = run.get("summary") or {}
    if summary.get(summary_key):
        return str(summary[summary_key])
    after = _after_outcome(run)
    sentences = _all_sentences(after)
    # a date counts when it is said about reviewing/starting, or else by the user (the manager's "not this
    # cycle" is not a date anyone agreed to)
    ranked = [s for s in sentences if cue.search(s)] + _all_sentences([t for t in after if t.get("role") == "user"])
    for sentence in ranked:
        match = DATE_RE.search(sentence)
        if match:
            return match.group(0).strip()
    return None


def compensation_as_heard(run: dict) -> str | None:
    """The clause about pay said after the outcome (e.g. "we will discuss the salary band with HR")."""
    for sentence in _all_sentences(_after_outcome(run)):
        if COMP_RE.search(sentence):
            for clause in re.split(r",\s*(?:and\s+|but\s+)?|;\s*", sentence):
                if COMP_RE.search(clause):
                    return marks.tidy(DISCOURSE.sub("", clause))
    return None


def date_phrase(when: str) -> str:
    """``March 15th`` -> ``on March 15th``; ``March`` -> ``in March``; ``next quarter`` stays; blanks stay."""
    lower = when.lower()
    if when.startswith("[") or lower.startswith(("in ", "by ", "before ", "next ", "this ", "on ", "at ", "mid",
                                                     "from ", "after ", "until ", "early ", "late ")):
        return when
    if lower.startswith(("the end", "the start", "the beginning", "the middle", "end", "start", "beginning",
                         "middle")):
        return "at " + (when if lower.startswith("the ") else "the " + when)
    if lower.startswith(("the next", "the following")):
        return "in " + when
    if re.fullmatch(rf"{_MONTH}(?:,? \d{{4}})?|Q[1-4](?: \d{{4}})?", when, re.IGNORECASE):
        return "in " + when
    return "on " + when


def draft_email(run: dict, scenario=None) -> dict:
    """``{"subject", "body", "blanks": [{"blank", "why"}], "outcome"}`` for a stored run."""
    blanks: list[dict] = []

    def blank(label: str, why: str) -> str:
        text = f"[{label}]"
        if text not in [b["blank"] for b in blanks]:
            blanks.append({"blank": text, "why": why})
        return text

    role = run.get("target_role") or (scenario.who.target_role if scenario else "") or blank(
        "target role", "the run has no target role")
    manager = scenario.who.manager if scenario and scenario.who.manager else blank(
        "manager's name", "the scenario file is gone, so the manager's name is unknown")
    me = scenario.who.name if scenario and scenario.who.name else blank(
        "your name", "the scenario does not give your name")
    current = scenario.who.current_role if scenario else ""
    outcome = run.get("outcome")

    subject = {
        "yes": f"Promotion to {role}: summary and next steps",
        "not_yet": f"Promotion to {role}: agreed criteria and review date",
    }.get(outcome, f"Promotion to {role}: following up on our conversation")
    lines = [f"Hi {manager},", "",
             f"Thank you for taking the time to talk with me about my promotion to {role}. Here is a short "
             "summary of our conversation, so that we both have it in writing and you can share it with anyone "
             "else involved in the decision.", "",
             "What I asked for",
             f"I asked to be promoted from {current} to {role}." if current else f"I asked to be promoted to {role}.",
             ""]
    evidence = evidence_as_heard(run, scenario)
    lines.append("The evidence I shared")
    if evidence:
        lines += [f"- {e}" for e in evidence]
    else:
        lines.append("- " + blank("your evidence", "no results with numbers were heard in the run"))
    growth = growth_as_heard(run)
    if growth:
        lines += ["", "Where I am still growing"] + [f"- {g}" for g in growth]
    lines += ["", "Where we landed"]
    when = date_as_heard(run, EFFECTIVE_CUE, "effective_date") if outcome == "yes" else date_as_heard(run)
    if outcome == "yes":
        lines.append(f"You agreed to support my promotion to {role}. To confirm the details:")
        lines.append(f"- Title: {role}")
        lines.append("- Effective date: " + (when or blank("effective date", "no date was said after the yes")))
        comp = compensation_as_heard(run)
        lines.append("- Compensation: " + (comp or blank("compensation", "compensation was not discussed in the run")))
    elif outcome == "not_yet":
        lines.append("You felt I am not quite ready yet, and we agreed on what would get me there:")
        criteria = criteria_as_heard(run)
        if criteria:
            lines += [f"- {c}" for c in criteria]
        else:
            lines.append("- " + blank("agreed criteria", "no specific criteria were said after the not-yet"))
        review = when or blank("review date", "no review date was said after the not-yet")
        lines.append(f"We agreed to review my progress against these {date_phrase(review)}.")
    else:
        proposed = date_phrase(when) if when else blank("proposed date", "no date was agreed in the run")
        lines.append("We did not reach a decision yet. Could we agree on a date to come back to it, "
                     f"ideally {proposed}?")
    lines += ["", "Please let me know if I have missed or misread anything.", "", "Best regards,", me]
    body = "\n".join(lines) + "\n"
    return {"run_id": run.get("run_id"), "outcome": outcome, "subject": subject, "body": body, "blanks": blanks}


def email_text(draft: dict) -> str:
    return f"Subject: {draft['subject']}\n\n{draft['body']}"
