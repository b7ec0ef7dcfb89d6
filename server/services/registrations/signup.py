"""A person signs up for an event (and sessions of a fair) with a phone number."""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime

from tortoise.transactions import in_transaction

from server.codes.tokens import hash_token
from server.errors import ValidationFailed
from server.i18n import lazy
from server.i18n.labels import SECTORS, SPOKEN_LANGUAGES
from server.models import Attendee, CustomQuestion, Event, Registration
from server.models.enums import EducationLevel, Gender, LegalStatus
from server.notifications import queue_confirmation
from server.services.events.questions import check_answers
from server.services.registrations.people import find_or_create_attendee
from server.services.registrations.seats import RegistrationRefused, register
from server.values.emails import is_valid_email, normalise_email
from server.values.numbers import parse_count
from server.values.phones import INVALID_PHONE, normalise_phone

FIRST_BIRTH_YEAR = 1940
NAME_MAX_LENGTH = 100  # the columns' sizes: longer text is refused next to the field
CITY_MAX_LENGTH = 80
YOUNGEST_AGE = 15


@dataclass
class SignUpForm:
    """What the sign-up form sends, as typed (lists for the checkbox groups)."""

    phone: str = ""
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    gender: str = Gender.UNDISCLOSED.value
    birth_year: str = ""
    nationality: str = ""
    legal_status: str = LegalStatus.UNDISCLOSED.value
    city: str = ""
    education_level: str = EducationLevel.UNDISCLOSED.value
    languages: list[str] = field(default_factory=list)
    sectors: list[str] = field(default_factory=list)
    session_ids: list[str] = field(default_factory=list)
    answers: dict[str, str] = field(default_factory=dict)  # form field "q_<id>" → text
    consent_processing: bool = False
    consent_share: bool = False


@dataclass(frozen=True)
class SignUpOutcome:
    attendee: Attendee
    registrations: list[Registration]
    personal_token: str | None  # shown once, to a person who just created their record
    already_registered: bool


def validate(
    form: SignUpForm,
    *,
    sessions: list[Event],
    countries: set[str],
    questions: Sequence[CustomQuestion] = (),
) -> dict[str, str]:
    """Field name → message for everything wrong in the form (empty when it is fine)."""
    errors: dict[str, str] = {}
    if not form.phone.strip():
        errors["phone"] = lazy("Enter your phone number.")
    elif normalise_phone(form.phone) is None:
        errors["phone"] = INVALID_PHONE
    if not form.first_name.strip():
        errors["first_name"] = lazy("Enter your first name.")
    if not form.last_name.strip():
        errors["last_name"] = lazy("Enter your last name.")
    email = normalise_email(form.email)
    if email and not is_valid_email(email):
        errors["email"] = lazy("This e-mail address is not valid.")
    if form.birth_year.strip():
        this_year = datetime.now(UTC).year
        year = parse_count(form.birth_year)
        if year is None or not FIRST_BIRTH_YEAR <= year <= this_year - YOUNGEST_AGE:
            errors["birth_year"] = lazy("Enter a year of birth such as 1995.")
    for name in ("first_name", "last_name"):
        if len(getattr(form, name).strip()) > NAME_MAX_LENGTH:
            errors[name] = lazy("This is too long.")
    if len(form.city.strip()) > CITY_MAX_LENGTH:
        errors["city"] = lazy("This is too long.")
    if form.nationality and form.nationality not in countries:
        errors["nationality"] = lazy("Choose a country from the list.")
    for name, enum in (
        ("gender", Gender),
        ("legal_status", LegalStatus),
        ("education_level", EducationLevel),
    ):
        if getattr(form, name) not in {member.value for member in enum}:
            errors[name] = lazy("Choose an answer from the list.")
    if not set(form.languages) <= set(SPOKEN_LANGUAGES) or not set(form.sectors) <= set(SECTORS):
        errors["languages"] = lazy("Choose an answer from the list.")
    session_ids = {str(session.id) for session in sessions}
    if not set(form.session_ids) <= session_ids:
        errors["session_ids"] = lazy("Choose sessions of this event only.")
    errors |= check_answers(list(questions), form.answers)[1]
    if not form.consent_processing:
        errors["consent_processing"] = lazy(
            "We need your agreement to keep your registration. Without it we cannot sign you up."
        )
    return errors


async def sign_up(
    event: Event,
    sessions: list[Event],
    form: SignUpForm,
    *,
    language: str,
    countries: set[str],
    personal_link: Callable[[str], str] | None = None,
    questions: Sequence[CustomQuestion] = (),
    text_allowed: Callable[[str], Awaitable[bool]] | None = None,
) -> SignUpOutcome:
    """Register a person for `event` and the chosen sessions.

    The person is found by phone number, or created (`find_or_create_attendee`, which also
    settles two first sign-ups of one number at once). Someone already registered gets their
    registration back, not a second one. A new registration queues its confirmation, with the
    personal link (`personal_link(token)`) for a person just created; by text only when
    `text_allowed(phone)` agrees (the caps on anonymous requests, counted before the transaction
    so that simultaneous sign-ups count each other). Raises ValidationFailed (field errors) or
    RegistrationRefused (closed, full).
    """
    errors = validate(form, sessions=sessions, countries=countries, questions=questions)
    if errors:
        raise ValidationFailed(errors)
    answers = check_answers(list(questions), form.answers)[0]
    phone = normalise_phone(form.phone)
    assert phone is not None  # validate() refused any other
    now = datetime.now(UTC)
    new_token = secrets.token_urlsafe(24)
    profile = {
        "first_name": form.first_name.strip(),
        "last_name": form.last_name.strip(),
        "email": normalise_email(form.email) or None,
        "gender": form.gender,
        "birth_year": parse_count(form.birth_year),
        "nationality": form.nationality,
        "legal_status": form.legal_status,
        "city": form.city.strip(),
        "languages": sorted(set(form.languages)),
        "education_level": form.education_level,
        "sectors": sorted(set(form.sectors)),
        "preferred_language": language,
        "consent_processing_at": now,
        "consent_share_at": now if form.consent_share else None,
        "access_token_hash": hash_token(new_token),
    }
    texts = await text_allowed(phone) if text_allowed else True
    async with in_transaction():
        attendee, new_person = await find_or_create_attendee(phone, profile)
        # The link of a person already known is only ever sent to them, never shown here.
        token = new_token if new_person else None
        main, created = await register(event, attendee.id, answers=answers)
        registrations = [main]
        for session in sessions:
            if str(session.id) in form.session_ids:
                try:
                    registrations.append((await register(session, attendee.id))[0])
                except RegistrationRefused:
                    continue  # a full or closed session does not undo the fair sign-up
        if created:
            link = personal_link(token) if token and personal_link else None
            await queue_confirmation(attendee, registrations, personal_link=link, texts=texts)
        await Attendee.filter(id=attendee.id).update(last_activity_at=now)
    return SignUpOutcome(attendee, registrations, token, already_registered=not created)
