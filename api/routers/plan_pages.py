"""The report's what-if page: POST /report/what-if with the report's answers and a few edited figures →
both assessments side by side (a plain form POST: the CSP allows no inline script)."""

import json
from decimal import Decimal, InvalidOperation
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api import plan_view  # noqa: F401 — adds the 申报规划 section to the report
from api.templating import render, request_lang
from engine import NoPackInForce, ProfileInvalid
from engine.plan.whatif import what_if

router = APIRouter(include_in_schema=False)

NOT_A_PROFILE = {"zh": "缺少企业档案，请从报告页提交。", "en": "No profile: submit from the report page."}


def _value(text: str) -> Any:
    text = text.strip()
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        return text  # validated with the profile: a wrong type is refused naming the field
    return int(number) if number == number.to_integral_value() and "." not in text else number


@router.post("/report/what-if", response_class=HTMLResponse)
async def what_if_page(request: Request) -> HTMLResponse:
    form = await request.form()
    lang_field = form.get("lang")
    lang = request_lang(request, lang_field if isinstance(lang_field, str) else None)
    carried = form.get("profile_json")
    try:
        data = json.loads(carried, parse_float=Decimal) if isinstance(carried, str) else None
    except json.JSONDecodeError:
        data = None
    if not isinstance(data, dict):
        return render(request, "error.html", {"message": NOT_A_PROFILE}, status_code=422, lang=lang)
    changes = [
        {"path": key.removeprefix("set:"), "value": _value(value)}
        for key, value in form.multi_items()
        if key.startswith("set:") and isinstance(value, str)
    ]
    try:
        result = what_if(request.app.state.engine.assessor, data, changes)
    except (ProfileInvalid, NoPackInForce) as error:
        errors = getattr(error, "errors", None) or [{"field": "application_date", "message": error.message}]
        return render(request, "selfcheck/whatif.html", {"errors": errors, "result": None}, 422, lang=lang)
    moved = [c for c in changes if _differs(data, c)]
    return render(request, "selfcheck/whatif.html", {"result": result, "moved": moved, "errors": []}, lang=lang)


def _differs(data: dict[str, Any], change: dict[str, Any]) -> bool:
    from engine.plan.whatif import apply_changes

    return apply_changes(data, [change]) != data
