"""Who may see stored data: every stored-data endpoint and page needs a user's token.

The API takes ``Authorization: Bearer <token>``; pages take the HttpOnly cookie that the login form
sets (the same token). Without a valid token an endpoint answers 401 (a page answers 401 with the
login form). Routers of stored data use ``StoredDataRoute`` so that the 401 says so in both languages.
"""

from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.routing import APIRoute
from starlette.responses import JSONResponse, Response

from storage.models import User
from storage.users import user_for_token

TOKEN_COOKIE = "hnte_token"
TOKEN_REQUIRED = {
    "zh": "需要有效的访问令牌：请在 Authorization: Bearer 头中提供（令牌由 hnte users add 创建）。",
    "en": "A valid access token is required: send it as Authorization: Bearer (tokens come from `hnte users add`).",
}
NOT_FOUND = {"zh": "未找到，或无权查看。", "en": "Not found, or not yours to see."}


class TokenRequired(Exception):
    pass


def request_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, credentials = header.partition(" ")
    if scheme.lower() == "bearer" and credentials.strip():
        return credentials.strip()
    return request.cookies.get(TOKEN_COOKIE)


def optional_user(request: Request) -> User | None:
    return user_for_token(request_token(request))


def current_user(request: Request) -> User:
    user = optional_user(request)
    if user is None:
        raise TokenRequired
    return user


CurrentUser = Annotated[User, Depends(current_user)]


def not_found() -> JSONResponse:
    return JSONResponse({"detail": NOT_FOUND["en"], "message": NOT_FOUND}, status_code=404)


class StoredDataRoute(APIRoute):
    """Turns a missing or wrong token into 401: JSON for the API, the login page for pages."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def guarded(request: Request) -> Response:
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
