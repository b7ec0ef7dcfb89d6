"""CSR pledges: employers pledge and record deliveries, hires on linked offers count as
deliveries, organisers review them and read the totals — through the pages, as a browser without
JavaScript would, and through htmx where the page offers it."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import httpx
import pytest
from tortoise import connections

from server.models import ActionLog, Delivery, Employer, Interest, Offer, Pledge
from server.models.enums import (
    ContractType,
    DeliveryReview,
    EmployerStatus,
    EventStatus,
    InterestStatus,
    OfferStatus,
    PledgeKind,
    PledgeStatus,
    Role,
)
from server.services.employers.pledges import (
    DeliveryForm,
    PledgeFilters,
    PledgeProgress,
    employer_pledges,
    pledge_status,
    pledge_totals,
    record_delivery,
    today_in_morocco,
)
from server.values.money import format_amount, parse_amount
from tests.support import (
    html,
    id_in_location,
    login,
    make_attendee,
    make_employer,
    make_event,
    make_organisation,
    make_pledge,
    make_user,
    new_client,
    post,
)

TODAY = today_in_morocco()
DEADLINE = TODAY + timedelta(days=90)
ATLAS_ICE = "001234567000089"
CONNECT_ICE = "002345678000012"


def days(count: int) -> date:
    return TODAY + timedelta(days=count)


def pledge_form(**changes: str) -> dict[str, str]:
    form = {
        "kind": "internship",
        "quantity": "5",
        "amount": "",
        "deadline": DEADLINE.isoformat(),
        "event": "",
        "description": "Cinq stages de trois mois en entrepôt.",
    }
    form.update(changes)
    return form


async def deliver(pledge: Pledge, quantity: int | None = None, **extra: object) -> Delivery:
    fields: dict[str, object] = {
        "pledge": pledge,
        "quantity": quantity,
        "delivered_on": TODAY - timedelta(days=1),
        "evidence": "Contrats signés",
    }
    return await Delivery.create(**(fields | extra))


async def hire(pledge: Pledge, title: str = "Magasinier (H/F)") -> Delivery:
    """A candidate hired on an offer linked to the pledge, recorded as the offers' service does:
    an ordinary Delivery of one place with its interest set."""
    offer = await Offer.create(
        employer_id=pledge.employer_id,
        pledge=pledge,
        title=title,
        city="Casablanca",
        contract_type=ContractType.INTERNSHIP,
        status=OfferStatus.PUBLISHED,
    )
    interest = await Interest.create(
        attendee=await make_attendee(), offer=offer, status=InterestStatus.HIRED
    )
    return await Delivery.create(
        pledge=pledge,
        quantity=1,
        delivered_on=TODAY,
        evidence=f"Hired through offer #{offer.id}",
        interest=interest,
    )


@pytest.fixture
async def atlas(db) -> Employer:
    return await make_employer("Atlas Logistique", ice=ATLAS_ICE, member_email="rh@atlas.example")


@pytest.fixture
async def employer_client(client, atlas) -> httpx.AsyncClient:
    """The client, logged in as Atlas's member, reading pages in English."""
    await login(client, "rh@atlas.example", language="en")
    return client


# --- the rule -----------------------------------------------------------------------------------


def test_a_pledge_is_not_overdue_on_its_deadline_day_but_is_the_day_after():
    deadline = date(2026, 6, 30)
    assert pledge_status(Decimal(5), Decimal(3), deadline, deadline) == PledgeStatus.IN_PROGRESS
    assert pledge_status(Decimal(5), Decimal(0), deadline, deadline) == PledgeStatus.PLEDGED
    after = deadline + timedelta(days=1)
    assert pledge_status(Decimal(5), Decimal(3), deadline, after) == PledgeStatus.OVERDUE
    assert pledge_status(Decimal(5), Decimal(0), deadline, after) == PledgeStatus.OVERDUE


def test_a_pledge_delivered_in_full_on_its_deadline_or_later_is_fulfilled():
    deadline = date(2026, 6, 30)
    assert pledge_status(Decimal(5), Decimal(5), deadline, deadline) == PledgeStatus.FULFILLED
    late = deadline + timedelta(days=40)
    assert pledge_status(Decimal(5), Decimal(5), deadline, late) == PledgeStatus.FULFILLED


def test_an_over_delivered_pledge_is_fulfilled_and_its_bar_stops_at_full():
    progress = PledgeProgress(Decimal(5), Decimal(7), PledgeStatus.FULFILLED)
    assert pledge_status(Decimal(5), Decimal(7), date(2026, 6, 30), date(2026, 1, 1)) == (
        PledgeStatus.FULFILLED
    )
    assert progress.percent == 100


def test_a_zero_target_counts_as_fulfilled_with_an_empty_bar():
    assert pledge_status(Decimal(0), Decimal(0), date(2026, 6, 30), date(2026, 7, 30)) == (
        PledgeStatus.FULFILLED
    )
    assert PledgeProgress(Decimal(0), Decimal(0), PledgeStatus.FULFILLED).percent == 0


def test_progress_percent_rounds_down():
    assert PledgeProgress(Decimal(3), Decimal(2), PledgeStatus.IN_PROGRESS).percent == 66


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("15000", Decimal("15000.00")),
        ("15 000", Decimal("15000.00")),
        ("15\u202f000,50", Decimal("15000.50")),
        ("15\xa0000.5", Decimal("15000.50")),
        (" 0,75 ", Decimal("0.75")),
    ],
)
def test_amounts_are_read_as_people_type_them(typed, amount):
    assert parse_amount(typed) == amount


@pytest.mark.parametrize(
    "typed", ["", "12abc", "15.000", "12,345", "1,234,567", "-50", "1e5", "١٥٠٠٠", "9" * 16]
)
def test_what_is_not_an_amount_is_refused_rather_than_guessed(typed):
    assert parse_amount(typed) is None


# --- statuses and totals ------------------------------------------------------------------------


async def _programme() -> dict[str, Pledge]:
    """Two employers' pledges with deliveries, a hire and questioned deliveries:

    | pledge | employer | kind       | target | deliveries that count    | deadline | status      |
    |--------|----------|------------|--------|--------------------------|----------|-------------|
    | p1     | Atlas    | internship | 5      | 2, 1 confirmed, 1 hire   | +30      | in progress |
    |        |          |            |        | (3 questioned: not)      |          |             |
    | p2     | Atlas    | job        | 3      | 1                        | -10      | overdue     |
    | p3     | Atlas    | co_funding | 50 000 | 20 000.50, 30 000        | +10      | fulfilled   |
    | p4     | Connect  | job        | 2      | 3 (over-delivered)       | +5       | fulfilled   |
    | p5     | Connect  | training   | 10     | —                        | +60      | pledged     |
    | p6     | Connect  | job        | 4      | (4 questioned: not)      | -1       | overdue     |
    """
    atlas = await Employer.get(ice=ATLAS_ICE)
    connect = await make_employer("Connect Call", ice=CONNECT_ICE)
    p1 = await make_pledge(atlas, kind=PledgeKind.INTERNSHIP, quantity=5, deadline=days(30))
    await deliver(p1, 2)
    await deliver(p1, 1, review=DeliveryReview.CONFIRMED)
    await deliver(p1, 3, review=DeliveryReview.QUESTIONED, review_note="Pas de contrats")
    await hire(p1)
    p2 = await make_pledge(atlas, kind=PledgeKind.JOB, quantity=3, deadline=days(-10))
    await deliver(p2, 1)
    p3 = await make_pledge(
        atlas,
        kind=PledgeKind.CO_FUNDING,
        quantity=None,
        amount_mad=Decimal(50000),
        deadline=days(10),
    )
    await deliver(p3, amount_mad=Decimal("20000.50"))
    await deliver(p3, amount_mad=Decimal("30000.00"), review=DeliveryReview.CONFIRMED)
    p4 = await make_pledge(connect, kind=PledgeKind.JOB, quantity=2, deadline=days(5))
    await deliver(p4, 3)
    p5 = await make_pledge(connect, kind=PledgeKind.TRAINING, quantity=10, deadline=days(60))
    p6 = await make_pledge(connect, kind=PledgeKind.JOB, quantity=4, deadline=days(-1))
    await deliver(p6, 4, review=DeliveryReview.QUESTIONED, review_note="Aucune preuve")
    return {"p1": p1, "p2": p2, "p3": p3, "p4": p4, "p5": p5, "p6": p6}


async def test_pledges_deliveries_and_hires_produce_the_right_statuses_and_totals(atlas):
    pledges = await _programme()
    totals = await pledge_totals(TODAY)

    progress = {line.pledge.id: line.progress for line in totals.pledges}
    expected = {
        "p1": (Decimal(5), Decimal(4), PledgeStatus.IN_PROGRESS),
        "p2": (Decimal(3), Decimal(1), PledgeStatus.OVERDUE),
        "p3": (Decimal(50000), Decimal("50000.50"), PledgeStatus.FULFILLED),
        "p4": (Decimal(2), Decimal(3), PledgeStatus.FULFILLED),
        "p5": (Decimal(10), Decimal(0), PledgeStatus.PLEDGED),
        "p6": (Decimal(4), Decimal(0), PledgeStatus.OVERDUE),
    }
    assert {
        ref: (progress[pledge.id].target, progress[pledge.id].delivered, progress[pledge.id].status)
        for ref, pledge in pledges.items()
    } == expected

    by_kind = {
        row.kind: (row.pledges, row.pledged, row.delivered, row.fulfilled, row.overdue)
        for row in totals.by_kind
    }
    assert by_kind == {
        PledgeKind.INTERNSHIP: (1, Decimal(5), Decimal(4), 0, 0),
        PledgeKind.JOB: (3, Decimal(9), Decimal(4), 1, 2),
        PledgeKind.TRAINING: (1, Decimal(10), Decimal(0), 0, 0),
        PledgeKind.CO_FUNDING: (1, Decimal(50000), Decimal("50000.50"), 1, 0),
    }
    assert [row.kind for row in totals.by_kind] == [
        PledgeKind.INTERNSHIP,
        PledgeKind.JOB,
        PledgeKind.TRAINING,
        PledgeKind.CO_FUNDING,
    ]

    by_employer = {
        row.name: (
            row.pledges,
            row.quantity_pledged,
            row.quantity_delivered,
            row.amount_pledged,
            row.amount_delivered,
            row.fulfilled,
            row.overdue,
        )
        for row in totals.by_employer
    }
    assert by_employer == {
        "Atlas Logistique": (3, 8, 5, Decimal(50000), Decimal("50000.50"), 1, 1),
        "Connect Call": (3, 16, 3, Decimal(0), Decimal(0), 1, 1),
    }


async def test_the_totals_are_those_of_the_filtered_pledges(atlas):
    pledges = await _programme()
    overdue = await pledge_totals(TODAY, filters=PledgeFilters(status="overdue"))
    assert {line.pledge.id for line in overdue.pledges} == {pledges["p2"].id, pledges["p6"].id}
    assert [
        (row.kind, row.pledges, row.pledged, row.delivered, row.overdue) for row in overdue.by_kind
    ] == [(PledgeKind.JOB, 2, Decimal(7), Decimal(1), 2)]

    connect_jobs = await pledge_totals(
        TODAY, filters=PledgeFilters(kind="job", employer=pledges["p4"].employer_id)
    )
    assert {line.pledge.id for line in connect_jobs.pledges} == {
        pledges["p4"].id,
        pledges["p6"].id,
    }
    # The filters still offer every employer that has pledges.
    assert [name for _, name in connect_jobs.employer_choices] == [
        "Atlas Logistique",
        "Connect Call",
    ]


async def test_the_organisers_page_shows_the_totals_by_kind_and_by_employer(atlas, organiser):
    await _programme()
    page = html(await organiser.get("/manage/passerelles/pledges"))

    def cells(selector: str) -> list[str]:
        row = page.select_one(selector)
        assert row is not None, selector
        return [cell.get_text(strip=True) for cell in row.select("th, td")]

    assert cells('.pledge-kind-totals tr[data-kind="job"]') == ["Jobs", "3", "9", "4", "1", "2"]
    assert cells('.pledge-kind-totals tr[data-kind="co_funding"]') == [
        "Co-funding",
        "1",
        "50,000 MAD",
        "50,000.50 MAD",
        "1",
        "0",
    ]
    atlas_row = cells(f'.pledge-employer-totals tr[data-employer="{atlas.id}"]')
    assert atlas_row == ["Atlas Logistique", "3", "8", "5", "50,000 MAD", "50,000.50 MAD", "1", "1"]
    assert len(page.select(".pledge-table .pledge-row")) == 6
    statuses = [s.get_text(strip=True) for s in page.select(".pledge-row .status")]
    assert sorted(statuses) == sorted(
        ["In progress", "Overdue", "Fulfilled", "Fulfilled", "Pledged", "Overdue"]
    )


async def test_the_organisers_filters_answer_only_the_results_to_htmx(atlas, organiser):
    pledges = await _programme()
    response = await organiser.get(
        "/manage/passerelles/pledges?status=pledged&kind=nonsense&employer=x",
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "<html" not in response.text
    rows = html(response).select(".pledge-row")
    assert [int(row["data-pledge"]) for row in rows] == [pledges["p5"].id]


async def test_the_filter_form_keeps_the_chosen_employer_and_kind(atlas, organiser):
    await _programme()
    page = html(await organiser.get(f"/manage/passerelles/pledges?employer={atlas.id}&kind=job"))
    assert page.select_one("#filter-employer option[selected]")["value"] == str(atlas.id)
    assert page.select_one("#filter-kind option[selected]")["value"] == "job"
    assert page.select_one("#filter-status option[selected]") is None


async def test_amounts_are_written_in_the_readers_number_format(atlas, organiser):
    await _programme()
    page = html(await organiser.get("/manage/passerelles/pledges?lang=fr&kind=co_funding"))
    cells = [td.get_text(strip=True) for td in page.select('tr[data-kind="co_funding"] td')]
    assert format_amount(Decimal("50000.50"), "fr_MA") in cells[2]
    assert format_amount(Decimal("50000.50"), "fr_MA") != "50,000.50"


async def test_an_employers_pledges_are_read_in_two_queries_whatever_their_number(atlas):
    for number in range(6):
        pledge = await make_pledge(atlas, quantity=number + 1)
        await deliver(pledge, 1)
        await hire(pledge, title=f"Offre {number}")
    client = connections.get("default")
    calls = []
    original = type(client).execute_query

    async def counting(self, query, values=None):
        calls.append(query)
        return await original(self, query, values)

    type(client).execute_query = counting
    try:
        overviews = await employer_pledges(atlas, TODAY)
    finally:
        type(client).execute_query = original
    assert len(overviews) == 6
    assert all(overview.progress.delivered == 2 for overview in overviews)
    assert {line.hire_offer_title for o in overviews for line in o.deliveries} >= {"Offre 0"}
    assert len(calls) == 2


# --- the employer's pages -----------------------------------------------------------------------


async def test_an_employer_pledges_and_follows_its_progress(employer_client, atlas):
    response = await post(employer_client, "/employer/pledges/new", pledge_form())
    pledge = await Pledge.get(id=id_in_location(response))
    assert (pledge.employer_id, pledge.kind, pledge.quantity, pledge.deadline) == (
        atlas.id,
        PledgeKind.INTERNSHIP,
        5,
        DEADLINE,
    )
    assert await ActionLog.exists(action="pledge.created", object_id=pledge.id)

    detail = html(await employer_client.get(response.headers["location"]))
    assert detail.select_one(".alert-success") is not None
    assert detail.select_one("#pledge-status").get_text(strip=True) == "Pledged"

    listing = html(await employer_client.get("/employer/pledges"))
    card = listing.select_one(f'.pledge-card[data-pledge="{pledge.id}"]')
    assert card.select_one(".pledge-progress-text").get_text(strip=True) == "0 of 5 delivered"
    assert card.select_one("progress")["value"] == "0"
    assert card.select_one(".status").get_text(strip=True) == "Pledged"
    assert listing.select_one('.sub-nav a[aria-current="page"]').get_text(strip=True) == "Pledges"


async def test_a_co_funding_pledge_takes_an_amount_written_the_french_way(employer_client):
    response = await post(
        employer_client,
        "/employer/pledges/new",
        pledge_form(kind="co_funding", quantity="", amount="15 000,50", description=""),
    )
    pledge = await Pledge.get(id=id_in_location(response))
    assert (pledge.quantity, pledge.amount_mad) == (None, Decimal("15000.50"))
    listing = html(await employer_client.get("/employer/pledges"))
    assert listing.select_one(".pledge-progress-text").get_text(strip=True) == (
        "0 MAD of 15,000.50 MAD delivered"
    )


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"quantity": "0"}, "quantity", "Enter a whole number of at least 1."),
        ({"quantity": ""}, "quantity", "Enter how many places, people or items."),
        ({"quantity": "99999999999999999999"}, "quantity", "This number is too large."),
        ({"quantity": "100001"}, "quantity", "This number is too large."),
        ({"quantity": "٥"}, "quantity", "Enter a whole number of at least 1."),
        ({"quantity": "2.5"}, "quantity", "Enter a whole number of at least 1."),
        ({"amount": "1000"}, "amount", "Only for co-funding: leave this empty."),
        (
            {"kind": "co_funding", "quantity": "", "amount": "12abc"},
            "amount",
            "Enter an amount in dirhams, such as 15 000 or 15000,50.",
        ),
        (
            {"kind": "co_funding", "quantity": "", "amount": "0"},
            "amount",
            "The amount must be more than zero.",
        ),
        (
            {"kind": "co_funding", "quantity": "", "amount": "99999999999999"},
            "amount",
            "This amount is too large.",
        ),
        (
            {"kind": "co_funding", "quantity": "", "amount": ""},
            "amount",
            "Enter the amount in dirhams.",
        ),
        ({"kind": "co_funding"}, "quantity", "Leave this empty for co-funding: enter the amount."),
        (
            {"deadline": (TODAY - timedelta(days=1)).isoformat()},
            "deadline",
            "The deadline cannot be in the past.",
        ),
        ({"deadline": "31/12/2026"}, "deadline", "Enter a date."),
        ({"deadline": "9999-12-31"}, "deadline", "The deadline must be within ten years."),
        ({"kind": "in_kind", "description": "  "}, "description", "Describe what you commit to."),
        ({"kind": "other", "description": ""}, "description", "Describe what you commit to."),
        ({"description": "x" * 2001}, "description", "This text is too long."),
        ({"kind": "volunteering"}, "kind", "Choose a kind of commitment from the list."),
        ({"event": "999999999"}, "event", "Choose an event from the list."),
        ({"event": "abc"}, "event", "Choose an event from the list."),
    ],
)
async def test_a_wrong_pledge_form_shows_the_error_next_to_the_field(
    employer_client, changes, field, message
):
    form = pledge_form(**changes)
    response = await post(employer_client, "/employer/pledges/new", form)
    assert response.status_code == 422
    page = html(response)
    assert page.select_one(f"#error-{field}").get_text(strip=True) == message
    assert page.select_one("#field-quantity")["value"] == form["quantity"]
    assert page.select_one("#field-amount")["value"] == form["amount"]
    assert page.select_one("#field-description").get_text() == form["description"]
    assert not await Pledge.exists()


async def test_today_is_an_acceptable_deadline(employer_client):
    response = await post(
        employer_client, "/employer/pledges/new", pledge_form(deadline=TODAY.isoformat())
    )
    assert response.status_code == 303


async def test_the_event_choices_are_published_and_closed_events_of_every_organisation(
    employer_client,
):
    passerelles = await make_organisation()
    other = await make_organisation("horizons", "Horizons")
    fair = await make_event(passerelles, "salon", title={"fr": "Salon de Casablanca"})
    closed = await make_event(
        other, "forum", title={"fr": "Forum de Tanger"}, status=EventStatus.CLOSED
    )
    await make_event(passerelles, "brouillon", title={"fr": "Brouillon"}, status=EventStatus.DRAFT)
    await make_event(passerelles, "archive", title={"fr": "Archive"}, status=EventStatus.ARCHIVED)
    await make_event(passerelles, "atelier", title={"fr": "Atelier CV"}, parent=fair)
    page = html(await employer_client.get("/employer/pledges/new"))
    options = {option["value"]: option.get_text() for option in page.select("#field-event option")}
    assert set(options) == {"", str(fair.id), str(closed.id)}
    assert "Horizons" in options[str(closed.id)]

    response = await post(
        employer_client, "/employer/pledges/new", pledge_form(event=str(closed.id))
    )
    assert (await Pledge.get(id=id_in_location(response))).event_id == closed.id


async def test_a_draft_event_cannot_be_named_as_where_the_pledge_was_made(employer_client):
    draft = await make_event(await make_organisation(), status=EventStatus.DRAFT)
    response = await post(
        employer_client, "/employer/pledges/new", pledge_form(event=str(draft.id))
    )
    assert response.status_code == 422
    assert html(response).select_one("#error-event") is not None


async def test_a_delivery_is_recorded_and_counts_towards_the_pledge(employer_client, atlas):
    pledge = await make_pledge(atlas, quantity=5)
    response = await post(
        employer_client,
        f"/employer/pledges/{pledge.id}/deliveries",
        {
            "quantity": "3",
            "delivered_on": TODAY.isoformat(),
            "evidence": "Trois conventions de stage",
        },
    )
    assert response.status_code == 303
    delivery = await Delivery.get(pledge_id=pledge.id)
    assert (delivery.quantity, delivery.review, delivery.delivered_on) == (
        3,
        DeliveryReview.UNREVIEWED,
        TODAY,
    )
    assert await ActionLog.exists(action="pledge.delivery.created", object_id=delivery.id)
    page = html(await employer_client.get(response.headers["location"]))
    assert page.select_one(".pledge-progress-text").get_text(strip=True) == "3 of 5 delivered"
    assert page.select_one("#pledge-status").get_text(strip=True) == "In progress"
    item = page.select_one(f"#delivery-{delivery.id}")
    assert "Trois conventions de stage" in item.get_text()
    assert "Not reviewed" in item.get_text()


async def test_a_co_funding_delivery_is_an_amount(employer_client, atlas):
    pledge = await make_pledge(
        atlas, kind=PledgeKind.CO_FUNDING, quantity=None, amount_mad=Decimal(50000)
    )
    page = html(await employer_client.get(f"/employer/pledges/{pledge.id}"))
    assert page.select_one("#field-quantity") is None
    response = await post(
        employer_client,
        f"/employer/pledges/{pledge.id}/deliveries",
        {"amount": "12 500,25", "delivered_on": TODAY.isoformat(), "evidence": "Virement n° 42"},
    )
    assert response.status_code == 303
    assert (await Delivery.get(pledge_id=pledge.id)).amount_mad == Decimal("12500.25")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"delivered_on": (TODAY + timedelta(days=1)).isoformat()},
            "delivered_on",
            "The date cannot be in the future.",
        ),
        ({"delivered_on": ""}, "delivered_on", "Enter a date."),
        (
            {"evidence": "   "},
            "evidence",
            "Describe the evidence: a contract, an attendance list, a receipt…",
        ),
        ({"quantity": "0"}, "quantity", "Enter a whole number of at least 1."),
        ({"quantity": "1" * 30}, "quantity", "This number is too large."),
    ],
)
async def test_a_wrong_delivery_shows_the_error_next_to_the_field(
    employer_client, atlas, changes, field, message
):
    pledge = await make_pledge(atlas)
    form = {"quantity": "2", "delivered_on": TODAY.isoformat(), "evidence": "Conventions"} | changes
    response = await post(employer_client, f"/employer/pledges/{pledge.id}/deliveries", form)
    assert response.status_code == 422
    page = html(response)
    assert page.select_one(f"#error-{field}").get_text(strip=True) == message
    assert page.select_one("#field-quantity")["value"] == form["quantity"]
    assert page.select_one("#field-evidence").get_text() == form["evidence"]
    assert not await Delivery.exists()


async def test_a_pledge_can_be_changed_until_something_is_delivered(employer_client, atlas):
    pledge = await make_pledge(atlas, quantity=5)
    response = await post(
        employer_client, f"/employer/pledges/{pledge.id}/edit", pledge_form(quantity="8")
    )
    assert response.status_code == 303
    assert (await Pledge.get(id=pledge.id)).quantity == 8
    assert await ActionLog.exists(action="pledge.updated", object_id=pledge.id)

    await deliver(pledge, 1)
    page = await employer_client.get(f"/employer/pledges/{pledge.id}/edit")
    assert page.status_code == 409
    assert "can no longer be changed" in html(page).select_one(".alert-error").get_text()
    refused = await post(
        employer_client, f"/employer/pledges/{pledge.id}/edit", pledge_form(quantity="1")
    )
    assert refused.status_code == 409
    assert (await Pledge.get(id=pledge.id)).quantity == 8


async def test_a_pledge_whose_deadline_passed_keeps_it_when_edited(employer_client, atlas):
    pledge = await make_pledge(atlas, deadline=days(-3))
    response = await post(
        employer_client,
        f"/employer/pledges/{pledge.id}/edit",
        pledge_form(deadline=days(-3).isoformat(), description="Précisé"),
    )
    assert response.status_code == 303
    assert (await Pledge.get(id=pledge.id)).description == "Précisé"


async def test_a_hire_shows_the_offer_it_came_through_as_its_evidence(employer_client, atlas):
    pledge = await make_pledge(atlas, quantity=2)
    delivery = await hire(pledge, title="Cariste (H/F)")
    page = html(await employer_client.get(f"/employer/pledges/{pledge.id}"))
    evidence = page.select_one(f"#delivery-{delivery.id} .delivery-evidence")
    assert evidence.get_text(strip=True) == "Hire through the offer Cariste (H/F)"
    assert page.select_one(".pledge-progress-text").get_text(strip=True) == "1 of 2 delivered"


async def test_a_company_awaiting_review_sees_its_pledges_page_but_cannot_pledge(client, db):
    await make_employer(status=EmployerStatus.PENDING, member_email="rh@pending.example")
    await login(client, "rh@pending.example")
    listing = await client.get("/employer/pledges?lang=en")
    assert listing.status_code == 200
    assert html(listing).select_one('a[href="/employer/pledges/new"]') is None
    assert (await client.get("/employer/pledges/new")).status_code == 403
    assert (await post(client, "/employer/pledges/new", pledge_form())).status_code == 403
    assert not await Pledge.exists()


async def test_an_employer_can_neither_see_nor_deliver_on_another_employers_pledge(
    employer_client, atlas
):
    other = await make_employer("Connect Call", ice=CONNECT_ICE)
    theirs = await make_pledge(other, description="Engagement secret de Connect")
    ours = await make_pledge(atlas, description="Notre engagement")
    assert (await employer_client.get(f"/employer/pledges/{theirs.id}")).status_code == 404
    assert (await employer_client.get(f"/employer/pledges/{theirs.id}/edit")).status_code == 404
    delivered = await post(
        employer_client,
        f"/employer/pledges/{theirs.id}/deliveries",
        {"quantity": "1", "delivered_on": TODAY.isoformat(), "evidence": "x"},
    )
    assert delivered.status_code == 404
    assert not await Delivery.exists()
    assert (await employer_client.get("/employer/pledges/999999999")).status_code == 404
    listing = await employer_client.get("/employer/pledges")
    assert "Notre engagement" in listing.text
    assert "Connect" not in listing.text
    assert [int(card["data-pledge"]) for card in html(listing).select(".pledge-card")] == [ours.id]


@pytest.mark.parametrize(
    "path",
    [
        "/employer/pledges",
        "/employer/pledges/new",
        "/employer/pledges/1",
        "/manage/passerelles/pledges",
        "/manage/passerelles/pledges/1",
    ],
)
async def test_anonymous_visitors_are_sent_to_login(client, db, path):
    response = await client.get(path)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login")


async def test_an_organiser_is_not_an_employer(organiser):
    assert (await organiser.get("/employer/pledges")).status_code == 403


# --- the organisers' review -------------------------------------------------------------------


async def test_organisers_of_any_organisation_see_every_pledge(app, atlas):
    passerelles = await make_organisation()
    horizons = await make_organisation("horizons", "Horizons")
    fair = await make_event(passerelles, title={"fr": "Salon de Casablanca"})
    pledge = await make_pledge(atlas, event=fair)
    await make_user("nadia@horizons.example", organisation=horizons)
    browser = await new_client(app)
    await login(browser, "nadia@horizons.example")
    listing = html(await browser.get("/manage/horizons/pledges?lang=en"))
    assert [int(row["data-pledge"]) for row in listing.select(".pledge-row")] == [pledge.id]
    assert "Salon de Casablanca" in listing.select_one(".pledge-row").get_text()
    detail = await browser.get(f"/manage/horizons/pledges/{pledge.id}")
    assert detail.status_code == 200
    assert html(detail).select_one('.sub-nav a[aria-current="page"]').get_text(strip=True) == (
        "Pledges"
    )


async def test_check_in_staff_do_not_see_the_pledges(app, atlas):
    organisation = await make_organisation()
    await make_user("porte@example.org", organisation=organisation, role=Role.CHECKIN)
    browser = await new_client(app)
    await login(browser, "porte@example.org")
    assert (await browser.get("/manage/passerelles/pledges")).status_code == 403


async def test_an_unknown_pledge_or_delivery_is_a_404_for_organisers(organiser):
    assert (await organiser.get("/manage/passerelles/pledges/999")).status_code == 404
    response = await post(
        organiser, "/manage/passerelles/deliveries/999/review", {"decision": "confirmed"}
    )
    assert response.status_code == 404


async def test_questioning_a_delivery_needs_a_note(organiser, atlas):
    pledge = await make_pledge(atlas)
    delivery = await deliver(pledge, 2)
    response = await post(
        organiser,
        f"/manage/passerelles/deliveries/{delivery.id}/review",
        {"decision": "questioned", "note": "  "},
    )
    assert response.status_code == 422
    error = html(response).select_one(f"#delivery-{delivery.id} #note-error-{delivery.id}")
    assert error.get_text(strip=True) == "Say what is wrong: the employer will read this note."
    assert (await Delivery.get(id=delivery.id)).review == DeliveryReview.UNREVIEWED


async def test_a_questioned_delivery_stops_counting_and_the_employer_reads_the_note(
    organiser, employer_client, atlas
):
    pledge = await make_pledge(atlas, quantity=5)
    delivery = await deliver(pledge, 5)
    response = await post(
        organiser,
        f"/manage/passerelles/deliveries/{delivery.id}/review",
        {"decision": "questioned", "note": "Les conventions ne sont pas signées."},
    )
    assert response.status_code == 303
    assert response.headers["location"] == (
        f"/manage/passerelles/pledges/{pledge.id}#delivery-{delivery.id}"
    )
    organiser_page = html(await organiser.get(response.headers["location"]))
    assert organiser_page.select_one("#pledge-status").get_text(strip=True) == "Pledged"
    assert organiser_page.select_one(".alert-success") is not None

    page = html(await employer_client.get(f"/employer/pledges/{pledge.id}"))
    item = page.select_one(f"#delivery-{delivery.id}")
    assert "Questioned by the organisers" in item.get_text()
    assert "Les conventions ne sont pas signées." in item.select_one(".review-note").get_text()
    assert page.select_one(".pledge-progress-text").get_text(strip=True) == "0 of 5 delivered"

    log = await ActionLog.get(action="pledge.delivery.questioned", object_id=delivery.id)
    assert log.data["note"] == "Les conventions ne sont pas signées."
    assert log.organisation_id is not None


async def test_confirming_a_questioned_delivery_makes_it_count_again(organiser, atlas):
    pledge = await make_pledge(atlas, quantity=2)
    delivery = await deliver(pledge, 2, review=DeliveryReview.QUESTIONED, review_note="?")
    response = await post(
        organiser,
        f"/manage/passerelles/deliveries/{delivery.id}/review",
        {"decision": "confirmed", "note": ""},
    )
    assert response.status_code == 303
    stored = await Delivery.get(id=delivery.id)
    assert (stored.review, stored.review_note) == (DeliveryReview.CONFIRMED, "")
    page = html(await organiser.get(f"/manage/passerelles/pledges/{pledge.id}"))
    assert page.select_one("#pledge-status").get_text(strip=True) == "Fulfilled"


async def test_a_review_with_htmx_swaps_the_delivery_and_asks_the_progress_to_reload(
    organiser, atlas
):
    pledge = await make_pledge(atlas, quantity=2)
    delivery = await deliver(pledge, 1)
    response = await post(
        organiser,
        f"/manage/passerelles/deliveries/{delivery.id}/review",
        {"decision": "confirmed", "note": "Vu les contrats"},
        **{"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert "<html" not in response.text
    assert response.headers["HX-Trigger"] == "pledge-reviewed"
    item = html(response).select_one(f"li#delivery-{delivery.id}")
    assert "Confirmed by the organisers" in item.get_text()
    assert item.select_one("textarea").get_text() == "Vu les contrats"

    summary = await organiser.get(
        f"/manage/passerelles/pledges/{pledge.id}", headers={"HX-Request": "true"}
    )
    assert "<html" not in summary.text
    assert html(summary).select_one("#pledge-summary .pledge-progress-text").get_text(
        strip=True
    ) == ("1 of 2 delivered")


async def test_a_review_refused_with_htmx_answers_the_delivery_at_422(organiser, atlas):
    delivery = await deliver(await make_pledge(atlas), 1)
    response = await post(
        organiser,
        f"/manage/passerelles/deliveries/{delivery.id}/review",
        {"decision": "questioned", "note": ""},
        **{"HX-Request": "true"},
    )
    assert response.status_code == 422
    assert "<html" not in response.text
    assert html(response).select_one(f"#note-error-{delivery.id}") is not None


async def test_a_review_must_confirm_or_question(organiser, atlas):
    delivery = await deliver(await make_pledge(atlas), 1)
    response = await post(
        organiser,
        f"/manage/passerelles/deliveries/{delivery.id}/review",
        {"decision": "unreviewed", "note": "x"},
    )
    assert response.status_code == 409
    assert (await Delivery.get(id=delivery.id)).review == DeliveryReview.UNREVIEWED


async def test_a_hire_counts_and_can_be_questioned_like_any_delivery(atlas):
    pledge = await make_pledge(atlas, quantity=1)
    delivery = await hire(pledge)
    [overview] = await employer_pledges(atlas, TODAY)
    assert overview.progress.status == PledgeStatus.FULFILLED
    await Delivery.filter(id=delivery.id).update(review=DeliveryReview.QUESTIONED)
    [overview] = await employer_pledges(atlas, TODAY)
    assert overview.progress.status == PledgeStatus.PLEDGED


async def test_record_delivery_logs_under_the_organisation_of_the_pledges_event(atlas):
    event = await make_event(await make_organisation())
    pledge = await make_pledge(atlas, event=event)
    delivery = await record_delivery(
        pledge,
        DeliveryForm(quantity="1", delivered_on=TODAY.isoformat(), evidence="Convention"),
        by=None,
    )
    log = await ActionLog.get(action="pledge.delivery.created", object_id=delivery.id)
    assert log.organisation_id == event.organisation_id
    assert log.data == {"pledge": pledge.id, "quantity": 1}


async def test_an_attendee_who_was_hired_stays_anonymous_on_the_pledge_pages(
    employer_client, organiser, atlas
):
    pledge = await make_pledge(atlas, quantity=2)
    await hire(pledge)
    for browser, path in (
        (employer_client, f"/employer/pledges/{pledge.id}"),
        (organiser, f"/manage/passerelles/pledges/{pledge.id}"),
    ):
        text = (await browser.get(path)).text
        assert "Amadou" not in text and "Diallo" not in text
        assert "+21266" not in text
