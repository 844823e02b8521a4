"""The rule packs as data (GET /v1/rulepacks…) and as pages a policy officer can read (/rulepacks…)."""

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from starlette.exceptions import HTTPException

from api.dependencies import AssessorDep
from api.rulepack_view import readable_pack
from api.schemas import Refusal, RulePackSummary
from api.templating import render
from engine import Assessor, RulePack

router = APIRouter(prefix="/v1", tags=["rule packs"])
pages = APIRouter(include_in_schema=False)

OnDate = Annotated[
    dt.date | None,
    Query(description="resolve dated parameters on this day (default: today) / 参数取值日期"),
]


def summary(pack: RulePack, today: dt.date) -> dict[str, Any]:
    header = pack.header
    return {
        "id": pack.id,
        "family": pack.family,
        "version": pack.version,
        "title": header.title.as_dict(),
        "effective_from": header.effective_from.isoformat(),
        "effective_until": header.effective_until.isoformat() if header.effective_until else None,
        "in_force_today": pack.covers(today),
    }


def find_pack(assessor: Assessor, pack_id: str) -> RulePack:
    for pack in assessor.packs:
        if pack.id == pack_id or pack.version == pack_id:
            return pack
    raise HTTPException(404)


@router.get(
    "/rulepacks", summary="The rule packs and their effective dates / 规则包列表", response_model=list[RulePackSummary]
)
async def list_rulepacks(assessor: AssessorDep) -> list[dict[str, Any]]:
    today = dt.date.today()
    return [summary(pack, today) for pack in assessor.packs]


@router.get(
    "/rulepacks/{pack_id}",
    summary="Every rule of a pack, with citations, thresholds, bands and messages / 规则包详情",
    responses={404: {"model": Refusal, "description": "No rule pack with this id or version"}},
)
async def get_rulepack(pack_id: str, assessor: AssessorDep, date: OnDate = None) -> dict[str, Any]:
    return find_pack(assessor, pack_id).describe(date)


@pages.get("/rulepacks", response_class=HTMLResponse)
async def rulepacks_page(request: Request, assessor: AssessorDep) -> HTMLResponse:
    today = dt.date.today()
    return render(request, "rulepacks/index.html", {"packs": [summary(pack, today) for pack in assessor.packs]})


@pages.get("/rulepacks/{pack_id}", response_class=HTMLResponse)
async def rulepack_page(request: Request, pack_id: str, assessor: AssessorDep, date: OnDate = None) -> HTMLResponse:
    pack = find_pack(assessor, pack_id)
    context = {"pack": readable_pack(pack.describe(date)), "on": (date or dt.date.today()).isoformat()}
    return render(request, "rulepacks/pack.html", context)
