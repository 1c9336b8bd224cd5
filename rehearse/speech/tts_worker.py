"""The text-to-speech worker: one pyttsx3 job per process (its run loop hangs inside GUI processes and threads).

Run as ``python tts_worker.py`` (or ``python -m rehearse.speech.tts_worker``) with one JSON request on stdin:

- ``{"action": "synth", "text": ..., "out": PATH, "voice": ID|null, "rate": WPM|null}`` writes a WAV to PATH;
- ``{"action": "voices"}`` lists the voices;
- ``{"action": "probe"}`` only starts the engine.

It answers with one JSON line on stdout: ``{"ok": true, ...}`` or ``{"ok": false, "kind": "unavailable" |
"bad_input", "error": MESSAGE}``. The environment variable ``REHEARSE_TTS_DRIVER`` picks a pyttsx3 driver
(default: the platform's). This file imports nothing from Rehearse, so the worker starts fast.

``python tts_worker.py --piper MODEL.onnx CONFIG.json`` is the other mode: a long-lived Piper neural voice. It
loads the voice once and answers ``{"ready": true, "sample_rate": HZ}`` (or an error line, then exits), then reads
one JSON request a line, ``{"id": N, "text": ..., "length_scale": X}``, and answers with one line per sentence
of audio, ``{"id": N, "ok": true, "pcm": BASE64 s16le mono}``, then ``{"id": N, "ok": true, "end": true}`` (or
``{"id": N, "ok": false, "error": ...}``). End of input ends it.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import sys
import threading

DEFAULT_RATE = 200  # words per minute (pyttsx3's default)
FINISH_TIMEOUT_S = 120  # the caller's own timeout is usually shorter


class BadInput(Exception):
    pass


def start_engine():
    """Start pyttsx3; any failure here means there is no usable speech backend."""
    import pyttsx3

    return pyttsx3.init(os.environ.get("REHEARSE_TTS_DRIVER") or None)


def list_voices(engine) -> list[dict]:
    voices = []
    for voice in engine.getProperty("voices") or []:
        languages = []
        for lang in getattr(voice, "languages", None) or []:
            languages.append(lang.decode("utf-8", "replace") if isinstance(lang, bytes) else str(lang))
        voices.append({"id": str(voice.id), "name": str(voice.name or voice.id), "languages": languages})
    return voices


def pick_voice(voices: list[dict], wanted: str) -> str:
    """Accept a voice id, a voice name or a language code (first voice for it; "en" also finds en-gb, en-us)."""
    low = wanted.lower()
    for test in (lambda v: v["id"].lower() == low, lambda v: v["name"].lower() == low,
                 lambda v: low in (lang.lower() for lang in v["languages"])):
        for voice in voices:
            if test(voice):
                return voice["id"]
    # a language without its region ("en" for en-gb, en-us, …): the voice with the plainest such language
    regional = [(len(lang), i) for i, v in enumerate(voices) for lang in v["languages"]
                if lang.lower().startswith(low + "-")]
    if regional:
        return voices[min(regional)[1]]["id"]
    raise BadInput(f"unknown voice {wanted!r}; `rehearse voices` lists them")


def synth(engine, request: dict) -> dict:
    text = str(request.get("text") or "").strip()
    if not text:
        raise BadInput("nothing to say: the text is empty")
    if request.get("voice"):
        engine.setProperty("voice", pick_voice(list_voices(engine), str(request["voice"])))
    # Always set the rate: left alone, espeak-ng now and then speaks at its own default (175) instead of
    # pyttsx3's (200) when the machine is busy, and the cached line would change speed from run to run.
    engine.setProperty("rate", int(request.get("rate") or DEFAULT_RATE))
    out = request["out"]
    finished = threading.Event()
    # espeak-ng's retrieval mode synthesises on a thread of its own, so runAndWait can return before the file is
    # written; the driver reports "finished-utterance" only after writing it.
    engine.connect("finished-utterance", lambda **_: finished.set())
    engine.save_to_file(text, out)
    engine.runAndWait()
    if not finished.wait(FINISH_TIMEOUT_S) and not os.path.exists(out):
        raise RuntimeError(f"the speech engine did not finish within {FINISH_TIMEOUT_S} s")
    return {"out": out}


def handle(request: dict) -> dict:
    action = request.get("action")
    if action not in ("synth", "voices", "probe"):
        raise BadInput(f"unknown action {action!r}")
    engine = start_engine()
    if action == "voices":
        return {"voices": list_voices(engine)}
    if action == "probe":
        return {"voices": len(list_voices(engine))}
    return synth(engine, request)


def serve_piper(model: str, config: str) -> int:
    """The Piper mode: load once, then synthesise one request per input line, streaming sentence by sentence."""
    real_stdout = sys.stdout

    def send(answer: dict) -> None:
        real_stdout.write(json.dumps(answer) + "\n")
        real_stdout.flush()

    with contextlib.redirect_stdout(sys.stderr):
        try:
            from piper import PiperVoice, SynthesisConfig

            voice = PiperVoice.load(model, config_path=config)
        except Exception as err:  # noqa: BLE001 - a missing package or a broken model: no Piper here
            send({"ok": False, "kind": "unavailable", "error": f"{type(err).__name__}: {err}"})
            return 3
        send({"ok": True, "ready": True, "sample_rate": int(voice.config.sample_rate)})
        for line in sys.stdin:
            if not line.strip():
                continue
            ident = None
            try:
                request = json.loads(line)
                ident = request.get("id")
                text = str(request.get("text") or "").strip()
                scale = float(request.get("length_scale") or 1.0)
                for chunk in voice.synthesize(text, SynthesisConfig(length_scale=scale)):
                    pcm = chunk.audio_int16_bytes
                    send({"id": ident, "ok": True, "rate": chunk.sample_rate,
                          "pcm": base64.b64encode(pcm).decode("ascii")})
                send({"id": ident, "ok": True, "end": True})
            except Exception as err:  # noqa: BLE001 - this line failed; the voice stays loaded for the next
                send({"id": ident, "ok": False, "kind": "failed", "error": f"{type(err).__name__}: {err}"})
    return 0


def main() -> int:
    if len(sys.argv) == 4 and sys.argv[1] == "--piper":
        return serve_piper(sys.argv[2], sys.argv[3])
    real_stdout = sys.stdout
    try:
        request = json.loads(sys.stdin.read() or "{}")
        with contextlib.redirect_stdout(sys.stderr):  # pyttsx3 prints chatter ("Audio saved to ...")
            answer = {"ok": True, **handle(request)}
    except BadInput as err:
        answer = {"ok": False, "kind": "bad_input", "error": str(err)}
    except Exception as err:  # noqa: BLE001 - any engine failure means "no backend"; report it, do not crash
        answer = {"ok": False, "kind": "unavailable", "error": f"{type(err).__name__}: {err}"}
    real_stdout.write(json.dumps(answer) + "\n")
    real_stdout.flush()
    return 0 if answer["ok"] else 3


if __name__ == "__main__":
    sys.exit(main())
