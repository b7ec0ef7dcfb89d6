"""Booking, moving and cancelling an interview place: the race-safe verbs.

A person books a slot of a confirmed booth (of an approved company) at a published fair, before
the slot starts, when they are confirmed for the fair and the schedule's audience admits them
(`audience`); for an offer's interviews, while the offer is open. They hold at most the fair's
limit of places (`rules`), never two places at overlapping times, and one place at most in a
run of slots (the same company's interviews for the same offer).

The races are decided by the database, on SQLite and PostgreSQL alike:

- The last places of a slot: one conditional UPDATE (`booked < places`, the slot still open)
  takes a place. Whoever finds none is refused `full` and offered the booth's next free slots.
- One person's bookings: the person's quota row at the fair is updated first (`held` below the
  limit), which decides the limit and, holding that row until the transaction ends, makes that
  person's bookings wait for each other: the overlap check that follows sees every place they
  hold, so two bookings sent at once for overlapping slots (or for two times of one run) make
  one booking.
- Cancelling and moving change a booking by an UPDATE conditional on the state it was read in
  (booked, not arrived, no outcome): a second cancellation changes nothing.

Locks are always taken in the same order (the quota row, then bookings, then slots by ascending
id), so two transactions never wait for each other in a circle.

Each booking and move queues its confirmation in the outbox in the same transaction, and writes
an ActionLog row (`interview.booked`, `interview.moved`, `interview.cancelled`).

Errors: BookingRefused with a stable `code` (`not_registered`, `not_open`, `started`,
`not_allowed`, `limit_reached`, `overlap`, `already_booked`, `full`, `changed`), NotFound.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from tortoise.expressions import F
from tortoise.transactions import in_transaction

from server.errors import AppError, NotFound
from server.i18n import lazy
from server.models import (
    Attendee,
    Event,
    InterviewBooking,
    InterviewQuota,
    InterviewSlot,
    Organisation,
    User,
)
from server.models.enums import (
    EmployerStatus,
    EventStatus,
    ExhibitorStatus,
    InterviewBookingStatus,
)
from server.notifications import interview_messages, queue_notice
from server.services.action_log import log_action
from server.services.employers.offers import open_offers
from server.services.interviews import rules
from server.services.interviews.audience import PersonAtFair, person_at_fair

# A booking made less than this before its slot gets no separate reminder: its confirmation is.
REMINDER_LEAD = timedelta(hours=1)
ALTERNATIVES = 3  # free slots offered to someone refused

NOT_REGISTERED = lazy("Register for the fair first: interviews are for its visitors.")
NOT_OPEN = lazy("This interview time is no longer open.")
STARTED = lazy("This interview time has already started.")
NOT_ALLOWED = lazy("This company's interviews are not open to you.")
LIMIT_REACHED = lazy("You already hold as many interviews as this fair allows.")
OVERLAP = lazy("You already have an interview at that time.")
ALREADY_BOOKED = lazy("You already have one of these interviews: move it to change its time.")
FULL = lazy("Someone took the last place at this time.")
CHANGED = lazy("This interview can no longer be changed.")
UNKNOWN_SLOT = lazy("This interview time does not exist.")
UNKNOWN_BOOKING = lazy("This interview does not exist.")


@dataclass(frozen=True)
class FreeSlot:
    """A slot with places left, as offered to a person."""

    slot_id: int
    starts_at: datetime
    ends_at: datetime
    free: int
    company: str
    booth_label: str


class BookingRefused(AppError):
    """A booking, move or cancellation that cannot be made; `code` says why (see the module).
    `alternatives` are the next free slots of the booth the person may book instead."""

    status_code = 409

    def __init__(self, message: str, *, code: str, alternatives: Sequence[FreeSlot] = ()) -> None:
        super().__init__(message, code=code)
        self.alternatives = list(alternatives)


# --- reading a slot -------------------------------------------------------------------------------


async def _slot(slot_id: int) -> InterviewSlot:
    slot = (
        await InterviewSlot.filter(id=slot_id)
        .select_related("schedule__offer", "exhibitor__employer", "event")
        .first()
    )
    if slot is None:
        raise NotFound(UNKNOWN_SLOT)
    return slot


async def _check_bookable(slot: InterviewSlot, person: PersonAtFair, now: datetime) -> None:
    """Raise BookingRefused unless `person` may take a place in `slot` now (places aside)."""
    if not person.registered:
        raise BookingRefused(NOT_REGISTERED, code="not_registered")
    fair, exhibitor = slot.event, slot.exhibitor
    offer_id = slot.schedule.offer_id  # type: ignore[attr-defined]
    if (
        fair.status != EventStatus.PUBLISHED
        or exhibitor.status != ExhibitorStatus.CONFIRMED
        or exhibitor.employer.status != EmployerStatus.APPROVED
        or slot.closed_at is not None
        or (offer_id and not await open_offers().filter(id=offer_id).exists())
    ):
        raise BookingRefused(NOT_OPEN, code="not_open")
    if slot.starts_at <= now:
        raise BookingRefused(STARTED, code="started")
    if not person.admitted(slot.schedule, exhibitor.employer_id):  # type: ignore[attr-defined]
        raise BookingRefused(NOT_ALLOWED, code="not_allowed")


# --- the verbs ------------------------------------------------------------------------------------


async def book_slot(
    attendee: Attendee,
    slot_id: int,
    *,
    fair: Event | None = None,
    by: User | None = None,
    now: datetime | None = None,
) -> InterviewBooking:
    """Take a place for `attendee` in a slot (of `fair`, when given); `by` is the organiser
    booking at the help desk.

    Raises BookingRefused (every code but `changed`; `full` and `overlap` with the next free
    slots) and NotFound for an unknown slot or another fair's.
    """
    now = now or datetime.now(UTC)
    slot = await _slot(slot_id)
    if fair is not None and slot.event_id != fair.id:  # type: ignore[attr-defined]
        raise NotFound(UNKNOWN_SLOT)
    person = await person_at_fair(attendee, slot.event)
    await _check_bookable(slot, person, now)
    limit = await rules.bookings_per_person(slot.event)
    await _ensure_quota(slot.event_id, attendee.id)  # type: ignore[attr-defined]
    try:
        async with in_transaction():
            taken = await InterviewQuota.filter(
                event_id=slot.event_id,  # type: ignore[attr-defined]
                attendee_id=attendee.id,
                held__lt=limit,
            ).update(held=F("held") + 1)
            if not taken:
                raise BookingRefused(LIMIT_REACHED, code="limit_reached")
            booking = await _take_place(attendee, slot, person, by, now)
            await _confirm(attendee, slot, moved=False)
            await _log("interview.booked", booking, slot, by, {"slot": slot.id})
    except BookingRefused as refusal:
        raise await _with_alternatives(refusal, attendee, slot, person, now) from None
    return booking


async def move_booking(
    attendee: Attendee,
    booking_id: int,
    slot_id: int,
    *,
    fair: Event | None = None,
    by: User | None = None,
    now: datetime | None = None,
) -> InterviewBooking:
    """Move one of the person's bookings (at `fair`, when given) to another slot of the same
    fair: the old place is freed and the new one taken in one transaction, or nothing changes.
    The number of places held stays the same, so the fair's limit does not apply. Raises
    BookingRefused and NotFound (an unknown slot, another person's booking or another fair's
    slot)."""
    now = now or datetime.now(UTC)
    booking = await _changeable_booking(attendee, booking_id, now, fair)
    slot = await _slot(slot_id)
    if slot.event_id != booking.slot.event_id or slot.id == booking.slot_id:  # type: ignore[attr-defined]
        raise NotFound(UNKNOWN_SLOT)
    person = await person_at_fair(attendee, slot.event)
    await _check_bookable(slot, person, now)
    try:
        async with in_transaction():
            await _lock_person(slot.event_id, attendee.id)  # type: ignore[attr-defined]
            await _release(booking, now)
            moved = await _take_place(attendee, slot, person, by, now, released=booking)
            await _confirm(attendee, slot, moved=True)
            await _log("interview.moved", moved, slot, by, {"from": booking.id, "slot": slot.id})
    except BookingRefused as refusal:
        raise await _with_alternatives(refusal, attendee, slot, person, now) from None
    return moved


async def cancel_booking(
    attendee: Attendee,
    booking_id: int,
    *,
    fair: Event | None = None,
    by: User | None = None,
    now: datetime | None = None,
) -> None:
    """Give a place back (of a booking at `fair`, when given), until the interview starts (not
    after the person arrived or an outcome was recorded). Raises BookingRefused `changed` and
    NotFound (another person's booking, another fair's)."""
    now = now or datetime.now(UTC)
    booking = await _changeable_booking(attendee, booking_id, now, fair)
    event_id = booking.slot.event_id  # type: ignore[attr-defined]
    async with in_transaction():
        await InterviewQuota.filter(event_id=event_id, attendee_id=attendee.id).update(
            held=F("held") - 1
        )
        await _release(booking, now)
        await InterviewSlot.filter(id=booking.slot_id).update(booked=F("booked") - 1)  # type: ignore[attr-defined]
        await _log("interview.cancelled", booking, booking.slot, by, {})


async def release_registration_bookings(registration_id: int, *, now: datetime) -> int:
    """Give back the places of the interviews still to come of a registration being cancelled
    (the person left the fair). Call inside the cancellation's transaction. Returns how many."""
    rows = (
        await InterviewBooking.filter(
            registration_id=registration_id,
            status=InterviewBookingStatus.BOOKED,
            outcome__isnull=True,
            arrived_at__isnull=True,
            slot__starts_at__gt=now,
        )
        .order_by("slot_id")
        .values("id", "slot_id", "attendee_id", "slot__event_id")
    )
    if not rows:
        return 0
    await _lock_person(rows[0]["slot__event_id"], rows[0]["attendee_id"])
    released = 0
    for row in rows:
        cancelled = await InterviewBooking.filter(
            id=row["id"], status=InterviewBookingStatus.BOOKED
        ).update(status=InterviewBookingStatus.CANCELLED, cancelled_at=now)
        if cancelled:
            await InterviewSlot.filter(id=row["slot_id"]).update(booked=F("booked") - 1)
            released += 1
    if released:
        await InterviewQuota.filter(
            event_id=rows[0]["slot__event_id"], attendee_id=rows[0]["attendee_id"]
        ).update(held=F("held") - released)
    return released


# --- the steps ------------------------------------------------------------------------------------


async def _ensure_quota(event_id: int, attendee_id: int) -> None:
    """The person's quota row at the fair, made once: one INSERT that a simultaneous one (from
    the same person's other booking) leaves alone."""
    await InterviewQuota.bulk_create(
        [InterviewQuota(event_id=event_id, attendee_id=attendee_id)], ignore_conflicts=True
    )


async def _lock_person(event_id: int, attendee_id: int) -> None:
    """Hold the person's quota row until the transaction ends, without changing it."""
    await InterviewQuota.filter(event_id=event_id, attendee_id=attendee_id).update(held=F("held"))


async def _take_place(
    attendee: Attendee,
    slot: InterviewSlot,
    person: PersonAtFair,
    by: User | None,
    now: datetime,
    *,
    released: InterviewBooking | None = None,
) -> InterviewBooking:
    """Check the person is free at that time, take a place in `slot` and write the booking.
    Call inside a transaction that holds the person's quota row (the overlap check relies on
    it), after `released` (a move's old place) was given back."""
    overlapping = await InterviewBooking.filter(
        attendee_id=attendee.id,
        status=InterviewBookingStatus.BOOKED,
        slot__starts_at__lt=slot.ends_at,
        slot__ends_at__gt=slot.starts_at,
    ).exists()
    if overlapping:
        raise BookingRefused(OVERLAP, code="overlap")
    if await InterviewBooking.exists(
        attendee_id=attendee.id,
        status=InterviewBookingStatus.BOOKED,
        slot__schedule_id=slot.schedule_id,  # type: ignore[attr-defined]
    ):
        raise BookingRefused(ALREADY_BOOKED, code="already_booked")
    if released is not None and released.slot_id < slot.id:  # type: ignore[attr-defined]
        await InterviewSlot.filter(id=released.slot_id).update(booked=F("booked") - 1)  # type: ignore[attr-defined]
    taken = await InterviewSlot.filter(
        id=slot.id, closed_at__isnull=True, booked__lt=F("places")
    ).update(booked=F("booked") + 1)
    if not taken:
        raise BookingRefused(FULL, code="full")
    if released is not None and released.slot_id > slot.id:  # type: ignore[attr-defined]
        await InterviewSlot.filter(id=released.slot_id).update(booked=F("booked") - 1)  # type: ignore[attr-defined]
    assert person.registration is not None
    return await InterviewBooking.create(
        slot_id=slot.id,
        attendee_id=attendee.id,
        registration_id=person.registration.id,
        booked_by_id=by.id if by else None,
        # Close to the interview, the confirmation is the reminder.
        reminder_queued_at=now if slot.starts_at - now <= REMINDER_LEAD else None,
    )


async def _release(booking: InterviewBooking, now: datetime) -> None:
    """Mark the booking cancelled if it is still as it was read (its place is given back by the
    caller, in slot order). Raises BookingRefused `changed`."""
    cancelled = await InterviewBooking.filter(
        id=booking.id,
        status=InterviewBookingStatus.BOOKED,
        arrived_at__isnull=True,
        outcome__isnull=True,
    ).update(status=InterviewBookingStatus.CANCELLED, cancelled_at=now)
    if not cancelled:
        raise BookingRefused(CHANGED, code="changed")


async def _changeable_booking(
    attendee: Attendee, booking_id: int, now: datetime, fair: Event | None
) -> InterviewBooking:
    """One of the person's bookings that they may still move or cancel."""
    booking = (
        await InterviewBooking.filter(id=booking_id, attendee_id=attendee.id)
        .select_related("slot__event")
        .first()
    )
    if booking is None or (fair is not None and booking.slot.event_id != fair.id):  # type: ignore[attr-defined]
        raise NotFound(UNKNOWN_BOOKING)
    if (
        booking.status != InterviewBookingStatus.BOOKED
        or booking.arrived_at is not None
        or booking.outcome is not None
        or booking.slot.starts_at <= now
    ):
        raise BookingRefused(CHANGED, code="changed")
    return booking


async def _confirm(attendee: Attendee, slot: InterviewSlot, *, moved: bool) -> None:
    fair = slot.event
    organisation = await Organisation.get(id=fair.organisation_id).values_list("name", flat=True)  # type: ignore[attr-defined]
    notice = interview_messages.booking_confirmation(
        attendee, interview_messages.details_of(slot, str(organisation)), moved=moved
    )
    await queue_notice(attendee, notice, organisation_id=fair.organisation_id)  # type: ignore[attr-defined]


async def _with_alternatives(
    refusal: BookingRefused,
    attendee: Attendee,
    slot: InterviewSlot,
    person: PersonAtFair,
    now: datetime,
) -> BookingRefused:
    if refusal.code in {"full", "overlap"}:
        refusal.alternatives = await next_free_slots(attendee, slot, person, now)
    return refusal


async def next_free_slots(
    attendee: Attendee, slot: InterviewSlot, person: PersonAtFair, now: datetime
) -> list[FreeSlot]:
    """The booth's next slots with places left that the person may book and is free for, from
    the time of `slot` on (two queries)."""
    candidates = (
        await InterviewSlot.filter(
            exhibitor_id=slot.exhibitor_id,  # type: ignore[attr-defined]
            closed_at__isnull=True,
            booked__lt=F("places"),
            starts_at__gte=max(now, slot.starts_at),
        )
        .exclude(id=slot.id)
        .select_related("schedule")
        .order_by("starts_at", "id")
        .limit(50)
    )
    held = await InterviewBooking.filter(
        attendee_id=attendee.id, status=InterviewBookingStatus.BOOKED
    ).values_list("slot__starts_at", "slot__ends_at")
    employer_id = slot.exhibitor.employer_id  # type: ignore[attr-defined]
    found: list[FreeSlot] = []
    for candidate in candidates:
        if not person.admitted(candidate.schedule, employer_id) or any(
            start < candidate.ends_at and end > candidate.starts_at for start, end in held
        ):
            continue
        found.append(
            FreeSlot(
                candidate.id,
                candidate.starts_at,
                candidate.ends_at,
                candidate.places - candidate.booked,
                slot.exhibitor.employer.name,
                slot.exhibitor.booth_label,
            )
        )
        if len(found) == ALTERNATIVES:
            break
    return found


async def _log(
    action: str,
    booking: InterviewBooking,
    slot: InterviewSlot,
    user: User | None,
    data: dict[str, object],
) -> None:
    await log_action(
        action,
        "interview_booking",
        booking.id,
        user=user,
        organisation_id=slot.event.organisation_id,  # type: ignore[attr-defined]
        data={"event": slot.event_id, "exhibitor": slot.exhibitor_id, **data},  # type: ignore[attr-defined]
    )
