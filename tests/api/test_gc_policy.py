"""The worker's full garbage-collector passes run when it is idle (api/gc_policy.py), not under load."""

import asyncio
import gc
from typing import Any

from fastapi.testclient import TestClient

from api.app import create_app
from api.gc_policy import NEVER, collect_when_idle
from api.settings import Settings


def _full_passes() -> tuple[list[int], Any]:
    passes: list[int] = []

    def count(phase: str, info: dict[str, int]) -> None:
        if phase == "stop" and info["generation"] == 2:
            passes.append(1)

    gc.callbacks.append(count)
    return passes, count


def test_a_running_app_defers_full_passes_and_restores_the_thresholds_when_it_stops() -> None:
    before = gc.get_threshold()
    with TestClient(create_app(Settings())) as client:
        assert client.get("/healthz").status_code == 200
        young, middle, full = gc.get_threshold()
        assert (young, middle) == before[:2] and full == NEVER
    assert gc.get_threshold() == before


def test_the_thresholds_come_back_when_the_last_app_stops_whatever_the_order() -> None:
    before = gc.get_threshold()
    first, second = TestClient(create_app(Settings())), TestClient(create_app(Settings()))
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)  # the first to start stops first
    assert gc.get_threshold()[2] == NEVER  # the second still runs
    second.__exit__(None, None, None)
    assert gc.get_threshold() == before


def test_a_full_pass_runs_when_idle_and_waits_while_busy_until_the_limit() -> None:
    async def watch(idle: bool, seconds: float, force_after: float) -> int:
        passes, count = _full_passes()
        try:
            task = asyncio.create_task(
                collect_when_idle(lambda: idle, check_every=0.01, idle_after=0.05, force_after=force_after)
            )
            await asyncio.sleep(seconds)
            task.cancel()
        finally:
            gc.callbacks.remove(count)
        return len(passes)

    assert asyncio.run(watch(idle=True, seconds=0.3, force_after=60)) >= 2  # idle: every idle_after
    assert asyncio.run(watch(idle=False, seconds=0.3, force_after=60)) == 0  # busy: none …
    assert asyncio.run(watch(idle=False, seconds=0.3, force_after=0.1)) >= 1  # … until force_after
