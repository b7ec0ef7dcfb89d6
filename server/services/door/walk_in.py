"""A person who turns up at the door without a registration: registered and checked in at once.

Organisers and check-in staff use it. The person is found by phone number or created; the
registration's source is `walk-in` (a person already registered online keeps theirs and is just
checked in). The check-in is decided by one conditional UPDATE on `checked_in_at IS NULL`
(DESIGN §4), so two doors typing the same person at the same instant check them in once, and
each entry leaves one append-only CheckIn row.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from tortoise.transactions import in_transaction

from server.errors import AppError, ValidationFailed
from server.i18n import lazy
from server.models import Attendee, Event, Registration, User
from server.models.enums import (
    EventStatus,
    Gender,
    RegistrationSource,
    RegistrationStatus,
)
from server.services.action_log import log_action
from server.services.door.checkin import GATE_MAX_LENGTH, admit
from server.services.registrations.people import find_or_create_attendee
from server.services.registrations.seats import (
    RegistrationRefused,
    Seating,
    register,
    seat_waiting,
)
from server.services.registrations.signup import NAME_MAX_LENGTH
from server.values.phones import INVALID_PHONE, normalise_phone

WALK_IN_STATUSES = (EventStatus.PUBLISHED, EventStatus.CLOSED)


@dataclass
class WalkInForm:
    """What the door form sends, as typed. Nationality and legal status are not asked at the
    door: the queue must move."""

    phone: str = ""
    first_name: str = ""
    last_name: str = ""
    gender: str = Gender.UNDISCLOSED.value
    gate: str = ""
    consent_processing: bool = False


class WalkInRefused(AppError):
    """The person cannot come in as a walk-in; `code` says why (`not_open`, `full`,
    `waitlisted`, `pending`, `cancelled`)."""

    status_code = 409


class AlreadyCheckedIn(AppError):
    """The person has already come in: when and by which door."""

    status_code = 409
    code = "already_checked_in"

    def __init__(self, name: str, checked_in_at: datetime | None, gate: str) -> None:
        super().__init__(lazy("This person is already checked in."))
        self.name = name
        self.checked_in_at = checked_in_at
        self.gate = gate


@dataclass(frozen=True)
class WalkInOutcome:
    attendee: Attendee
    registration: Registration
    new_registration: bool  # False for a person who had registered beforehand


@dataclass(frozen=True)
class Admitted:
    """Who just came in, for the message shown to the staff at the door."""

    name: str
    badge_serial: str
    source: RegistrationSource


async def admitted(event: Event, registration_id: int) -> Admitted | None:
    """The person checked in by a registration of `event`, or None (not theirs, not in)."""
    registration = (
        await Registration.filter(
            id=registration_id, event_id=event.id, checked_in_at__isnull=False
        )
        .select_related("attendee")
        .first()
    )
    if registration is None:
        return None
    return Admitted(registration.attendee.full_name, registration.badge_serial, registration.source)


def validate(form: WalkInForm) -> dict[str, str]:
    """Field name → message for everything wrong in the form (empty when it is fine)."""
    errors: dict[str, str] = {}
    if not form.phone.strip():
        errors["phone"] = lazy("Enter the phone number.")
    elif normalise_phone(form.phone) is None:
        errors["phone"] = INVALID_PHONE
    if not form.first_name.strip():
        errors["first_name"] = lazy("Enter the first name.")
    elif len(form.first_name.strip()) > NAME_MAX_LENGTH:
        errors["first_name"] = lazy("This is too long.")
    if not form.last_name.strip():
        errors["last_name"] = lazy("Enter the last name.")
    elif len(form.last_name.strip()) > NAME_MAX_LENGTH:
        errors["last_name"] = lazy("This is too long.")
    if form.gender not in {gender.value for gender in Gender}:
        errors["gender"] = lazy("Choose an answer from the list.")
    if len(form.gate.strip()) > GATE_MAX_LENGTH:
        errors["gate"] = lazy("Name the door in 40 characters at most.")
    if not form.consent_processing:
        errors["consent_processing"] = lazy(
            "The person must agree that we keep their registration before we can sign them up."
        )
    return errors


async def register_walk_in(
    event: Event, form: WalkInForm, *, staff: User | None, now: datetime | None = None
) -> WalkInOutcome:
    """Register the person at the door and check them in.

    Raises ValidationFailed (field errors), WalkInRefused (the event does not take walk-ins now,
    it is full, or the person's registration cannot be used) or AlreadyCheckedIn (nothing is
    written then).
    """
    errors = validate(form)
    if errors:
        raise ValidationFailed(errors)
    if event.status not in WALK_IN_STATUSES:
        raise WalkInRefused(
            lazy("Walk-ins can be registered only for a published or closed event."),
            code="not_open",
        )
    now = now or datetime.now(UTC)
    gate = form.gate.strip()
    phone = normalise_phone(form.phone)
    assert phone is not None  # validate() refused any other
    # One unit of work: a refusal (full event) leaves no half-made person behind.
    async with in_transaction():
        attendee, _ = await find_or_create_attendee(
            phone,
            {
                "first_name": form.first_name.strip(),
                "last_name": form.last_name.strip(),
                "gender": form.gender,
                "consent_processing_at": now,
            },
        )
        try:
            registration, created = await register(
                event, attendee.id, source=RegistrationSource.WALK_IN, now=now
            )
        except RegistrationRefused as refusal:
            if refusal.code == "full":
                raise WalkInRefused(
                    lazy("The event is full: there is no seat left for a walk-in."), code="full"
                ) from refusal
            raise
        registration = await _seat(registration, event)
        entered = await _enter(registration, event, gate=gate, staff=staff, now=now)
        if entered:
            if created:
                await log_action(
                    "event.registration.walk_in",
                    "registration",
                    registration.id,
                    user=staff,
                    organisation_id=event.organisation_id,  # type: ignore[attr-defined]
                    data={"event": event.id, "gate": gate},
                )
            await Attendee.filter(id=attendee.id).update(last_activity_at=now)
    current = await Registration.get(id=registration.id)
    if not entered:
        raise AlreadyCheckedIn(attendee.full_name, current.checked_in_at, current.checked_in_gate)
    return WalkInOutcome(attendee, current, created)


async def _seat(registration: Registration, event: Event) -> Registration:
    """A confirmed registration for the person at the door. Someone on the waiting list gets a
    seat if one is free (the door decides among those who came); otherwise WalkInRefused.
    Call inside the walk-in's transaction."""
    if registration.status == RegistrationStatus.CONFIRMED:
        return registration
    if registration.status == RegistrationStatus.WAITLISTED:
        if await seat_waiting(registration.id, event.id) != Seating.NO_SEAT_FREE:
            # Seated here, or moved by someone else meanwhile: the row says which.
            current = await Registration.get(id=registration.id)
            if current.status != RegistrationStatus.WAITLISTED:
                return await _seat(current, event)
        raise WalkInRefused(
            lazy("This person is on the waiting list and no seat is free."), code="waitlisted"
        )
    if registration.status == RegistrationStatus.PENDING:
        raise WalkInRefused(
            lazy("This person's registration is awaiting an organiser's approval."),
            code="pending",
        )
    raise WalkInRefused(lazy("This registration is cancelled."), code="cancelled")


async def _enter(
    registration: Registration, event: Event, *, gate: str, staff: User | None, now: datetime
) -> bool:
    """Check the person in unless they already are; true when this call let them in."""
    return await admit(registration.id, event, gate=gate, staff=staff, now=now)
