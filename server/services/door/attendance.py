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
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from tortoise import connections
from tortoise.expressions import RawSQL
from tortoise.functions import Count

from server.models import Event, Registration
from server.models.enums import RegistrationStatus

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
class SessionAttendance:
    session: Event
    checked_in: int
    expected: int

    @property
    def rate(self) -> float | None:
        return show_up_rate(self.checked_in, self.expected)


@dataclass(frozen=True)
class Attendance:
    """The figures of one event at one moment.

    `expected` is the confirmed registrations; `checked_in` those of them checked in now.
    `by_gate` and `by_slot` split `checked_in` (each adds up to it); `sessions` is empty except
    for a job fair with sessions.
    """

    checked_in: int
    expected: int
    by_gate: list[GateCount]
    by_slot: list[SlotCount]
    sessions: list[SessionAttendance]
    read_at: datetime

    @property
    def rate(self) -> float | None:
        return show_up_rate(self.checked_in, self.expected)

    @property
    def busiest_slot(self) -> int:
        return max((slot.checked_in for slot in self.by_slot), default=0)


def show_up_rate(checked_in: int, expected: int) -> float | None:
    """Share of the expected people who came, 0 to 1; None when nobody is expected."""
    return checked_in / expected if expected else None


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
    totals = (
        await Registration.filter(event_id=event.id, status=RegistrationStatus.CONFIRMED)
        .annotate(expected=Count("id"), checked_in=Count("checked_in_at"))
        .values("expected", "checked_in")
    )
    expected = int(totals[0]["expected"]) if totals else 0
    checked_in = int(totals[0]["checked_in"] or 0) if totals else 0
    return Attendance(
        checked_in=checked_in,
        expected=expected,
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
    rows = (
        await Registration.filter(
            event_id__in=[session.id for session in sessions],
            status=RegistrationStatus.CONFIRMED,
        )
        .annotate(expected=Count("id"), checked_in=Count("checked_in_at"))
        .group_by("event_id")
        .values("event_id", "expected", "checked_in")
    )
    found = {row["event_id"]: (int(row["checked_in"] or 0), int(row["expected"])) for row in rows}
    return [SessionAttendance(session, *found.get(session.id, (0, 0))) for session in sessions]
