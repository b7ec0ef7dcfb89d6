"""CSR pledges and what was delivered against them.

A pledge's status is never typed by hand: `pledge_status()` derives it from the pledged target,
the deliveries that count, the deadline and today's date.

Employers pledge (a number of places, people or items, or for co-funding an amount in dirhams),
then record what they delivered: deliveries are append-only facts. A hire on an offer linked to a
pledge is an ordinary delivery written by `server.services.employers.interests`, with `interest`
set.
Organisers of any organisation confirm or question deliveries; a questioned one stops counting.

Forms carry what was typed, as typed, so that a refused form comes back with nothing lost.
Errors: ValidationFailed (field → message), PledgeChangeRefused (`already_delivered`,
`employer_not_approved`, `invalid_decision`) and NotFound.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from server.errors import AppError, NotFound, ValidationFailed
from server.i18n import lazy
from server.models import Delivery, Employer, Event, Organisation, Pledge, User
from server.models.enums import (
    DeliveryReview,
    EmployerStatus,
    EventStatus,
    PledgeKind,
    PledgeStatus,
)
from server.services.action_log import log_action
from server.values.clock import today_in_morocco
from server.values.money import parse_amount
from server.values.numbers import parse_count

# A delivery the organisers questioned does not count until it is confirmed.
COUNTED_REVIEWS = (DeliveryReview.UNREVIEWED, DeliveryReview.CONFIRMED)


@dataclass(frozen=True)
class PledgeProgress:
    """Pledged against delivered, in the pledge's unit (places/items, or dirhams for co-funding)."""

    target: Decimal
    delivered: Decimal
    status: PledgeStatus

    @property
    def percent(self) -> int:
        """Delivered as a share of the target, capped at 100 for progress bars."""
        if self.target <= 0:
            return 0
        return min(100, int(self.delivered * 100 / self.target))


def pledge_status(target: Decimal, delivered: Decimal, deadline: date, today: date) -> PledgeStatus:
    """Fulfilled once the deliveries reach the target (more is still fulfilled), overdue when
    the deadline has passed before that, in progress after a first delivery, else pledged."""
    if delivered >= target:
        return PledgeStatus.FULFILLED
    if today > deadline:
        return PledgeStatus.OVERDUE
    if delivered > 0:
        return PledgeStatus.IN_PROGRESS
    return PledgeStatus.PLEDGED


MAX_QUANTITY = 100_000
MAX_AMOUNT = Decimal("1000000000")  # a billion dirhams; the column would hold ten times more
MAX_TEXT_LENGTH = 2000
DEADLINE_HORIZON_DAYS = 3653  # ten years
EVENT_STATUSES = (EventStatus.PUBLISHED, EventStatus.CLOSED)  # where a pledge may have been made
DESCRIBED_KINDS = (PledgeKind.IN_KIND, PledgeKind.OTHER)  # their kind alone says too little
REVIEW_DECISIONS = (DeliveryReview.CONFIRMED, DeliveryReview.QUESTIONED)


class PledgeChangeRefused(AppError):
    """A change the pledge's facts do not allow; `code` says why (`already_delivered`,
    `employer_not_approved`, `invalid_decision`)."""

    status_code = 409


# --- progress -----------------------------------------------------------------------------------


def in_unit(kind: PledgeKind, quantity: int | None, amount_mad: object) -> Decimal:
    """A pledge's or a delivery's value in the unit of a pledge of `kind`: its amount in dirhams
    for co-funding, else its quantity. The amount may come from a database sum, which SQLite
    answers as a float: it goes through `str` so that no binary fraction creeps in."""
    value = amount_mad if kind.is_money else quantity
    return Decimal(str(value)) if value is not None else Decimal(0)


def pledge_target(pledge: Pledge) -> Decimal:
    """What was pledged, in the pledge's unit."""
    return in_unit(pledge.kind, pledge.quantity, pledge.amount_mad)


def delivery_value(kind: PledgeKind, delivery: Delivery) -> Decimal:
    """What a delivery brings, in the unit of a pledge of `kind` (a hire is one place)."""
    return in_unit(kind, delivery.quantity, delivery.amount_mad)


def counts(delivery: Delivery) -> bool:
    """Whether a delivery counts towards its pledge (see COUNTED_REVIEWS)."""
    return delivery.review in COUNTED_REVIEWS


def pledge_progress(pledge: Pledge, deliveries: Iterable[Delivery], today: date) -> PledgeProgress:
    """Target (quantity, or amount for co-funding) against the sum of the deliveries that count,
    and the status that follows. `deliveries` are the pledge's own."""
    delivered = sum(
        (delivery_value(pledge.kind, delivery) for delivery in deliveries if counts(delivery)),
        Decimal(0),
    )
    target = pledge_target(pledge)
    return PledgeProgress(
        target=target,
        delivered=delivered,
        status=pledge_status(target, delivered, pledge.deadline, today),
    )


# --- the pledge form ----------------------------------------------------------------------------


@dataclass
class PledgeForm:
    """A pledge as typed: `event` is an event id or "", `deadline` an ISO date."""

    kind: str = ""
    quantity: str = ""
    amount: str = ""
    deadline: str = ""
    event: str = ""
    description: str = ""

    @classmethod
    def from_pledge(cls, pledge: Pledge) -> PledgeForm:
        """The form that shows an existing pledge for editing."""
        return cls(
            kind=pledge.kind.value,
            quantity="" if pledge.quantity is None else str(pledge.quantity),
            amount="" if pledge.amount_mad is None else str(pledge.amount_mad),
            deadline=pledge.deadline.isoformat(),
            event="" if pledge.event_id is None else str(pledge.event_id),  # type: ignore[attr-defined]
            description=pledge.description,
        )


async def pledge_event_choices(current: Pledge | None = None) -> list[Event]:
    """The events a pledge may have been made at: published or closed events of every
    organisation (not the sessions inside a fair: the fair stands for them), newest first,
    with their organisation. The event of `current`, the pledge being edited, stays a choice
    whatever its status now."""
    choices = Q(status__in=EVENT_STATUSES, parent_id__isnull=True)
    if current is not None and current.event_id is not None:  # type: ignore[attr-defined]
        choices |= Q(id=current.event_id)  # type: ignore[attr-defined]
    return await Event.filter(choices).select_related("organisation").order_by("-starts_at", "-id")


def _clean_quantity(errors: dict[str, str], text: str) -> int | None:
    text = text.strip()
    if not text:
        errors["quantity"] = lazy("Enter how many places, people or items.")
        return None
    number = parse_count(text)
    if number is None and text.isascii() and text.isdigit():  # more digits than any count
        errors["quantity"] = lazy("This number is too large.")
        return None
    if number is None or number < 1:
        errors["quantity"] = lazy("Enter a whole number of at least 1.")
        return None
    if number > MAX_QUANTITY:
        errors["quantity"] = lazy("This number is too large.")
        return None
    return number


def _clean_amount(errors: dict[str, str], text: str) -> Decimal | None:
    if not text.strip():
        errors["amount"] = lazy("Enter the amount in dirhams.")
        return None
    amount = parse_amount(text)
    if amount is None:
        errors["amount"] = lazy("Enter an amount in dirhams, such as 15 000 or 15000,50.")
        return None
    if amount <= 0:
        errors["amount"] = lazy("The amount must be more than zero.")
        return None
    if amount > MAX_AMOUNT:
        errors["amount"] = lazy("This amount is too large.")
        return None
    return amount


def _clean_measure(
    errors: dict[str, str], kind: PledgeKind | None, quantity: str, amount: str
) -> dict[str, Any]:
    """The quantity or the amount, whichever the kind is counted in; the other must be empty."""
    if kind is None:
        return {}
    if kind.is_money:
        if quantity.strip():
            errors["quantity"] = lazy("Leave this empty for co-funding: enter the amount.")
        return {"quantity": None, "amount_mad": _clean_amount(errors, amount)}
    if amount.strip():
        errors["amount"] = lazy("Only for co-funding: leave this empty.")
    return {"quantity": _clean_quantity(errors, quantity), "amount_mad": None}


def _parse_date(text: str) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None


def _clean_text(errors: dict[str, str], name: str, text: str, *, missing: str | None) -> str:
    text = text.strip()
    if missing is not None and not text:
        errors[name] = missing
    elif len(text) > MAX_TEXT_LENGTH:
        errors[name] = lazy("This text is too long.")
    return text


async def _clean_pledge(form: PledgeForm, *, current: Pledge | None, today: date) -> dict[str, Any]:
    """The model fields of a valid form; raises ValidationFailed with every error found.

    `current` is the pledge being edited: its own deadline and event stay acceptable even when
    they would no longer be chosen today (a passed deadline, an archived event).
    """
    errors: dict[str, str] = {}
    kind = PledgeKind(form.kind) if form.kind in set(PledgeKind) else None
    if kind is None:
        errors["kind"] = lazy("Choose a kind of commitment from the list.")
    values = _clean_measure(errors, kind, form.quantity, form.amount)

    deadline = _parse_date(form.deadline)
    unchanged_deadline = current is not None and deadline == current.deadline
    if deadline is None:
        errors["deadline"] = lazy("Enter a date.")
    elif deadline < today and not unchanged_deadline:
        errors["deadline"] = lazy("The deadline cannot be in the past.")
    elif (deadline - today).days > DEADLINE_HORIZON_DAYS and not unchanged_deadline:
        errors["deadline"] = lazy("The deadline must be within ten years.")

    event_id: int | None = None
    if form.event.strip():
        event_id = parse_count(form.event)
        kept = current is not None and event_id == current.event_id  # type: ignore[attr-defined]
        if event_id is None or not (
            kept
            or await Event.exists(id=event_id, status__in=EVENT_STATUSES, parent_id__isnull=True)
        ):
            errors["event"] = lazy("Choose an event from the list.")

    needs_description = kind in DESCRIBED_KINDS
    description = _clean_text(
        errors,
        "description",
        form.description,
        missing=lazy("Describe what you commit to.") if needs_description else None,
    )
    if errors:
        raise ValidationFailed(errors)
    return {
        "kind": kind,
        **values,
        "deadline": deadline,
        "event_id": event_id,
        "description": description,
    }


# --- pledging -----------------------------------------------------------------------------------


async def create_pledge(
    employer: Employer, form: PledgeForm, *, by: User | None, today: date | None = None
) -> Pledge:
    """Record a new pledge of `employer`; logs `pledge.created`.

    Raises ValidationFailed for bad input and PledgeChangeRefused (`employer_not_approved`).
    """
    if employer.status != EmployerStatus.APPROVED:
        raise PledgeChangeRefused(
            lazy("Your company has not been approved yet."), code="employer_not_approved"
        )
    values = await _clean_pledge(form, current=None, today=today or today_in_morocco())
    async with in_transaction():
        pledge = await Pledge.create(employer_id=employer.id, **values)
        await _log_pledge("pledge.created", pledge, by, _measure_data(pledge))
    return pledge


async def update_pledge(
    pledge: Pledge, form: PledgeForm, *, by: User | None, today: date | None = None
) -> Pledge:
    """Change a pledge on which nothing was delivered yet; logs `pledge.updated`.

    Once something was delivered the pledge is a commitment partly kept, and changing it would
    rewrite its history. Raises ValidationFailed and PledgeChangeRefused (`already_delivered`).
    """
    values = await _clean_pledge(form, current=pledge, today=today or today_in_morocco())
    async with in_transaction():
        # The pledge's row is locked so that a delivery recorded at this instant waits for us.
        await Pledge.select_for_update().get(id=pledge.id)
        if await Delivery.exists(pledge_id=pledge.id):
            raise _already_delivered()
        await Pledge.filter(id=pledge.id).update(**values)
        pledge.update_from_dict(values)
        await _log_pledge("pledge.updated", pledge, by, _measure_data(pledge))
    return pledge


def check_editable(overview: PledgeOverview) -> None:
    """Raise PledgeChangeRefused (`already_delivered`) once something was delivered against
    the pledge: the edit form is not even shown then."""
    if overview.deliveries:
        raise _already_delivered()


def _already_delivered() -> PledgeChangeRefused:
    return PledgeChangeRefused(
        lazy("Something was already delivered: this pledge can no longer be changed."),
        code="already_delivered",
    )


def _measure_data(record: Pledge | Delivery) -> dict[str, Any]:
    data: dict[str, Any] = {}
    if record.quantity is not None:
        data["quantity"] = record.quantity
    if record.amount_mad is not None:
        data["amount_mad"] = str(record.amount_mad)
    return data


async def _log_pledge(action: str, pledge: Pledge, user: User | None, data: dict[str, Any]) -> None:
    await log_action(
        action,
        "pledge",
        pledge.id,
        user=user,
        organisation_id=await _organisation_of(pledge),
        data={"employer": pledge.employer_id, "kind": pledge.kind.value, **data},  # type: ignore[attr-defined]
    )


async def _organisation_of(pledge: Pledge) -> int | None:
    """The organisation of the event where the pledge was made, for its log rows."""
    if pledge.event_id is None:  # type: ignore[attr-defined]
        return None
    rows = await Event.filter(id=pledge.event_id).values_list("organisation_id", flat=True)  # type: ignore[attr-defined]
    return rows[0] if rows else None


# --- deliveries ---------------------------------------------------------------------------------


@dataclass
class DeliveryForm:
    """A delivery as typed: `quantity` or `amount` (the pledge's unit), an ISO date, evidence."""

    quantity: str = ""
    amount: str = ""
    delivered_on: str = ""
    evidence: str = ""


async def record_delivery(
    pledge: Pledge, form: DeliveryForm, *, by: User | None, today: date | None = None
) -> Delivery:
    """Append what was delivered against `pledge`; logs `pledge.delivery.created`.

    Deliveries are never edited nor deleted: a mistake is questioned by the organisers.
    Raises ValidationFailed.
    """
    errors: dict[str, str] = {}
    values: dict[str, Any]
    if pledge.kind.is_money:
        values = {"quantity": None, "amount_mad": _clean_amount(errors, form.amount)}
    else:
        values = {"quantity": _clean_quantity(errors, form.quantity), "amount_mad": None}
    delivered_on = _parse_date(form.delivered_on)
    if delivered_on is None:
        errors["delivered_on"] = lazy("Enter a date.")
    elif delivered_on > (today or today_in_morocco()):
        errors["delivered_on"] = lazy("The date cannot be in the future.")
    evidence = _clean_text(
        errors,
        "evidence",
        form.evidence,
        missing=lazy("Describe the evidence: a contract, an attendance list, a receipt…"),
    )
    if errors:
        raise ValidationFailed(errors)
    async with in_transaction():
        await Pledge.select_for_update().get(id=pledge.id)  # see update_pledge
        delivery = await Delivery.create(
            pledge_id=pledge.id,
            delivered_on=delivered_on,
            evidence=evidence,
            recorded_by_id=by.id if by else None,
            **values,
        )
        await log_action(
            "pledge.delivery.created",
            "delivery",
            delivery.id,
            user=by,
            organisation_id=await _organisation_of(pledge),
            data={"pledge": pledge.id, **_measure_data(delivery)},
        )
    return delivery


async def review_delivery(
    delivery: Delivery,
    decision: str,
    note: str,
    *,
    by: User | None,
    organisation: Organisation | None = None,
) -> Delivery:
    """An organiser confirms or questions a delivery; logs `pledge.delivery.confirmed` or
    `pledge.delivery.questioned` (under `organisation`, the reviewer's).

    A questioned delivery stops counting towards its pledge until it is confirmed; the note says
    why and is shown to the employer, so questioning needs one. A later review replaces the
    earlier one, and the log keeps them all. Raises ValidationFailed (`note`) and
    PledgeChangeRefused (`invalid_decision`).
    """
    if decision not in set(REVIEW_DECISIONS):
        raise PledgeChangeRefused(
            lazy("Choose to confirm or to question the delivery."), code="invalid_decision"
        )
    review = DeliveryReview(decision)
    errors: dict[str, str] = {}
    missing = lazy("Say what is wrong: the employer will read this note.")
    text = _clean_text(
        errors, "note", note, missing=missing if review == DeliveryReview.QUESTIONED else None
    )
    if errors:
        raise ValidationFailed(errors)
    previous = delivery.review
    async with in_transaction():
        await Delivery.filter(id=delivery.id).update(review=review, review_note=text)
        await log_action(
            f"pledge.delivery.{review.value}",
            "delivery",
            delivery.id,
            user=by,
            organisation_id=organisation.id if organisation else None,
            data={"pledge": delivery.pledge_id, "from": previous.value, "note": text},  # type: ignore[attr-defined]
        )
    delivery.review = review
    delivery.review_note = text
    return delivery


# --- reading ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DeliveryLine:
    """A delivery as shown: its value in the pledge's unit, whether it counts, and for a hire the
    title of the offer it came through (its evidence)."""

    delivery: Delivery
    value: Decimal
    counted: bool
    hire_offer_title: str | None


def delivery_line(kind: PledgeKind, delivery: Delivery) -> DeliveryLine:
    """`delivery` (loaded with its interest and offer) as a line of a pledge of `kind`."""
    interest = delivery.interest if delivery.interest_id is not None else None  # type: ignore[attr-defined]
    return DeliveryLine(
        delivery=delivery,
        value=delivery_value(kind, delivery),
        counted=counts(delivery),
        hire_offer_title=interest.offer.title if interest is not None else None,
    )


@dataclass(frozen=True)
class PledgeOverview:
    """A pledge with its progress and its deliveries, newest first."""

    pledge: Pledge
    progress: PledgeProgress
    deliveries: list[DeliveryLine]


def _deliveries_with_hires() -> Any:
    return Delivery.all().select_related("interest__offer").order_by("-delivered_on", "-id")


def _overview(pledge: Pledge, deliveries: list[Delivery], today: date) -> PledgeOverview:
    return PledgeOverview(
        pledge=pledge,
        progress=pledge_progress(pledge, deliveries, today),
        deliveries=[delivery_line(pledge.kind, delivery) for delivery in deliveries],
    )


async def employer_pledges(employer: Employer, today: date) -> list[PledgeOverview]:
    """Every pledge of `employer` (soonest deadline first, with the event where it was made),
    each with its progress and deliveries: two queries whatever their number."""
    pledges = (
        await Pledge.filter(employer_id=employer.id)
        .select_related("event")
        .order_by("deadline", "id")
    )
    by_pledge: dict[int, list[Delivery]] = {pledge.id: [] for pledge in pledges}
    for delivery in await _deliveries_with_hires().filter(pledge__employer_id=employer.id):
        by_pledge[delivery.pledge_id].append(delivery)  # type: ignore[attr-defined]
    return [_overview(pledge, by_pledge[pledge.id], today) for pledge in pledges]


async def employer_pledge(employer: Employer, pledge_id: int, today: date) -> PledgeOverview:
    """One pledge of `employer`, with its progress and deliveries.

    Raises NotFound for an unknown id and another employer's pledge alike.
    """
    pledge = (
        await Pledge.filter(id=pledge_id, employer_id=employer.id).select_related("event").first()
    )
    if pledge is None:
        raise NotFound(lazy("This pledge does not exist."))
    return _overview(pledge, await _deliveries_with_hires().filter(pledge_id=pledge.id), today)


async def managed_pledge(pledge_id: int, today: date) -> PledgeOverview:
    """Any pledge, for the organisers of any organisation (employers are platform-wide), with
    its employer, event, progress and deliveries. Raises NotFound."""
    pledge = await Pledge.filter(id=pledge_id).select_related("employer", "event").first()
    if pledge is None:
        raise NotFound(lazy("This pledge does not exist."))
    return _overview(pledge, await _deliveries_with_hires().filter(pledge_id=pledge.id), today)


async def managed_delivery(delivery_id: int) -> Delivery:
    """Any delivery with its pledge, interest and offer, for the organisers. Raises NotFound."""
    delivery = (
        await Delivery.filter(id=delivery_id).select_related("pledge", "interest__offer").first()
    )
    if delivery is None:
        raise NotFound(lazy("This delivery does not exist."))
    return delivery


# --- totals for the organisers ------------------------------------------------------------------


@dataclass(frozen=True)
class PledgeFilters:
    """What the organisers narrow the pledges by; empty means no filter."""

    kind: str = ""
    status: str = ""
    employer: int | None = None
    event: int | None = None

    @classmethod
    def from_query(cls, params: Mapping[str, str]) -> PledgeFilters:
        """Filters from a query string; values that mean nothing are dropped, not refused."""
        kind = params.get("kind", "")
        status = params.get("status", "")
        return cls(
            kind=kind if kind in set(PledgeKind) else "",
            status=status if status in set(PledgeStatus) else "",
            employer=parse_count(params.get("employer", "")),
            event=parse_count(params.get("event", "")),
        )

    def query_items(self) -> dict[str, str]:
        """The filters as query-string parameters (empty ones left out), for links."""
        items = {
            "kind": self.kind,
            "status": self.status,
            "employer": str(self.employer) if self.employer else "",
            "event": str(self.event) if self.event else "",
        }
        return {key: value for key, value in items.items() if value}


@dataclass(frozen=True)
class PledgeLine:
    """A pledge of the organisers' list (with its employer and event) and its progress."""

    pledge: Pledge
    progress: PledgeProgress


@dataclass(frozen=True)
class KindTotals:
    """The pledges of one kind: how many, pledged and delivered (in the kind's unit: dirhams for
    co-funding), and how many are fulfilled or overdue."""

    kind: PledgeKind
    pledges: int
    pledged: Decimal
    delivered: Decimal
    fulfilled: int
    overdue: int


@dataclass(frozen=True)
class EmployerTotals:
    """The pledges of one employer: places and items apart from dirhams, which do not add up."""

    employer_id: int
    name: str
    pledges: int
    quantity_pledged: int
    quantity_delivered: int
    amount_pledged: Decimal
    amount_delivered: Decimal
    fulfilled: int
    overdue: int


@dataclass(frozen=True)
class PledgeTotals:
    """The organisers' view of the pledges that match the filters: totals by kind (in the
    enum's order) and by employer (by name), the pledges themselves (soonest deadline first),
    and what the filters can be set to (every employer and event that has pledges)."""

    by_kind: list[KindTotals]
    by_employer: list[EmployerTotals]
    pledges: list[PledgeLine]
    employer_choices: list[tuple[int, str]]
    event_choices: list[Event]


async def pledge_totals(today: date, *, filters: PledgeFilters | None = None) -> PledgeTotals:
    """Totals and list of every organisation's pledges matching `filters`: four queries whatever
    the number of pledges and deliveries.

    The status is derived, so that filter is applied after the progress is computed; the totals
    are those of the pledges listed. Amounts are summed as Decimals in Python, not by the
    database (SQLite would sum them as floats).
    """
    filters = filters or PledgeFilters()
    conditions: dict[str, Any] = {}
    if filters.kind:
        conditions["kind"] = PledgeKind(filters.kind)
    if filters.employer:
        conditions["employer_id"] = filters.employer
    if filters.event:
        conditions["event_id"] = filters.event
    pledges = (
        await Pledge.filter(**conditions)
        .select_related("employer", "event")
        .order_by("deadline", "id")
    )
    counted = await Delivery.filter(
        review__in=COUNTED_REVIEWS, **{f"pledge__{key}": value for key, value in conditions.items()}
    ).values_list("pledge_id", "quantity", "amount_mad")
    delivered: dict[int, Decimal] = {pledge.id: Decimal(0) for pledge in pledges}
    kinds = {pledge.id: pledge.kind for pledge in pledges}
    for pledge_id, quantity, amount in counted:
        delivered[pledge_id] += in_unit(kinds[pledge_id], quantity, amount)

    lines = []
    for pledge in pledges:
        target = pledge_target(pledge)
        status = pledge_status(target, delivered[pledge.id], pledge.deadline, today)
        if not filters.status or status == filters.status:
            lines.append(PledgeLine(pledge, PledgeProgress(target, delivered[pledge.id], status)))

    employer_rows = (
        await Pledge.all()
        .distinct()
        .order_by("employer__name", "employer_id")
        .values_list("employer_id", "employer__name")
    )
    events = (
        await Event.filter(pledges__id__isnull=False)
        .distinct()
        .select_related("organisation")
        .order_by("-starts_at", "-id")
    )
    return PledgeTotals(
        by_kind=_totals_by_kind(lines),
        by_employer=_totals_by_employer(lines),
        pledges=lines,
        employer_choices=[(employer_id, name) for employer_id, name in employer_rows],
        event_choices=list(events),
    )


def _totals_by_kind(lines: list[PledgeLine]) -> list[KindTotals]:
    totals = []
    for kind in PledgeKind:
        of_kind = [line.progress for line in lines if line.pledge.kind == kind]
        if of_kind:
            totals.append(
                KindTotals(
                    kind=kind,
                    pledges=len(of_kind),
                    pledged=sum((p.target for p in of_kind), Decimal(0)),
                    delivered=sum((p.delivered for p in of_kind), Decimal(0)),
                    fulfilled=sum(p.status == PledgeStatus.FULFILLED for p in of_kind),
                    overdue=sum(p.status == PledgeStatus.OVERDUE for p in of_kind),
                )
            )
    return totals


def _totals_by_employer(lines: list[PledgeLine]) -> list[EmployerTotals]:
    grouped: dict[int, list[PledgeLine]] = {}
    for line in lines:
        grouped.setdefault(line.pledge.employer_id, []).append(line)  # type: ignore[attr-defined]
    totals = []
    for employer_id, of_employer in grouped.items():
        places = [line.progress for line in of_employer if not line.pledge.kind.is_money]
        money = [line.progress for line in of_employer if line.pledge.kind.is_money]
        statuses = [line.progress.status for line in of_employer]
        totals.append(
            EmployerTotals(
                employer_id=employer_id,
                name=of_employer[0].pledge.employer.name,
                pledges=len(of_employer),
                quantity_pledged=int(sum(p.target for p in places)),
                quantity_delivered=int(sum(p.delivered for p in places)),
                amount_pledged=sum((p.target for p in money), Decimal(0)),
                amount_delivered=sum((p.delivered for p in money), Decimal(0)),
                fulfilled=statuses.count(PledgeStatus.FULFILLED),
                overdue=statuses.count(PledgeStatus.OVERDUE),
            )
        )
    return sorted(totals, key=lambda row: (row.name.casefold(), row.employer_id))
