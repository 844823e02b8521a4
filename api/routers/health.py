"""GET /healthz — the process is up and has its rules."""

from fastapi import APIRouter

from api.dependencies import current_rules_version

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="Liveness / 健康检查")
@router.head("/healthz", include_in_schema=False)  # for monitors that only ask HEAD
async def healthz() -> dict[str, str]:
    return {"status": "ok", "rules_version": current_rules_version()}
