"""Error responses: bilingual, with no stack trace or internal path, JSON for the API and HTML for pages."""

import logging
from typing import Any

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from api.dependencies import current_rules_version
from api.templating import render
from engine.validation import field_path

log = logging.getLogger(__name__)

STATUS_TEXT: dict[int, tuple[str, str]] = {
    400: ("请求无效。", "Bad request."),
    404: ("未找到该页面或资源。", "Not found."),
    405: ("不支持该请求方法。", "Method not allowed."),
    413: ("请求内容过大。", "The request body is too large."),
    415: ("不支持该内容类型。", "Unsupported media type."),
    422: ("输入无效。", "Invalid input."),
    500: ("服务器内部错误，请稍后再试。", "Internal server error; please try again later."),
}


def wants_html(request: Request) -> bool:
    if request.url.path.startswith(("/v1/", "/healthz", "/openapi.json")):
        return False
    return "text/html" in request.headers.get("accept", "")


def _message(status: int) -> dict[str, str]:
    zh, en = STATUS_TEXT.get(status, ("请求失败。", "The request failed."))
    return {"zh": zh, "en": en}


def error_response(request: Request, status: int, extra: dict[str, Any] | None = None) -> Response:
    message = _message(status)
    if wants_html(request):
        return render(request, "error.html", {"status": status, "message": message}, status_code=status)
    return JSONResponse({"detail": message["en"], "message": message, **(extra or {})}, status_code=status)


# The most field errors one response lists (HNTE_MAX_REPORTED_ERRORS): a hostile profile with 18,000 bad list
# entries would otherwise get a 9–11 MB answer that takes seconds to build. The count is always complete.
DEFAULT_MAX_REPORTED_ERRORS = 100


def capped_field_errors(errors: list[dict[str, Any]], limit: int) -> list[dict[str, Any]]:
    """The first `limit` errors, then one saying how many more there are (for pages that list them)."""
    if len(errors) <= limit:
        return errors
    more = len(errors) - limit
    note = {"zh": f"另有 {more:,} 处错误未列出。", "en": f"{more:,} more errors not listed."}
    return [*errors[:limit], {"field": "(root)", "message": note}]


def field_errors_body(errors: list[dict[str, Any]], limit: int = DEFAULT_MAX_REPORTED_ERRORS) -> dict[str, Any]:
    """The 422 body: FastAPI's `detail` shape for generic clients, the engine's bilingual `errors` (the first
    `limit` of them), and `error_count`, the number of errors in all; `message` says when some are left out."""
    shown = errors[: max(limit, 1)]
    detail = [
        {"loc": ["body", *_loc_parts(error["field"])], "msg": error["message"]["en"], "type": "value_error"}
        for error in shown
    ]
    body: dict[str, Any] = {"detail": detail, "errors": shown, "error_count": len(errors)}
    if len(shown) < len(errors):
        body["errors_truncated"] = True
        body["message"] = {
            "zh": f"共 {len(errors):,} 处错误，仅列出前 {len(shown):,} 处。",
            "en": f"{len(errors):,} errors; the first {len(shown):,} are listed.",
        }
    return body


def _loc_parts(path: str) -> list[str | int]:
    parts: list[str | int] = []
    if path == "(root)":
        return parts
    for chunk in path.replace("]", "").split("."):
        name, *indexes = chunk.split("[")
        if name:
            parts.append(name)
        parts.extend(int(index) for index in indexes if index.isdigit())
    return parts


async def _http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    response = error_response(request, error.status_code)
    if error.headers:
        response.headers.update(error.headers)
    return response


async def _validation_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, RequestValidationError)
    errors = []
    for item in error.errors():
        loc = tuple(part for part in item.get("loc", ()) if part not in ("body", "query", "path", "header"))
        errors.append(
            {
                "field": field_path(loc),
                "message": {"zh": f"取值无效：{item.get('msg', '')}", "en": f"Invalid value: {item.get('msg', '')}"},
            }
        )
    return JSONResponse(field_errors_body(errors, _reported_errors(request)), status_code=422)


def _reported_errors(request: Request) -> int:
    settings = getattr(request.app.state, "settings", None)
    return getattr(settings, "max_reported_errors", DEFAULT_MAX_REPORTED_ERRORS)


async def _unexpected(request: Request, error: Exception) -> Response:
    # Logged for the operator; the client learns only that it failed (no trace, no path).
    log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=error)
    response = error_response(request, 500)
    # This handler runs outside the other middleware, so it adds the header they would have added.
    try:
        response.headers["X-Rules-Version"] = current_rules_version()
    except Exception:  # the rules themselves may be what failed
        response.headers["X-Rules-Version"] = "unknown"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(Exception, _unexpected)
