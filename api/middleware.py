"""ASGI middleware: the request body limit, security headers, and ``X-Rules-Version`` on every response.

Written as plain ASGI (not BaseHTTPMiddleware) so that they cost little per request and never buffer
a response body.
"""

import json
from collections.abc import Callable

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

# HTML pages run only our own scripts and styles; forms post only to us; no one may frame us.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)
# Swagger UI sets inline styles from its scripts; everything still comes from us.
DOCS_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")


class BodyTooLarge(Exception):
    pass


def _too_large_body(limit: int) -> bytes:
    megabytes = limit / 1_000_000
    return json.dumps(
        {
            "detail": f"Request body larger than {megabytes:g} MB",
            "message": {
                "zh": f"请求内容超过 {megabytes:g} MB 的上限。",
                "en": f"The request body exceeds the {megabytes:g} MB limit.",
            },
        },
        ensure_ascii=False,
    ).encode()


# Paths whose bodies may be larger than the service-wide limit (file uploads): path prefix → bytes.
LARGER_BODY_LIMITS: dict[str, int] = {}


def allow_larger_bodies(path_prefix: str, limit: int) -> None:
    """An upload endpoint raises the body limit for its own paths (and only those)."""
    LARGER_BODY_LIMITS[path_prefix] = limit


class BodySizeLimit:
    """Refuses a request whose body exceeds `limit` bytes with 413, by Content-Length or as it streams."""

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        limit = next((size for prefix, size in LARGER_BODY_LIMITS.items() if path.startswith(prefix)), self.limit)
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = 0
                if declared > limit:
                    await self._refuse(send, limit)
                    return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLarge:
            if not started:
                await self._refuse(send, limit)

    async def _refuse(self, send: Send, limit: int) -> None:
        body = _too_large_body(limit)
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json; charset=utf-8"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


# Stored pools are confidential: no browser or proxy cache keeps their pages, their API answers, the batch
# jobs or their result workbooks (Cache-Control: no-store on every path below).
NO_STORE_PREFIXES = ("/pools", "/v1/pools", "/v1/batches", "/v1/firms")


class ResponseHeaders:
    """Adds the security headers (CSP on HTML), `Cache-Control: no-store` on stored data, and
    `X-Rules-Version` when the endpoint did not set it."""

    def __init__(self, app: ASGIApp, rules_version: Callable[[], str]) -> None:
        self.app = app
        self.rules_version = rules_version

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        private = path.startswith(NO_STORE_PREFIXES)

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if "x-rules-version" not in headers:
                    headers["X-Rules-Version"] = self.rules_version()
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("Referrer-Policy", "same-origin")
                if private:
                    headers["Cache-Control"] = "no-store"
                if headers.get("content-type", "").startswith("text/html"):
                    policy = DOCS_CONTENT_SECURITY_POLICY if path.startswith("/docs") else CONTENT_SECURITY_POLICY
                    headers.setdefault("Content-Security-Policy", policy)
                    headers.setdefault("X-Frame-Options", "DENY")
                    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
            await send(message)

        await self.app(scope, receive, send_with_headers)
