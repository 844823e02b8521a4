"""Jinja2 templates for every page: Chinese first, English on request, autoescaped.

Pages extend ``base.html``. The language is ``?lang=`` (or a form field ``lang``), else the ``lang``
cookie, else Chinese. In a template, ``tr("中文", "English")`` picks the text of the page's language and
``value|bi`` does the same for a ``{"zh": …, "en": …}`` dict; ``citation|cite`` gives a rule's citation in
the page's language. Other routers add their pages to the
navigation with ``add_nav_link``.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import jinja2
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.templating import Jinja2Templates

from engine.citations import cite
from engine.formatting import format_value, unit_name

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"
LANG_COOKIE = "lang"
TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
STATIC_DIR = Path(__file__).resolve().parent / "static"


@dataclass(frozen=True)
class NavLink:
    path: str
    zh: str
    en: str


NAV_LINKS: list[NavLink] = [
    NavLink("/", "在线自测", "Self-check"),
    NavLink("/rulepacks", "认定规则", "Rules"),
    NavLink("/docs", "接口文档", "API"),
]


def add_nav_link(link: NavLink) -> None:
    """Another area of the service adds its page to the navigation bar (once)."""
    if all(existing.path != link.path for existing in NAV_LINKS):
        NAV_LINKS.append(link)


def _chosen(value: str | None) -> str | None:
    return value if value in LANGS else None


def request_lang(request: Request, form_lang: str | None = None) -> str:
    return (
        _chosen(form_lang)
        or _chosen(request.query_params.get("lang"))
        or _chosen(request.cookies.get(LANG_COOKIE))
        or DEFAULT_LANG
    )


@jinja2.pass_context
def _tr(context: jinja2.runtime.Context, zh: str, en: str) -> str:
    return en if context.get("lang") == "en" else zh


@jinja2.pass_context
def _bi(context: jinja2.runtime.Context, value: Any) -> Any:
    if isinstance(value, dict):
        return value.get(context.get("lang") or DEFAULT_LANG, value.get(DEFAULT_LANG, ""))
    return "" if value is None else value


@jinja2.pass_context
def _cite(context: jinja2.runtime.Context, citation: str | None) -> str:
    """A rule's citation in the page's language (English document names and numbering, engine.citations)."""
    return cite(citation, context.get("lang") or DEFAULT_LANG)


@jinja2.pass_context
def _money(context: jinja2.runtime.Context, value: Any) -> str:
    """An amount in 万元 in the page's language: '710 万元' / 'CNY 7.1 million'."""
    zh, en = format_value(value, "万元")
    return en if context.get("lang") == "en" else zh


@jinja2.pass_context
def _unit(context: jinja2.runtime.Context, unit: str | None) -> str:
    return unit_name(unit, context.get("lang") or DEFAULT_LANG)


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,  # every user-supplied string is escaped, in every template
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["tr"] = _tr
    env.filters["bi"] = _bi
    env.filters["cite"] = _cite
    env.filters["unit"] = _unit
    env.filters["money"] = _money
    return env


templates = Jinja2Templates(env=_environment())


def lang_url(request: Request, lang: str) -> str:
    params = dict(request.query_params)
    params["lang"] = lang
    return f"{request.url.path}?{urlencode(params)}"


def render(
    request: Request,
    name: str,
    context: dict[str, Any] | None = None,
    status_code: int = 200,
    lang: str | None = None,
) -> HTMLResponse:
    """A page in the request's language; remembers an explicitly chosen language in a cookie."""
    lang = lang or request_lang(request)
    other = "en" if lang == "zh" else "zh"
    page = {
        "lang": lang,
        "other_lang": other,
        "other_lang_url": lang_url(request, other),
        "nav_links": NAV_LINKS,
        "current_path": request.url.path,
        **(context or {}),
    }
    response = templates.TemplateResponse(request, name, page, status_code=status_code)
    if _chosen(request.query_params.get("lang")) or request.cookies.get(LANG_COOKIE) != lang:
        response.set_cookie(LANG_COOKIE, lang, max_age=365 * 24 * 3600, samesite="lax", httponly=True)
    return response
