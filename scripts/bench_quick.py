#!/usr/bin/env python3
"""The quick benchmark: every headline figure measured in one run, printed as one JSON object.

    .venv/bin/python scripts/bench.py --quick --json      # (or this file directly)

It starts its own PulseAudio daemon with a virtual microphone and a null sink (tests/pulse.py) and stops it at the
end. Keys (each measured in this run, none estimated):

- ``end_of_speech_to_feedback_ms_p50`` / ``_p95``: the real app (offscreen window, drill view, default settings:
  built-in Whisper, 1.5 s silence setting with turn-taking, the Piper voice speaking each line into the null sink)
  listening through PortAudio to the virtual microphone, into which recorded answers of 5-50 s (Festival voice)
  are played at speaking pace; from the moment the answer's last voiced sample went into the microphone to the
  feedback shown on screen (``feedback_shown``). Per answer in ``details``: ``hold_s`` (the turn-taking silence that
  ended it), ``recognizer_finish_s``, ``stop_after_voice_end_ms`` (end of speech -> recording stopped) and
  ``heard_to_feedback_ms`` (scoring and showing).
- ``manager_first_audio_ms_cached`` / ``_uncached``: ``Speaker.speak`` with the Piper worker loaded, from the call to
  the first samples handed to the sound device (PulseAudio, its null sink watched at 20 ms latency as a sound card
  would be), median over manager lines; uncached = a fresh cache.
- ``match_ms_200_phrases_5000_words``: scripts/bench_matching.py's speed test (median of 11).
- ``asr_rtf_whisper``: the streaming Whisper recognizer fed a 60 s answer as fast as it takes it, decode time / 60 s.
- ``window_shown_s``: a fresh process to the main window shown (median of 3).
- ``peak_rss_mb``: the app process's peak resident memory during the spoken run plus the Piper worker's peak.
- ``ui_max_block_ms``: the longest gap between ticks of a 5 ms timer on the UI thread while answers were heard.
- ``load_average_start`` / ``_end``: the 1-minute load average, so a busy machine can be told from a slow program.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT / "tests"))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

DATA = ROOT / "tests" / "data"
ANSWERS = [DATA / "answers" / "drill_timing.wav", DATA / "answers" / "drill_not_yet.wav",
           DATA / "ui" / "objection.wav", DATA / "answers" / "close.wav", DATA / "answers" / "pitch_no_timeline.wav",
           DATA / "answers" / "pitch_strong.wav", DATA / "ui" / "pitch.wav",
           # 50 s: one pitch with 0.8-1.4 s pauses between its points (scripts/make_turn_answers.py)
           DATA / "turns" / "bench" / "bench_long_pitch.flac"]
STEP_TIMEOUT_S = 120
MANAGER_LINES = [
    "Thanks for making the time. What did you want to talk about today?",
    "Why do you think you are ready for the senior role now, and not next year?",
    "The budget for promotions is tight this cycle. What would you say to waiting six months?",
    "Can you give me an example of leading a project without being asked to?",
    "What would change in your day-to-day work if you got this promotion?",
]

def app_run(mic, answers: list[Path]) -> dict:
    """The real app in this process (measured first, so its peak memory is the app's), listening to ``mic``."""
    from bench_ui import GapProbe, drill_window
    from PySide6.QtCore import Qt, QTimer

    from rehearse.speech.audio import load_pcm16
    from rehearse.speech.endpoint import EndOfAnswerDetector
    from rehearse.speech.sources import MicrophoneSource
    from rehearse.ui.app import make_app
    from rehearse.ui.context import AppContext

    def voice_end(pcm: bytes) -> float:
        """Seconds into the clip of its last voiced frame (the detector fed the whole clip, never ending)."""
        det = EndOfAnswerDetector(silence_s=1e9)
        det.feed(pcm)
        return det.speech_end

    clips = []
    for path in answers:
        pcm = load_pcm16(path)
        clips.append((Path(path).name, pcm, voice_end(pcm)))
    app = make_app()
    ctx = AppContext(source_factory=lambda: MicrophoneSource(device=mic.device), voice=True)
    ctx.seed = 3
    window = drill_window(ctx)
    view = window.drill_view
    probe = GapProbe()
    gaps = probe.gaps
    report: dict = {"answers": [], "first_audio_s": []}
    state = {"i": 0, "step": "loading", "since": time.monotonic()}

    def step(name: str) -> None:
        state["step"], state["since"] = name, time.monotonic()
        log(f"answer {state['i'] + 1}/{len(clips)}: {name}")

    def watchdog():
        if time.monotonic() - state["since"] > STEP_TIMEOUT_S:
            report["error"] = f"stuck at {state['step']!r} for {STEP_TIMEOUT_S} s (answer {state['i'] + 1})"
            log(report["error"])
            import faulthandler

            faulthandler.dump_traceback(file=sys.stderr, all_threads=True)  # where it is stuck, for whoever reads
            finish()

    guard = QTimer()
    guard.timeout.connect(watchdog)
    guard.start(1000)

    def prompted(_prompt):
        if state["i"] >= len(clips):
            finish()
            return
        step("the manager speaks")
        QTimer.singleShot(50, wait_for_manager)

    def wait_for_manager():  # the user answers once the manager has finished the line
        drive = getattr(view, "drive", None)
        speech = getattr(drive, "speech", None) if drive is not None else getattr(view, "speak_job", None)
        if speech is not None and not _spoken(speech):
            QTimer.singleShot(20, wait_for_manager)
            return
        speaker = ctx._speaker
        if speaker is not None and speaker.first_audio_s is not None:
            report["first_audio_s"].append(round(speaker.first_audio_s, 3))
        view.toggle_talk()
        step(f"listening (talk state {view.talk.state})")
        QTimer.singleShot(300, speak_answer)

    def speak_answer():
        name, pcm, end = clips[state["i"]]
        # Only the clip up to its last voiced sample is queued (the microphone sends silence after it): the moment
        # the feeder has written all of it into the microphone is the end of speech. Taken from the feeder, not
        # computed, because on a busy machine the feeder itself can fall behind real time.
        voiced = pcm[: int(end * 16000) * 2]
        state["queued"] = time.monotonic()
        state["voice_end"] = None

        def ended():
            mic.wait_played(timeout=600, settle_s=0)
            state["voice_end"] = time.monotonic()

        pcm = voiced
        mic.play(pcm)  # clears the feeder's idle flag before the thread below waits for it
        threading.Thread(target=ended, daemon=True).start()
        signals = getattr(view, "signals", None)  # the drive loop's events (one SessionSignals a run)
        if signals is not None and state.get("signals") is not signals:
            state["signals"] = signals
            # direct: on the drive's thread as listen() returns, so heard_at is when the answer was over
            signals.heard.connect(lambda heard: state.update(heard=heard, heard_at=time.monotonic()),
                                  Qt.ConnectionType.DirectConnection)
        step(f"the user speaks {len(pcm) / 32000:.1f} s")
        probe.start()

    def shown(_feedback):
        now = time.monotonic()
        probe.stop()
        name, pcm, _end = clips[state["i"]]
        voice_end = state["voice_end"] or now  # None: the answer ended before the clip did (see "ended_early")
        report["answers"].append({"answer": name, "seconds": round(len(pcm) / 32000, 1),
                                  "end_of_speech_to_feedback_ms": round((now - voice_end) * 1000),
                                  "feeding_pace": round(_end / max(1e-3, voice_end - state["queued"]), 2),
                                  "ui_max_gap_ms": max(gaps) if gaps else None,
                                  "ended_early": state["voice_end"] is None})
        heard = state.pop("heard", None)
        if heard is not None:
            # the gap = the recording going on after the end of speech (the turn-taking hold, and the audio's way
            # through PulseAudio and PortAudio) + the recognizer's finish() + scoring and showing the feedback
            report["answers"][-1].update(
                recorded_s=heard.duration, speech_end_s=heard.speech_end, hold_s=heard.hold_s, reason=heard.reason,
                recognizer_finish_s=round(heard.finish_s, 2),
                heard_to_feedback_ms=round((now - state["heard_at"]) * 1000),
                stop_after_voice_end_ms=round((state["heard_at"] - heard.finish_s - voice_end) * 1000))
        log(f"  feedback {report['answers'][-1]['end_of_speech_to_feedback_ms']} ms after the end of speech")
        state["i"] += 1
        mic.clear()
        QTimer.singleShot(200, view.again)

    def finish():
        guard.stop()
        report["app_peak_rss_mb"] = peak_rss_mb(os.getpid())
        proc = getattr(getattr(ctx._speaker, "piper", None), "_proc", None)
        report["piper_peak_rss_mb"] = peak_rss_mb(proc.pid) if proc is not None else None
        from rehearse.speech.malloc_tuning import applied

        report["malloc_settings"] = dict(applied)  # what the app set (arena limit, trims after decodes)
        report["voice_notice"] = getattr(ctx._speaker, "notice", None)
        window.close()
        app.quit()

    ctx.engine_changed.connect(lambda _state: (step("starting the drill"), view.start()))
    view.prompt_shown.connect(prompted)
    view.feedback_shown.connect(shown)
    app.exec()
    return report


def _spoken(speech) -> bool:
    """Whether the manager's line is over (the drive loop's Speech, or an older SpeakJob)."""
    done = getattr(speech, "done", None)
    if hasattr(done, "is_set"):
        return done.is_set()
    return speech.result is not None or speech.error is not None


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def peak_rss_mb(pid: int) -> float | None:
    try:
        for line in open(f"/proc/{pid}/status"):
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None
    return None


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = (len(ordered) - 1) * q
    lo, hi = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (k - lo)


def first_audio(home: Path) -> dict:
    from rehearse.speech.tts import Speaker

    speaker = Speaker(cache=home / "tts-bench")
    speaker.piper.load()
    uncached, cached = [], []
    try:
        for line in MANAGER_LINES:
            speaker.speak(line, device="pulse")
            uncached.append(speaker.first_audio_s)
        for line in MANAGER_LINES:
            speaker.speak(line, device="pulse")
            cached.append(speaker.first_audio_s)
    finally:
        speaker.close()
    return {"uncached": uncached, "cached": cached}


def asr_rtf() -> float:
    from bench import long_answer as festival_long
    from rehearse.speech.whisper_engine import WhisperRecognizer

    pcm = festival_long(60)
    rec = WhisperRecognizer()
    started = time.perf_counter()
    for i in range(0, len(pcm), 3200):
        rec.accept(pcm[i:i + 3200])
    rec.finish()
    took = time.perf_counter() - started
    rec.close()
    return took / (len(pcm) / 32000)


def match_ms() -> float:
    from bench_matching import load_pairs, speed

    return speed(load_pairs(), runs=11)["median_ms"]


def window_shown() -> float:
    from bench_ui import startup

    return statistics.median(startup(3))


def measure() -> dict:
    from pulse import VirtualMic

    result: dict = {"load_average_start": round(os.getloadavg()[0], 2), "machine": machine(),
                    "date": time.strftime("%Y-%m-%d %H:%M")}
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        os.environ["REHEARSE_HOME"] = str(home)
        mic = VirtualMic()
        mic.start()
        # A listener on the null sink's monitor asking for 20 ms latency makes the sink follow its clients as a
        # sound card's does; unwatched, PulseAudio's null sink renders 2 s ahead and every line starts 2 s late
        # (docs/benchmarks.md, "Text to speech": that is the test rig, not the player).
        listener = subprocess.Popen(["parec", "-d", "nullsink.monitor", "--raw", "--latency-msec=20"], env=mic.env,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            answers = list(ANSWERS)
            if os.environ.get("BENCH_ANSWERS"):
                answers = answers[: int(os.environ["BENCH_ANSWERS"])]
            app = app_run(mic, answers)
            audio = first_audio(home)
        finally:
            listener.terminate()
            listener.wait(5)
            mic.stop()
        gaps = [a["end_of_speech_to_feedback_ms"] for a in app["answers"] if not a["ended_early"]]
        result.update({
            "end_of_speech_to_feedback_ms_p50": round(statistics.median(gaps)),
            "end_of_speech_to_feedback_ms_p95": round(percentile(gaps, 0.95)),
            "manager_first_audio_ms_cached": round(1000 * statistics.median(audio["cached"])),
            "manager_first_audio_ms_uncached": round(1000 * statistics.median(audio["uncached"])),
            "match_ms_200_phrases_5000_words": match_ms(),
            "asr_rtf_whisper": round(asr_rtf(), 3),
            "window_shown_s": round(window_shown(), 2),
            "peak_rss_mb": round((app["app_peak_rss_mb"] or 0) + (app["piper_peak_rss_mb"] or 0)),
            "ui_max_block_ms": max(a["ui_max_gap_ms"] or 0 for a in app["answers"]),
            "answers_measured": len(gaps),
            "answers_ended_before_the_speaker_finished": sum(a["ended_early"] for a in app["answers"]),
            "details": {"answers": app["answers"], "app_peak_rss_mb": app["app_peak_rss_mb"],
                        "piper_worker_peak_rss_mb": app["piper_peak_rss_mb"],
                        "app_malloc_settings": app.get("malloc_settings"),
                        "first_audio_in_app_s": app["first_audio_s"], "voice_notice": app["voice_notice"],
                        "first_audio_uncached_s": audio["uncached"], "first_audio_cached_s": audio["cached"]},
        })
    result["load_average_end"] = round(os.getloadavg()[0], 2)
    return result


def machine() -> str:
    try:
        model = next(l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name"))
    except (OSError, StopIteration):
        model = "unknown CPU"
    return f"{model}, {os.cpu_count()} cores"


def main(as_json: bool = True) -> int:
    started = time.perf_counter()
    result = measure()
    result["bench_seconds"] = round(time.perf_counter() - started)
    if as_json:
        print(json.dumps(result, indent=2))
        sys.stdout.flush()
    else:
        for key, value in result.items():
            if key != "details":
                print(f"{key:36} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main("--table" not in sys.argv))
