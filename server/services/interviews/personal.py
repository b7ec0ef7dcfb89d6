"""A person's interviews as their personal page and their badge name them: "Interview 10:40,
booth 12, Company X", in the reader's language (one query)."""

from __future__ import annotations

from collections import defaultdict

from server.models import Attendee, InterviewBooking
from server.models.enums import InterviewBookingStatus
from server.notifications.interview_messages import interview_line


async def interview_lines(
    attendee: Attendee, *, event_id: int | None = None
) -> dict[int, list[str]]:
    """Fair id → the person's booked interviews there, in time order (only `event_id`'s when
    given)."""
    query = InterviewBooking.filter(attendee_id=attendee.id, status=InterviewBookingStatus.BOOKED)
    if event_id is not None:
        query = query.filter(slot__event_id=event_id)
    bookings = await query.select_related("slot__exhibitor__employer").order_by(
        "slot__starts_at", "id"
    )
    lines: dict[int, list[str]] = defaultdict(list)
    for booking in bookings:
        slot = booking.slot
        lines[slot.event_id].append(  # type: ignore[attr-defined]
            interview_line(slot.starts_at, slot.exhibitor.booth_label, slot.exhibitor.employer.name)
        )
    return dict(lines)
