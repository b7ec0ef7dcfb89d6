"""Walk-in registration at the door: registered and checked in at once, never twice."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

import pytest

from server.models import ActionLog, Attendee, CheckIn, Event, Registration, User
from server.models.enums import (
    CheckInKind,
    CheckInResult,
    EventStatus,
    RegistrationSource,
    RegistrationStatus,
    Role,
)
from server.services.door.walk_in import (
    AlreadyCheckedIn,
    WalkInForm,
    WalkInRefused,
    register_walk_in,
)
from server.services.registrations.seats import register
from tests.support import (
    csrf_from,
    html,
    login,
    make_bare_attendee,
    make_event,
    make_organisation,
    make_user,
)

BASE = "/manage/passerelles/events"


def walk_in_form(**changes: str) -> dict[str, str]:
    return {
        "phone": "06 12 34 56 78",
        "first_name": "Aminata",
        "last_name": "Diallo",
        "gender": "female",
        "consent_processing": "yes",
        "gate": "B",
    } | changes


async def post_walk_in(client, event: Event, **changes: str):
    page = await client.get(f"{BASE}/{event.id}/walk-in")
    assert page.status_code == 200
    data = walk_in_form(**changes) | {"csrf_token": csrf_from(page)}
    return await client.post(f"{BASE}/{event.id}/walk-in", data=data)


async def counts() -> tuple[int, int, int]:
    return (
        await Attendee.all().count(),
        await Registration.all().count(),
        await CheckIn.all().count(),
    )


async def test_a_walk_in_is_registered_and_checked_in_at_once(client, fair):
    await login(client, "orga@example.org")
    response = await post_walk_in(client, fair)
    assert response.status_code == 303
    assert response.headers["location"] == f"{BASE}/{fair.id}/walk-in"

    attendee = await Attendee.get(phone="+212612345678")
    assert attendee.full_name == "Aminata Diallo"
    assert attendee.consent_processing_at is not None
    registration = await Registration.get(event_id=fair.id, attendee_id=attendee.id)
    assert registration.source == RegistrationSource.WALK_IN
    assert registration.status == RegistrationStatus.CONFIRMED
    assert registration.checked_in_at is not None
    assert registration.checked_in_gate == "B"
    (checkin,) = await CheckIn.filter(registration_id=registration.id)
    assert (checkin.kind, checkin.result, checkin.gate) == (
        CheckInKind.ENTRY,
        CheckInResult.OK,
        "B",
    )
    assert checkin.staff_id == (await User.get(email="orga@example.org")).id  # type: ignore[attr-defined]
    assert await ActionLog.filter(action="event.registration.walk_in").count() == 1


async def test_after_a_walk_in_the_form_names_the_person_and_remembers_the_door(client, fair):
    await login(client, "orga@example.org")
    response = await post_walk_in(client, fair)
    page = await client.get(response.headers["location"])
    result = html(page).select_one(".walk-in-result")
    assert "Aminata Diallo" in result.get_text()
    serial = (await Registration.get(event_id=fair.id)).badge_serial
    assert serial in result.get_text()
    assert html(page).select_one("input[name=gate]")["value"] == "B"
    assert html(page).select_one("input[name=phone]")["value"] == ""
    assert html(page).select(f'a[href$="{BASE}/{fair.id}/attendees"]')
    again = await client.get(f"{BASE}/{fair.id}/walk-in")
    assert html(again).select_one(".walk-in-result") is None  # the message is shown once


async def test_check_in_staff_may_register_walk_ins(client, fair):
    await login(client, "door@example.org")
    page = await client.get(f"{BASE}/{fair.id}/walk-in")
    assert page.status_code == 200
    assert not html(page).select(f'a[href$="{BASE}/{fair.id}/attendees"]')
    assert not html(page).select(".sub-nav")  # its links are for organisers only
    response = await post_walk_in(client, fair)
    assert response.status_code == 303
    checkin = await CheckIn.get()
    assert checkin.staff_id == (await User.get(email="door@example.org")).id  # type: ignore[attr-defined]


async def test_the_same_phone_twice_says_already_checked_in_and_creates_nothing(client, fair):
    await login(client, "orga@example.org")
    await post_walk_in(client, fair)
    before = await counts()
    response = await post_walk_in(client, fair, phone="+212 612 34 56 78", gate="C")
    assert response.status_code == 409
    alert = html(response).select_one(".walk-in-result")
    assert alert["data-code"] == "already_checked_in"
    assert "Aminata Diallo" in alert.get_text()
    assert "B" in alert.get_text()  # the door they came in by
    assert await counts() == before
    assert (await Registration.get()).checked_in_gate == "B"


async def test_a_person_registered_online_is_checked_in_without_a_second_registration(client, fair):
    attendee = await make_bare_attendee("Jean", "Mbemba", "+212612345678")
    await register(fair, attendee.id)
    await login(client, "orga@example.org")
    response = await post_walk_in(client, fair, first_name="J.", last_name="M.")
    assert response.status_code == 303
    registration = await Registration.get()
    assert registration.source == RegistrationSource.ONLINE
    assert registration.checked_in_at is not None
    assert (await Attendee.get()).full_name == "Jean Mbemba"  # the profile they gave stays
    page = await client.get(response.headers["location"])
    assert "Jean Mbemba" in html(page).select_one(".walk-in-result").get_text()


async def test_walk_ins_are_taken_after_registration_has_closed(client, fair):
    await Event.filter(id=fair.id).update(status=EventStatus.CLOSED)
    await login(client, "orga@example.org")
    response = await post_walk_in(client, fair)
    assert response.status_code == 303
    assert (await Registration.get()).source == RegistrationSource.WALK_IN


async def test_a_full_event_refuses_the_walk_in_and_keeps_nobody(client, fair):
    await Event.filter(id=fair.id).update(capacity=1, seats_taken=1)
    await login(client, "orga@example.org")
    response = await post_walk_in(client, fair)
    assert response.status_code == 409
    assert html(response).select_one(".alert-error")["data-code"] == "full"
    assert await counts() == (0, 0, 0)
    assert html(response).select_one("input[name=phone]")["value"] == "06 12 34 56 78"


async def test_a_draft_event_takes_no_walk_in(client, fair):
    await Event.filter(id=fair.id).update(status=EventStatus.DRAFT)
    await login(client, "orga@example.org")
    response = await post_walk_in(client, fair)
    assert response.status_code == 409
    assert html(response).select_one(".alert-error")["data-code"] == "not_open"


async def test_errors_are_shown_next_to_the_fields_and_nothing_is_lost(client, fair):
    await login(client, "orga@example.org")
    response = await post_walk_in(client, fair, phone="12", consent_processing="", last_name="")
    assert response.status_code == 422
    page = html(response)
    for name in ("phone", "last_name", "consent_processing"):
        assert page.select_one(f"#error-{name}") is not None, name
    assert page.select_one("#error-first_name") is None
    assert page.select_one("input[name=first_name]")["value"] == "Aminata"
    assert page.select_one("input[name=phone]")["value"] == "12"
    assert await counts() == (0, 0, 0)


async def test_a_waiting_person_at_the_door_gets_a_free_seat(client, fair):
    attendee = await Attendee.create(
        first_name="Jean", phone="+212612345678", consent_processing_at=datetime.now(UTC)
    )
    await Registration.create(
        event=fair,
        attendee=attendee,
        status=RegistrationStatus.WAITLISTED,
        waitlist_position=1,
        badge_serial="WAIT0001",
    )
    await login(client, "orga@example.org")
    response = await post_walk_in(client, fair)
    assert response.status_code == 303
    registration = await Registration.get()
    assert registration.status == RegistrationStatus.CONFIRMED
    assert registration.waitlist_position is None
    assert (await Event.get(id=fair.id)).seats_taken == 1


async def waiting_people(event: Event, count: int) -> list[WalkInForm]:
    """`count` people on the waiting list of `event`, as the door would type them."""
    now = datetime.now(UTC)
    forms = []
    for n in range(count):
        attendee = await Attendee.create(
            first_name=f"P{n}", last_name="W", phone=f"+2126{n:08d}", consent_processing_at=now
        )
        await Registration.create(
            event=event,
            attendee=attendee,
            status=RegistrationStatus.WAITLISTED,
            waitlist_position=n + 1,
            badge_serial=f"WAIT{n:04d}",
        )
        forms.append(
            WalkInForm(phone=attendee.phone, first_name="P", last_name="W", consent_processing=True)
        )
    return forms


async def test_a_waiting_person_at_the_door_of_a_full_event_keeps_their_place(fair):
    await Event.filter(id=fair.id).update(capacity=0)
    (form,) = await waiting_people(fair, 1)
    with pytest.raises(WalkInRefused) as refusal:
        await register_walk_in(fair, form, staff=None)
    assert refusal.value.code == "waitlisted"
    registration = await Registration.get()
    assert (registration.status, registration.waitlist_position) == (
        RegistrationStatus.WAITLISTED,
        1,
    )
    assert (await Event.get(id=fair.id)).seats_taken == 0


async def test_waiting_people_at_several_doors_at_once_fill_the_free_seats_only(fair):
    await Event.filter(id=fair.id).update(capacity=3)
    forms = await waiting_people(fair, 10)
    results = await asyncio.gather(
        *(register_walk_in(fair, form, staff=None) for form in forms), return_exceptions=True
    )
    refused = [r for r in results if isinstance(r, BaseException)]
    assert {getattr(r, "code", r) for r in refused} == {"waitlisted"}
    assert len(refused) == 7
    confirmed = await Registration.filter(status=RegistrationStatus.CONFIRMED).count()
    assert confirmed == (await Event.get(id=fair.id)).seats_taken == 3
    assert await CheckIn.all().count() == 3


async def test_two_doors_typing_the_same_person_at_once_check_them_in_once(fair):
    form = WalkInForm(
        phone="0612345678", first_name="Aminata", last_name="Diallo", consent_processing=True
    )
    doors = [WalkInForm(**(vars(form) | {"gate": gate})) for gate in ("A", "B", "C", "D")]
    results = await asyncio.gather(
        *(register_walk_in(fair, door, staff=None) for door in doors), return_exceptions=True
    )
    admitted = [r for r in results if not isinstance(r, BaseException)]
    refused = [r for r in results if isinstance(r, BaseException)]
    assert len(admitted) == 1
    assert all(isinstance(r, AlreadyCheckedIn) for r in refused), refused
    assert await counts() == (1, 1, 1)
    assert (await Event.get(id=fair.id)).seats_taken == 1


async def test_another_organisations_event_is_not_found(client, fair):
    other = await make_organisation("autre-ong", "Autre ONG")
    foreign = await make_event(other, "ailleurs")
    await login(client, "door@example.org")
    response = await client.get(f"{BASE}/{foreign.id}/walk-in")
    assert response.status_code == 404


async def test_staff_of_another_organisation_are_refused(client, fair):
    other = await make_organisation("autre-ong", "Autre ONG")
    await make_user("other@example.org", organisation=other, role=Role.CHECKIN)
    await login(client, "other@example.org")
    response = await client.get(f"{BASE}/{fair.id}/walk-in")
    assert response.status_code == 403


async def test_a_walk_in_without_the_csrf_token_is_refused(client, fair):
    await login(client, "orga@example.org")
    response = await client.post(f"{BASE}/{fair.id}/walk-in", data=walk_in_form())
    assert response.status_code == 403
    assert await counts() == (0, 0, 0)


async def test_an_anonymous_post_is_refused(client, fair):
    response = await client.post(f"{BASE}/{fair.id}/walk-in", data=walk_in_form())
    assert response.status_code == 403
