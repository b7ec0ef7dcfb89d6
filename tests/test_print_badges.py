"""Print all badges: one PDF of A4 sheets, four badges a page, for every confirmed registration
of the event, by last name then first name."""

from __future__ import annotations

import io
import math
from datetime import UTC, datetime
from functools import partial

import pytest
from pypdf import PdfReader

from server.models import Event, Registration
from server.models.enums import EventKind, RegistrationStatus
from server.services.registrations.badges import event_badges
from tests import support
from tests.support import (
    SECRET_KEY,
    login,
    make_bare_attendee,
    make_organisation,
    make_registration,
    make_staffed_organisation,
)

BASE = "/manage/passerelles/events"
START = datetime(2026, 6, 13, 9, 0, tzinfo=UTC)
CONFIRMED = [  # (first name, last name), in the order they are printed
    ("Moussa", "Bamba"),
    ("Aminata", "Diallo"),
    ("Fatou", "Diallo"),
    ("Grace", "Kabila"),
    ("Yaya", "Touré"),
]


make_event = partial(support.make_event, starts_at=START, venue="Technopark")


async def register(
    event: Event,
    first_name: str,
    last_name: str,
    status: RegistrationStatus = RegistrationStatus.CONFIRMED,
) -> Registration:
    return await make_registration(event, await make_bare_attendee(first_name, last_name), status)


@pytest.fixture
async def fair(db) -> Event:
    """Five confirmed people (registered out of order), one cancelled, one waiting, one awaiting
    approval, and someone registered only for a workshop of the fair."""
    organisation = await make_staffed_organisation()
    fair = await make_event(organisation, "salon-emploi")
    for first_name, last_name in reversed(CONFIRMED):
        await register(fair, first_name, last_name)
    await register(fair, "Cancelled", "Person", RegistrationStatus.CANCELLED)
    await register(fair, "Waiting", "Person", RegistrationStatus.WAITLISTED)
    await register(fair, "Pending", "Person", RegistrationStatus.PENDING)
    workshop = await make_event(organisation, "atelier", kind=EventKind.WORKSHOP, parent=fair)
    await register(workshop, "Workshop", "Only")
    return fair


def pdf_text(content: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(content))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


async def test_badges_are_read_by_last_name_then_first_name(fair):
    badges = await event_badges(fair, secret_key=SECRET_KEY, language="fr")
    assert [badge.name for badge in badges] == [f"{first} {last}" for first, last in CONFIRMED]
    assert {badge.role for badge in badges} == {"visitor"}
    assert {badge.organisation for badge in badges} == {"Passerelles"}


async def test_badges_are_read_in_batches_without_losing_anyone(fair, monkeypatch):
    monkeypatch.setattr("server.services.registrations.badges.BATCH_SIZE", 2)
    badges = await event_badges(fair, secret_key=SECRET_KEY, language="fr")
    assert [badge.name for badge in badges] == [f"{first} {last}" for first, last in CONFIRMED]


async def test_the_sheets_hold_every_confirmed_badge_four_a_page(client, fair):
    await login(client, "orga@example.org")
    response = await client.get(f"{BASE}/{fair.id}/badges.pdf")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"] == (
        'attachment; filename="badges-salon-emploi.pdf"'
    )
    assert "content-length" not in response.headers  # sent while it is drawn
    pages, text = pdf_text(response.content)
    assert pages == math.ceil(len(CONFIRMED) / 4)
    registrations = await Registration.filter(
        event_id=fair.id, status=RegistrationStatus.CONFIRMED
    ).select_related("attendee")
    for registration in registrations:
        assert registration.attendee.full_name in text
        assert registration.badge_serial in text


async def test_cancelled_waiting_pending_and_session_only_people_get_no_badge(client, fair):
    await login(client, "orga@example.org")
    _, text = pdf_text((await client.get(f"{BASE}/{fair.id}/badges.pdf")).content)
    for name in ("Cancelled", "Waiting", "Pending", "Workshop"):
        assert name not in text


async def test_eight_badges_fill_two_sheets_exactly(client, fair):
    for number in range(3):
        await register(fair, "Extra", f"Person {number}")
    await login(client, "orga@example.org")
    pages, _ = pdf_text((await client.get(f"{BASE}/{fair.id}/badges.pdf")).content)
    assert pages == 2


async def test_an_event_of_another_organisation_is_not_found(client, fair):
    elsewhere = await make_event(await make_organisation("autre", "Autre"), "ailleurs")
    await register(elsewhere, "Someone", "Else")
    await login(client, "orga@example.org")
    response = await client.get(f"{BASE}/{elsewhere.id}/badges.pdf")
    assert response.status_code == 404


async def test_check_in_staff_cannot_print_the_badges(client, fair):
    await login(client, "door@example.org")
    response = await client.get(f"{BASE}/{fair.id}/badges.pdf")
    assert response.status_code == 403
