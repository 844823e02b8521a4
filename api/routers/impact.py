"""Rule-change impact over a stored pool: the API (`POST /v1/pools/{id}/impact`) and the policy officer's
page (`/pools/{id}/impact`), bureau role only.

The firms' stored profiles are assessed again under the packs as they are and under the changed packs
(engine/impact.py) in scoring processes of their own (batch/impact.py): durable-rules is not thread-safe,
and a pool of 100,000 firms is minutes of CPU that must not hold up the service's own assessments.
"""

import datetime as dt
import json
import os
import tempfile
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Request
from fastapi.responses import FileResponse, JSONResponse
from starlette.background import BackgroundTask
from starlette.responses import Response

from api.pool_access import CurrentUser, StoredDataRoute, not_found
from api.routers.batches import XLSX_TYPE
from api.routers.pools import PoolId
from api.schemas import REFUSED_401, REFUSED_404, InvalidProfile, Refusal
from api.templating import render
from batch.impact import ImpactRequest, impact_rows, tally_outcomes
from batch.impact_workbook import write_impact_workbook
from batch.scoring import CHUNK_ROWS, chunks, default_workers, score_stream
from engine import NoPackInForce, default_assessor
from engine.impact import Override, OverrideError, parse_override
from engine.pack import RulePack, pack_in_force
from storage.models import User
from storage.pools import get_pool, pool_profiles

router = APIRouter(prefix="/v1", tags=["pools"], route_class=StoredDataRoute)
pages = APIRouter(include_in_schema=False, route_class=StoredDataRoute)

BUREAU_ONLY = {"zh": "规则修改影响仅限区科技局账号使用。", "en": "Rule-change impact is for bureau accounts only."}
MAX_IMPACT_WORKERS = 2
SHOWN_CHANGES = 200  # the page lists this many firms that flip; the workbook lists them all


def _forbidden() -> JSONResponse:
    return JSONResponse({"detail": BUREAU_ONLY["en"], "message": BUREAU_ONLY}, status_code=403)


def pool_impact(pool_id: int, override: Override) -> dict[str, Any]:
    """The impact of `override` over the stored pool's firms (every stored profile, in row order)."""
    units = chunks(((row, json.dumps(profile).encode()) for row, profile in pool_profiles(pool_id)), CHUNK_ROWS)
    request = ImpactRequest(format="jsonl", override=override)
    workers = impact_workers()
    if workers > 0:
        return tally_outcomes(score_stream(request, units, workers, work=impact_rows), override).report()
    with default_assessor().runtime.lock:  # in this process: nothing else may call durable-rules meanwhile
        return tally_outcomes(score_stream(request, units, 0, work=impact_rows), override).report()


def impact_workers() -> int:
    """HNTE_IMPACT_WORKERS scoring processes (default: one per core, at most 2); 0 assesses in the
    server's process, holding its engine meanwhile (tests, tiny pools)."""
    configured = os.environ.get("HNTE_IMPACT_WORKERS")
    if configured is not None and configured.strip().isdigit():
        return int(configured)
    return max(1, min(default_workers(), MAX_IMPACT_WORKERS))


def _workbook_response(report: dict[str, Any], pool_id: int) -> Response:
    folder = Path(tempfile.mkdtemp(prefix="hnte-impact-"))
    path = folder / f"impact-pool-{pool_id}.xlsx"
    write_impact_workbook(report, path)

    def remove() -> None:
        path.unlink(missing_ok=True)
        folder.rmdir()

    return FileResponse(path, media_type=XLSX_TYPE, filename=path.name, background=BackgroundTask(remove))


def _allowed(user: User, pool_id: int) -> Response | None:
    if user.role != "bureau":
        return _forbidden()
    if get_pool(user, pool_id) is None:
        return not_found()
    return None


@router.post(
    "/pools/{pool_id}/impact",
    summary="Rule-change impact over a stored pool / 规则修改对培育库的影响",
    description=(
        'Body: `{"override": {"<pack id>.<parameter>": value, …}}`. Which firms flip verdict or tier and on '
        "which criteria, counts by town, by criterion and by tier. `?format=xlsx` gives the workbook. Bureau only."
    ),
    responses={
        400: {"model": Refusal, "description": "A body that is not JSON"},
        **REFUSED_401,
        403: {"model": Refusal, "description": "Not a bureau token: the impact is the bureau's alone"},
        **REFUSED_404,
        422: {"model": InvalidProfile, "description": "An unknown parameter or a value of the wrong kind, by field"},
    },
)
def post_pool_impact(
    pool_id: PoolId,
    user: CurrentUser,
    body: Annotated[dict[str, Any], Body()],
    format: Annotated[str, Query(pattern="^(json|xlsx)$")] = "json",
) -> Any:
    refused = _allowed(user, pool_id)
    if refused is not None:
        return refused
    try:
        override = parse_override(body.get("override"), default_assessor().packs)
    except OverrideError as error:
        return JSONResponse(
            {
                "detail": [{"loc": ["body", "override"], "msg": str(error), "type": "value_error"}],
                "errors": [{"field": "override", "message": error.message}],
            },
            status_code=422,
        )
    report = pool_impact(pool_id, override)
    return _workbook_response(report, pool_id) if format == "xlsx" else report


# --- the page ----------------------------------------------------------------------------------------


def _packs_today() -> list[RulePack]:
    packs = default_assessor().packs
    today = dt.date.today()
    chosen = []
    for family in dict.fromkeys(pack.family for pack in packs):
        try:
            chosen.append(pack_in_force(packs, family, today))
        except NoPackInForce:
            continue
    return chosen


def _text(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return "" if value is None else str(value)


def _parameter_sections() -> list[dict[str, Any]]:
    today = dt.date.today()
    sections = []
    for pack in _packs_today():
        values = pack.parameter_values(today)
        rows = [
            {
                "path": f"{pack.id}.{name}",
                "description": parameter.description.as_dict(),
                "unit": parameter.unit,
                "value": _text(values.get(name)),
            }
            for name, parameter in pack.parameters.items()
        ]
        sections.append({"id": pack.id, "title": pack.header.title.as_dict(), "parameters": rows})
    return sections


def _typed(text: str) -> Any:
    """A value as the officer typed it: a number, a date (YYYY-MM-DD) or text."""
    try:
        number = float(text)
    except ValueError:
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            return text
    return int(number) if number.is_integer() and "." not in text else number


async def _edited(request: Request, sections: list[dict[str, Any]]) -> dict[str, Any]:
    """The parameters whose submitted value differs from the one in force."""
    form = await request.form()
    edited = {}
    for section in sections:
        for parameter in section["parameters"]:
            submitted = form.get(f"p:{parameter['path']}")
            if isinstance(submitted, str) and submitted.strip() and submitted.strip() != parameter["value"]:
                parameter["value"] = submitted.strip()
                edited[parameter["path"]] = _typed(submitted.strip())
    return edited


def _page(request: Request, user: User, pool: Any, sections: list[dict[str, Any]], **extra: Any) -> Response:
    context = {"user": user, "pool": pool, "sections": sections, "shown": SHOWN_CHANGES, **extra}
    return render(request, "pools/impact.html", context, status_code=extra.pop("status_code", 200))


def _page_refusal(request: Request, user: User, pool_id: int) -> tuple[Any, Response | None]:
    from api.routers.pools import _not_found_page

    pool = get_pool(user, pool_id)
    if pool is None:
        return None, _not_found_page(
            request, {"zh": "未找到该培育库，或无权查看。", "en": "No such pool, or not yours to see."}
        )
    if user.role != "bureau":
        return pool, render(request, "error.html", {"message": BUREAU_ONLY, "status": 403}, status_code=403)
    return pool, None


@pages.get("/pools/{pool_id}/impact")
def impact_page(request: Request, pool_id: int, user: CurrentUser) -> Response:
    pool, refused = _page_refusal(request, user, pool_id)
    if refused is not None:
        return refused
    return _page(request, user, pool, _parameter_sections())


@pages.post("/pools/{pool_id}/impact")
async def impact_page_run(request: Request, pool_id: int, user: CurrentUser) -> Response:
    pool, refused = _page_refusal(request, user, pool_id)
    if refused is not None:
        return refused
    sections = _parameter_sections()
    edited = await _edited(request, sections)
    form = await request.form()
    try:
        if not edited:
            raise OverrideError("没有修改任何参数。", "No parameter was changed.")
        override = parse_override(edited, default_assessor().packs)
    except OverrideError as error:
        return _page(request, user, pool, sections, error=error.message, status_code=422)
    from starlette.concurrency import run_in_threadpool

    report = await run_in_threadpool(pool_impact, pool_id, override)
    if form.get("format") == "xlsx":
        return _workbook_response(report, pool_id)
    return _page(request, user, pool, sections, report=report, edited=edited)
