"""The web service: the HTTP API (``/v1``), the online self-check pages and the rule-pack pages.

``api.app.create_app()`` builds the FastAPI application; routers live in ``api.routers``; each process
has one ``api.engine_service.EngineService`` that owns the engine (durable-rules is not thread-safe).
"""
