"""Interview slots: an employer opens them at its booth, reads its booth's schedule, and the
organisers close a booth's interviews.

An employer with a confirmed booth at a published fair that has not ended opens a run of slots
in one go (`open_slots`): for one of its open offers or for the booth in general, from a time
to a time of one of the fair's days and within its hours, every `length` minutes, each with as
many places as interviewers, for one audience (`server.services.interviews.audience`). Slots
already open stay as they are: a second run may sit beside the first (two interviewers for two
offers). Closing a booth's interviews (organisers) takes its slots still to come off the booking
pages: bookings already made stay, the employer is expected to hold them.

What the employer reads of a candidate goes through `shared_profile()` only.

Errors: ValidationFailed (the form's fields), SlotsRefused (`fair_not_open`), NotFound.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from tortoise.transactions import in_transaction

from server.errors import AppError, NotFound, ValidationFailed
from server.i18n import lazy
from server.models import (
    Employer,
    Event,
    Exhibitor,
    InterviewBooking,
    InterviewSchedule,
    InterviewSlot,
    Offer,
    User,
)
from server.models.enums import (
    EventStatus,
    InterviewAudience,
    InterviewBookingStatus,
    InterviewOutcome,
    OfferStatus,
)
from server.services.action_log import log_action, log_event_action
from server.services.employers.offers import open_offers
from server.services.employers.shared_profile import SharedProfile, shared_profile
from server.values.clock import EVENT_TIMEZONE
from server.values.numbers import parse_count

MIN_LENGTH, MAX_LENGTH = 5, 120  # minutes
MAX_INTERVIEWERS = 20
MAX_SLOTS = 100  # in one run: a day of five-minute interviews
# Offers an outcome may move a candidate in: those people could show interest in.
POSTED_OFFER_STATUSES = (OfferStatus.PUBLISHED, OfferStatus.CLOSED)

FAIR_NOT_OPEN = lazy("This fair has ended or is not published: no interviews can be opened.")
BAD_OFFER = lazy("Choose one of your published offers, or the booth in general.")
BAD_DAY = lazy("Choose a day of the fair.")
BAD_TIME = lazy("Enter a time such as 10:30.")
OUTSIDE_HOURS = lazy("Interviews must fit within the fair's opening hours.")
IN_THE_PAST = lazy("Choose a time still to come.")
END_BEFORE_START = lazy("The end must come after the start.")
BAD_LENGTH = lazy("Enter a length from 5 to 120 minutes.")
TOO_SHORT = lazy("The time range is shorter than one interview.")
TOO_MANY = lazy("That makes more than 100 interviews: open a shorter range.")
BAD_INTERVIEWERS = lazy("Enter a number of interviewers from 1 to 20.")
BAD_AUDIENCE = lazy("Choose who may book from the list.")
UNKNOWN_BOOTH = lazy("This booth does not exist.")


class SlotsRefused(AppError):
    """Slots cannot be opened at this booth now; `code` says why (`fair_not_open`)."""

    status_code = 409


# --- the employer opens slots ---------------------------------------------------------------------


@dataclass
class SlotsForm:
    """The form that opens slots, kept as typed so that a refused form comes back intact."""

    offer: str = ""
    day: str = ""
    starts: str = ""
    ends: str = ""
    length: str = "15"
    interviewers: str = "1"
    audience: str = InterviewAudience.REGISTERED.value


def fair_days(fair: Event) -> list[date]:
    """The days of the fair, in Morocco."""
    first = fair.starts_at.astimezone(EVENT_TIMEZONE).date()
    last = fair.ends_at.astimezone(EVENT_TIMEZONE).date()
    return [first + timedelta(days=offset) for offset in range((last - first).days + 1)]


async def opening_offers(employer: Employer) -> list[Offer]:
    """The employer's offers open on the board, which interviews may be opened for."""
    return await open_offers().filter(employer_id=employer.id).order_by("title", "id")


async def posted_offers(employer: Employer) -> list[Offer]:
    """The employer's published and closed offers, which an outcome may hire for."""
    return await Offer.filter(employer_id=employer.id, status__in=POSTED_OFFER_STATUSES).order_by(
        "title", "id"
    )


def _clock(text: str) -> time | None:
    text = text.strip()
    if len(text) != 5 or text[2] != ":":
        return None
    try:
        return time.fromisoformat(text)
    except ValueError:
        return None


def _day(text: str, fair: Event) -> date | None:
    try:
        day = date.fromisoformat(text.strip())
    except ValueError:
        return None
    return day if day in fair_days(fair) else None


async def _clean(
    exhibitor: Exhibitor, form: SlotsForm, now: datetime
) -> tuple[int | None, list[tuple[datetime, datetime]], int, int, InterviewAudience]:
    fair = exhibitor.event
    errors: dict[str, str] = {}
    offer_id = parse_count(form.offer) if form.offer.strip() else None
    if form.offer.strip() and (
        offer_id is None
        or not await open_offers().filter(id=offer_id, employer_id=exhibitor.employer_id).exists()  # type: ignore[attr-defined]
    ):
        errors["offer"] = BAD_OFFER
    day = _day(form.day, fair)
    if day is None:
        errors["day"] = BAD_DAY
    starts, ends = _clock(form.starts), _clock(form.ends)
    if starts is None:
        errors["starts"] = BAD_TIME
    if ends is None:
        errors["ends"] = BAD_TIME
    length = parse_count(form.length)
    if length is None or not MIN_LENGTH <= length <= MAX_LENGTH:
        errors["length"] = BAD_LENGTH
    interviewers = parse_count(form.interviewers)
    if interviewers is None or not 1 <= interviewers <= MAX_INTERVIEWERS:
        errors["interviewers"] = BAD_INTERVIEWERS
    if form.audience not in set(InterviewAudience):
        errors["audience"] = BAD_AUDIENCE
    times: list[tuple[datetime, datetime]] = []
    if day and starts and ends and length:
        first = datetime.combine(day, starts, tzinfo=EVENT_TIMEZONE).astimezone(UTC)
        last = datetime.combine(day, ends, tzinfo=EVENT_TIMEZONE).astimezone(UTC)
        step = timedelta(minutes=length)
        if last <= first:
            errors["ends"] = END_BEFORE_START
        elif first < fair.starts_at or last > fair.ends_at:
            errors["starts"] = OUTSIDE_HOURS
        elif first <= now:
            errors["starts"] = IN_THE_PAST
        else:
            count = (last - first) // step
            if count == 0:
                errors["ends"] = TOO_SHORT
            elif count > MAX_SLOTS:
                errors["ends"] = TOO_MANY
            times = [(first + step * n, first + step * (n + 1)) for n in range(count)]
    if errors:
        raise ValidationFailed(errors)
    assert length is not None and interviewers is not None
    return offer_id, times, length, interviewers, InterviewAudience(form.audience)


async def open_slots(
    exhibitor: Exhibitor, form: SlotsForm, *, by: User | None, now: datetime | None = None
) -> InterviewSchedule:
    """Open a run of slots at the booth (`exhibitor` loaded with its event, confirmed: the
    caller found it by `leads.confirmed_booth`). Logs `interview.slots.opened`. Raises
    SlotsRefused `fair_not_open` and ValidationFailed."""
    now = now or datetime.now(UTC)
    fair = exhibitor.event
    if fair.status != EventStatus.PUBLISHED or fair.ends_at <= now:
        raise SlotsRefused(FAIR_NOT_OPEN, code="fair_not_open")
    offer_id, times, length, interviewers, audience = await _clean(exhibitor, form, now)
    async with in_transaction():
        schedule = await InterviewSchedule.create(
            exhibitor_id=exhibitor.id,
            offer_id=offer_id,
            audience=audience,
            length_minutes=length,
            interviewers=interviewers,
            created_by_id=by.id if by else None,
        )
        await InterviewSlot.bulk_create(
            [
                InterviewSlot(
                    schedule_id=schedule.id,
                    exhibitor_id=exhibitor.id,
                    event_id=fair.id,
                    starts_at=start,
                    ends_at=end,
                    places=interviewers,
                )
                for start, end in times
            ]
        )
        await log_action(
            "interview.slots.opened",
            "interview_schedule",
            schedule.id,
            user=by,
            organisation_id=fair.organisation_id,  # type: ignore[attr-defined]
            data={"event": fair.id, "exhibitor": exhibitor.id, "slots": len(times)},
        )
    return schedule


# --- the booth's schedule, for its employer -------------------------------------------------------


@dataclass(frozen=True)
class BookedCandidate:
    """A booked place as the employer sees it: `profile` None for a person who did not agree to
    share it (shown as "Candidate #<booking_id>")."""

    booking_id: int
    profile: SharedProfile | None
    arrived_at: datetime | None
    outcome: InterviewOutcome | None
    hired_for: int | None  # the offer of the candidacy the outcome moved


@dataclass(frozen=True)
class SlotView:
    slot_id: int
    starts_at: datetime
    ends_at: datetime
    places: int
    booked: int
    closed: bool
    candidates: tuple[BookedCandidate, ...]


@dataclass(frozen=True)
class ScheduleView:
    """A run of slots with its offer (None for the booth in general) and its bookings."""

    schedule: InterviewSchedule
    slots: tuple[SlotView, ...]

    @property
    def places(self) -> int:
        return sum(slot.places for slot in self.slots)

    @property
    def booked(self) -> int:
        return sum(slot.booked for slot in self.slots)


def _candidate(booking: InterviewBooking) -> BookedCandidate:
    return BookedCandidate(
        booking.id,
        shared_profile(booking.attendee),
        booking.arrived_at,
        booking.outcome,
        booking.interest.offer_id if booking.interest else None,  # type: ignore[attr-defined]
    )


async def booth_schedules(exhibitor: Exhibitor) -> list[ScheduleView]:
    """The booth's runs of slots, in time order, each slot with its booked candidates (three
    queries)."""
    now = datetime.now(UTC)
    schedules = await InterviewSchedule.filter(exhibitor_id=exhibitor.id).select_related("offer")
    slots = await InterviewSlot.filter(exhibitor_id=exhibitor.id).order_by("starts_at", "id")
    bookings = (
        await InterviewBooking.filter(
            slot__exhibitor_id=exhibitor.id, status=InterviewBookingStatus.BOOKED
        )
        .select_related("attendee", "interest")
        .order_by("id")
    )
    by_slot: dict[int, list[BookedCandidate]] = defaultdict(list)
    for booking in bookings:
        by_slot[booking.slot_id].append(_candidate(booking))  # type: ignore[attr-defined]
    by_schedule: dict[int, list[SlotView]] = defaultdict(list)
    for slot in slots:
        by_schedule[slot.schedule_id].append(  # type: ignore[attr-defined]
            SlotView(
                slot.id,
                slot.starts_at,
                slot.ends_at,
                slot.places,
                slot.booked,
                slot.closed_at is not None,
                tuple(by_slot.get(slot.id, ())),
            )
        )
    views = [
        ScheduleView(schedule, tuple(by_schedule.get(schedule.id, ()))) for schedule in schedules
    ]
    # Slots are read in time order, so a run's first slot is its start.
    views.sort(key=lambda view: (not view.slots, view.slots[0].starts_at if view.slots else now))
    return views


@dataclass(frozen=True)
class ScheduledInterview:
    """One interview of the day at the booth, for the lead-scanning page."""

    booking_id: int
    starts_at: datetime
    offer_title: str
    profile: SharedProfile | None
    arrived_at: datetime | None
    outcome: InterviewOutcome | None


@dataclass(frozen=True)
class DaySchedule:
    day: date | None  # None when the booth has no interview to come
    today: bool
    interviews: tuple[ScheduledInterview, ...]


async def day_schedule(exhibitor: Exhibitor, *, now: datetime | None = None) -> DaySchedule:
    """The booth's booked interviews of today, or of its next day with interviews (one
    query)."""
    today = (now or datetime.now(UTC)).astimezone(EVENT_TIMEZONE).date()
    bookings = (
        await InterviewBooking.filter(
            slot__exhibitor_id=exhibitor.id, status=InterviewBookingStatus.BOOKED
        )
        .select_related("slot__schedule__offer", "attendee")
        .order_by("slot__starts_at", "id")
    )
    days = sorted({b.slot.starts_at.astimezone(EVENT_TIMEZONE).date() for b in bookings})
    day = next((day for day in days if day >= today), None)
    rows = tuple(
        ScheduledInterview(
            booking.id,
            booking.slot.starts_at,
            booking.slot.schedule.offer.title if booking.slot.schedule.offer else "",
            shared_profile(booking.attendee),
            booking.arrived_at,
            booking.outcome,
        )
        for booking in bookings
        if booking.slot.starts_at.astimezone(EVENT_TIMEZONE).date() == day
    )
    return DaySchedule(day, day == today, rows)


# --- the organisers close a booth's interviews ----------------------------------------------------


async def close_booth_interviews(
    fair: Event, exhibitor_id: int, *, by: User | None, now: datetime | None = None
) -> int:
    """Close the booth's slots still to come: they leave the booking pages, bookings made stay.
    `fair` is the organisers' (checked by the caller). Logs `interview.slots.closed`; returns
    how many slots were closed. Raises NotFound for another fair's booth."""
    now = now or datetime.now(UTC)
    exhibitor = await Exhibitor.get_or_none(id=exhibitor_id, event_id=fair.id)
    if exhibitor is None:
        raise NotFound(UNKNOWN_BOOTH)
    slot_ids = (
        await InterviewSlot.filter(
            exhibitor_id=exhibitor.id, closed_at__isnull=True, starts_at__gt=now
        )
        .order_by("id")
        .values_list("id", flat=True)
    )
    closed = 0
    # One slot a statement, in id order: a booking being moved holds two slots in that order,
    # so this never waits for it while it waits for this.
    for slot_id in slot_ids:
        closed += await InterviewSlot.filter(id=slot_id, closed_at__isnull=True).update(
            closed_at=now
        )
    await log_event_action(
        "interview.slots.closed",
        fair,
        by,
        {"exhibitor": exhibitor.id, "slots": closed},
    )
    return closed
