"""The manager's lines a run may speak, for prefetching the voice: every opening, part prompt, reaction, objection
wording and outcome of the scenario (placeholders filled), the likeliest first."""

from __future__ import annotations

from rehearse.core import rules
from rehearse.core.scenario import Scenario


def manager_lines(scenario: Scenario, mode: str = "pitch") -> list[str]:
    sc = scenario
    lines: list[str] = []
    if mode == "pitch":
        lines += [sc.fill(line) for line in sc.manager.opening]
        lines += list(getattr(rules, "PART_PROMPTS", {}).values())
        for key, variants in sc.manager.reactions.items():
            gaps = [g.gap for g in sc.pitch.gaps.items] if key == "gaps_not_named" else [None]
            lines += [sc.fill(line, gap) for line in variants for gap in gaps]
        lines += [sc.fill(line) for o in sc.objections for line in o.wordings]
        lines += [sc.fill(line) for variants in sc.manager.outcomes.values() for line in variants]
    elif mode == "drill":
        lines += [sc.fill(line) for o in sc.objections for line in o.wordings]
    seen, out = set(), []
    for line in lines:
        if line and line not in seen:
            seen.add(line)
            out.append(line)
    return out
