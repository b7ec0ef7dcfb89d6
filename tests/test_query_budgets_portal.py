"""Query budgets of the employer portal and the reports: the offer board, the employer's
dashboard and candidates, the organisers' pledge overview and the public report send the same
number of SQL statements whatever the number of rows behind them (see test_query_budgets.py)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from itertools import count

import pytest

from server.models import (
    Delivery,
    Employer,
    Exhibitor,
    Feedback,
    Interest,
    Lead,
    Organisation,
    Pledge,
    SynthesisReport,
)
from server.models.enums import (
    ExhibitorStatus,
    InterestStatus,
    ReportStatus,
)
from tests.support import (
    both_sizes,
    login,
    make_attendee,
    make_employer,
    make_event,
    make_offer,
    make_organisation,
    make_pledge,
    make_registration,
    make_user,
    statements,
)

BUDGETS = {
    "offer_board": 3,
    "employer_dashboard": 8,
    "candidates": 4,
    "pledge_overview": 7,
    "public_report": 21,  # with the funders on its cover and the interviews
}
MEMBER = "rh@atlas.example.org"

_numbers = count(1)


@pytest.fixture
async def organisation(db) -> Organisation:
    return await make_organisation()


@pytest.fixture
async def employer(db) -> Employer:
    return await make_employer(member_email=MEMBER)


async def pledge_with_delivery(employer: Employer, **extra: object) -> Pledge:
    pledge = await make_pledge(employer, **extra)
    await Delivery.create(pledge=pledge, quantity=1, delivered_on=date.today(), evidence="x")
    return pledge


async def test_the_offer_board(client):
    # The offers of the page, their count, the cities of the filter.
    async def grow(how_many: int) -> None:
        for _ in range(how_many):
            number = next(_numbers)
            company = await make_employer(f"Company {number}", ice=f"{number:015d}")
            await make_offer(company)

    counts = await both_sizes(lambda: statements(client, "GET", "/offers"), grow)
    assert counts == [BUDGETS["offer_board"]] * 2


async def test_the_employer_dashboard(client, organisation, employer):
    # The user and the membership with its company, pledges and their deliveries, offers and
    # their candidates by stage, booths and their leads.
    await login(client, MEMBER)

    async def grow(how_many: int) -> None:
        for _ in range(how_many):
            number = next(_numbers)
            await pledge_with_delivery(employer)
            offer = await make_offer(employer)
            fair = await make_event(organisation, f"fair-{number}")
            booth = await Exhibitor.create(
                event=fair, employer=employer, status=ExhibitorStatus.CONFIRMED
            )
            attendee = await make_attendee(f"Visitor{number}")
            await Interest.create(attendee=attendee, offer=offer)
            await Lead.create(
                exhibitor=booth,
                registration=await make_registration(fair, attendee),
                shared_profile=True,
            )

    counts = await both_sizes(lambda: statements(client, "GET", "/employer/"), grow)
    assert counts == [BUDGETS["employer_dashboard"]] * 2


async def test_the_candidates_of_an_offer(client, employer):
    # The user and the membership with its company, the offer, its candidates with their people.
    await login(client, MEMBER)
    offer = await make_offer(employer)

    async def grow(how_many: int) -> None:
        for number in range(how_many):
            attendee = await make_attendee(f"Candidate{next(_numbers)}", share=number % 2 == 0)
            await Interest.create(attendee=attendee, offer=offer, status=InterestStatus.SHORTLISTED)

    path = f"/employer/offers/{offer.id}"
    counts = await both_sizes(lambda: statements(client, "GET", path), grow)
    assert counts == [BUDGETS["candidates"]] * 2


async def test_the_organisers_pledge_overview(client, organisation):
    # The user, the organisation and the membership, the pledges with their employers and
    # events, their deliveries, the employers and events of the filters.
    await make_user("orga@example.org", organisation=organisation)
    await login(client, "orga@example.org")
    fair = await make_event(organisation, "salon")

    async def grow(how_many: int) -> None:
        for _ in range(how_many):
            number = next(_numbers)
            company = await make_employer(f"Company {number}", ice=f"{number:015d}")
            await pledge_with_delivery(company, event=fair)

    path = "/manage/passerelles/pledges"
    counts = await both_sizes(lambda: statements(client, "GET", path), grow)
    assert counts == [BUDGETS["pledge_overview"]] * 2


async def test_the_published_report(client, organisation):
    # The report with its event, then one aggregate query per figure (totals, sessions, arrivals,
    # each breakdown, employers, pledges, offers, feedback, interviews) and the funders on its
    # cover, whatever the number of people.
    fair = await make_event(organisation, "salon", starts_at=datetime.now(UTC) - timedelta(days=2))
    report = await SynthesisReport.create(
        event=fair, status=ReportStatus.PUBLISHED, public_token="t" * 43, context="Contexte"
    )

    async def grow(how_many: int) -> None:
        for number in range(how_many):
            attendee = await make_attendee(f"Guest{next(_numbers)}")
            came_in = datetime.now(UTC) if number % 2 == 0 else None
            entry = await make_registration(fair, attendee, checked_in_at=came_in)
            await Feedback.create(event=fair, registration=entry, rating=4)
            company = await make_employer(f"Company {attendee.id}", ice=f"{attendee.id:015d}")
            await Exhibitor.create(event=fair, employer=company, status=ExhibitorStatus.CONFIRMED)
            await pledge_with_delivery(company, event=fair)

    path = f"/reports/{report.public_token}"
    counts = await both_sizes(lambda: statements(client, "GET", path), grow)
    assert counts == [BUDGETS["public_report"]] * 2
