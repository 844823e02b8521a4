"""One owner of the engine per process, batching the requests that arrive together (micro-batching).

durable-rules is not thread-safe, and the engine is much faster per profile in batches. So every
request hands its validated profile to this service and awaits a future. The first request of an
event-loop turn schedules a flush for the end of that turn; every request that arrives in the same turn
joins the batch; the flush calls ``assess_many`` once (at most ``max_batch`` profiles) and resolves the
futures. Under load the batches grow by themselves; a lone request waits for no one.

The engine runs on the event-loop thread. A separate engine thread was tried first: in one process
there is one GIL, so it ran no faster, and handing work to it and back (plus GIL switches every 5 ms)
cost throughput and latency. Every call into durable-rules in a process therefore comes from its one
event-loop thread (the engine's own lock still guards any other caller). For more than one core, run
several uvicorn workers: each process has its own engine.
"""

import asyncio
import datetime as dt
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from engine import Assessor, NoPackInForce, Profile, default_assessor, validate_profile

log = logging.getLogger(__name__)


@dataclass
class _Job:
    profile: Profile
    future: asyncio.Future[dict[str, Any]]
    ladder_detail: bool = True


def _settle(future: asyncio.Future[dict[str, Any]], result: dict[str, Any] | None, error: Exception | None) -> None:
    if future.done():  # the client went away and the request was cancelled
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result or {})


class EngineService:
    """Assessments in micro-batches: `await service.assess(profile)` from the app's event loop."""

    def __init__(self, assessor_factory: Callable[[], Assessor] = default_assessor, max_batch: int = 64) -> None:
        self._assessor_factory = assessor_factory
        self.max_batch = max(1, max_batch)
        self._pending: list[_Job] = []
        self._flush_scheduled = False
        self.batches = 0
        self.assessed = 0

    def idle(self) -> bool:
        """No request waiting for the engine."""
        return not self._pending and not self._flush_scheduled

    @property
    def assessor(self) -> Assessor:
        return self._assessor_factory()

    async def warm_up(self) -> None:
        """Loads the rule packs and compiles the rulesets in force today (a dummy firm, not kept)."""
        today = dt.date.today()
        profile = validate_profile(
            {
                "company": {"name": "warm-up", "registered_on": (today - dt.timedelta(days=400)).isoformat()},
                "application_date": today.isoformat(),
            }
        )
        try:
            await self.assess(profile)
        except NoPackInForce:
            pass  # no national pack for today: dated requests can still be served

    async def assess(self, profile: Profile, *, ladder_detail: bool = True) -> dict[str, Any]:
        """The assessment of one profile. Raises NoPackInForce like the engine. `ladder_detail=False`: the
        ladder as the default view shows it, built directly (`Assessor.assess_many`)."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future[dict[str, Any]] = loop.create_future()
        self._pending.append(_Job(profile, future, ladder_detail))
        if not self._flush_scheduled:
            self._flush_scheduled = True
            loop.call_soon(self._flush, loop)
        return await future

    def _flush(self, loop: asyncio.AbstractEventLoop) -> None:
        batch, self._pending = self._pending[: self.max_batch], self._pending[self.max_batch :]
        if self._pending:
            loop.call_soon(self._flush, loop)  # the rest in the next turn, so other work gets a go
        else:
            self._flush_scheduled = False
        batch = [job for job in batch if not job.future.done()]
        for ladder_detail in (False, True):  # the default view's requests, then those asking for the detail
            jobs = [job for job in batch if job.ladder_detail is ladder_detail]
            if jobs:
                self._assess_batch(jobs, ladder_detail)

    def _assess_batch(self, batch: list[_Job], ladder_detail: bool = True) -> None:
        try:
            assessor = self._assessor_factory()
            results = assessor.assess_many([job.profile for job in batch], ladder_detail=ladder_detail)
        except Exception:
            # One profile (say, a date no pack covers) must not fail the others: retry one by one.
            for job in batch:
                self._assess_one(job)
            return
        self.batches += 1
        self.assessed += len(batch)
        for job, result in zip(batch, results, strict=True):
            _settle(job.future, result, None)

    def _assess_one(self, job: _Job) -> None:
        try:
            result = self._assessor_factory().assess_many([job.profile], ladder_detail=job.ladder_detail)[0]
        except NoPackInForce as missing:
            _settle(job.future, None, missing)
            return
        except Exception as error:
            log.exception("assessment failed")
            _settle(job.future, None, error)
            return
        self.assessed += 1
        _settle(job.future, result, None)
