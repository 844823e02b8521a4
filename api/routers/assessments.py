"""POST /v1/assessments — the contract's profile in, the assessment out."""

from typing import Any

import orjson
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from starlette.concurrency import run_in_threadpool

from api.engine_service import EngineService
from api.errors import field_errors_body
from api.openapi import profile_request_body
from api.schemas import Assessment, InvalidProfile, Refusal
from engine import NoPackInForce, ProfileInvalid, validate_profile
from engine.detail import LADDER, UnknownDetail, parse_detail, with_detail

router = APIRouter(prefix="/v1", tags=["assessments"])

NOT_JSON = {
    "zh": "请求内容须为 JSON（Content-Type: application/json）。",
    "en": "The request body must be JSON (Content-Type: application/json).",
}


def is_json_type(content_type: str | None) -> bool:
    """application/json or any application/…+json, with parameters (charset) or not. No Content-Type at
    all is read as JSON: simple clients omit it, and the body is parsed strictly either way."""
    if content_type is None:
        return True
    media = content_type.split(";", 1)[0].strip().lower()
    return media == "application/json" or (media.startswith("application/") and media.endswith("+json"))


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
        "By default `ladder` places the firm: `highest_tier`, each tier's status (`summary`) and the next "
        "tier by `id`, `status` and `route`. `?detail=ladder` gives the whole ladder (docs/ladder.md): every "
        "tier's title, criteria, routes and score, what the next tier lacks (`failing`), pools and monitoring."
    ),
    response_model=None,
    responses={
        200: {"model": Assessment, "description": "The assessment (contract v1)"},
        413: {"model": Refusal, "description": "Body larger than the limit (HNTE_MAX_BODY_BYTES, 1 MB by default)"},
        415: {"model": Refusal, "description": "The body is not JSON (a Content-Type other than application/json)"},
        422: {
            "model": InvalidProfile,
            "description": "Invalid profile: the field errors in Chinese and English — the first "
            "HNTE_MAX_REPORTED_ERRORS (100) of them, and `error_count`, the number in all",
        },
    },
    openapi_extra=profile_request_body(),
)
async def create_assessment(request: Request) -> Response:
    # No dependencies: this is the hot path (see create_app), and the engine is the app's.
    engine: EngineService = request.app.state.engine
    settings = request.app.state.settings
    if not is_json_type(request.headers.get("content-type")):
        return JSONResponse({"detail": NOT_JSON["en"], "message": NOT_JSON}, status_code=415)
    try:
        detail = parse_detail(request.query_params.get("detail"))
    except UnknownDetail as unknown:
        return JSONResponse(field_errors_body([{"field": "detail", "message": unknown.message}]), status_code=422)
    body = await request.body()
    try:
        if len(body) > settings.validate_in_thread_bytes:
            profile = await run_in_threadpool(validate_profile, body)
        else:
            profile = validate_profile(body)
    except ProfileInvalid as invalid:
        return JSONResponse(field_errors_body(invalid.errors, settings.max_reported_errors), status_code=422)
    try:
        # the ladder's criteria entries are built only when asked for (engine/detail.py)
        assessment = await engine.assess(profile, ladder_detail=LADDER in detail)
    except NoPackInForce as missing:
        return no_pack_response(missing)
    return assessment_response(assessment, detail)
