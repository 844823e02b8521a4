"""POST /v1/plans (申报规划) and POST /v1/assessments/what-if (before/after a few changes).

Both run on the engine's event-loop thread, like every other call into durable-rules in the process.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

import orjson
from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response

from api.errors import field_errors_body
from api.routers.assessments import no_pack_response
from engine import NoPackInForce, ProfileInvalid, validate_profile
from engine.plan import Planner
from engine.plan.whatif import what_if
from engine.validation import parse_json

router = APIRouter(prefix="/v1", tags=["plans"])

PLAN_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": {
            "type": "object",
            "description": "{profile, as_of?, years?, dates?} — or the profile itself (contract v1, optional "
                           "`projections` of open years). docs/plan.md",
            "properties": {
                "profile": {"type": "object", "description": "the company profile (contract v1)"},
                "as_of": {"type": "string", "format": "date", "description": "planning date; default today (UTC+8)"},
                "years": {"type": "array", "items": {"type": "integer"}, "description": "round years to consider"},
                "dates": {"type": "array", "items": {"type": "string", "format": "date"},
                          "description": "explicit application dates instead of the rounds of rules/plan"},
            },
        }}},
    }
}
WHAT_IF_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": {
            "type": "object",
            "required": ["profile", "changes"],
            "properties": {
                "profile": {"type": "object", "description": "the company profile (contract v1)"},
                "changes": {"type": "array", "items": {
                    "type": "object", "required": ["path", "value"],
                    "properties": {"path": {"type": "string", "example": "years[2].rd_expense"}, "value": {}},
                }},
            },
        }}},
    }
}


def _error(field: str, zh: str, en: str) -> JSONResponse:
    return JSONResponse(field_errors_body([{"field": field, "message": {"zh": zh, "en": en}}]), status_code=422)


def _prefixed(invalid: ProfileInvalid, prefix: str) -> JSONResponse:
    errors = [{**e, "field": f"{prefix}{e['field']}"} for e in invalid.errors]
    return JSONResponse(field_errors_body(errors), status_code=422)


def _dates(values: Any, field: str) -> list[dt.date] | JSONResponse | None:
    if values is None:
        return None
    if not isinstance(values, list):
        return _error(field, "应为日期列表", "Must be a list of dates")
    try:
        return [dt.date.fromisoformat(v) for v in values]
    except (TypeError, ValueError):
        return _error(field, "日期格式应为 YYYY-MM-DD", "Dates must be YYYY-MM-DD")


def _json(value: Any) -> Response:
    body = orjson.dumps(value, default=lambda v: float(v) if isinstance(v, Decimal) else str(v))
    return Response(body, media_type="application/json")


@router.post("/plans", summary="Plan the application / 申报规划", response_model=None, openapi_extra=PLAN_BODY,
             responses={422: {"description": "Invalid profile or options, every field error in both languages"}})
async def create_plan(request: Request) -> Response:
    try:
        body = parse_json(await request.body())  # hostile JSON (deep nesting, huge numbers) is refused, never a 500
    except ProfileInvalid as invalid:
        return JSONResponse(field_errors_body(invalid.errors), status_code=422)
    if not isinstance(body, dict):
        return _error("(root)", "请求体应为 JSON 对象", "The body must be a JSON object")
    wrapped = "profile" in body and "company" not in body
    data, prefix = (body["profile"], "profile.") if wrapped else (body, "")
    options = body if wrapped else {}
    as_of = _dates([options["as_of"]] if options.get("as_of") is not None else None, "as_of")
    dates = _dates(options.get("dates"), "dates")
    for parsed in (as_of, dates):
        if isinstance(parsed, JSONResponse):
            return parsed
    years = options.get("years")
    if years is not None and (not isinstance(years, list) or not all(isinstance(y, int) and 1900 <= y <= 2200
                                                                      for y in years)):
        return _error("years", "应为年份列表", "Must be a list of years")
    try:
        profile = validate_profile(data)
    except ProfileInvalid as invalid:
        return _prefixed(invalid, prefix)
    planner = Planner(request.app.state.engine.assessor)
    try:
        plan = planner.plan(profile, as_of=as_of[0] if as_of else None, dates=dates, years=years)
    except NoPackInForce as missing:
        return no_pack_response(missing)
    response = _json(plan)
    if plan.get("rules_version"):
        response.headers["X-Rules-Version"] = plan["rules_version"]
    return response


@router.post("/assessments/what-if", summary="What if: before/after a few changes / 假如", response_model=None,
             openapi_extra=WHAT_IF_BODY,
             responses={422: {"description": "Invalid profile, path or changed value, in both languages"}})
async def create_what_if(request: Request) -> Response:
    try:
        body = parse_json(await request.body())  # hostile JSON (deep nesting, huge numbers) is refused, never a 500
    except ProfileInvalid as invalid:
        return JSONResponse(field_errors_body(invalid.errors), status_code=422)
    if not isinstance(body, dict) or not isinstance(body.get("profile"), dict):
        return _error("profile", "缺少企业档案", "The profile is required")
    changes = body.get("changes")
    if not isinstance(changes, list) or not all(isinstance(c, dict) for c in changes):
        return _error("changes", "应为 {path, value} 列表", "Must be a list of {path, value}")
    try:
        result = what_if(request.app.state.engine.assessor, body["profile"], changes)
    except ProfileInvalid as invalid:
        return JSONResponse(field_errors_body(invalid.errors), status_code=422)
    except NoPackInForce as missing:
        return no_pack_response(missing)
    response = _json(result)
    response.headers["X-Rules-Version"] = result["after"]["rules_version"]
    return response
