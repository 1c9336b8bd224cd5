#!/usr/bin/env python3
"""Does a front-end make Whisper hear noisy rooms better? Key-phrase F1 on the noisy set through a front-end.

The noisy set's recordings are rebuilt exactly as scripts/make_noisy_set.py builds them (same Festival audio, same
room noise, same seeds), passed through a FRONT-END, decoded by the app's own ``whisper_engine.decode`` (the
``plain`` and ``hotwords`` decodes of noisy.json) and scored with scripts/bench_matching.py's own functions
(``load_noisy`` + ``prf`` + the rehearse matcher). Split as in noisy.json: r00-r34 tuned, h00-h14 held out — run
``--split heldout`` only for a candidate you have finished tuning (each such run is a look at the held-out set).

    .venv/bin/python scripts/bench_front_end.py FRONT-END [--conditions noise10,noise0,clean] [--split tuned]
        [--decodes hotwords,plain] [--audio DIR] [--json]
CONDITIONS: those of noisy.json (clean, noise10, noise0, accent-xx) and ``pinkN`` (steady pink noise alone at N dB
SNR, no babble: a diagnostic). --audio: a folder holding (or to receive) make_noisy_set.py's Festival recordings.
FRONT-END: ``none`` (today's decode, the baseline: noisy.json was decoded by an older decode path and
differs on 5 of 35 tuned 10 dB clips), ``gate`` (scripts/denoise_gate.py, a numpy spectral gate; options as
``gate:over=2,floor=0.1``), ``noisereduce`` / ``noisereduce-ns`` (the PyPI package's stationary / non-stationary
spectral gating), ``speex`` (pyspeex-noise: speexdsp's suppressor; ``speex:auto_gain=4000`` adds its AGC),
``rnnoise`` (the RNNoise library in the pyrnnoise wheel, through its ctypes wrapper), or a decoder change with no front-end: ``beam5``,
``vad`` (faster-whisper's Silero VAD filter), ``fallback`` (temperature fallback). Decodes are cached in
/tmp/rehearse-front-end/FRONT-END.json. Prints F1 (P/R, false hits) per condition x split and the time the
front-end and the decode took per 10 s of audio. The third-party front-ends are not dependencies of the project: put
them in a folder (``pip install --no-deps --target DIR noisereduce scipy joblib tqdm cloudpickle pyspeex-noise
pyrnnoise``) and set NOISEREDUCE_PATH=DIR.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(ROOT))
CACHE = Path("/tmp/rehearse-front-end")
NOISEREDUCE_PATH = os.environ.get("NOISEREDUCE_PATH")  # the third-party front-ends' folder (measuring only)


def front_end(name: str):
    """(samples -> samples) for a front-end name, and the decode options/overrides it implies."""
    kind, _, params = name.partition(":")
    if kind in ("none", "beam5", "vad", "fallback"):
        return (lambda x: x), kind
    if kind == "gate":
        from denoise_gate import GateOptions, spectral_gate

        kw = {k: type(getattr(GateOptions(), k))(v) for k, v in (p.split("=") for p in params.split(",") if p)}
        opts = GateOptions(**kw)
        return (lambda x: spectral_gate(x, opts)), "none"
    if kind.startswith("noisereduce"):
        if NOISEREDUCE_PATH:
            sys.path.append(NOISEREDUCE_PATH)
        import noisereduce

        kw = {k: float(v) for k, v in (p.split("=") for p in params.split(",") if p)}
        stationary = kind == "noisereduce"
        return (lambda x: noisereduce.reduce_noise(y=x, sr=16000, stationary=stationary, n_jobs=1, **kw)
                .astype(np.float32)), "none"
    if kind == "speex":  # pyspeex-noise: speexdsp's noise suppressor (and AGC), 10 ms int16 frames at 16 kHz
        if NOISEREDUCE_PATH:
            sys.path.append(NOISEREDUCE_PATH)
        from pyspeex_noise import AudioProcessor

        kw = dict(p.split("=") for p in params.split(",") if p)
        gain, level = float(kw.get("auto_gain", 0)), int(kw.get("noise_suppression", -30))

        def speex(x: np.ndarray) -> np.ndarray:
            proc = AudioProcessor(gain, level)
            pcm = (np.clip(x, -1, 1) * 32767).astype("<i2")
            n = len(pcm) // 160 * 160
            out = b"".join(proc.process_10ms(pcm[i:i + 160].tobytes()) for i in range(0, n, 160))
            return np.concatenate([np.frombuffer(out, "<i2"), pcm[n:]]).astype(np.float32) / 32768.0

        return speex, "none"
    if kind == "rnnoise":  # RNNoise (the library pyrnnoise ships, through its ctypes wrapper), 48 kHz 10 ms frames
        import importlib.util

        import soxr

        spec = importlib.util.spec_from_file_location("rnnoise_lib", Path(NOISEREDUCE_PATH) / "pyrnnoise" /
                                                      "rnnoise.py")  # its package __init__ needs audiolab
        rn = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(rn)

        def rnnoise(x: np.ndarray) -> np.ndarray:
            state = rn.create()
            up = soxr.resample(x, 16000, 48000) * 32767
            n = len(up) // rn.FRAME_SIZE * rn.FRAME_SIZE
            out = np.array(up, dtype=np.float32)
            for i in range(0, n, rn.FRAME_SIZE):
                frame = np.ascontiguousarray(out[i:i + rn.FRAME_SIZE])
                rn.lib.rnnoise_process_frame(state, frame.ctypes.data_as(rn.ctypes.POINTER(rn.ctypes.c_float)),
                                             frame.ctypes.data_as(rn.ctypes.POINTER(rn.ctypes.c_float)))
                out[i:i + rn.FRAME_SIZE] = frame
            rn.destroy(state)
            y = soxr.resample(out / 32767, 48000, 16000)[: len(x)]
            return np.pad(y, (0, len(x) - len(y))).astype(np.float32)

        return rnnoise, "none"
    raise SystemExit(f"unknown front-end {name!r}")


def main() -> int:
    args = sys.argv[1:]
    if not args or args[0].startswith("--"):
        print(__doc__, file=sys.stderr)
        return 2
    name = args[0]
    opt = lambda flag, default: args[args.index(flag) + 1] if flag in args else default  # noqa: E731
    conditions = opt("--conditions", "noise10").split(",")
    split = opt("--split", "tuned")
    decodes = opt("--decodes", "hotwords").split(",")
    audio_dir = Path(opt("--audio", "/tmp/rehearse-front-end/audio"))
    audio_dir.mkdir(parents=True, exist_ok=True)

    from bench_matching import load_noisy, prf
    from make_matching_set import ANSWERS, HELDOUT
    from make_noisy_set import espeak, festival, mix, pink, room_noise

    from rehearse.core.matching import match_phrase
    from rehearse.speech import whisper_engine as we

    apply, decoder = front_end(name)
    opts = we.DecodeOptions(beam_size=5 if decoder == "beam5" else 1, fallback=decoder == "fallback")
    answers = [(f"r{n:02d}", s, p) for n, (s, p) in enumerate(ANSWERS)]
    answers += [(f"h{n:02d}", s, p) for n, (s, p) in enumerate(HELDOUT)]
    clean = {cid: festival(spoken, audio_dir / f"{cid}.wav") for cid, spoken, _ in answers}
    model = we.load_whisper_model()
    if decoder == "vad":
        transcribe = model.transcribe
        model.transcribe = lambda *a, **k: transcribe(*a, **{**k, "vad_filter": True})
    CACHE.mkdir(parents=True, exist_ok=True)
    cache_path = CACHE / f"{name.replace('/', '_')}.json"
    cache = json.loads(cache_path.read_text()) if cache_path.exists() else {}
    field = {"plain": "text", "hotwords": "text_hotwords"}
    fe_s = dec_s = audio_s = 0.0
    cases = []
    for i, (cid, spoken, pairs) in enumerate(answers):
        rng = np.random.default_rng(1000 + i)  # as make_noisy_set.py: the same noise for the same answer
        others = [clean[answers[(i + k) % len(answers)][0]] for k in (3, 7, 11, 19)]
        noise = room_noise(len(clean[cid]), others, rng)
        if (split == "tuned") != cid.startswith("r") and split != "all":
            continue
        vocabulary = we.hotwords_text(p for p, _ in pairs)
        for condition in conditions:
            if condition == "clean":
                samples = clean[cid]
            elif condition.startswith("noise"):
                samples = mix(clean[cid], noise, float(condition[5:]))
            elif condition.startswith("pink"):  # steady noise only (no babble): a diagnostic, not in noisy.json
                samples = mix(clean[cid], pink(len(clean[cid]), np.random.default_rng(2000 + i)), float(condition[4:]))
            else:
                samples = espeak(spoken, condition.split("-")[1], audio_dir / f"{cid}-{condition}.wav")
            case = {"id": cid, "condition": condition, "heldout": cid.startswith("h"), "spoken": spoken,
                    "pairs": [{"phrase": p, "hit": h} for p, h in pairs]}
            for how in decodes:
                key = f"{cid}/{condition}/{how}"
                if key not in cache:
                    t0 = time.perf_counter()
                    heard = apply(samples)
                    t1 = time.perf_counter()
                    words = we.decode(model, heard, prompt=we.FILLER_PROMPT, opts=opts,
                                      hotwords=vocabulary if how == "hotwords" else None)
                    t2 = time.perf_counter()
                    cache[key] = {"text": " ".join(w.word for w in words), "front_end_s": t1 - t0,
                                  "decode_s": t2 - t1, "audio_s": len(samples) / 16000}
                    cache_path.write_text(json.dumps(cache, indent=1))
                    print(f"{key:22} {t1 - t0:5.2f}s {t2 - t1:5.2f}s {cache[key]['text'][:110]}", file=sys.stderr)
                c = cache[key]
                fe_s, dec_s, audio_s = fe_s + c["front_end_s"], dec_s + c["decode_s"], audio_s + c["audio_s"]
                case[field[how]] = c["text"]
            cases.append(case)
    out = CACHE / f"{name.replace('/', '_')}.set.json"
    out.write_text(json.dumps(cases, indent=1))
    result = {"front_end": name, "split": split, "ms_per_10s_front_end": round(fe_s / audio_s * 10000, 1),
              "decode_rtf": round(dec_s / audio_s, 3), "f1": {}}
    for how in decodes:
        pairs = load_noisy(how, out)
        for condition in conditions:
            for part in (("tuned", "heldout") if split == "all" else (split,)):
                sel = [p for p in pairs if p["condition"] == condition and p["split"] == part]
                got = [match_phrase(p["text"], p["phrase"]).hit for p in sel]
                result["f1"][f"{how}/{condition}/{part}"] = prf(sel, None, got)
    if "--json" in args:
        print(json.dumps(result, indent=1))
    else:
        print(f"{name}: front-end {result['ms_per_10s_front_end']} ms per 10 s of audio, decode RTF "
              f"{result['decode_rtf']} (under the machine's current load)")
        for key, r in result["f1"].items():
            print(f"  {key:28} F1 {r['f1']:.3f} (P {r['precision']:.3f} R {r['recall']:.3f}; FP {r['fp']}, "
                  f"FN {r['fn']}, TP {r['tp']})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
