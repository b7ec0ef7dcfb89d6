"""The employer's home page: pledges with their progress, offers with their candidates, and the
visitors scanned at each fair — of its own company only."""

from __future__ import annotations

from datetime import date

from server.models import Delivery, Exhibitor, Interest, Lead
from server.models.enums import (
    ContractType,
    ExhibitorStatus,
    InterestStatus,
)
from tests.support import (
    html,
    login,
    make_attendee,
    make_employer,
    make_event,
    make_offer,
    make_organisation,
    make_pledge,
    make_registration,
)


async def _company_with_activity(name: str, ice: str, email: str, event) -> None:
    employer = await make_employer(name, ice=ice, member_email=email)
    pledge = await make_pledge(employer)
    await Delivery.create(pledge=pledge, quantity=2, delivered_on=date.today(), evidence="x")
    offer = await make_offer(employer, f"Stage chez {name}", contract_type=ContractType.INTERNSHIP)
    exhibitor = await Exhibitor.create(
        event=event, employer=employer, status=ExhibitorStatus.CONFIRMED, booth_label="B2"
    )
    for number, share in enumerate((True, True, False)):
        attendee = await make_attendee(f"{name}{number}", share=share)
        await Interest.create(
            attendee=attendee,
            offer=offer,
            status=InterestStatus.HIRED if number == 0 else InterestStatus.INTERESTED,
        )
        registration = await make_registration(event, attendee)
        await Lead.create(exhibitor=exhibitor, registration=registration, shared_profile=share)


async def test_dashboard_shows_the_companys_pledges_offers_and_leads(client):
    event = await make_event(await make_organisation())
    await _company_with_activity("Atlas", "001234567000089", "rh@atlas.ma", event)
    await _company_with_activity("Rival", "009999999000011", "rh@rival.ma", event)
    await login(client, "rh@atlas.ma")

    page = html(await client.get("/employer/?lang=en"))

    pledge = page.select_one(".pledge-card")
    assert "2 of 5 delivered" in pledge.get_text(" ", strip=True)
    assert pledge.select_one(".status-in_progress") is not None
    offers = page.select("tr[data-offer]")
    assert [row.select_one("a").get_text(strip=True) for row in offers] == ["Stage chez Atlas"]
    assert [cell.get_text() for cell in offers[0].select("td.num")] == ["3", "1"]
    fair = page.select_one(f"tr[data-event='{event.id}']")
    assert [cell.get_text() for cell in fair.select("td.num")] == ["2", "1"]
    assert "Rival" not in page.get_text()
