"""The Jinja environment: translations, dates in Morocco's time zone, and the page helpers."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from functools import cache, lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

from babel import Locale
from babel.dates import format_date, format_datetime, format_time
from jinja2 import pass_context
from starlette.requests import Request
from starlette.responses import Response
from starlette.templating import Jinja2Templates

from server import i18n
from server.labels import countries, label, sector_name
from server.models.enums import PledgeKind
from server.money import format_amount
from server.security import csrf_header_token, csrf_token, signed_in_user
from server.services.events import EVENT_TIMEZONE
from server.services.pledges import is_money

TEMPLATE_DIR = Path(__file__).resolve().parent.parent / "templates"
MAD = i18n.lazy("%(amount)s MAD")
# Paths of routes already resolved, per router: Starlette finds a route by name by trying every
# route in turn (raising an exception for each miss), up to 0.1 ms a link, and a page has dozens.
# Bounded: emptied when full.
PATH_CACHE_SIZE = 4096
_paths: dict[tuple[Any, ...], tuple[Any, str]] = {}


@cache
def _locale(code: str) -> Locale:
    return Locale.parse(i18n.BABEL_LOCALES[code])


_FORMATTERS = {"datetime": format_datetime, "date": format_date, "time": format_time}


@lru_cache(maxsize=4096)
def _local(kind: str, value: date, format: str, language: str) -> str:
    # Remembered: Babel takes ~10 µs a date, and pages show the same dates to every visitor
    # (a list of 50 events has 150). The result depends only on the arguments. A moment is
    # shown in Morocco's time; a calendar day (a deadline) has no time zone.
    if isinstance(value, datetime):
        value = value.astimezone(EVENT_TIMEZONE)
    return _FORMATTERS[kind](value, format, locale=_locale(language))


def local_datetime(value: datetime, format: str = "medium") -> str:
    return _local("datetime", value, format, i18n.current_language().code)


def local_date(value: date, format: str = "full") -> str:
    """A moment's day in Morocco, or a calendar day (a deadline), in the reader's language."""
    return _local("date", value, format, i18n.current_language().code)


def local_time(value: datetime, format: str = "short") -> str:
    return _local("time", value, format, i18n.current_language().code)


def number(value: Decimal | int) -> str:
    """A number of places or items, or an amount, grouped as the reader writes numbers."""
    return format_amount(Decimal(value), i18n.BABEL_LOCALES[i18n.current_language().code])


def mad(value: Decimal) -> str:
    """An amount in dirhams, e.g. "15 000 MAD" in French."""
    return i18n.gettext(MAD) % {"amount": number(value)}


def amount_text(kind: PledgeKind, value: Decimal | int) -> str:
    """A value in the unit of a pledge of `kind`: dirhams for co-funding, else a number."""
    return mad(Decimal(value)) if is_money(kind) else number(value)


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
        mad=mad,
        amount_text=amount_text,
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
