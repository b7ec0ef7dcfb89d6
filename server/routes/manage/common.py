"""What the organiser pages about one event share."""

from __future__ import annotations

from starlette.requests import Request

from server.models import Event
from server.services.events.admin import managed_event


async def path_event(request: Request) -> Event:
    """The event named by `{event_id}` in the path, within the organisation the access policy
    found; 404 for another organisation's event."""
    return await managed_event(request.state.organisation, int(request.path_params["event_id"]))
