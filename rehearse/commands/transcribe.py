"""Subcommands: ``rehearse transcribe`` — a WAV file through the same streaming recognizer the app uses."""

from __future__ import annotations

from rehearse.commands.output import print_json
from rehearse.speech.audio import iter_pcm16, wav_info

CHUNK_BYTES = 3200  # 0.1 s of 16 kHz s16le, as the microphone delivers it


def register(sub) -> None:
    """Add this module's subcommands to the rehearse parser."""
    p = sub.add_parser("transcribe", help="transcribe a WAV file offline (Vosk or the built-in Whisper)",
                       description="Transcribe an audio file with the recognizer the app uses, fed in 0.1 s chunks "
                                   "through its streaming interface. Any common WAV: 8-192 kHz, up to two hours, mono or stereo, "
                                   "8/16/24/32-bit integer or float.")
    p.add_argument("audio", metavar="AUDIO", help="the WAV file")
    p.add_argument("--engine", choices=["auto", "vosk", "whisper"], default="auto",
                   help="auto (default): Vosk if an English Vosk model is installed, else the built-in Whisper")
    p.add_argument("--model", metavar="PATH", help="a Vosk model folder (implies Vosk unless --engine whisper)")
    p.add_argument("--final-engine", choices=["vosk", "whisper"],
                   help="with Vosk: which engine writes the final transcript (auto: whisper; vosk: vosk)")
    p.add_argument("--json", action="store_true", help="print JSON: engine, model, text, words, duration")
    p.set_defaults(func=run_transcribe)


def transcribe_pcm(recognizer, pcm: bytes):
    """Feed PCM through ``recognizer`` in microphone-sized chunks and return its Transcript."""
    recognizer.reset()
    for i in range(0, len(pcm), CHUNK_BYTES):
        recognizer.accept(pcm[i:i + CHUNK_BYTES])
    return recognizer.finish()


def transcribe_file(recognizer, path):
    """Stream an audio file through ``recognizer`` (decoded and resampled block by block: bounded memory)."""
    recognizer.reset()
    for block in iter_pcm16(path):
        for i in range(0, len(block), CHUNK_BYTES):
            recognizer.accept(block[i:i + CHUNK_BYTES])
    return recognizer.finish()


def run_transcribe(args) -> int:
    from rehearse.errors import UserError
    from rehearse.speech.recognizer import create_recognizer, resolve_engine

    if args.model and args.engine == "whisper":
        raise UserError("--model names a Vosk model folder; the built-in Whisper model needs none")

    wav_info(args.audio)  # checks the file before any model is loaded
    engine = args.engine
    if args.model and engine == "auto":
        engine = "vosk"
    if engine == "auto" and args.final_engine != "vosk":
        from rehearse.speech.recognizer import usable_engine

        engine, notice = usable_engine(engine)  # a broken installed Vosk model: the built-in recognizer instead
        if notice:
            import sys

            print(f"rehearse: {notice}", file=sys.stderr)
    if args.final_engine == "vosk" and resolve_engine(engine, args.model)[0] != "vosk":
        raise UserError("--final-engine vosk needs the Vosk recognizer, and this one is Whisper "
                        "(use --engine vosk with an installed Vosk model, or --model PATH)")
    recognizer = create_recognizer(engine, model_path=args.model,
                                   final_engine=args.final_engine)
    try:
        transcript = transcribe_file(recognizer, args.audio)
    finally:
        recognizer.close()
    if args.json:
        data = transcript.to_dict()
        print_json({"engine": recognizer.name, "model": recognizer.model, "text": data["text"],
                    "words": data["words"], "duration": data["duration"]})
    else:
        print(transcript.text)
    return 0
