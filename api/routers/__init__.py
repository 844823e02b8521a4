"""One router per resource. Add a router here to have `create_app()` include it."""

from fastapi import APIRouter

from api.routers import assessments, docs, health, rulepacks, selfcheck

ROUTERS: list[APIRouter] = [
    health.router,
    assessments.router,
    rulepacks.router,
    rulepacks.pages,
    docs.router,
    selfcheck.router,
]
