"""The event's day, for its organisation's staff: every badge printed at once (organisers), and
live attendance at the doors (organisers and check-in staff, who see only counts there, no
names: it tells the door team where the queues are and how many are still to come).

An event of another organisation answers 404, like an unknown one.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from server.documents.badges import write_badge_sheets
from server.i18n import current_language
from server.routes.manage.common import path_event
from server.services.door.attendance import event_attendance
from server.services.registrations.badges import event_badges
from server.web.downloads import safe_name, streamed_download
from server.web.policies import CHECKIN_STAFF, ORGANISERS, may_organise, requires
from server.web.streaming import stream_from_thread

ATTENDANCE = "pages/manage/attendance.html"
POLL_SECONDS = 5


# --- all badges of an event ---------------------------------------------------------------------


@requires(ORGANISERS)
async def badges_pdf(request: Request) -> Response:
    """A4 sheets of four visitor badges for every confirmed registration, by name, to print.

    The badges' data is read first (in batches, the database is async); the drawing runs in a
    worker thread that writes each sheet as soon as it is drawn, and the response sends those
    bytes as they come: the download starts at once, whatever the number of badges. Its length
    is not known in advance, and a drawing error after the start can only cut it short.
    """
    event = await path_event(request)
    badges = await event_badges(
        event,
        secret_key=request.app.state.settings.secret_key,
        language=current_language().code,
    )
    return streamed_download(
        stream_from_thread(partial(write_badge_sheets, badges)),
        f"badges-{safe_name(event.slug, str(event.id))}.pdf",
    )


# --- live attendance ----------------------------------------------------------------------------


@requires(CHECKIN_STAFF)
async def attendance(request: Request) -> Response:
    """Checked in / expected, per door, per half hour and per session; with htmx (the page
    polls every POLL_SECONDS), only the figures block."""
    event = await path_event(request)
    figures = await event_attendance(event)
    here = request.url_for(
        "manage:attendance", organisation=request.state.organisation.slug, event_id=event.id
    ).path
    context: dict[str, Any] = {
        "organisation": request.state.organisation,
        "event": event,
        "figures": figures,
        "here": here,
        "poll_seconds": POLL_SECONDS,
        "organises": may_organise(request),
        "right_to_left": current_language().direction == "rtl",
    }
    response = request.app.state.renderer.page(request, ATTENDANCE, context, block="figures")
    response.headers["Cache-Control"] = "no-store"  # a figure read from a cache is a stale one
    return response
