"""GET /docs — Swagger UI from the swagger-ui-bundle package: no CDN (the service may be offline) and
no inline script (our Content-Security-Policy forbids them)."""

from pathlib import Path

import swagger_ui_bundle
from fastapi import APIRouter
from fastapi.responses import FileResponse, HTMLResponse
from starlette.exceptions import HTTPException

router = APIRouter(include_in_schema=False)

SWAGGER_DIR = Path(swagger_ui_bundle.swagger_ui_path)
SWAGGER_FILES = {"swagger-ui.css", "swagger-ui-bundle.js", "favicon-32x32.png"}

DOCS_PAGE = """<!doctype html>
<html lang="zh-CN">
<head>
  <meta charset="utf-8">
  <title>接口文档 · HNTE pre-diagnosis API</title>
  <link rel="stylesheet" href="/docs/assets/swagger-ui.css">
  <link rel="icon" href="/docs/assets/favicon-32x32.png">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/assets/swagger-ui-bundle.js"></script>
  <script src="/static/docs.js"></script>
</body>
</html>
"""


@router.get("/docs", response_class=HTMLResponse)
async def docs() -> HTMLResponse:
    return HTMLResponse(DOCS_PAGE)


@router.get("/docs/assets/{name}")
async def docs_asset(name: str) -> FileResponse:
    if name not in SWAGGER_FILES:  # a fixed list: no path from the request reaches the file system
        raise HTTPException(404)
    return FileResponse(SWAGGER_DIR / name)
