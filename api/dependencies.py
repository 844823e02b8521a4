"""Shared dependencies: the process's engine service, its assessor, and the rules version of today."""

import datetime as dt
from functools import lru_cache
from typing import Annotated

from fastapi import Depends
from starlette.requests import Request

from api.engine_service import EngineService
from engine import Assessor, NoPackInForce, default_assessor


# async: FastAPI runs a plain `def` dependency in its thread pool, a hand-off that costs every request.
async def get_engine(request: Request) -> EngineService:
    return request.app.state.engine


async def get_assessor(request: Request) -> Assessor:
    return request.app.state.engine.assessor


EngineDep = Annotated[EngineService, Depends(get_engine)]
AssessorDep = Annotated[Assessor, Depends(get_assessor)]


@lru_cache(maxsize=4)
def _rules_version_on(day: dt.date) -> str:
    assessor = default_assessor()
    try:
        return assessor.pack_for(day).version
    except NoPackInForce:
        # No national pack covers today: name the newest one, which is what a reader would look up.
        newest = max(assessor.packs, key=lambda pack: pack.header.effective_from)
        return newest.version


def current_rules_version() -> str:
    """The version of the national pack in force today (for responses that are not assessments)."""
    return _rules_version_on(dt.date.today())
