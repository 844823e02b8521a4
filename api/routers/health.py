"""GET /healthz — the process is up and has its rules."""

from fastapi import APIRouter

from api.dependencies import current_rules_version

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="Liveness / 健康检查")
async def healthz() -> dict[str, str]:
    return {"status": "ok", "rules_version": current_rules_version()}
