"""One owner of the engine per process: a thread that drains a queue and assesses in batches.

durable-rules is not thread-safe, and the engine is much faster per profile in batches. So every
request hands its validated profile to this service and awaits a future; the engine thread takes
everything that is waiting (up to ``max_batch``), calls ``assess_many`` once, and resolves the
futures on their event loops. Under load, the batches grow by themselves (micro-batching); alone, a
request waits for no one. Several uvicorn workers each run their own service and engine.
"""

import asyncio
import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from engine import Assessor, NoPackInForce, Profile, default_assessor

log = logging.getLogger(__name__)


@dataclass
class _Job:
    profile: Profile
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future[dict[str, Any]] = field(repr=False)


_STOP = object()


def _deliver(job: "_Job", result: dict[str, Any] | None, error: BaseException | None) -> None:
    try:
        job.loop.call_soon_threadsafe(_settle, job.future, result, error)
    except RuntimeError:  # that request's event loop has closed: nobody waits for this result
        pass


def _settle(future: asyncio.Future[dict[str, Any]], result: dict[str, Any] | None, error: BaseException | None) -> None:
    if future.done():  # the client went away and the request was cancelled
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result or {})


class EngineService:
    """Assessments through a single engine thread; `await service.assess(profile)` from any loop."""

    def __init__(self, assessor_factory: Callable[[], Assessor] = default_assessor, max_batch: int = 64) -> None:
        self._assessor_factory = assessor_factory
        self.max_batch = max(1, max_batch)
        self._queue: queue.SimpleQueue[_Job | object] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._start_lock = threading.Lock()
        self.batches = 0
        self.assessed = 0

    @property
    def assessor(self) -> Assessor:
        return self._assessor_factory()

    def start(self) -> None:
        with self._start_lock:
            if self._thread is not None and self._thread.is_alive():
                return
            self._thread = threading.Thread(target=self._run, name="hnte-engine", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        with self._start_lock:
            thread, self._thread = self._thread, None
        if thread is not None and thread.is_alive():
            self._queue.put(_STOP)
            thread.join(timeout)

    async def assess(self, profile: Profile) -> dict[str, Any]:
        """The assessment of one profile. Raises NoPackInForce like the engine."""
        self.start()
        loop = asyncio.get_running_loop()
        future: asyncio.Future[dict[str, Any]] = loop.create_future()
        self._queue.put(_Job(profile, loop, future))
        return await future

    # the engine thread ---------------------------------------------------------------------------
    def _run(self) -> None:
        assessor = self._assessor_factory()
        while True:
            first = self._queue.get()
            if first is _STOP:
                return
            batch: list[_Job] = [first]  # type: ignore[list-item]
            stop_after = False
            while len(batch) < self.max_batch:
                try:
                    job = self._queue.get_nowait()
                except queue.Empty:
                    break
                if job is _STOP:
                    stop_after = True
                    break
                batch.append(job)  # type: ignore[arg-type]
            self._assess_batch(assessor, batch)
            if stop_after:
                return

    def _assess_batch(self, assessor: Assessor, batch: list[_Job]) -> None:
        try:
            results = assessor.assess_many([job.profile for job in batch])
        except Exception:
            # One profile (say, a date no pack covers) must not fail the others: retry one by one.
            for job in batch:
                self._assess_one(assessor, job)
            return
        self.batches += 1
        self.assessed += len(batch)
        for job, result in zip(batch, results, strict=True):
            _deliver(job, result, None)

    def _assess_one(self, assessor: Assessor, job: _Job) -> None:
        try:
            result = assessor.assess(job.profile)
        except NoPackInForce as missing:
            _deliver(job, None, missing)
            return
        except Exception as error:
            log.exception("assessment failed")
            _deliver(job, None, error)
            return
        self.assessed += 1
        _deliver(job, result, None)
