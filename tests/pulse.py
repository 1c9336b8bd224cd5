"""A real microphone without hardware: a PulseAudio daemon with a null sink and a virtual microphone.

Use it from any test module::

    from pulse import virtual_mic  # noqa: F401  (tests/ is on sys.path under pytest)

    def test_something(virtual_mic):
        virtual_mic.play_file("tests/data/mic/two_sentences.wav")   # the "user" speaks into the microphone
        source = MicrophoneSource(device=virtual_mic.device)          # records through PortAudio + sounddevice
        ...

(``pytest_plugins = ["pulse"]`` at the top of a test module works too.) ``virtual_mic.env`` is the environment
for a subprocess (``rehearse record ...``); ``play(pcm)`` / ``play_file(path, lead_s)`` queue what the "user" says,
``wait_played()`` waits until it has reached the microphone, ``clear()`` drops what is queued, ``pause(s)`` makes
the microphone send nothing for a while (a dead device, to recording programs).

``virtual_mic`` is session-scoped: one daemon per test run, however many modules import the fixture. It is started
by the test run (``pulseaudio`` as a child process, with its own ``XDG_RUNTIME_DIR`` and ``PULSE_SERVER`` in
``os.environ`` while it runs) and stopped by its pid. A feeder thread writes 16 kHz mono s16le PCM into the virtual
microphone's FIFO at real-time pace all the time — what you ``play()``, else silence — because a PulseAudio pipe
source with nothing written stalls the recording stream (as a dead device would). PulseAudio only reads the FIFO
while something records, so while nobody does the feeder keeps only the latest 0.5 s in it (as a sound card's
capture buffer would) instead of up to 2 s of old sound for the next recording to pick up. Output to the ``pulse`` device
goes to the null sink. If PulseAudio is not installed or will not start, tests using the fixture are skipped with
the reason.

PortAudio lists devices when it is initialised: the fixture re-initialises sounddevice (``_terminate()`` /
``_initialize()``) after the daemon is up and again after it stops, so it works whether or not sounddevice was
imported before. Subprocesses get the daemon through ``virtual_mic.env``.
"""

from __future__ import annotations

import fcntl
import os
import queue
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from pathlib import Path

import pytest

RATE = 16000
STEP_S = 0.02
STEP_BYTES = 2 * int(RATE * STEP_S)
MAX_BACKLOG = 25 * STEP_BYTES  # at most 0.5 s of audio waits in the FIFO while nobody records


class VirtualMic:
    """A running PulseAudio daemon whose default source ``virtmic`` plays whatever you give it."""

    device = "pulse"  # the ALSA device (via libasound2-plugins) that PortAudio records the default source from

    def __init__(self):
        self.runtime = Path(tempfile.mkdtemp(prefix="rehearse-pulse-"))
        self.fifo = self.runtime / "mic.fifo"
        self.log = self.runtime / "pulseaudio.log"
        self.proc: subprocess.Popen | None = None
        self._queue: queue.Queue = queue.Queue()
        self._pending = b""
        self._idle = threading.Event()
        self._idle.set()
        self._stop = threading.Event()
        self._feeder: threading.Thread | None = None
        self._saved_env: dict[str, str | None] = {}
        self._paused_until = 0.0
        self._fd: int | None = None

    @property
    def env(self) -> dict[str, str]:
        """Environment for a subprocess that should record from this microphone."""
        env = dict(os.environ)
        env.update(self._own_env())
        return env

    def _own_env(self) -> dict[str, str]:
        return {"XDG_RUNTIME_DIR": str(self.runtime), "PULSE_SERVER": f"unix:{self.runtime}/pulse/native"}

    # --- daemon ----------------------------------------------------------------------------------------------
    def start(self) -> None:
        exe = shutil.which("pulseaudio")
        if exe is None:
            raise RuntimeError("pulseaudio is not installed (apt-get install pulseaudio pulseaudio-utils)")
        env = dict(os.environ, XDG_RUNTIME_DIR=str(self.runtime))
        env.pop("PULSE_SERVER", None)
        cmd = [
            exe, "--daemonize=no", "-n", "--exit-idle-time=-1", "--use-pid-file=no", "--log-target=stderr",
            "--load=module-native-protocol-unix",
            "--load=module-null-sink sink_name=nullsink",
            f"--load=module-pipe-source source_name=virtmic file={self.fifo} format=s16le rate={RATE} channels=1",
        ]
        with open(self.log, "wb") as log:
            self.proc = subprocess.Popen(cmd, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=log)
        socket = self.runtime / "pulse" / "native"
        deadline = time.monotonic() + 10
        while not (socket.exists() and self.fifo.exists()):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(f"pulseaudio did not start: {self.log.read_text(errors='replace')[-800:]}")
            time.sleep(0.05)
        subprocess.run(["pactl", "set-default-source", "virtmic"], env=self.env, check=True,
                       capture_output=True, timeout=10)
        subprocess.run(["pactl", "set-default-sink", "nullsink"], env=self.env, check=True,
                       capture_output=True, timeout=10)
        self._feeder = threading.Thread(target=self._feed, name="virtual-mic-feeder", daemon=True)
        self._feeder.start()
        for key, value in self._own_env().items():
            self._saved_env[key] = os.environ.get(key)
            os.environ[key] = value
        _rescan_sounddevice()

    def stop(self) -> None:
        self._stop.set()
        if self._feeder is not None:
            self._feeder.join(timeout=5)
        for key, value in self._saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        self._saved_env.clear()
        if self.proc is not None and self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                os.kill(self.proc.pid, signal.SIGKILL)
                self.proc.wait(timeout=5)
        _rescan_sounddevice()
        shutil.rmtree(self.runtime, ignore_errors=True)

    # --- what the microphone hears ---------------------------------------------------------------------------
    def play(self, pcm: bytes) -> None:
        """Queue 16 kHz mono s16le PCM; it reaches the microphone at real-time pace after what is queued."""
        self._queue.put(bytes(pcm))
        self._idle.clear()  # after put: the feeder cannot see an empty queue in between and call it idle

    def play_file(self, path, lead_s: float = 0.0) -> float:
        """Queue an audio file (any WAV; resampled) after ``lead_s`` of silence. Returns its length in seconds."""
        from rehearse.speech.audio import load_pcm16

        pcm = bytes(2 * int(lead_s * RATE)) + load_pcm16(path, RATE)
        self.play(pcm)
        return len(pcm) / 2 / RATE

    def wait_played(self, timeout: float = 60, settle_s: float = 0.1) -> bool:
        """Block until everything queued has reached the microphone (and ``settle_s`` more, for it to pass
        through PulseAudio to recording programs)."""
        done = self._idle.wait(timeout)
        time.sleep(settle_s)
        return done

    def _fifo_fill(self) -> int:
        """Bytes written into the FIFO that PulseAudio has not read yet."""
        fd = self._fd
        if fd is None:
            return 0
        try:
            return struct.unpack("i", fcntl.ioctl(fd, termios.FIONREAD, b"\0\0\0\0"))[0]
        except OSError:
            return 0

    def pause(self, seconds: float) -> None:
        """Write nothing for ``seconds``: to recording programs the microphone stops, as an unplugged one does."""
        self._paused_until = time.monotonic() + seconds

    def clear(self) -> None:
        """Drop whatever is still queued (the microphone goes back to silence)."""
        while True:
            try:
                self._queue.get_nowait()
            except queue.Empty:
                break
        self._pending = b""

    def _next_step(self) -> bytes:
        while len(self._pending) < STEP_BYTES:
            try:
                self._pending += self._queue.get_nowait()
            except queue.Empty:
                break
        if not self._pending:
            self._idle.set()
            return bytes(STEP_BYTES)
        step, self._pending = self._pending[:STEP_BYTES], self._pending[STEP_BYTES:]
        return step.ljust(STEP_BYTES, b"\0")

    def _feed(self) -> None:
        drain = os.open(self.fifo, os.O_RDONLY | os.O_NONBLOCK)
        fd = self._fd = os.open(self.fifo, os.O_WRONLY)
        try:
            start = time.monotonic()
            steps = 0
            while not self._stop.is_set():
                if time.monotonic() < self._paused_until:
                    time.sleep(STEP_S)
                    start, steps = time.monotonic(), 0  # resume at real-time pace, no burst
                    continue
                os.write(fd, self._next_step())
                excess = self._fifo_fill() - MAX_BACKLOG
                if excess > 0:
                    # Nobody is recording, so PulseAudio is not reading the FIFO. Keep only the latest audio in it
                    # (as a sound card's capture buffer would), not sound from long ago for the next recording.
                    os.read(drain, excess - excess % STEP_BYTES + STEP_BYTES)
                steps += 1
                delay = start + steps * STEP_S - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
                elif delay < -1.0:  # fell far behind (a busy machine): do not burst to catch up
                    start, steps = time.monotonic(), 0
        except OSError:
            pass  # the daemon went away
        finally:
            self._fd = None
            os.close(fd)
            os.close(drain)


def _rescan_sounddevice() -> None:
    """Make an already-initialised PortAudio list devices again (it only looks when initialised)."""
    sd = sys.modules.get("sounddevice")
    if sd is None:
        return
    try:
        sd._terminate()
        sd._initialize()
    except Exception:
        pass


_shared: dict = {"mic": None, "users": 0}


@pytest.fixture(scope="session")
def virtual_mic():
    """A started :class:`VirtualMic` (one per test run); skips the test if PulseAudio cannot run here."""
    if _shared["mic"] is None:
        mic = VirtualMic()
        try:
            mic.start()
        except (RuntimeError, OSError, subprocess.SubprocessError) as err:
            pytest.skip(f"no virtual microphone: {err}")
        _shared["mic"] = mic
    _shared["users"] += 1
    mic = _shared["mic"]
    mic.clear()
    yield mic
    _shared["users"] -= 1
    if _shared["users"] == 0:
        _shared["mic"] = None
        mic.stop()
