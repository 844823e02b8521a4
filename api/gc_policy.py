"""When a worker runs the cyclic garbage collector's full passes: when it is idle, not in the middle of load.

The engine keeps what it has decided (firings by signature, runs, criterion entries, messages: bounded
caches, engine/evaluator.py, engine/rows.py) — over a million live objects after some 40,000 fresh profiles.
A full pass (generation 2) scans every one of them: measured 0.65 s in one pass, which stalls every request
of the worker at once (the API's p99 went from ~15 ms to ~90 ms with fresh profiles). These objects hold no
reference cycles, nor do the assessments: reference counting frees them. So a worker's automatic passes
stop at generation 1 (young objects, where the cycles of request handling die), and the full pass runs
when the worker has been idle for a moment, or after `FORCE_AFTER` seconds at the latest.
"""

import asyncio
import gc
import threading
import time
from collections.abc import Callable

CHECK_EVERY = 5.0  # seconds between looks at the worker
IDLE_AFTER = 60.0  # a full pass at most this often, and only when idle …
FORCE_AFTER = 600.0  # … or, at the latest, this long after the last one
NEVER = 10**9  # a generation-2 threshold no worker reaches


_apps = 0  # apps of this process deferring full passes (tests run several)
_before: tuple[int, int, int] | None = None
_lock = threading.Lock()


def defer_full_collections() -> None:
    """Automatic passes over generations 0 and 1 only (the thresholds of both kept), while an app runs."""
    global _apps, _before
    with _lock:
        if _apps == 0:
            _before = gc.get_threshold()
            gc.set_threshold(_before[0], _before[1], NEVER)
        _apps += 1


def restore_full_collections() -> None:
    """When the last app of the process stops: the thresholds as they were before the first started."""
    global _apps
    with _lock:
        _apps -= 1
        if _apps == 0 and _before is not None:
            gc.set_threshold(*_before)


async def collect_when_idle(
    idle: Callable[[], bool],
    *,
    check_every: float = CHECK_EVERY,
    idle_after: float = IDLE_AFTER,
    force_after: float = FORCE_AFTER,
) -> None:
    """Runs until cancelled: a full pass when `idle()` and `idle_after` has passed, or after `force_after`."""
    last = time.monotonic()
    while True:
        await asyncio.sleep(check_every)
        since = time.monotonic() - last
        if (since >= idle_after and idle()) or since >= force_after:
            gc.collect()
            last = time.monotonic()
