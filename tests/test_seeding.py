"""Rows written straight in (`server.demo.seeding`, for the demo, the benchmarks and the tests'
known fair) keep the seat rules' counters those of the rows, by construction."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from server.demo.seeding import NewRegistration, Overbooked, add_registrations, create_people
from server.models import Attendee, CheckIn, Event, Registration
from server.models.enums import CheckInKind, RegistrationStatus
from tests.support import make_attendee, make_event, make_organisation

CONFIRMED = RegistrationStatus.CONFIRMED
WAITLISTED = RegistrationStatus.WAITLISTED
CANCELLED = RegistrationStatus.CANCELLED


async def people(count: int) -> list[Attendee]:
    return [await make_attendee(f"Person{n}") for n in range(count)]


async def test_registrations_added_in_two_goes_move_the_counters_by_as_many(db):
    event = await make_event(await make_organisation(), capacity=3)
    first, second, third, fourth, fifth, sixth = await people(6)
    await add_registrations(
        event,
        [
            NewRegistration(first.id),
            NewRegistration(second.id, CANCELLED),
            NewRegistration(third.id),
            NewRegistration(fourth.id, WAITLISTED),
        ],
    )
    added = await add_registrations(
        event,
        [NewRegistration(fifth.id), NewRegistration(sixth.id, WAITLISTED)],
    )

    stored = await Event.get(id=event.id)
    assert (stored.seats_taken, stored.waitlist_last_position) == (3, 2)
    assert (event.seats_taken, event.waitlist_last_position) == (3, 2)
    assert await Registration.filter(event_id=event.id, status=CONFIRMED).count() == 3
    assert [registration.attendee_id for registration in added] == [fifth.id, sixth.id]
    assert [registration.waitlist_position for registration in added] == [None, 2]


async def test_more_confirmed_registrations_than_seats_left_are_refused_and_nothing_is_written(
    db,
):
    event = await make_event(await make_organisation(), capacity=2)
    first, second, third = await people(3)
    await add_registrations(event, [NewRegistration(first.id)])

    with pytest.raises(Overbooked):
        await add_registrations(event, [NewRegistration(second.id), NewRegistration(third.id)])

    assert (await Event.get(id=event.id)).seats_taken == 1
    assert await Registration.filter(event_id=event.id).count() == 1


async def test_a_registration_added_checked_in_has_its_entry_in_the_door_log(db):
    event = await make_event(await make_organisation())
    came, stayed_away = await people(2)
    at = datetime(2026, 3, 14, 9, 5, tzinfo=UTC)

    await add_registrations(
        event,
        [NewRegistration(came.id, checked_in_at=at, gate="A"), NewRegistration(stayed_away.id)],
    )

    entries = await CheckIn.filter(event_id=event.id).values_list(
        "registration__attendee_id", "kind", "gate", "created_at"
    )
    assert entries == [(came.id, CheckInKind.ENTRY, "A", at)]


async def test_people_whose_phone_number_is_known_are_not_created_again(db):
    known = await make_attendee("Awa")
    now = datetime.now(UTC)
    newcomer = Attendee(first_name="Moussa", phone="+212612345678", consent_processing_at=now)
    again = Attendee(first_name="Someone else", phone=known.phone, consent_processing_at=now)

    newcomer_id, known_id = await create_people([newcomer, again])

    assert known_id == known.id
    assert await Attendee.filter(first_name="Someone else").count() == 0
    assert (await Attendee.get(id=newcomer_id)).first_name == "Moussa"
