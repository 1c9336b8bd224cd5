"""Sample runs stored through the real Store, with feedback built like the core builds it (real phrase matching).

Used by the export, email, progress and history-command tests; tests/store/test_store_samples.py checks the samples themselves.
"""

from rehearse.core.matching import match_phrases
from rehearse.core.transcript import Transcript, Word

SCENARIO = "assets/scenarios/example-senior-engineer.toml"
FILLERS = {"um", "uh", "um,", "uh,", "like,"}
HEDGES = ["I think", "maybe", "sort of", "kind of"]


def feedback_for(text: str, phrases: list[str], *, duration: float = 20.0, score: float | None = None) -> dict:
    """A feedback dict shaped like core.feedback's, from real matching and a simple filler/hedge scan."""
    words = text.split()
    flags = []
    for i, word in enumerate(words):
        if word.lower() in FILLERS:
            flags.append({"kind": "filler", "severity": "info", "message": f"Filler: “{word.strip(',')}”",
                          "text": word, "start_word": i, "end_word": i, "start": i * 0.3, "end": i * 0.3 + 0.2})
    lowered = [w.lower().strip(",.") for w in words]
    for hedge in HEDGES:
        parts = hedge.lower().split()
        for i in range(len(lowered) - len(parts) + 1):
            if lowered[i:i + len(parts)] == parts:
                flags.append({"kind": "hedge", "severity": "warning", "message": f"Hedge: “{hedge}” weakens it",
                              "text": hedge, "start_word": i, "end_word": i + len(parts) - 1})
    matches = [m.to_dict() for m in match_phrases(text, phrases)]
    coverage = sum(m["hit"] for m in matches) / len(matches) if matches else 0
    fillers = sum(1 for f in flags if f["kind"] == "filler")
    hedges = sum(1 for f in flags if f["kind"] == "hedge")
    minutes = duration / 60
    return {
        "score": round(coverage * 100 - 3 * fillers - 4 * hedges, 1) if score is None else score,
        "components": [{"name": "key phrases", "weight": 0.6, "score": round(coverage * 100),
                        "detail": f"{sum(m['hit'] for m in matches)} of {len(matches)} heard"},
                       {"name": "delivery", "weight": 0.4, "score": max(0, 100 - 10 * fillers), "detail": ""}],
        "key_phrases": matches,
        "flags": flags,
        "tip": "Lead with the number." if coverage < 1 else "",
        "delivery": {"fillers": fillers, "fillers_per_min": round(fillers / minutes, 2), "hedges": hedges,
                     "hedges_per_min": round(hedges / minutes, 2), "wpm_speaking": round(len(words) / minutes),
                     "wpm_total": round(len(words) / minutes * 0.9), "pauses": [], "duration": duration,
                     "target_seconds": 60, "words": len(words)},
        "signals": {},
    }


def transcript_for(text: str, duration: float = 20.0) -> dict:
    words = text.split()
    step = duration / max(1, len(words))
    return Transcript(text, [Word(w, round(i * step, 2), round((i + 1) * step, 2), 0.9) for i, w in enumerate(words)],
                      duration).to_dict()


PITCH_PHRASES = ["promotion to Senior Engineer", "migration to OAuth", "support tickets", "62%", "caching layer",
                 "350 milliseconds", "cross-team influence", "design review"]
PITCH = ("So, um, I'd like to talk about my promotion to Senior Engineer. I led the authentication migration to "
         "OAuth across all three products, and login related support tickets dropped by 62%. I think I designed "
         "the caching layer for the checkout service, which brought peak response time down from 900 to 350 "
         "milliseconds. One area I'm still growing is cross-team influence, so I've offered to lead the API design "
         "review with the payments team next quarter.")
NOT_YET_ANSWER = ("Okay. So what specifically do you need to see from me? If I lead the design review with the "
                  "payments team and present the OAuth migration at the all-hands, could we review this on March "
                  "15th, before the promotion cycle?")
YES_ANSWER = ("Thank you, that means a lot. So to confirm, the title would be Senior Engineer, effective from the "
              "start of the next quarter, and we will discuss the salary band with HR next week.")


def store_pitch_run(store, outcome: str, *, final_answer: str | None = None, pitch: str = PITCH,
                    duration: float = 40.0, wav=True) -> int:
    """A finished pitch-mode run: opening, pitch, the outcome line, the user's answer to it."""
    run_id = store.create_run(scenario_path=SCENARIO, scenario_title="Asking Dana for a promotion to Senior Engineer",
                              target_role="Senior Engineer", mode="pitch", persona="skeptical", seed=3,
                              engine="whisper")
    store.add_turn(run_id, index=0, role="manager", text="Hey Alex. Your calendar invite was a bit mysterious.")
    audio = store.recording_path(run_id, 1)
    if wav:
        import wave

        with wave.open(str(audio), "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(16000)
            out.writeframes(b"\x00\x00" * 1600)
    store.add_turn(run_id, index=1, role="user", text=pitch, expects="pitch", audio_path=audio,
                   transcript=transcript_for(pitch, duration), feedback=feedback_for(pitch, PITCH_PHRASES,
                                                                                    duration=duration),
                   latency=1.4)
    line = {"yes": "I think you're ready. I'll put you forward for Senior Engineer this cycle.",
            "not_yet": "Not this cycle, but let's agree what would get you there by the next one.",
            "ambiguous": "Let me think about it and get back to you."}[outcome]
    store.add_turn(run_id, index=2, role="manager", text=line)
    answer = final_answer if final_answer is not None else (YES_ANSWER if outcome == "yes" else NOT_YET_ANSWER)
    ask_phrases = ["what specifically", "agree a date", "promotion cycle"]
    store.add_turn(run_id, index=3, role="user", text=answer, expects="ask",
                   transcript=transcript_for(answer, 12.0), feedback=feedback_for(answer, ask_phrases, duration=12.0),
                   latency=0.9)
    store.finish_run(run_id, complete=True, outcome=outcome, summary={"score": 70, "outcome": outcome, "turns": 4})
    return run_id


def store_drill_run(store, answers: dict[str, tuple[str, float]]) -> int:
    """A drill run: one objection per manager turn and the user's answer, feedback scored on the phrases."""
    phrases = {"budget": ["title and the money", "separately", "when budget opens"],
               "timing": ["propose a date", "March", "check in"]}
    run_id = store.create_run(scenario_path=SCENARIO, scenario_title="Asking Dana for a promotion to Senior Engineer",
                              target_role="Senior Engineer", mode="drill", persona="skeptical", seed=None,
                              engine="whisper")
    index = 0
    for objection, (text, duration) in answers.items():
        store.add_turn(run_id, index=index, role="manager", text=f"({objection}) Budget is really tight this year.")
        store.add_turn(run_id, index=index + 1, role="user", text=text, expects=f"objection:{objection}",
                       transcript=transcript_for(text, duration),
                       feedback=feedback_for(text, phrases[objection], duration=duration), latency=1.0)
        index += 2
    store.finish_run(run_id, complete=True, outcome=None, summary={"score": 50})
    return run_id
