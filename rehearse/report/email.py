"""A follow-up email draft after a run: the ask, the evidence that was heard, and where the conversation landed.

Written as the user to their manager, in plain professional English, so the manager can forward it up the chain.
What the draft may say, and where it comes from:

- **evidence and growth**: for each evidence item and gap that was heard in the run (denial-aware: a phrase said
  inside a denial was not heard), the scenario's *prepared* sentence — never the recognizer's text, so a misheard
  word ("Logan related", "350 millisocans") never reaches the draft, and nothing the feedback flagged (earned-it,
  apologies, hedges, vague claims) is quoted. An item with a phrase said inside a denial is not heard; an item heard
  without its number (or with another one) keeps what was done and gets a blank for the result, never the prepared
  number; a gap named without a plan (or with its plan refused) gets a blank for the plan;
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
from rehearse.report.dates import (DATE_RE, EFFECTIVE_CUE, REVIEW_CUE, date_phrase,  # noqa: F401 (DATE_RE re-exported)
                                   review_date)

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


def _phrases(feedback) -> tuple[set[str], set[str]]:
    """The key phrases of one answer's feedback heard plainly, and those said inside a denial (normalised)."""
    phrases = marks.phrases_of(feedback)
    return ({_norm(p.get("phrase", "")) for p in phrases if p.get("hit") and not p.get("denied")},
            {_norm(p.get("phrase", "")) for p in phrases if p.get("denied")})


def _evidence_in_turn(turn: dict, items) -> dict[int, bool]:
    """Evidence items said plainly in one user turn -> whether with their number. An item with any of its key
    phrases said inside a denial ("I did not lead the migration to OAuth") is not heard from that turn."""
    feedback = marks.feedback_of(turn)
    said, denied = _phrases(feedback)
    details = [d for d in getattr(feedback, "evidence", None) or [] if isinstance(d, dict)]
    out: dict[int, bool] = {}
    for i, item in enumerate(items):
        if any(_norm(p) in denied for p in item.key_phrases):
            continue
        detail = next((d for d in details if d.get("what") == item.what), None)
        numbers = [p for p in item.key_phrases if _has_number(p)]
        named = [p for p in item.key_phrases if not _has_number(p)] or item.key_phrases
        if detail is not None and detail.get("heard"):
            out[i] = bool(detail.get("with_number")) or not _has_number(item.number)
        elif any(_norm(p) in said for p in named):
            out[i] = not numbers or any(_norm(p) in said for p in numbers)
    return out


def evidence_heard(run: dict, scenario, turns: list[dict] | None = None) -> list[tuple]:
    """The scenario's evidence items heard plainly in the run (denial-aware) as ``(item, with_number)``: from the
    feedback's per-item details when it has them, otherwise from the key phrases of each item that were heard."""
    if scenario is None:
        return []
    items = scenario.pitch.evidence.items
    heard: dict[int, bool] = {}
    for turn in _before_outcome(run) if turns is None else turns:
        for i, numbered in _evidence_in_turn(turn, items).items():
            heard[i] = heard.get(i, False) or numbered
    return [(items[i], heard[i]) for i in sorted(heard)]


def evidence_sentence(item) -> str:
    """The prepared sentence for an evidence item: its ``say``, else built from what, outcome and number."""
    if item.say:
        return marks.tidy(item.say)
    return marks.tidy(f"I {item.what.strip()}; {item.outcome.strip()} ({item.number.strip()})")


NO_NUMBER_BLANK = "[result, with its number]"


def evidence_without_number(item) -> str:
    """An item heard without its number (or with another one): what was done, and a blank for the result — the
    prepared number is never put in the user's mouth."""
    return marks.tidy(f"I {item.what.strip()}: {NO_NUMBER_BLANK}")


def _plan_phrases(item) -> list[str]:
    """A gap's key phrases about its plan (the ones whose words are not all words of the gap itself)."""
    gap_words = {t.text for t in tokenize(item.gap)}
    return [p for p in item.key_phrases if not {t.text for t in tokenize(p)} <= gap_words]


def gaps_heard(run: dict, scenario) -> list[tuple]:
    """The scenario's gaps named in the run (denial-aware) as ``(item, plan_heard)``: from the feedback's gaps or
    its key phrases. The plan counts when a phrase about what it is ("design review", not only "next quarter") was
    said plainly in some answer before the outcome, and not denied in that answer."""
    if scenario is None:
        return []
    named: set[str] = set()
    planned: set[str] = set()
    for turn in _before_outcome(run):
        feedback = marks.feedback_of(turn)
        said, denied = _phrases(feedback)
        named.update((getattr(feedback, "gaps", None) or {}).get("named") or [])
        for item in scenario.pitch.gaps.items:
            if any(_norm(p) in said for p in item.key_phrases):
                named.add(item.gap)
            plan = _plan_phrases(item)
            what = [p for p in plan if not DATE_RE.fullmatch(p.strip())] or plan
            if not plan or (any(_norm(p) in said for p in what) and not any(_norm(p) in denied for p in plan)):
                planned.add(item.gap)
    return [(item, item.gap in planned) for item in scenario.pitch.gaps.items if item.gap in named]


PLAN_BLANK = "[your plan for it]"


def gap_sentence(item, plan_heard: bool = True) -> str:
    if not plan_heard:  # the gap was named, but no plan was heard (or it was refused): never offer the prepared one
        return marks.tidy(f"{item.gap.strip()}: {PLAN_BLANK}")
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


def _user_sentences(turns: list[dict]) -> list[str]:
    return [text for turn in turns if turn.get("role") == "user"
            for text, _span in marks.sentences(turn, drop=("filler", "hedge"))]


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


def date_proposed(run: dict, cue: re.Pattern | None = None) -> str | None:
    """A review date (``cue``: an effective date) only the user proposed — after the outcome, else earlier in the
    run: offered as a suggestion, never as agreed."""
    after = _after_outcome(run)
    before = [t for t in run.get("turns") or [] if t not in after]
    return (review_date(_user_sentences(after), True, cue) or review_date(_user_sentences(before), False, cue))


def compensation_as_heard(run: dict) -> str | None:
    """The manager's clause about pay after the outcome (e.g. "we will discuss the salary band with HR")."""
    for sentence in _manager_sentences(_after_outcome(run)):
        if COMP_RE.search(sentence):
            for clause in re.split(r",\s*(?:and\s+|but\s+)?|;\s*", sentence):
                if COMP_RE.search(clause):
                    return marks.tidy(DISCOURSE.sub("", clause))
    return None


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
    heard = evidence_heard(run, scenario)
    evidence = [evidence_sentence(item) for item, numbered in heard if numbered]  # those with their number first
    for item, numbered in heard:
        if not numbered:
            evidence.append(evidence_without_number(item))
            blank(NO_NUMBER_BLANK[1:-1], "an evidence item was heard without its number (or with another number) "
                  "in the run; put the result you can stand behind, or leave the item out")
    lines.append("The evidence I shared")
    if evidence:
        lines += [f"- {e}" for e in evidence]
    else:
        why = ("no evidence item of the scenario was heard in the run" if scenario is not None
               else "the scenario file is gone, so the prepared evidence sentences are unknown")
        lines.append("- " + blank("your evidence", why))
    growth = []
    for item, plan_heard in gaps_heard(run, scenario):
        growth.append(gap_sentence(item, plan_heard))
        if not plan_heard:
            blank(PLAN_BLANK[1:-1], "a gap was named in the run without a plan for it")
    if growth:
        lines += ["", "Where I am still growing"] + [f"- {g}" for g in growth]
    lines += ["", "Where we landed"]
    if outcome == "yes":
        when = date_as_heard(run, EFFECTIVE_CUE, "effective_date")
        proposed = None if when else date_proposed(run, EFFECTIVE_CUE)
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
