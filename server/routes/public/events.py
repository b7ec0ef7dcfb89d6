"""Pages anyone can open."""

from __future__ import annotations

from datetime import date

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from tortoise import connections

from server.i18n.labels import label
from server.models.enums import EventKind
from server.services.employers.exhibitors import exhibitor_offers
from server.services.events import catalogue as events
from server.web.policies import Anyone, requires


@requires(Anyone())
async def home(request: Request) -> Response:
    params = request.query_params
    filters = events.EventFilters(
        city=params.get("city", ""),
        kind=params.get("kind", ""),
        on_or_after=_parse_date(params.get("from", "")),
    )
    context = {
        "events": await events.upcoming_events(filters),
        "filters": filters,
        "cities": await events.event_cities(),
        "kinds": [(kind.value, label(kind)) for kind in EventKind],
    }
    return request.app.state.renderer.page(request, "pages/home.html", context, block="results")


def _parse_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


@requires(Anyone())
async def event_detail(request: Request) -> Response:
    event = await events.public_event(request.path_params["slug"])
    exhibitors = await events.public_exhibitors(event)
    context = {
        "event": event,
        "exhibitors": exhibitors,
        "offers": await exhibitor_offers(exhibitors),  # employer id → its open offers
    }
    return request.app.state.renderer.page(request, "pages/event.html", context)


@requires(Anyone())
async def health(request: Request) -> Response:
    """For load balancers: the process answers and reaches its database."""
    await connections.get("default").execute_query("SELECT 1")
    return JSONResponse({"status": "ok"})
