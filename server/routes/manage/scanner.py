"""The scanner page at the door, for an organisation's check-in staff and organisers.

One page for three ways of reading a badge: the phone's rear camera (decoded in the browser by
`static/js/scanner.js`), a hand-held USB scanner typing into the code field and pressing Enter,
and a search by name or phone for someone who lost their badge. All three post to the same
endpoint, which calls `perform_checkin()` and answers with the result card:

- without JavaScript, the form's POST answers 200 with the whole page showing the card. Not a
  303: the card is the answer to that one scan, and a re-sent form only scans again (it answers
  "already checked in" and is logged as a refused scan), so a redirect would buy nothing but a
  second request per badge at a busy door;
- with htmx (the form) or `fetch()` (the camera), `HX-Request` asks for the card fragment only.

The door ("gate") is remembered in the session, shared with the walk-in page. An event of
another organisation answers 404, like an unknown one.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from server.errors import ValidationFailed
from server.models import Event
from server.routes.manage.attendees import GATE_KEY
from server.routes.manage.common import path_event
from server.services.door.checkin import (
    CheckInError,
    CheckInOutcome,
    FoundRegistration,
    perform_checkin,
    search_registrations,
    undo_checkin,
)
from server.services.registrations.lookup import event_registration
from server.values.numbers import parse_count
from server.web.forms import form_fields
from server.web.policies import CHECKIN_STAFF, requires
from server.web.security import signed_in_user

SCANNER = "pages/manage/scanner.html"
CODE_MAX_LENGTH = 1000  # far above any badge code; longer is not a scan
QUERY_MAX_LENGTH = 100


def _url(request: Request, name: str, event: Event) -> str:
    return request.url_for(
        f"manage:{name}", organisation=request.state.organisation.slug, event_id=event.id
    ).path


def _page(
    request: Request,
    event: Event,
    *,
    block: str | None = "result",
    status_code: int = 200,
    outcome: CheckInOutcome | None = None,
    undone_name: str = "",
    error: str = "",
    query: str = "",
    found: list[FoundRegistration] | None = None,
    focus_code: bool = False,
) -> Response:
    """The scanner page, or with htmx only `block` (the result card or the search results)."""
    context: dict[str, Any] = {
        "organisation": request.state.organisation,
        "event": event,
        "gate": str(request.session.get(GATE_KEY, "")),
        "outcome": outcome,
        "undone_name": undone_name,
        "error": error,
        "query": query,
        "found": found,
        "focus_code": focus_code,
        "scan_url": _url(request, "scan", event),
        "undo_url": _url(request, "scan_undo", event),
        "search_url": _url(request, "scan_search", event),
        "walk_in_url": _url(request, "walk_in", event),
    }
    response = request.app.state.renderer.page(
        request, SCANNER, context, status_code=status_code, block=block
    )
    response.headers["Cache-Control"] = "no-store"  # names of people at the door
    return response


@requires(CHECKIN_STAFF)
async def scan(request: Request) -> Response:
    """GET: the scanner. POST `code` (and `gate`): check the badge in and show the result card.

    A POST without a `gate` field (a search result's button) uses the remembered door.
    """
    event = await path_event(request)
    if request.method != "POST":
        return _page(request, event, block=None)
    fields = await form_fields(request)
    gate = fields.get("gate", str(request.session.get(GATE_KEY, "")))
    try:
        outcome = await perform_checkin(
            event,
            fields.get("code", "")[:CODE_MAX_LENGTH],
            secret_key=request.app.state.settings.secret_key,
            gate=gate,
            staff=signed_in_user(request),
        )
    except ValidationFailed as failure:
        message = next(iter(failure.errors.values()))
        return _page(request, event, status_code=422, error=message, focus_code=True)
    request.session[GATE_KEY] = outcome.gate
    return _page(request, event, outcome=outcome, focus_code=True)


@requires(CHECKIN_STAFF)
async def scan_undo(request: Request) -> Response:
    """POST `registration_id`: take back a check-in made by mistake (an undo row is written)."""
    event = await path_event(request)
    fields = await form_fields(request)
    registration = await event_registration(event, parse_count(fields.get("registration_id", "")))
    try:
        await undo_checkin(
            registration,
            staff=signed_in_user(request),
            gate=str(request.session.get(GATE_KEY, "")),
        )
    except CheckInError as refusal:
        return _page(request, event, status_code=refusal.status_code, error=refusal.message)
    return _page(request, event, undone_name=registration.attendee.full_name)


@requires(CHECKIN_STAFF)
async def scan_search(request: Request) -> Response:
    """GET ?q=: the event's registrations matching a name, phone number or badge serial, each
    with a button that checks the person in; with htmx, the results only."""
    event = await path_event(request)
    query = request.query_params.get("q", "")[:QUERY_MAX_LENGTH]
    found = await search_registrations(event, query)
    return _page(request, event, block="search_results", query=query, found=found)
