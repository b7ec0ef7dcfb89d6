"""Taking a seat, joining the waiting list, cancelling: the rules of DESIGN §4.

No overbooking, whatever the number of people signing up at once, on SQLite and PostgreSQL: a seat
is taken by one conditional UPDATE (`seats_taken < capacity`), which the database decides
atomically; whoever does not get a seat gets the next waiting position from a counter bumped in
the same transaction. On PostgreSQL that UPDATE locks the event row until the transaction ends,
and on SQLite the transaction holds the write lock (BEGIN IMMEDIATE), so positions come out in
order, without gaps or duplicates.

Every change of a registration's state is a conditional UPDATE on the state it was read in
(`move`), and every seat moves through `take_seat` and `give_back_seat`: a caller that loses a
race reads the row again instead of writing over what another transaction decided. On
PostgreSQL a cancellation and a promotion of the same waiting person do run side by side.
"""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import F, Q
from tortoise.transactions import in_transaction

from server.codes.serials import new_badge_serial
from server.errors import AppError
from server.i18n import lazy
from server.models import Attendee, Event, Registration
from server.models.enums import EventStatus, RegistrationSource, RegistrationStatus
from server.notifications import queue_confirmation, queue_promotion
from server.services.interviews.booking import release_registration_bookings

ACTIVE_STATUSES = (
    RegistrationStatus.CONFIRMED,
    RegistrationStatus.WAITLISTED,
    RegistrationStatus.PENDING,
)
SERIAL_ATTEMPTS = 5  # 30 random bits: a second draw is already rare


class RegistrationRefused(AppError):
    """Sign-up is not possible; `code` says why (`not_open`, `closed`, `full`)."""

    status_code = 409


def check_open(event: Event, now: datetime) -> None:
    """Raise RegistrationRefused unless `event` takes sign-ups at `now`."""
    if event.status != EventStatus.PUBLISHED:
        raise RegistrationRefused(lazy("Registration for this event is closed."), code="closed")
    if event.registration_opens_at and now < event.registration_opens_at:
        raise RegistrationRefused(
            lazy("Registration for this event is not open yet."), code="not_open"
        )
    if (event.registration_closes_at and now >= event.registration_closes_at) or (
        now >= event.ends_at
    ):
        raise RegistrationRefused(lazy("Registration for this event is closed."), code="closed")


async def take_seat(event_id: int) -> bool:
    """Take one seat if one is left: a single conditional UPDATE, true when it succeeded."""
    changed = await Event.filter(
        Q(capacity__isnull=True) | Q(seats_taken__lt=F("capacity")), id=event_id
    ).update(seats_taken=F("seats_taken") + 1)
    return changed == 1


async def give_back_seat(event_id: int) -> None:
    """Free a seat taken by `take_seat`. Call in the transaction that took it, or for a
    registration that stopped holding it."""
    await Event.filter(id=event_id).update(seats_taken=F("seats_taken") - 1)


async def move(registration_id: int, read_status: RegistrationStatus, **values: Any) -> bool:
    """Write `values` to a registration still in the state it was read in (`read_status`); false
    when another transaction changed it first, and nothing was written."""
    changed = await Registration.filter(id=registration_id, status=read_status).update(**values)
    return changed == 1


class Seating(StrEnum):
    """What became of a waiting person offered a seat (`seat_waiting`)."""

    SEATED = "seated"
    NO_SEAT_FREE = "no_seat_free"
    NOT_WAITING = "not_waiting"  # promoted, cancelled or seated by someone else meanwhile


async def seat_waiting(registration_id: int, event_id: int) -> Seating:
    """Give a person on the waiting list a seat, if one is free and they are still waiting.

    The promotion after a cancellation and the door (a waiting person who turns up) both move
    people this way. The seat is taken first, then the person moved on their waiting state; a
    person no longer waiting gives the seat back. Call inside a transaction.
    """
    if not await take_seat(event_id):
        return Seating.NO_SEAT_FREE
    if await move(
        registration_id,
        RegistrationStatus.WAITLISTED,
        status=RegistrationStatus.CONFIRMED,
        waitlist_position=None,
    ):
        return Seating.SEATED
    await give_back_seat(event_id)
    return Seating.NOT_WAITING


async def next_waiting_position(event_id: int) -> int:
    """Hand out the next waiting position. Call inside a transaction: the UPDATE holds the
    event row (PostgreSQL) or the write lock (SQLite) until it ends, so no two callers get the
    same number."""
    await Event.filter(id=event_id).update(waitlist_last_position=F("waitlist_last_position") + 1)
    return await Event.get(id=event_id).values_list("waitlist_last_position", flat=True)  # type: ignore[return-value]


async def register(
    event: Event,
    attendee_id: int,
    *,
    source: RegistrationSource = RegistrationSource.ONLINE,
    answers: dict[str, str] | None = None,
    now: datetime | None = None,
) -> tuple[Registration, bool]:
    """Register an attendee: a seat if one is left, else the waiting list; for an event that
    asks for approval, an online sign-up waits for the organiser's decision instead.

    Returns the registration and whether it is new; signing up again returns the existing active
    registration unchanged. Raises RegistrationRefused (`not_open`, `closed`, `full`).
    """
    now = now or datetime.now(UTC)
    existing = await Registration.get_or_none(
        event_id=event.id, attendee_id=attendee_id, status__in=ACTIVE_STATUSES
    )
    if existing is not None:
        return existing, False
    if source != RegistrationSource.WALK_IN:
        check_open(event, now)
    try:
        async with in_transaction():
            if event.requires_approval and source == RegistrationSource.ONLINE:
                status, position = RegistrationStatus.PENDING, None
            else:
                status, position = await _place(event, source)
            registration = await _save(event.id, attendee_id, status, position, source, answers)
    except (IntegrityError, _SignedUpMeanwhile):
        # The same person signed up twice at the same instant: the unique constraint, or the
        # revival of their cancelled row, kept one.
        existing = await Registration.get(event_id=event.id, attendee_id=attendee_id)
        return existing, False
    return registration, True


async def _place(event: Event, source: RegistrationSource) -> tuple[RegistrationStatus, int | None]:
    """A seat if one is left, else the next waiting position. Call inside a transaction."""
    if await take_seat(event.id):
        return RegistrationStatus.CONFIRMED, None
    if event.waitlist_enabled and source != RegistrationSource.WALK_IN:
        return RegistrationStatus.WAITLISTED, await next_waiting_position(event.id)
    raise RegistrationRefused(lazy("This event is full and has no waiting list."), code="full")


class AlreadyDecided(AppError):
    status_code = 409
    code = "already_decided"


async def approve(registration_id: int) -> Registration:
    """Accept a sign-up that waited for approval: a seat if one is left, else the waiting list;
    the person is told. Raises RegistrationRefused (`full`) or AlreadyDecided."""
    async with in_transaction():
        registration = await Registration.get(id=registration_id).select_related("event")
        if registration.status != RegistrationStatus.PENDING:
            raise AlreadyDecided(lazy("This registration has already been decided."))
        status, position = await _place(registration.event, registration.source)
        if not await move(
            registration_id, RegistrationStatus.PENDING, status=status, waitlist_position=position
        ):  # decided by someone else meanwhile: the seat taken above is given back
            raise AlreadyDecided(lazy("This registration has already been decided."))
        await registration.refresh_from_db()
        attendee = await Attendee.get(id=registration.attendee_id)
        await queue_confirmation(attendee, [registration])
    return registration


async def decline(registration_id: int, *, now: datetime | None = None) -> None:
    """Turn down a sign-up that waited for approval. Raises AlreadyDecided."""
    if not await move(
        registration_id,
        RegistrationStatus.PENDING,
        status=RegistrationStatus.CANCELLED,
        cancelled_at=now or datetime.now(UTC),
    ):
        raise AlreadyDecided(lazy("This registration has already been decided."))


class _SignedUpMeanwhile(Exception):
    """Another sign-up of the same person revived their cancelled registration first."""


async def _save(
    event_id: int,
    attendee_id: int,
    status: RegistrationStatus,
    position: int | None,
    source: RegistrationSource,
    answers: dict[str, str] | None,
) -> Registration:
    """Insert the row, or revive a cancelled one (the pair event–attendee is unique)."""
    fields = {
        "status": status,
        "waitlist_position": position,
        "source": source,
        "answers": answers or {},
        "cancelled_at": None,
        "created_at": datetime.now(UTC),
    }
    cancelled = await Registration.get_or_none(
        event_id=event_id, attendee_id=attendee_id, status=RegistrationStatus.CANCELLED
    )
    if cancelled is not None:
        if not await move(cancelled.id, RegistrationStatus.CANCELLED, **fields):
            raise _SignedUpMeanwhile
        return await Registration.get(id=cancelled.id)
    for _ in range(SERIAL_ATTEMPTS):
        serial = new_badge_serial()
        if not await Registration.exists(badge_serial=serial):
            break
    return await Registration.create(
        event_id=event_id, attendee_id=attendee_id, badge_serial=serial, **fields
    )


async def cancel(registration_id: int, *, now: datetime | None = None) -> Registration | None:
    """Cancel a registration; a freed seat goes to the first person waiting, and the person's
    interviews still to come at the fair give their places back.

    Returns the promoted registration, if any. Cancelling twice changes nothing. The row is
    moved on the state it was read in: a waiting person promoted by someone else's cancellation
    at the same instant is read again, found confirmed, and their seat is freed, so whoever is
    told "cancelled" holds no seat.
    """
    now = now or datetime.now(UTC)
    async with in_transaction():
        while True:
            registration = await Registration.get(id=registration_id)
            if registration.status == RegistrationStatus.CANCELLED:
                return None
            if await move(
                registration_id,
                registration.status,
                status=RegistrationStatus.CANCELLED,
                cancelled_at=now,
                waitlist_position=None,
            ):
                break
        if registration.status != RegistrationStatus.CONFIRMED:
            return None
        await give_back_seat(registration.event_id)
        await release_registration_bookings(registration_id, now=now)
        return await promote_first_waiting(registration.event_id)


async def promote_first_waiting(event_id: int) -> Registration | None:
    """Give a free seat to the first person in line, and queue the news for them. Call inside
    a transaction."""
    while True:
        first = (
            await Registration.filter(event_id=event_id, status=RegistrationStatus.WAITLISTED)
            .order_by("waitlist_position")
            .first()
        )
        if first is None:
            return None
        seating = await seat_waiting(first.id, event_id)
        if seating == Seating.NO_SEAT_FREE:
            return None
        if seating == Seating.SEATED:
            registration = await Registration.get(id=first.id)
            await queue_promotion(registration)
            return registration
        # That person left the line in between: try the next one.
