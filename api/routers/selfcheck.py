"""The online self-check: the form (/), the report (POST /report), editing saved answers (POST /edit) and
saving them (POST /profile.json). Nothing a firm enters is stored on the server: the answers travel
with the page (a hidden field) and in the file the firm saves.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile

from api import ladder_view  # noqa: F401 — adds the cultivation ladder to the report
from api.dependencies import EngineDep
from api.errors import capped_field_errors
from api.report_view import report_context
from api.selfcheck_form import (
    CHOICES,
    COMPANY_FIELDS,
    DOMAINS,
    GRADES,
    INCIDENT_KINDS,
    IP_FIELDS,
    LADDER_FIELDS,
    LADDER_SECTIONS,
    LADDER_YEAR_FIELDS,
    PROJECTION_FIELDS,
    RD_MANAGEMENT_FIELDS,
    YEAR_FIELDS,
    Converted,
    FormState,
    blank_form,
    errors_by_input,
    form_from_fields,
    form_from_profile,
    input_label,
    profile_from_form,
    profile_to_json,
)
from api.templating import render, request_lang
from engine import NoPackInForce, ProfileInvalid, validate_profile
from engine.validation import parse_json

router = APIRouter(include_in_schema=False)

# The year figures the form asks for in the latest assessed year (their hints say 最近一年必填): blank, the
# criteria built on them can only be unknown, so the form warns before sending (static/selfcheck.js).
LATEST_YEAR_REQUIRED = frozenset({"total_revenue", "staff_total"})

UNREADABLE = {
    "zh": "无法读取该文件：请选择本工具保存的 JSON 文件（UTF-8 编码）。",
    "en": "Cannot read that file: choose a JSON file saved by this tool (UTF-8).",
}
NOT_A_PROFILE = {
    "zh": "该文件不是企业档案：最外层应为 JSON 对象。",
    "en": "That file is not a company profile: its top level must be a JSON object.",
}


def form_page(
    request: Request, form: FormState, lang: str, status_code: int = 200, load_error: dict[str, str] | None = None
) -> HTMLResponse:
    context = {
        "form": form,
        "company_fields": COMPANY_FIELDS,
        "year_fields": YEAR_FIELDS,
        "ip_fields": IP_FIELDS,
        "rd_fields": RD_MANAGEMENT_FIELDS,
        "domains": DOMAINS,
        "grades": GRADES,
        "incident_kinds": INCIDENT_KINDS,
        "ladder_fields": LADDER_FIELDS,
        "ladder_sections": LADDER_SECTIONS,
        "ladder_year_fields": LADDER_YEAR_FIELDS,
        "projection_fields": PROJECTION_FIELDS,
        "choices": CHOICES,
        "load_error": load_error,
        "input_label": input_label,
        "latest_year_required": LATEST_YEAR_REQUIRED,
    }
    response = render(request, "selfcheck/form.html", context, status_code=status_code, lang=lang)
    # The form may hold a firm's answers (loaded, or sent back with errors): keep it out of caches.
    response.headers["Cache-Control"] = "no-store"
    return response


def _text_fields(form: FormData) -> dict[str, str]:
    return {key: value for key, value in form.items() if isinstance(value, str)}


def _profile_json(text: str) -> dict[str, Any] | None:
    try:
        data = parse_json(text)  # hostile JSON (deep nesting, 5,000-digit numbers) is refused, never a 500
    except ProfileInvalid:
        return None
    return data if isinstance(data, dict) else None


@dataclass
class Answers:
    """The profile a request carries: the hidden JSON of a report page, or the form's inputs."""

    profile: dict[str, Any] | None
    converted: Converted | None = None
    typed: dict[str, str] | None = None


def _answers(form: FormData) -> Answers:
    carried = form.get("profile_json")
    if isinstance(carried, str) and carried.strip():
        return Answers(_profile_json(carried))
    typed = _text_fields(form)
    converted = profile_from_form(typed)
    return Answers(converted.profile, converted, typed)


@router.api_route("/", methods=["GET", "HEAD"], response_class=HTMLResponse)
async def self_check(request: Request) -> HTMLResponse:
    return form_page(request, blank_form(), request_lang(request))


@router.post("/report", response_class=HTMLResponse)
async def report(request: Request, engine: EngineDep) -> HTMLResponse:
    form = await request.form()
    lang_field = form.get("lang")
    lang = request_lang(request, lang_field if isinstance(lang_field, str) else None)
    answers = _answers(form)
    profile_data = answers.profile
    if profile_data is None:
        return form_page(request, blank_form(), lang, 422, load_error=NOT_A_PROFILE)
    try:
        # off the event loop: a carried profile of thousands of list entries takes seconds to validate
        profile = await run_in_threadpool(validate_profile, profile_data)
        # the report shows every tier's criteria and what the next tier lacks: the ladder's detail
        assessment = await engine.assess(profile, ladder_detail=True)
    except ProfileInvalid as invalid:
        return _form_with_errors(request, profile_data, answers.converted, answers.typed, invalid.errors, lang)
    except NoPackInForce as missing:
        errors = [{"field": "application_date", "message": missing.message}]
        return _form_with_errors(request, profile_data, answers.converted, answers.typed, errors, lang)
    pack = next((p for p in engine.assessor.packs if p.version == assessment["rules_version"]), None)
    context = {
        **report_context(assessment, profile, pack),
        "profile_json": profile_to_json(profile_data),
        "generated_on": dt.date.today().isoformat(),
    }
    response = render(request, "selfcheck/result.html", context, lang=lang)
    response.headers["X-Rules-Version"] = assessment["rules_version"]
    # The report holds the firm's figures: keep it out of shared caches.
    response.headers["Cache-Control"] = "no-store"
    return response


def _form_with_errors(
    request: Request,
    profile_data: dict[str, Any],
    converted: Converted | None,
    typed: dict[str, str] | None,
    errors: list[dict[str, Any]],
    lang: str,
) -> HTMLResponse:
    # Show exactly what was typed, in the columns and rows it was typed in (or the carried answers).
    state = form_from_fields(typed) if typed is not None else form_from_profile(profile_data)
    state.errors = errors_by_input(
        capped_field_errors(errors, request.app.state.settings.max_reported_errors), converted
    )
    return form_page(request, state, lang, 422)


@router.post("/edit", response_class=HTMLResponse)
async def edit(request: Request) -> HTMLResponse:
    """The form filled with saved answers: from the report page, or from a file the firm uploads."""
    form = await request.form()
    lang_field = form.get("lang")
    lang = request_lang(request, lang_field if isinstance(lang_field, str) else None)
    upload = form.get("profile_file")
    if isinstance(upload, UploadFile):
        raw = await upload.read()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            return form_page(request, blank_form(), lang, 422, load_error=UNREADABLE)
        data = _profile_json(text)
        if data is None:
            return form_page(request, blank_form(), lang, 422, load_error=UNREADABLE)
    else:
        carried = form.get("profile_json")
        data = _profile_json(carried) if isinstance(carried, str) else None
        if data is None:
            return form_page(request, blank_form(), lang, 422, load_error=NOT_A_PROFILE)
    return form_page(request, form_from_profile(data), lang)


@router.post("/profile.json")
async def save_answers(request: Request) -> Response:
    """The answers as a contract profile file, downloaded by the browser; nothing is kept here."""
    form = await request.form()
    profile_data = _answers(form).profile or {}
    stamp = dt.date.today().strftime("%Y%m%d")
    return Response(
        profile_to_json(profile_data).encode(),
        media_type="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="hnte-profile-{stamp}.json"',
            "Cache-Control": "no-store",
        },
    )
