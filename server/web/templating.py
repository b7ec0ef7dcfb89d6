"""The Jinja environment: translations, the formatting filters and globals, and the page helpers."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from jinja2 import pass_context
from starlette.requests import Request
from starlette.responses import Response
from starlette.templating import Jinja2Templates

from server import i18n
from server.i18n.labels import countries, label, sector_name
from server.reports.disclosure import (
    RATINGS_RULE,
    RULE,
    publish_breakdown,
    publish_interviews,
    publish_ratings,
)
from server.reports.figures import category_label, dimension_title
from server.values.formatting import (
    amount_text,
    decimal,
    local_date,
    local_datetime,
    local_time,
    mad,
    number,
    percent,
)
from server.web.security import csrf_header_token, csrf_token, signed_in_user

TEMPLATE_DIR = Path(__file__).resolve().parents[2] / "templates"
# Paths of routes already resolved, per router: Starlette finds a route by name by trying every
# route in turn (raising an exception for each miss), up to 0.1 ms a link, and a page has dozens.
# Bounded: emptied when full.
PATH_CACHE_SIZE = 4096
_paths: dict[tuple[Any, ...], tuple[Any, str]] = {}


def country_name(code: str) -> str:
    """A country's name in the reader's language; a dash when the person did not say."""
    return dict(countries(i18n.current_language().code)).get(code, "—")


def language_url(request: Request, code: str) -> str:
    """This page in another language, as a relative link (never built from the Host header)."""
    query = request.query_params.multi_items()
    kept = [(key, value) for key, value in query if key != "lang"]
    return f"{request.url.path}?{urlencode([*kept, ('lang', code)])}"


def path_for(request: Request, name: str, /, **path_params: Any) -> str:
    """`request.url_for(name, ...).path`, remembered: a route's path depends only on the router,
    the root path, the name and the parameters."""
    scope = request.scope
    router = scope.get("router")
    # Routers compare by their routes and so cannot be keys: the key holds the router's id and
    # the entry the router itself, which keeps that id from being reused while it is cached.
    key = (
        id(router),
        scope.get("app_root_path", scope.get("root_path", "")),
        name,
        *sorted(path_params.items()),
    )
    try:
        cached = _paths.get(key)
    except TypeError:  # a parameter that cannot be a key: nothing to remember
        return request.url_for(name, **path_params).path
    if cached is not None and cached[0] is router:
        return cached[1]
    path = request.url_for(name, **path_params).path
    if router is not None:
        if len(_paths) >= PATH_CACHE_SIZE:
            _paths.clear()
        _paths[key] = (router, path)
    return path


@pass_context
def relative_url_for(context: dict[str, Any], name: str, /, **path_params: Any) -> str:
    """Links as paths: pages never build absolute URLs from the Host header a client sends."""
    return path_for(context["request"], name, **path_params)


def build_templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(TEMPLATE_DIR))
    env = templates.env
    env.add_extension("jinja2.ext.i18n")
    env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=i18n.gettext, ngettext=i18n.ngettext, newstyle=True
    )
    env.filters.update(
        datetime=local_datetime,
        date=local_date,
        time=local_time,
        text=i18n.pick_text,
        label=label,
        country=country_name,
        sector=sector_name,
    )
    env.globals.update(
        languages=i18n.LANGUAGES,
        csrf_token=csrf_token,
        csrf_header_token=csrf_header_token,
        language_url=language_url,
        url_for=relative_url_for,
        number=number,
        decimal=decimal,
        percent=percent,
        mad=mad,
        amount_text=amount_text,
        # what a report may show of its counts (server.reports.disclosure) and the names of
        # its categories (server.reports.figures)
        publish_breakdown=publish_breakdown,
        publish_ratings=publish_ratings,
        disclosure_rule=RULE,
        ratings_rule=RATINGS_RULE,
        publish_interviews=publish_interviews,
        category=category_label,
        dimension_title=dimension_title,
    )
    return templates


class Renderer:
    """Renders pages and their htmx fragments: one URL, one handler, one template."""

    def __init__(self, templates: Jinja2Templates) -> None:
        self.templates = templates

    def page(
        self,
        request: Request,
        name: str,
        context: dict[str, Any] | None = None,
        *,
        status_code: int = 200,
        block: str | None = None,
    ) -> Response:
        """Render `name`; for an htmx request naming `block`, render only that block."""
        context = dict(context or {})
        context.setdefault("user", signed_in_user(request))
        context["language"] = i18n.current_language()
        if block and request.headers.get("hx-request") == "true":
            template = self.templates.get_template(name)
            html = "".join(
                template.blocks[block](template.new_context({"request": request, **context}))
            )
            response: Response = Response(html, status_code=status_code, media_type="text/html")
        else:
            response = self.templates.TemplateResponse(
                request, name, context, status_code=status_code
            )
        response.headers["Vary"] = "HX-Request, Cookie, Accept-Language"
        return response
