"""One router per resource. Add a router here to have `create_app()` include it."""

from fastapi import APIRouter

from api.routers import assessments, batches, docs, health, impact, pools, rulepacks, selfcheck

ROUTERS: list[APIRouter] = [
    health.router,
    assessments.router,
    rulepacks.router,
    rulepacks.pages,
    docs.router,
    selfcheck.router,
    batches.router,
    impact.router,
    impact.pages,
    pools.router,
    pools.pages,
]
