"""The organisers' page of a fair's booths: the employers' requests with what each brings (open
offers, open pledges), confirmed with a booth label or declined.

Only for job fairs of the organisation in the path; another organisation's event, a workshop or
an unknown id answers 404.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from server.errors import NotFound, ValidationFailed
from server.i18n import lazy
from server.models import Event
from server.models.enums import EventKind
from server.routes.manage.common import path_event
from server.services.employers import exhibitors
from server.web.flash import pop_flash, redirect_with_flash
from server.web.forms import form_fields
from server.web.policies import ORGANISERS, requires
from server.web.security import signed_in_user

EXHIBITORS = "pages/manage/exhibitors.html"
NOT_A_FAIR = lazy("Booths are only for job fairs.")


async def _fair(request: Request) -> Event:
    event = await path_event(request)
    if event.kind != EventKind.JOB_FAIR or event.parent_id is not None:  # type: ignore[attr-defined]
        raise NotFound(NOT_A_FAIR)
    return event


def _url(request: Request, name: str, event: Event) -> str:
    return request.url_for(
        f"manage:{name}", organisation=request.state.organisation.slug, event_id=event.id
    ).path


async def _page(
    request: Request,
    event: Event,
    *,
    failed: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    context: dict[str, Any] = {
        "organisation": request.state.organisation,
        "event": event,
        "rows": await exhibitors.event_exhibitors(event),
        "failed": failed,
        "flash": pop_flash(request),
    }
    return request.app.state.renderer.page(request, EXHIBITORS, context, status_code=status_code)


@requires(ORGANISERS)
async def exhibitors_page(request: Request) -> Response:
    return await _page(request, await _fair(request))


@requires(ORGANISERS)
async def exhibitor_decide(request: Request) -> Response:
    """POST `decision` (confirm or decline) and `booth_label`: 303 back to the list, or 422 with
    the message next to that request's field."""
    event = await _fair(request)
    exhibitor = await exhibitors.managed_exhibitor(event, int(request.path_params["exhibitor_id"]))
    fields = await form_fields(request)
    decision, label = fields.get("decision", ""), fields.get("booth_label", "")
    try:
        await exhibitors.decide_booth(exhibitor, decision, label, by=signed_in_user(request))
    except ValidationFailed as failure:
        failed = {"exhibitor_id": exhibitor.id, "errors": failure.errors, "booth_label": label}
        return await _page(request, event, failed=failed, status_code=422)
    target = f"{_url(request, 'exhibitors', event)}#exhibitor-{exhibitor.id}"
    flash = {"decision": decision, "employer": exhibitor.employer.name}
    return redirect_with_flash(request, target, flash)
