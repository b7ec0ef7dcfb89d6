"""At the booth: the badge scan that marks a candidate arrived, and the outcome the employer
records, which moves the candidate in the offer's pipeline.

The booth's scanner records a lead as before (`server.services.employers.leads.scan_lead`) and,
when the visitor holds an interview at this booth, marks them arrived: the booking nearest in
time to the scan, by one UPDATE conditional on `arrived_at IS NULL` (two scanners at once note
one arrival, at the first one's time).

The outcome (did not come, interviewed, shortlisted, offer made, hired) is saved by an UPDATE
conditional on the outcome it was read with. It moves the candidate in the pipeline of the
interview's offer (for interviews at the booth in general, the offer the employer names) through
`server.services.employers.interests.move_candidate`, in the same transaction: interviewed,
shortlisted and offer made are "interviewed" there, hired is "hired", a candidate is never moved
back by an interview except from "hired" when the outcome is corrected (which takes the hire's
delivery back, as moving the candidate does). A hire on a pledged offer is therefore a delivery
of the pledge, as any hire is. An interview the person has not come to yet cannot have an
outcome, and "did not come" waits for its time.

Errors: ValidationFailed (`outcome`, `offer`), OutcomeRefused (`too_early`, `arrived`,
`changed`), InterestRefused from the pipeline, NotFound.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from tortoise.transactions import in_transaction

from server.errors import AppError, NotFound, ValidationFailed
from server.i18n import lazy
from server.models import (
    Exhibitor,
    Interest,
    InterviewBooking,
    Lead,
    Offer,
    User,
)
from server.models.enums import InterestStatus, InterviewBookingStatus, InterviewOutcome
from server.services.action_log import log_action
from server.services.employers import interests, leads
from server.services.employers.leads import LeadScan
from server.services.interviews.slots import POSTED_OFFER_STATUSES
from server.values.numbers import parse_count

# What each outcome makes of the candidacy; a no-show leaves it as it is.
PIPELINE_STAGE = {
    InterviewOutcome.INTERVIEWED: InterestStatus.INTERVIEWED,
    InterviewOutcome.SHORTLISTED: InterestStatus.INTERVIEWED,
    InterviewOutcome.OFFER_MADE: InterestStatus.INTERVIEWED,
    InterviewOutcome.HIRED: InterestStatus.HIRED,
}
# How far along the pipeline a stage is: an interview only moves a candidate forward.
STAGE_RANK = {
    InterestStatus.INTERESTED: 0,
    InterestStatus.SHORTLISTED: 1,
    InterestStatus.INTERVIEWED: 2,
    InterestStatus.REJECTED: 2,
    InterestStatus.HIRED: 3,
}

BAD_OUTCOME = lazy("Choose an outcome from the list.")
OFFER_NEEDED = lazy("Choose the offer you are hiring this person for.")
BAD_OFFER = lazy("Choose one of your offers.")
TOO_EARLY = lazy("This interview has not started and the candidate has not arrived yet.")
ARRIVED = lazy("The candidate arrived: they did come to the interview.")
CHANGED = lazy("This interview changed meanwhile: reload the page and try again.")
UNKNOWN_BOOKING = lazy("This interview does not exist.")


class OutcomeRefused(AppError):
    """An outcome that cannot be recorded now; `code` says why."""

    status_code = 409


# --- the scan -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Arrival:
    """The interview a scanned visitor came for, and whether this scan noted their arrival."""

    starts_at: datetime
    offer_title: str
    arrived_at: datetime
    noted_now: bool


@dataclass(frozen=True)
class BoothScan:
    scan: LeadScan
    arrival: Arrival | None  # None: no interview at this booth


async def scan_at_booth(
    exhibitor: Exhibitor,
    code: str,
    *,
    secret_key: str,
    by: User | None = None,
    now: datetime | None = None,
) -> BoothScan:
    """Record the scanned visitor as a lead and, when they hold an interview here, their
    arrival (`exhibitor` loaded with its fair, as `leads.confirmed_booth` gives it). Raises
    what `leads.scan_lead` raises."""
    scan = await leads.scan_lead(exhibitor, code, secret_key=secret_key, by=by)
    if scan.lead_id is None:
        return BoothScan(scan, None)
    return BoothScan(scan, await _arrive(exhibitor, scan.lead_id, now or datetime.now(UTC)))


async def _arrive(exhibitor: Exhibitor, lead_id: int, now: datetime) -> Arrival | None:
    attendee_id = await Lead.get(id=lead_id).values_list("registration__attendee_id", flat=True)
    bookings = await InterviewBooking.filter(
        attendee_id=attendee_id,
        slot__exhibitor_id=exhibitor.id,
        status=InterviewBookingStatus.BOOKED,
        outcome__isnull=True,
    ).select_related("slot__schedule__offer")
    if not bookings:
        return None
    booking = min(bookings, key=lambda b: (abs(b.slot.starts_at - now), b.id))
    offer = booking.slot.schedule.offer
    noted = await InterviewBooking.filter(id=booking.id, arrived_at__isnull=True).update(
        arrived_at=now
    )
    if noted:
        await log_action(
            "interview.arrived",
            "interview_booking",
            booking.id,
            user=None,
            organisation_id=exhibitor.event.organisation_id,  # type: ignore[attr-defined]
            data={"exhibitor": exhibitor.id},
        )
    arrived_at = (
        now
        if noted
        else await InterviewBooking.get(id=booking.id).values_list("arrived_at", flat=True)
    )
    return Arrival(booking.slot.starts_at, offer.title if offer else "", arrived_at, bool(noted))  # type: ignore[arg-type]


# --- the outcome ----------------------------------------------------------------------------------


async def booth_booking(exhibitor: Exhibitor, booking_id: int) -> InterviewBooking:
    """A booked interview at the booth, with its slot, schedule and offer, its person and its
    candidacy; NotFound for another booth's (or a cancelled one)."""
    booking = (
        await InterviewBooking.filter(
            id=booking_id,
            slot__exhibitor_id=exhibitor.id,
            status=InterviewBookingStatus.BOOKED,
        )
        .select_related("slot__schedule__offer", "attendee", "interest")
        .first()
    )
    if booking is None:
        raise NotFound(UNKNOWN_BOOKING)
    return booking


async def _offer_for(exhibitor: Exhibitor, booking: InterviewBooking, text: str) -> Offer | None:
    """The offer whose pipeline the outcome moves: the interview's, the candidacy's already
    moved, or the one the employer chose (one of its posted offers)."""
    if booking.slot.schedule.offer is not None:
        return booking.slot.schedule.offer
    if booking.interest is not None:
        return await Offer.get(id=booking.interest.offer_id)  # type: ignore[attr-defined]
    if not text.strip():
        return None
    offer = await Offer.get_or_none(
        id=parse_count(text) or 0,
        employer_id=exhibitor.employer_id,  # type: ignore[attr-defined]
        status__in=POSTED_OFFER_STATUSES,
    )
    if offer is None:
        raise ValidationFailed({"offer": BAD_OFFER})
    return offer


async def record_outcome(
    exhibitor: Exhibitor,
    booking_id: int,
    outcome: str,
    offer: str = "",
    *,
    by: User | None,
    now: datetime | None = None,
) -> InterviewBooking:
    """Save how the interview went and move the candidate accordingly (see the module);
    `exhibitor` is loaded with its fair, as `leads.confirmed_booth` gives it. `offer` names the
    offer for an interview at the booth in general. Logs
    `interview.outcome`. Raises ValidationFailed, OutcomeRefused, InterestRefused, NotFound."""
    now = now or datetime.now(UTC)
    try:
        result = InterviewOutcome(outcome)
    except ValueError:
        raise ValidationFailed({"outcome": BAD_OUTCOME}) from None
    booking = await booth_booking(exhibitor, booking_id)
    started = booking.slot.starts_at <= now
    if result == InterviewOutcome.NO_SHOW:
        if booking.arrived_at is not None:
            raise OutcomeRefused(ARRIVED, code="arrived")
        if not started:
            raise OutcomeRefused(TOO_EARLY, code="too_early")
    elif booking.arrived_at is None and not started:
        raise OutcomeRefused(TOO_EARLY, code="too_early")
    chosen = await _offer_for(exhibitor, booking, offer)
    if result == InterviewOutcome.HIRED and chosen is None:
        raise ValidationFailed({"offer": OFFER_NEEDED})
    async with in_transaction():
        interest = await _candidacy(booking, chosen, result)
        as_read = {"outcome": booking.outcome} if booking.outcome else {"outcome__isnull": True}
        saved = await InterviewBooking.filter(
            id=booking.id, status=InterviewBookingStatus.BOOKED, **as_read
        ).update(
            outcome=result,
            outcome_at=now,
            interest_id=interest.id if interest else booking.interest_id,  # type: ignore[attr-defined]
        )
        if not saved:
            raise OutcomeRefused(CHANGED, code="changed")
        if interest is not None:
            await _move(interest, booking.outcome, result, by)
        await log_action(
            "interview.outcome",
            "interview_booking",
            booking.id,
            user=by,
            organisation_id=exhibitor.event.organisation_id,  # type: ignore[attr-defined]
            data={
                "exhibitor": exhibitor.id,
                "from": booking.outcome.value if booking.outcome else None,
                "to": result.value,
                "interest": interest.id if interest else None,
            },
        )
    return await booth_booking(exhibitor, booking.id)


async def _candidacy(
    booking: InterviewBooking, offer: Offer | None, result: InterviewOutcome
) -> Interest | None:
    """The person's candidacy for `offer`, made when the interview is the first sign of it (a
    no-show makes none). Call inside the outcome's transaction."""
    if offer is None:
        return None
    if result == InterviewOutcome.NO_SHOW:
        return await Interest.get_or_none(attendee_id=booking.attendee_id, offer_id=offer.id)  # type: ignore[attr-defined]
    interest, _ = await Interest.get_or_create(attendee_id=booking.attendee_id, offer_id=offer.id)  # type: ignore[attr-defined]
    return interest


async def _move(
    interest: Interest,
    previous: InterviewOutcome | None,
    result: InterviewOutcome,
    by: User | None,
) -> None:
    stage = PIPELINE_STAGE.get(result)
    if stage is None:
        return
    current = InterestStatus(
        await Interest.get(id=interest.id).values_list("status", flat=True)  # type: ignore[arg-type]
    )
    taken_back = previous == InterviewOutcome.HIRED and current == InterestStatus.HIRED
    if STAGE_RANK[stage] <= STAGE_RANK[current] and not (taken_back and stage != current):
        return
    loaded = (
        await Interest.filter(id=interest.id).select_related("offer__employer", "attendee").get()
    )
    await interests.move_candidate(loaded, stage.value, by=by)
