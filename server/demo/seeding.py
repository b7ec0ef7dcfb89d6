"""Rows written straight into the database, for the facts the services cannot write: people who
signed up in the past, moments of a story told after the fact, and in bulk the registrations and
check-ins of events too large (the benchmarks') or too odd (the tests' hand-counted fair) to be
told through the seat rules one person at a time. The demo (`server.demo`), `bench/` and
`tests/report_data.py` build their data with these.

What is written here keeps the rules' counters true by construction: registrations are added
with their event's `seats_taken` and `waitlist_last_position` moved by as many in the same
transaction, the waiting ones take the next positions in order, the confirmed ones never exceed
the capacity, and every check-in has its entry row in the door's log.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from tortoise.expressions import F, Q
from tortoise.models import Model
from tortoise.transactions import in_transaction

from server.codes.serials import new_badge_serial
from server.models import Attendee, CheckIn, Event, Registration
from server.models.enums import CheckInKind, CheckInResult, RegistrationSource, RegistrationStatus

BATCH = 1000  # rows an INSERT carries, and values an IN (...) lists


def _batches(items: Sequence, size: int = BATCH) -> list[Sequence]:
    return [items[start : start + size] for start in range(0, len(items), size)]


async def create_people(people: Sequence[Attendee]) -> list[int]:
    """Save in bulk those of the unsaved `people` whose phone number nobody has yet; answers
    the attendee id of each one given, in order (the person already known for a known number)."""
    phones = [str(person.phone) for person in people]
    known = await _ids_by_phone(phones)
    await Attendee.bulk_create(
        [person for person, phone in zip(people, phones, strict=True) if phone not in known],
        batch_size=BATCH,
    )
    ids = await _ids_by_phone(phones)
    return [ids[phone] for phone in phones]


async def _ids_by_phone(phones: Sequence[str]) -> dict[str, int]:
    found: dict[str, int] = {}
    for batch in _batches(phones):
        found |= dict(await Attendee.filter(phone__in=batch).values_list("phone", "id"))
    return found


@dataclass(frozen=True)
class NewRegistration:
    """A registration to write as it stands: checked in at `checked_in_at` through `gate`
    when given; `badge_serial` empty for a new random one."""

    attendee_id: int
    status: RegistrationStatus = RegistrationStatus.CONFIRMED
    source: RegistrationSource = RegistrationSource.ONLINE
    checked_in_at: datetime | None = None
    gate: str = ""
    badge_serial: str = ""


class Overbooked(ValueError):
    """More confirmed registrations than the event has seats left."""


async def add_registrations(
    event: Event, registrations: Sequence[NewRegistration]
) -> list[Registration]:
    """Write `registrations` for `event` in one transaction; answers them saved, in the order
    given, and leaves `event`'s counters as stored.

    The waiting ones take the positions after the event's last, in order; `seats_taken` and
    `waitlist_last_position` grow by the confirmed and waiting ones; each one checked in gets
    its entry row in the door's log at its time and gate. Raises Overbooked, writing nothing,
    when the confirmed ones do not fit in the seats left.
    """
    confirmed = sum(row.status == RegistrationStatus.CONFIRMED for row in registrations)
    waiting = sum(row.status == RegistrationStatus.WAITLISTED for row in registrations)
    async with in_transaction():
        moved = await Event.filter(
            Q(capacity__isnull=True) | Q(capacity__gte=F("seats_taken") + confirmed), id=event.id
        ).update(
            seats_taken=F("seats_taken") + confirmed,
            waitlist_last_position=F("waitlist_last_position") + waiting,
        )
        if not moved:
            raise Overbooked(f"{confirmed} confirmed registrations do not fit in {event.slug}")
        await event.refresh_from_db(fields=["seats_taken", "waitlist_last_position"])
        last = event.waitlist_last_position
        positions = iter(range(last - waiting + 1, last + 1))
        serials = iter(await _new_serials(sum(not row.badge_serial for row in registrations)))
        await Registration.bulk_create(
            [
                Registration(
                    event=event,
                    attendee_id=row.attendee_id,
                    status=row.status,
                    waitlist_position=next(positions)
                    if row.status == RegistrationStatus.WAITLISTED
                    else None,
                    source=row.source,
                    badge_serial=row.badge_serial or next(serials),
                    checked_in_at=row.checked_in_at,
                    checked_in_gate=row.gate,
                )
                for row in registrations
            ],
            batch_size=BATCH,
        )
        saved = await _registrations_of(event, [row.attendee_id for row in registrations])
        await CheckIn.bulk_create(
            [
                CheckIn(
                    event=event,
                    registration_id=registration.id,
                    kind=CheckInKind.ENTRY,
                    result=CheckInResult.OK,
                    gate=registration.checked_in_gate,
                    created_at=registration.checked_in_at,
                )
                for registration in saved
                if registration.checked_in_at is not None
            ],
            batch_size=BATCH,
        )
    return saved


async def _registrations_of(event: Event, attendee_ids: Sequence[int]) -> list[Registration]:
    """The event's registrations of these people, in their order."""
    found: dict[int, Registration] = {}
    for batch in _batches(attendee_ids):
        for registration in await Registration.filter(event_id=event.id, attendee_id__in=batch):
            found[registration.attendee_id] = registration  # type: ignore[attr-defined]
    return [found[attendee_id] for attendee_id in attendee_ids]


async def _new_serials(count: int) -> list[str]:
    """`count` random badge serials that no registration holds."""
    serials: set[str] = set()
    while len(serials) < count:
        drawn = {new_badge_serial() for _ in range(count - len(serials))}
        for batch in _batches(list(drawn)):
            drawn -= set(
                await Registration.filter(badge_serial__in=batch).values_list(
                    "badge_serial", flat=True
                )
            )
        serials |= drawn
    return list(serials)


async def date_back(model: type[Model], pk: int, **moments: datetime) -> None:
    """Give a row a service just wrote the moments of the story being told: the services date
    what they write now, and the demo tells a season that began weeks ago. No rule or counter
    reads these fields back."""
    await model.filter(pk=pk).update(**moments)
