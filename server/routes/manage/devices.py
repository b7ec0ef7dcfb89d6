"""Scanning devices of an event, for its organisers: issue a token, see the list, revoke.

An event of another organisation answers 404, like an unknown one.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from server.errors import ValidationFailed
from server.models import Event
from server.routes.manage.common import path_event
from server.services.door import devices as device_tokens
from server.web.forms import form_fields
from server.web.policies import ORGANISERS, requires
from server.web.security import signed_in_user

DEVICES = "pages/manage/devices.html"


def _devices_url(request: Request, event: Event) -> str:
    return request.url_for(
        "manage:devices", organisation=request.state.organisation.slug, event_id=event.id
    ).path


async def _page(
    request: Request, event: Event, *, status_code: int = 200, **extra: Any
) -> Response:
    context: dict[str, Any] = {
        "organisation": request.state.organisation,
        "event": event,
        "devices": await device_tokens.event_devices(event),
        "action": _devices_url(request, event),
        "api_url": str(request.url_for("api:checkin").path),
        "errors": {},
        "name": "",
        "new_token": None,
        "revoked": request.query_params.get("revoked") == "1",
        **extra,
    }
    response = request.app.state.renderer.page(request, DEVICES, context, status_code=status_code)
    response.headers["Cache-Control"] = "no-store"
    return response


@requires(ORGANISERS)
async def devices(request: Request) -> Response:
    """The event's devices; POST issues a new token.

    A new token is shown in the POST's own answer rather than after a redirect: only its hash is
    kept, so there is nothing to show on a later GET, and putting it in the session would write
    it to a cookie.
    """
    event = await path_event(request)
    if request.method != "POST":
        return await _page(request, event)
    name = (await form_fields(request)).get("name", "")
    try:
        token = await device_tokens.issue_device_token(event, name, signed_in_user(request))
    except ValidationFailed as failure:
        return await _page(request, event, status_code=422, errors=failure.errors, name=name)
    return await _page(request, event, status_code=201, new_token=token, name=name.strip())


@requires(ORGANISERS)
async def device_revoke(request: Request) -> Response:
    event = await path_event(request)
    await device_tokens.revoke_device_token(
        event, int(request.path_params["device_id"]), user=signed_in_user(request)
    )
    return RedirectResponse(_devices_url(request, event) + "?revoked=1", status_code=303)
