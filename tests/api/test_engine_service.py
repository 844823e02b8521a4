"""The engine service: requests of one event-loop turn go through the engine together, each gets its own
assessment, and one profile the engine refuses does not fail the others."""

import asyncio
import json

import pytest

from api.engine_service import EngineService
from engine import NoPackInForce, default_assessor, validate_profile
from fixtures.generator import pool


def test_simultaneous_requests_share_one_batch_and_get_their_own_answers() -> None:
    profiles = [validate_profile(p) for p in pool(40, seed=3)]
    service = EngineService(max_batch=64)

    async def all_at_once() -> list[dict]:
        return await asyncio.gather(*(service.assess(p) for p in profiles))

    results = asyncio.run(all_at_once())
    assert service.batches == 1 and service.assessed == 40
    expected = [default_assessor().assess(p) for p in profiles]
    assert json.dumps(results, sort_keys=True) == json.dumps(expected, sort_keys=True)


def test_batches_are_capped() -> None:
    profiles = [validate_profile(p) for p in pool(10, seed=4)]
    service = EngineService(max_batch=4)

    async def all_at_once() -> list[dict]:
        return await asyncio.gather(*(service.assess(p) for p in profiles))

    results = asyncio.run(all_at_once())
    assert service.batches == 3 and len(results) == 10


def test_a_refused_profile_fails_alone() -> None:
    good = [validate_profile(p) for p in pool(3, seed=5)]
    old = validate_profile({"company": {"name": "旧", "registered_on": "2001-01-01"}, "application_date": "2010-01-01"})
    service = EngineService()

    async def mixed() -> list:
        return await asyncio.gather(*(service.assess(p) for p in [good[0], old, *good[1:]]), return_exceptions=True)

    first, refused, *rest = asyncio.run(mixed())
    assert isinstance(refused, NoPackInForce)
    assert first == default_assessor().assess(good[0])
    assert [r["verdict"] for r in rest] == [default_assessor().assess(p)["verdict"] for p in good[1:]]


def test_a_lone_request_does_not_wait_for_others() -> None:
    service = EngineService()
    profile = validate_profile(next(iter(pool(1, seed=6))))
    assert asyncio.run(service.assess(profile))["contract"] == "1"
    with pytest.raises(NoPackInForce):
        asyncio.run(
            service.assess(
                validate_profile(
                    {"company": {"name": "x", "registered_on": "2001-01-01"}, "application_date": "2010-01-01"}
                )
            )
        )
