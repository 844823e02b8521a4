"""Many different profiles posted by parallel clients to a real server with two worker processes give
exactly the assessments of one-at-a-time evaluation (durable-rules is not thread-safe; each worker has
one engine and batches the requests that arrive together)."""

import asyncio
import json
from typing import Any

import httpx

from engine import default_assessor, validate_profile
from engine.detail import with_detail
from fixtures.generator import pool
from tests.api.conftest import EXAMPLE_NAMES, example
from tests.api.live_server import live_server

PROFILES = 240
CLIENTS = 24


def sequential(profiles: list[dict[str, Any]]) -> list[Any]:
    assessor = default_assessor()
    views = [with_detail(assessor.assess(validate_profile(p))) for p in profiles]  # the API's default view
    return [json.loads(json.dumps(view, ensure_ascii=False)) for view in views]


async def post_all(base: str, profiles: list[dict[str, Any]]) -> list[tuple[int, Any]]:
    results: list[tuple[int, Any]] = [(0, None)] * len(profiles)
    queue: asyncio.Queue[int] = asyncio.Queue()
    for index in range(len(profiles)):
        queue.put_nowait(index)

    async def worker() -> None:
        async with httpx.AsyncClient(base_url=base, timeout=60) as client:
            while not queue.empty():
                index = queue.get_nowait()
                response = await client.post("/v1/assessments", json=profiles[index])
                results[index] = (response.status_code, response.json())

    await asyncio.gather(*(worker() for _ in range(CLIENTS)))
    return results


def test_parallel_clients_get_the_sequential_assessments() -> None:
    profiles = list(pool(PROFILES, seed=20261128)) + [example(name) for name in EXAMPLE_NAMES]
    expected = sequential(profiles)
    assert len({json.dumps(e, sort_keys=True) for e in expected}) > PROFILES * 0.9, "the profiles differ"
    with live_server(workers=2) as base:
        results = asyncio.run(post_all(base, profiles))
    for index, (status, body) in enumerate(results):
        assert status == 200, (index, body)
        assert body == expected[index], f"profile {index} differs under concurrency"
