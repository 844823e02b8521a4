"""One router per resource. Add a router here to have `create_app()` include it."""

from fastapi import APIRouter

from api.routers import (
    assessments,
    batches,
    docs,
    health,
    impact,
    plan_pages,
    plans,
    pools,
    rulepacks,
    selfcheck,
)

ROUTERS: list[APIRouter] = [
    health.router,
    plans.router,  # before assessments: /v1/assessments/what-if
    assessments.router,
    rulepacks.router,
    rulepacks.pages,
    docs.router,
    selfcheck.router,
    plan_pages.router,
    plan_pages.pool_api,  # before pools: /v1/pools/{id}/plan
    plan_pages.pool_pages,
    batches.router,
    impact.router,
    impact.pages,
    pools.router,
    pools.pages,
]
