"""The public list of upcoming events and its filters."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from server.models import Employer, Event, Exhibitor
from server.models.enums import (
    CompanySize,
    EmployerStatus,
    EventKind,
    EventStatus,
    ExhibitorStatus,
)
from tests.support import html, make_organisation


@pytest.fixture
async def season(db):
    organisation = await make_organisation()
    now = datetime.now(UTC)
    for slug, kind, city, days in [
        ("salon-casa", EventKind.JOB_FAIR, "Casablanca", 10),
        ("atelier-rabat", EventKind.WORKSHOP, "Rabat", 3),
        ("info-tanger", EventKind.INFO_SESSION, "Tanger", 40),
        ("ancien", EventKind.WORKSHOP, "Rabat", -10),
    ]:
        await Event.create(
            organisation=organisation,
            slug=slug,
            kind=kind,
            status=EventStatus.PUBLISHED,
            title={"fr": slug},
            city=city,
            starts_at=now + timedelta(days=days),
            ends_at=now + timedelta(days=days, hours=4),
        )


def titles(response) -> list[str]:
    return [a.get_text(strip=True) for a in html(response).select(".event-card h3 a")]


@pytest.mark.usefixtures("season")
async def test_upcoming_events_soonest_first_without_past_ones(client):
    assert titles(await client.get("/")) == ["atelier-rabat", "salon-casa", "info-tanger"]


@pytest.mark.usefixtures("season")
async def test_filter_by_city_kind_and_date(client):
    assert titles(await client.get("/?city=Rabat")) == ["atelier-rabat"]
    assert titles(await client.get("/?kind=job_fair")) == ["salon-casa"]
    later = (datetime.now(UTC) + timedelta(days=20)).date().isoformat()
    assert titles(await client.get(f"/?from={later}")) == ["info-tanger"]
    assert titles(await client.get("/?from=not-a-date&kind=nonsense")) == [
        "atelier-rabat",
        "salon-casa",
        "info-tanger",
    ]
    page = html(await client.get("/?city=Tanger"))
    assert page.select_one("#filter-city option[selected]")["value"] == "Tanger"


@pytest.mark.usefixtures("season")
async def test_htmx_gets_only_the_results(client):
    response = await client.get("/?city=Casablanca", headers={"HX-Request": "true"})
    assert "<html" not in response.text
    assert titles(response) == ["salon-casa"]
    assert "HX-Request" in response.headers["vary"]


@pytest.mark.usefixtures("season")
async def test_a_fair_lists_its_confirmed_approved_exhibitors_only(client):
    fair = await Event.get(slug="salon-casa")
    statuses = [
        ("Atlas BTP", EmployerStatus.APPROVED, ExhibitorStatus.CONFIRMED, "A1"),
        ("Pending Co", EmployerStatus.PENDING, ExhibitorStatus.CONFIRMED, "A2"),
        ("Asked Only", EmployerStatus.APPROVED, ExhibitorStatus.REQUESTED, ""),
    ]
    for number, (name, employer_status, exhibitor_status, booth) in enumerate(statuses):
        employer = await Employer.create(
            name=name,
            ice=f"00123456700008{number}",
            sector="BTP",
            size=CompanySize.SMALL,
            city="Casablanca",
            contact_email=f"rh{number}@example.org",
            status=employer_status,
        )
        await Exhibitor.create(
            event=fair, employer=employer, status=exhibitor_status, booth_label=booth
        )
    page = html(await client.get("/events/salon-casa"))
    names = [h.get_text(strip=True) for h in page.select(".exhibitor-list h3")]
    assert names == ["Atlas BTP"]
