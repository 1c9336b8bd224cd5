"""How an answer is shown, in one place for the app's feedback panel and the exports: the words marked (key-phrase
hits, fillers, hedges, other flags), the words a flag quotes, the delivery line and the answer's title.

Functions take a stored user turn (``Store.run(id)["turns"]``) or, with the ``_of`` suffix, the answer's text and its
feedback. Stored feedback is read back typed, whatever version stored it (:func:`feedback_of`: a
:class:`~rehearse.core.feedback.Feedback`, or a :class:`~rehearse.core.pronunciation.Reading` for a sentence read
aloud). Word indexes in ``key_phrases`` and ``flags`` are into ``text.split()`` and inclusive at both ends.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rehearse.core.analysers.heard import Flag
from rehearse.core.answer_for import AnswerFor
from rehearse.core.feedback import Feedback, from_stored
from rehearse.core.pronunciation import Reading

MARK_KINDS = ("hit", "filler", "hedge", "flag")
SENTENCE_END = re.compile(r"[.!?]+[\"')\]]*$")


@dataclass
class Segment:
    """A run of consecutive words with the same marks."""

    text: str
    marks: frozenset = field(default_factory=frozenset)
    notes: tuple = ()  # the messages of the flags on these words


def turn_text(turn: dict) -> str:
    """What the user said: the turn text, or the transcript's text when the turn text is empty."""
    text = turn.get("text") or ""
    if not text.strip():
        text = ((turn.get("transcript") or {}).get("text")) or ""
    return text


Stored = Feedback | Reading  # the feedback of one answer, typed


def feedback_of(turn: dict) -> Stored | None:
    """A stored turn's feedback, typed (older shapes read as the current one); None when it has none, or none that
    can be read."""
    feedback = turn.get("feedback")
    if isinstance(feedback, (Feedback, Reading)):
        return feedback
    typed = from_stored(feedback, turn.get("expects"))
    if typed is None and isinstance(feedback, dict) and feedback and "sentence" not in feedback:
        # stored before a turn said what it answered: read as an answer to the pitch (only its title is unknown)
        typed = from_stored(feedback, AnswerFor.part("pitch"))
    return typed


def shown_feedback(turn: dict) -> Stored:
    """The feedback to show for a turn: the stored one, or — when none can be read — an empty one with the turn's
    stored score."""
    feedback = feedback_of(turn)
    if feedback is not None:
        return feedback
    which = answer_for(turn) or AnswerFor.part("pitch")
    if which.is_read:
        return Reading(sentence="", heard="", words=[])
    score = turn.get("score")
    return Feedback.from_dict({"score": score if isinstance(score, (int, float)) else 0}, which)


def score_of(turn: dict) -> float | None:
    """The answer's score: as stored with the turn, else from its feedback."""
    score = turn.get("score")
    if isinstance(score, (int, float)) and not isinstance(score, bool):
        return score
    feedback = feedback_of(turn)
    return feedback.score if feedback is not None else None


def flags_of(feedback: Stored | None) -> list[Flag]:
    """The feedback's flags (a sentence read aloud has none)."""
    return list(getattr(feedback, "flags", None) or [])


def phrases_of(feedback: Stored | None) -> list[dict]:
    """The feedback's key phrases: ``{"phrase", "hit", "start_word", …}`` each."""
    return [p for p in getattr(feedback, "key_phrases", None) or [] if isinstance(p, dict)]


def delivery_of(feedback: Stored | None) -> dict:
    """The delivery numbers (a sentence read aloud has none)."""
    return dict(getattr(feedback, "delivery", None) or {})


def _span(item, n_words: int) -> range | None:
    """The words a key phrase (a dict) or a flag points at."""
    if isinstance(item, dict):
        start, end = item.get("start_word"), item.get("end_word")
    else:
        start, end = item.start_word, item.end_word
    if not isinstance(start, int):
        return None
    if not isinstance(end, int) or end < start:
        end = start
    start, end = max(0, start), min(n_words - 1, end)
    return range(start, end + 1) if start <= end else None


def word_marks(turn: dict) -> tuple[list[str], list[set[str]]]:
    """The turn's words and, for each, the set of marks on it (``hit``, ``filler``, ``hedge``, ``flag``)."""
    words, marks, _notes = _marked(turn_text(turn), feedback_of(turn))
    return words, marks


def _marked(text: str, feedback: Stored | None) -> tuple[list[str], list[set[str]], list[list[str]]]:
    words = text.split()
    marks: list[set[str]] = [set() for _ in words]
    notes: list[list[str]] = [[] for _ in words]
    for phrase in phrases_of(feedback):
        if phrase.get("hit"):
            for i in _span(phrase, len(words)) or ():
                marks[i].add("hit")
    for flag in flags_of(feedback):
        mark = flag.kind if flag.kind in ("filler", "hedge") else "flag"
        span = _span(flag, len(words)) or range(0)
        # Other flags mark words only when they point at a few of them (not "too fast" over the whole answer)
        # and are a problem, not praise.
        if mark == "flag" and (flag.severity == "good" or not _few(span, len(words))):
            continue
        for i in span:
            marks[i].add(mark)
            if flag.message and flag.message not in notes[i]:
                notes[i].append(flag.message)
    return words, marks, notes


def _few(span: range, n_words: int) -> bool:
    return 0 < len(span) <= max(8, n_words // 3)


def segments(turn: dict) -> list[Segment]:
    """The user's words grouped into runs with the same marks (for rendering)."""
    return segments_of(turn_text(turn), feedback_of(turn))


def segments_of(text: str, feedback: Stored | None) -> list[Segment]:
    words, marks, notes = _marked(text, feedback)
    out: list[Segment] = []
    for word, mark, note in zip(words, marks, notes):
        frozen, note = frozenset(mark), tuple(note)
        if out and out[-1].marks == frozen and out[-1].notes == note:
            out[-1].text += " " + word
        else:
            out.append(Segment(word, frozen, note))
    return out


def quote(flag: Flag, words: list[str], limit: int = 60) -> str:
    """The words a flag points at, when it points at a few of them ("" for a flag on the whole answer)."""
    span = _span(flag, len(words)) or range(0)
    whole = not _few(span, len(words)) or len(span) > max(2, 0.6 * len(words))
    if whole and not (flag.text and flag.start_word is None):
        return ""
    quoted = str(flag.text or " ".join(words[i] for i in span)).strip(".,;:!? ")
    return quoted if len(quoted) <= limit else quoted[:limit - 3].rstrip() + "…"


def notes(turn: dict) -> list[str]:
    """The feedback's flag messages (each once), "Good:" or "Note:" first, with the words they point at."""
    return notes_of(turn_text(turn), feedback_of(turn))


def notes_of(text: str, feedback: Stored | None) -> list[str]:
    words = text.split()
    seen: list[str] = []
    for flag in flags_of(feedback):
        if not flag.message:
            continue
        kind = "Good" if flag.severity == "good" else "Note"
        quoted = quote(flag, words)
        line = f"{kind}: {flag.message}" + (f" (“{quoted}”)" if quoted else "")
        if line not in seen:
            seen.append(line)
    return seen


def _count(value) -> int | None:
    """A count of fillers or hedges (stored as a number)."""
    return int(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else None


def delivery_parts(delivery: dict, latency: float | None = None) -> list[str]:
    """Length, pace, fillers, hedges and reaction time of one answer, each a few words."""
    parts = []
    duration, target = delivery.get("duration"), delivery.get("target_seconds")
    if isinstance(duration, (int, float)) and duration > 0:
        parts.append(f"{duration:.0f} s" + (f" of {target:.0f} s" if isinstance(target, (int, float)) else ""))
    if isinstance(delivery.get("wpm_speaking"), (int, float)) and delivery["wpm_speaking"] > 0:
        parts.append(f"{delivery['wpm_speaking']:.0f} words a minute")
    fillers, hedges = _count(delivery.get("fillers")), _count(delivery.get("hedges"))
    if fillers is not None:
        rate = delivery.get("fillers_per_min")
        per_min = f" ({rate:.1f} a minute)" if fillers and isinstance(rate, (int, float)) else ""
        parts.append(f"{fillers} filler{'s' if fillers != 1 else ''}{per_min}")
    if hedges is not None:
        parts.append(f"{hedges} hedge{'s' if hedges != 1 else ''}")
    if isinstance(latency, (int, float)):
        parts.append(f"started after {latency:.1f} s")
    return parts


def delivery_line(turn: dict) -> str:
    return "; ".join(delivery_parts(delivery_of(feedback_of(turn)), turn.get("latency")))


def misses(turn: dict) -> list[str]:
    return [p.get("phrase", "") for p in phrases_of(feedback_of(turn)) if not p.get("hit")]


def hits(turn: dict) -> list[dict]:
    return [p for p in phrases_of(feedback_of(turn)) if p.get("hit")]


def coverage(turn: dict) -> float | None:
    """Share of the turn's key phrases that were heard (0..1), None when it had none."""
    phrases = phrases_of(feedback_of(turn))
    if not phrases:
        return None
    return sum(1 for p in phrases if p.get("hit")) / len(phrases)


def sentences(turn: dict, *, drop: tuple[str, ...] = ("filler",)) -> list[tuple[str, range]]:
    """The turn split into sentences: ``(clean text, range of word indexes)``.

    Sentences end at ``.!?``; text without punctuation (some recognizers give none) is one sentence. Words marked
    with a kind in ``drop`` (e.g. fillers, hedges) are left out of the clean text.
    """
    words, marks = word_marks(turn)
    out: list[tuple[str, range]] = []
    start = 0
    for i, word in enumerate(words):
        if SENTENCE_END.search(word) or i == len(words) - 1:
            kept = [w for j, w in enumerate(words[start:i + 1], start)
                    if not marks[j].intersection(drop)]
            text = tidy(" ".join(kept))
            if text:
                out.append((text, range(start, i + 1)))
            start = i + 1
    return out


def tidy(text: str) -> str:
    """Capitalise, drop stray commas left by removed fillers, and end with a full stop."""
    text = re.sub(r"\s+,", ",", text)
    text = re.sub(r",\s*,+", ",", text)
    text = re.sub(r"^[,;:\s]+|[,;:\s]+$", "", text)
    if not text:
        return ""
    text = text[0].upper() + text[1:]
    if not re.search(r"[.!?]$", text):
        text += "."
    return text


# ---------------------------------------------------------------------------------- what a report may quote
# A report quotes what the feedback credited, in the user's prepared words (the key phrases heard plainly, the moves
# made, the evidence items heard); the recognizer's text only where it is marked as such, and never a sentence the
# feedback flagged (see :func:`quotable`).

def credited(turn: dict) -> dict:
    """What the feedback credited, in the scenario's words: ``{"phrases": [prepared key phrases heard plainly — not
    inside a denial, not negated], "moves": [moves made, by name], "evidence": [evidence items heard, by what was
    done]}``."""
    feedback = feedback_of(turn)
    phrases = [str(p.get("phrase")) for p in phrases_of(feedback)
               if p.get("hit") and p.get("phrase") and not p.get("denied") and not p.get("negated")]
    moves = [str(m["label"]) for m in getattr(feedback, "moves", None) or []
             if isinstance(m, dict) and m.get("made") and m.get("label") and not m.get("denied_by")]
    evidence = [str(e["what"]) for e in getattr(feedback, "evidence", None) or []
                if isinstance(e, dict) and e.get("heard") and e.get("what")]
    return {"phrases": list(dict.fromkeys(phrases)), "moves": list(dict.fromkeys(moves)),
            "evidence": list(dict.fromkeys(evidence))}


QUOTABLE_KINDS = ("filler", "hedge")  # removed or left as they are; not reasons to leave a sentence out


def flagged_words(turn: dict) -> set[int]:
    """Word indexes inside a problem the feedback pointed at (a warning or a problem on a few words, not on the
    whole answer), and inside a key phrase said within a denial."""
    n = len(turn_text(turn).split())
    out: set[int] = set()
    feedback = feedback_of(turn)
    for flag in flags_of(feedback):
        if flag.kind in QUOTABLE_KINDS or flag.severity not in ("problem", "warning"):
            continue
        start, end = flag.start_word, flag.end_word
        if not isinstance(start, int):
            continue
        end = end if isinstance(end, int) and end >= start else start
        if end - start + 1 > max(8, 0.6 * n):
            continue  # about the whole answer (length, pace): no sentence in particular
        out.update(range(start, end + 1))
    for phrase in phrases_of(feedback):
        if (phrase.get("hit") and phrase.get("negated")) or phrase.get("denied"):
            start, end = phrase.get("start_word"), phrase.get("end_word")
            if isinstance(start, int):
                out.update(range(start, (end if isinstance(end, int) else start) + 1))
    return out


def quotable(turn: dict, max_words: int = 70) -> dict:
    """The answer as the recognizer heard it, fit to quote: fillers removed, every sentence the feedback flagged
    left out, at most ``max_words`` words. ``{"sentences": [(text, [key phrases heard in it])], "left_out": n,
    "shortened": bool}``."""
    flagged = flagged_words(turn)
    hits_ = [p for p in hits(turn) if not p.get("negated") and not p.get("denied")]
    kept, left_out, shortened = [], 0, False
    for text, span in sentences(turn, drop=("filler",)):
        if flagged.intersection(span):
            left_out += 1
            continue
        room = max_words - sum(len(t.split()) for t, _ in kept)
        if len(text.split()) > room:  # the opening of a long answer, never past the limit
            shortened = True
            if kept:
                break
            text = " ".join(text.split()[:room])  # a first sentence longer than the limit: its opening words
        heard = [str(p.get("phrase")) for p in hits_ if isinstance(p.get("start_word"), int) and p["start_word"] in span]
        kept.append((text, heard))
        if shortened:
            break
    return {"sentences": kept, "left_out": left_out, "shortened": shortened}


def answer_for(turn_or_expects) -> AnswerFor | None:
    """What a stored answer was for (the store keeps it as text: ``"objection:budget"``); None when unknown."""
    expects = turn_or_expects.get("expects") if isinstance(turn_or_expects, dict) else turn_or_expects
    try:
        return AnswerFor.parse(expects) if expects else None
    except ValueError:
        return None


def expects_label(expects: str | None) -> str:
    """Plain words for what a stored answer was scored as: ``objection:budget`` -> ``the "budget" objection``."""
    parsed = answer_for(expects)
    if parsed is not None:
        return parsed.label()
    return str(expects).replace("_", " ") if expects else "an answer"


def outcome_label(outcome: str | None) -> str:
    if not outcome:
        return "no outcome"
    return {"not_yet": "not yet", "yes": "yes", "ambiguous": "no clear answer"}.get(outcome, outcome.replace("_", " "))


MODE_NAMES = {"pitch": "Conversation", "drill": "Drill", "read": "Read aloud"}


def mode_label(mode: str | None) -> str:
    """What a run's mode is called on screen: ``pitch`` -> ``Conversation``."""
    return MODE_NAMES.get(mode, str(mode or "")) if mode else ""
