"""The synthesis report's count of a fair's interviews (one aggregate query).

Places kept (not cancelled) at the booths of approved companies confirmed at the fair: held
(interviewed, shortlisted, offer made, hired), missed (no-show) and not recorded; led to a hire
when the outcome is "hired" or the candidacy it moved has become a hire since. The counts are
exact; the report shows them through the small-cell rule (`server.reports.figures`).
"""

from __future__ import annotations

from tortoise.functions import Count

from server.models import Event, InterviewBooking
from server.models.enums import (
    EmployerStatus,
    ExhibitorStatus,
    InterestStatus,
    InterviewBookingStatus,
    InterviewOutcome,
)
from server.reports.figures import InterviewFigures
from server.services.interviews.grid import HELD_OUTCOMES


async def interview_figures(event: Event) -> InterviewFigures:
    rows = (
        await InterviewBooking.filter(
            slot__event_id=event.id,
            status=InterviewBookingStatus.BOOKED,
            slot__exhibitor__status=ExhibitorStatus.CONFIRMED,
            slot__exhibitor__employer__status=EmployerStatus.APPROVED,
        )
        .annotate(count=Count("id"))
        .group_by("outcome", "interest__status")
        .values("outcome", "interest__status", "count")
    )
    counts = {"booked": 0, "held": 0, "no_shows": 0, "unrecorded": 0, "led_to_hire": 0}
    for row in rows:
        count = int(row["count"])
        counts["booked"] += count
        outcome = row["outcome"]
        if outcome is None:
            counts["unrecorded"] += count
        elif outcome == InterviewOutcome.NO_SHOW:
            counts["no_shows"] += count
        elif outcome in HELD_OUTCOMES:
            counts["held"] += count
            if outcome == InterviewOutcome.HIRED or row["interest__status"] == InterestStatus.HIRED:
                counts["led_to_hire"] += count
    return InterviewFigures(**counts)
