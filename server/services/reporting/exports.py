"""The organisers' exports: registrations, check-ins, pledges and deliveries, offers and interests,
as tables of cells with headers in the reader's language (server.documents.tables writes the files).

What each export holds, and for whom:
- registrations and check-ins: those of the organisation's events only, with the attendees'
  personal data, which the organisers of the event's organisation may see;
- pledges and deliveries: every pledge (employers are platform-wide and organisers of any
  organisation follow their pledges), with the event where it was made;
- offers and interests: every offer past the employer's draft, with each interest; the person's
  name and phone only when they registered for one of the organisation's events.
With an event (of the organisation), each export keeps what concerns that event and its sessions:
their registrations and scans, the pledges made there, the interests of the people registered.

Each export costs a fixed number of queries (one to three), whatever the number of rows.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from tortoise.expressions import Q, Subquery

from server.documents.tables import Cell
from server.errors import NotFound
from server.i18n import current_language, gettext, lazy, pick_text
from server.i18n.labels import SECTORS, SPOKEN_LANGUAGES, countries, label
from server.models import (
    CheckIn,
    Delivery,
    Event,
    Interest,
    Offer,
    Organisation,
    Pledge,
    Registration,
)
from server.models.enums import (
    CheckInKind,
    CheckInResult,
    OfferStatus,
    PledgeKind,
)
from server.services.employers.pledges import COUNTED_REVIEWS, in_unit, pledge_status
from server.values.clock import EVENT_TIMEZONE, today_in_morocco

ExportCell = Cell | date  # dates (deadlines, deliveries) stay dates in a spreadsheet

DATASETS: dict[str, str] = {
    "registrations": lazy("Registrations"),
    "checkins": lazy("Check-ins"),
    "pledges": lazy("Pledges and deliveries"),
    "offers": lazy("Offers and interests"),
}
FORMATS = ("csv", "xlsx")

CHECKIN_KINDS: dict[CheckInKind, str] = {
    CheckInKind.ENTRY: lazy("Entry"),
    CheckInKind.UNDO: lazy("Entry undone"),
    CheckInKind.REFUSED: lazy("Refused"),
}
CHECKIN_RESULTS: dict[CheckInResult, str] = {
    CheckInResult.OK: lazy("Checked in"),
    CheckInResult.ALREADY_CHECKED_IN: lazy("Already checked in"),
    CheckInResult.INVALID: lazy("Invalid code"),
    CheckInResult.NOT_FOUND: lazy("Not found"),
    CheckInResult.WRONG_EVENT: lazy("Another event's badge"),
    CheckInResult.CANCELLED: lazy("Cancelled registration"),
    CheckInResult.WAITLISTED: lazy("On the waiting list"),
}
NOT_KNOWN_TO_US = lazy("Not registered for our events")


@dataclass(frozen=True)
class ExportTable:
    """One export: its title (for the sheet's name), headers and rows, already translated."""

    title: str
    headers: list[str]
    rows: list[list[ExportCell]]


@dataclass(frozen=True)
class ExportsOverview:
    """What the exports page offers: the organisation's events to narrow by, and the chosen one."""

    events: list[Event]
    event: Event | None


# --- reading the filter -------------------------------------------------------------------------


async def exports_overview(organisation: Organisation, event_id: int | None) -> ExportsOverview:
    """The organisation's events, latest first, and the one chosen (NotFound for another
    organisation's event or an unknown id)."""
    events = await Event.filter(organisation_id=organisation.id).order_by("-starts_at", "id")
    chosen = None
    if event_id is not None:
        chosen = next((event for event in events if event.id == event_id), None)
        if chosen is None:
            raise NotFound(lazy("This event does not exist."))
    return ExportsOverview(events, chosen)


async def _chosen_event(organisation: Organisation, event_id: int | None) -> Event | None:
    if event_id is None:
        return None
    event = await Event.get_or_none(id=event_id, organisation_id=organisation.id)
    if event is None:
        raise NotFound(lazy("This event does not exist."))
    return event


def _of_event(event: Event, path: str = "event") -> Q:
    """The rows of `event` and of its sessions, through the relation `path` to an event."""
    return Q(**{f"{path}_id": event.id}) | Q(**{f"{path}__parent_id": event.id})


# --- the exports ----------------------------------------------------------------------------------


async def export_table(
    organisation: Organisation, dataset: str, *, event_id: int | None = None
) -> ExportTable:
    """The export `dataset` (a key of DATASETS) for the organisers of `organisation`, narrowed to
    one of its events when `event_id` is given. Raises NotFound for an unknown dataset and for
    an event that is not the organisation's."""
    builder = _BUILDERS.get(dataset)
    if builder is None:
        raise NotFound(lazy("This page does not exist or has moved."))
    event = await _chosen_event(organisation, event_id)
    headers, rows = await builder(organisation, event)
    return ExportTable(gettext(DATASETS[dataset]), [gettext(h) for h in headers], rows)


Table = tuple[tuple[str, ...], list[list[ExportCell]]]


def _local(moment: datetime | None) -> datetime | None:
    return moment.astimezone(EVENT_TIMEZONE) if moment else None


def _names(codes: list[str] | None, names: Mapping[str, str]) -> str:
    return ", ".join(gettext(names[code]) if code in names else code for code in codes or ())


REGISTRATION_HEADERS = (
    lazy("Event"),
    lazy("Event date"),
    lazy("Registered at"),
    lazy("Status"),
    lazy("Waiting list position"),
    lazy("Source"),
    lazy("Badge"),
    lazy("Checked in at"),
    lazy("Gate"),
    lazy("First name"),
    lazy("Last name"),
    lazy("Phone number"),
    lazy("E-mail address"),
    lazy("Gender"),
    lazy("Year of birth"),
    lazy("Nationality"),
    lazy("Legal status"),
    lazy("City"),
    lazy("Languages"),
    lazy("Education"),
    lazy("Sectors"),
    lazy("Shares their profile with employers"),
    lazy("Language of messages"),
)


async def _registrations(organisation: Organisation, event: Event | None) -> Table:
    query = Registration.filter(event__organisation_id=organisation.id)
    if event is not None:
        query = query.filter(_of_event(event))
    values = await query.order_by("id").values(
        "status",
        "waitlist_position",
        "source",
        "badge_serial",
        "checked_in_at",
        "checked_in_gate",
        "created_at",
        "event__title",
        "event__starts_at",
        "attendee__first_name",
        "attendee__last_name",
        "attendee__phone",
        "attendee__email",
        "attendee__gender",
        "attendee__birth_year",
        "attendee__nationality",
        "attendee__legal_status",
        "attendee__city",
        "attendee__languages",
        "attendee__education_level",
        "attendee__sectors",
        "attendee__consent_share_at",
        "attendee__preferred_language",
        "attendee__anonymised_at",
    )
    country_names = dict(countries(current_language().code))
    yes, no = gettext("Yes"), gettext("No")
    rows: list[list[ExportCell]] = []
    for row in values:
        shares = row["attendee__consent_share_at"] is not None
        rows.append(
            [
                pick_text(row["event__title"]),
                _local(row["event__starts_at"]),
                _local(row["created_at"]),
                label(row["status"]),
                row["waitlist_position"],
                label(row["source"]),
                row["badge_serial"],
                _local(row["checked_in_at"]),
                row["checked_in_gate"],
                row["attendee__first_name"],
                row["attendee__last_name"],
                row["attendee__phone"] or "",
                row["attendee__email"] or "",
                label(row["attendee__gender"]),
                row["attendee__birth_year"],
                country_names.get(row["attendee__nationality"], row["attendee__nationality"]),
                label(row["attendee__legal_status"]),
                row["attendee__city"],
                _names(row["attendee__languages"], SPOKEN_LANGUAGES),
                label(row["attendee__education_level"]),
                _names(row["attendee__sectors"], SECTORS),
                yes if shares and row["attendee__anonymised_at"] is None else no,
                row["attendee__preferred_language"],
            ]
        )
    return REGISTRATION_HEADERS, rows


CHECKIN_HEADERS = (
    lazy("Time"),
    lazy("Event"),
    lazy("Gate"),
    lazy("Kind"),
    lazy("Result"),
    lazy("Staff"),
    lazy("Scanning device"),
    lazy("Badge"),
)


async def _checkins(organisation: Organisation, event: Event | None) -> Table:
    query = CheckIn.filter(event__organisation_id=organisation.id)
    if event is not None:
        query = query.filter(_of_event(event))
    values = await query.order_by("id").values(
        "created_at",
        "event__title",
        "gate",
        "kind",
        "result",
        "staff__full_name",
        "device__name",
        "registration__badge_serial",
    )
    rows: list[list[ExportCell]] = [
        [
            _local(row["created_at"]),
            pick_text(row["event__title"]),
            row["gate"],
            gettext(CHECKIN_KINDS.get(row["kind"], str(row["kind"]))),
            gettext(CHECKIN_RESULTS.get(row["result"], str(row["result"]))),
            row["staff__full_name"] or "",
            row["device__name"] or "",
            row["registration__badge_serial"] or "",
        ]
        for row in values
    ]
    return CHECKIN_HEADERS, rows


PLEDGE_HEADERS = (
    lazy("Employer"),
    lazy("Event"),
    lazy("Kind"),
    lazy("Pledged"),
    lazy("Unit"),
    lazy("Deadline"),
    lazy("Delivered to date"),
    lazy("Status"),
    lazy("Delivered on"),
    lazy("Delivery"),
    lazy("Review"),
    lazy("Evidence"),
)


def _number(value: Decimal | int | None) -> int | float | None:
    if value is None:
        return None
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


async def _pledges(organisation: Organisation, event: Event | None) -> Table:
    pledges = Pledge.all()
    deliveries = Delivery.all()
    if event is not None:
        pledges = pledges.filter(_of_event(event))
        deliveries = deliveries.filter(_of_event(event, "pledge__event"))
    pledge_rows = await pledges.order_by("id").values(
        "id",
        "kind",
        "quantity",
        "amount_mad",
        "deadline",
        "employer__name",
        "event__title",
    )
    delivery_rows = await deliveries.order_by("delivered_on", "id").values(
        "pledge_id", "quantity", "amount_mad", "delivered_on", "review", "evidence"
    )
    by_pledge: dict[int, list[dict]] = defaultdict(list)
    for delivery in delivery_rows:
        by_pledge[delivery["pledge_id"]].append(delivery)
    today = today_in_morocco()
    money, places = gettext("MAD"), gettext("Places or items")
    rows: list[list[ExportCell]] = []
    for pledge in pledge_rows:
        kind = PledgeKind(pledge["kind"])
        in_money = kind.is_money
        target = in_unit(kind, pledge["quantity"], pledge["amount_mad"])
        done = by_pledge.get(pledge["id"], [])
        delivered = sum(
            (
                in_unit(kind, d["quantity"], d["amount_mad"])
                for d in done
                if d["review"] in COUNTED_REVIEWS
            ),
            Decimal(0),
        )
        status = pledge_status(target, delivered, pledge["deadline"], today)
        common: list[ExportCell] = [
            pledge["employer__name"],
            pick_text(pledge["event__title"]) if pledge["event__title"] else "",
            label(pledge["kind"]),
            _number(target),
            money if in_money else places,
            pledge["deadline"],
            _number(delivered),
            label(status),
        ]
        if not done:
            rows.append([*common, None, None, "", ""])
        for delivery in done:
            rows.append(
                [
                    *common,
                    delivery["delivered_on"],
                    _number(in_unit(kind, delivery["quantity"], delivery["amount_mad"])),
                    label(delivery["review"]),
                    delivery["evidence"],
                ]
            )
    return PLEDGE_HEADERS, rows


OFFER_HEADERS = (
    lazy("Offer"),
    lazy("Employer"),
    lazy("Contract"),
    lazy("City"),
    lazy("Offer status"),
    lazy("Positions"),
    lazy("Candidate"),
    lazy("Phone number"),
    lazy("Interest status"),
    lazy("Interested since"),
    lazy("Last change"),
)
OFFER_COLUMNS = (
    "title",
    "employer__name",
    "contract_type",
    "city",
    "status",
    "positions",
)


def _offer_cells(offer: Mapping[str, object], prefix: str = "") -> list[ExportCell]:
    return [
        offer[f"{prefix}title"],  # type: ignore[list-item]
        offer[f"{prefix}employer__name"],  # type: ignore[list-item]
        label(offer[f"{prefix}contract_type"]),  # type: ignore[arg-type]
        offer[f"{prefix}city"],  # type: ignore[list-item]
        label(offer[f"{prefix}status"]),  # type: ignore[arg-type]
        offer[f"{prefix}positions"],  # type: ignore[list-item]
    ]


async def _offers(organisation: Organisation, event: Event | None) -> Table:
    interests = Interest.filter(~Q(offer__status=OfferStatus.DRAFT))
    if event is not None:
        registered = Registration.filter(_of_event(event)).values("attendee_id")
        interests = interests.filter(attendee_id__in=Subquery(registered))
    interest_rows = await interests.order_by("offer_id", "id").values(
        "id",
        "offer_id",
        "status",
        "created_at",
        "updated_at",
        "attendee__first_name",
        "attendee__last_name",
        "attendee__phone",
        *(f"offer__{column}" for column in OFFER_COLUMNS),
    )
    # Whose identity these organisers may see: people registered for one of their events.
    ours = Registration.filter(event__organisation_id=organisation.id).values("attendee_id")
    known = set(await interests.filter(attendee_id__in=Subquery(ours)).values_list("id", flat=True))
    rows: list[tuple[int, list[ExportCell]]] = []
    for interest in interest_rows:
        name = f"{interest['attendee__first_name']} {interest['attendee__last_name']}".strip()
        visible = interest["id"] in known
        cells = [
            *_offer_cells(interest, "offer__"),
            name if visible else gettext(NOT_KNOWN_TO_US),
            (interest["attendee__phone"] or "") if visible else "",
            label(interest["status"]),
            _local(interest["created_at"]),
            _local(interest["updated_at"]),
        ]
        rows.append((interest["offer_id"], cells))
    if event is None:
        # Offers nobody has shown interest in yet: one row each, without a candidate.
        wanted = Interest.all().values("offer_id")
        lonely = await (
            Offer.filter(~Q(status=OfferStatus.DRAFT), ~Q(id__in=Subquery(wanted)))
            .order_by("id")
            .values("id", *OFFER_COLUMNS)
        )
        rows += [(offer["id"], [*_offer_cells(offer), "", "", "", None, None]) for offer in lonely]
        rows.sort(key=lambda row: row[0])  # stable: an offer's interests keep their order
    return OFFER_HEADERS, [cells for _, cells in rows]


_BUILDERS: dict[str, Callable[[Organisation, Event | None], Awaitable[Table]]] = {
    "registrations": _registrations,
    "checkins": _checkins,
    "pledges": _pledges,
    "offers": _offers,
}
