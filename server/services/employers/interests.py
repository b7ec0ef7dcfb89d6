"""People's interest in offers, and how far the employer takes each candidate.

An attendee says "this interests me" from their personal link, on an open offer (published, of
an approved employer, before its deadline), at most once per offer. The employer then moves the
candidate: interested → shortlisted → interviewed → hired, or not retained. A hire on an offer
linked to an internship or job pledge is a delivery of that pledge: the `Delivery` row is written
in the same transaction and points back at the interest, and it goes away when the candidate is
moved away from "hired" (it was only the shadow of the hire).

What the employer sees of a candidate goes only through `shared_profile()`.

Errors: InterestRefused with a stable `code` (`offer_not_open`, `already_decided`,
`invalid_status`, `employer_not_approved`) and NotFound.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from server.errors import AppError, NotFound
from server.i18n import lazy
from server.models import Attendee, Delivery, Employer, Interest, Offer, User
from server.models.enums import DeliveryReview, EmployerStatus, InterestStatus
from server.services.action_log import log_action
from server.services.employers.offers import open_offers
from server.services.employers.shared_profile import SharedProfile, shared_profile
from server.values.clock import today_in_morocco

# Once the employer hired someone or turned them down, the decision stays on record.
DECIDED = (InterestStatus.HIRED, InterestStatus.REJECTED)


class InterestRefused(AppError):
    """An interest that cannot be marked, withdrawn or moved now; `code` says why."""

    status_code = 409


# --- the attendee's verbs -----------------------------------------------------------------------


async def interest_offer(offer_id: int) -> Offer:
    """An offer someone may act on from their personal link: published or closed, of an approved
    employer. Raises NotFound for drafts, offers under review and unknown ids alike."""
    offer = await Offer.filter(
        id=offer_id, employer__status=EmployerStatus.APPROVED, published_at__isnull=False
    ).first()
    if offer is None:
        raise NotFound(lazy("This offer does not exist or is not public."))
    return offer


async def _check_open(offer: Offer) -> None:
    if not await open_offers().filter(id=offer.id).exists():
        raise InterestRefused(
            lazy("This offer no longer takes applications."), code="offer_not_open"
        )


async def mark_interest(attendee: Attendee, offer: Offer) -> Interest:
    """Record that `attendee` is interested in `offer`; marking twice changes nothing.

    Logs `interest.created`. Raises InterestRefused (`offer_not_open`) when the offer is not
    published, its employer not approved, or its deadline passed.
    """
    await _check_open(offer)
    existing = await Interest.get_or_none(attendee_id=attendee.id, offer_id=offer.id)
    if existing is not None:
        return existing
    try:
        async with in_transaction():
            interest = await Interest.create(attendee_id=attendee.id, offer_id=offer.id)
            await _log("interest.created", interest, None, {"offer": offer.id})
    except IntegrityError:
        # The same person clicked twice at once: the other request recorded it.
        return await Interest.get(attendee_id=attendee.id, offer_id=offer.id)
    return interest


async def withdraw_interest(attendee: Attendee, offer: Offer) -> None:
    """Take back `attendee`'s interest in `offer`; withdrawing twice changes nothing.

    Logs `interest.withdrawn`. Raises InterestRefused: `offer_not_open` (the offer is closed or
    past its deadline), `already_decided` (the employer hired or turned down the person).
    """
    await _check_open(offer)
    interest = await Interest.get_or_none(attendee_id=attendee.id, offer_id=offer.id)
    if interest is None:
        return
    if interest.status in DECIDED:
        raise InterestRefused(
            lazy("The employer has already decided on your application."),
            code="already_decided",
        )
    async with in_transaction():
        # Conditional on the status read: a decision taken in between is kept.
        deleted = await Interest.filter(id=interest.id, status=interest.status).delete()
        if deleted:
            await _log("interest.withdrawn", interest, None, {"offer": offer.id})
    if not deleted:
        raise InterestRefused(
            lazy("The employer has already decided on your application."),
            code="already_decided",
        )


@dataclass(frozen=True)
class MyInterest:
    """One of the person's own interests, as they see it on their personal page."""

    offer: Offer
    status: InterestStatus
    updated_at: datetime


async def attendee_interests(attendee: Attendee) -> list[MyInterest]:
    """The person's interests, newest first, with their offers and employers (any status of
    the offer: a closed one still shows how the application went)."""
    interests = (
        await Interest.filter(attendee_id=attendee.id)
        .select_related("offer__employer")
        .order_by("-created_at", "-id")
    )
    return [MyInterest(i.offer, i.status, i.updated_at) for i in interests]


# --- the employer's verbs -----------------------------------------------------------------------


@dataclass(frozen=True)
class Candidate:
    """A person interested in an offer, as its employer sees them: `profile` is None when they
    did not agree to share it (show only "Candidate #<interest_id>")."""

    interest_id: int
    status: InterestStatus
    profile: SharedProfile | None
    created_at: datetime
    updated_at: datetime


def _candidate(interest: Interest, *, employer_approved: bool = True) -> Candidate:
    return Candidate(
        interest_id=interest.id,
        status=interest.status,
        # A company rejected after people showed interest keeps its offers but sees no one.
        profile=shared_profile(interest.attendee) if employer_approved else None,
        created_at=interest.created_at,
        updated_at=interest.updated_at,
    )


async def offer_candidates(employer: Employer, offer: Offer) -> list[Candidate]:
    """The people interested in `offer`, in the order they came. Raises NotFound when the
    offer is not `employer`'s."""
    if offer.employer_id != employer.id:  # type: ignore[attr-defined]
        raise NotFound(lazy("This offer does not exist."))
    interests = await Interest.filter(offer_id=offer.id).select_related("attendee").order_by("id")
    approved = employer.status == EmployerStatus.APPROVED
    return [_candidate(interest, employer_approved=approved) for interest in interests]


async def employer_interest(employer: Employer, offer: Offer, interest_id: int) -> Interest:
    """One interest in one of the employer's offers, with its offer and attendee. Raises
    NotFound for an unknown id, another offer's or another employer's interest alike."""
    interest = (
        await Interest.filter(id=interest_id, offer_id=offer.id, offer__employer_id=employer.id)
        .select_related("offer__employer", "attendee")
        .first()
    )
    if interest is None:
        raise NotFound(lazy("This candidate does not exist."))
    return interest


async def move_candidate(interest: Interest, status: str, *, by: User | None) -> Candidate:
    """Move a candidate (an interest loaded by employer_interest()) to `status`.

    Becoming "hired" on an offer linked to a pledge records one Delivery of that pledge in the
    same transaction (never two, however often "hired" is set); leaving "hired" deletes it, as
    the shadow of a hire taken back, unless the organisers have confirmed it. The move applies
    only if the candidate is still at the stage it was read at, so two moves at once, or a move
    racing the person's withdrawal, make one change. Logs `interest.moved`. Raises
    InterestRefused (`invalid_status`, `employer_not_approved`, `hire_confirmed`,
    `status_changed`).
    """
    try:
        target = InterestStatus(status)
    except ValueError:
        raise InterestRefused(
            lazy("Choose a stage from the list."), code="invalid_status"
        ) from None
    offer = interest.offer
    if offer.employer.status != EmployerStatus.APPROVED:
        raise InterestRefused(
            lazy("Your company has not been approved yet."), code="employer_not_approved"
        )
    if target != InterestStatus.HIRED and await Delivery.exists(
        interest_id=interest.id, review=DeliveryReview.CONFIRMED
    ):
        raise InterestRefused(
            lazy(
                "The organisers have confirmed this hire as a delivery of your pledge: "
                "ask them to correct it."
            ),
            code="hire_confirmed",
        )
    async with in_transaction():
        # A queryset update skips auto_now: the time of the move is set here.
        moved = await Interest.filter(id=interest.id, status=interest.status).update(
            status=target, updated_at=datetime.now(UTC)
        )
        if not moved:
            raise InterestRefused(
                lazy("This candidate changed meanwhile: reload the page and try again."),
                code="status_changed",
            )
        delivery = await _follow_hire(interest, offer, target, by)
        await _log(
            "interest.moved",
            interest,
            by,
            {"offer": offer.id, "from": interest.status.value, "to": target.value, **delivery},
        )
    fresh = await Interest.filter(id=interest.id).select_related("attendee").get()
    return _candidate(fresh)


async def _follow_hire(
    interest: Interest, offer: Offer, target: InterestStatus, by: User | None
) -> dict[str, int]:
    """Keep the pledge's delivery in step with the hire; returns what to log about it."""
    if target != InterestStatus.HIRED:
        removed = await Delivery.filter(interest_id=interest.id).delete()
        return {"delivery_removed": removed} if removed else {}
    if offer.pledge_id is None or await Delivery.exists(interest_id=interest.id):  # type: ignore[attr-defined]
        return {}
    delivery = await Delivery.create(
        pledge_id=offer.pledge_id,  # type: ignore[attr-defined]
        quantity=1,
        delivered_on=today_in_morocco(),
        evidence=f"Hired through offer #{offer.id} ({offer.title}), candidate #{interest.id}",
        interest_id=interest.id,
        recorded_by_id=by.id if by else None,
    )
    return {"delivery": delivery.id}


async def _log(action: str, interest: Interest, user: User | None, data: dict[str, object]) -> None:
    await log_action(action, "interest", interest.id, user=user, organisation_id=None, data=data)
