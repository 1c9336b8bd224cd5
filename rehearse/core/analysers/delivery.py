"""Delivery: fillers and hedges per minute, pace, long pauses, and length against the target.

Pace needs word timings (a spoken answer); a typed answer gets fillers, hedges and an estimated length only.
"""

from __future__ import annotations

from rehearse.core.analysers.heard import Component, Flag, Heard
from rehearse.core.analysers.words import find, load_list

PACE_BAND = (120.0, 160.0)  # words per minute over speaking time
LONG_PAUSE = 1.2  # seconds of silence between two words that count as a pause
SPEAKING_GAP = 0.5  # silences at least this long are not speaking time
FREE_PER_MIN = 2.0  # fillers or hedges per minute that cost nothing


def analyse_delivery(heard: Heard, target_seconds: float, weight: float, band: tuple[float, float] = PACE_BAND,
                     min_words: int = 0) -> tuple[dict, Component, list[Flag]]:  # fmt: skip
    """``min_words``: fewer words than this is "too short" for the part (a one-line pitch), whatever the target."""
    flags: list[Flag] = []
    taken: set[int] = set()
    fillers = find(heard.tokens, load_list("fillers"), taken)
    hedges = find(heard.tokens, load_list("hedges"), taken)
    for found in fillers:
        flags.append(heard.flag("filler", "info", "filler word", *heard.token_span(found.first_token,
                                                                                     found.last_token)))
    for found in hedges:
        flags.append(heard.flag("hedge", "info", "hedge: weakens what follows",
                                *heard.token_span(found.first_token, found.last_token)))  # fmt: skip

    minutes = max(heard.seconds / 60.0, 1 / 60.0)
    fillers_pm, hedges_pm = len(fillers) / minutes, len(hedges) / minutes
    pauses = _pauses(heard)
    for p in pauses:
        flags.append(heard.flag("long_pause", "info", f"pause of {p['seconds']:.1f} s", p["after_word"],
                                p["after_word"] + 1))  # fmt: skip
        flags[-1].start, flags[-1].end = p["start"], p["end"]
    wpm_speaking, wpm_total = _pace(heard)

    penalties: list[tuple[float, str]] = []  # (points lost, tip)
    if fillers_pm > FREE_PER_MIN:
        words = ", ".join(sorted({f'"{f.phrase}"' for f in fillers}))
        penalties.append((min(40.0, (fillers_pm - FREE_PER_MIN) * 8),
                          f"Cut the fillers ({words}, {fillers_pm:.0f} a minute): pause silently instead."))
    if hedges_pm > FREE_PER_MIN:
        words = ", ".join(sorted({f'"{h.phrase}"' for h in hedges}))
        penalties.append((min(30.0, (hedges_pm - FREE_PER_MIN) * 6),
                          f"Drop the hedges ({words}): state your case plainly."))
    whole = (0, heard.word_count - 1) if heard.word_count else (None, None)
    if wpm_speaking is not None and not band[0] <= wpm_speaking <= band[1]:
        fast = wpm_speaking > band[1]
        off = wpm_speaking - band[1] if fast else band[0] - wpm_speaking
        message = f"pace {wpm_speaking:.0f} words a minute ({'faster' if fast else 'slower'} than "\
                  f"{band[0]:.0f}–{band[1]:.0f})"
        flags.append(heard.flag("pace", "warning", message, *whole))
        penalties.append((min(30.0, off / 2),
                          ("Slow down: pause after each number and let it land." if any(t.number for t in heard.tokens)
                           else "Slow down: pause after each point and let it land.") if fast
                          else "Pick up the pace a little: rehearse the answer until it flows."))
    if len(pauses) > 1:
        penalties.append((min(20.0, 5.0 * (len(pauses) - 1)),
                          "Rehearse until the long pauses go: know your first words of each point."))
    ratio = heard.seconds / target_seconds if target_seconds else 1.0
    estimated = heard.duration is None
    length = f"{heard.seconds:.0f} s{' (estimated)' if estimated else ''} for a {target_seconds:.0f} s target"
    if ratio > 1.25:
        flags.append(heard.flag("too_long", "warning", f"too long: {length}", *whole))
        penalties.append((min(30.0, (ratio - 1.25) * 40),
                          f"Tighten it: aim for about {target_seconds:.0f} seconds; lead with the point."))
    elif heard.word_count and heard.word_count < min_words:
        flags.append(heard.flag("too_short", "info", f"short: {heard.word_count} words ({min_words}+ expected), "
                                f"{length}", *whole))  # fmt: skip
        penalties.append((15.0, "Say a little more: each point needs what you did, the outcome and a number."))

    lost = sum(p for p, _ in penalties)
    tip = max(penalties)[1] if penalties else None
    detail = (f"{len(fillers)} fillers ({fillers_pm:.1f}/min), {len(hedges)} hedges ({hedges_pm:.1f}/min), "
              + (f"{wpm_speaking:.0f} wpm, " if wpm_speaking is not None else "") + f"{len(pauses)} long pauses, "
              + length)  # fmt: skip
    delivery = {
        "fillers": len(fillers), "fillers_per_min": round(fillers_pm, 1),
        "hedges": len(hedges), "hedges_per_min": round(hedges_pm, 1),
        "wpm_speaking": _round(wpm_speaking), "wpm_total": _round(wpm_total),
        "pauses": pauses, "duration": heard.duration, "estimated_seconds": round(heard.seconds, 1),
        "target_seconds": target_seconds, "words": heard.word_count,
    }  # fmt: skip
    return delivery, Component("delivery", weight, max(0.0, 100.0 - lost), detail, tip), flags


def _pauses(heard: Heard) -> list[dict]:
    out = []
    timings = heard.timings or []
    for i in range(1, len(timings)):
        gap = timings[i].start - timings[i - 1].end
        if gap >= LONG_PAUSE:
            out.append({"after_word": i - 1, "start": timings[i - 1].end, "end": timings[i].start,
                        "seconds": round(gap, 2)})  # fmt: skip
    return out


def _pace(heard: Heard) -> tuple[float | None, float | None]:
    timings = heard.timings
    if not timings:
        return None, None
    span = timings[-1].end - timings[0].start
    silent = sum(max(0.0, b.start - a.end) for a, b in zip(timings, timings[1:]) if b.start - a.end >= SPEAKING_GAP)
    speaking = span - silent
    total = heard.duration or span
    wpm_speaking = len(timings) / speaking * 60 if speaking > 0 else None
    wpm_total = len(timings) / total * 60 if total > 0 else None
    return wpm_speaking, wpm_total


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 1)
