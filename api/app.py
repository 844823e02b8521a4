"""The application factory: ``create_app()`` wires settings, the engine service, middleware and routers.

uvicorn runs it as a factory (``uvicorn api.app:create_app --factory``), so each worker process builds
its own app and its own engine.
"""

import asyncio
import gc
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool

import batch.run as batch_run
from api.dependencies import current_rules_version
from api.engine_service import EngineService
from api.errors import install_error_handlers
from api.gc_policy import collect_when_idle, defer_full_collections, restore_full_collections
from api.middleware import BodySizeLimit, ResponseHeaders
from api.openapi import install_openapi
from api.routers import ROUTERS, assessments, batches
from api.routers.batches import JOBS
from api.settings import Settings, get_settings
from api.templating import STATIC_DIR

DESCRIPTION = """高新技术企业申报预诊断 API · HNTE pre-diagnosis API.

`POST /v1/assessments` takes a company profile (assessment contract v1) and returns the assessment:
the verdict, each criterion of Art. 11 of the *Measures* with its citation, the innovation score range,
and every shortfall with a remedy in Chinese and English. Every response carries `X-Rules-Version`.
"""


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    engine = EngineService(max_batch=settings.engine_max_batch)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Load the rule packs now (a broken pack stops the start, loudly) and compile today's rulesets, so
        # that the first firm does not wait for them.
        await engine.warm_up()
        # what a killed server left behind: jobs still "running", their uploads and partial results
        await run_in_threadpool(batches.clean_leftovers)
        # What exists now (rules, schemas, templates) lives as long as the process: keep it out of the
        # garbage collector's full passes, which otherwise show up as latency spikes under load.
        gc.freeze()
        # the full passes of the cyclic collector when the worker is idle (api/gc_policy.py)
        defer_full_collections()
        collector = asyncio.create_task(collect_when_idle(engine.idle))
        yield
        collector.cancel()
        restore_full_collections()
        # Stopping (SIGTERM, Ctrl-C): a running batch job ends now, with its scoring processes, and cleans up
        # before the process exits (uvicorn then re-raises the signal); queued jobs fail at once.
        batch_run.STOPPING.set()
        try:
            await asyncio.to_thread(lambda: JOBS.submit(lambda: None).result(timeout=60))
        finally:
            batch_run.STOPPING.clear()  # only while stopping: another app of this process (tests) scores again

    app = FastAPI(
        title="高新技术企业申报预诊断 · HNTE pre-diagnosis",
        version="1",
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,  # served by api.routers.docs from the bundled Swagger UI (offline, CSP-clean)
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.engine = engine

    install_error_handlers(app)
    # The hot path goes on the app itself, first: FastAPI (0.16x) resolves every included router on every
    # request, which measured 0.4 of 1.6 ms of CPU per assessment (make bench). The routes are complete
    # as the router built them (prefix, tags, responses); they take no dependencies.
    app.router.routes.extend(assessments.router.routes)
    for router in ROUTERS:
        if router is not assessments.router:
            app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    install_openapi(app)

    # Added last = outermost: the headers go on every response, the 413 of the size limit included.
    if settings.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.cors_origins,
            allow_methods=["GET", "POST"],
            allow_headers=["Content-Type", "Authorization"],
            expose_headers=["X-Rules-Version"],
        )
    app.add_middleware(BodySizeLimit, limit=settings.max_body_bytes)
    app.add_middleware(ResponseHeaders, rules_version=current_rules_version)
    return app
