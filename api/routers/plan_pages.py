"""The report's what-if page: POST /report/what-if with the report's answers and a few edited figures →
both assessments side by side (a plain form POST: the CSP allows no inline script)."""

from decimal import Decimal, InvalidOperation
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from api import plan_view as _report_section  # noqa: F401 — adds the 申报规划 section to the report
from api.plan_pool import plan_view
from api.pool_access import CurrentUser, StoredDataRoute, not_found
from api.schemas import INVALID_QUERY_422, REFUSED_401, REFUSED_404
from api.templating import render, request_lang
from engine import NoPackInForce, ProfileInvalid
from engine.plan.whatif import what_if
from engine.validation import parse_json
from storage.pools import PoolFilter, get_pool, iter_firms

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
        data = parse_json(carried) if isinstance(carried, str) else None  # hostile JSON is refused, never a 500
    except ProfileInvalid:
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


# --- the pool view's plan block: next-round candidates and the forecast by town -------------------------
# the refusals every stored-data operation may answer with, documented as the pools router documents them
pool_api = APIRouter(
    prefix="/v1", tags=["pools"], route_class=StoredDataRoute, responses={**REFUSED_401, **INVALID_QUERY_422}
)
pool_pages = APIRouter(include_in_schema=False, route_class=StoredDataRoute)


@pool_api.get("/pools/{pool_id}/plan", responses=REFUSED_404,
              summary="Next-round candidates by plan cost, and the forecast by town / 下一批次候选与区镇预测")
def get_pool_plan(pool_id: int, user: CurrentUser) -> Any:
    if get_pool(user, pool_id) is None:
        return not_found()
    return plan_view(iter_firms(pool_id, PoolFilter()))


@pool_pages.get("/pools/{pool_id}/plan")
def pool_plan_page(request: Request, pool_id: int, user: CurrentUser) -> Response:
    pool = get_pool(user, pool_id)
    if pool is None:
        message = {"zh": "未找到该培育库，或无权查看。", "en": "No such pool, or not yours to see."}
        return render(request, "error.html", {"status": 404, "message": message}, status_code=404)
    view = plan_view(iter_firms(pool_id, PoolFilter()))
    return render(request, "pools/plan.html", {"user": user, "pool": pool, "view": view})
