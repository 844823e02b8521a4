"""The online self-check: the form at /, the report at POST /report. Nothing is stored on the server."""

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.templating import render

router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
async def form_page(request: Request) -> HTMLResponse:
    return render(request, "selfcheck/form.html", {})
