"""What a personal link opens: the person's own registrations, nobody else's (the routes behind
it declare PersonalLinkPolicy, and the registrations are looked up through the person)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from server.codes.tokens import hash_token
from server.models import Attendee, Event, Registration
from server.models.enums import RegistrationStatus
from server.services.registrations.seats import register
from tests.support import csrf_from, make_event, make_organisation


async def person_with_link(token: str, phone: str) -> Attendee:
    return await Attendee.create(
        first_name=token,
        phone=phone,
        consent_processing_at=datetime.now(UTC),
        access_token_hash=hash_token(token),
    )


@pytest.fixture
async def fair(db) -> Event:
    return await make_event(await make_organisation(), capacity=1)


async def test_a_link_cannot_cancel_another_persons_registration(client, fair):
    await person_with_link("link-of-amina", "+212612345678")
    other = await person_with_link("link-of-omar", "+212612345679")
    theirs, _ = await register(fair, other.id)
    page = await client.get("/me/link-of-amina")
    response = await client.post(
        f"/me/link-of-amina/registrations/{theirs.id}/cancel",
        data={"csrf_token": csrf_from(page)},
    )
    assert response.status_code == 404
    assert (await Registration.get(id=theirs.id)).status == RegistrationStatus.CONFIRMED


async def test_a_link_cannot_download_another_persons_badge(client, fair):
    await person_with_link("link-of-amina", "+212612345678")
    other = await person_with_link("link-of-omar", "+212612345679")
    theirs, _ = await register(fair, other.id)
    response = await client.get(f"/me/link-of-amina/registrations/{theirs.id}/badge.pdf")
    assert response.status_code == 404
    own = await client.get(f"/me/link-of-omar/registrations/{theirs.id}/badge.pdf")
    assert own.status_code == 200
    assert own.headers["content-type"] == "application/pdf"


async def test_a_place_on_the_waiting_list_has_no_badge(client, fair):
    first = await person_with_link("link-of-amina", "+212612345678")
    waiting = await person_with_link("link-of-omar", "+212612345679")
    await register(fair, first.id)
    place, _ = await register(fair, waiting.id)
    assert place.status == RegistrationStatus.WAITLISTED
    response = await client.get(f"/me/link-of-omar/registrations/{place.id}/badge.pdf")
    assert response.status_code == 404


async def test_the_link_of_a_person_whose_data_was_deleted_opens_nothing(client, fair):
    person = await person_with_link("link-of-amina", "+212612345678")
    await Attendee.filter(id=person.id).update(anonymised_at=datetime.now(UTC))
    for path in ("/me/link-of-amina", "/me/link-of-amina/data", "/me/link-of-amina/offers"):
        assert (await client.get(path)).status_code == 404, path
