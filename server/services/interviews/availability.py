"""What a person may book at a fair, and the interviews they hold there: the booking page behind
their personal link, and the organisers' help desk for one person.

A person sees their own bookings and nobody else's; of the slots, only how many places are
left. Slots they cannot book are left out: full, closed, started, of a booth whose audience does
not take them, overlapping an interview they hold, or of a run they hold a place in already (they
move that place instead). The page costs the same number of queries
whatever the number of slots (`tests/test_query_budgets_interviews.py`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime

from tortoise.expressions import F

from server.errors import NotFound
from server.i18n import lazy
from server.models import Attendee, Event, InterviewBooking, InterviewSlot, Registration
from server.models.enums import (
    EmployerStatus,
    ExhibitorStatus,
    InterviewBookingStatus,
    InterviewOutcome,
    RegistrationStatus,
)
from server.services.employers.offers import open_offers
from server.services.interviews import rules
from server.services.interviews.audience import person_at_fair

UNKNOWN_PERSON = lazy("This person is not registered for the fair.")


@dataclass(frozen=True)
class SlotChoice:
    slot_id: int
    starts_at: datetime
    ends_at: datetime
    free: int  # places left


@dataclass(frozen=True)
class BoothChoice:
    """One run of slots the person may book: a company's booth, for an offer or in general."""

    schedule_id: int
    company: str
    booth_label: str
    offer_title: str  # "" for the booth in general
    length_minutes: int
    slots: tuple[SlotChoice, ...]


@dataclass(frozen=True)
class HeldInterview:
    """One of the person's interviews at the fair."""

    booking_id: int
    starts_at: datetime
    ends_at: datetime
    company: str
    booth_label: str
    offer_title: str
    arrived_at: datetime | None
    outcome: InterviewOutcome | None
    changeable: bool  # still to come, not arrived, no outcome: may be moved or cancelled
    moves: tuple[SlotChoice, ...]  # other free times of the same run, to move to


@dataclass(frozen=True)
class FairInterviews:
    fair: Event
    registered: bool  # confirmed for the fair: without it, nothing can be booked
    interviews: tuple[HeldInterview, ...]
    choices: tuple[BoothChoice, ...]
    limit: int
    held: int

    @property
    def at_limit(self) -> bool:
        return self.held >= self.limit


async def fair_interviews(
    attendee: Attendee, fair: Event, *, now: datetime | None = None
) -> FairInterviews:
    """The person's interviews at `fair` and the runs of slots they may book (seven queries)."""
    now = now or datetime.now(UTC)
    person = await person_at_fair(attendee, fair)
    limit = await rules.bookings_per_person(fair)
    held = (
        await InterviewBooking.filter(
            attendee_id=attendee.id,
            status=InterviewBookingStatus.BOOKED,
            slot__event_id=fair.id,
        )
        .select_related("slot__schedule__offer", "slot__exhibitor__employer")
        .order_by("slot__starts_at", "id")
    )
    slots = (
        await InterviewSlot.filter(
            event_id=fair.id,
            closed_at__isnull=True,
            starts_at__gt=now,
            booked__lt=F("places"),
            exhibitor__status=ExhibitorStatus.CONFIRMED,
            exhibitor__employer__status=EmployerStatus.APPROVED,
        )
        .select_related("schedule__offer", "exhibitor__employer")
        .order_by("starts_at", "id")
    )
    open_offer_ids = set(
        await open_offers()
        .filter(interview_schedules__exhibitor__event_id=fair.id)
        .values_list("id", flat=True)
    )
    busy = [(booking.slot.starts_at, booking.slot.ends_at) for booking in held]
    runs: dict[int, list[SlotChoice]] = defaultdict(list)
    schedules = {}
    for slot in slots:
        schedule = slot.schedule
        offer_id = schedule.offer_id  # type: ignore[attr-defined]
        if offer_id and offer_id not in open_offer_ids:
            continue
        if not person.admitted(schedule, slot.exhibitor.employer_id):  # type: ignore[attr-defined]
            continue
        schedules[schedule.id] = slot
        choice = SlotChoice(slot.id, slot.starts_at, slot.ends_at, slot.places - slot.booked)
        runs[schedule.id].append(choice)
    interviews = tuple(_held(booking, now, runs, busy) for booking in held)
    choices = [
        BoothChoice(
            schedule_id,
            first.exhibitor.employer.name,
            first.exhibitor.booth_label,
            first.schedule.offer.title if first.schedule.offer else "",
            first.schedule.length_minutes,
            tuple(choice for choice in runs[schedule_id] if not _overlaps(choice, busy)),
        )
        for schedule_id, first in schedules.items()
    ]
    choices.sort(key=lambda run: (run.booth_label, run.company, run.offer_title, run.schedule_id))
    # A run where the person holds a place already is changed by moving that place.
    held_runs = {booking.slot.schedule_id for booking in held}  # type: ignore[attr-defined]
    return FairInterviews(
        fair=fair,
        registered=person.registered,
        interviews=interviews,
        choices=tuple(
            choice for choice in choices if choice.slots and choice.schedule_id not in held_runs
        ),
        limit=limit,
        held=len(held),
    )


def _overlaps(choice: SlotChoice, busy: list[tuple[datetime, datetime]]) -> bool:
    return any(start < choice.ends_at and end > choice.starts_at for start, end in busy)


def _held(
    booking: InterviewBooking,
    now: datetime,
    runs: dict[int, list[SlotChoice]],
    busy: list[tuple[datetime, datetime]],
) -> HeldInterview:
    slot = booking.slot
    changeable = slot.starts_at > now and booking.arrived_at is None and booking.outcome is None
    others = [(start, end) for start, end in busy if (start, end) != (slot.starts_at, slot.ends_at)]
    moves = tuple(
        choice
        for choice in runs.get(slot.schedule_id, ())  # type: ignore[attr-defined]
        if choice.slot_id != slot.id and not _overlaps(choice, others)
    )
    return HeldInterview(
        booking_id=booking.id,
        starts_at=slot.starts_at,
        ends_at=slot.ends_at,
        company=slot.exhibitor.employer.name,
        booth_label=slot.exhibitor.booth_label,
        offer_title=slot.schedule.offer.title if slot.schedule.offer else "",
        arrived_at=booking.arrived_at,
        outcome=booking.outcome,
        changeable=changeable,
        moves=moves if changeable else (),
    )


async def registered_person(fair: Event, registration_id: int) -> Attendee:
    """The person of a confirmed registration for `fair`, for the help desk; NotFound for
    another fair's registration, a cancelled one or an unknown id."""
    registration = (
        await Registration.filter(
            id=registration_id, event_id=fair.id, status=RegistrationStatus.CONFIRMED
        )
        .select_related("attendee")
        .first()
    )
    if registration is None:
        raise NotFound(UNKNOWN_PERSON)
    return registration.attendee
