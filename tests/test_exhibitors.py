"""Employers ask for a booth at a job fair, organisers confirm it with a booth label or decline
it, and the public page of the fair shows the confirmed booths with their open offers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from server.errors import ValidationFailed
from server.models import (
    ActionLog,
    Delivery,
    Employer,
    Event,
    Exhibitor,
    Lead,
)
from server.models.enums import (
    DeliveryReview,
    EmployerStatus,
    EventKind,
    EventStatus,
    ExhibitorStatus,
    OfferStatus,
    PledgeKind,
    Role,
)
from server.services.employers.exhibitors import (
    BoothRefused,
    decide_booth,
    exhibitor_offers,
    open_pledge_counts,
    request_booth,
)
from server.values.clock import EVENT_TIMEZONE
from tests.support import (
    csrf_from,
    html,
    login,
    make_attendee,
    make_employer,
    make_event,
    make_offer,
    make_organisation,
    make_pledge,
    make_registration,
    make_user,
)

TODAY = datetime.now(EVENT_TIMEZONE).date()
MANAGE = "/manage/passerelles/events"
MEMBER = "rh@atlas.example.org"


@pytest.fixture
async def fair(db) -> Event:
    organisation = await make_organisation()
    await make_user("orga@example.org", organisation=organisation, role=Role.ORGANISER)
    return await make_event(organisation, "salon", starts_at=datetime.now(UTC) + timedelta(days=7))


@pytest.fixture
async def employer(fair) -> Employer:
    return await make_employer(member_email=MEMBER)


async def ask(client: httpx.AsyncClient, event: Event) -> httpx.Response:
    page = await client.get("/employer/fairs")
    return await client.post(
        f"/employer/fairs/{event.id}/request", data={"csrf_token": csrf_from(page)}
    )


# --- asking for a booth ---------------------------------------------------------------------------


async def test_an_employer_with_a_published_offer_asks_for_a_booth(client, fair, employer):
    await make_offer(employer)
    await login(client, MEMBER, language="en")
    response = await ask(client, fair)
    assert response.status_code == 303
    assert response.headers["location"] == "/employer/fairs"
    page = html(await client.get("/employer/fairs"))
    assert "sent to the organisers" in page.select_one(".alert-success").get_text()
    row = page.select_one(f".booth-row[data-event='{fair.id}']")
    assert row.select_one(".status").get_text(strip=True) == "Requested"
    exhibitor = await Exhibitor.get(event=fair, employer=employer)
    assert exhibitor.status == ExhibitorStatus.REQUESTED
    assert await ActionLog.filter(action="exhibitor.requested", object_id=exhibitor.id).exists()


async def test_asking_twice_keeps_one_request(fair, employer):
    await make_offer(employer)
    first = await request_booth(employer, fair)
    second = await request_booth(employer, fair)
    assert first.id == second.id
    assert await Exhibitor.filter(event=fair).count() == 1


async def test_without_an_offer_or_an_open_pledge_the_request_is_refused(client, fair, employer):
    await login(client, MEMBER, language="en")
    response = await ask(client, fair)
    assert response.status_code == 409
    alert = html(response).select_one(".alert-error")
    assert alert["data-code"] == "nothing_to_offer"
    assert "Job seekers expect booths with offers" in alert.get_text()
    assert not await Exhibitor.exists(event=fair)


@pytest.mark.parametrize(
    "offer",
    [
        {"status": OfferStatus.DRAFT},
        {"status": OfferStatus.SUBMITTED},
        {"status": OfferStatus.CLOSED},
        {"deadline": TODAY - timedelta(days=1)},
    ],
)
async def test_an_offer_not_on_the_board_is_not_enough(fair, employer, offer):
    await make_offer(employer, **offer)
    with pytest.raises(BoothRefused) as refused:
        await request_booth(employer, fair)
    assert refused.value.code == "nothing_to_offer"


async def test_an_offer_whose_deadline_is_today_is_enough(fair, employer):
    await make_offer(employer, deadline=TODAY)
    assert (await request_booth(employer, fair)).status == ExhibitorStatus.REQUESTED


async def test_a_pledge_not_fulfilled_is_enough(fair, employer):
    pledge = await make_pledge(employer, quantity=3)
    await Delivery.create(pledge=pledge, quantity=2, delivered_on=TODAY)
    assert (await request_booth(employer, fair)).status == ExhibitorStatus.REQUESTED


async def test_a_fulfilled_pledge_is_not_enough(fair, employer):
    pledge = await make_pledge(employer, quantity=3)
    await Delivery.create(pledge=pledge, quantity=2, delivered_on=TODAY)
    await Delivery.create(pledge=pledge, quantity=1, delivered_on=TODAY)
    with pytest.raises(BoothRefused) as refused:
        await request_booth(employer, fair)
    assert refused.value.code == "nothing_to_offer"


async def test_a_questioned_delivery_does_not_fulfil_a_pledge(fair, employer):
    pledge = await make_pledge(employer, quantity=2)
    await Delivery.create(
        pledge=pledge, quantity=2, delivered_on=TODAY, review=DeliveryReview.QUESTIONED
    )
    assert await open_pledge_counts([employer.id]) == {employer.id: 1}


async def test_co_funding_is_measured_in_dirhams(fair, employer):
    pledge = await make_pledge(
        employer, quantity=None, kind=PledgeKind.CO_FUNDING, amount_mad="50000.00"
    )
    await Delivery.create(pledge=pledge, amount_mad="20000.50", delivered_on=TODAY)
    assert await open_pledge_counts([employer.id]) == {employer.id: 1}
    await Delivery.create(pledge=pledge, amount_mad="29999.50", delivered_on=TODAY)
    assert await open_pledge_counts([employer.id]) == {}


async def test_a_pending_employer_cannot_ask_for_a_booth(client, fair):
    pending = await make_employer(status=EmployerStatus.PENDING, member_email=MEMBER)
    await make_offer(pending)
    await login(client, MEMBER, language="en")
    page = await client.get("/employer/fairs")
    assert page.status_code == 200
    assert "awaiting review" in html(page).select_one(".alert-warning").get_text()
    assert not html(page).select(f"form[action='/employer/fairs/{fair.id}/request']")
    assert (await ask(client, fair)).status_code == 403
    with pytest.raises(BoothRefused) as refused:
        await request_booth(pending, fair)
    assert refused.value.code == "not_approved"


async def test_only_job_fairs_take_booths(fair, employer):
    await make_offer(employer)
    workshop = await make_event(
        await fair.organisation, "atelier", kind=EventKind.WORKSHOP, parent=fair
    )
    with pytest.raises(BoothRefused) as refused:
        await request_booth(employer, workshop)
    assert refused.value.code == "not_a_fair"


@pytest.mark.parametrize(
    "change",
    [
        {"status": EventStatus.CLOSED},
        {"starts_at": datetime.now(UTC) - timedelta(days=2)},
    ],
)
async def test_a_closed_or_finished_fair_takes_no_request(fair, employer, change):
    await make_offer(employer)
    if "starts_at" in change:
        change["ends_at"] = change["starts_at"] + timedelta(hours=8)
    await Event.filter(id=fair.id).update(**change)
    with pytest.raises(BoothRefused) as refused:
        await request_booth(employer, await Event.get(id=fair.id))
    assert refused.value.code == "fair_not_open"


async def test_a_draft_fair_is_not_found(client, fair, employer):
    await make_offer(employer)
    draft = await make_event(await fair.organisation, "brouillon", status=EventStatus.DRAFT)
    await login(client, MEMBER, language="en")
    assert (await ask(client, draft)).status_code == 404


async def test_the_fairs_page_lists_fairs_to_come_and_the_companys_requests(client, fair, employer):
    organisation = await fair.organisation
    await make_event(organisation, "brouillon", status=EventStatus.DRAFT)
    await make_event(organisation, "atelier", kind=EventKind.WORKSHOP)
    past = await make_event(
        organisation,
        "ancien",
        status=EventStatus.CLOSED,
        starts_at=datetime.now(UTC) - timedelta(days=30),
    )
    await Exhibitor.create(
        event=past, employer=employer, status=ExhibitorStatus.CONFIRMED, booth_label="B7"
    )
    await login(client, MEMBER, language="en")
    page = html(await client.get("/employer/fairs"))
    assert [li["data-event"] for li in page.select(".fair-choice")] == [str(fair.id)]
    assert page.select_one(f".fair-choice form[action='/employer/fairs/{fair.id}/request']")
    row = page.select_one(f".booth-row[data-event='{past.id}']")
    assert row.select_one(".booth-label").get_text(strip=True) == "B7"
    assert row.select_one(f"a[href='/employer/fairs/{past.id}/leads']")
    assert page.select_one(".sub-nav a[aria-current=page]")["href"] == "/employer/fairs"


async def test_an_employer_withdraws_its_request(client, fair, employer):
    exhibitor = await Exhibitor.create(event=fair, employer=employer)
    await login(client, MEMBER, language="en")
    page = await client.get("/employer/fairs")
    response = await client.post(
        f"/employer/fairs/{fair.id}/withdraw", data={"csrf_token": csrf_from(page)}
    )
    assert response.status_code == 303
    assert not await Exhibitor.exists(id=exhibitor.id)
    assert await ActionLog.filter(action="exhibitor.withdrawn", object_id=exhibitor.id).exists()


async def test_a_booth_with_leads_cannot_be_withdrawn(client, fair, employer):
    exhibitor = await Exhibitor.create(
        event=fair, employer=employer, status=ExhibitorStatus.CONFIRMED, booth_label="A1"
    )
    registration = await make_registration(fair, await make_attendee())
    await Lead.create(exhibitor=exhibitor, registration=registration, shared_profile=True)
    await login(client, MEMBER, language="en")
    page = await client.get("/employer/fairs")
    response = await client.post(
        f"/employer/fairs/{fair.id}/withdraw", data={"csrf_token": csrf_from(page)}
    )
    assert response.status_code == 409
    assert html(response).select_one(".alert-error")["data-code"] == "has_leads"
    assert await Exhibitor.exists(id=exhibitor.id)


# --- the organisers' decision ---------------------------------------------------------------------


async def decide(
    client: httpx.AsyncClient, event: Event, exhibitor: Exhibitor, decision: str, label: str = ""
) -> httpx.Response:
    page = await client.get(f"{MANAGE}/{event.id}/exhibitors")
    return await client.post(
        f"{MANAGE}/{event.id}/exhibitors/{exhibitor.id}",
        data={"csrf_token": csrf_from(page), "decision": decision, "booth_label": label},
    )


async def test_organisers_see_requests_with_what_each_employer_brings(client, fair, employer):
    await make_offer(employer)
    await make_offer(employer, "Cariste")
    await make_offer(employer, "Brouillon", status=OfferStatus.DRAFT)
    await make_pledge(employer)
    other = await make_employer("Sans Offre", ice="001234567000090")
    await Exhibitor.create(event=fair, employer=employer)
    await Exhibitor.create(
        event=fair, employer=other, status=ExhibitorStatus.CONFIRMED, booth_label="C3"
    )
    await login(client, "orga@example.org", language="en")
    page = html(await client.get(f"{MANAGE}/{fair.id}/exhibitors"))
    rows = page.select(".exhibitor-row")
    assert [row.select_one(".exhibitor-name").get_text() for row in rows] == [
        "Atlas Logistique",
        "Sans Offre",
    ]
    assert rows[0].select_one(".offers-count").get_text() == "2"
    assert rows[0].select_one(".pledges-count").get_text() == "1"
    assert rows[1].select_one(".offers-count").get_text() == "0"
    assert rows[1].select_one("input[name=booth_label]")["value"] == "C3"
    detail = html(await client.get(f"{MANAGE}/{fair.id}"))
    assert detail.select_one(f".page-actions a[href='{MANAGE}/{fair.id}/exhibitors']")


async def test_an_organiser_confirms_a_booth_with_its_label(client, fair, employer):
    exhibitor = await Exhibitor.create(event=fair, employer=employer)
    await login(client, "orga@example.org", language="en")
    response = await decide(client, fair, exhibitor, "confirm", "  A 12 ")
    assert response.status_code == 303
    assert response.headers["location"] == f"{MANAGE}/{fair.id}/exhibitors#exhibitor-{exhibitor.id}"
    await exhibitor.refresh_from_db()
    assert (exhibitor.status, exhibitor.booth_label) == (ExhibitorStatus.CONFIRMED, "A 12")
    log = await ActionLog.get(action="exhibitor.confirmed", object_id=exhibitor.id)
    assert log.data["booth"] == "A 12"
    page = html(await client.get(f"{MANAGE}/{fair.id}/exhibitors"))
    assert "Atlas Logistique has a confirmed booth." in page.select_one(".alert-success").get_text()


async def test_confirming_needs_a_label_shown_next_to_the_field(client, fair, employer):
    exhibitor = await Exhibitor.create(event=fair, employer=employer)
    await login(client, "orga@example.org", language="en")
    response = await decide(client, fair, exhibitor, "confirm", "   ")
    assert response.status_code == 422
    row = html(response).select_one(f"#exhibitor-{exhibitor.id}")
    assert "Give the booth a label" in row.select_one(".field-error").get_text()
    assert row.select_one("input[name=booth_label]")["aria-invalid"] == "true"
    await exhibitor.refresh_from_db()
    assert exhibitor.status == ExhibitorStatus.REQUESTED


async def test_a_booth_label_is_unique_within_the_fair(client, fair, employer):
    other = await make_employer("Argane", ice="001234567000090")
    await Exhibitor.create(
        event=fair, employer=other, status=ExhibitorStatus.CONFIRMED, booth_label="A1"
    )
    exhibitor = await Exhibitor.create(event=fair, employer=employer)
    await login(client, "orga@example.org", language="en")
    response = await decide(client, fair, exhibitor, "confirm", "a1")
    assert response.status_code == 422
    row = html(response).select_one(f"#exhibitor-{exhibitor.id}")
    assert "already given to another employer" in row.select_one(".field-error").get_text()
    assert row.select_one("input[name=booth_label]")["value"] == "a1"
    # The same label at another fair is free.
    second = await make_event(await fair.organisation, "salon-2")
    elsewhere = await Exhibitor.create(event=second, employer=employer)
    confirmed = await decide_booth(elsewhere, "confirm", "A1", by=None)
    assert confirmed.booth_label == "A1"


async def test_an_organiser_declines_a_request(client, fair, employer):
    exhibitor = await Exhibitor.create(event=fair, employer=employer)
    await login(client, "orga@example.org", language="en")
    assert (await decide(client, fair, exhibitor, "decline", "A1")).status_code == 303
    await exhibitor.refresh_from_db()
    assert (exhibitor.status, exhibitor.booth_label) == (ExhibitorStatus.DECLINED, "")


async def test_an_unknown_decision_is_refused(fair, employer):
    exhibitor = await Exhibitor.create(event=fair, employer=employer)
    with pytest.raises(ValidationFailed):
        await decide_booth(exhibitor, "maybe", "A1", by=None)


async def test_another_organisations_fair_is_not_found(client, fair, employer):
    exhibitor = await Exhibitor.create(event=fair, employer=employer)
    other = await make_organisation("autre", "Autre")
    await make_user("other@example.org", organisation=other, role=Role.ORGANISER)
    await login(client, "other@example.org", language="en")
    assert (await client.get(f"/manage/autre/events/{fair.id}/exhibitors")).status_code == 404
    page = await client.get("/manage/autre/")
    response = await client.post(
        f"/manage/autre/events/{fair.id}/exhibitors/{exhibitor.id}",
        data={"csrf_token": csrf_from(page), "decision": "confirm", "booth_label": "Z9"},
    )
    assert response.status_code == 404


async def test_a_workshop_has_no_exhibitors_page(client, fair):
    workshop = await make_event(
        await fair.organisation, "atelier", kind=EventKind.WORKSHOP, parent=fair
    )
    await login(client, "orga@example.org", language="en")
    assert (await client.get(f"{MANAGE}/{workshop.id}/exhibitors")).status_code == 404


async def test_an_exhibitor_of_another_fair_is_not_found(client, fair, employer):
    second = await make_event(await fair.organisation, "salon-2")
    exhibitor = await Exhibitor.create(event=second, employer=employer)
    await login(client, "orga@example.org", language="en")
    response = await decide(client, fair, exhibitor, "confirm", "A1")
    assert response.status_code == 404


# --- the public page of the fair ------------------------------------------------------------------


async def test_the_fair_page_shows_confirmed_booths_with_their_open_offers(client, fair, employer):
    shown = await make_offer(employer, "Cariste")
    await make_offer(employer, "Brouillon", status=OfferStatus.DRAFT)
    await make_offer(employer, "Expirée", deadline=TODAY - timedelta(days=1))
    await Exhibitor.create(
        event=fair, employer=employer, status=ExhibitorStatus.CONFIRMED, booth_label="A1"
    )
    pending = await make_employer(
        "En Attente", ice="001234567000090", status=EmployerStatus.PENDING
    )
    await make_offer(pending, "Offre cachée")
    await Exhibitor.create(
        event=fair, employer=pending, status=ExhibitorStatus.CONFIRMED, booth_label="A2"
    )
    asking = await make_employer("Demande", ice="001234567000091")
    await make_offer(asking, "Pas encore")
    await Exhibitor.create(event=fair, employer=asking)
    response = await client.get("/events/salon?lang=en")
    page = html(response)
    booths = page.select(".exhibitor-list > li")
    assert [booth.select_one("h3").get_text(strip=True) for booth in booths] == ["Atlas Logistique"]
    assert "Booth A1" in booths[0].get_text()
    assert "Transport and logistics" in booths[0].get_text()  # the sector's name, not its key
    links = booths[0].select(".booth-offers a")
    assert [(a.get_text(), a["href"]) for a in links] == [("Cariste", f"/offers/{shown.id}")]
    for hidden in ("Brouillon", "Expirée", "Offre cachée", "Pas encore", "En Attente"):
        assert hidden not in response.text


async def test_the_open_offers_of_booths_are_grouped_by_employer(fair, employer):
    second = await make_employer("Argane", ice="001234567000090")
    await make_offer(employer, "Cariste")
    await make_offer(second, "Vendeur")
    booths = [
        await Exhibitor.create(event=fair, employer=employer, status=ExhibitorStatus.CONFIRMED),
        await Exhibitor.create(event=fair, employer=second, status=ExhibitorStatus.CONFIRMED),
    ]
    offers = await exhibitor_offers(booths)
    assert {key: [o.title for o in value] for key, value in offers.items()} == {
        employer.id: ["Cariste"],
        second.id: ["Vendeur"],
    }
