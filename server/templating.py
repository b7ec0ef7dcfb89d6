"""The Jinja environment: translations, dates in Morocco's time zone, and the page helpers."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from babel.dates import format_date, format_datetime, format_time
from jinja2 import pass_context
from starlette.requests import Request
from starlette.responses import Response
from starlette.templating import Jinja2Templates

from server import i18n
from server.labels import countries, label
from server.security import csrf_token, signed_in_user
from server.services.events import EVENT_TIMEZONE

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates"


def _babel_locale() -> str:
    return i18n.BABEL_LOCALES[i18n.current_language().code]


def local_datetime(value: datetime, format: str = "medium") -> str:
    return format_datetime(value.astimezone(EVENT_TIMEZONE), format, locale=_babel_locale())


def local_date(value: datetime, format: str = "full") -> str:
    return format_date(value.astimezone(EVENT_TIMEZONE), format, locale=_babel_locale())


def local_time(value: datetime, format: str = "short") -> str:
    return format_time(value.astimezone(EVENT_TIMEZONE), format, locale=_babel_locale())


def country_name(code: str) -> str:
    """A country's name in the reader's language; a dash when the person did not say."""
    return dict(countries(i18n.current_language().code)).get(code, "—")


def language_url(request: Request, code: str) -> str:
    """This page in another language, as a relative link (never built from the Host header)."""
    query = request.query_params.multi_items()
    kept = [(key, value) for key, value in query if key != "lang"]
    return f"{request.url.path}?{urlencode([*kept, ('lang', code)])}"


@pass_context
def relative_url_for(context: dict[str, Any], name: str, /, **path_params: Any) -> str:
    """Links as paths: pages never build absolute URLs from the Host header a client sends."""
    request: Request = context["request"]
    return request.url_for(name, **path_params).path


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
    )
    env.globals.update(
        languages=i18n.LANGUAGES,
        csrf_token=csrf_token,
        language_url=language_url,
        url_for=relative_url_for,
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
