"""POST /v1/assessments — the contract's profile in, the assessment out."""

from typing import Any

import orjson
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from api.engine_service import EngineService
from api.errors import field_errors_body
from api.openapi import profile_request_body
from api.schemas import Assessment, InvalidProfile
from engine import NoPackInForce, ProfileInvalid, validate_profile
from engine.detail import UnknownDetail, parse_detail, with_detail

router = APIRouter(prefix="/v1", tags=["assessments"])


def assessment_response(assessment: dict[str, Any], detail: frozenset[str] = frozenset()) -> Response:
    """The contract's JSON; the ladder's criteria only with `detail` (engine/detail.py)."""
    body = orjson.dumps(with_detail(assessment, detail))
    return Response(body, media_type="application/json", headers={"X-Rules-Version": assessment["rules_version"]})


def no_pack_response(missing: NoPackInForce) -> JSONResponse:
    error = {"field": "application_date", "message": missing.message}
    return JSONResponse(field_errors_body([error]), status_code=422)


@router.post(
    "/assessments",
    summary="Assess a company profile / 评估一家企业",
    description=(
        "`?detail=ladder` adds every tier's criteria, routes and score to `ladder` (docs/ladder.md); "
        "by default the ladder gives each tier's status and what the next tier takes."
    ),
    response_model=None,
    responses={
        200: {"model": Assessment, "description": "The assessment (contract v1)"},
        413: {"description": "Body larger than the limit (1 MB by default)"},
        422: {"model": InvalidProfile, "description": "Invalid profile: every field error, in Chinese and English"},
    },
    openapi_extra=profile_request_body(),
)
async def create_assessment(request: Request) -> Response:
    # No dependencies: this is the hot path (see create_app), and the engine is the app's.
    engine: EngineService = request.app.state.engine
    try:
        detail = parse_detail(request.query_params.get("detail"))
    except UnknownDetail as unknown:
        return JSONResponse(field_errors_body([{"field": "detail", "message": unknown.message}]), status_code=422)
    body = await request.body()
    try:
        profile = validate_profile(body)
    except ProfileInvalid as invalid:
        return JSONResponse(field_errors_body(invalid.errors), status_code=422)
    try:
        assessment = await engine.assess(profile)
    except NoPackInForce as missing:
        return no_pack_response(missing)
    return assessment_response(assessment, detail)
