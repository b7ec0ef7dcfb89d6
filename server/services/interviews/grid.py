"""The organisers' view of a fair's interviews: the grid of booths against time, fill rates and
no-shows, and the schedule as a table for the CSV and XLSX exports.

The grid is two aggregate queries and one list of slots whatever the fair's size; its columns
are the half hours in which slots start, in Morocco's time. The export holds the people's names,
phones and badge serials: it is for the organisers of the fair's organisation only, as the
attendee list is.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from tortoise.functions import Count

from server.documents.tables import Cell
from server.i18n import gettext, lazy
from server.i18n.labels import label
from server.models import Event, InterviewBooking, InterviewSlot
from server.models.enums import InterviewBookingStatus, InterviewOutcome
from server.services.interviews import rules
from server.values.clock import EVENT_TIMEZONE

COLUMN = timedelta(minutes=30)
HELD_OUTCOMES = (
    InterviewOutcome.INTERVIEWED,
    InterviewOutcome.SHORTLISTED,
    InterviewOutcome.OFFER_MADE,
    InterviewOutcome.HIRED,
)
EXPORT_HEADERS = (
    lazy("Start"),
    lazy("End"),
    lazy("Booth"),
    lazy("Company"),
    lazy("Offer"),
    lazy("Places"),
    lazy("Booked"),
    lazy("Candidate"),
    lazy("Phone"),
    lazy("Badge code"),
    lazy("Booked at the help desk"),
    lazy("Arrived at"),
    lazy("Outcome"),
)
YES = lazy("Yes")


def _column(moment: datetime) -> datetime:
    """The half hour `moment` falls in, on Morocco's clock (whose offset is whole hours)."""
    local = moment.astimezone(EVENT_TIMEZONE)
    return local.replace(minute=local.minute - local.minute % 30, second=0, microsecond=0)


@dataclass
class GridCell:
    places: int = 0
    booked: int = 0
    closed: bool = True  # every slot of the cell is closed

    @property
    def full(self) -> bool:
        return self.booked >= self.places


@dataclass
class BoothRow:
    """One booth of the grid: its cells by column and its totals."""

    exhibitor_id: int
    company: str
    booth_label: str
    cells: dict[datetime, GridCell] = field(default_factory=dict)
    places: int = 0
    booked: int = 0
    arrived: int = 0
    held: int = 0
    no_shows: int = 0
    open_slots: int = 0  # slots still to come that take bookings

    @property
    def fill_rate(self) -> float | None:
        return self.booked / self.places if self.places else None


@dataclass(frozen=True)
class FairGrid:
    columns: tuple[datetime, ...]  # half hours, local time
    rows: tuple[BoothRow, ...]
    limit: int  # places one person may hold

    @property
    def places(self) -> int:
        return sum(row.places for row in self.rows)

    @property
    def booked(self) -> int:
        return sum(row.booked for row in self.rows)

    @property
    def fill_rate(self) -> float | None:
        return self.booked / self.places if self.places else None

    @property
    def no_shows(self) -> int:
        return sum(row.no_shows for row in self.rows)

    @property
    def held(self) -> int:
        return sum(row.held for row in self.rows)

    @property
    def arrived(self) -> int:
        return sum(row.arrived for row in self.rows)


async def fair_grid(fair: Event, *, now: datetime | None = None) -> FairGrid:
    """The fair's interview grid (three queries)."""
    now = now or datetime.now(UTC)
    slots = (
        await InterviewSlot.filter(event_id=fair.id)
        .select_related("exhibitor__employer")
        .order_by("starts_at", "id")
    )
    outcomes = (
        await InterviewBooking.filter(slot__event_id=fair.id, status=InterviewBookingStatus.BOOKED)
        .annotate(count=Count("id"), arrived=Count("arrived_at"))
        .group_by("slot__exhibitor_id", "outcome")
        .values("slot__exhibitor_id", "outcome", "count", "arrived")
    )
    rows: dict[int, BoothRow] = {}
    columns: set[datetime] = set()
    for slot in slots:
        exhibitor = slot.exhibitor
        row = rows.get(exhibitor.id)
        if row is None:
            row = rows[exhibitor.id] = BoothRow(
                exhibitor.id, exhibitor.employer.name, exhibitor.booth_label
            )
        column = _column(slot.starts_at)
        columns.add(column)
        cell = row.cells.setdefault(column, GridCell())
        cell.places += slot.places
        cell.booked += slot.booked
        cell.closed = cell.closed and slot.closed_at is not None
        row.places += slot.places
        row.booked += slot.booked
        if slot.closed_at is None and slot.starts_at > now:
            row.open_slots += 1
    for line in outcomes:
        row = rows.get(line["slot__exhibitor_id"])
        if row is None:
            continue
        count = int(line["count"])
        row.arrived += int(line["arrived"] or 0)
        if line["outcome"] == InterviewOutcome.NO_SHOW:
            row.no_shows += count
        elif line["outcome"] in HELD_OUTCOMES:
            row.held += count
    ordered = sorted(rows.values(), key=lambda row: (row.booth_label, row.company.casefold()))
    return FairGrid(tuple(sorted(columns)), tuple(ordered), await rules.bookings_per_person(fair))


# --- the schedule export --------------------------------------------------------------------------


async def schedule_table(fair: Event) -> tuple[list[str], list[list[Cell]]]:
    """Headers and rows of the fair's interview schedule, in the reader's language and
    Morocco's time: one row per booked place, and one for each slot nobody booked (two
    queries)."""
    slots = (
        await InterviewSlot.filter(event_id=fair.id)
        .select_related("exhibitor__employer", "schedule__offer")
        .order_by("starts_at", "exhibitor__booth_label", "id")
    )
    bookings = (
        await InterviewBooking.filter(slot__event_id=fair.id, status=InterviewBookingStatus.BOOKED)
        .select_related("attendee", "registration")
        .order_by("id")
    )
    by_slot: dict[int, list[InterviewBooking]] = defaultdict(list)
    for booking in bookings:
        by_slot[booking.slot_id].append(booking)  # type: ignore[attr-defined]
    rows: list[list[Cell]] = []
    for slot in slots:
        offer = slot.schedule.offer
        common: list[Cell] = [
            slot.starts_at.astimezone(EVENT_TIMEZONE),
            slot.ends_at.astimezone(EVENT_TIMEZONE),
            slot.exhibitor.booth_label,
            slot.exhibitor.employer.name,
            offer.title if offer else "",
            slot.places,
            slot.booked,
        ]
        booked: Sequence[InterviewBooking] = by_slot.get(slot.id, ())
        if not booked:
            rows.append([*common, "", "", "", "", None, ""])
        for booking in booked:
            attendee = booking.attendee
            rows.append(
                [
                    *common,
                    attendee.full_name,
                    attendee.phone or "",
                    booking.registration.badge_serial,
                    gettext(YES) if booking.booked_by_id else "",  # type: ignore[attr-defined]
                    booking.arrived_at.astimezone(EVENT_TIMEZONE) if booking.arrived_at else None,
                    label(booking.outcome) if booking.outcome else "",
                ]
            )
    return [gettext(header) for header in EXPORT_HEADERS], rows
