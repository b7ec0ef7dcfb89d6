"""The organisers' pages of a fair's interviews: the grid of booths against time with fill rates
and no-shows, the fair's limit per person, closing a booth's interviews, the schedule as CSV or
XLSX, and the help desk where an organiser books an interview for a person (walk-ins).

Organisers of the fair's organisation only (check-in staff are refused: the schedule names
people and their phones); another organisation's event, a session or an unknown id answers 404.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from server.documents import tables
from server.errors import NotFound, ValidationFailed
from server.i18n import current_language, gettext, lazy
from server.models import Event
from server.routes.manage.common import path_event
from server.services.door.checkin import search_registrations
from server.services.interviews import availability, booking, grid, rules, slots
from server.services.interviews.booking import BookingRefused
from server.values.numbers import parse_count
from server.web.downloads import download, safe_name
from server.web.forms import form_fields
from server.web.policies import ORGANISERS, requires
from server.web.security import signed_in_user
from server.web.templating import path_for

GRID = "pages/manage/interviews.html"
HELP_DESK = "pages/manage/interview_help_desk.html"
FLASH_KEY = "interviews_flash"
QUERY_MAX_LENGTH = 100
SHEET_TITLE = lazy("Interviews")
UNKNOWN_FORMAT = lazy("This page does not exist or has moved.")
NO_SLOT = lazy("Choose a time from the list.")


async def _fair(request: Request) -> Event:
    return rules.check_fair(await path_event(request))


def _url(request: Request, name: str, fair: Event, **query: str) -> str:
    path = path_for(
        request, f"manage:{name}", organisation=request.state.organisation.slug, event_id=fair.id
    )
    return f"{path}?{urlencode(query)}" if query else path


async def _grid_page(
    request: Request,
    fair: Event,
    *,
    errors: dict[str, str] | None = None,
    limit_text: str | None = None,
    status_code: int = 200,
) -> Response:
    fair_grid = await grid.fair_grid(fair)
    context: dict[str, Any] = {
        "organisation": request.state.organisation,
        "event": fair,
        "grid": fair_grid,
        "errors": errors or {},
        "limit_text": limit_text if limit_text is not None else str(fair_grid.limit),
        "flash": request.session.pop(FLASH_KEY, None),
        "csv_url": _url(request, "interviews_export", fair) + "?format=csv",
        "xlsx_url": _url(request, "interviews_export", fair) + "?format=xlsx",
        "help_desk_url": _url(request, "interview_help_desk", fair),
    }
    return request.app.state.renderer.page(request, GRID, context, status_code=status_code)


@requires(ORGANISERS)
async def interviews(request: Request) -> Response:
    """GET: the fair's interview grid. POST `bookings_per_person`: the fair's limit per person,
    then back to the grid (303), or 422 with the message next to the field."""
    fair = await _fair(request)
    if request.method != "POST":
        return await _grid_page(request, fair)
    text = (await form_fields(request)).get("bookings_per_person", "")
    try:
        await rules.set_bookings_per_person(fair, text, by=signed_in_user(request))
    except ValidationFailed as failure:
        return await _grid_page(
            request, fair, errors=failure.errors, limit_text=text, status_code=422
        )
    request.session[FLASH_KEY] = {"limit": True}
    return RedirectResponse(_url(request, "interviews", fair), status_code=303)


@requires(ORGANISERS)
async def interviews_close(request: Request) -> Response:
    """POST: close the booth's interview times still to come; back to the grid (303)."""
    fair = await _fair(request)
    closed = await slots.close_booth_interviews(
        fair, int(request.path_params["exhibitor_id"]), by=signed_in_user(request)
    )
    request.session[FLASH_KEY] = {"closed": closed}
    target = f"{_url(request, 'interviews', fair)}#booth-{request.path_params['exhibitor_id']}"
    return RedirectResponse(target, status_code=303)


@requires(ORGANISERS)
async def interviews_export(request: Request) -> Response:
    """GET ?format=csv|xlsx: the fair's interview schedule, headers in the reader's language."""
    fair = await _fair(request)
    file_format = request.query_params.get("format", "csv")
    if file_format not in {"csv", "xlsx"}:
        raise NotFound(UNKNOWN_FORMAT)
    headers, rows = await grid.schedule_table(fair)
    if file_format == "csv":
        content = tables.csv_bytes(headers, rows)
    else:
        content = tables.xlsx_bytes(
            headers,
            rows,
            sheet_title=gettext(SHEET_TITLE),
            right_to_left=current_language().direction == "rtl",
        )
    slug = safe_name(fair.slug, str(fair.id))
    filename = f"interviews-{slug}-{datetime.now(UTC).strftime('%Y%m%d')}.{file_format}"
    return download(content, filename)


# --- the help desk --------------------------------------------------------------------------------


async def _help_desk_page(
    request: Request,
    fair: Event,
    *,
    registration_id: int | None,
    query: str = "",
    refusal: BookingRefused | None = None,
    status_code: int = 200,
) -> Response:
    context: dict[str, Any] = {
        "organisation": request.state.organisation,
        "event": fair,
        "query": query,
        "found": await search_registrations(fair, query) if query else [],
        "person": None,
        "page": None,
        "registration_id": registration_id,
        "refusal": refusal,
        "flash": request.session.pop(FLASH_KEY, None),
        "here": _url(request, "interview_help_desk", fair),
        "grid_url": _url(request, "interviews", fair),
    }
    if registration_id is not None:
        person = await availability.registered_person(fair, registration_id)
        context["person"] = person
        context["page"] = await availability.fair_interviews(person, fair)
    response = request.app.state.renderer.page(request, HELP_DESK, context, status_code=status_code)
    response.headers["Cache-Control"] = "no-store"
    return response


@requires(ORGANISERS)
async def interview_help_desk(request: Request) -> Response:
    """GET ?q= finds the fair's registrations; ?registration= shows that person's interviews
    and the times they may book. POST `registration` and `slot`: book it for them, then back to
    the person (303), or their page with the refusal (409)."""
    fair = await _fair(request)
    if request.method != "POST":
        return await _help_desk_page(
            request,
            fair,
            registration_id=parse_count(request.query_params.get("registration", "")),
            query=request.query_params.get("q", "")[:QUERY_MAX_LENGTH].strip(),
        )
    fields = await form_fields(request)
    registration_id = parse_count(fields.get("registration", ""))
    slot_id = parse_count(fields.get("slot", ""))
    if registration_id is None or slot_id is None:
        raise NotFound(NO_SLOT)
    person = await availability.registered_person(fair, registration_id)
    try:
        await booking.book_slot(person, slot_id, fair=fair, by=signed_in_user(request))
    except BookingRefused as refusal:
        return await _help_desk_page(
            request,
            fair,
            registration_id=registration_id,
            refusal=refusal,
            status_code=refusal.status_code,
        )
    request.session[FLASH_KEY] = {"booked": True}
    target = _url(request, "interview_help_desk", fair, registration=str(registration_id))
    return RedirectResponse(target, status_code=303)
