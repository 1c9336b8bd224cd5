"""Audio sources: where the user's answer comes from.

Every source gives 16 kHz mono s16le PCM in chunks of about 0.1 s (the :class:`AudioSource` protocol):
``start()``, then ``read(timeout)`` returns the next chunk, ``b""`` when nothing arrived within ``timeout`` seconds,
or ``None`` once the source has ended; ``stop()`` ends it. Audio from before ``start()`` is never returned.

:class:`WavFileSource` plays a file (as fast as it can be read, or at real-time pace). :class:`MicrophoneSource`
records with ``sounddevice`` (PortAudio) at the device's own rate and resamples to 16 kHz with a streaming ``soxr``
resampler. ``sounddevice`` is imported only when the microphone is started, and the module can be passed in (tests
inject a fake one for the failure cases). A missing PortAudio library, no input device, or a device that goes away
mid-answer raise :class:`MicrophoneError` (a UserError) with a plain message; the audio received until then is
returned first, so callers keep what was recorded.
"""

from __future__ import annotations

import queue
import time
from typing import Protocol, runtime_checkable

import numpy as np

from rehearse.errors import UserError
from rehearse.speech.audio import ENGINE_RATE, load_pcm16

CHUNK_S = 0.1


class MicrophoneError(UserError):
    """The microphone cannot be used or stopped working. ``audio_path`` is set when a partial recording was kept."""

    def __init__(self, message: str, audio_path=None):
        super().__init__(message)
        self.audio_path = audio_path


@runtime_checkable
class AudioSource(Protocol):
    rate: int

    def start(self) -> None: ...

    def read(self, timeout: float | None = None) -> bytes | None: ...

    def stop(self) -> None: ...


class WavFileSource:
    """Feed an audio file as 16 kHz mono s16le chunks (any WAV ``read_wav`` takes; resampled as needed).

    ``realtime=True`` hands out each chunk when its time comes (as a microphone would); otherwise as fast as
    asked. ``lead_s`` / ``pad_s`` add digital silence before / after the file (handy to test end-of-answer timing).
    """

    def __init__(self, path, realtime: bool = False, chunk_s: float = CHUNK_S, lead_s: float = 0.0,
                 pad_s: float = 0.0):
        self.path = path
        self.rate = ENGINE_RATE
        self.realtime = realtime
        pcm = load_pcm16(path, ENGINE_RATE)  # UserError for a bad file, before anything starts
        silence = lambda s: bytes(2 * int(round(s * ENGINE_RATE)))  # noqa: E731
        self._pcm = silence(lead_s) + pcm + silence(pad_s)
        self._chunk = 2 * max(1, int(round(chunk_s * ENGINE_RATE)))
        self._pos = 0
        self._t0: float | None = None
        self._stopped = False

    @property
    def duration(self) -> float:
        return len(self._pcm) / 2 / self.rate

    def start(self) -> None:
        self._pos = 0
        self._stopped = False
        self._t0 = time.monotonic()

    def read(self, timeout: float | None = None) -> bytes | None:
        if self._t0 is None:
            raise RuntimeError("WavFileSource.read() before start()")
        if self._stopped or self._pos >= len(self._pcm):
            return None
        end = min(self._pos + self._chunk, len(self._pcm))
        if self.realtime:
            due = self._t0 + end / 2 / self.rate
            wait = due - time.monotonic()
            if timeout is not None and wait > timeout:
                time.sleep(max(0.0, timeout))
                return b""
            if wait > 0:
                time.sleep(wait)
        chunk = self._pcm[self._pos:end]
        self._pos = end
        return chunk

    def stop(self) -> None:
        self._stopped = True


def load_sounddevice(sd=None):
    """Return the sounddevice module (imported now), or MicrophoneError when PortAudio is missing."""
    if sd is not None:
        return sd
    try:
        import sounddevice
    except OSError as err:
        raise MicrophoneError(
            "No audio system: the PortAudio library is not installed, so the microphone cannot be used "
            f"({err}). On Debian/Ubuntu: sudo apt-get install libportaudio2"
        ) from None
    return sounddevice


def list_devices(sd=None) -> list[dict]:
    """Every audio device PortAudio knows: index, name, hostapi, inputs, outputs, default_rate, default flags."""
    sd = load_sounddevice(sd)
    try:
        devices = list(sd.query_devices())
        hostapis = list(sd.query_hostapis())
    except Exception as err:  # PortAudioError and friends
        raise MicrophoneError(f"Cannot list audio devices: {err}") from None
    default_in, default_out = _default_devices(sd)
    result = []
    for index, dev in enumerate(devices):
        api = dev.get("hostapi")
        result.append({
            "index": int(dev.get("index", index)),
            "name": dev["name"],
            "hostapi": hostapis[api]["name"] if isinstance(api, int) and 0 <= api < len(hostapis) else None,
            "inputs": int(dev["max_input_channels"]),
            "outputs": int(dev["max_output_channels"]),
            "default_rate": float(dev["default_samplerate"]),
            "default_input": index == default_in,
            "default_output": index == default_out,
        })
    return result


def _default_devices(sd) -> tuple[int, int]:
    try:
        pair = list(sd.default.device)
        return int(pair[0]), int(pair[1])
    except Exception:
        return -1, -1


def parse_device(value):
    """A device given on the command line: an index ("3") or (part of) a name."""
    if value is None or isinstance(value, int):
        return value
    text = str(value).strip()
    return int(text) if text.isdigit() else text


_FINISHED = object()


class MicrophoneSource:
    """Record the microphone; chunks are 16 kHz mono s16le.

    The PortAudio callback only enqueues. ``stall_s``: when no audio arrives for that long while recording, the
    device is taken to be gone. ``start()`` on a running source drops whatever was captured so far, so
    callers that keep the stream open between answers never hear the manager's turn.
    """

    def __init__(self, device=None, sd=None, chunk_s: float = CHUNK_S, stall_s: float = 2.0,
                 samplerate: int | None = None):
        self.device = parse_device(device)
        self.rate = ENGINE_RATE
        self._sd_given = sd
        self._chunk = 2 * max(1, int(round(chunk_s * ENGINE_RATE)))
        self.stall_s = stall_s
        self.samplerate = samplerate
        self.device_name: str | None = None
        self.device_rate: int | None = None
        self.overflows = 0
        self._stream = None
        self._channels = 1
        self._queue: queue.Queue = queue.Queue()
        self._out = bytearray()
        self._error: MicrophoneError | None = None
        self._stopping = False
        self._ended = False
        self._last_data = 0.0
        self._resampler = None

    # --- lifecycle -------------------------------------------------------------------------------------------
    def start(self) -> None:
        if self._stream is not None and not self._ended:
            self._drop_queued()
            return
        sd = load_sounddevice(self._sd_given)
        info = self._input_info(sd)
        self.device_name = str(info.get("name", self.device))
        self.device_rate = int(self.samplerate or round(float(info.get("default_samplerate") or ENGINE_RATE)))
        self._stopping = False
        self._ended = False
        self._error = None
        self._stream = self._open(sd, info)
        self._drop_queued()
        try:
            self._stream.start()
        except Exception as err:
            self._close_stream()
            raise MicrophoneError(f"Cannot start recording from {self.device_name!r}: {err}") from None
        self._last_data = time.monotonic()

    def _input_info(self, sd) -> dict:
        try:
            info = sd.query_devices(self.device, "input")
        except Exception as err:
            if self.device is None:
                raise MicrophoneError(
                    "No microphone found: the system has no audio input device. Plug one in (or check the sound "
                    f"settings) and try again; `rehearse devices` lists what is there. ({err})"
                ) from None
            raise MicrophoneError(
                f"No microphone {self.device!r}: {err}. `rehearse devices` lists the input devices."
            ) from None
        if int(info.get("max_input_channels", 0)) < 1:
            raise MicrophoneError(f"Audio device {info.get('name')!r} has no input channels")
        return dict(info)

    def _open(self, sd, info: dict):
        errors = []
        options = [1] + ([min(2, int(info["max_input_channels"]))] if int(info["max_input_channels"]) > 1 else [])
        for channels in options:
            try:
                stream = sd.RawInputStream(
                    device=self.device, samplerate=self.device_rate, channels=channels, dtype="int16",
                    blocksize=max(1, self.device_rate // 50), callback=self._callback,
                    finished_callback=self._finished,
                )
            except Exception as err:
                errors.append(str(err))
                continue
            self._channels = channels
            import soxr

            self._resampler = soxr.ResampleStream(self.device_rate, ENGINE_RATE, 1, dtype="int16")
            return stream
        raise MicrophoneError(f"Cannot open the microphone {self.device_name!r}: {'; '.join(errors)}")

    def _callback(self, indata, frames, time_info, status) -> None:
        self._queue.put((bytes(indata), bool(status)))

    def _finished(self) -> None:
        self._queue.put(_FINISHED)

    def _drop_queued(self) -> None:
        while True:
            try:
                self._queue.get_nowait()
            except queue.Empty:
                break
        self._out.clear()
        if self._resampler is not None:
            self._resampler.clear()
        self._last_data = time.monotonic()

    def stop(self) -> None:
        """Stop recording (returns at once even if the device hangs). Later reads return None."""
        self._stopping = True
        self._ended = True
        self._close_stream()

    def _close_stream(self) -> None:
        stream, self._stream = self._stream, None
        if stream is None:
            return
        for method in ("abort", "close"):  # abort, not stop: stop waits for buffers a stalled device never fills
            try:
                getattr(stream, method)()
            except Exception:
                pass

    # --- reading ---------------------------------------------------------------------------------------------
    def read(self, timeout: float | None = None) -> bytes | None:
        deadline = None if timeout is None else time.monotonic() + timeout
        while len(self._out) < self._chunk:
            if self._error is not None:
                if self._out:
                    break  # hand over what was recorded before the failure first
                raise self._error
            if self._ended:
                return None
            wait = 0.1 if deadline is None else max(0.0, min(0.1, deadline - time.monotonic()))
            try:
                item = self._queue.get(timeout=wait)
            except queue.Empty:
                if time.monotonic() - self._last_data > self.stall_s:
                    self._fail(f"The microphone {self.device_name!r} stopped sending audio for "
                               f"{self.stall_s:g} s (was it unplugged?)")
                elif deadline is not None and time.monotonic() >= deadline:
                    return b""
                continue
            if item is _FINISHED:
                if not self._stopping:
                    self._fail(f"The microphone {self.device_name!r} stopped (was it unplugged?)")
                continue
            data, bad_status = item
            self.overflows += int(bad_status)
            self._last_data = time.monotonic()
            self._out += self._convert(data)
        chunk = bytes(self._out[: self._chunk])
        del self._out[: self._chunk]
        return chunk

    def _fail(self, message: str) -> None:
        self._error = MicrophoneError(message)
        self._close_stream()

    def _convert(self, data: bytes) -> bytes:
        samples = np.frombuffer(data[: len(data) - len(data) % (2 * self._channels)], dtype="<i2")
        if self._channels > 1:
            samples = samples.reshape(-1, self._channels).mean(axis=1).astype(np.int16)
        if self.device_rate == ENGINE_RATE:
            return samples.tobytes()
        return self._resampler.resample_chunk(samples).astype("<i2", copy=False).tobytes()
