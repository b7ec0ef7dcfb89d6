"""Scanning visitors at the booth, and the company's list of leads with its notes and exports.

Only an approved company's members, and only at a fair where the company has a confirmed booth:
any other fair (no booth, a request waiting or declined, an unknown id) answers 404, so one
employer never learns anything of another's booth.

A scan also marks the visitor arrived for their interview at the booth, if they hold one
(`server.services.interviews.at_booth`), and the page lists the day's interviews.

The scanner is the door's scanner component (`templates/macros/scanner.html`, with the same
`static/js/scanner.js`): the camera, a hand-held scanner or a typed code post `code` to one
endpoint that answers with the result card, the whole page without JavaScript (200, like the
door: scanning again finds the same lead) and the card alone with htmx or the camera's fetch.
What the card and the list show of a visitor is their shared profile, or that they did not
share it: `server.services.employers.leads` decides, never a template.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from server.documents import tables as exports
from server.errors import NotFound, ValidationFailed
from server.i18n import current_language, gettext, lazy
from server.models import Event, Exhibitor
from server.services.employers import leads
from server.services.employers.leads import LeadRow, LeadScan, LeadScanRefused
from server.services.events.catalogue import PUBLIC_STATUSES
from server.services.interviews.at_booth import Arrival, scan_at_booth
from server.services.interviews.slots import day_schedule
from server.web.downloads import download, safe_name
from server.web.flash import pop_flash, redirect_with_flash
from server.web.forms import form_fields
from server.web.policies import EmployerMemberPolicy, requires
from server.web.security import signed_in_user

SCANNER = "pages/employer/lead_scanner.html"
LEADS = "pages/employer/leads.html"
CODE_MAX_LENGTH = 1000  # far above any badge code; longer is not a scan
SHEET_TITLE = lazy("Leads")
UNKNOWN_FORMAT = lazy("This page does not exist or has moved.")

APPROVED_MEMBERS = EmployerMemberPolicy(approved_only=True)


async def _booth(request: Request) -> Exhibitor:
    return await leads.confirmed_booth(request.state.employer, int(request.path_params["event_id"]))


def _url(request: Request, name: str, event: Event) -> str:
    return request.url_for(f"employer:{name}", event_id=event.id).path


# --- the scanner ----------------------------------------------------------------------------------


async def _scanner_page(
    request: Request,
    exhibitor: Exhibitor,
    *,
    block: str | None = "result",
    scan: LeadScan | None = None,
    arrival: Arrival | None = None,
    error: str = "",
    status_code: int = 200,
) -> Response:
    """The scanner page, or with htmx (and the camera's fetch) the result card only."""
    event = exhibitor.event
    context: dict[str, Any] = {
        "employer": request.state.employer,
        "exhibitor": exhibitor,
        "event": event,
        "scanning_open": event.status in PUBLIC_STATUSES,
        "scan": scan,
        "arrival": arrival,
        "error": error,
        "focus_code": scan is not None or bool(error),
        "describe": leads.profile_text,
        "scan_url": _url(request, "lead_scanner", event),
        "leads_url": _url(request, "leads", event),
        "interviews_url": _url(request, "interviews", event),
    }
    if block is None or request.headers.get("hx-request") != "true":
        context["schedule"] = await day_schedule(exhibitor)
    response = request.app.state.renderer.page(
        request, SCANNER, context, status_code=status_code, block=block
    )
    response.headers["Cache-Control"] = "no-store"  # names of visitors
    return response


@requires(APPROVED_MEMBERS)
async def lead_scanner(request: Request) -> Response:
    """GET: the booth's scanner. POST `code`: record the visitor and show what may be seen."""
    exhibitor = await _booth(request)
    if request.method != "POST":
        return await _scanner_page(request, exhibitor, block=None)
    fields = await form_fields(request)
    try:
        found = await scan_at_booth(
            exhibitor,
            fields.get("code", "")[:CODE_MAX_LENGTH],
            secret_key=request.app.state.settings.secret_key,
            by=signed_in_user(request),
        )
    except LeadScanRefused as refusal:
        return await _scanner_page(
            request, exhibitor, error=refusal.message, status_code=refusal.status_code
        )
    return await _scanner_page(request, exhibitor, scan=found.scan, arrival=found.arrival)


# --- the list of leads ----------------------------------------------------------------------------


def _leads_page(
    request: Request,
    exhibitor: Exhibitor,
    rows: list[LeadRow],
    *,
    failed: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    event = exhibitor.event
    context: dict[str, Any] = {
        "employer": request.state.employer,
        "exhibitor": exhibitor,
        "event": event,
        "rows": rows,
        "shared_count": sum(1 for row in rows if row.profile is not None),
        "failed": failed,
        "flash": pop_flash(request),
        "describe": leads.profile_text,
        "scan_url": _url(request, "lead_scanner", event),
        "export_url": _url(request, "leads_export", event),
    }
    return request.app.state.renderer.page(request, LEADS, context, status_code=status_code)


def _row_fragment(
    request: Request,
    exhibitor: Exhibitor,
    row: LeadRow,
    *,
    failed: dict[str, Any] | None = None,
    saved: bool = False,
    status_code: int = 200,
) -> Response:
    """One lead's card, for htmx to swap in place."""
    context: dict[str, Any] = {
        "exhibitor": exhibitor,
        "event": exhibitor.event,
        "row": row,
        "failed": failed,
        "saved": saved,
        "describe": leads.profile_text,
    }
    return request.app.state.renderer.page(
        request, LEADS, context, status_code=status_code, block="lead"
    )


@requires(APPROVED_MEMBERS)
async def leads_list(request: Request) -> Response:
    exhibitor = await _booth(request)
    return _leads_page(request, exhibitor, await leads.fair_leads(exhibitor))


@requires(APPROVED_MEMBERS)
async def lead_update(request: Request) -> Response:
    """POST `note` and `rating`: saved, then back to the lead in the list (303), or with htmx
    the lead's card; 422 with the card's form and the message next to the field."""
    exhibitor = await _booth(request)
    lead_id = int(request.path_params["lead_id"])
    fields = await form_fields(request)
    note, rating = fields.get("note", ""), fields.get("rating", "")
    htmx = request.headers.get("hx-request") == "true"
    try:
        row = await leads.annotate_lead(exhibitor, lead_id, note, rating)
    except ValidationFailed as failure:
        failed = {"lead_id": lead_id, "errors": failure.errors, "note": note, "rating": rating}
        if htmx:
            row = await leads.fair_lead(exhibitor, lead_id)
            return _row_fragment(request, exhibitor, row, failed=failed, status_code=422)
        rows = await leads.fair_leads(exhibitor)
        return _leads_page(request, exhibitor, rows, failed=failed, status_code=422)
    if htmx:
        return _row_fragment(request, exhibitor, row, saved=True)
    target = f"{_url(request, 'leads', exhibitor.event)}#lead-{lead_id}"
    return redirect_with_flash(request, target, "saved")


# --- exports --------------------------------------------------------------------------------------


@requires(APPROVED_MEMBERS)
async def leads_export(request: Request) -> Response:
    """GET ?format=csv|xlsx: the booth's leads as a file, headers in the reader's language."""
    exhibitor = await _booth(request)
    file_format = request.query_params.get("format", "csv")
    if file_format not in {"csv", "xlsx"}:
        raise NotFound(UNKNOWN_FORMAT)
    headers, cells = leads.export_table(await leads.fair_leads(exhibitor))
    if file_format == "csv":
        content = exports.csv_bytes(headers, cells)
    else:
        content = exports.xlsx_bytes(
            headers,
            cells,
            sheet_title=gettext(SHEET_TITLE),
            right_to_left=current_language().direction == "rtl",
        )
    slug = safe_name(exhibitor.event.slug, str(exhibitor.event.id))
    filename = f"leads-{slug}-{datetime.now(UTC).strftime('%Y%m%d')}.{file_format}"
    return download(content, filename)
