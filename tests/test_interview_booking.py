"""Booking interview places under concurrency, on SQLite and PostgreSQL: no slot overbooked, no
person in two overlapping slots, the fair's limit per person held; and the rules of who may
book, move and cancel."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from server.models import (
    Attendee,
    Interest,
    InterviewBooking,
    InterviewInvitation,
    InterviewQuota,
    InterviewRules,
    InterviewSlot,
    OutboxMessage,
)
from server.models.enums import (
    InterestStatus,
    InterviewAudience,
    InterviewBookingStatus,
    InterviewOutcome,
    OfferStatus,
)
from server.notifications.interview_reminders import queue_interview_reminders
from server.services.interviews.booking import (
    BookingRefused,
    book_slot,
    cancel_booking,
    move_booking,
)
from server.services.registrations.seats import cancel
from tests.interview_support import (
    make_booth,
    make_fair,
    make_offer,
    open_run,
    register,
    tomorrow_at,
)
from tests.support import make_organisation
from tests.test_cli import run_cli


@pytest.fixture
async def fair(db):
    return await make_fair(await make_organisation())


@pytest.fixture
async def booth(fair):
    return await make_booth(fair)


async def attempt(attendee: Attendee, slot_id: int) -> InterviewBooking | BookingRefused:
    try:
        return await book_slot(attendee, slot_id)
    except BookingRefused as refusal:
        return refusal


async def overlapping_pairs() -> list[tuple[int, int, int]]:
    """(person, booking, booking) for every two kept bookings of one person that overlap."""
    rows = await InterviewBooking.filter(status=InterviewBookingStatus.BOOKED).values(
        "id", "attendee_id", "slot__starts_at", "slot__ends_at"
    )
    return [
        (a["attendee_id"], a["id"], b["id"])
        for a in rows
        for b in rows
        if a["id"] < b["id"]
        and a["attendee_id"] == b["attendee_id"]
        and a["slot__starts_at"] < b["slot__ends_at"]
        and b["slot__starts_at"] < a["slot__ends_at"]
    ]


async def test_fifty_people_for_the_last_ten_places_make_ten_bookings_and_forty_refusals(
    fair, booth
):
    contested, *later = await open_run(booth, tomorrow_at(10), count=5, places=12)
    for _ in range(2):
        early, _ = await register(fair)
        await book_slot(early, contested.id)
    people = [(await register(fair, first_name=f"P{n}"))[0] for n in range(50)]

    outcomes = await asyncio.gather(*(attempt(person, contested.id) for person in people))

    booked = [o for o in outcomes if isinstance(o, InterviewBooking)]
    refused = [o for o in outcomes if isinstance(o, BookingRefused)]
    assert len(booked) == 10
    assert len(refused) == 40
    assert {refusal.code for refusal in refused} == {"full"}
    assert {refusal.message for refusal in refused} == {"Someone took the last place at this time."}
    offered = [[free.slot_id for free in refusal.alternatives] for refusal in refused]
    assert offered == [[slot.id for slot in later[:3]]] * 40
    assert all(free.free == 12 for refusal in refused for free in refusal.alternatives)
    await contested.refresh_from_db()
    assert contested.booked == 12
    assert await InterviewBooking.filter(slot_id=contested.id).count() == 12
    assert await overlapping_pairs() == []


async def test_one_person_booking_two_overlapping_slots_at_once_gets_one(fair, booth):
    other = await make_booth(fair, "Bahia Textiles", booth_label="B1")
    here = await open_run(booth, tomorrow_at(10), count=1, length=30, places=8)
    there = await open_run(other, tomorrow_at(10, 15), count=1, length=30, places=8)
    people = [(await register(fair, first_name=f"Q{n}"))[0] for n in range(8)]

    outcomes = await asyncio.gather(
        *(attempt(person, slot[0].id) for person in people for slot in (here, there))
    )

    per_person = [outcomes[2 * n : 2 * n + 2] for n in range(len(people))]
    for pair in per_person:
        assert sum(isinstance(o, InterviewBooking) for o in pair) == 1
        (refusal,) = [o for o in pair if isinstance(o, BookingRefused)]
        assert refusal.code == "overlap"
    assert await overlapping_pairs() == []


async def test_one_person_holds_one_place_of_a_run_even_asking_for_two_at_once(fair, booth):
    slots = await open_run(booth, tomorrow_at(10), count=3, places=2)
    person, _ = await register(fair)

    outcomes = await asyncio.gather(*(attempt(person, slot.id) for slot in slots))

    assert sum(isinstance(o, InterviewBooking) for o in outcomes) == 1
    assert {o.code for o in outcomes if isinstance(o, BookingRefused)} == {"already_booked"}
    assert sum(slot.booked for slot in await InterviewSlot.all()) == 1


async def test_the_fairs_limit_per_person_holds_when_bookings_arrive_at_once(fair, booth):
    await InterviewRules.create(event=fair, bookings_per_person=2)
    slots = [
        (await open_run(booth, tomorrow_at(10 + hour), count=1, places=3))[0] for hour in range(6)
    ]
    person, _ = await register(fair)

    outcomes = await asyncio.gather(*(attempt(person, slot.id) for slot in slots))

    assert sum(isinstance(o, InterviewBooking) for o in outcomes) == 2
    refusals = [o for o in outcomes if isinstance(o, BookingRefused)]
    assert {refusal.code for refusal in refusals} == {"limit_reached"}
    quota = await InterviewQuota.get(event=fair, attendee=person)
    assert quota.held == 2
    assert sum(slot.booked for slot in await InterviewSlot.all()) == 2


async def test_a_place_given_back_lets_the_person_book_another_within_the_limit(fair, booth):
    await InterviewRules.create(event=fair, bookings_per_person=1)
    first, second = await open_run(booth, tomorrow_at(10), count=2)
    person, _ = await register(fair)
    booking = await book_slot(person, first.id)
    with pytest.raises(BookingRefused) as refusal:
        await book_slot(person, second.id)
    assert refusal.value.code == "limit_reached"
    await cancel_booking(person, booking.id)
    assert (await book_slot(person, second.id)).slot_id == second.id


async def test_a_booking_is_confirmed_in_the_outbox_in_the_persons_language(fair, booth):
    (slot,) = await open_run(booth, tomorrow_at(10, 40), count=1)
    person, _ = await register(fair, preferred_language="fr", email="amadou@example.org")
    await book_slot(person, slot.id)
    messages = {m.channel.value: m for m in await OutboxMessage.filter(attendee=person)}
    assert set(messages) == {"email", "sms"}
    assert messages["sms"].language == "fr"
    assert "Entretien 10:40, stand A1, Atlas Logistique" in messages["sms"].body
    assert "Entretien 10:40, stand A1, Atlas Logistique" in messages["email"].body
    assert messages["email"].subject == "Entretien réservé : Atlas Logistique"


async def test_cancelling_gives_the_place_back_once(fair, booth):
    (slot,) = await open_run(booth, tomorrow_at(10), count=1, places=1)
    person, _ = await register(fair)
    booking = await book_slot(person, slot.id)
    await cancel_booking(person, booking.id)
    with pytest.raises(BookingRefused) as again:
        await cancel_booking(person, booking.id)
    assert again.value.code == "changed"
    await slot.refresh_from_db()
    assert slot.booked == 0
    assert (await InterviewQuota.get(event=fair, attendee=person)).held == 0
    other, _ = await register(fair)
    assert (await book_slot(other, slot.id)).status == InterviewBookingStatus.BOOKED


async def test_cancelling_at_once_twice_gives_one_place_back(fair, booth):
    (slot,) = await open_run(booth, tomorrow_at(10), count=1, places=2)
    person, _ = await register(fair)
    booking = await book_slot(person, slot.id)
    outcomes = await asyncio.gather(
        *(cancel_booking(person, booking.id) for _ in range(4)), return_exceptions=True
    )
    assert sum(outcome is None for outcome in outcomes) == 1
    assert all(o.code == "changed" for o in outcomes if isinstance(o, BookingRefused))
    await slot.refresh_from_db()
    assert slot.booked == 0


async def test_moving_frees_the_old_place_and_takes_the_new_one(fair, booth):
    first, second = await open_run(booth, tomorrow_at(10), count=2, places=1)
    person, _ = await register(fair)
    booking = await book_slot(person, first.id)
    moved = await move_booking(person, booking.id, second.id)
    await first.refresh_from_db()
    await second.refresh_from_db()
    assert (first.booked, second.booked) == (0, 1)
    assert (await InterviewBooking.get(id=booking.id)).status == InterviewBookingStatus.CANCELLED
    assert moved.slot_id == second.id
    assert (await InterviewQuota.get(event=fair, attendee=person)).held == 1
    subjects = await OutboxMessage.filter(attendee=person).values_list("subject", flat=True)
    assert any(subject.startswith("Entretien déplacé") for subject in subjects)


async def test_a_move_to_a_full_slot_changes_nothing_and_offers_other_times(fair, booth):
    first, full, free = await open_run(booth, tomorrow_at(10), count=3, places=1)
    person, _ = await register(fair)
    booking = await book_slot(person, first.id)
    await book_slot((await register(fair))[0], full.id)
    with pytest.raises(BookingRefused) as refusal:
        await move_booking(person, booking.id, full.id)
    assert refusal.value.code == "full"
    assert [slot.slot_id for slot in refusal.value.alternatives] == [free.id]
    assert (await InterviewBooking.get(id=booking.id)).status == InterviewBookingStatus.BOOKED
    await first.refresh_from_db()
    assert first.booked == 1


async def test_two_moves_of_one_booking_at_once_make_one(fair, booth):
    first, second, third = await open_run(booth, tomorrow_at(10), count=3, places=2)
    person, _ = await register(fair)
    booking = await book_slot(person, first.id)
    outcomes = await asyncio.gather(
        move_booking(person, booking.id, second.id),
        move_booking(person, booking.id, third.id),
        return_exceptions=True,
    )
    assert sum(isinstance(o, InterviewBooking) for o in outcomes) == 1
    assert [o.code for o in outcomes if isinstance(o, BookingRefused)] == ["changed"]
    assert await InterviewBooking.filter(status=InterviewBookingStatus.BOOKED).count() == 1
    assert sum(slot.booked for slot in await InterviewSlot.all()) == 1


async def test_someone_not_confirmed_for_the_fair_cannot_book(fair, booth):
    (slot,) = await open_run(booth, tomorrow_at(10), count=1)
    stranger = await register(await make_fair(fair.organisation, "autre-salon"))
    with pytest.raises(BookingRefused) as refusal:
        await book_slot(stranger[0], slot.id)
    assert refusal.value.code == "not_registered"


async def test_interviews_for_interested_people_take_only_them(fair, booth):
    offer = await make_offer(booth.employer)
    (slot,) = await open_run(
        booth,
        tomorrow_at(10),
        count=1,
        places=3,
        offer=offer,
        audience=InterviewAudience.INTERESTED,
    )
    interested, _ = await register(fair)
    await Interest.create(attendee=interested, offer=offer)
    other, _ = await register(fair)
    assert (await book_slot(interested, slot.id)).slot_id == slot.id
    with pytest.raises(BookingRefused) as refusal:
        await book_slot(other, slot.id)
    assert refusal.value.code == "not_allowed"


async def test_someone_turned_down_for_the_offer_cannot_book_its_interviews(fair, booth):
    offer = await make_offer(booth.employer)
    (slot,) = await open_run(
        booth, tomorrow_at(10), count=1, offer=offer, audience=InterviewAudience.INTERESTED
    )
    person, _ = await register(fair)
    await Interest.create(attendee=person, offer=offer, status=InterestStatus.REJECTED)
    with pytest.raises(BookingRefused) as refusal:
        await book_slot(person, slot.id)
    assert refusal.value.code == "not_allowed"


async def test_invitation_only_interviews_take_only_the_invited(fair, booth):
    (slot,) = await open_run(
        booth, tomorrow_at(10), count=1, places=2, audience=InterviewAudience.INVITED
    )
    invited, _ = await register(fair)
    await InterviewInvitation.create(schedule_id=slot.schedule_id, attendee=invited)
    other, _ = await register(fair)
    assert (await book_slot(invited, slot.id)).slot_id == slot.id
    with pytest.raises(BookingRefused) as refusal:
        await book_slot(other, slot.id)
    assert refusal.value.code == "not_allowed"


async def test_closed_and_started_slots_and_closed_offers_take_no_booking(fair, booth):
    offer = await make_offer(booth.employer)
    closed, started, for_offer = await open_run(booth, tomorrow_at(10), count=3, offer=offer)
    await InterviewSlot.filter(id=closed.id).update(closed_at=datetime.now(UTC))
    await InterviewSlot.filter(id=started.id).update(starts_at=datetime.now(UTC))
    await offer.__class__.filter(id=offer.id).update(status=OfferStatus.CLOSED)
    person, _ = await register(fair)
    codes = []
    for slot in (closed, started, for_offer):
        with pytest.raises(BookingRefused) as refusal:
            await book_slot(person, slot.id)
        codes.append(refusal.value.code)
    assert codes == ["not_open", "not_open", "not_open"]


async def test_a_started_interview_cannot_be_booked(fair, booth):
    (slot,) = await open_run(booth, datetime.now(UTC) - timedelta(minutes=5), count=1)
    person, _ = await register(fair)
    with pytest.raises(BookingRefused) as refusal:
        await book_slot(person, slot.id)
    assert refusal.value.code == "started"


async def test_an_interview_with_an_outcome_cannot_be_cancelled(fair, booth):
    (slot,) = await open_run(booth, tomorrow_at(10), count=1)
    person, _ = await register(fair)
    booking = await book_slot(person, slot.id)
    await InterviewBooking.filter(id=booking.id).update(outcome=InterviewOutcome.INTERVIEWED)
    with pytest.raises(BookingRefused) as refusal:
        await cancel_booking(person, booking.id)
    assert refusal.value.code == "changed"


async def test_leaving_the_fair_gives_the_interview_places_back(fair, booth):
    (first,) = await open_run(booth, tomorrow_at(10), count=1)
    (second,) = await open_run(booth, tomorrow_at(11), count=1)
    person, registration = await register(fair)
    await book_slot(person, first.id)
    await book_slot(person, second.id)
    await cancel(registration.id)
    assert sum(slot.booked for slot in await InterviewSlot.all()) == 0
    assert not await InterviewBooking.filter(status=InterviewBookingStatus.BOOKED).exists()
    assert (await InterviewQuota.get(event=fair, attendee=person)).held == 0


# --- the reminder an hour before ------------------------------------------------------------------


async def test_the_reminder_is_queued_once_however_often_it_runs(fair, booth):
    (slot,) = await open_run(booth, tomorrow_at(10), count=1)
    person, _ = await register(fair)
    await book_slot(person, slot.id)
    before = await OutboxMessage.filter(attendee=person).count()
    an_hour_before = slot.starts_at - timedelta(minutes=55)
    too_early = slot.starts_at - timedelta(hours=2)
    assert await queue_interview_reminders(now=too_early) == 0
    counts = await asyncio.gather(
        queue_interview_reminders(now=an_hour_before),
        queue_interview_reminders(now=an_hour_before),
    )
    assert sorted(counts) == [0, 1]
    assert await queue_interview_reminders(now=an_hour_before + timedelta(minutes=5)) == 0
    reminders = await OutboxMessage.filter(attendee=person).offset(before)
    assert len(reminders) == 1  # the person has a phone and no e-mail: one SMS
    assert "rappel, Entretien 10:00, stand A1, Atlas Logistique" in reminders[0].body


async def test_a_booking_within_the_hour_is_not_reminded_again(fair, booth):
    soon = datetime.now(UTC) + timedelta(minutes=30)
    (slot,) = await open_run(booth, soon, count=1)
    person, _ = await register(fair)
    await book_slot(person, slot.id)
    assert await queue_interview_reminders() == 0


async def test_a_cancelled_interview_is_not_reminded(fair, booth):
    (slot,) = await open_run(booth, tomorrow_at(10), count=1)
    person, _ = await register(fair)
    booking = await book_slot(person, slot.id)
    await cancel_booking(person, booking.id)
    assert await queue_interview_reminders(now=slot.starts_at - timedelta(minutes=30)) == 0


def test_the_reminder_command_runs_on_a_fresh_folder_and_again(tmp_path):
    for _ in range(2):
        result = run_cli("remind-interviews", data_dir=tmp_path)
        assert result.returncode == 0, result.stderr
        assert "Queued reminders for 0 interviews." in result.stdout
