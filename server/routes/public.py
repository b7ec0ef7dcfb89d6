"""Pages anyone can open."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from tortoise import connections

from server.security import Anyone, requires
from server.services import events


@requires(Anyone())
async def home(request: Request) -> Response:
    upcoming = await events.upcoming_events()
    return request.app.state.renderer.page(request, "pages/home.html", {"events": upcoming})


@requires(Anyone())
async def event_detail(request: Request) -> Response:
    event = await events.public_event(request.path_params["slug"])
    return request.app.state.renderer.page(request, "pages/event.html", {"event": event})


@requires(Anyone())
async def health(request: Request) -> Response:
    """For load balancers: the process answers and reaches its database."""
    await connections.get("default").execute_query("SELECT 1")
    return JSONResponse({"status": "ok"})
