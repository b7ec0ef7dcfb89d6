"""The organiser's event pages: create and edit events and the sessions of a fair, move them
through their statuses, and define the questions of their sign-up form.

Every handler is for the organisers of the organisation in the path; an event of another
organisation answers 404, like an unknown one.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from server.errors import ValidationFailed
from server.i18n import lazy
from server.i18n.labels import CITIES, label
from server.models import Event, Organisation
from server.models.enums import EventKind, EventStatus, QuestionKind
from server.routes.manage.outbox import text_delivery
from server.services.events import admin as event_admin
from server.services.events.admin import (
    CONTENT_LANGUAGES,
    SESSION_KINDS,
    TEXT_FIELDS,
    EventChangeRefused,
    EventForm,
    QuestionForm,
)
from server.services.outbox import pending_texts
from server.web.flash import pop_flash, redirect_with_flash
from server.web.forms import form_text
from server.web.policies import ORGANISERS, requires
from server.web.security import signed_in_user

EVENT_FORM = "pages/manage/event_form.html"
EVENT_DETAIL = "pages/manage/event_detail.html"
QUESTIONS = "pages/manage/questions.html"
PLAIN_FIELDS = (
    "kind",
    "city",
    "venue",
    "address",
    "room",
    "start_date",
    "start_time",
    "end_date",
    "end_time",
    "capacity",
    "opens_date",
    "opens_time",
    "closes_date",
    "closes_time",
)


async def _read_event_form(request: Request) -> EventForm:
    form = await request.form()
    texts = {
        name: {lang: form_text(form, f"{name}_{lang}") for lang in CONTENT_LANGUAGES}
        for name in TEXT_FIELDS
    }
    return EventForm(
        **{name: form_text(form, name) for name in PLAIN_FIELDS},
        **texts,
        waitlist_enabled=form.get("waitlist_enabled") == "yes",
        requires_approval=form.get("requires_approval") == "yes",
        tell_registered=form.get("keep_quiet") != "yes",
    )


async def _read_question_form(request: Request) -> QuestionForm:
    form = await request.form()
    return QuestionForm(
        kind=form_text(form, "kind"),
        label={lang: form_text(form, f"label_{lang}") for lang in CONTENT_LANGUAGES},
        choices={lang: form_text(form, f"choices_{lang}") for lang in CONTENT_LANGUAGES},
        required=form.get("required") == "yes",
    )


def _event_id(request: Request) -> int:
    return int(request.path_params["event_id"])


def _to_detail(request: Request, event: Event, flash: str) -> Response:
    target = request.url_for(
        "manage:event_detail", organisation=request.state.organisation.slug, event_id=event.id
    )
    return redirect_with_flash(request, target.path, flash)


def _form_page(
    request: Request,
    *,
    form: EventForm,
    errors: dict[str, str],
    action: str,
    event: Event | None = None,
    parent: Event | None = None,
    status_code: int = 200,
) -> Response:
    kinds = SESSION_KINDS if parent is not None else tuple(EventKind)
    context: dict[str, Any] = {
        "organisation": request.state.organisation,
        "form": form,
        "errors": errors,
        "action": action,
        "event": event,
        "parent": parent,
        "kind_options": [(kind.value, label(kind)) for kind in kinds],
        "cities": CITIES,
        "content_languages": CONTENT_LANGUAGES,
    }
    return request.app.state.renderer.page(request, EVENT_FORM, context, status_code=status_code)


@requires(ORGANISERS)
async def events_new(request: Request) -> Response:
    organisation: Organisation = request.state.organisation
    action = request.url_for("manage:events_new", organisation=organisation.slug).path
    if request.method == "GET":
        return _form_page(
            request, form=EventForm(kind=EventKind.JOB_FAIR.value), errors={}, action=action
        )
    form = await _read_event_form(request)
    try:
        event = await event_admin.create_event(organisation, form, user=signed_in_user(request))
    except ValidationFailed as failure:
        return _form_page(request, form=form, errors=failure.errors, action=action, status_code=422)
    return _to_detail(request, event, "created")


async def _detail_page(
    request: Request, event: Event, *, refusal: EventChangeRefused | None = None
) -> Response:
    context = {
        "organisation": request.state.organisation,
        "event": event,
        "sessions": list(event.sessions),
        "questions": list(event.questions),
        "next_statuses": event_admin.next_statuses(event),
        "flash": pop_flash(request),
        "refusal": refusal,
        "texts": text_delivery(
            request, await pending_texts(request.state.organisation, event_id=event.id)
        ),
    }
    status_code = refusal.status_code if refusal else 200
    return request.app.state.renderer.page(request, EVENT_DETAIL, context, status_code=status_code)


@requires(ORGANISERS)
async def event_detail(request: Request) -> Response:
    event = await event_admin.managed_event(request.state.organisation, _event_id(request))
    return await _detail_page(request, event)


@requires(ORGANISERS)
async def event_edit(request: Request) -> Response:
    organisation: Organisation = request.state.organisation
    event = await event_admin.managed_event(organisation, _event_id(request))
    event_admin.check_editable(event)  # answered by the error page: the status is final
    action = request.url_for(
        "manage:event_edit", organisation=organisation.slug, event_id=event.id
    ).path
    common = {"action": action, "event": event, "parent": event.parent}
    if request.method == "GET":
        return _form_page(request, form=EventForm.from_event(event), errors={}, **common)
    form = await _read_event_form(request)
    try:
        await event_admin.update_event(event, form, user=signed_in_user(request))
    except ValidationFailed as failure:
        return _form_page(request, form=form, errors=failure.errors, status_code=422, **common)
    return _to_detail(request, event, "updated")


@requires(ORGANISERS)
async def event_status(request: Request) -> Response:
    event = await event_admin.managed_event(request.state.organisation, _event_id(request))
    form = await request.form()
    status = form_text(form, "status")
    if status == EventStatus.CANCELLED and form.get("confirm") != "yes":
        refusal = EventChangeRefused(
            lazy("Tick the box to confirm that the event is cancelled."), code="not_confirmed"
        )
        return await _detail_page(request, event, refusal=refusal)
    try:
        await event_admin.change_status(event, status, user=signed_in_user(request))
    except EventChangeRefused as refusal:
        return await _detail_page(request, event, refusal=refusal)
    return _to_detail(request, event, f"status_{event.status.value}")


@requires(ORGANISERS)
async def session_new(request: Request) -> Response:
    organisation: Organisation = request.state.organisation
    fair = await event_admin.managed_event(organisation, _event_id(request))
    action = request.url_for(
        "manage:session_new", organisation=organisation.slug, event_id=fair.id
    ).path
    try:
        event_admin.check_can_hold_sessions(fair, organisation)
    except EventChangeRefused as refusal:
        return await _detail_page(request, fair, refusal=refusal)
    if request.method == "GET":
        form = EventForm.for_session_of(fair)
        return _form_page(request, form=form, errors={}, action=action, parent=fair)
    form = await _read_event_form(request)
    try:
        session = await event_admin.add_session(
            organisation, fair, form, user=signed_in_user(request)
        )
    except ValidationFailed as failure:
        return _form_page(
            request, form=form, errors=failure.errors, action=action, parent=fair, status_code=422
        )
    except EventChangeRefused as refusal:
        return await _detail_page(request, fair, refusal=refusal)
    return _to_detail(request, session, "session_created")


def _questions_page(
    request: Request,
    event: Event,
    *,
    form: QuestionForm,
    errors: dict[str, str],
    refusal: EventChangeRefused | None = None,
    status_code: int = 200,
) -> Response:
    context = {
        "organisation": request.state.organisation,
        "event": event,
        "questions": list(event.questions),
        "form": form,
        "errors": errors,
        "refusal": refusal,
        "flash": pop_flash(request),
        "kind_options": [(kind.value, label(kind)) for kind in QuestionKind],
        "content_languages": CONTENT_LANGUAGES,
    }
    return request.app.state.renderer.page(request, QUESTIONS, context, status_code=status_code)


def _to_questions(request: Request, event: Event, flash: str) -> Response:
    target = request.url_for(
        "manage:event_questions", organisation=request.state.organisation.slug, event_id=event.id
    )
    return redirect_with_flash(request, target.path, flash)


@requires(ORGANISERS)
async def event_questions(request: Request) -> Response:
    event = await event_admin.managed_event(request.state.organisation, _event_id(request))
    if request.method == "GET":
        return _questions_page(request, event, form=QuestionForm(), errors={})
    form = await _read_question_form(request)
    try:
        await event_admin.add_question(event, form, user=signed_in_user(request))
    except ValidationFailed as failure:
        return _questions_page(request, event, form=form, errors=failure.errors, status_code=422)
    except EventChangeRefused as refusal:
        return _questions_page(
            request, event, form=form, errors={}, refusal=refusal, status_code=refusal.status_code
        )
    return _to_questions(request, event, "question_added")


@requires(ORGANISERS)
async def question_delete(request: Request) -> Response:
    event = await event_admin.managed_event(request.state.organisation, _event_id(request))
    try:
        await event_admin.delete_question(
            event, int(request.path_params["question_id"]), user=signed_in_user(request)
        )
    except EventChangeRefused as refusal:
        return _questions_page(
            request,
            event,
            form=QuestionForm(),
            errors={},
            refusal=refusal,
            status_code=refusal.status_code,
        )
    return _to_questions(request, event, "question_deleted")
