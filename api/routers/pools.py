"""Stored pools: the API (GET /v1/pools…) and the bureau's triage pages (/pools…).

A pool view ranks firms by readiness with filters (verdict, town, failing criterion, borderline), lists
the borderline firms, counts firms by town and verdict, charts the most frequent shortfalls, and
exports the filtered view to Excel; a firm page shows its assessments across seasons. Every one of
these needs a token (see api.pool_access); the template download does not, it holds no data.
"""

import math
import tempfile
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi import Path as PathParam
from fastapi.responses import FileResponse, RedirectResponse
from starlette.background import BackgroundTask
from starlette.responses import Response

from api.download_names import content_disposition, safe_stem
from api.ladder_view import tier_titles
from api.pool_access import SESSION_COOKIE, CurrentUser, StoredDataRoute, not_found
from api.routers.batches import XLSX_TYPE, UploadRefused, accept_upload, job_view
from api.schemas import INVALID_QUERY_422, REFUSED_401, REFUSED_404, PoolSummary
from api.templating import NavLink, add_nav_link, render
from api.triage_view import (
    FACET_FILTERS,
    PAGE_SIZE,
    chart_bars,
    coaching,
    coaching_reasons,
    criteria_met,
    criterion_titles,
    error_lines,
    export_workbook,
    filter_from,
    firm_row,
    verdict_labels,
)
from storage.jobs import get_job
from storage.pools import (
    PoolFilter,
    firm_history,
    get_pool,
    pool_counts,
    pool_errors,
    pool_towns,
    ranked_firms,
    visible_pools,
)
from storage.users import end_session, start_session, user_for_token

router = APIRouter(
    prefix="/v1", tags=["pools"], route_class=StoredDataRoute, responses={**REFUSED_401, **INVALID_QUERY_422}
)
pages = APIRouter(include_in_schema=False, route_class=StoredDataRoute)
add_nav_link(NavLink("/pools", "培育库", "Pools"))

Verdict = Annotated[str | None, Query(max_length=20)]
Town = Annotated[str | None, Query(max_length=200)]
Failing = Annotated[str | None, Query(max_length=60)]
Tier = Annotated[str | None, Query(max_length=60)]  # a ladder tier id, or "none"
# Any integer: an id of nothing (0, negative, beyond the id columns) is a 404 like a pool that is not yours.
PoolId = Annotated[int, PathParam(examples=[1])]
FirmId = Annotated[int, PathParam(examples=[1])]


# --- API -------------------------------------------------------------------------------------------


def pool_summary(pool: Any) -> dict[str, Any]:
    return {
        "id": pool.id,
        "name": pool.name,
        "owner": pool.owner.name,
        "source_name": pool.source_name,
        "status": pool.status,
        "rows": pool.rows,
        "assessed": pool.assessed,
        "invalid": pool.invalid,
        "empty_rows": pool.empty_rows,
        "created_at": pool.created_at.isoformat(),
    }


@router.get("/pools", summary="The pools this token may see / 可查看的培育库", response_model=list[PoolSummary])
def list_pools(user: CurrentUser) -> list[dict[str, Any]]:
    return [pool_summary(pool) for pool in visible_pools(user)]


@router.get(
    "/pools/{pool_id}",
    summary="A pool with its counts by verdict, town and shortfall / 培育库概况",
    responses=REFUSED_404,
)
def get_pool_api(pool_id: PoolId, user: CurrentUser) -> Any:
    pool = get_pool(user, pool_id)
    if pool is None:
        return not_found()
    counts = pool_counts(pool_id, PoolFilter())
    return {**pool_summary(pool), "counts": counts.__dict__}


@router.get(
    "/pools/{pool_id}/firms",
    summary="The pool's firms ranked by readiness, filtered / 按准备度排序的企业",
    responses=REFUSED_404,
)
def get_pool_firms(
    pool_id: PoolId,
    user: CurrentUser,
    verdict: Verdict = None,
    town: Town = None,
    failing: Failing = None,
    borderline: bool = False,
    tier: Tier = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = PAGE_SIZE,
    offset: Annotated[int, Query(ge=0, le=1_000_000_000)] = 0,
) -> Any:
    if get_pool(user, pool_id) is None:
        return not_found()
    chosen = filter_from(verdict, town, failing, borderline, tier)
    total, firms = ranked_firms(pool_id, chosen, limit=limit, offset=offset)
    return {"total": total, "firms": [firm_row(f) for f in firms]}


@router.get(
    "/firms/{firm_id}/history",
    summary="A firm's assessments across seasons (only those of pools this token may see) / 企业历次评估",
    responses=REFUSED_404,
)
def get_firm_history(firm_id: FirmId, user: CurrentUser) -> Any:
    firm, history = firm_history(user, firm_id)
    if firm is None:
        return not_found()
    return {
        "firm": {"id": firm.id, "name": firm.name, "credit_code": firm.credit_code},
        "assessments": [
            {**firm_row(h.assessment), "pool": h.pool_name, "assessed_at": h.assessment.assessed_at.isoformat()}
            for h in history
        ],
    }


# --- pages -----------------------------------------------------------------------------------------


def login_page(request: Request, status_code: int = 200, failed: bool = False) -> Response:
    return render(request, "pools/login.html", {"failed": failed, "next": request.url.path}, status_code=status_code)


@pages.get("/pools/login")
def login_form(request: Request) -> Response:
    return login_page(request)


@pages.post("/pools/login")
def login(
    request: Request, token: Annotated[str, Form(max_length=200)], next: Annotated[str, Form(max_length=500)] = "/pools"
) -> Response:
    user = user_for_token(token.strip())
    if user is None:
        return login_page(request, status_code=401, failed=True)
    # the browser gets a session of its own, never the long-lived API token (storage.users)
    session_id, expires = start_session(user)
    target = next if next.startswith("/pools") and "//" not in next and "\\" not in next else "/pools"
    response = RedirectResponse(target if target != "/pools/login" else "/pools", status_code=303)
    response.delete_cookie("hnte_token")  # the raw API token that older versions kept in the browser
    response.set_cookie(
        SESSION_COOKIE,
        session_id,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        expires=expires,
        path="/",
    )
    return response


@pages.post("/pools/logout")
def logout(request: Request) -> Response:
    end_session(request.cookies.get(SESSION_COOKIE))  # ended on the server: a copied cookie stops working too
    response = RedirectResponse("/pools/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


@pages.get("/pools/template.xlsx")
def template_download() -> Response:
    from batch.template import write_template

    folder = Path(tempfile.mkdtemp(prefix="hnte-template-"))
    path = folder / "pool.xlsx"
    write_template(path)
    return FileResponse(
        path, media_type=XLSX_TYPE, filename="hnte-pool-template.xlsx", background=BackgroundTask(_remove, folder)
    )


def _not_found_page(request: Request, message: dict[str, str]) -> Response:
    """A 404 page: the same answer whether the thing is missing or belongs to someone else."""
    return render(request, "error.html", {"status": 404, "message": message}, status_code=404)


def _remove(folder: Path) -> None:
    for child in folder.iterdir():
        child.unlink(missing_ok=True)
    folder.rmdir()


@pages.get("/pools")
def pools_page(request: Request, user: CurrentUser) -> Response:
    return render(request, "pools/index.html", {"user": user, "pools": visible_pools(user)})


@pages.post("/pools/upload")
def upload_page(
    request: Request,
    user: CurrentUser,
    file: Annotated[UploadFile, File()],
    name: Annotated[str | None, Form(max_length=200)] = None,
) -> Response:
    try:
        accepted = accept_upload(user, file, name)
    except UploadRefused as refused:
        context = {"user": user, "pools": visible_pools(user), "refused": refused.message}
        return render(request, "pools/index.html", context, status_code=refused.status)
    return RedirectResponse(f"/pools/jobs/{accepted['id']}", status_code=303)


@pages.get("/pools/jobs/{job_id}")
def job_page(request: Request, job_id: str, user: CurrentUser) -> Response:
    job = get_job(user, job_id)
    if job is None:
        return _not_found_page(request, {"zh": "未找到该任务。", "en": "No such job."})
    return render(request, "pools/job.html", {"user": user, "job": job_view(job)})


def _query(**params: Any) -> str:
    return urlencode({k: v for k, v in params.items() if v not in (None, "", False)})


@pages.get("/pools/{pool_id}")
def pool_page(
    request: Request,
    pool_id: int,
    user: CurrentUser,
    verdict: Verdict = None,
    town: Town = None,
    failing: Failing = None,
    borderline: bool = False,
    page: Annotated[int, Query(ge=1, le=100_000)] = 1,
    tier: Tier = None,
) -> Response:
    pool = get_pool(user, pool_id)
    if pool is None:
        return _not_found_page(
            request, {"zh": "未找到该培育库，或无权查看。", "en": "No such pool, or not yours to see."}
        )
    chosen = filter_from(verdict, town, failing, borderline, tier)
    total, firms = ranked_firms(pool_id, chosen, limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    edge_filter = filter_from(verdict, town, failing, True, tier)
    edge_total, edge = ranked_firms(pool_id, edge_filter, limit=50)
    counts = pool_counts(pool_id, chosen, top=200)  # every shortfall: the chart merges and groups them
    params = {"verdict": verdict, "town": town, "failing": failing, "borderline": borderline, "tier": tier}
    context = {
        "user": user,
        "pool": pool,
        "firms": firms,
        "total": total,
        "page": page,
        "pages": max(1, math.ceil(total / PAGE_SIZE)),
        "edge": edge,
        "edge_total": edge_total,
        "counts": counts,
        "towns": pool_towns(pool_id),
        "verdicts": verdict_labels(),
        "criteria": criterion_titles(),
        "facet_filters": FACET_FILTERS,
        "tiers": tier_titles(),
        "tier_counts": {facet: dict(counts.facets.get(facet, [])) for facet in ("tier", "tier_met")},
        "chosen": params,
        "query": _query(**params),
        "page_query": lambda n: _query(**params, page=n),
        "filter_query": lambda **changes: _query(**{**params, **changes}),
        "bars": chart_bars(counts.facets.get("shortfall", []), counts.total),
        "errors": pool_errors(pool_id) if not any(params.values()) else [],
        "error_lines": error_lines,
        "coaching": coaching(),
        "coaching_reasons": coaching_reasons,
        "criteria_met": criteria_met,
    }
    return render(request, "pools/pool.html", context)


@pages.get("/pools/{pool_id}/export.xlsx")
def export_page(
    pool_id: int,
    user: CurrentUser,
    verdict: Verdict = None,
    town: Town = None,
    failing: Failing = None,
    borderline: bool = False,
    tier: Tier = None,
) -> Response:
    pool = get_pool(user, pool_id)
    if pool is None:
        return not_found()
    chosen = filter_from(verdict, town, failing, borderline, tier)
    folder = Path(tempfile.mkdtemp(prefix="hnte-export-"))
    path = export_workbook(pool, chosen, folder / "export.xlsx")
    stem = safe_stem(pool.name, f"hnte-pool-{pool.id}")
    if chosen != filter_from(None, None, None, False):  # a filtered view says so in its name
        stem += "（筛选 filtered）"
    headers = {"Content-Disposition": content_disposition(stem, ".xlsx", f"hnte-pool-{pool.id}")}
    return FileResponse(path, media_type=XLSX_TYPE, headers=headers, background=BackgroundTask(_remove, folder))


@pages.get("/pools/firms/{firm_id}")
def firm_page(request: Request, firm_id: int, user: CurrentUser) -> Response:
    firm, history = firm_history(user, firm_id)
    if firm is None:
        return _not_found_page(
            request, {"zh": "未找到该企业，或无权查看。", "en": "No such firm, or not yours to see."}
        )
    context = {
        "user": user,
        "firm": firm,
        "history": history,
        "criteria": criterion_titles(),
        "verdicts": verdict_labels(),
        "latest": history[-1].assessment,
        "criteria_met": criteria_met,
    }
    return render(request, "pools/firm.html", context)
