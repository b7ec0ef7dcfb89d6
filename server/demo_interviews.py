"""Demo interviews: times opened at the booths of the demo's upcoming fair, and a few booked.

Everything goes through the interview services, as an employer and the visitors would, so the
demo's outbox holds the confirmations too. Safe to run again: a booth that already has interview
times gets no more, and nobody is booked once the fair has bookings. Call it after the demo data
is loaded (`server.demo.load_demo`), outside that function's transaction.
"""

from __future__ import annotations

from datetime import UTC, datetime, time

from server.models import Event, Exhibitor, InterviewBooking, InterviewSchedule, Registration
from server.models.enums import (
    EmployerStatus,
    EventKind,
    EventStatus,
    ExhibitorStatus,
    InterviewAudience,
    RegistrationStatus,
)
from server.services.interviews import availability, booking, slots
from server.services.interviews.booking import BookingRefused
from server.services.interviews.slots import SlotsForm

BOOTHS = 3  # booths that open interview times
PEOPLE = 5  # visitors who book one each
FIRST_INTERVIEW, LAST_INTERVIEW = time(10, 0), time(12, 0)


async def _upcoming_fair(now: datetime) -> Event | None:
    return (
        await Event.filter(
            kind=EventKind.JOB_FAIR,
            parent_id=None,
            status=EventStatus.PUBLISHED,
            starts_at__gt=now,
        )
        .order_by("starts_at", "id")
        .first()
    )


async def load_interviews_demo() -> dict[str, int]:
    """Open interview times at the first booths of the next published job fair and book a few;
    answers how many runs of times and bookings the fair has afterwards. Tortoise must be
    initialised; nothing happens without an upcoming fair with confirmed booths."""
    now = datetime.now(UTC)
    fair = await _upcoming_fair(now)
    if fair is None:
        return {"interview runs": 0, "interviews": 0}
    booths = (
        await Exhibitor.filter(
            event_id=fair.id,
            status=ExhibitorStatus.CONFIRMED,
            employer__status=EmployerStatus.APPROVED,
        )
        .select_related("employer", "event")
        .order_by("booth_label", "id")
        .limit(BOOTHS)
    )
    day = slots.fair_days(fair)[0].isoformat()
    for number, exhibitor in enumerate(booths):
        if await InterviewSchedule.exists(exhibitor_id=exhibitor.id):
            continue
        offers = await slots.opening_offers(exhibitor.employer)
        form = SlotsForm(
            offer=str(offers[0].id) if offers and number % 2 == 0 else "",
            day=day,
            starts=FIRST_INTERVIEW.strftime("%H:%M"),
            ends=LAST_INTERVIEW.strftime("%H:%M"),
            length="20",
            interviewers="2",
            audience=InterviewAudience.REGISTERED.value,
        )
        await slots.open_slots(exhibitor, form, by=None, now=now)
    if not await InterviewBooking.exists(slot__event_id=fair.id):
        await _book_a_few(fair, now)
    return {
        "interview runs": await InterviewSchedule.filter(exhibitor__event_id=fair.id).count(),
        "interviews": await InterviewBooking.filter(slot__event_id=fair.id).count(),
    }


async def _book_a_few(fair: Event, now: datetime) -> None:
    """The first visitors registered for the fair each book the first time open to them."""
    registrations = (
        await Registration.filter(
            event_id=fair.id,
            status=RegistrationStatus.CONFIRMED,
            attendee__anonymised_at__isnull=True,
        )
        .select_related("attendee")
        .order_by("id")
        .limit(PEOPLE)
    )
    for index, registration in enumerate(registrations):
        page = await availability.fair_interviews(registration.attendee, fair, now=now)
        if not page.choices:
            continue
        run = page.choices[index % len(page.choices)]
        try:
            await booking.book_slot(registration.attendee, run.slots[0].slot_id, now=now)
        except BookingRefused:  # taken meanwhile: the demo has enough without it
            continue
