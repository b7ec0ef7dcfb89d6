"""The people of an event, for its organisation's staff: the attendee list with its CSV and XLSX
exports (organisers only: personal data), and walk-in registration at the door (organisers and
check-in staff).

An event of another organisation answers 404, like an unknown one.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from server.documents import tables as exports
from server.errors import NotFound, ValidationFailed
from server.i18n import current_language, gettext, lazy
from server.i18n.labels import label
from server.models import Event
from server.models.enums import Gender, RegistrationStatus
from server.routes.manage.common import path_event
from server.services.door import walk_in
from server.services.door.walk_in import AlreadyCheckedIn, WalkInForm, WalkInRefused
from server.services.registrations import attendee_list
from server.services.registrations.attendee_list import AttendeeFilters
from server.services.registrations.lookup import event_registration
from server.services.registrations.seats import approve, decline
from server.values.numbers import parse_count
from server.web.downloads import download, safe_name
from server.web.flash import pop_flash, redirect_with_flash
from server.web.forms import form_text
from server.web.policies import CHECKIN_STAFF, ORGANISERS, may_organise, requires
from server.web.security import signed_in_user
from server.web.templating import path_for

ATTENDEES = "pages/manage/attendees.html"
WALK_IN = "pages/manage/walk_in.html"
GATE_KEY = "checkin_gate"  # session key: the door this device stands at, remembered
SHEET_TITLE = lazy("Attendees")


def _url(request: Request, name: str, event: Event, **query: str) -> str:
    path = path_for(
        request, f"manage:{name}", organisation=request.state.organisation.slug, event_id=event.id
    )
    return f"{path}?{urlencode(query)}" if query else path


def _page_number(text: str) -> int:
    return parse_count(text) or 1


# --- attendee list ------------------------------------------------------------------------------


@requires(ORGANISERS)
async def attendees(request: Request) -> Response:
    """The list, searched and filtered; with htmx, only the results block."""
    event = await path_event(request)
    filters = AttendeeFilters.from_query(request.query_params)
    listing = await attendee_list.attendee_page(
        event, filters, _page_number(request.query_params.get("page", ""))
    )
    query = filters.query_items()
    context: dict[str, Any] = {
        "organisation": request.state.organisation,
        "event": event,
        "sessions": list(event.sessions) if event.parent_id is None else [],  # type: ignore[attr-defined]
        "filters": filters,
        "listing": listing,
        "status_options": [(status.value, label(status)) for status in RegistrationStatus],
        "here": _url(request, "attendees", event),
        "csv_url": _url(request, "attendees_csv", event, **query),
        "xlsx_url": _url(request, "attendees_xlsx", event, **query),
        "prev_url": _url(request, "attendees", event, **query, page=str(listing.page - 1)),
        "next_url": _url(request, "attendees", event, **query, page=str(listing.page + 1)),
        "walk_in_url": _url(request, "walk_in", event),
    }
    return request.app.state.renderer.page(request, ATTENDEES, context, block="results")


def _download_name(event: Event, extension: str) -> str:
    day = datetime.now(UTC).strftime("%Y%m%d")
    return f"attendees-{safe_name(event.slug, str(event.id))}-{day}.{extension}"


@requires(ORGANISERS)
async def attendees_csv(request: Request) -> Response:
    event = await path_event(request)
    filters = AttendeeFilters.from_query(request.query_params)
    headers, cells = attendee_list.export_table(await attendee_list.attendee_rows(event, filters))
    return download(exports.csv_bytes(headers, cells), _download_name(event, "csv"))


@requires(ORGANISERS)
async def attendees_xlsx(request: Request) -> Response:
    event = await path_event(request)
    filters = AttendeeFilters.from_query(request.query_params)
    headers, cells = attendee_list.export_table(await attendee_list.attendee_rows(event, filters))
    content = exports.xlsx_bytes(
        headers,
        cells,
        sheet_title=gettext(SHEET_TITLE),
        right_to_left=current_language().direction == "rtl",
    )
    return download(content, _download_name(event, "xlsx"))


# --- walk-in at the door ----------------------------------------------------------------------


async def _read_walk_in_form(request: Request) -> WalkInForm:
    form = await request.form()
    return WalkInForm(
        phone=form_text(form, "phone"),
        first_name=form_text(form, "first_name"),
        last_name=form_text(form, "last_name"),
        gender=form_text(form, "gender") or Gender.UNDISCLOSED.value,
        gate=form_text(form, "gate"),
        consent_processing=form.get("consent_processing") == "yes",
    )


def _walk_in_page(
    request: Request,
    event: Event,
    *,
    form: WalkInForm,
    errors: dict[str, str] | None = None,
    admitted: walk_in.Admitted | None = None,
    refusal: WalkInRefused | None = None,
    already: AlreadyCheckedIn | None = None,
    status_code: int = 200,
) -> Response:
    may_see_attendees = may_organise(request)
    context: dict[str, Any] = {
        "organisation": request.state.organisation,
        "event": event,
        "form": form,
        "errors": errors or {},
        "admitted": admitted,
        "refusal": refusal,
        "already": already,
        "gender_options": [(gender.value, label(gender)) for gender in Gender],
        "action": _url(request, "walk_in", event),
        "may_see_attendees": may_see_attendees,
        "attendees_url": _url(request, "attendees", event) if may_see_attendees else None,
    }
    return request.app.state.renderer.page(request, WALK_IN, context, status_code=status_code)


@requires(CHECKIN_STAFF)
async def walk_in_page(request: Request) -> Response:
    """GET: the door form (with who just came in). POST: register and check in, then 303."""
    event = await path_event(request)
    gate = str(request.session.get(GATE_KEY, ""))
    if request.method == "GET":
        admitted_id = pop_flash(request)  # the registration just checked in
        admitted = await walk_in.admitted(event, admitted_id) if admitted_id else None
        return _walk_in_page(request, event, form=WalkInForm(gate=gate), admitted=admitted)
    form = await _read_walk_in_form(request)
    try:
        outcome = await walk_in.register_walk_in(event, form, staff=signed_in_user(request))
    except ValidationFailed as failure:
        return _walk_in_page(request, event, form=form, errors=failure.errors, status_code=422)
    except WalkInRefused as refusal:
        return _walk_in_page(
            request, event, form=form, refusal=refusal, status_code=refusal.status_code
        )
    except AlreadyCheckedIn as already:
        return _walk_in_page(
            request,
            event,
            form=WalkInForm(gate=form.gate.strip()),
            already=already,
            status_code=already.status_code,
        )
    request.session[GATE_KEY] = form.gate.strip()
    return redirect_with_flash(request, _url(request, "walk_in", event), outcome.registration.id)


# --- approval -----------------------------------------------------------------------------------


@requires(ORGANISERS)
async def decide_registration(request: Request) -> Response:
    """Approve or decline a sign-up that waits for approval, then back to the list."""
    event = await path_event(request)
    registration = await event_registration(event, request.path_params["registration_id"])
    decisions = {"approve": approve, "decline": decline}
    decide = decisions.get(request.path_params["decision"])
    if decide is None:
        raise NotFound(lazy("This page does not exist or has moved."))
    await decide(registration.id)
    return RedirectResponse(_url(request, "attendees", event, status="pending"), status_code=303)
