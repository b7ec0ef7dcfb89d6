"""Employers at job fairs: asking for a booth, the organisers' answer, and the booths a fair shows.

An approved employer asks for a booth at a published job fair that has not ended, and only when
it brings something to the visitors: a published offer still open, or a pledge not yet
fulfilled. Job seekers come to a fair for booths with something behind them; an empty booth
wastes their day. The organisers of the fair's organisation confirm a request with a booth
label (unique within the fair) or decline it; the employer may withdraw a request or a booth
until it has scanned its first visitor. Every change writes an ActionLog row.

Errors: BoothRefused with a stable `code` (`not_approved`, `not_a_fair`, `fair_not_open`,
`nothing_to_offer`, `declined`, `has_leads`), ValidationFailed (`booth_label`, `decision`),
NotFound for what the caller may not see.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Q
from tortoise.functions import Sum
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from server.errors import AppError, NotFound, ValidationFailed
from server.i18n import lazy
from server.models import Employer, Event, Exhibitor, Lead, Offer, Pledge, User
from server.models.enums import (
    EmployerStatus,
    EventKind,
    EventStatus,
    ExhibitorStatus,
    PledgeKind,
    PledgeStatus,
)
from server.services.action_log import log_action
from server.services.employers.offers import open_offers
from server.services.employers.pledges import COUNTED_REVIEWS, in_unit, pledge_status
from server.services.events.catalogue import PUBLIC_STATUSES
from server.values.clock import today_in_morocco

BOOTH_LABEL_MAX_LENGTH = 40  # Exhibitor.booth_label
DECISIONS = ("confirm", "decline")
# The order of the organisers' list: what waits for them first.
STATUS_ORDER = {
    ExhibitorStatus.REQUESTED: 0,
    ExhibitorStatus.CONFIRMED: 1,
    ExhibitorStatus.DECLINED: 2,
}

NOT_APPROVED = lazy("Your company must be approved before it can ask for a booth.")
NOT_A_FAIR = lazy("Booths are only for job fairs.")
FAIR_NOT_OPEN = lazy("This job fair is not open to booth requests.")
NOTHING_TO_OFFER = lazy(
    "Job seekers expect booths with offers: publish an internship or a job, or make a CSR "
    "commitment, before asking for a booth."
)
DECLINED = lazy("The organisers declined this request.")
HAS_LEADS = lazy("You scanned visitors at this booth: it can no longer be withdrawn.")
LABEL_REQUIRED = lazy("Give the booth a label, such as A12, to confirm it.")
LABEL_TOO_LONG = lazy("Write the booth label in 40 characters at most.")
LABEL_TAKEN = lazy("This booth is already given to another employer.")
UNKNOWN_DECISION = lazy("Choose to confirm or to decline.")
UNKNOWN_FAIR = lazy("This job fair does not exist or is not public.")
UNKNOWN_EXHIBITOR = lazy("This booth request does not exist.")


class BoothRefused(AppError):
    """A booth request or change the employer's or the fair's state does not allow; `code` says
    why (see the module's docstring)."""

    status_code = 409


# --- what an employer brings to a fair -----------------------------------------------------------


async def open_offer_counts(employer_ids: Sequence[int]) -> dict[int, int]:
    """Employer id → number of its offers open on the board now (one query)."""
    if not employer_ids:
        return {}
    ids = await open_offers().filter(employer_id__in=employer_ids).values_list("employer_id")
    counts: dict[int, int] = defaultdict(int)
    for (employer_id,) in ids:
        counts[employer_id] += 1
    return dict(counts)


async def open_pledge_counts(employer_ids: Sequence[int]) -> dict[int, int]:
    """Employer id → number of its pledges not fulfilled yet, by `pledge_status` on the
    deliveries that count (one query).

    Each pledge is measured in its own unit (`pledges.in_unit`).
    """
    if not employer_ids:
        return {}
    counted = Q(deliveries__review__in=COUNTED_REVIEWS)
    rows = (
        await Pledge.filter(employer_id__in=employer_ids)
        .annotate(
            delivered_quantity=Sum("deliveries__quantity", _filter=counted),
            delivered_amount=Sum("deliveries__amount_mad", _filter=counted),
        )
        .group_by("id", "employer_id", "kind", "quantity", "amount_mad", "deadline")
        .values(
            "employer_id",
            "kind",
            "quantity",
            "amount_mad",
            "deadline",
            "delivered_quantity",
            "delivered_amount",
        )
    )
    today = today_in_morocco()
    counts: dict[int, int] = defaultdict(int)
    for row in rows:
        kind = PledgeKind(row["kind"])
        target = in_unit(kind, row["quantity"], row["amount_mad"])
        delivered = in_unit(kind, row["delivered_quantity"], row["delivered_amount"])
        if pledge_status(target, delivered, row["deadline"], today) != PledgeStatus.FULFILLED:
            counts[row["employer_id"]] += 1
    return dict(counts)


async def has_something_to_offer(employer: Employer) -> bool:
    """Whether the employer has an open published offer or a pledge not yet fulfilled."""
    if await open_offers().filter(employer_id=employer.id).exists():
        return True
    return bool(await open_pledge_counts([employer.id]))


# --- the employer's side -------------------------------------------------------------------------


def _open_fairs() -> QuerySet[Event]:
    """Job fairs that take booth requests: published and not ended."""
    return Event.filter(
        kind=EventKind.JOB_FAIR,
        status=EventStatus.PUBLISHED,
        parent_id=None,
        ends_at__gte=datetime.now(UTC),
    )


@dataclass(frozen=True)
class FairChoice:
    """An upcoming fair, and the employer's request there if it made one."""

    event: Event
    exhibitor: Exhibitor | None


@dataclass(frozen=True)
class EmployerFairs:
    upcoming: list[FairChoice]  # soonest first
    requests: list[Exhibitor]  # every request of the employer, with its event, latest fair first


async def employer_fairs(employer: Employer, *, limit: int = 50) -> EmployerFairs:
    """The fairs an employer may ask a booth at, and its own requests (two queries)."""
    upcoming = await _open_fairs().order_by("starts_at", "id").limit(limit)
    requests = (
        await Exhibitor.filter(employer_id=employer.id)
        .select_related("event")
        .order_by("-event__starts_at", "-id")
    )
    by_event = {exhibitor.event_id: exhibitor for exhibitor in requests}  # type: ignore[attr-defined]
    return EmployerFairs(
        upcoming=[FairChoice(event, by_event.get(event.id)) for event in upcoming],
        requests=requests,
    )


async def public_fair(event_id: int) -> Event:
    """A public event an employer may name in a booth request; NotFound for drafts and
    unknowns alike."""
    event = await Event.get_or_none(id=event_id, status__in=PUBLIC_STATUSES)
    if event is None:
        raise NotFound(UNKNOWN_FAIR)
    return event


async def employer_exhibitor(employer: Employer, event_id: int) -> Exhibitor:
    """The employer's request or booth at an event, with the event; NotFound when none."""
    exhibitor = (
        await Exhibitor.filter(employer_id=employer.id, event_id=event_id)
        .select_related("event")
        .first()
    )
    if exhibitor is None:
        raise NotFound(UNKNOWN_EXHIBITOR)
    return exhibitor


async def request_booth(employer: Employer, event: Event, *, by: User | None = None) -> Exhibitor:
    """Ask for a booth at `event`. Asking again answers the request already made, whatever the
    organisers decided. Raises BoothRefused: `not_approved`, `not_a_fair`, `fair_not_open`,
    `nothing_to_offer`."""
    if employer.status != EmployerStatus.APPROVED:
        raise BoothRefused(NOT_APPROVED, code="not_approved")
    existing = await Exhibitor.get_or_none(employer_id=employer.id, event_id=event.id)
    if existing is not None:
        return existing
    if event.kind != EventKind.JOB_FAIR or event.parent_id is not None:  # type: ignore[attr-defined]
        raise BoothRefused(NOT_A_FAIR, code="not_a_fair")
    if event.status != EventStatus.PUBLISHED or event.ends_at < datetime.now(UTC):
        raise BoothRefused(FAIR_NOT_OPEN, code="fair_not_open")
    if not await has_something_to_offer(employer):
        raise BoothRefused(NOTHING_TO_OFFER, code="nothing_to_offer")
    try:
        async with in_transaction():
            exhibitor = await Exhibitor.create(employer_id=employer.id, event_id=event.id)
            await _log("exhibitor.requested", exhibitor, event, by, {"employer": employer.id})
    except IntegrityError:
        # The same request sent twice at once: the other one made it.
        return await Exhibitor.get(employer_id=employer.id, event_id=event.id)
    return exhibitor


async def withdraw_booth(exhibitor: Exhibitor, *, by: User | None = None) -> None:
    """Take back a request or a confirmed booth: the row goes, the ActionLog keeps the fact.
    Raises BoothRefused `declined` (nothing to withdraw) and `has_leads` (the booth's scans
    would go with it)."""
    if exhibitor.status == ExhibitorStatus.DECLINED:
        raise BoothRefused(DECLINED, code="declined")
    event = await Event.get(id=exhibitor.event_id)  # type: ignore[attr-defined]
    async with in_transaction():
        if await Lead.exists(exhibitor_id=exhibitor.id):
            raise BoothRefused(HAS_LEADS, code="has_leads")
        await _log(
            "exhibitor.withdrawn",
            exhibitor,
            event,
            by,
            {"employer": exhibitor.employer_id, "booth": exhibitor.booth_label},  # type: ignore[attr-defined]
        )
        await exhibitor.delete()


# --- the organisers' side ------------------------------------------------------------------------


@dataclass(frozen=True)
class ExhibitorRow:
    """A request or booth at a fair, with what the employer brings to it."""

    exhibitor: Exhibitor
    open_offers: int
    open_pledges: int


async def event_exhibitors(event: Event) -> list[ExhibitorRow]:
    """The requests and booths of a fair, requests first, with each employer's open offers and
    open pledges (three queries)."""
    exhibitors = await Exhibitor.filter(event_id=event.id).select_related("employer")
    exhibitors.sort(
        key=lambda item: (STATUS_ORDER[item.status], item.booth_label, item.employer.name.lower())
    )
    employer_ids = [exhibitor.employer_id for exhibitor in exhibitors]  # type: ignore[attr-defined]
    offers = await open_offer_counts(employer_ids)
    pledges = await open_pledge_counts(employer_ids)
    return [
        ExhibitorRow(
            exhibitor,
            offers.get(exhibitor.employer_id, 0),  # type: ignore[attr-defined]
            pledges.get(exhibitor.employer_id, 0),  # type: ignore[attr-defined]
        )
        for exhibitor in exhibitors
    ]


async def managed_exhibitor(event: Event, exhibitor_id: int) -> Exhibitor:
    """A request or booth of `event` (already checked to be the organisers'), with its
    employer; NotFound for another event's."""
    exhibitor = (
        await Exhibitor.filter(id=exhibitor_id, event_id=event.id)
        .select_related("employer")
        .first()
    )
    if exhibitor is None:
        raise NotFound(UNKNOWN_EXHIBITOR)
    return exhibitor


def clean_booth_label(text: str) -> str:
    """The label as stored: spaces tidied. ValidationFailed when empty or too long."""
    label = " ".join(text.split())
    if not label:
        raise ValidationFailed({"booth_label": LABEL_REQUIRED})
    if len(label) > BOOTH_LABEL_MAX_LENGTH:
        raise ValidationFailed({"booth_label": LABEL_TOO_LONG})
    return label


async def decide_booth(
    exhibitor: Exhibitor, decision: str, booth_label: str = "", *, by: User | None
) -> Exhibitor:
    """The organisers' answer to a request: `confirm` with a booth label no other employer
    holds at this fair (letter case aside), or `decline` (the label is cleared). A booth may be
    decided again, to move it or to take it back. The caller checked that `by` organises the
    fair's organisation. Raises ValidationFailed (`decision`, `booth_label`)."""
    if decision not in DECISIONS:
        raise ValidationFailed({"decision": UNKNOWN_DECISION})
    label = clean_booth_label(booth_label) if decision == "confirm" else ""
    async with in_transaction():
        # One decision per fair at a time (a no-op on SQLite, whose writes are serialised), so
        # that two organisers cannot give the same booth to two employers.
        event = await Event.filter(id=exhibitor.event_id).select_for_update().get()  # type: ignore[attr-defined]
        if (
            label
            and await Exhibitor.filter(event_id=event.id, booth_label__iexact=label)
            .exclude(id=exhibitor.id)
            .exists()
        ):
            raise ValidationFailed({"booth_label": LABEL_TAKEN})
        status = ExhibitorStatus.CONFIRMED if decision == "confirm" else ExhibitorStatus.DECLINED
        await Exhibitor.filter(id=exhibitor.id).update(status=status, booth_label=label)
        exhibitor.status, exhibitor.booth_label = status, label
        await _log(
            f"exhibitor.{status.value}",
            exhibitor,
            event,
            by,
            {"employer": exhibitor.employer_id, "booth": label},  # type: ignore[attr-defined]
        )
    return exhibitor


# --- the public fair page ------------------------------------------------------------------------


async def exhibitor_offers(exhibitors: Iterable[Exhibitor]) -> dict[int, list[Offer]]:
    """Employer id → its offers open on the board now, by title, for the booths of a fair
    page (one query for all of them)."""
    employer_ids = {exhibitor.employer_id for exhibitor in exhibitors}  # type: ignore[attr-defined]
    if not employer_ids:
        return {}
    offers = await open_offers().filter(employer_id__in=employer_ids).order_by("title", "id")
    by_employer: dict[int, list[Offer]] = defaultdict(list)
    for offer in offers:
        by_employer[offer.employer_id].append(offer)  # type: ignore[attr-defined]
    return dict(by_employer)


async def _log(
    action: str, exhibitor: Exhibitor, event: Event, user: User | None, data: dict[str, Any]
) -> None:
    await log_action(
        action,
        "exhibitor",
        exhibitor.id,
        user=user,
        organisation_id=event.organisation_id,  # type: ignore[attr-defined]
        data={"event": event.id, **data},
    )
