"""Running work off the UI thread.

Two shapes, both in the style of a worker ``QObject`` moved onto its own ``QThread``:

* :class:`SerialWorker` — one long-lived thread that runs short jobs (plain callables) one after another and hands
  the result or the exception back to the UI thread. The session engine and its SQLite store live on such a thread,
  so every session call happens on the same thread that created the store.
* :class:`Job` — a one-off long job (listening to an answer, speaking a line) with ``progress``/``done``/``failed``
  signals, started with :func:`start_job`, which owns the thread and cleans it up when the job ends.

Signals emitted from a worker thread reach *bound methods of objects living on the UI thread* as queued calls, so
those run on the UI thread. (A lambda has no thread of its own and would run on the worker: connect methods.)
"""

from __future__ import annotations

import gc
import itertools
import logging
import threading
from typing import Any, Callable

from PySide6.QtCore import QObject, QThread, Signal, Slot

log = logging.getLogger(__name__)


class _Runner(QObject):
    done = Signal(int, object)
    failed = Signal(int, object)

    @Slot(int, object)
    def run(self, job_id: int, fn: Callable[[], Any]) -> None:
        try:
            result = fn()
        except BaseException as err:  # noqa: BLE001 - handed to the UI thread, which decides
            self.failed.emit(job_id, err)
        else:
            self.done.emit(job_id, result)


class SerialWorker(QObject):
    """Runs callables one at a time on a dedicated thread; results come back on the UI thread."""

    _submit = Signal(int, object)

    def __init__(self, name: str, parent: QObject | None = None):
        super().__init__(parent)
        self._ids = itertools.count(1)
        self._callbacks: dict[int, tuple[Callable | None, Callable | None]] = {}
        self._thread = QThread()
        self._thread.setObjectName(name)
        self._runner = _Runner()
        self._runner.moveToThread(self._thread)
        self._submit.connect(self._runner.run)
        self._runner.done.connect(self._on_done)
        self._runner.failed.connect(self._on_failed)
        self._thread.start()

    @property
    def busy(self) -> bool:
        return bool(self._callbacks)

    def call(self, fn: Callable[[], Any], on_done: Callable[[Any], None] | None = None,
             on_error: Callable[[BaseException], None] | None = None) -> int:
        job_id = next(self._ids)
        self._callbacks[job_id] = (on_done, on_error)
        self._submit.emit(job_id, fn)
        return job_id

    def run_now(self, fn: Callable[[], Any], timeout: float = 10.0) -> Any:
        """Run ``fn`` on the worker thread and wait for it (only for shutdown, when blocking is fine)."""
        box: dict[str, Any] = {}
        finished = threading.Event()

        def wrapped():
            try:
                box["result"] = fn()
            except BaseException as err:  # noqa: BLE001
                box["error"] = err
            finally:
                finished.set()

        self.call(wrapped)
        if not finished.wait(timeout):
            raise TimeoutError("the background job did not finish in time")
        if "error" in box:
            raise box["error"]
        return box.get("result")

    def stop(self, wait_ms: int = 10000) -> bool:
        self._thread.quit()
        return self._thread.wait(wait_ms)

    def is_running(self) -> bool:
        return self._thread.isRunning()

    @Slot(int, object)
    def _on_done(self, job_id: int, result: Any) -> None:
        on_done, _ = self._callbacks.pop(job_id, (None, None))
        if on_done:
            on_done(result)

    @Slot(int, object)
    def _on_failed(self, job_id: int, err: BaseException) -> None:
        _, on_error = self._callbacks.pop(job_id, (None, None))
        if on_error:
            on_error(err)
        else:
            log.error("background job failed", exc_info=err)


class Job(QObject):
    """A one-off piece of long work. Subclasses implement :meth:`work` and may emit ``progress``.

    ``stop_event`` is set by :meth:`cancel`; ``work`` should watch it and return early.
    """

    progress = Signal(object)
    done = Signal(object)
    failed = Signal(object)
    ended = Signal()

    def __init__(self):
        super().__init__()
        self.stop_event = threading.Event()
        self.result: Any = None
        self.error: BaseException | None = None

    def work(self) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError

    def cancel(self) -> None:
        self.stop_event.set()

    @Slot()
    def run(self) -> None:
        try:
            self.result = self.work()
        except BaseException as err:  # noqa: BLE001 - reported to the UI thread
            self.error = err
            self.failed.emit(err)
        else:
            self.done.emit(self.result)
        finally:
            self.ended.emit()
            # Quit from inside: a queued quit() would never arrive while the UI thread waits for us at shutdown.
            QThread.currentThread().quit()


def freeze_heap(collect: bool = False) -> None:
    """Move the objects alive now (Qt wrappers, the loaded models, the scenario) out of the garbage collector's
    reach. A full collection otherwise walks all of them — about 90 ms on a 2-core machine, in whichever thread
    triggers it, holding the GIL — and the UI thread stalls. ``collect`` first clears what is garbage already
    (only when a pause is fine: start-up, not during a run)."""
    if collect:
        gc.collect()
    gc.freeze()


_running: set[QThread] = set()


def start_job(job: Job, name: str) -> QThread:
    """Run ``job`` on a new thread; the thread quits and both are released when the job ends."""
    thread = QThread()
    thread.setObjectName(name)
    job.moveToThread(thread)
    thread.started.connect(job.run)
    _running.add(thread)
    thread.finished.connect(lambda: _forget(thread, job))
    job._thread = thread  # keep both alive while running
    thread.start()
    return thread


def _forget(thread: QThread, job: Job) -> None:
    _running.discard(thread)
    job._thread = None


def running_threads() -> list[QThread]:
    return [t for t in _running if t.isRunning()]


def wait_all(timeout_ms: int = 10000) -> bool:
    """Wait for every job thread to end (used when the window closes)."""
    ok = True
    for thread in list(_running):
        ok = thread.wait(timeout_ms) and ok
    return ok
