"""Internship and job offers: the employer writes them, an organiser publishes or rejects them,
anyone reads the published ones on the public board.

An offer's life: draft → submitted → published | rejected, and closed at any time by its
employer. Only an approved employer may submit; a pending one can prepare drafts, which stay
invisible. Editing a published offer sends it back to the organisers (submitted), so the public
never sees a change nobody reviewed. Every change writes one ActionLog row (`offer.<verb>`).

Errors: ValidationFailed (field → message) and OfferRefused with a stable `code`
(`employer_not_approved`, `illegal_transition`, `closed`, `status_changed`).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from tortoise.expressions import Case, Q, When
from tortoise.functions import Count
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from server.errors import AppError, NotFound, ValidationFailed
from server.i18n import lazy
from server.i18n.labels import SECTORS, SPOKEN_LANGUAGES
from server.models import Employer, Interest, Offer, Pledge, User
from server.models.enums import (
    ContractType,
    EmployerStatus,
    InterestStatus,
    OfferStatus,
    PledgeKind,
)
from server.services.action_log import log_action
from server.values.clock import today_in_morocco
from server.values.numbers import parse_count

MAX_TITLE_LENGTH = 200
MAX_DESCRIPTION_LENGTH = 10_000
MAX_CITY_LENGTH = 80
MAX_POSITIONS = 999
MAX_REASON_LENGTH = 2_000
PUBLIC_PAGE_SIZE = 20
MODERATION_PAGE_SIZE = 50
# Only these commitments can be delivered by hiring someone through an offer.
OFFER_PLEDGE_KINDS = (PledgeKind.INTERNSHIP, PledgeKind.JOB)
# Offers the employer may still change: a closed offer is final.
EDITABLE_STATUSES = (
    OfferStatus.DRAFT,
    OfferStatus.SUBMITTED,
    OfferStatus.PUBLISHED,
    OfferStatus.REJECTED,
)
SUBMITTABLE_STATUSES = (OfferStatus.DRAFT, OfferStatus.REJECTED)
# What organisers see: drafts are the employer's own business.
MODERATION_STATUSES: Sequence[OfferStatus] = (
    OfferStatus.SUBMITTED,
    OfferStatus.PUBLISHED,
    OfferStatus.REJECTED,
    OfferStatus.CLOSED,
)
PUBLISH = "publish"
REJECT = "reject"


class OfferRefused(AppError):
    """A change the offer's state or its employer's does not allow; `code` says why."""

    status_code = 409


# --- the offer form -----------------------------------------------------------------------------


@dataclass
class OfferForm:
    """An offer as typed in the form, kept as typed so a refused form comes back intact."""

    title: str = ""
    description: str = ""
    city: str = ""
    contract_type: str = ""
    positions: str = "1"
    languages: list[str] = field(default_factory=list)
    deadline: str = ""
    pledge: str = ""

    @classmethod
    def from_offer(cls, offer: Offer) -> OfferForm:
        """The form that shows an existing offer for editing."""
        return cls(
            title=offer.title,
            description=offer.description,
            city=offer.city,
            contract_type=offer.contract_type.value,
            positions=str(offer.positions),
            languages=list(offer.languages or []),
            deadline=offer.deadline.isoformat() if offer.deadline else "",
            pledge=str(offer.pledge_id) if offer.pledge_id else "",  # type: ignore[attr-defined]
        )


async def offer_pledges(employer: Employer) -> list[Pledge]:
    """The employer's internship and job pledges, which an offer may count towards."""
    return (
        await Pledge.filter(employer_id=employer.id, kind__in=OFFER_PLEDGE_KINDS)
        .order_by("deadline", "id")
        .all()
    )


async def _clean_offer(employer: Employer, form: OfferForm) -> dict[str, Any]:
    errors: dict[str, str] = {}
    title = " ".join(form.title.split())
    if not title:
        errors["title"] = lazy("Enter the title of the offer.")
    elif len(title) > MAX_TITLE_LENGTH:
        errors["title"] = lazy("This text is too long.")
    description = form.description.strip()
    if not description:
        errors["description"] = lazy("Describe the work, the hours and what you offer.")
    elif len(description) > MAX_DESCRIPTION_LENGTH:
        errors["description"] = lazy("This text is too long.")
    city = " ".join(form.city.split())
    if not city:
        errors["city"] = lazy("Enter the city.")
    elif len(city) > MAX_CITY_LENGTH:
        errors["city"] = lazy("This text is too long.")
    if form.contract_type not in set(ContractType):
        errors["contract_type"] = lazy("Choose a kind of contract from the list.")
    positions = parse_count(form.positions)
    if positions is None or not 1 <= positions <= MAX_POSITIONS:
        errors["positions"] = lazy("Enter a number of positions from 1 to 999.")
    languages = list(dict.fromkeys(form.languages))
    if any(code not in SPOKEN_LANGUAGES for code in languages):
        errors["languages"] = lazy("Choose languages from the list.")
    deadline = _parse_deadline(errors, form.deadline)
    pledge_id = await _checked_pledge(errors, employer, form.pledge)
    if errors:
        raise ValidationFailed(errors)
    return {
        "title": title,
        "description": description,
        "city": city,
        "contract_type": ContractType(form.contract_type),
        "positions": positions,
        "languages": languages,
        "deadline": deadline,
        "pledge_id": pledge_id,
    }


def _parse_deadline(errors: dict[str, str], text: str) -> date | None:
    text = text.strip()
    if not text:
        return None
    try:
        deadline = date.fromisoformat(text)
    except ValueError:
        errors["deadline"] = lazy("Enter a date, or leave empty.")
        return None
    if deadline < today_in_morocco():
        errors["deadline"] = lazy("The deadline cannot be in the past.")
    return deadline


async def _checked_pledge(errors: dict[str, str], employer: Employer, text: str) -> int | None:
    """The id of one of the employer's internship or job pledges, or None when none is chosen.
    Another employer's pledge is refused like an unknown one."""
    if not text.strip():
        return None
    pledge_id = parse_count(text)
    found = pledge_id is not None and await Pledge.exists(
        id=pledge_id, employer_id=employer.id, kind__in=OFFER_PLEDGE_KINDS
    )
    if not found:
        errors["pledge"] = lazy("Choose one of your internship or job commitments, or none.")
        return None
    return pledge_id


# --- the employer's verbs -----------------------------------------------------------------------


async def save_offer(
    employer: Employer, form: OfferForm, *, offer: Offer | None = None, by: User | None
) -> Offer:
    """Create a draft offer, or save changes to `offer` (one of `employer`'s).

    A published offer that is edited goes back to `submitted` for the organisers to review
    again. Logs `offer.created` or `offer.updated` (with the changed fields). Raises
    ValidationFailed and OfferRefused (`closed`, `status_changed`).
    """
    values = await _clean_offer(employer, form)
    if offer is None:
        async with in_transaction():
            offer = await Offer.create(employer_id=employer.id, status=OfferStatus.DRAFT, **values)
            await _log("offer.created", offer, by, {})
        return offer
    check_editable(offer)
    changed = sorted(name for name, value in values.items() if getattr(offer, name) != value)
    status = OfferStatus.SUBMITTED if offer.status == OfferStatus.PUBLISHED else offer.status
    async with in_transaction():
        # Conditional on the status read, so a moderation in between is not overwritten.
        if not await Offer.filter(id=offer.id, status=offer.status).update(**values, status=status):
            raise _status_changed()
        data: dict[str, Any] = {"fields": changed}
        if status != offer.status:
            data["status"] = {"from": offer.status.value, "to": status.value}
        await _log("offer.updated", offer, by, data)
    return await Offer.get(id=offer.id)


async def submit_offer(offer: Offer, *, by: User | None) -> Offer:
    """Send a draft (or a rejected offer, once changed) to the organisers; logs
    `offer.submitted`. Raises OfferRefused: `employer_not_approved` (a pending or rejected
    company never publishes), `illegal_transition`, `status_changed`."""
    employer = await Employer.get(id=offer.employer_id)  # type: ignore[attr-defined]
    if employer.status != EmployerStatus.APPROVED:
        raise OfferRefused(
            lazy("Your company must be approved before its offers can be published."),
            code="employer_not_approved",
        )
    if offer.status not in SUBMITTABLE_STATUSES:
        raise OfferRefused(lazy("This offer cannot be submitted now."), code="illegal_transition")
    async with in_transaction():
        if not await Offer.filter(id=offer.id, status=offer.status).update(
            status=OfferStatus.SUBMITTED, rejection_reason=""
        ):
            raise _status_changed()
        await _log("offer.submitted", offer, by, {"from": offer.status.value})
    offer.status = OfferStatus.SUBMITTED
    offer.rejection_reason = ""
    return offer


async def close_offer(offer: Offer, *, by: User | None) -> Offer:
    """Close the offer: it leaves the board and takes no more interest; the employer still
    follows its candidates. Logs `offer.closed`. Raises OfferRefused (`closed`,
    `status_changed`)."""
    check_editable(offer)
    async with in_transaction():
        if not await Offer.filter(id=offer.id, status=offer.status).update(
            status=OfferStatus.CLOSED
        ):
            raise _status_changed()
        await _log("offer.closed", offer, by, {"from": offer.status.value})
    offer.status = OfferStatus.CLOSED
    return offer


def check_editable(offer: Offer) -> None:
    """Raise OfferRefused `closed` for a closed offer: that status is final."""
    if offer.status not in EDITABLE_STATUSES:
        raise OfferRefused(
            lazy("This offer is closed: it can no longer be changed."), code="closed"
        )


def _status_changed() -> OfferRefused:
    return OfferRefused(
        lazy("Someone else changed this offer in the meantime. Please look again."),
        code="status_changed",
    )


# --- the organisers' verbs ----------------------------------------------------------------------


async def moderate_offer(offer: Offer, decision: str, reason: str, *, by: User | None) -> Offer:
    """Publish or reject a submitted offer (`decision` is "publish" or "reject").

    A rejection needs a reason, which the employer sees. Logs `offer.published` or
    `offer.rejected`. Raises ValidationFailed (`reason`, `decision`) and OfferRefused
    (`illegal_transition`, `employer_not_approved`, `status_changed`).
    """
    reason = reason.strip()
    if decision not in (PUBLISH, REJECT):
        raise ValidationFailed({"decision": lazy("Choose to publish or to reject the offer.")})
    if decision == REJECT and not reason:
        raise ValidationFailed(
            {"reason": lazy("Say why the offer is rejected: the employer will read it.")}
        )
    if len(reason) > MAX_REASON_LENGTH:
        raise ValidationFailed({"reason": lazy("This text is too long.")})
    if offer.status != OfferStatus.SUBMITTED:
        raise OfferRefused(
            lazy("Only an offer awaiting review can be published or rejected."),
            code="illegal_transition",
        )
    values: dict[str, Any]
    if decision == PUBLISH:
        employer = await Employer.get(id=offer.employer_id)  # type: ignore[attr-defined]
        if employer.status != EmployerStatus.APPROVED:
            raise OfferRefused(
                lazy("Approve the company first: its offers cannot be published before."),
                code="employer_not_approved",
            )
        # published_at keeps the first publication: a re-reviewed edit is not a new offer.
        values = {
            "status": OfferStatus.PUBLISHED,
            "rejection_reason": "",
            "published_at": offer.published_at or datetime.now(UTC),
        }
    else:
        values = {"status": OfferStatus.REJECTED, "rejection_reason": reason}
    async with in_transaction():
        if not await Offer.filter(id=offer.id, status=OfferStatus.SUBMITTED).update(**values):
            raise _status_changed()
        data = {"reason": reason} if reason else {}
        await _log(f"offer.{values['status'].value}", offer, by, data)
    for name, value in values.items():
        setattr(offer, name, value)
    return offer


# --- reading, for the employer ------------------------------------------------------------------


@dataclass(frozen=True)
class OfferSummary:
    """One of the employer's offers with how many candidates it has at each stage."""

    offer: Offer
    counts: Mapping[InterestStatus, int]

    @property
    def candidates(self) -> int:
        return sum(self.counts.values())

    @property
    def hired(self) -> int:
        return self.counts.get(InterestStatus.HIRED, 0)


async def employer_offers(employer: Employer) -> list[OfferSummary]:
    """All of the employer's offers, newest first, with their candidates counted per status
    (two queries, whatever the number of offers)."""
    offers = await Offer.filter(employer_id=employer.id).order_by("-created_at", "-id")
    rows = (
        await Interest.filter(offer__employer_id=employer.id)
        .annotate(number=Count("id"))
        .group_by("offer_id", "status")
        .values("offer_id", "status", "number")
    )
    counts: dict[int, dict[InterestStatus, int]] = {offer.id: {} for offer in offers}
    for row in rows:
        counts.setdefault(row["offer_id"], {})[InterestStatus(row["status"])] = row["number"]
    return [OfferSummary(offer, counts[offer.id]) for offer in offers]


async def employer_offer(employer: Employer, offer_id: int) -> Offer:
    """One of the employer's offers, any status, with its pledge. Raises NotFound for an
    unknown id and for another employer's offer alike."""
    offer = (
        await Offer.filter(id=offer_id, employer_id=employer.id).select_related("pledge").first()
    )
    if offer is None:
        raise NotFound(lazy("This offer does not exist."))
    return offer


# --- reading, for the public board --------------------------------------------------------------


@dataclass(frozen=True)
class OfferFilters:
    """What a visitor narrows the board by; empty means no filter."""

    city: str = ""
    sector: str = ""
    contract: str = ""

    @classmethod
    def from_query(cls, params: Mapping[str, str]) -> OfferFilters:
        """Filters from a query string; values that mean nothing are dropped, not refused."""
        sector = params.get("sector", "")
        contract = params.get("contract", "")
        return cls(
            city=" ".join(params.get("city", "").split())[:MAX_CITY_LENGTH],
            sector=sector if sector in SECTORS else "",
            contract=contract if contract in set(ContractType) else "",
        )

    def query_items(self) -> dict[str, str]:
        """The filters as query-string parameters (empty ones left out), for links."""
        items = {"city": self.city, "sector": self.sector, "contract": self.contract}
        return {key: value for key, value in items.items() if value}


@dataclass(frozen=True)
class OfferPage:
    offers: list[Offer]
    page: int
    pages: int
    total: int


def open_offers() -> QuerySet[Offer]:
    """Offers anyone may see and show interest in: published, of an approved employer, whose
    deadline (if any) has not passed."""
    return Offer.filter(
        Q(deadline__isnull=True) | Q(deadline__gte=today_in_morocco()),
        status=OfferStatus.PUBLISHED,
        employer__status=EmployerStatus.APPROVED,
    )


async def public_offers(filters: OfferFilters | None = None, page: int = 1) -> OfferPage:
    """One page of the open offers, newest first, with their employer. A page number past the
    end gives the last page."""
    filters = filters or OfferFilters()
    query = open_offers()
    if filters.city:
        query = query.filter(city=filters.city)
    if filters.sector:
        query = query.filter(employer__sector=filters.sector)
    if filters.contract:
        query = query.filter(contract_type=filters.contract)
    total = await query.count()
    pages = max(1, math.ceil(total / PUBLIC_PAGE_SIZE))
    page = min(max(page, 1), pages)
    offers = (
        await query.select_related("employer")
        .order_by("-published_at", "-id")
        .offset((page - 1) * PUBLIC_PAGE_SIZE)
        .limit(PUBLIC_PAGE_SIZE)
    )
    return OfferPage(list(offers), page, pages, total)


async def offer_cities() -> list[str]:
    """Cities that have an open offer, for the board's filter menu."""
    return sorted(set(await open_offers().distinct().values_list("city", flat=True)))


async def public_offer(offer_id: int) -> Offer:
    """A published offer of an approved employer, with its employer, even past its deadline
    (the page then says so). Raises NotFound for anything else."""
    offer = (
        await Offer.filter(
            id=offer_id, status=OfferStatus.PUBLISHED, employer__status=EmployerStatus.APPROVED
        )
        .select_related("employer")
        .first()
    )
    if offer is None:
        raise NotFound(lazy("This offer does not exist or is not public."))
    return offer


def is_open(offer: Offer) -> bool:
    """Whether people may still show interest in the offer: published and before its
    deadline. The employer's approval is checked by the queries that load offers."""
    return offer.status == OfferStatus.PUBLISHED and (
        offer.deadline is None or offer.deadline >= today_in_morocco()
    )


# --- reading, for the organisers ----------------------------------------------------------------


async def offers_for_review(status: str = "", page: int = 1) -> OfferPage:
    """Every employer's offers for the organisers: those awaiting review first, then the
    others, newest first; `status` keeps only one status. Drafts are the employer's own
    business and are left out."""
    query = Offer.filter(status__in=MODERATION_STATUSES)
    if status in MODERATION_STATUSES:
        query = query.filter(status=status)
    total = await query.count()
    pages = max(1, math.ceil(total / MODERATION_PAGE_SIZE))
    page = min(max(page, 1), pages)
    offers = (
        await query.annotate(
            waiting=Case(When(status=OfferStatus.SUBMITTED, then="0"), default="1")
        )
        .select_related("employer", "pledge")
        .order_by("waiting", "-created_at", "-id")
        .offset((page - 1) * MODERATION_PAGE_SIZE)
        .limit(MODERATION_PAGE_SIZE)
    )
    return OfferPage(list(offers), page, pages, total)


async def offer_for_review(offer_id: int) -> Offer:
    """Any employer's offer except a draft (organisers moderate all of them). Raises
    NotFound."""
    offer = await Offer.filter(id=offer_id, status__in=MODERATION_STATUSES).first()
    if offer is None:
        raise NotFound(lazy("This offer does not exist."))
    return offer


async def _log(action: str, offer: Offer, user: User | None, data: dict[str, Any]) -> None:
    await log_action(
        action,
        "offer",
        offer.id,
        user=user,
        organisation_id=None,  # employers and their offers are platform-wide
        data={"employer": offer.employer_id, **data},  # type: ignore[attr-defined]
    )
