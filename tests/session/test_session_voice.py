"""The run speaks with the voice: the scenario's manager lines are prefetched with the persona's style, and when
the natural voice cannot load the run says so (a ``voice_notice`` event) and goes on with the system voice. Real
TTS processes and PortAudio playback into the test's PulseAudio null sink."""

from pathlib import Path

import pytest

from pulse import virtual_mic  # noqa: F401
from rehearse.core.loader import load_scenario
from rehearse.session.conversation import Session
from rehearse.session.lines import manager_lines
from rehearse.session.drive import Drive
from rehearse.speech.tts import Speaker, persona_style
from rehearse.store.db import Store

pytestmark = pytest.mark.slow
DATA = Path(__file__).parents[1] / "data" / "answers"


def test_manager_lines_cover_what_a_drill_can_say():
    scenario = load_scenario(DATA / "senior-engineer.toml")
    lines = manager_lines(scenario, "drill")
    assert lines and all("{" not in line for line in lines)
    wordings = {scenario.fill(w) for o in scenario.objections for w in o.wordings}
    assert set(lines) == wordings
    pitch = manager_lines(scenario, "pitch")
    assert set(scenario.fill(o) for o in scenario.manager.opening) <= set(pitch) and len(pitch) == len(set(pitch))


def test_run_prefetches_with_the_persona_and_announces_a_fallback(virtual_mic, tmp_path, monkeypatch):
    monkeypatch.setenv("REHEARSE_HOME", str(tmp_path))
    junk = tmp_path / "broken.onnx"
    junk.write_bytes(b"junk")
    monkeypatch.setenv("REHEARSE_PIPER_MODEL", str(junk))
    scenario = load_scenario(DATA / "senior-engineer.toml")
    events = []
    speaker = Speaker(cache=tmp_path / "tts")
    with Store() as store:
        session = Session(scenario, "drill", store=store, max_items=1, engine="whisper", persona="skeptical")
        drive = Drive(session, answers=[DATA / "drill_not_yet.wav"], engine="whisper", speak=True,
                      speaker=speaker, on_event=events.append)
        try:
            drive.run()
        finally:
            speaker.close()
    kinds = [e.kind for e in events]
    assert "voice_notice" in kinds and "tts_unavailable" not in kinds  # the system voice spoke
    notice = next(e for e in events if e.kind == "voice_notice").data["message"]
    assert "system voice speaks instead" in notice
    spoken = next(e for e in events if e.kind == "prompt").data["text"]
    assert speaker.cached_path(spoken, style=persona_style("skeptical")).is_file()
