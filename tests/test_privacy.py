"""A person sees everything held about them, and can have it forgotten."""

from __future__ import annotations

import re
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from server.codes.tokens import hash_token
from server.models import (
    Attendee,
    Employer,
    Event,
    Exhibitor,
    Feedback,
    Lead,
    Organisation,
    OutboxMessage,
    Registration,
)
from server.models.enums import (
    Channel,
    CompanySize,
    EventKind,
    EventStatus,
    Gender,
    LegalStatus,
    RegistrationStatus,
)
from server.services.registrations.privacy import purge_inactive
from server.services.registrations.seats import register
from tests.support import csrf_from, html, make_organisation

TOKEN = "a-personal-link-token-for-tests"


async def make_event(slug: str, *, days: int, capacity: int | None = None) -> Event:
    organisation = await Organisation.get_or_none(slug="passerelles") or await make_organisation()
    start = datetime.now(UTC) + timedelta(days=days)
    return await Event.create(
        organisation=organisation,
        slug=slug,
        kind=EventKind.WORKSHOP,
        status=EventStatus.PUBLISHED,
        title={"fr": slug},
        city="Rabat",
        starts_at=start,
        ends_at=start + timedelta(hours=3),
        capacity=capacity,
    )


async def make_person(phone: str, gender: Gender, nationality: str, status: LegalStatus, **extra):
    return await Attendee.create(
        first_name=extra.pop("first_name", "Fatou"),
        last_name="Ndiaye",
        phone=phone,
        email=f"{phone[1:]}@example.org",
        gender=gender,
        nationality=nationality,
        legal_status=status,
        consent_processing_at=datetime.now(UTC),
        **extra,
    )


@pytest.fixture
async def person(db):
    return await make_person(
        "+212612345678",
        Gender.FEMALE,
        "SN",
        LegalStatus.REFUGEE,
        access_token_hash=hash_token(TOKEN),
        consent_share_at=datetime.now(UTC),
    )


async def test_the_data_page_shows_everything_held(client, person):
    event = await make_event("atelier", days=5)
    await register(event, person.id)
    page = html(await client.get(f"/me/{TOKEN}/data?lang=fr"))
    text = page.get_text(" ")
    for expected in ("Fatou", "Ndiaye", "+212612345678", "212612345678@example.org", "Sénégal"):
        assert expected in text
    assert "atelier" in text
    assert page.select_one("form[action$='/delete']") is not None


async def test_changing_the_language_of_messages(client, person):
    page = await client.get(f"/me/{TOKEN}")
    response = await client.post(
        f"/me/{TOKEN}/language", data={"language": "ar", "csrf_token": csrf_from(page)}
    )
    assert response.status_code == 303
    assert response.headers["location"] == f"/me/{TOKEN}?lang=ar"
    await person.refresh_from_db()
    assert person.preferred_language == "ar"
    after = html(await client.get(response.headers["location"]))
    assert after.select_one("html")["dir"] == "rtl"


async def test_deleting_needs_a_confirmation(client, person):
    page = await client.get(f"/me/{TOKEN}/data")
    response = await client.post(f"/me/{TOKEN}/delete", data={"csrf_token": csrf_from(page)})
    assert response.status_code == 422
    assert html(response).select_one("#error-confirm") is not None
    await person.refresh_from_db()
    assert person.anonymised_at is None


async def test_deleting_forgets_identity_everywhere_and_keeps_the_figures(client, person):
    past = await make_event("salon-passe", days=-30)
    others = [
        await make_person(
            "+212600000001", Gender.MALE, "CI", LegalStatus.REGULARISED, first_name="Moussa"
        ),
        await make_person(
            "+212600000002", Gender.FEMALE, "SY", LegalStatus.ASYLUM_SEEKER, first_name="Rania"
        ),
    ]
    registrations = []
    for attendee in [person, *others]:
        registration = await Registration.create(
            event=past,
            attendee=attendee,
            status=RegistrationStatus.CONFIRMED,
            badge_serial=f"AB{attendee.id}-X",
            answers={"1": "Je cherche un stage en cuisine"},
        )
        registrations.append(registration)
    employer = await Employer.create(
        name="Atlas",
        ice="001234567000089",
        sector="BTP",
        size=CompanySize.SMALL,
        city="Rabat",
        contact_email="rh@atlas.example",
    )
    exhibitor = await Exhibitor.create(event=past, employer=employer)
    await Lead.create(
        exhibitor=exhibitor,
        registration=registrations[0],
        shared_profile=True,
        note="Fatou parle wolof, à rappeler",
    )
    await Feedback.create(
        event=past, registration=registrations[0], rating=5, comment="Merci, signé Fatou Ndiaye"
    )
    await OutboxMessage.create(
        channel=Channel.SMS, recipient="+212612345678", body="Bonjour Fatou", attendee=person
    )
    upcoming = await make_event("atelier-a-venir", days=5, capacity=1)
    seat, _ = await register(upcoming, person.id)
    waiting, _ = await register(upcoming, others[0].id)

    async def figures() -> Counter:
        rows = await Registration.filter(event_id=past.id).values(
            "attendee__gender", "attendee__nationality", "attendee__legal_status"
        )
        return Counter(tuple(row.values()) for row in rows)

    before = await figures()
    page = await client.get(f"/me/{TOKEN}/data")
    response = await client.post(
        f"/me/{TOKEN}/delete", data={"csrf_token": csrf_from(page), "confirm": "yes"}
    )
    assert response.status_code == 303
    assert "supprimées" in html(await client.get(response.headers["location"])).get_text()

    await person.refresh_from_db()
    assert (person.first_name, person.last_name, person.phone, person.email) == ("", "", None, None)
    assert person.anonymised_at is not None
    assert (await Registration.get(id=registrations[0].id)).answers == {}
    assert (await Lead.get(registration_id=registrations[0].id)).note == ""
    assert (await Feedback.get(registration_id=registrations[0].id)).comment == ""
    assert await OutboxMessage.filter(attendee_id=person.id).count() == 0
    assert await figures() == before
    assert (await Registration.get(id=seat.id)).status == RegistrationStatus.CANCELLED
    assert (await Registration.get(id=waiting.id)).status == RegistrationStatus.CONFIRMED
    assert (await client.get(f"/me/{TOKEN}")).status_code == 404
    rows = [
        row
        for model in (Attendee, Registration, Lead, Feedback, OutboxMessage)
        for row in await model.all().values()
    ]
    everything = " ".join(str(row) for row in rows)
    for identifying in ("Fatou", "612345678", "wolof", "signé"):
        assert identifying not in everything


async def test_purge_anonymises_only_long_inactive_people(person):
    old_event = await make_event("ancien", days=-900)
    recent_event = await make_event("recent", days=-30)
    long_ago = datetime.now(UTC) - timedelta(days=800)
    sleeper = await make_person("+212600000003", Gender.MALE, "ML", LegalStatus.REFUGEE)
    active = await make_person("+212600000004", Gender.MALE, "GN", LegalStatus.REFUGEE)
    await Attendee.filter(id__in=[sleeper.id, active.id, person.id]).update(
        last_activity_at=long_ago
    )
    await Registration.create(
        event=old_event, attendee=sleeper, status="confirmed", badge_serial="OLD-001"
    )
    await Registration.create(
        event=recent_event, attendee=active, status="confirmed", badge_serial="NEW-001"
    )
    assert await purge_inactive(months=24) == 2  # the sleeper, and `person` who never came
    assert (await Attendee.get(id=sleeper.id)).anonymised_at is not None
    assert (await Attendee.get(id=active.id)).anonymised_at is None
    assert await purge_inactive(months=24) == 0


async def test_the_personal_link_is_sent_again_to_the_number_on_file(client, person):
    page = await client.get("/link")
    response = await client.post(
        "/link", data={"phone": "06 12 34 56 78", "csrf_token": csrf_from(page)}
    )
    assert response.status_code == 200
    assert html(response).select_one(".alert-success") is not None
    assert (await client.get(f"/me/{TOKEN}")).status_code == 404  # the old link is revoked
    sms = await OutboxMessage.get(attendee_id=person.id, channel=Channel.SMS)
    assert sms.recipient == "+212612345678"
    new_link = re.search(r"http://127\.0\.0\.1:8000(/me/[\w-]+)", sms.body)
    assert new_link is not None
    assert (await client.get(new_link.group(1))).status_code == 200


async def test_an_unknown_number_gets_the_same_answer_and_no_message(client, person):
    page = await client.get("/link")
    response = await client.post(
        "/link", data={"phone": "+221 77 123 45 67", "csrf_token": csrf_from(page)}
    )
    assert response.status_code == 200
    assert html(response).select_one(".alert-success") is not None
    assert await OutboxMessage.all().count() == 0


async def test_asking_for_the_link_is_limited_per_number(client, person):
    page = await client.get("/link")
    for _ in range(5):
        await client.post("/link", data={"phone": "0612345678", "csrf_token": csrf_from(page)})
    assert await OutboxMessage.filter(channel=Channel.SMS).count() == 3


async def test_a_bad_number_is_explained_next_to_the_field(client, person):
    page = await client.get("/link")
    response = await client.post("/link", data={"phone": "12", "csrf_token": csrf_from(page)})
    assert response.status_code == 422
    assert html(response).select_one("#error-phone") is not None
