"""What the answer got across: key phrases, an early intent, evidence with numbers, gaps, the ask and a timeline.

Each function returns a :class:`Component` (0–100, with the tip that would raise it most), the flags it raised
(each pointing at the words it came from) and the signals the conversation rules use.
"""

from __future__ import annotations

from rehearse.core.analysers.book import ROLE_NOUNS, PhraseBook, key_phrases, moves  # noqa: F401  (re-exported)
from rehearse.core.analysers.framing import framing, specificity  # noqa: F401  (re-exported)
from rehearse.core.analysers.heard import Component, Flag
from rehearse.core.analysers.moves import move_of_phrase
from rehearse.core.analysers.words import find, load_list
from rehearse.core.normalize import stem, tokenize
from rehearse.core.scenario import Scenario

INTENT_WORDS = 75  # the ask should come within the first ~75 words …
INTENT_SECONDS = 30.0  # … or, when there are timings, the first 30 seconds


def intent(book: PhraseBook, scenario: Scenario, weight: float) -> tuple[Component, list[Flag], dict]:
    """Did the ask come early (first ~75 words / 30 s), or was it buried in context?"""
    heard = book.heard
    position, where = _first_ask(book, scenario)
    flags: list[Flag] = []
    signals = {"explicit_ask": position is not None, "intent_early": False}
    say = scenario.pitch.intent.key_phrases[0]
    if position is None:
        wrong = wrong_roles(book, scenario)
        if wrong:
            said = heard.quote(*wrong[0])
            flags.append(heard.flag("wrong_role", "problem", f'you asked for "{said}": your target role is '
                                    f"{scenario.who.target_role}", *wrong[0]))  # fmt: skip
            tip = f'You asked for "{said}". Say the role you are going for: "{say}".'
        else:
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
    framed = _earned_it_sentences(book.heard)
    # the intent's phrases that ask ("promotion to Senior Engineer"), not the ones around it ("this cycle")
    asking = [p for p in scenario.pitch.intent.key_phrases if move_of_phrase(p, ("ask_promotion",))]
    for phrase in asking + [scenario.who.target_role]:
        m = book.match(phrase)
        # the role alone inside earned-it framing ("it's my turn to be a Senior Engineer") is no ask
        if m.hit and not (phrase == scenario.who.target_role and any(a <= m.start_word <= b for a, b in framed)):
            spans.append((m.start_word, m.end_word))
    for f in find(book.heard.tokens, load_list("asks")):
        if _other_role(book, scenario, f.last_token) is not None:
            continue  # "a promotion to Senior Manager" asks for another role, not this one
        if book.tokens_plain(f.first_token, f.last_token, claim=True):  # "I'm not asking for a promotion" is no ask
            spans.append(book.heard.token_span(f.first_token, f.last_token))
    if not spans:
        return None, (None, None)
    first = min(spans)
    return first[0], first


def _other_role(book: PhraseBook, scenario: Scenario, last_tok: int) -> tuple[int, int] | None:
    """Token span of a role other than the target right after an ask ("promotion to Senior Manager")."""
    toks = book.heard.tokens
    k = last_tok + 1
    if k >= len(toks) or toks[k].text not in ("to", "as", "for"):
        return None
    k += 1
    while k < len(toks) and toks[k].text in ("a", "an", "the"):
        k += 1
    said = [t.text for t in toks[k : k + 4]]
    target = [t.text for t in tokenize(scenario.who.target_role)]
    if said[: len(target)] == target:
        return None
    ends = [i for i, w in enumerate(said) if w in ROLE_NOUNS]
    return (k, k + ends[-1]) if ends else None


def wrong_roles(book: PhraseBook, scenario: Scenario) -> list[tuple[int, int]]:
    """Word spans of asks for another role than the target ("a promotion to Senior Manager")."""
    out = []
    for f in find(book.heard.tokens, load_list("asks")):
        span = _other_role(book, scenario, f.last_token)
        if span is not None:
            out.append(book.heard.token_span(*span))
    return out


def _earned_it_sentences(heard) -> list[tuple[int, int]]:
    """Word spans of the sentences with earned-it framing in them ("I've been here five years, so I deserve it")."""
    return [heard.sentence_span(*heard.token_span(f.first_token, f.last_token))
            for f in find(heard.tokens, load_list("earned_it"))]


def evidence(book: PhraseBook, scenario: Scenario, weight: float) -> tuple[Component, list[Flag], dict, list]:
    """Each evidence item: heard (a key phrase of it) and with its number (partial credit per item)."""
    heard, items = book.heard, scenario.pitch.evidence.items
    numbers_heard = [i for i, t in enumerate(heard.tokens)
                     if t.number and book.tokens_plain(i, i, done=True)]  # "didn't drop 62%" is no number
    flags, details, total = [], [], 0.0
    for item in items:
        words = [p for p in item.key_phrases if not any(t.number for t in tokenize(p))]
        hit = book.any_hit(words or item.key_phrases)
        want = {t.text for t in tokenize(item.number) if t.number}
        if hit is not None:  # the item is named: its number anywhere in the answer counts
            number_at = next((i for i in numbers_heard if heard.tokens[i].text in want), None)
        elif any(p in book.denied for p in item.key_phrases):
            number_at = None  # the item was said, but denied or not claimed: its number is not the user's either
        else:  # a number alone counts only beside words of this item ("4 seconds" is not "4 weeks")
            context = _item_words(item)
            number_at = next((i for i in numbers_heard if heard.tokens[i].text in want
                              and _near_words(heard.tokens, i, context)), None)
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


# Words too common to tie a number to an evidence item.
_COMMON = frozenset("""a an the and or but of to in on at by for with from as into over than then that this these
those it its is are was were be been am i we my our me us you your he she they their them both all each per up down
out off got get made make went go through during across percent""".split())  # "40%" alone is any percentage
NUMBER_CONTEXT = 6  # a number alone counts for an item with one of its words this many words either side


def _item_words(item) -> set[str]:
    """The distinctive words of an evidence item (what, outcome, number, key phrases), stemmed."""
    text = " ".join([item.what, item.outcome, item.number, *item.key_phrases])
    return {stem(t.text) for t in tokenize(text) if not t.number and len(t.text) > 2 and t.text not in _COMMON}


def _near_words(tokens, at: int, words: set[str]) -> bool:
    near = tokens[max(0, at - NUMBER_CONTEXT):at] + tokens[at + 1:at + 1 + NUMBER_CONTEXT]
    return any(not t.number and stem(t.text) in words for t in near)


def gaps(book: PhraseBook, scenario: Scenario, weight: float) -> tuple[Component, list[Flag], dict]:
    """Each gap named proactively (any of its key phrases, not denied — or in your own words: a gap named with
    words of that gap or its plan), with partial credit for the rest of its phrases."""
    heard, items = book.heard, scenario.pitch.gaps.items
    flags, total, named_items, skipped, no_plan = [], 0.0, [], [], []
    own = book.own_words_gaps()
    for item in items:
        matches = [book.match(p) for p in item.key_phrases]
        hits = [m for m in matches if m.hit]
        if hits:
            named_items.append(item.gap)
            total += 0.5 + 0.5 * len(hits) / len(matches)
            first = min(hits, key=lambda m: m.start_word)
            flags.append(heard.flag("gap_named", "good", f"named the gap: {item.gap}", first.start_word,
                                    first.end_word))  # fmt: skip
            plan = [m for m in matches if m.phrase not in book.gap_phrases]
            if plan and not any(m.hit for m in plan) and not book.move("plan").made:
                no_plan.append(item)
                flags.append(heard.flag("gap_without_plan", "warning", f"no plan for: {item.gap}",
                                        first.start_word, first.end_word))  # fmt: skip
        elif item.gap in own:
            named_items.append(item.gap)
            total += 0.5
            first, last = own[item.gap]
            flags.append(heard.flag("gap_named", "good", f"named the gap in your own words: {item.gap}", first,
                                    last))  # fmt: skip
        else:
            skipped.append(item.gap)
            flags.append(heard.flag("gap_not_named", "warning", f"gap not named: {item.gap}"))
    missing = next((i for i in items if i.gap in skipped), None)
    tip = (f"Name your gap before {scenario.who.manager} does: {missing.gap}, and your plan: {missing.plan}."
           if missing else None)  # fmt: skip
    if no_plan:  # a gap named without a plan is half the point: the plan comes first
        tip = f"Give your plan for {no_plan[0].gap}: {no_plan[0].plan}."
    score = 100.0 * total / len(items) if items else 100.0
    detail = f"{len(named_items)} of {len(items)} gaps named"
    return Component("gaps", weight, score, detail, tip, priority=int(bool(no_plan))), flags, {
        "named_gaps": bool(named_items), "gaps_named": named_items, "gaps_skipped": skipped}


def ask(book: PhraseBook, scenario: Scenario, weight: float) -> tuple[Component, list[Flag], dict]:
    """The explicit ask and a timeline question (or a proposed date), half the score each; neither counts when it
    was said inside a denial."""
    heard = book.heard
    position, span = _first_ask(book, scenario)
    # "ready for Senior Engineer" asks for the promotion; "what specifically" is a follow-up question, not the ask
    readiness_hit = book.any_hit([p for p in scenario.pitch.ask.key_phrases if not _is_timeline(p)
                                  and move_of_phrase(p, FOLLOW_UP_MOVES) is None])
    explicit = position is not None or readiness_hit is not None
    timeline = book.move("ask_date")
    if not timeline.made:
        proposed = book.move("propose_date")  # "how about the end of March?" — a date put to the manager
        timeline = proposed if proposed.made and _put_to_the_manager(book, proposed.start_word) else None
    flags = []
    if explicit:
        first, last = span if position is not None else (readiness_hit.start_word, readiness_hit.end_word)
        flags.append(heard.flag("explicit_ask", "good", "explicit ask", first, last))
    else:
        flags.append(heard.flag("no_explicit_ask", "problem", "no explicit ask"))
    if timeline:
        flags.append(heard.flag("timeline", "good", "asked for a timeline", timeline.start_word, timeline.end_word))
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


FOLLOW_UP_MOVES = ("ask_specifics", "ask_date", "propose_date", "in_writing", "ask_who")
DECISION_WORDS = frozenset("decide decision revisit agree confirm propose".split())


def _put_to_the_manager(book: PhraseBook, word: int) -> bool:
    """True when the sentence holding ``word`` is a question or about deciding (not "I'll present next quarter")."""
    sentence = book.heard.quote(*book.heard.sentence_span(word, word))
    return sentence.rstrip("\"')").endswith("?") or bool({t.text for t in tokenize(sentence)} & DECISION_WORDS)


def _is_timeline(phrase: str) -> bool:
    return bool(find(tokenize(phrase), load_list("timeline")))
