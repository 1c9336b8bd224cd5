"""How the case is framed: earned-it and apologetic framing, a hedged ask, vague claims — and, in its favour, showing
you already work at the next level. Every flag quotes the words it came from (patterns in ``assets/words``)."""

from __future__ import annotations

from rehearse.core.analysers.heard import Component, Flag, Heard
from rehearse.core.analysers.words import find, load_list

EARNED_IT_COST = 60.0  # per earned-it phrase ("I deserve", "I've been here five years")
APOLOGETIC_COST = 40.0  # per apology or permission-asking phrase
HEDGED_ASK_COST = 30.0  # the ask itself wrapped in hedges ("maybe I could perhaps be considered")
DENIED_LEVEL_COST = 30.0  # "I don't think I'm operating at the senior level"
HEDGE_REACH = 12  # tokens before an ask (in its sentence) where a hedge weakens it


def specificity(heard: Heard, weight: float) -> tuple[Component, list[Flag], dict]:
    """Vague claims ("worked really hard", "helped a lot") instead of evidence."""
    found = find(heard.tokens, load_list("vague_claims"))
    flags = [heard.flag("vague_claim", "warning", "vague claim: say what you did and the number it moved",
                        *heard.token_span(f.first_token, f.last_token)) for f in found]  # fmt: skip
    tip = (f'Replace "{flags[0].text}" with what you did, the outcome and a number.' if flags else None)
    detail = f"{len(found)} vague claims" + (f": {', '.join(f.text for f in flags)}" if flags else "")
    return Component("specificity", weight, max(0.0, 100.0 - 30.0 * len(found)), detail, tip), flags, \
        {"vague": bool(found)}  # fmt: skip


def framing(book, scenario, weight: float, reward_level: bool) -> tuple[Component, list[Flag], dict]:
    """Earned-it, apologetic and hedged-ask framing (penalised) versus already operating at the next level
    (rewarded for intent and pitch answers; denying it — "I'm not operating at the senior level" — costs)."""
    heard = book.heard
    taken: set[int] = set()
    earned = [f for f in find(heard.tokens, load_list("earned_it"), taken)
              if book.tokens_plain(f.first_token, f.last_token)]  # "not because I've been here five years" is fine
    sorry = find(heard.tokens, load_list("apologetic"), taken)
    level_all = find(heard.tokens, load_list("already_doing"), taken)
    level = [f for f in level_all if book.tokens_plain(f.first_token, f.last_token, claim=True)]
    # denying it costs; a what-if or someone else at the next level ("he is operating at …") just earns nothing
    denied_level = [f for f in level_all if f not in level and book.denials.tokens_denied(
        f.first_token, f.last_token, claim=True).kind == "denial"]
    hedged = _hedged_ask(book, scenario, taken)
    flags = []

    def span(f):
        return heard.token_span(f.first_token, f.last_token)

    for f in earned:
        flags.append(heard.flag("earned_it", "problem", "earned-it framing: time served or deserving does not "
                                "persuade and puts your manager on the spot", *span(f)))  # fmt: skip
    for f in sorry:
        flags.append(heard.flag("apologetic", "warning", "apologetic or asking permission: it makes the request "
                                "sound like an imposition", *span(f)))  # fmt: skip
    for first, last in hedged:
        flags.append(heard.flag("hedged_ask", "warning", "hedged ask: the hedge takes the force out of your request",
                                first, last))  # fmt: skip
    for span_ in dict.fromkeys(book.denials.denied_clause(f.first_token, f.last_token) for f in denied_level):
        flags.append(heard.flag("denied_level", "problem", "you said you are not working at the next level",
                                *span_))  # one flag a clause, however many finds are in it
    for f in level:
        flags.append(heard.flag("already_doing", "good", "shows you already work at the next level", *span(f)))
    base = (80.0 + (20.0 if level else 0.0)) if reward_level else 100.0
    lost = (EARNED_IT_COST * len(earned) + APOLOGETIC_COST * len(sorry) + HEDGED_ASK_COST * bool(hedged)
            + DENIED_LEVEL_COST * bool(denied_level))
    score = max(0.0, base - lost)
    tip = None
    if earned:
        tip = (f'Drop "{_bare(heard.quote(*span(earned[0])))}": '
               "show the work you already do at the next level instead.")
    elif sorry:
        tip = f'Skip "{_bare(heard.quote(*span(sorry[0])))}": open with your request.'
    elif hedged:
        tip = f'Ask without the hedge ("{_bare(heard.quote(*hedged[0]))}"): state your request plainly.'
    elif denied_level:
        tip = "Don't talk yourself down: say what you already do at the next level."
    elif reward_level and not level:
        tip = 'Show you already work at the next level, e.g. "I\'ve been operating at the senior level".'
    detail = (f"{len(earned)} earned-it, {len(sorry)} apologetic, {len(hedged)} hedged ask, "
              f"{len(level)} already-at-the-next-level")
    signals = {"earned_it": bool(earned), "apologetic": bool(sorry), "already_doing": bool(level),
               "hedged_ask": bool(hedged)}
    priority = int(bool(earned or sorry or hedged or denied_level))
    return Component("framing", weight, score, detail, tip, priority=priority), flags, signals


def _hedged_ask(book, scenario, taken: set[int]) -> list[tuple[int, int]]:
    """Hedges (``hedges.txt``) in the same sentence, shortly before an ask (``asks.txt``, the target role or the ask
    part's readiness phrases). Returns the word spans of the hedges."""
    heard = book.heard
    asks = [f.first_token for f in find(heard.tokens, load_list("asks"))]
    for phrase in [scenario.who.target_role] + list(scenario.pitch.ask.key_phrases[:1]):
        m = book.match(phrase)
        if m.hit:
            asks += [i for i, t in enumerate(heard.tokens) if t.first == m.start_word][:1]
    if not asks:
        return []
    stops = book.denials.stops
    out = []
    for h in find(heard.tokens, load_list("hedges")):
        if any(i in taken for i in range(h.first_token, h.last_token + 1)):
            continue
        for a in asks:
            if 0 < a - h.last_token <= HEDGE_REACH and all(stops[k] != "strong" for k in range(h.last_token, a)):
                out.append(heard.token_span(h.first_token, h.last_token))
                break
    return out


def _bare(words: str | None) -> str:
    """Quoted words for a tip without the clause's trailing comma ('Drop "I've been here five years"')."""
    return (words or "").rstrip(",;:")
