"""Is there any speech to transcribe? Silence must never become words.

Whisper given digital silence or room noise writes words nobody said ("you you", ". . ."): an hour of silence came
back as 18,611 "you". Before such audio reaches Whisper, :func:`speech_spans` finds the stretches that hold speech
with the Silero voice-activity detector bundled in faster-whisper (an ONNX model in its package, no download).
Audio with no speech gives no spans, and nothing is decoded.

The audio is examined in windows of :data:`WINDOW_S` seconds, so the memory used stays bounded whatever the length,
and each span is at most :data:`MAX_SPAN_S` long (one Whisper window). Digital silence is recognised from its level
alone, without running the model.
"""

from __future__ import annotations

import numpy as np

RATE = 16000
WINDOW_S = 60.0  # audio examined at a time
MAX_SPAN_S = 25.0  # a span is decoded in one Whisper window (30 s)
SILENT_PEAK = 10 ** (-70 / 20)  # below -70 dBFS everywhere: digital silence (or as good as)


def _options():
    from faster_whisper.vad import VadOptions

    return VadOptions(threshold=0.5, min_speech_duration_ms=250, min_silence_duration_ms=500,
                      speech_pad_ms=200, max_speech_duration_s=MAX_SPAN_S)


def speech_spans(pcm: bytes | np.ndarray, rate: int = RATE) -> list[tuple[int, int]]:
    """Sample ranges ``(start, end)`` of 16 kHz audio that hold speech; ``[]`` when there is none.

    ``pcm`` is s16le bytes (as recognizers take it) or float32 samples in [-1, 1].
    """
    if rate != RATE:
        raise ValueError("speech_spans takes 16 kHz audio")
    if isinstance(pcm, (bytes, bytearray, memoryview)):
        ints = np.frombuffer(pcm, dtype="<i2", count=len(pcm) // 2)
        scale = 1 / 32768.0
    else:
        ints = np.asarray(pcm, dtype=np.float32)
        scale = 1.0
    step = int(WINDOW_S * RATE)
    spans: list[tuple[int, int]] = []
    options = None
    for begin in range(0, len(ints), step):
        window = ints[begin:begin + step].astype(np.float32) * scale
        if window.size < RATE // 10 or float(np.max(np.abs(window))) < SILENT_PEAK:
            continue
        if options is None:
            options = _options()
        from faster_whisper.vad import get_speech_timestamps

        for found in get_speech_timestamps(window, options, sampling_rate=RATE):
            start, end = begin + int(found["start"]), begin + int(found["end"])
            if spans and start <= spans[-1][1] and end - spans[-1][0] <= MAX_SPAN_S * RATE:
                spans[-1] = (spans[-1][0], max(end, spans[-1][1]))
            else:
                spans.append((start, end))
    return spans


def has_speech(pcm: bytes | np.ndarray) -> bool:
    """True when :func:`speech_spans` finds any speech."""
    return bool(speech_spans(pcm))
