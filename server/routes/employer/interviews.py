"""The employer's interviews at a fair: open slots at its booth, invite candidates to
invitation-only ones, and record how each interview went.

Only an approved company's members, and only at a fair where the company has a confirmed booth:
any other fair, another booth's interview or run answers 404, as the lead pages do. Candidates
are shown through their shared profile only (`server.services.employers.shared_profile`).
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from server.errors import ValidationFailed
from server.i18n.labels import label
from server.models import Exhibitor
from server.models.enums import InterviewAudience, InterviewOutcome
from server.services.employers import leads
from server.services.employers.interests import InterestRefused
from server.services.interviews import at_booth, invitations, slots
from server.services.interviews.at_booth import OutcomeRefused
from server.services.interviews.slots import SlotsForm, SlotsRefused
from server.values.formatting import local_date
from server.web.forms import form_fields
from server.web.policies import EmployerMemberPolicy, requires
from server.web.security import signed_in_user

INTERVIEWS = "pages/employer/interviews.html"
FLASH_KEY = "interviews_flash"
APPROVED_MEMBERS = EmployerMemberPolicy(approved_only=True)
FORM_FIELDS = ("offer", "day", "starts", "ends", "length", "interviewers", "audience")


async def _booth(request: Request) -> Exhibitor:
    exhibitor = await leads.confirmed_booth(
        request.state.employer, int(request.path_params["event_id"])
    )
    exhibitor.employer = request.state.employer
    return exhibitor


def _here(request: Request, exhibitor: Exhibitor, anchor: str = "") -> str:
    path = request.url_for("employer:interviews", event_id=exhibitor.event.id).path
    return f"{path}#{anchor}" if anchor else path


async def _page(
    request: Request,
    exhibitor: Exhibitor,
    *,
    form: SlotsForm | None = None,
    errors: dict[str, str] | None = None,
    failed: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    employer = request.state.employer
    fair = exhibitor.event
    schedules = await slots.booth_schedules(exhibitor)
    by_invitation = any(view.schedule.audience == InterviewAudience.INVITED for view in schedules)
    context: dict[str, Any] = {
        "employer": employer,
        "exhibitor": exhibitor,
        "event": fair,
        "form": form or SlotsForm(day=slots.fair_days(fair)[0].isoformat()),
        "errors": errors or {},
        "failed": failed,
        "flash": request.session.pop(FLASH_KEY, None),
        "schedules": schedules,
        "offer_options": [(str(o.id), o.title) for o in await slots.opening_offers(employer)],
        "posted_offers": [(str(o.id), o.title) for o in await slots.posted_offers(employer)],
        "candidates": await invitations.invitable_candidates(exhibitor) if by_invitation else [],
        "day_options": [(day.isoformat(), local_date(day)) for day in slots.fair_days(fair)],
        "audience_options": [(value.value, label(value)) for value in InterviewAudience],
        "outcome_options": [(value.value, label(value)) for value in InterviewOutcome],
        "describe": leads.profile_text,
        "scan_url": request.url_for("employer:lead_scanner", event_id=fair.id).path,
    }
    response = request.app.state.renderer.page(
        request, INTERVIEWS, context, status_code=status_code
    )
    response.headers["Cache-Control"] = "no-store"  # names of candidates
    return response


def _back(request: Request, exhibitor: Exhibitor, flash: str, anchor: str = "") -> Response:
    request.session[FLASH_KEY] = flash
    return RedirectResponse(_here(request, exhibitor, anchor), status_code=303)


@requires(APPROVED_MEMBERS)
async def interviews(request: Request) -> Response:
    """GET: the booth's interviews. POST: open a run of slots, then back to the page (303), or
    the form again with the message next to the field (422)."""
    exhibitor = await _booth(request)
    if request.method != "POST":
        return await _page(request, exhibitor)
    fields = await form_fields(request)
    form = SlotsForm(**{name: fields.get(name, "") for name in FORM_FIELDS})
    try:
        schedule = await slots.open_slots(exhibitor, form, by=signed_in_user(request))
    except ValidationFailed as failure:
        return await _page(request, exhibitor, form=form, errors=failure.errors, status_code=422)
    except SlotsRefused as refusal:
        errors = {"starts": refusal.message}
        return await _page(
            request, exhibitor, form=form, errors=errors, status_code=refusal.status_code
        )
    return _back(request, exhibitor, "opened", f"run-{schedule.id}")


@requires(APPROVED_MEMBERS)
async def interview_outcome(request: Request) -> Response:
    """POST `outcome` (and `offer`, for an interview at the booth in general): saved, and the
    candidate moved in the offer's pipeline; back to the interview (303), or the page with the
    message next to it (422, 409)."""
    exhibitor = await _booth(request)
    booking_id = int(request.path_params["booking_id"])
    fields = await form_fields(request)
    try:
        await at_booth.record_outcome(
            exhibitor,
            booking_id,
            fields.get("outcome", ""),
            fields.get("offer", ""),
            by=signed_in_user(request),
        )
    except ValidationFailed as failure:
        failed = {"booking_id": booking_id, "errors": failure.errors}
        return await _page(request, exhibitor, failed=failed, status_code=422)
    except (OutcomeRefused, InterestRefused) as refusal:
        failed = {"booking_id": booking_id, "errors": {"outcome": refusal.message}}
        return await _page(request, exhibitor, failed=failed, status_code=refusal.status_code)
    return _back(request, exhibitor, "outcome", f"booking-{booking_id}")


@requires(APPROVED_MEMBERS)
async def interview_invite(request: Request) -> Response:
    """POST `interest` (one or several): invite those candidates to the run; back to it (303),
    or the page with the message (422)."""
    exhibitor = await _booth(request)
    schedule_id = int(request.path_params["schedule_id"])
    form = await request.form()
    chosen = [value for value in form.getlist("interest") if isinstance(value, str)]
    try:
        await invitations.invite(exhibitor, schedule_id, chosen, by=signed_in_user(request))
    except ValidationFailed as failure:
        failed = {"schedule_id": schedule_id, "errors": failure.errors}
        return await _page(request, exhibitor, failed=failed, status_code=422)
    return _back(request, exhibitor, "invited", f"run-{schedule_id}")
