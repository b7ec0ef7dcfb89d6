"""Seats and waiting list under concurrency (DESIGN §4), on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from server.models import Attendee, Event, OutboxMessage, Registration
from server.models.enums import EventKind, EventStatus, RegistrationSource, RegistrationStatus
from server.services.registrations.seats import (
    AlreadyDecided,
    RegistrationRefused,
    approve,
    cancel,
    decline,
    register,
)
from tests import support
from tests.support import make_organisation


async def make_event(capacity: int | None, *, waitlist: bool = True, **extra) -> Event:
    """A published three-hour CV workshop in a week."""
    start = datetime.now(UTC) + timedelta(days=7)
    fields = {
        "kind": EventKind.WORKSHOP,
        "title": {"fr": "Atelier CV"},
        "city": "Rabat",
        "starts_at": start,
        "ends_at": start + timedelta(hours=3),
        "capacity": capacity,
        "waitlist_enabled": waitlist,
    }
    return await support.make_event(await make_organisation(), "atelier-cv", **(fields | extra))


async def make_attendees(count: int) -> list[Attendee]:
    now = datetime.now(UTC)
    await Attendee.bulk_create(
        [
            Attendee(first_name=f"P{n}", phone=f"+2126{n:08d}", consent_processing_at=now)
            for n in range(count)
        ]
    )
    return await Attendee.all().order_by("id")


async def test_300_sign_ups_at_once_for_100_seats_never_overbook(db):
    event = await make_event(capacity=100)
    people = await make_attendees(300)
    results = await asyncio.gather(*(register(event, person.id) for person in people))
    assert all(created for _, created in results)
    statuses = [registration.status for registration, _ in results]
    assert statuses.count(RegistrationStatus.CONFIRMED) == 100
    assert statuses.count(RegistrationStatus.WAITLISTED) == 200
    positions = sorted(
        await Registration.filter(status=RegistrationStatus.WAITLISTED).values_list(
            "waitlist_position", flat=True
        )
    )
    assert positions == list(range(1, 201))
    assert await Registration.all().count() == 300
    await event.refresh_from_db()
    assert event.seats_taken == 100

    confirmed = await Registration.filter(status=RegistrationStatus.CONFIRMED).limit(10)
    promoted = await asyncio.gather(*(cancel(registration.id) for registration in confirmed))
    first_ten = await Registration.filter(id__in=[p.id for p in promoted if p]).values_list(
        "attendee_id", flat=True
    )
    expected = [r.attendee_id for r, _ in results if r.waitlist_position in range(1, 11)]
    assert sorted(first_ten) == sorted(expected)
    assert await Registration.filter(status=RegistrationStatus.CONFIRMED).count() == 100
    await event.refresh_from_db()
    assert event.seats_taken == 100


async def test_signing_up_twice_returns_the_first_registration(db):
    event = await make_event(capacity=10)
    (person,) = await make_attendees(1)
    first, created = await register(event, person.id)
    again, created_again = await asyncio.gather(
        register(event, person.id), register(event, person.id)
    )
    assert created and not again[1] and not created_again[1]
    assert again[0].id == created_again[0].id == first.id
    assert await Registration.all().count() == 1


async def test_a_full_event_without_waiting_list_refuses(db):
    event = await make_event(capacity=1, waitlist=False)
    first, second = await make_attendees(2)
    await register(event, first.id)
    with pytest.raises(RegistrationRefused) as refusal:
        await register(event, second.id)
    assert refusal.value.code == "full"


@pytest.mark.parametrize(
    ("extra", "code"),
    [
        ({"status": EventStatus.DRAFT}, "closed"),
        ({"registration_closes_at": datetime.now(UTC) - timedelta(hours=1)}, "closed"),
        ({"registration_opens_at": datetime.now(UTC) + timedelta(days=1)}, "not_open"),
    ],
)
async def test_sign_up_outside_the_registration_window_is_refused(db, extra, code):
    event = await make_event(capacity=10, **extra)
    (person,) = await make_attendees(1)
    with pytest.raises(RegistrationRefused) as refusal:
        await register(event, person.id)
    assert refusal.value.code == code


async def test_cancelling_a_waiting_place_promotes_nobody(db):
    event = await make_event(capacity=1)
    first, second, third = await make_attendees(3)
    await register(event, first.id)
    waiting, _ = await register(event, second.id)
    await register(event, third.id)
    assert await cancel(waiting.id) is None
    assert await cancel(waiting.id) is None
    await event.refresh_from_db()
    assert event.seats_taken == 1


async def test_a_cancelled_person_can_sign_up_again(db):
    event = await make_event(capacity=5)
    (person,) = await make_attendees(1)
    registration, _ = await register(event, person.id)
    await cancel(registration.id)
    again, created = await register(event, person.id)
    assert created
    assert again.id == registration.id
    assert again.status == RegistrationStatus.CONFIRMED
    assert again.badge_serial == registration.badge_serial


async def test_walk_ins_get_a_seat_even_when_registration_is_closed(db):
    event = await make_event(
        capacity=5, registration_closes_at=datetime.now(UTC) - timedelta(hours=1)
    )
    (person,) = await make_attendees(1)
    registration, _ = await register(event, person.id, source=RegistrationSource.WALK_IN)
    assert registration.status == RegistrationStatus.CONFIRMED
    assert registration.source == RegistrationSource.WALK_IN


async def test_an_event_with_approval_keeps_sign_ups_pending_until_decided(db):
    event = await make_event(capacity=1, requires_approval=True)
    first, second, third = await make_attendees(3)
    pending = [(await register(event, person.id))[0] for person in (first, second, third)]
    assert {r.status for r in pending} == {RegistrationStatus.PENDING}
    await event.refresh_from_db()
    assert event.seats_taken == 0

    approved = await approve(pending[0].id)
    assert approved.status == RegistrationStatus.CONFIRMED
    waiting = await approve(pending[1].id)
    assert (waiting.status, waiting.waitlist_position) == (RegistrationStatus.WAITLISTED, 1)
    await decline(pending[2].id)
    assert (await Registration.get(id=pending[2].id)).status == RegistrationStatus.CANCELLED
    with pytest.raises(AlreadyDecided):
        await approve(pending[0].id)
    with pytest.raises(AlreadyDecided):
        await decline(pending[2].id)
    assert await OutboxMessage.filter(attendee_id__in=[first.id, second.id]).count() == 2


async def test_cancellations_racing_promotions_leave_everyone_told_cancelled_cancelled(db):
    """Confirmed and waiting people cancel all at once, so a waiting person may be promoted by
    someone else's cancellation while cancelling: nobody told "cancelled" may keep a seat, and
    the seats counter must match the confirmed rows."""
    event = await make_event(capacity=20)
    people = await make_attendees(100)
    registrations = [(await register(event, person.id))[0] for person in people]
    confirmed, waiting = registrations[:20], registrations[20:80]
    # Each confirmed person leaves beside the waiting person their seat would go to.
    leaving = [r for pair in zip(confirmed, waiting, strict=False) for r in pair] + waiting[20:]
    await asyncio.gather(*(cancel(registration.id) for registration in leaving))
    statuses = dict(await Registration.all().values_list("id", "status"))
    assert {statuses[r.id] for r in leaving} == {RegistrationStatus.CANCELLED}
    assert {statuses[r.id] for r in registrations[80:]} == {RegistrationStatus.CONFIRMED}
    await event.refresh_from_db()
    assert event.seats_taken == list(statuses.values()).count(RegistrationStatus.CONFIRMED) == 20


async def test_a_cancelled_person_signing_up_twice_at_once_is_registered_once(db):
    event = await make_event(capacity=5, requires_approval=True)
    (person,) = await make_attendees(1)
    await cancel((await register(event, person.id))[0].id)
    results = await asyncio.gather(*(register(event, person.id) for _ in range(10)))
    assert [created for _, created in results].count(True) == 1
    assert {registration.id for registration, _ in results} == {results[0][0].id}
    assert (await Registration.get(id=results[0][0].id)).status == RegistrationStatus.PENDING
