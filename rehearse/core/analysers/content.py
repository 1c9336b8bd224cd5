"""What the answer got across: key phrases, an early intent, evidence with numbers, gaps, the ask and a timeline.

Each function returns a :class:`Component` (0–100, with the tip that would raise it most), the flags it raised
(each pointing at the words it came from) and the signals the conversation rules use.
"""

from __future__ import annotations

from rapidfuzz import fuzz, process

from rehearse.core.analysers.heard import Component, Flag, Heard
from rehearse.core.analysers.words import find, load_list
from rehearse.core.matching import Matcher, PhraseMatch
from rehearse.core.normalize import tokenize
from rehearse.core.scenario import Scenario

INTENT_WORDS = 75  # the ask should come within the first ~75 words …
INTENT_SECONDS = 30.0  # … or, when there are timings, the first 30 seconds
NEAR_MISS = 75.0  # a missed phrase whose closest words are at least this similar (0-100) earns half credit


class PhraseBook:
    """Matches phrases against one answer, each phrase once."""

    def __init__(self, heard: Heard):
        self.heard = heard
        self.matcher = Matcher(heard.text)
        self.cache: dict[str, PhraseMatch] = {}
        self._plain_words: list[str] | None = None
        self._window_cache: dict[int, tuple[list[str], list[tuple[int, int]]]] = {}

    def match(self, phrase: str) -> PhraseMatch:
        if phrase not in self.cache:
            self.cache[phrase] = self.matcher.match(phrase)
        return self.cache[phrase]

    def any_hit(self, phrases: list[str]) -> PhraseMatch | None:
        hits = [m for m in (self.match(p) for p in phrases) if m.hit]
        return min(hits, key=lambda m: m.start_word) if hits else None

    def closest(self, phrase: str) -> dict | None:
        """The words of the answer most like ``phrase`` (what was heard instead)."""
        size = len(phrase.split())
        if not self.heard.words or not size:
            return None
        windows, spans = [], []
        for width in sorted({max(1, size - 1), size, size + 1}):
            more_windows, more_spans = self._windows(width)
            windows += more_windows
            spans += more_spans
        best = process.extractOne(_plain(phrase), windows, scorer=fuzz.ratio, processor=None)
        if not best:
            return None
        first, last = spans[best[2]]
        return {"text": self.heard.quote(first, last), "start_word": first, "end_word": last,
                "similarity": round(best[1], 1)}

    def _windows(self, width: int) -> tuple[list[str], list[tuple[int, int]]]:
        """Every run of ``width`` words, simplified for comparison (computed once per width)."""
        if width not in self._window_cache:
            if self._plain_words is None:
                self._plain_words = [_plain(w) for w in self.heard.words]
            words = self._plain_words
            spans = [(i, min(len(words), i + width) - 1) for i in range(max(1, len(words) - width + 1))]
            self._window_cache[width] = ([" ".join(words[a : b + 1]) for a, b in spans], spans)
        return self._window_cache[width]


def key_phrases(book: PhraseBook, phrases: list[str], weight: float,
                tip_prefix: str = "") -> tuple[list[dict], Component, list[Flag]]:  # fmt: skip
    """Coverage of the prepared key phrases, with partial credit for near misses."""
    results, flags, credit = [], [], 0.0
    for phrase in phrases:
        m = book.match(phrase)
        entry = m.to_dict()
        if m.hit:
            credit += 1.0
            entry["closest"] = None
        else:
            near = book.closest(phrase)
            entry["closest"] = near
            if near and near["similarity"] >= NEAR_MISS:
                credit += 0.5
                flags.append(book.heard.flag("near_miss", "info", f'heard this instead of "{phrase}"',
                                             near["start_word"], near["end_word"]))  # fmt: skip
        results.append(entry)
    hits = sum(1 for r in results if r["hit"])
    missed = [r["phrase"] for r in results if not r["hit"]]
    score = 100.0 * credit / len(phrases) if phrases else 100.0
    tip = None
    if missed:
        tip = f'{tip_prefix}Say your key phrase "{missed[0]}"' + (f" (and {len(missed) - 1} more)." if
                                                                   len(missed) > 1 else ".")  # fmt: skip
    detail = f"{hits} of {len(phrases)} key phrases" + (f"; missed: {', '.join(missed)}" if missed else "")
    return results, Component("key_phrases", weight, score, detail, tip), flags


def intent(book: PhraseBook, scenario: Scenario, weight: float) -> tuple[Component, list[Flag], dict]:
    """Did the ask come early (first ~75 words / 30 s), or was it buried in context?"""
    heard = book.heard
    position, where = _first_ask(book, scenario)
    flags: list[Flag] = []
    signals = {"explicit_ask": position is not None, "intent_early": False}
    say = scenario.pitch.intent.key_phrases[0]
    if position is None:
        flags.append(heard.flag("no_intent", "problem", "never said what you are asking for"))
        tip = f'Open with what you are asking for: "{say}".'
        return Component("intent_early", weight, 0.0, "the ask was not heard", tip, priority=1), flags, signals
    seconds = heard.time_of_word(position)
    if seconds is not None:
        late, limit, unit = seconds, INTENT_SECONDS, "s"
    else:
        late, limit, unit = float(position), float(INTENT_WORDS), " words"
    if late <= limit:
        signals["intent_early"] = True
        detail = f"the ask came at {late:.0f}{unit} (within {limit:.0f}{unit})"
        return Component("intent_early", weight, 100.0, detail), flags, signals
    score = max(30.0, 100.0 - 70.0 * (late - limit) / limit)
    flags.append(heard.flag("intent_buried", "warning", f"the ask came only after {late:.0f}{unit} of context",
                            *where))  # fmt: skip
    tip = f'Move the ask to your first sentence ("{say}"); context can follow.'
    detail = f"the ask came at {late:.0f}{unit} (limit {limit:.0f}{unit})"
    return Component("intent_early", weight, score, detail, tip), flags, signals


def _first_ask(book: PhraseBook, scenario: Scenario) -> tuple[int | None, tuple[int, int]]:
    """Word index (and span) of the first explicit ask: an intent key phrase, the target role or an ask phrase."""
    spans = []
    for phrase in scenario.pitch.intent.key_phrases + [scenario.who.target_role]:
        m = book.match(phrase)
        if m.hit:
            spans.append((m.start_word, m.end_word))
    for f in find(book.heard.tokens, load_list("asks")):
        spans.append(book.heard.token_span(f.first_token, f.last_token))
    if not spans:
        return None, (None, None)
    first = min(spans)
    return first[0], first


def evidence(book: PhraseBook, scenario: Scenario, weight: float) -> tuple[Component, list[Flag], dict, list]:
    """Each evidence item: heard (a key phrase of it) and with its number (partial credit per item)."""
    heard, items = book.heard, scenario.pitch.evidence.items
    numbers_heard = {t.text: i for i, t in reversed(list(enumerate(heard.tokens))) if t.number}
    flags, details, total = [], [], 0.0
    for item in items:
        words = [p for p in item.key_phrases if not any(t.number for t in tokenize(p))]
        hit = book.any_hit(words or item.key_phrases)
        want = {t.text for t in tokenize(item.number) if t.number}
        number_at = min((numbers_heard[n] for n in want if n in numbers_heard), default=None)
        said_number = number_at is not None
        mentioned = hit is not None or said_number
        total += (0.4 if mentioned else 0.0) + (0.6 if said_number else 0.0)
        detail = {"what": item.what, "number": item.number, "heard": mentioned, "with_number": said_number,
                  "start_word": hit.start_word if hit else None, "end_word": hit.end_word if hit else None}
        if said_number:
            first, last = heard.token_span(number_at, number_at)
            detail["number_word"] = first
            flags.append(heard.flag("evidence_number", "good", f"number for: {item.what}", first, last))
        elif mentioned:
            flags.append(heard.flag("no_number", "warning", f"no number for: {item.what} (yours: {item.number})",
                                    hit.start_word, hit.end_word))  # fmt: skip
        details.append(detail)
    score = 100.0 * total / len(items) if items else 100.0
    with_numbers = sum(1 for d in details if d["with_number"])
    heard_count = sum(1 for d in details if d["heard"])
    tip = None
    missing_number = next((i for i, d in zip(items, details) if d["heard"] and not d["with_number"]), None)
    missing_item = next((i for i, d in zip(items, details) if not d["heard"]), None)
    if missing_number:
        tip = f'Give the number for "{missing_number.what}": {missing_number.number}.'
    elif missing_item:
        tip = f"Add your evidence: {missing_item.what}, {missing_item.outcome} ({missing_item.number})."
    detail = f"{heard_count} of {len(items)} evidence items heard, {with_numbers} with their number"
    signals = {"evidence_with_numbers": with_numbers > 0, "evidence_items_heard": heard_count,
               "evidence_items_with_numbers": with_numbers}  # fmt: skip
    return Component("evidence", weight, score, detail, tip), flags, signals, details


def specificity(heard: Heard, weight: float) -> tuple[Component, list[Flag], dict]:
    """Vague claims ("worked really hard") instead of evidence."""
    found = find(heard.tokens, load_list("vague_claims"))
    flags = [heard.flag("vague_claim", "warning", "vague claim: say what you did and the number it moved",
                        *heard.token_span(f.first_token, f.last_token)) for f in found]  # fmt: skip
    tip = (f'Replace "{flags[0].text}" with what you did, the outcome and a number.' if flags else None)
    detail = f"{len(found)} vague claims" + (f": {', '.join(f.text for f in flags)}" if flags else "")
    return Component("specificity", weight, max(0.0, 100.0 - 30.0 * len(found)), detail, tip), flags, \
        {"vague": bool(found)}  # fmt: skip


def framing(heard: Heard, weight: float, reward_level: bool) -> tuple[Component, list[Flag], dict]:
    """Earned-it and apologetic framing (penalised) versus already operating at the next level (rewarded)."""
    taken: set[int] = set()
    earned = find(heard.tokens, load_list("earned_it"), taken)
    sorry = find(heard.tokens, load_list("apologetic"), taken)
    level = find(heard.tokens, load_list("already_doing"), taken)
    flags = []
    for f in earned:
        flags.append(heard.flag("earned_it", "problem", "earned-it framing: time served or deserving does not "
                                "persuade and puts your manager on the spot",
                                *heard.token_span(f.first_token, f.last_token)))  # fmt: skip
    for f in sorry:
        flags.append(heard.flag("apologetic", "warning", "apologetic opener: it makes the request sound like an "
                                "imposition", *heard.token_span(f.first_token, f.last_token)))  # fmt: skip
    for f in level:
        flags.append(heard.flag("already_doing", "good", "shows you already work at the next level",
                                *heard.token_span(f.first_token, f.last_token)))  # fmt: skip
    base = (80.0 + (20.0 if level else 0.0)) if reward_level else 100.0
    score = max(0.0, base - 40.0 * len(earned) - 25.0 * len(sorry))
    tip = None
    if earned:
        tip = (f'Drop "{heard.quote(*heard.token_span(earned[0].first_token, earned[0].last_token))}": show the work '
               "you already do at the next level instead.")
    elif sorry:
        tip = (f'Skip "{heard.quote(*heard.token_span(sorry[0].first_token, sorry[0].last_token))}": '
               "open with your request.")
    elif reward_level and not level:
        tip = 'Show you already work at the next level, e.g. "I\'ve been operating at the senior level".'
    detail = f"{len(earned)} earned-it, {len(sorry)} apologetic, {len(level)} already-at-the-next-level"
    signals = {"earned_it": bool(earned), "apologetic": bool(sorry), "already_doing": bool(level)}
    return Component("framing", weight, score, detail, tip, priority=int(bool(earned or sorry))), flags, signals


def gaps(book: PhraseBook, scenario: Scenario, weight: float) -> tuple[Component, list[Flag], dict]:
    """Each gap named proactively (any of its key phrases), with partial credit for the rest of its phrases."""
    heard, items = book.heard, scenario.pitch.gaps.items
    flags, total, named = [], 0.0, 0
    for item in items:
        matches = [book.match(p) for p in item.key_phrases]
        hits = [m for m in matches if m.hit]
        if hits:
            named += 1
            total += 0.5 + 0.5 * len(hits) / len(matches)
            first = min(hits, key=lambda m: m.start_word)
            flags.append(heard.flag("gap_named", "good", f"named the gap: {item.gap}", first.start_word,
                                    first.end_word))  # fmt: skip
        else:
            flags.append(heard.flag("gap_not_named", "warning", f"gap not named: {item.gap}"))
    missing = next((i for i in items if not any(book.match(p).hit for p in i.key_phrases)), None)
    tip = (f"Name your gap before {scenario.who.manager} does: {missing.gap}, and your plan: {missing.plan}."
           if missing else None)  # fmt: skip
    score = 100.0 * total / len(items) if items else 100.0
    detail = f"{named} of {len(items)} gaps named"
    return Component("gaps", weight, score, detail, tip), flags, {"named_gaps": named > 0}


def ask(book: PhraseBook, scenario: Scenario, weight: float) -> tuple[Component, list[Flag], dict]:
    """The explicit ask and a timeline question, half the score each."""
    heard = book.heard
    position, span = _first_ask(book, scenario)
    readiness_hit = book.any_hit([p for p in scenario.pitch.ask.key_phrases if not _is_timeline(p)])
    explicit = position is not None or readiness_hit is not None
    timeline = find(heard.tokens, load_list("timeline"))
    flags = []
    if explicit:
        first, last = span if position is not None else (readiness_hit.start_word, readiness_hit.end_word)
        flags.append(heard.flag("explicit_ask", "good", "explicit ask", first, last))
    else:
        flags.append(heard.flag("no_explicit_ask", "problem", "no explicit ask"))
    if timeline:
        flags.append(heard.flag("timeline", "good", "asked for a timeline",
                                *heard.token_span(timeline[0].first_token, timeline[0].last_token)))  # fmt: skip
    else:
        flags.append(heard.flag("no_timeline", "warning", "no timeline or date asked for"))
    score = (50.0 if explicit else 0.0) + (50.0 if timeline else 0.0)
    tip = None
    if not explicit:
        tip = f'Ask directly: "{scenario.pitch.ask.readiness}"'
    elif not timeline:
        tip = f'Ask for a timeline: "{scenario.pitch.ask.timeline}"'
    detail = f"explicit ask: {'yes' if explicit else 'no'}; timeline asked: {'yes' if timeline else 'no'}"
    return Component("ask", weight, score, detail, tip, priority=int(not explicit)), flags, {"explicit_ask": explicit,
                                                                 "asked_timeline": bool(timeline)}


def _is_timeline(phrase: str) -> bool:
    return bool(find(tokenize(phrase), load_list("timeline")))


def _plain(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum() or ch.isspace())
