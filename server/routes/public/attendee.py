"""Signing up for an event, and the person's own page behind their personal link."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from enum import StrEnum
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from server.codes.badges import make_badge_code
from server.documents.badges import badge_pdf
from server.documents.qr import qr_svg
from server.errors import ValidationFailed
from server.i18n import LANGUAGES, current_language, gettext, lazy, pick_text
from server.i18n.labels import CITIES, SECTORS, SPOKEN_LANGUAGES, countries, label
from server.models import CustomQuestion, Event
from server.models.enums import (
    EducationLevel,
    Gender,
    LegalStatus,
    QuestionKind,
    RegistrationStatus,
)
from server.routes.public.message_settings import whatsapp_offered
from server.services.events import catalogue as events
from server.services.events.questions import field_name, sign_up_questions
from server.services.interviews.personal import interview_lines
from server.services.registrations import privacy
from server.services.registrations.badges import attendee_badge
from server.services.registrations.lookup import registration_of, registrations_of
from server.services.registrations.message_choices import channel_choices
from server.services.registrations.personal_link import resend_personal_link
from server.services.registrations.seats import RegistrationRefused, cancel
from server.services.registrations.signup import SignUpForm, sign_up
from server.services.reporting import feedback
from server.values.formatting import local_time
from server.web.downloads import download
from server.web.flash import pop_flash
from server.web.policies import PERSONAL_LINK, Anyone, requires

TEXT_FIELDS = (
    "phone",
    "first_name",
    "last_name",
    "email",
    "gender",
    "birth_year",
    "nationality",
    "legal_status",
    "city",
    "education_level",
)
CHECKBOX_GROUPS = ("languages", "sectors", "session_ids")


async def _read_form(request: Request) -> SignUpForm:
    form = await request.form()
    text = {name: str(form.get(name, "")) for name in TEXT_FIELDS}
    groups = {name: [str(v) for v in form.getlist(name)] for name in CHECKBOX_GROUPS}
    return SignUpForm(
        **text,
        **groups,
        consent_processing=form.get("consent_processing") == "yes",
        consent_share=form.get("consent_share") == "yes",
        answers={k: str(v) for k, v in form.items() if k.startswith("q_")},
    )


def _options(values: Iterable[StrEnum]) -> list[tuple[str, str]]:
    return [(value.value, label(value)) for value in values]


def _question_fields(questions: list[CustomQuestion]) -> list[dict[str, Any]]:
    """What the template needs to draw each organiser question: name, text, kind, options."""
    fields = []
    for question in questions:
        options: list[tuple[str, str]] = []
        if question.kind == QuestionKind.YES_NO:
            options = [("yes", gettext("Yes")), ("no", gettext("No"))]
        elif question.kind == QuestionKind.CHOICE:
            options = [(str(i), pick_text(choice)) for i, choice in enumerate(question.choices)]
        fields.append(
            {
                "name": field_name(question),
                "label": pick_text(question.label),
                "kind": question.kind.value,
                "required": question.required,
                "options": options,
            }
        )
    return fields


def _form_context(
    event: Event,
    sessions: list[Event],
    form: SignUpForm,
    errors: dict[str, str],
    questions: list[CustomQuestion],
) -> dict[str, Any]:
    language = current_language().code
    return {
        "questions": _question_fields(questions),
        "event": event,
        "form": form,
        "errors": errors,
        "sessions": sessions,
        "sessions_options": [
            (str(s.id), f"{local_time(s.starts_at)} · {pick_text(s.title)}") for s in sessions
        ],
        "gender_options": _options(Gender),
        "legal_status_options": _options(LegalStatus),
        "education_options": _options(EducationLevel),
        "countries": countries(language),
        "city_options": [(city, city) for city in CITIES],
        "language_options": [(code, gettext(name)) for code, name in SPOKEN_LANGUAGES.items()],
        "sector_options": [(code, gettext(name)) for code, name in SECTORS.items()],
    }


def _client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _text_allowed(request: Request) -> Callable[[str], Awaitable[bool]]:
    """The caps on texts caused by anonymous requests, for this request's address."""
    allowance = request.app.state.text_allowance
    address = _client_address(request)
    return lambda phone: allowance.allow(phone, address)


def _personal_link(request: Request, token: str) -> str:
    """The link sent in messages: the configured public address, never the Host header."""
    base_url = request.app.state.settings.base_url.rstrip("/")
    return base_url + request.url_for("me", token=token).path


@requires(Anyone())
async def sign_up_page(request: Request) -> Response:
    renderer = request.app.state.renderer
    event = await events.public_event(request.path_params["slug"])
    sessions = sorted(event.sessions, key=lambda session: session.starts_at)
    questions = await sign_up_questions(event)
    if request.method == "GET":
        context = _form_context(event, sessions, SignUpForm(), {}, questions)
        return renderer.page(request, "pages/signup.html", context)
    form = await _read_form(request)
    language = current_language().code
    try:
        outcome = await sign_up(
            event,
            sessions,
            form,
            language=language,
            countries={c for c, _ in countries(language)},
            personal_link=lambda token: _personal_link(request, token),
            questions=questions,
            text_allowed=_text_allowed(request),
        )
    except ValidationFailed as failure:
        context = _form_context(event, sessions, form, failure.errors, questions)
        return renderer.page(request, "pages/signup.html", context, status_code=422)
    except RegistrationRefused as refusal:
        context = _form_context(event, sessions, form, {}, questions) | {"refusal": refusal}
        return renderer.page(request, "pages/signup.html", context, status_code=409)
    if outcome.personal_token is None:
        target = request.url_for("signed_up", slug=event.slug)
        return RedirectResponse(target.path, status_code=303)
    target = request.url_for("me", token=outcome.personal_token)
    return RedirectResponse(f"{target.path}?welcome={event.slug}", status_code=303)


@requires(Anyone())
async def signed_up(request: Request) -> Response:
    """For a phone number already known: the data stays behind the personal link."""
    event = await events.public_event(request.path_params["slug"])
    return request.app.state.renderer.page(request, "pages/signed_up.html", {"event": event})


def _back_to_personal_page(request: Request) -> Response:
    target = request.url_for("me", token=request.path_params["token"])
    return RedirectResponse(target.path, status_code=303)


@requires(PERSONAL_LINK)
async def personal_page(request: Request) -> Response:
    attendee = request.state.attendee
    registrations = await registrations_of(attendee)
    secret = request.app.state.settings.secret_key
    badges = {
        registration.id: qr_svg(
            make_badge_code(secret, registration.event_id, registration.id),
            title=registration.badge_serial,
        )
        for registration in registrations
        if registration.status == RegistrationStatus.CONFIRMED
    }
    return request.app.state.renderer.page(
        request,
        "pages/me.html",
        {
            "attendee": attendee,
            "registrations": registrations,
            "badges": badges,
            "feedback_due": await feedback.events_awaiting_feedback(registrations),
            "interviews": await interview_lines(attendee),
            "token": request.path_params["token"],
            "welcome": request.query_params.get("welcome"),
            "channel_choices": channel_choices(attendee, whatsapp=whatsapp_offered(request)),
            "flash": pop_flash(request),
        },
    )


@requires(PERSONAL_LINK)
async def cancel_registration(request: Request) -> Response:
    registration = await registration_of(
        request.state.attendee, request.path_params["registration"]
    )
    await cancel(registration.id)
    return _back_to_personal_page(request)


@requires(PERSONAL_LINK)
async def change_language(request: Request) -> Response:
    """The language of the messages we send, and of the pages from now on."""
    code = str((await request.form()).get("language", ""))
    await privacy.set_preferred_language(request.state.attendee, code)
    response = _back_to_personal_page(request)
    if code in LANGUAGES:
        response.headers["location"] += f"?lang={code}"
    return response


@requires(PERSONAL_LINK)
async def my_data(request: Request) -> Response:
    data = await privacy.personal_data(request.state.attendee)
    return request.app.state.renderer.page(
        request,
        "pages/my_data.html",
        {"data": data, "token": request.path_params["token"], "errors": {}},
    )


@requires(PERSONAL_LINK)
async def delete_my_data(request: Request) -> Response:
    attendee = request.state.attendee
    if (await request.form()).get("confirm") != "yes":
        data = await privacy.personal_data(attendee)
        errors = {"confirm": lazy("Tick the box to confirm that you want your data deleted.")}
        return request.app.state.renderer.page(
            request,
            "pages/my_data.html",
            {"data": data, "token": request.path_params["token"], "errors": errors},
            status_code=422,
        )
    await privacy.anonymise(attendee.id)
    return RedirectResponse(request.url_for("data_deleted").path, status_code=303)


@requires(Anyone())
async def data_deleted(request: Request) -> Response:
    return request.app.state.renderer.page(request, "pages/data_deleted.html")


@requires(Anyone())
async def resend_link(request: Request) -> Response:
    """Ask for the personal link again: it is sent to the number on file, never shown here."""
    renderer = request.app.state.renderer
    if request.method == "GET":
        return renderer.page(request, "pages/resend_link.html", {"phone": "", "errors": {}})
    phone = str((await request.form()).get("phone", ""))
    try:
        await resend_personal_link(
            phone,
            link_for=lambda token: _personal_link(request, token),
            allowance=request.app.state.text_allowance,
            address=_client_address(request),
        )
    except ValidationFailed as failure:
        context = {"phone": phone, "errors": failure.errors}
        return renderer.page(request, "pages/resend_link.html", context, status_code=422)
    return renderer.page(request, "pages/resend_link.html", {"sent": True, "errors": {}})


@requires(PERSONAL_LINK)
async def badge_download(request: Request) -> Response:
    """The person's badge as an A6 PDF, to print or keep on the phone."""
    badge = await attendee_badge(
        request.state.attendee,
        request.path_params["registration"],
        secret_key=request.app.state.settings.secret_key,
        language=current_language().code,
    )
    pdf = await run_in_threadpool(badge_pdf, badge)
    return download(pdf, f"badge-{badge.serial}.pdf")
