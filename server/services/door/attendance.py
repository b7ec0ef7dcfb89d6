"""Live attendance at an event's doors: who came, through which door, when, and per session.

Read functions only, for the organiser's attendance page. Every figure is an aggregate computed
by the database (COUNT … GROUP BY), so a reading costs the same few queries with 50 or 50,000
registrations, and every app process sees the same numbers: nothing is kept in memory between
requests.

The facts are the registrations' current check-in (`Registration.checked_in_at` and
`checked_in_gate`), not the CheckIn log. An undo clears the registration's check-in and the log
gets an `undo` row at the time of the undo; subtracting undo rows per half hour would take the
entry away from the half hour of the undo instead of the half hour the person had come in (and
could give negative bars), while the registration simply no longer counts anywhere. A person
undone then scanned again counts once, at their new time. So the half-hour bars always add up to
the number checked in.

The show-up rate is the report's (`server.services.reporting.synthesis` counts with
`registration_totals` too): attended ÷ confirmed, both among the registrations made ahead
(online or imported). A walk-in always "shows up", so counting walk-ins on both sides would
raise the rate with every person let in at the door and say nothing about whether people who
signed up came. The live page, the report page and the PDF therefore show one figure, written
by `formatting.percent`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, fields
from datetime import UTC, datetime, timedelta

from tortoise import connections
from tortoise.expressions import RawSQL
from tortoise.functions import Count
from tortoise.queryset import QuerySet

from server.models import Event, Registration
from server.models.enums import RegistrationSource, RegistrationStatus

SLOT_SECONDS = 30 * 60
# Morocco's offset is a whole number of hours (UTC+1, UTC+0 during Ramadan), so half hours
# counted in UTC are the same half hours on the wall clocks of Africa/Casablanca.
MAX_FILLED_SLOTS = 96  # two days of half hours: beyond that only the slots with entries are shown

# The half hour of a check-in, as a whole number of half hours since 1970, per SQL dialect.
_SLOT_SQL = {
    "sqlite": f"CAST(strftime('%s', checked_in_at) AS INTEGER) / {SLOT_SECONDS}",
    "postgres": f"CAST(FLOOR(EXTRACT(EPOCH FROM checked_in_at) / {SLOT_SECONDS}) AS BIGINT)",
}


@dataclass(frozen=True)
class GateCount:
    gate: str  # "" when the door was not named
    checked_in: int


@dataclass(frozen=True)
class SlotCount:
    starts_at: datetime  # in UTC; shown in Africa/Casablanca
    checked_in: int

    @property
    def ends_at(self) -> datetime:
        return self.starts_at + timedelta(seconds=SLOT_SECONDS)


@dataclass(frozen=True)
class RegistrationTotals:
    """Registrations by what became of them. Confirmed, waiting (waitlisted or awaiting
    approval) and cancelled add up to `registrations`; `attended` and `walk_ins` are among the
    confirmed (a registration cancelled after its check-in no longer counts)."""

    registrations: int = 0
    confirmed: int = 0
    waiting: int = 0
    cancelled: int = 0
    attended: int = 0
    walk_ins: int = 0
    confirmed_ahead: int = 0  # confirmed online or imported
    attended_ahead: int = 0

    @property
    def show_up_rate(self) -> float | None:
        """Attended ÷ confirmed among the registrations made ahead, 0 to 1 (the module's
        docstring says why); None when nobody was confirmed ahead."""
        return self.attended_ahead / self.confirmed_ahead if self.confirmed_ahead else None


WAITING_STATUSES = (RegistrationStatus.WAITLISTED, RegistrationStatus.PENDING)


async def registration_totals(registrations: QuerySet[Registration]) -> RegistrationTotals:
    """The totals of `registrations`: one GROUP BY query."""
    totals = await registration_totals_by_event(registrations)
    return _added(totals.values())


async def registration_totals_by_event(
    registrations: QuerySet[Registration],
) -> dict[int, RegistrationTotals]:
    """The totals of `registrations` per event id (events without any are absent): one GROUP BY
    query."""
    rows = (
        await registrations.annotate(count=Count("id"), checked_in=Count("checked_in_at"))
        .group_by("event_id", "status", "source")
        .values("event_id", "status", "source", "count", "checked_in")
    )
    counts: dict[int, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for row in rows:
        count, checked_in = int(row["count"]), int(row["checked_in"] or 0)
        status, source = row["status"], row["source"]
        event = counts[row["event_id"]]
        event["registrations"] += count
        if status == RegistrationStatus.CONFIRMED:
            event["confirmed"] += count
            event["attended"] += checked_in
            if source == RegistrationSource.WALK_IN:
                event["walk_ins"] += count
            else:
                event["confirmed_ahead"] += count
                event["attended_ahead"] += checked_in
        elif status in WAITING_STATUSES:
            event["waiting"] += count
        else:
            event["cancelled"] += count
    return {event_id: RegistrationTotals(**event) for event_id, event in counts.items()}


def _added(totals: Iterable[RegistrationTotals]) -> RegistrationTotals:
    totals = list(totals)
    names = [field.name for field in fields(RegistrationTotals)]
    return RegistrationTotals(**{name: sum(getattr(t, name) for t in totals) for name in names})


@dataclass(frozen=True)
class SessionAttendance:
    session: Event
    totals: RegistrationTotals

    @property
    def checked_in(self) -> int:
        return self.totals.attended

    @property
    def expected(self) -> int:
        return self.totals.confirmed

    @property
    def rate(self) -> float | None:
        return self.totals.show_up_rate


@dataclass(frozen=True)
class Attendance:
    """The figures of one event at one moment.

    `expected` is the confirmed registrations (walk-ins included); `checked_in` those of them
    checked in now. `by_gate` and `by_slot` split `checked_in` (each adds up to it); `sessions`
    is empty except for a job fair with sessions. `rate` is the show-up rate, among the
    registrations made ahead (the module's docstring).
    """

    totals: RegistrationTotals
    by_gate: list[GateCount]
    by_slot: list[SlotCount]
    sessions: list[SessionAttendance]
    read_at: datetime

    @property
    def checked_in(self) -> int:
        return self.totals.attended

    @property
    def expected(self) -> int:
        return self.totals.confirmed

    @property
    def walk_ins(self) -> int:
        return self.totals.walk_ins

    @property
    def rate(self) -> float | None:
        return self.totals.show_up_rate

    @property
    def busiest_slot(self) -> int:
        return max((slot.checked_in for slot in self.by_slot), default=0)


def _present(event_id: int):
    # Confirmed and checked in: a registration cancelled after its check-in no longer counts,
    # so the number checked in never exceeds the number expected.
    return Registration.filter(
        event_id=event_id, status=RegistrationStatus.CONFIRMED, checked_in_at__isnull=False
    )


async def event_attendance(event: Event, *, now: datetime | None = None) -> Attendance:
    """Attendance at `event` now: four aggregate queries (three for an event without sessions).

    `event` comes from managed_event(), with its sessions loaded.
    """
    return Attendance(
        totals=await registration_totals(Registration.filter(event_id=event.id)),
        by_gate=await _by_gate(event.id),
        by_slot=await _by_slot(event.id),
        sessions=await _sessions(event),
        read_at=now or datetime.now(UTC),
    )


async def _by_gate(event_id: int) -> list[GateCount]:
    """People checked in per door, the busiest first."""
    rows = (
        await _present(event_id)
        .annotate(checked_in=Count("id"))
        .group_by("checked_in_gate")
        .values("checked_in_gate", "checked_in")
    )
    gates = [GateCount(row["checked_in_gate"] or "", int(row["checked_in"])) for row in rows]
    return sorted(gates, key=lambda gate: (-gate.checked_in, gate.gate))


async def _by_slot(event_id: int) -> list[SlotCount]:
    """People checked in per half hour of their entry, from the first half hour with an entry
    to the last, empty half hours included (unless that spans more than MAX_FILLED_SLOTS)."""
    dialect = connections.get("default").capabilities.dialect
    rows = (
        await _present(event_id)
        .annotate(slot=RawSQL(_SLOT_SQL[dialect]), checked_in=Count("id"))
        .group_by("slot")
        .values("slot", "checked_in")
    )
    counts = {int(row["slot"]): int(row["checked_in"]) for row in rows}
    if not counts:
        return []
    first, last = min(counts), max(counts)
    slots = range(first, last + 1) if last - first < MAX_FILLED_SLOTS else sorted(counts)
    return [
        SlotCount(datetime.fromtimestamp(slot * SLOT_SECONDS, UTC), counts.get(slot, 0))
        for slot in slots
    ]


async def _sessions(event: Event) -> list[SessionAttendance]:
    """Each session of a fair, in the order of `event.sessions`: checked in / expected."""
    if event.parent_id is not None:  # type: ignore[attr-defined]
        return []
    sessions = list(event.sessions)
    if not sessions:
        return []
    found = await registration_totals_by_event(
        Registration.filter(event_id__in=[session.id for session in sessions])
    )
    return [
        SessionAttendance(session, found.get(session.id, RegistrationTotals()))
        for session in sessions
    ]
