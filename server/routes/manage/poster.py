"""The poster organisers put up at an event's exit: the short feedback link as a QR code."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from server.documents.qr import qr_svg
from server.routes.manage.common import path_event
from server.web.policies import ORGANISERS, requires

POSTER = "pages/manage/feedback_poster.html"


@requires(ORGANISERS)
async def feedback_poster(request: Request) -> Response:
    """A page to print and put up at the exit: the short link as a big QR code, written out."""
    event = await path_event(request)
    base_url = request.app.state.settings.base_url.rstrip("/")
    link = base_url + request.url_for("event_feedback", slug=event.slug).path
    context = {
        "organisation": request.state.organisation,
        "event": event,
        "link": link,
        "qr": qr_svg(link, title=link),
    }
    return request.app.state.renderer.page(request, POSTER, context)
