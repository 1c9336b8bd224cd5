"""A follow-up email draft after a run: the ask, the evidence that was heard, and where the conversation landed.

Written as the user to their manager, in plain professional English, so the manager can forward it up the chain.
What the draft may say, and where it comes from:

- **evidence and growth**: for each evidence item and gap that was heard in the run (denial-aware: a phrase said
  inside a denial was not heard), the scenario's *prepared* sentence — never the recognizer's text, so a misheard
  word ("Logan related", "350 millisocans") never reaches the draft, and nothing the feedback flagged (earned-it,
  apologies, hedges, vague claims) is quoted;
- **agreements** (criteria, review or effective date, compensation): stated as agreed only when the manager's line
  made them. A date only the user proposed is offered as a suggestion to confirm; criteria the user proposed are
  their prepared plans, offered likewise;
- anything else is a clearly marked blank like ``[review date]``, listed with the reason in ``draft["blanks"]``.
"""

from __future__ import annotations

import re

from rehearse.core.analysers.book import PhraseBook
from rehearse.core.analysers.heard import Heard
from rehearse.core.normalize import tokenize
from rehearse.core.transcript import Transcript
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


def _before_outcome(run: dict) -> list[dict]:
    cut = _outcome_index(run)
    return [t for t in run.get("turns") or [] if t.get("role") == "user" and (cut is None or t.get("index", 0) < cut)]


def _heard_phrases(turn: dict) -> set[str]:
    """The key phrases heard plainly in one user turn (a denied phrase is not a hit)."""
    return {_norm(p.get("phrase", "")) for p in marks.hits(turn) if not p.get("denied")}


def evidence_heard(run: dict, scenario, turns: list[dict] | None = None) -> list:
    """The scenario's evidence items heard in the run: from the feedback's per-item details when it has them,
    otherwise from the key phrases of each item that were heard."""
    if scenario is None:
        return []
    items = scenario.pitch.evidence.items
    heard: set[int] = set()
    for turn in _before_outcome(run) if turns is None else turns:
        details = getattr(marks.feedback_of(turn), "evidence", None) or []
        for i, item in enumerate(items):
            if any(isinstance(d, dict) and d.get("what") == item.what and d.get("heard") for d in details):
                heard.add(i)
        said = _heard_phrases(turn)
        for i, item in enumerate(items):
            named = [p for p in item.key_phrases if not _has_number(p)] or item.key_phrases
            if any(_norm(p) in said for p in named):
                heard.add(i)
    return [items[i] for i in sorted(heard)]


def evidence_sentence(item) -> str:
    """The prepared sentence for an evidence item: its ``say``, else built from what, outcome and number."""
    if item.say:
        return marks.tidy(item.say)
    return marks.tidy(f"I {item.what.strip()}; {item.outcome.strip()} ({item.number.strip()})")


def gaps_heard(run: dict, scenario) -> list:
    """The scenario's gaps named in the run (denial-aware), from the feedback's gaps or its key phrases."""
    if scenario is None:
        return []
    named: set[str] = set()
    for turn in _before_outcome(run):
        named.update((getattr(marks.feedback_of(turn), "gaps", None) or {}).get("named") or [])
        said = _heard_phrases(turn)
        for item in scenario.pitch.gaps.items:
            if any(_norm(p) in said for p in item.key_phrases):
                named.add(item.gap)
    return [item for item in scenario.pitch.gaps.items if item.gap in named]


def gap_sentence(item) -> str:
    if item.say:
        return marks.tidy(item.say)
    return marks.tidy(f"I am working on {item.gap.strip()}: I will {item.plan.strip()}")


def _after_outcome(run: dict) -> list[dict]:
    cut = _outcome_index(run)
    if cut is None:
        return []
    return [t for t in run.get("turns") or [] if t.get("index", 0) >= cut]


def _manager_sentences(turns: list[dict]) -> list[str]:
    out = []
    for turn in turns:
        if turn.get("role") == "manager":
            out += [s for s in re.split(r"(?<=[.!?])\s+", turn.get("text") or "") if s.strip()]
    return out


def _user_date(turns: list[dict]) -> str | None:
    """A date the user said (only the words the strict date pattern accepts are taken)."""
    for turn in turns:
        if turn.get("role") == "user":
            for text, _span in marks.sentences(turn, drop=("filler", "hedge")):
                match = DATE_RE.search(text)
                if match:
                    return match.group(0).strip()
    return None


def criteria_as_heard(run: dict) -> list[str]:
    """Conditions for the promotion the manager stated after the outcome (or the session's summary holds)."""
    summary = run.get("summary") or {}
    given = summary.get("criteria") or summary.get("conditions")
    if isinstance(given, list) and given:
        return [marks.tidy(str(c)) for c in given]
    items: list[str] = []
    for sentence in _manager_sentences(_after_outcome(run)):
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


def criteria_proposed(run: dict, scenario) -> list[str]:
    """The prepared plans of the gaps the user brought up after the outcome (their proposal, to be confirmed)."""
    if scenario is None:
        return []
    out = []
    for turn in _after_outcome(run):
        if turn.get("role") != "user":
            continue
        book = PhraseBook(Heard(Transcript(text=marks.turn_text(turn))), scenario)
        for item in scenario.pitch.gaps.items:
            if any(book.match(p).hit for p in item.key_phrases) and marks.tidy(item.plan) not in out:
                out.append(marks.tidy(item.plan))
    return out


EFFECTIVE_CUE = re.compile(r"\b(effective|starting|start|from|backdated|as of)\b", re.IGNORECASE)


def date_as_heard(run: dict, cue: re.Pattern = REVIEW_CUE, summary_key: str = "review_date") -> str | None:
    """The review (or effective) date the manager's line set after the outcome (or the session's summary holds)."""
    summary = run.get("summary") or {}
    if summary.get(summary_key):
        return str(summary[summary_key])
    sentences = _manager_sentences(_after_outcome(run))
    for sentence in [s for s in sentences if cue.search(s)] + sentences:
        match = DATE_RE.search(sentence)
        if match and not re.search(r"\bnot\b[^.?!]*$", sentence[: match.start()], re.IGNORECASE):
            return match.group(0).strip()  # "Not this cycle" is no date anyone agreed to
    return None


def date_proposed(run: dict) -> str | None:
    """A date only the user proposed after the outcome: offered as a suggestion, never as agreed."""
    return _user_date(_after_outcome(run))


def compensation_as_heard(run: dict) -> str | None:
    """The manager's clause about pay after the outcome (e.g. "we will discuss the salary band with HR")."""
    for sentence in _manager_sentences(_after_outcome(run)):
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


def asked_explicitly(run: dict) -> bool:
    """Whether the feedback heard an explicit ask in any answer (its denial-aware ``explicit_ask`` signal).

    Only the feedback's signal counts: a run whose feedback never heard the ask ("I'm not asking for a promotion…"),
    or stored without signals, is not told it asked."""
    return any((getattr(marks.feedback_of(turn), "signals", None) or {}).get("explicit_ask") is True
               for turn in run.get("turns") or [] if turn.get("role") == "user")


def ask_sentence(run: dict, role: str, current: str) -> str:
    move = f"from {current} to {role}" if current else f"to {role}"
    if asked_explicitly(run):
        return f"I asked to be promoted {move}."
    # the ask was not heard (or was denied): say what the conversation was about, claim no ask nobody made
    return f"We talked about my promotion {move}."


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
    # names and roles are one line each (a line break in a role would start a new header, e.g. "Bcc:")
    role, manager, me, current = (" ".join(str(v).split()) for v in (role, manager, me, current))
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
             ask_sentence(run, role, current),
             ""]
    evidence = [evidence_sentence(item) for item in evidence_heard(run, scenario)]
    lines.append("The evidence I shared")
    if evidence:
        lines += [f"- {e}" for e in evidence]
    else:
        why = ("no evidence item of the scenario was heard in the run" if scenario is not None
               else "the scenario file is gone, so the prepared evidence sentences are unknown")
        lines.append("- " + blank("your evidence", why))
    growth = [gap_sentence(item) for item in gaps_heard(run, scenario)]
    if growth:
        lines += ["", "Where I am still growing"] + [f"- {g}" for g in growth]
    lines += ["", "Where we landed"]
    if outcome == "yes":
        when = date_as_heard(run, EFFECTIVE_CUE, "effective_date")
        proposed = None if when else date_proposed(run)
        lines.append(f"You agreed to support my promotion to {role}. To confirm the details:")
        lines.append(f"- Title: {role}")
        if when:
            lines.append(f"- Effective date: {when}")
        else:
            lines.append("- Effective date: " + blank("effective date", "you did not name one after the yes")
                         + (f" (I suggested {date_phrase(proposed)}; could you confirm?)" if proposed else ""))
        comp = compensation_as_heard(run)
        lines.append("- Compensation: " + (comp or blank(
            "compensation", "the manager did not state the compensation in the run")))
    elif outcome == "not_yet":
        criteria = criteria_as_heard(run)
        proposed_criteria = [] if criteria else criteria_proposed(run, scenario)
        if criteria:
            lines.append("You felt I am not quite ready yet, and we agreed on what would get me there:")
            lines += [f"- {c}" for c in criteria]
        elif proposed_criteria:
            lines.append("You felt I am not quite ready yet. I suggested this as what would get me there; could you "
                         "confirm it, or tell me what you would add?")
            lines += [f"- {c}" for c in proposed_criteria]
        else:
            lines.append("You felt I am not quite ready yet. What would get me there:")
            lines.append("- " + blank("agreed criteria", "no criteria were agreed in the run"))
        review = date_as_heard(run)
        if review:
            lines.append(f"We agreed to review my progress against these {date_phrase(review)}.")
        else:
            proposed = date_proposed(run)
            if proposed:
                lines.append(f"I suggested we review my progress {date_phrase(proposed)}; could you confirm that "
                             "works for you?")
            else:
                # no review was agreed (nor proposed): ask for one, never state an agreement nobody made
                lines.append("Could we agree a date to review my progress against these, ideally "
                             + blank("review date", "no review date was agreed in the run") + "?")
    else:
        when = date_as_heard(run) or date_proposed(run)
        proposed = date_phrase(when) if when else blank("proposed date", "no date was agreed in the run")
        lines.append("We did not reach a decision yet. Could we agree on a date to come back to it, "
                     f"ideally {proposed}?")
    lines += ["", "Please let me know if I have missed or misread anything.", "", "Best regards,", me]
    body = "\n".join(lines) + "\n"
    return {"run_id": run.get("run_id"), "outcome": outcome, "subject": subject, "body": body, "blanks": blanks}


def email_text(draft: dict) -> str:
    subject = " ".join(str(draft["subject"]).split())  # the header is one line, whatever was stored
    return f"Subject: {subject}\n\n{draft['body']}"
