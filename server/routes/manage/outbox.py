"""The organiser's view of the outbox: the notifications sent to attendees, and their fate."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from server.services.outbox import CHANNEL_LABELS, STATUS_LABELS, outbox_messages
from server.values.numbers import parse_count
from server.web.policies import ORGANISERS, requires


@requires(ORGANISERS)
async def outbox(request: Request) -> Response:
    organisation = request.state.organisation
    page = request.query_params.get("page", "1")
    listing = await outbox_messages(
        organisation,
        status=request.query_params.get("status", ""),
        page=parse_count(page) or 1,
    )
    return request.app.state.renderer.page(
        request,
        "pages/manage/outbox.html",
        {
            "organisation": organisation,
            "listing": listing,
            "status_labels": STATUS_LABELS,
            "channel_labels": CHANNEL_LABELS,
        },
        block="messages",
    )
