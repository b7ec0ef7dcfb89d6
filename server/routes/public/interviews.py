"""A person's interviews at a fair, behind their personal link: the free times of the booths
they may book, and their own interviews to move or cancel.

The personal link is the only key: another person's link shows that person's page, an unknown
one answers 404, and a booking of someone else (or of another fair) answers 404 like an unknown
one. Refusals (the last place just taken, an overlap, the fair's limit) come back as the page
with the reason and the next free times (409). The page is never cached: it names the person.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from server.errors import NotFound
from server.i18n import lazy
from server.models import Attendee, Event
from server.services.interviews import availability, booking, rules
from server.services.interviews.booking import BookingRefused
from server.values.numbers import parse_count
from server.web.forms import form_fields
from server.web.policies import PERSONAL_LINK, requires

INTERVIEWS = "pages/me_interviews.html"
FLASH_KEY = "interviews_flash"
NO_SLOT = lazy("Choose a time from the list.")


async def _fair(request: Request) -> Event:
    return await rules.public_fair(int(request.path_params["event_id"]))


def _here(request: Request, fair: Event) -> str:
    return request.url_for(
        "me_interviews", token=request.path_params["token"], event_id=fair.id
    ).path


async def _page(
    request: Request,
    attendee: Attendee,
    fair: Event,
    *,
    refusal: BookingRefused | None = None,
    status_code: int = 200,
) -> Response:
    context: dict[str, Any] = {
        "attendee": attendee,
        "token": request.path_params["token"],
        "fair": fair,
        "page": await availability.fair_interviews(attendee, fair),
        "refusal": refusal,
        "flash": request.session.pop(FLASH_KEY, None),
    }
    response = request.app.state.renderer.page(
        request, INTERVIEWS, context, status_code=status_code
    )
    response.headers["Cache-Control"] = "no-store"
    return response


def _back(request: Request, fair: Event, flash: str) -> Response:
    request.session[FLASH_KEY] = flash
    return RedirectResponse(_here(request, fair), status_code=303)


def _slot_id(fields: dict[str, str]) -> int:
    slot_id = parse_count(fields.get("slot", ""))
    if slot_id is None:
        raise NotFound(NO_SLOT)
    return slot_id


@requires(PERSONAL_LINK)
async def my_interviews(request: Request) -> Response:
    """GET: the booking page. POST `slot`: book a place there, then back to the page (303)."""
    attendee = request.state.attendee
    fair = await _fair(request)
    if request.method != "POST":
        return await _page(request, attendee, fair)
    slot_id = _slot_id(await form_fields(request))
    try:
        await booking.book_slot(attendee, slot_id, fair=fair)
    except BookingRefused as refusal:
        return await _page(request, attendee, fair, refusal=refusal, status_code=409)
    return _back(request, fair, "booked")


@requires(PERSONAL_LINK)
async def my_interview_move(request: Request) -> Response:
    """POST `slot`: move the interview there, then back to the page (303)."""
    attendee = request.state.attendee
    fair = await _fair(request)
    slot_id = _slot_id(await form_fields(request))
    try:
        await booking.move_booking(
            attendee, int(request.path_params["booking_id"]), slot_id, fair=fair
        )
    except BookingRefused as refusal:
        return await _page(request, attendee, fair, refusal=refusal, status_code=409)
    return _back(request, fair, "moved")


@requires(PERSONAL_LINK)
async def my_interview_cancel(request: Request) -> Response:
    """POST: give the place back, then back to the page (303)."""
    attendee = request.state.attendee
    fair = await _fair(request)
    try:
        await booking.cancel_booking(attendee, int(request.path_params["booking_id"]), fair=fair)
    except BookingRefused as refusal:
        return await _page(request, attendee, fair, refusal=refusal, status_code=409)
    return _back(request, fair, "cancelled")
