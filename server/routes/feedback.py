"""Feedback after an event: attendees answer through their personal link or the short link on the
poster at the exit (with the code printed on their badge), exhibitors from the employer portal;
organisers print the poster from `server.routes.manage.poster`.

After an answer, a 303 leads back to the same address, which then thanks the person (a session
key says which event was just rated).
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from server.errors import RateLimited, ValidationFailed
from server.models import Event, Exhibitor, Registration
from server.services.events.catalogue import PUBLIC_STATUSES
from server.services.reporting import feedback
from server.services.reporting.feedback import FeedbackRefused
from server.web.flash import pop_flash, redirect_with_flash
from server.web.forms import form_text
from server.web.policies import (
    PERSONAL_LINK,
    Anyone,
    EmployerMemberPolicy,
    requires,
)

FEEDBACK = "pages/feedback.html"
FORM_FIELDS = ("rating", "comment", "serial")


def _page(
    request: Request,
    event: Event,
    context: dict[str, Any],
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    refusal: FeedbackRefused | None = None,
    rate_limited: RateLimited | None = None,
    thanks: bool = False,
    status_code: int = 200,
) -> Response:
    page = {
        "event": event,
        "values": values or {},
        "errors": errors or {},
        "refusal": refusal,
        "rate_limited": rate_limited,
        "thanks": thanks,
    }
    response = request.app.state.renderer.page(
        request, FEEDBACK, context | page, status_code=status_code
    )
    if rate_limited is not None:
        response.headers["Retry-After"] = str(rate_limited.retry_after)
    return response


async def _form_values(request: Request) -> dict[str, str]:
    form = await request.form()
    return {name: form_text(form, name) for name in FORM_FIELDS}


def _thanked(request: Request, event: Event) -> bool:
    """Whether this page follows the person's answer (and forget it: once only)."""
    return pop_flash(request) == event.id


def _after_answer(request: Request, event: Event, action: str) -> Response:
    return redirect_with_flash(request, action, event.id)


async def _answer(
    request: Request,
    event: Event,
    context: dict[str, Any],
    *,
    registration: Registration | None = None,
    exhibitor: Exhibitor | None = None,
) -> Response:
    """The form of a person already known (by personal link or employer account): GET shows
    it, or why they cannot answer; POST records the answer."""
    if request.method == "GET":
        if _thanked(request, event):
            return _page(request, event, context, thanks=True)
        try:
            await feedback.check_may_answer(event, registration=registration, exhibitor=exhibitor)
        except FeedbackRefused as refusal:
            return _page(request, event, context, refusal=refusal)
        return _page(request, event, context)
    values = await _form_values(request)
    try:
        await feedback.give_feedback(
            event,
            registration=registration,
            exhibitor=exhibitor,
            rating=values["rating"],
            comment=values["comment"],
        )
    except ValidationFailed as failure:
        return _page(request, event, context, values=values, errors=failure.errors, status_code=422)
    except FeedbackRefused as refusal:
        return _page(request, event, context, refusal=refusal, status_code=refusal.status_code)
    return _after_answer(request, event, context["action"])


@requires(PERSONAL_LINK)
async def me_feedback(request: Request) -> Response:
    """An attendee rates an event they came to, from their personal link."""
    token = request.path_params["token"]
    registration = await feedback.attendee_registration(
        request.state.attendee.id, int(request.path_params["event_id"])
    )
    event = registration.event
    context = {
        "mode": "personal",
        "action": request.url_for("me_feedback", token=token, event_id=event.id).path,
        "back_url": request.url_for("me", token=token).path,
    }
    return await _answer(request, event, context, registration=registration)


@requires(EmployerMemberPolicy(approved_only=True))
async def exhibitor_feedback(request: Request) -> Response:
    """An exhibitor rates a fair where it had a confirmed booth."""
    exhibitor = await feedback.fair_exhibitor(
        request.state.employer, int(request.path_params["event_id"])
    )
    event = exhibitor.event
    context = {
        "mode": "exhibitor",
        "employer": request.state.employer,
        "action": request.url_for("employer:feedback", event_id=event.id).path,
        "back_url": request.url_for("employer:fairs").path,
    }
    return await _answer(request, event, context, exhibitor=exhibitor)


@requires(Anyone())
async def event_feedback(request: Request) -> Response:
    """The short link on the exit poster: the person names themselves by their badge's code.

    A code that leads to no checked-in registration of the event gets one answer whatever the
    reason, and one address may try only a few such codes (see services.feedback).
    """
    event = await feedback.feedback_event(request.path_params["slug"])
    action = request.url_for("event_feedback", slug=event.slug).path
    back_url = (
        request.url_for("event", slug=event.slug).path
        if event.status in PUBLIC_STATUSES
        else request.url_for("home").path
    )
    context = {"mode": "badge", "action": action, "back_url": back_url}
    if request.method == "GET":
        if _thanked(request, event):
            return _page(request, event, context, thanks=True)
        try:
            feedback.check_feedback_open(event)
        except FeedbackRefused as refusal:
            return _page(request, event, context, refusal=refusal)
        return _page(request, event, context)
    values = await _form_values(request)
    try:
        await feedback.give_feedback_with_badge(
            event,
            values["serial"],
            rating=values["rating"],
            comment=values["comment"],
            address=request.client.host if request.client else "unknown",
            store=request.app.state.failure_store,
        )
    except ValidationFailed as failure:
        return _page(request, event, context, values=values, errors=failure.errors, status_code=422)
    except RateLimited as limited:
        return _page(
            request,
            event,
            context,
            values=values,
            rate_limited=limited,
            status_code=limited.status_code,
        )
    except FeedbackRefused as refusal:
        return _page(request, event, context, refusal=refusal, status_code=refusal.status_code)
    return _after_answer(request, event, action)
