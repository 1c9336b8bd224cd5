"""Playing the manager's voice: a blocking low-latency output stream written in short, stoppable blocks.

:class:`Player` takes int16 mono audio piece by piece (a whole WAV, or sentences as they are synthesised), opens
the output stream on the first piece and, when told the line is over, waits out the output latency the stream
reports, so it returns as soon as the last sample has left the speakers and no later: the microphone can open
right after (half duplex) without hearing the manager. ``sd`` is the sounddevice module (imported lazily when not
given; tests pass a fake one).
"""

from __future__ import annotations

import time

import numpy as np

PLAY_BLOCK_S = 0.05  # playback is written in blocks this long; stop_event is checked between them


class Player:
    def __init__(self, sd=None, stop_event=None, device=None):
        self.sd = sd
        self.stop_event = stop_event
        self.device = device
        self.stream = None
        self.rate: int | None = None
        self.channels = 1
        self.stopped = False
        self.first_write: float | None = None  # time.monotonic() when the first samples were handed to the device

    def _errors(self):
        return (getattr(self.sd, "PortAudioError", OSError), OSError, ValueError)

    def open(self, rate: int, channels: int = 1) -> None:
        from rehearse.speech.tts_voice_files import TTSUnavailable

        self.sd = self.sd or import_sounddevice()
        self.rate, self.channels = int(rate), int(channels)
        try:
            self.stream = self.sd.OutputStream(samplerate=self.rate, channels=self.channels, dtype="int16",
                                               device=self.device, latency="low")
            self.stream.start()
        except self._errors() as err:
            self.stream = None
            if self.device is not None:
                raise TTSUnavailable(f"cannot play sound on device {self.device!r} ({err}); `rehearse devices` "
                                     "lists the speakers") from None
            raise TTSUnavailable(f"cannot play sound: no usable audio output device ({err})") from None

    def write(self, samples: np.ndarray, rate: int) -> bool:
        """Play ``samples`` (int16, mono or frames x channels); False once ``stop_event`` stopped the line."""
        from rehearse.speech.tts_voice_files import TTSUnavailable

        if self.stopped:
            return False
        data = np.asarray(samples, dtype=np.int16)
        if data.ndim == 1:
            data = data.reshape(-1, 1)
        if self.stream is None:
            self.open(rate, data.shape[1])
        elif rate != self.rate:
            from rehearse.speech.audio import resample

            mono = resample(data[:, 0].astype(np.float32) / 32768.0, rate, self.rate)
            data = np.round(np.clip(mono, -1, 1) * 32767).astype(np.int16).reshape(-1, 1)
        block = max(1, int(self.rate * PLAY_BLOCK_S))
        try:
            for start in range(0, len(data), block):
                if self.stop_event is not None and self.stop_event.is_set():
                    self.stopped = True
                    return False
                self.stream.write(data[start:start + block])  # returns once the block fits in the output buffer
                if self.first_write is None:
                    self.first_write = time.monotonic()
        except self._errors() as err:
            raise TTSUnavailable(f"sound playback failed ({err})") from None
        return True

    def finish(self) -> bool:
        """Wait until what was written has been heard (stoppably), close the stream; True unless stopped."""
        from rehearse.speech.tts_voice_files import TTSUnavailable

        stream, self.stream = self.stream, None
        if stream is None:
            return not self.stopped
        try:
            if not self.stopped:
                # What was written is still in the output buffer for ``latency`` seconds: wait until it is heard.
                if self.stop_event is not None:
                    self.stopped = self.stop_event.wait(stream.latency)
                else:
                    time.sleep(stream.latency)
        except self._errors() as err:
            raise TTSUnavailable(f"sound playback failed ({err})") from None
        finally:
            try:
                stream.abort() if self.stopped else stream.stop()
                stream.close()
            except self._errors():
                pass
        return not self.stopped

    def abort(self) -> None:
        self.stopped = True
        self.finish()


def import_sounddevice(error: type[Exception] | None = None):
    """The sounddevice module; without the PortAudio library, ``error`` (TTSUnavailable unless given) says so."""
    if error is None:
        from rehearse.speech.tts_voice_files import TTSUnavailable as error

    try:
        import sounddevice
    except OSError as err:  # no PortAudio library
        raise error(f"cannot play sound: PortAudio is missing ({err}); install libportaudio2") from None
    return sounddevice
