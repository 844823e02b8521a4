"""Who may see stored data: every stored-data endpoint and page needs a user.

The API takes ``Authorization: Bearer <token>``. Pages take the session cookie that the login form sets:
a random session id of its own (storage.users.start_session), never the API token; it expires and
signing out ends it. Without a valid token or session an endpoint answers 401 (a page answers 401 with
the login form). Routers of stored data use ``StoredDataRoute``, which also refuses a state-changing
request (POST …) sent from another site: see ``same_origin``.
"""

from collections.abc import Callable, Coroutine
from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import Depends, Request
from fastapi.routing import APIRoute
from starlette.responses import JSONResponse, Response

from storage.models import User
from storage.users import user_for_session, user_for_token

SESSION_COOKIE = "hnte_session"
TOKEN_REQUIRED = {
    "zh": "需要有效的访问令牌：请在 Authorization: Bearer 头中提供（令牌由 hnte users add 创建）。",
    "en": "A valid access token is required: send it as Authorization: Bearer (tokens come from `hnte users add`).",
}
NOT_FOUND = {"zh": "未找到，或无权查看。", "en": "Not found, or not yours to see."}
FOREIGN_ORIGIN = {
    "zh": "拒绝来自其他网站的请求：请在本服务的页面上操作。",
    "en": "Refused: the request came from another site. Use this service's own pages.",
}
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


class TokenRequired(Exception):
    pass


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, credentials = header.partition(" ")
    if scheme.lower() == "bearer" and credentials.strip():
        return credentials.strip()
    return None


def optional_user(request: Request) -> User | None:
    token = bearer_token(request)
    if token is not None:
        return user_for_token(token)
    return user_for_session(request.cookies.get(SESSION_COOKIE))


def current_user(request: Request) -> User:
    user = optional_user(request)
    if user is None:
        raise TokenRequired
    return user


CurrentUser = Annotated[User, Depends(current_user)]


def not_found() -> JSONResponse:
    return JSONResponse({"detail": NOT_FOUND["en"], "message": NOT_FOUND}, status_code=404)


DEFAULT_PORTS = {"http": ":80", "https": ":443"}


def _origin_of(url: str) -> tuple[str, str] | None:
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return None
    scheme = parts.scheme.lower()
    return scheme, parts.netloc.lower().removesuffix(DEFAULT_PORTS.get(scheme, ""))


def same_origin(request: Request) -> bool:
    """Whether a state-changing request comes from our own pages (or from an origin of HNTE_TRUSTED_ORIGINS
    or HNTE_CORS_ORIGINS). The browser says where a request comes from: `Origin` on every POST (the value
    `null` from sandboxes and privacy redirects is refused), else `Referer`, and `Sec-Fetch-Site`. Our
    own host is the request's `Host` (any scheme: a TLS proxy in front changes the scheme, not the host).
    A request with none of them comes from no browser — a script with its own token — and is let through:
    cross-site forgery needs a victim's browser, and a browser sends `Origin` on a cross-site POST."""
    if request.headers.get("sec-fetch-site", "").lower() == "cross-site":
        return False
    claimed = request.headers.get("origin") or request.headers.get("referer")
    if claimed is None:
        return True
    origin = _origin_of(claimed)
    if origin is None:  # "null", or something that names no site
        return False
    host = request.headers.get("host", "").lower()
    if host and origin[1] in (host, host.removesuffix(DEFAULT_PORTS.get(origin[0], ""))):
        return True
    settings = request.app.state.settings
    allowed = [*getattr(settings, "trusted_origins", []), *getattr(settings, "cors_origins", [])]
    return any(_origin_of(entry) == origin for entry in allowed)


def foreign_origin_response(request: Request) -> Response:
    if request.url.path.startswith("/v1/"):
        return JSONResponse({"detail": FOREIGN_ORIGIN["en"], "message": FOREIGN_ORIGIN}, status_code=403)
    from api.templating import render

    return render(request, "error.html", {"status": 403, "message": FOREIGN_ORIGIN}, status_code=403)


class StoredDataRoute(APIRoute):
    """Refuses a state-changing request from another site (403), and turns a missing or wrong token into
    401: JSON for the API, the login page for pages."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def guarded(request: Request) -> Response:
            if request.method not in SAFE_METHODS and not same_origin(request):
                return foreign_origin_response(request)
            try:
                return await handler(request)
            except TokenRequired:
                if request.url.path.startswith("/v1/"):
                    return JSONResponse(
                        {"detail": TOKEN_REQUIRED["en"], "message": TOKEN_REQUIRED},
                        status_code=401,
                        headers={"WWW-Authenticate": "Bearer"},
                    )
                from api.routers.pools import login_page

                return login_page(request, status_code=401)

        return guarded
