"""The reminder an hour before an interview: `python -m server remind-interviews`, run every few
minutes (a cron line or a timer); running it again, or from two hosts at once, is safe.

Each booking is reminded once: an UPDATE conditional on `reminder_queued_at IS NULL` claims it,
in the same transaction as its messages, so a reminder is queued exactly once or not at all.
A booking made within the hour before its interview is claimed when it is made (its
confirmation says the same thing).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tortoise.transactions import in_transaction

from server.models import InterviewBooking, Organisation
from server.models.enums import EventStatus, InterviewBookingStatus
from server.notifications import interview_messages
from server.notifications.queue import queue_notice

LEAD = timedelta(hours=1)
REMINDED_FAIR_STATUSES = (EventStatus.PUBLISHED, EventStatus.CLOSED)


async def queue_interview_reminders(*, now: datetime | None = None) -> int:
    """Queue the reminder of every booked interview starting within the hour and not reminded
    yet. Returns how many were queued."""
    now = now or datetime.now(UTC)
    due = (
        await InterviewBooking.filter(
            status=InterviewBookingStatus.BOOKED,
            reminder_queued_at__isnull=True,
            slot__starts_at__gt=now,
            slot__starts_at__lte=now + LEAD,
            slot__event__status__in=REMINDED_FAIR_STATUSES,
            attendee__anonymised_at__isnull=True,
        )
        .select_related(
            "attendee", "slot__event", "slot__schedule__offer", "slot__exhibitor__employer"
        )
        .order_by("slot__starts_at", "id")
    )
    names: dict[int, str] = {}
    queued = 0
    for booking in due:
        fair = booking.slot.event
        if fair.organisation_id not in names:  # type: ignore[attr-defined]
            names[fair.organisation_id] = str(  # type: ignore[attr-defined]
                await Organisation.get(id=fair.organisation_id).values_list("name", flat=True)  # type: ignore[attr-defined]
            )
        async with in_transaction():
            claimed = await InterviewBooking.filter(
                id=booking.id,
                status=InterviewBookingStatus.BOOKED,
                reminder_queued_at__isnull=True,
            ).update(reminder_queued_at=now)
            if not claimed:
                continue
            notice = interview_messages.reminder(
                booking.attendee,
                interview_messages.details_of(booking.slot, names[fair.organisation_id]),  # type: ignore[attr-defined]
            )
            await queue_notice(booking.attendee, notice, organisation_id=fair.organisation_id)  # type: ignore[attr-defined]
        queued += 1
    return queued
